"""de-an-tinh-gian.xlsx: the annex of the đề án tinh giản biên chế (people by exit path, budget)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import xlsxwriter

from policy.exits import PATH_LABELS, ExitPath, fmt_vnd

from ..labels import label
from .exitdata import ExitData, months_early

ANNEX_NAME = "de-an-tinh-gian.xlsx"
PEOPLE_HEADERS = (
    "STT",
    "Họ và tên",
    "Số CCCD / mã",
    "Ngày sinh",
    "Giới tính",
    "Loại cán bộ",
    "Chức vụ cũ",
    "Đơn vị cũ",
    "Xã, phường mới",
    "Lộ trình",
    "Người chọn",
    "Ngày nghỉ",
    "Ngày đủ tuổi nghỉ hưu",
    "Số tháng nghỉ sớm",
    "Hệ số lương",
    "Hệ số PCCV",
    "% TNVK",
    "Phụ cấp khác (đồng)",
    "Số năm đóng BHXH",
    "Phụ cấp KCT (đồng/tháng)",
    "Lương cơ sở (đồng)",
    "Tiền lương/phụ cấp tháng (đồng)",
    "Cách tính",
    "Số tiền (đồng)",
    "Nguồn kinh phí",
    "Ghi chú (điều kiện, dữ liệu thiếu)",
)


def _date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def exits_workbook_bytes(data: ExitData, draft_mark: str = "DỰ THẢO") -> bytes:
    """The annex workbook: people by exit path with each input and the amount; totals; budget."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    base = {"font_name": "Times New Roman", "font_size": 11}
    title = book.add_format({**base, "bold": True, "font_size": 13})
    head = book.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "valign": "top"})
    cell = book.add_format({**base, "border": 1, "text_wrap": True, "valign": "top"})
    num = book.add_format({**base, "border": 1, "valign": "top", "num_format": "0.00"})
    money = book.add_format({**base, "border": 1, "valign": "top", "num_format": "#,##0"})
    bold_money = book.add_format({**base, "border": 1, "bold": True, "num_format": "#,##0"})
    bold = book.add_format({**base, "border": 1, "bold": True})

    draft = data.status != "approved"
    heading = f"PHỤ LỤC ĐỀ ÁN TINH GIẢN BIÊN CHẾ - {data.province_name.upper()} - {data.plan_name}"
    if draft:
        heading = f"{draft_mark}: {heading}"

    ws = book.add_worksheet("Danh sách")
    ws.write_string(0, 0, heading, title)
    ws.write_string(
        1,
        0,
        f"Quyết định sắp xếp ngày {_date(data.decision_date)}; mức lương cơ sở "
        f"{data.base_salary:,} đồng".replace(",", "."),
    )
    top = 3
    for c, h in enumerate(PEOPLE_HEADERS):
        ws.write_string(top, c, h, head)
    widths = {1: 24, 6: 26, 7: 26, 8: 18, 9: 22, 22: 60, 23: 16, 24: 26, 25: 50}
    for c in range(len(PEOPLE_HEADERS)):
        ws.set_column(c, c, widths.get(c, 12))
    ws.freeze_panes(top + 1, 2)
    row = top + 1
    for i, r in enumerate(
        sorted(data.rows, key=lambda x: (list(ExitPath).index(x.path), x.commune_code, x.name)), 1
    ):
        pay, res = r.case.pay, r.result
        values: list[tuple[object, object]] = [
            (i, cell),
            (r.name, cell),
            (r.key, cell),
            (_date(r.birth_date), cell),
            (label("gender", r.gender), cell),
            (label("category", r.category), cell),
            (r.current_title, cell),
            (f"{r.unit_name}{', ' + r.unit_district if r.unit_district else ''}", cell),
            (r.commune_name, cell),
            (r.path_label, cell),
            ("Người duyệt" if r.chosen else "Đề xuất", cell),
            (_date(r.case.leave_date), cell),
            (_date(r.case.retirement_date), cell),
            (months_early(r), cell),
            (pay.salary_coefficient, num),
            (pay.position_allowance, num),
            (pay.seniority_pct, num),
            (pay.other_allowances, money),
            (pay.insurance_years, num),
            (pay.part_time_allowance, money),
            (r.case.base_salary, money),
            (res.monthly_salary, money),
            (
                "\n".join(f"{line.label}: {line.formula} = {fmt_vnd(line.amount)}" for line in res.lines),
                cell,
            ),
            (res.total, money),
            (r.source if res.total else "", cell),
            (r.status_text, cell),
        ]
        for c, (value, fmt) in enumerate(values):
            if value is None or value == "":
                ws.write_blank(row, c, None, fmt)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                ws.write_number(row, c, float(value), fmt)
            else:
                ws.write_string(row, c, str(value), fmt)
        row += 1
    total_row = row
    ws.write_string(total_row, 22, "Tổng cộng", bold)
    ws.write_number(total_row, 23, sum(r.result.total or 0 for r in data.rows), bold_money)

    # totals by path
    ws2 = book.add_worksheet("Tổng hợp theo lộ trình")
    ws2.write_string(0, 0, "TỔNG HỢP THEO LỘ TRÌNH", title)
    for c, h in enumerate(("Lộ trình", "Số người", "Chưa tính được", "Kinh phí (đồng)")):
        ws2.write_string(2, c, h, head)
    ws2.set_column(0, 0, 44)
    ws2.set_column(1, 3, 18)
    totals = data.totals_by_path()
    r2 = 3
    for path in ExitPath:
        people, amount = totals.get(path, (0, 0))
        uncomputed = sum(1 for x in data.rows if x.path is path and x.result.total is None)
        ws2.write_string(r2, 0, PATH_LABELS[path], cell)
        ws2.write_number(r2, 1, people, cell)
        ws2.write_number(r2, 2, uncomputed, cell)
        ws2.write_number(r2, 3, amount, money)
        r2 += 1
    ws2.write_string(r2, 0, "Tổng cộng", bold)
    ws2.write_number(r2, 1, len(data.rows), bold)
    ws2.write_number(r2, 2, sum(1 for x in data.rows if x.result.total is None), bold)
    ws2.write_number(r2, 3, sum(v for _, v in totals.values()), bold_money)

    # budget by year and source
    ws3 = book.add_worksheet("Kinh phí theo năm, nguồn")
    ws3.write_string(0, 0, "DỰ TOÁN KINH PHÍ THEO NĂM VÀ NGUỒN", title)
    for c, h in enumerate(("Năm", "Nguồn kinh phí", "Kinh phí (đồng)")):
        ws3.write_string(2, c, h, head)
    ws3.set_column(1, 1, 50)
    ws3.set_column(2, 2, 20)
    r3 = 3
    budget = data.budget_by_year_source()
    for (year, source), amount in budget.items():
        ws3.write_number(r3, 0, year, cell)
        ws3.write_string(r3, 1, source, cell)
        ws3.write_number(r3, 2, amount, money)
        r3 += 1
    ws3.write_string(r3, 1, "Tổng cộng", bold)
    ws3.write_number(r3, 2, sum(budget.values()), bold_money)

    # by commune
    ws4 = book.add_worksheet("Theo xã")
    ws4.write_string(0, 0, "TỔNG HỢP THEO XÃ, PHƯỜNG", title)
    cols = (
        "Mã xã",
        "Xã, phường",
        "Số người",
        *[PATH_LABELS[p] for p in ExitPath],
        "Chưa tính được",
        "Kinh phí (đồng)",
    )
    for c, h in enumerate(cols):
        ws4.write_string(2, c, h, head)
    ws4.set_column(1, 1, 24)
    ws4.set_column(2, len(cols), 16)
    r4 = 3
    for code, info in data.by_commune().items():
        values4: list[object] = [code, info["name"], info["people"]]
        values4 += [info["paths"].get(p, 0) for p in ExitPath] + [info["uncomputed"], info["total"]]
        for col, v in enumerate(values4):
            if isinstance(v, int):
                ws4.write_number(r4, col, v, money if col == len(values4) - 1 else cell)
            else:
                ws4.write_string(r4, col, str(v), cell)
        r4 += 1
    # the pay protection of the people placed lower: 6 months (Res. 76/2025/UBTVQH15), a term post to the
    # end of the term, counted from the restructuring decision
    ws5 = book.add_worksheet("Bảo lưu phụ cấp chức vụ")
    ws5.write_string(
        0,
        0,
        "BẢO LƯU PHỤ CẤP CHỨC VỤ (NGHỊ QUYẾT 76/2025/UBTVQH15; CHỨC VỤ THEO NHIỆM KỲ: ĐẾN HẾT NHIỆM KỲ)",
        title,
    )
    cols5 = ("Họ và tên", "Chức vụ cũ", "Vị trí mới", "Xã, phường", "Cách tính", "Số tiền (đồng)", "Ghi chú")
    for c, h in enumerate(cols5):
        ws5.write_string(2, c, h, head)
    ws5.set_column(0, 3, 26)
    ws5.set_column(4, 4, 50)
    ws5.set_column(5, 6, 24)
    r5 = 3
    for post, line, why in data.protections():
        for c, v in enumerate((post.name, post.title, post.new_title, post.commune_name)):
            ws5.write_string(r5, c, v, cell)
        ws5.write_string(r5, 4, line.formula if line else "", cell)
        if line:
            ws5.write_number(r5, 5, line.amount, money)
        else:
            ws5.write_blank(r5, 5, None, money)
        ws5.write_string(r5, 6, why or data.kept(post).reason, cell)
        r5 += 1
    book.close()
    return buf.getvalue()
