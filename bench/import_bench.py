"""Time the roster reader on a generated 10,000-row roster (.xlsx), as an office would send it.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--keep PATH]

Prints the time to write the file (not part of an import), to read and validate it
(`read_roster`), to find duplicates, to build the JSON report and the annotated copy.
The target for validate + import is under 10 s; this measures the read/validate part.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from imports.duplicates import find_duplicates
from imports.report import annotated_copy, report_to_dict
from imports.roster import read_roster

HEADER = [
    "STT", "Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Nơi ở hiện nay", "Loại cán bộ",
    "Chức vụ, chức danh", "Trình độ chuyên môn", "Chuyên ngành", "Lý luận chính trị", "Quản lý nhà nước",
    "Đảng viên", "Ngày bắt đầu công tác", "Xếp loại 2022", "Xếp loại 2023", "Xếp loại 2024", "Quy hoạch",
    "Kỷ luật", "Nguyện vọng", "Ghi chú",
]  # fmt: skip
FAMILY = ["Nguyễn", "Trần", "Lê", "Hoàng", "Nông", "Lương", "Vi", "Lý", "Hà", "Triệu", "Đinh", "Lường"]
MIDDLE_M, MIDDLE_F = ["Văn", "Đức", "Hữu", "Quang"], ["Thị", "Thu", "Ngọc", "Minh"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hòa",
    "Lan",
    "Mai",
    "Nga",
    "Phúc",
    "Quyết",
    "Sơn",
    "Thảo",
    "Yến",
]
TITLES = [
    "Công chức Tư pháp - Hộ tịch", "Công chức Văn phòng - Thống kê", "Công chức Tài chính - Kế toán",
    "Công chức Địa chính - Xây dựng - Nông nghiệp và Môi trường", "Chủ tịch UBND", "Phó Chủ tịch UBND",
    "Bí thư Đảng ủy", "Chủ tịch Hội Nông dân", "Chỉ huy trưởng Ban Chỉ huy Quân sự",
    "Chuyên viên Phòng Nội vụ",
]  # fmt: skip
FIELDS = ["Luật", "Quản lý đất đai", "Kế toán", "Kinh tế nông nghiệp", "Hành chính học", "Xây dựng Đảng",
          "Công nghệ thông tin", "Sư phạm Toán"]  # fmt: skip
COMMUNES = {"Xã Đình Lập": "06613", "Xã Thái Bình": "06616", "Xã Kiên Mộc": "06625", "Xã Châu Sơn": "06637"}


def make_roster(rows: int, seed: int = 0) -> bytes:
    """A roster with a title block, a text CCCD column, mixed date forms and a few bad cells."""
    rng = random.Random(seed)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("Danh sách")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write(0, 0, "DANH SÁCH CÁN BỘ, CÔNG CHỨC")
    ws.write(1, 0, "(Kèm theo Công văn số 125/UBND-NV)")
    for c, h in enumerate(HEADER):
        ws.write_string(3, c, h)
    communes = list(COMMUNES)
    for i in range(rows):
        r = 4 + i
        male = rng.random() < 0.6
        name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_M if male else MIDDLE_F), rng.choice(GIVEN)])
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        cccd = f"0{20 + rng.randrange(80):02d}{birth.year % 100:02d}{i:07d}"[:12]
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, cccd if rng.random() > 0.05 else cccd[1:])  # some lost their leading zero
        ws.write_string(r, 2, name)
        if rng.random() < 0.5:
            ws.write_datetime(r, 3, birth, date_format)
        else:
            ws.write_string(r, 3, birth.strftime("%d/%m/%Y"))
        ws.write_string(r, 4, "Nam" if male else "Nữ")
        ws.write_string(r, 5, rng.choice(["Kinh", "Tày", "Nùng", "Dao"]))
        ws.write_string(r, 6, rng.choice(communes))
        ws.write_string(r, 7, rng.choice(["Cán bộ", "Công chức", "Công chức", "Viên chức", "Hợp đồng"]))
        ws.write_string(r, 8, rng.choice(TITLES))
        ws.write_string(r, 9, rng.choice(["Đại học", "Đại học", "Thạc sĩ", "Cao đẳng", "Trung cấp"]))
        ws.write_string(r, 10, rng.choice(FIELDS))
        ws.write_string(r, 11, rng.choice(["Cử nhân", "Cao cấp", "Trung cấp", "Sơ cấp", ""]))
        ws.write_string(r, 12, rng.choice(["Chuyên viên", "Chuyên viên chính", "Cán sự", ""]))
        ws.write_string(r, 13, rng.choice(["x", "", "Đảng viên"]))
        ws.write_string(r, 14, (birth + timedelta(days=365 * 23)).strftime("%d/%m/%Y"))
        for c in (15, 16, 17):
            ws.write_string(r, c, rng.choice(["HTTNV", "HTXSNV", "HTNV", "Hoàn thành tốt nhiệm vụ"]))
        ws.write_string(r, 18, rng.choice(["", "", "", "Trưởng phòng", "Phó Chủ tịch UBND"]))
        ws.write_string(r, 19, "Khiển trách" if rng.random() < 0.01 else "")
        ws.write_string(r, 20, "; ".join(rng.sample(communes, 2)))
        if rng.random() < 0.003:
            ws.write_string(r, 3, "31/02/1980")  # a bad date, reported
    ws.write(rows + 6, 1, "Người lập biểu")
    ws.write(rows + 6, 8, "Thủ trưởng đơn vị")
    book.close()
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="also write the generated roster here")
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = make_roster(args.rows)
    t1 = time.perf_counter()
    if args.keep:
        args.keep.write_bytes(data)
    cpu = time.process_time()
    result = read_roster(data, "bench.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1))
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu
    dups = find_duplicates(result.records)
    t3 = time.perf_counter()
    report = report_to_dict(result)
    t4 = time.perf_counter()
    copy = annotated_copy(data, "bench.xlsx", result)
    t5 = time.perf_counter()
    errors = sum(1 for e in result.errors if e.severity == "error")
    print(
        f"rows: {result.rows}, accepted: {len(result.records)}, errors: {errors}, "
        f"warnings: {len(result.errors) - errors}, duplicates: {len(dups)}, file: {len(data) / 1e6:.1f} MB"
    )
    print(f"generate .xlsx (not part of import): {t1 - t0:6.2f} s")
    print(f"read + validate (read_roster):       {t2 - t1:6.2f} s  (CPU of this process: {cpu:.2f} s;")
    print("                                               the engine runs in its worker process)")
    print(f"find_duplicates:                     {t3 - t2:6.2f} s")
    print(f"report_to_dict:                      {t4 - t3:6.2f} s  ({len(report['people'])} people)")
    print(f"annotated_copy:                      {t5 - t4:6.2f} s  ({len(copy) / 1e6:.1f} MB)")
    print(
        f"validate total (read + dups + report): {t4 - t1:6.2f} s  (target < 10 s with the database import)"
    )


if __name__ == "__main__":
    main()
