"""Write the real-world roster corpus of issue 11: rosters in the shapes provincial offices send.

    python tests/data/rosters-real-world/make_corpus.py

Each roster `NAME.ext` comes with `NAME.expected.json`: the people the file holds (with the
exchange-format value of each field a reader must get right), the warnings it must raise (by
row and a fragment of the message) and the rows that are not people. The expectations are
written here from what each file was built to contain, never by running the reader.

.xls and .ods copies are made with LibreOffice (`soffice --headless --convert-to`) when it is
installed; the committed files are then reused as they are.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

HERE = Path(__file__).parent
UNIT = "06619"
AS_OF = "2025-07-01"

# The people every roster draws from: what the office writes, and what the reader must make of it.
PEOPLE: list[dict[str, Any]] = [
    {
        "write": {
            "name": "Hoàng Văn Long",
            "cccd": "020076001234",
            "birth": "12/04/1976",
            "gender": "Nam",
            "ethnicity": "Tày",
            "category": "Công chức",
            "title": "Công chức Địa chính - Xây dựng",
            "education": "Đại học",
            "field": "Quản lý đất đai",
            "llct": "Trung cấp",
            "qlnn": "Chuyên viên",
            "rank": "01.003",
            "party": "x",
            "r2023": "HTTNV",
            "r2024": "Hoàn thành xuất sắc nhiệm vụ",
        },
        "expect": {
            "id": "020076001234",
            "birth_date": "1976-04-12",
            "gender": "M",
            "category": "cong_chuc",
            "job_family": "dia_chinh",
            "education": "dai_hoc",
            "political_theory": "trung_cap",
            "state_management": "chuyen_vien",
            "rank": "01.003",
            "party_member": True,
            "ratings": [{"year": 2023, "value": "tot"}, {"year": 2024, "value": "xuat_sac"}],
        },
    },
    {
        "write": {
            "name": "Lý Thị Mai",
            "cccd": "020180004321",
            "birth": "23/08/1980",
            "gender": "Nữ",
            "ethnicity": "Nùng",
            "category": "Cán bộ",
            "title": "Chủ tịch Hội Liên hiệp Phụ nữ",
            "education": "Thạc sĩ",
            "field": "Kế toán",
            "llct": "Cao cấp",
            "qlnn": "Chuyên viên chính",
            "rank": "Chuyên viên chính (01.002)",
            "party": "x",
            "r2023": "Hoàn thành tốt nhiệm vụ",
            "r2024": "HTXSNV",
        },
        "expect": {
            "id": "020180004321",
            "birth_date": "1980-08-23",
            "gender": "F",
            "category": "can_bo",
            "job_family": "phu_nu",
            "education": "thac_si",
            "political_theory": "cao_cap",
            "state_management": "chuyen_vien_chinh",
            "rank": "01.002",
            "party_member": True,
            "ratings": [{"year": 2023, "value": "tot"}, {"year": 2024, "value": "xuat_sac"}],
        },
    },
    {
        "write": {
            "name": "Nông Văn Ba",
            "cccd": "020085007777",
            "birth": "05/11/1985",
            "gender": "Nam",
            "ethnicity": "Tày",
            "category": "Công chức",
            "title": "Công chức Tài chính - Kế toán",
            "education": "Đại học",
            "field": "Kế toán",
            "llct": "Sơ cấp",
            "qlnn": "",
            "rank": "Kế toán viên (06.031)",
            "party": "",
            "r2023": "Hoàn thành NV",
            "r2024": "Hoàn thành tốt NV",
        },
        "expect": {
            "id": "020085007777",
            "birth_date": "1985-11-05",
            "gender": "M",
            "category": "cong_chuc",
            "job_family": "tai_chinh",
            "education": "dai_hoc",
            "political_theory": "so_cap",
            "state_management": "none",
            "rank": "06.031",
            "party_member": False,
            "ratings": [{"year": 2023, "value": "hoan_thanh"}, {"year": 2024, "value": "tot"}],
        },
    },
    {
        "write": {
            "name": "Vi Thị Hồng",
            "cccd": "020190003003",
            "birth": "17/02/1990",
            "gender": "Nữ",
            "ethnicity": "Kinh",
            "category": "Không chuyên trách",
            "title": "Phó Chỉ huy trưởng Quân sự",
            "education": "Trung cấp",
            "field": "",
            "llct": "Sơ cấp",
            "qlnn": "",
            "rank": "",
            "party": "x",
            "r2023": "HTNV",
            "r2024": "Không hoàn thành NV",
        },
        "expect": {
            "id": "020190003003",
            "birth_date": "1990-02-17",
            "gender": "F",
            "category": "khong_chuyen_trach",
            "job_family": "quan_su",
            "education": "trung_cap",
            "political_theory": "so_cap",
            "party_member": True,
            "ratings": [{"year": 2023, "value": "hoan_thanh"}, {"year": 2024, "value": "khong_hoan_thanh"}],
        },
    },
    {
        "write": {
            "name": "Đinh Công Tráng",
            "cccd": "020172005555",
            "birth": "30/06/1972",
            "gender": "Nam",
            "ethnicity": "Dao",
            "category": "Cán bộ",
            "title": "Bí thư Đảng ủy",
            "education": "Đại học",
            "field": "Luật",
            "llct": "Cử nhân",
            "qlnn": "Cử nhân hành chính",
            "rank": "01.002 - Chuyên viên chính",
            "party": "x",
            "r2023": "HTXSNV",
            "r2024": "HTXSNV",
        },
        "expect": {
            "id": "020172005555",
            "birth_date": "1972-06-30",
            "gender": "M",
            "category": "can_bo",
            "job_family": "dang",
            "education": "dai_hoc",
            "political_theory": "cao_cap",
            "state_management": "chuyen_vien_chinh",
            "rank": "01.002",
            "party_member": True,
            "ratings": [{"year": 2023, "value": "xuat_sac"}, {"year": 2024, "value": "xuat_sac"}],
        },
    },
    {
        "write": {
            "name": "Hà Thị Thu",
            "cccd": "020195008888",
            "birth": "14/09/1995",
            "gender": "Nữ",
            "ethnicity": "Tày",
            "category": "Công chức",
            "title": "Công chức Văn hóa - Xã hội",
            "education": "Cao đẳng",
            "field": "Văn hóa",
            "llct": "",
            "qlnn": "",
            "rank": "Cán sự",
            "party": "",
            "r2023": "HTTNV",
            "r2024": "HTTNV",
        },
        "expect": {
            "id": "020195008888",
            "birth_date": "1995-09-14",
            "gender": "F",
            "category": "cong_chuc",
            "job_family": "van_hoa",
            "education": "cao_dang",
            "political_theory": "none",
            "state_management": "none",
            "rank": "01.004",
            "party_member": False,
            "ratings": [{"year": 2023, "value": "tot"}, {"year": 2024, "value": "tot"}],
        },
    },
]

COLUMNS = [  # (key in "write", header as most offices write it)
    ("stt", "STT"),
    ("name", "Họ và tên"),
    ("cccd", "Số CCCD"),
    ("birth", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("ethnicity", "Dân tộc"),
    ("category", "Loại cán bộ"),
    ("title", "Chức vụ, chức danh"),
    ("education", "Trình độ chuyên môn"),
    ("field", "Chuyên ngành"),
    ("llct", "Lý luận chính trị"),
    ("qlnn", "Quản lý nhà nước"),
    ("rank", "Ngạch"),
    ("party", "Đảng viên"),
    ("r2023", "Xếp loại 2023"),
    ("r2024", "Xếp loại 2024"),
]

SIGNATURE = [
    [],
    ["", "", "", "", "", "", "", "Lạng Sơn, ngày 10 tháng 7 năm 2025"],
    ["", "Người lập biểu", "", "", "", "", "", "THỦ TRƯỞNG ĐƠN VỊ"],
    ["", "(Ký, ghi rõ họ tên)", "", "", "", "", "", "(Ký tên, đóng dấu)"],
    [],
    ["", "Nguyễn Văn Lập", "", "", "", "", "", "Hoàng Văn Trưởng"],
]

CORPUS: list[dict[str, Any]] = []


# ---------------------------------------------------------------- helpers


def person(i: int, **changes: Any) -> dict[str, Any]:
    """Person i of PEOPLE, with written values changed; `expect` keys set to None are dropped."""
    p = deepcopy(PEOPLE[i])
    for key, value in changes.items():
        if key.startswith("expect_"):
            field = key[len("expect_") :]
            if value is None:
                p["expect"].pop(field, None)
            else:
                p["expect"][field] = value
        else:
            p["write"][key] = value
    return p


def table(people: list[dict[str, Any]], columns: list[tuple[str, str]] | None = None) -> list[list[Any]]:
    columns = columns or COLUMNS
    rows: list[list[Any]] = [[h for _, h in columns]]
    for n, p in enumerate(people, start=1):
        rows.append([n if k == "stt" else p["write"].get(k, "") for k, _ in columns])
    return rows


def expected_people(
    people: list[dict[str, Any]], columns: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """The expected fields of each person, limited to what the file's columns carry."""
    keys = {k for k, _ in (columns or COLUMNS)}
    needs = {
        "birth_date": "birth",
        "gender": "gender",
        "category": "category",
        "education": "education",
        "political_theory": "llct",
        "state_management": "qlnn",
        "rank": "rank",
        "party_member": "party",
        "id": "cccd",
    }
    out = []
    for p in people:
        fields = {}
        for field, value in p["expect"].items():
            if field == "ratings":
                years = {int(k[1:]) for k in keys if k.startswith("r20")}
                value = [r for r in value if r["year"] in years]
            elif field == "job_family":
                if "title" not in keys and "job_family" not in p.get("force", ()):
                    continue
            elif field in needs and needs[field] not in keys:
                continue
            fields[field] = value
        out.append({"name": p["write"]["name"], "fields": fields})
    return out


def add(
    name: str,
    sheets: dict[str, list[list[Any]]],
    people: list[dict[str, Any]],
    *,
    warnings: list[tuple[int, str]] = (),  # type: ignore[assignment]
    not_people: list[int] = (),  # type: ignore[assignment]
    kind: str = "xlsx",
    merges: dict[str, list[str]] | None = None,
    hidden_columns: dict[str, list[str]] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    note: str = "",
    people_count: int | None = None,
) -> None:
    if people and "write" in people[0]:
        people = expected_people(people)
    CORPUS.append(
        {
            "name": name,
            "sheets": sheets,
            "people": people,
            "warnings": list(warnings),
            "not_people": list(not_people),
            "kind": kind,
            "merges": merges or {},
            "hidden_columns": hidden_columns or {},
            "encoding": encoding,
            "delimiter": delimiter,
            "note": note,
            "people_count": people_count if people_count is not None else len(people),
        }
    )


def write_xlsx(path: Path, case: dict[str, Any]) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet_name, rows in case["sheets"].items():
        ws = wb.create_sheet(sheet_name)
        for r in rows:
            ws.append([None if v == "" else v for v in r])
        for rng in case["merges"].get(sheet_name, []):
            ws.merge_cells(rng)
        for letter in case["hidden_columns"].get(sheet_name, []):
            ws.column_dimensions[letter].hidden = True
        for c in range(1, (max((len(r) for r in rows), default=0)) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 16
    wb.save(path)


def write_csv(path: Path, case: dict[str, Any]) -> None:
    (rows,) = case["sheets"].values()
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=case["delimiter"], lineterminator="\r\n")
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    text = buf.getvalue()
    if case["encoding"] == "utf-8-sig":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    elif case["encoding"] == "utf-16":
        path.write_bytes(text.encode("utf-16"))
    elif case["encoding"] == "cp1258":
        path.write_bytes(to_cp1258(text))
    else:
        path.write_bytes(text.encode(case["encoding"]))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: letters with their own code, tone marks combining."""
    import unicodedata

    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = [m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def convert(source: Path, target_ext: str) -> bool:
    """An .xls or .ods copy of an .xlsx through LibreOffice; False when it is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--convert-to",
                target_ext,
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        made = Path(tmp) / (source.stem + "." + target_ext)
        shutil.copy(made, source.with_suffix("." + target_ext))
    return True


# ---------------------------------------------------------------- the corpus


def build() -> None:
    everyone = list(range(len(PEOPLE)))
    base = [person(i) for i in everyone]

    # 1. a clean roster, one header row
    add("01_clean.xlsx", {"Danh sách": table(base)}, base, note="one header row, every column")

    # 2. title rows, a numbering row, the signature block
    rows = [
        ["ỦY BAN NHÂN DÂN XÃ BẮC XA"],
        ["DANH SÁCH CÁN BỘ, CÔNG CHỨC"],
        ["(Kèm theo Công văn số 12/UBND)"],
        [],
    ]
    t = table(base)
    numbering = [f"({i})" for i in range(1, len(t[0]) + 1)]
    rows += [t[0], numbering, *t[1:], *SIGNATURE]
    sig_start = len(rows) - len(SIGNATURE) + 2
    add(
        "02_titles_numbering_signature.xlsx",
        {"DS": rows},
        base,
        not_people=[1, 2, 3, 6, sig_start, sig_start + 1, sig_start + 2, sig_start + 4],
        note="title rows, (1) (2) (3) numbering, place-and-date line, signature block with names",
    )

    # 3. sections give the category; no category column; a total row
    cols = [c for c in COLUMNS if c[0] != "category"]
    groups = [
        ("I. CÁN BỘ", [1, 4]),
        ("II. CÔNG CHỨC", [0, 2, 5]),
        ("III. NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH", [3]),
    ]
    rows = [[h for _, h in cols]]
    section_rows = []
    ordered = []
    for heading, members in groups:
        rows.append([heading])
        section_rows.append(len(rows))
        for i in members:
            rows.append([base[i]["write"].get(k, "") if k != "stt" else len(ordered) + 1 for k, _ in cols])
            ordered.append(base[i])
    rows.append(["", f"Tổng cộng: {len(ordered)} người"])
    total_row = len(rows)
    expect = expected_people(ordered, cols)
    for e, p in zip(expect, ordered, strict=True):
        e["fields"]["category"] = p["expect"]["category"]
    add(
        "03_sections_category.xlsx",
        {"DS": rows},
        expect,
        not_people=[*section_rows, total_row],
        note="I. CÁN BỘ / II. CÔNG CHỨC / III. KCT set the category; 'Tổng cộng' row",
    )
    CORPUS[-1]["people_expected_raw"] = True

    # 4. nested sections: category then block, with subtotals
    rows = [[h for _, h in COLUMNS]]
    skip = []
    n = 0
    for heading, members in (
        ("I. CÁN BỘ", []),
        ("A. Khối Đảng", [4]),
        ("B. Khối chính quyền, đoàn thể", [1]),
        ("II. CÔNG CHỨC", [0, 2, 5]),
        ("III. NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH", [3]),
    ):
        rows.append([heading])
        skip.append(len(rows))
        for i in members:
            n += 1
            rows.append([n, *table([base[i]])[1][1:]])
        if members:
            rows.append(["", "Cộng", "", "", "", "", "", "", "", "", "", "", "", "", "", ""])
            skip.append(len(rows))
    order = [4, 1, 0, 2, 5, 3]
    exp04 = expected_people([base[i] for i in order])
    exp04[0]["fields"]["block"] = "dang"  # under "A. Khối Đảng"
    exp04[1]["fields"]["block"] = None  # "chính quyền, đoàn thể" names two blocks: none is guessed
    exp04[2]["fields"]["block"] = None  # "II. CÔNG CHỨC" closes the block subsections
    add(
        "04_sections_blocks_subtotals.xlsx",
        {"DS": rows},
        exp04,
        not_people=skip,
        note="category sections with block subsections (A. Khối Đảng) and 'Cộng' subtotals",
    )

    # 5. two header rows with merged groups: Trình độ over CM/LLCT/QLNN, Ngày sinh over Nam/Nữ
    top = [
        "STT",
        "Họ và tên",
        "Số CCCD",
        "Ngày sinh",
        "",
        "Loại cán bộ",
        "Chức vụ",
        "Trình độ",
        "",
        "",
        "Xếp loại",
        "",
    ]
    sub = [
        "",
        "",
        "",
        "Nam",
        "Nữ",
        "",
        "",
        "Chuyên môn",
        "Lý luận chính trị",
        "Quản lý nhà nước",
        "2023",
        "2024",
    ]
    rows = [top, sub]
    for n, p in enumerate(base, start=1):
        w = p["write"]
        male = w["gender"] == "Nam"
        rows.append(
            [
                n,
                w["name"],
                w["cccd"],
                w["birth"] if male else "",
                "" if male else w["birth"],
                w["category"],
                w["title"],
                w["education"],
                w["llct"],
                w["qlnn"],
                w["r2023"],
                w["r2024"],
            ]
        )
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2", "G1:G2", "H1:J1", "K1:L1"]
    cols5 = [
        ("stt", ""),
        ("name", ""),
        ("cccd", ""),
        ("birth", ""),
        ("gender", ""),
        ("category", ""),
        ("title", ""),
        ("education", ""),
        ("llct", ""),
        ("qlnn", ""),
        ("r2023", ""),
        ("r2024", ""),
    ]
    add(
        "05_two_header_rows_merged.xlsx",
        {"DS": rows},
        expected_people(base, cols5),
        merges={"DS": merges},
        note="'Trình độ' over Chuyên môn / LLCT / QLNN, 'Xếp loại' over years, birth date in Nam/Nữ",
    )

    # 6. QLNN and Ngạch side by side (class 1 of the issue: QLNN was swallowed as a second Ngạch)
    cols6 = [
        ("stt", "TT"),
        ("name", "Họ tên"),
        ("cccd", "CCCD"),
        ("birth", "Ngày tháng năm sinh"),
        ("gender", "Giới tính"),
        ("category", "Loại"),
        ("rank", "Ngạch công chức"),
        ("qlnn", "QLNN"),
        ("llct", "LLCT"),
    ]
    add("06_qlnn_and_ngach.xlsx", {"Sheet1": table(base, cols6)}, expected_people(base, cols6))

    # 7. rank codes in every spelling
    spellings = [
        "01.003",
        "Chuyên viên chính (01.002)",
        "Kế toán viên (06.031)",
        "",
        "01.002 - Chuyên viên chính",
        "Cán sự",
    ]
    ranked = [person(i, rank=spellings[i]) for i in everyone]
    ranked.append(
        person(
            0,
            name="Lục Văn Mới",
            cccd="020088001111",
            birth="02/03/1988",
            rank="99.999",
            expect_id="020088001111",
            expect_birth_date="1988-03-02",
            expect_rank=None,
        )
    )
    add(
        "07_rank_codes.xlsx",
        {"DS": table(ranked)},
        expected_people(ranked),
        warnings=[(8, "99.999")],
        note="ranks as code, name (code), code - name; an unknown code kept raw with a warning",
    )

    # 8. rating labels, full and short; an ambiguous 'HTT' asks
    rated = [person(i) for i in everyone]
    rated[0] = person(0, r2023="HTT", expect_ratings=[{"year": 2024, "value": "xuat_sac"}])
    rated[2] = person(
        2,
        r2023="Hoàn thành tốt nhiệm vụ",
        r2024="HT tốt NV",
        expect_ratings=[{"year": 2023, "value": "tot"}, {"year": 2024, "value": "tot"}],
    )
    add("08_rating_labels.xlsx", {"DS": table(rated)}, expected_people(rated), warnings=[(2, "HTT")])

    # 9. identity numbers: 9-digit CMND, 10 digits (an error said, the person kept by name and birth date),
    #    11 digits (a lost leading zero)
    ids = [person(i) for i in everyone]
    ids[1] = person(1, cccd="123456789", expect_id="cmnd-123456789", expect_cmnd="123456789")
    ids[2] = person(2, cccd="0123456789", expect_id=None)
    ids[5] = person(5, cccd="20195008888", expect_id="020195008888")
    add(
        "09_cmnd_cccd.xlsx",
        {"DS": table(ids)},
        expected_people(ids),
        warnings=[(3, "CMND"), (4, "10 chữ số"), (7, "11 chữ số")],
    )

    # 10. near-miss and unaccented labels: accepted, said
    near = [person(i) for i in everyone]
    near[0] = person(0, education="Đại hoc")
    near[1] = person(1, education="Thac si")
    near[5] = person(5, education="Cao dang", llct="")
    add(
        "10_near_miss_labels.xlsx",
        {"DS": table(near)},
        expected_people(near),
        warnings=[(2, "Đại học"), (3, "Thạc sĩ"), (7, "Cao đẳng")],
    )

    # 11. formula-like text
    formula = [person(i) for i in everyone]
    formula[0] = person(0, title="=Công chức Địa chính", expect_job_family=None)
    formula[3] = person(3, ethnicity="@Kinh")
    add(
        "11_formula_like_text.xlsx",
        {"DS": table(formula)},
        expected_people(formula),
        warnings=[(2, "công thức"), (5, "công thức")],
    )

    # 12. Excel error values in cells
    errs = table(base)
    errs[1][9] = "#REF!"  # Chuyên ngành
    errs[4][11] = "#N/A"  # QLNN of person 3
    add("12_excel_errors.xlsx", {"DS": errs}, expected_people(base), warnings=[(2, "#REF!"), (5, "#N/A")])
    CORPUS[-1]["people"][3]["fields"].pop("state_management", None)

    # 13. an exact duplicate row
    dup = table(base)
    dup.insert(3, list(dup[2]))
    add("13_exact_duplicate_row.xlsx", {"DS": dup}, expected_people(base), warnings=[(4, "giống hệt")])

    # 14. implausible ages
    ages = [person(i) for i in everyone]
    ages[0] = person(0, birth="12/04/2009", expect_birth_date="2009-04-12")
    ages[3] = person(3, birth="17/02/1955", expect_birth_date="1955-02-17")
    add(
        "14_implausible_ages.xlsx",
        {"DS": table(ages)},
        expected_people(ages),
        warnings=[(2, "tuổi"), (5, "tuổi")],
    )

    # 15. month/day/year typed dates; the file's own dates show it
    mdy = [person(i) for i in everyone]
    for p in mdy:
        d, m, y = p["write"]["birth"].split("/")
        p["write"]["birth"] = f"{m}/{d}/{y}"
    add(
        "15_month_first_dates.csv",
        {"csv": table(mdy)},
        expected_people(mdy),
        kind="csv",
        warnings=[(0, "tháng/ngày/năm")],
    )

    # 16. dates that cannot decide the order: said, read day first
    undecided = [
        person(i, birth=b, expect_birth_date=e)
        for i, b, e in (
            (0, "05/06/1975", "1975-06-05"),
            (1, "03/02/1980", "1980-02-03"),
            (2, "11/10/1985", "1985-10-11"),
        )
    ]
    add(
        "16_undecidable_dates.csv",
        {"csv": table(undecided)},
        expected_people(undecided),
        kind="csv",
        warnings=[(0, "Không xác định được thứ tự ngày/tháng")],
    )

    # 17. a district agency by its title row: job family and category inferred once
    cols17 = [
        ("stt", "STT"),
        ("name", "Họ và tên"),
        ("cccd", "Số CCCD"),
        ("birth", "Ngày sinh"),
        ("gender", "Giới tính"),
        ("education", "Trình độ chuyên môn"),
        ("llct", "Lý luận chính trị"),
        ("qlnn", "Quản lý nhà nước"),
    ]
    agency = [
        person(i, **{"expect_job_family": "tai_chinh", "expect_category": "cong_chuc"}) for i in (0, 2, 5)
    ]
    for p in agency:
        p["force"] = ("job_family",)
    rows = [
        ["UBND HUYỆN ĐÌNH LẬP"],
        ["DANH SÁCH CÔNG CHỨC PHÒNG TÀI CHÍNH - KẾ HOẠCH HUYỆN ĐÌNH LẬP"],
        [],
        *table(agency, cols17),
    ]
    exp = expected_people(agency, cols17)
    for e in exp:
        e["fields"]["category"] = "cong_chuc"
    add(
        "17_agency_by_title_row.xlsx",
        {"Sheet1": rows},
        exp,
        warnings=[(0, "tai_chinh"), (0, "Công chức")],
        not_people=[1, 2],
    )

    # 18. an agency by its sheet name
    agency18 = [person(i, expect_job_family="noi_vu") for i in (0, 5)]
    for p in agency18:
        p["force"] = ("job_family",)
    exp = expected_people(agency18, cols17)
    for e in exp:
        e["fields"]["category"] = "cong_chuc"
    add(
        "18_agency_by_sheet_name.xlsx",
        {"Phòng Nội vụ": table(agency18, cols17)},
        exp,
        warnings=[(0, "noi_vu")],
    )

    # 19. an agency by the file's name
    agency19 = [person(i, expect_job_family="van_phong") for i in (2, 5)]
    for p in agency19:
        p["force"] = ("job_family",)
    exp = expected_people(agency19, cols17)
    for e in exp:
        e["fields"]["category"] = "cong_chuc"
    add(
        "19_Van phong HDND UBND huyen Loc Binh.csv",
        {"csv": table(agency19, cols17)},
        exp,
        kind="csv",
        warnings=[(0, "van_phong")],
    )

    # 20. Ban Tổ chức Huyện ủy
    agency20 = [person(i, expect_job_family="xay_dung_dang") for i in (1, 4)]
    for p in agency20:
        p["force"] = ("job_family",)
    exp = expected_people(agency20, cols17)
    for e in exp:
        e["fields"]["category"] = "cong_chuc"
    add(
        "20_ban_to_chuc_huyen_uy.xlsx",
        {"DS": [["BAN TỔ CHỨC HUYỆN ỦY CAO LỘC"], [], *table(agency20, cols17)]},
        exp,
        warnings=[(0, "xay_dung_dang")],
    )

    # 21-24. text files in the encodings Excel writes
    add("21_utf8_bom.csv", {"csv": table(base)}, expected_people(base), kind="csv", encoding="utf-8-sig")
    add(
        "22_utf16_tab.csv",
        {"csv": table(base)},
        expected_people(base),
        kind="csv",
        encoding="utf-16",
        delimiter="\t",
    )
    add("23_cp1258.csv", {"csv": table(base)}, expected_people(base), kind="csv", encoding="cp1258")
    add("24_semicolon_utf8.csv", {"csv": table(base)}, expected_people(base), kind="csv", delimiter=";")

    # 25. one sheet per category, no category column
    cols25 = [c for c in COLUMNS if c[0] != "category"]
    sheets = {
        "Cán bộ": table([base[1], base[4]], cols25),
        "Công chức": table([base[0], base[2], base[5]], cols25),
        "Không chuyên trách": table([base[3]], cols25),
    }
    ordered = [base[1], base[4], base[0], base[2], base[5], base[3]]
    exp = expected_people(ordered, cols25)
    for e, p in zip(exp, ordered, strict=True):
        e["fields"]["category"] = p["expect"]["category"]
    add("25_roster_per_sheet.xlsx", sheets, exp)

    # 26. hidden columns: a known one is read, an unknown one kept in the raw record
    cols26 = [*COLUMNS, ("phone", "Số điện thoại")]
    hidden = [person(i, phone=f"09120000{i:02d}") for i in everyone]
    add(
        "26_hidden_columns.xlsx",
        {"DS": table(hidden, cols26)},
        expected_people(hidden, cols26),
        hidden_columns={"DS": ["F", "Q"]},
        warnings=[(1, "bản ghi gốc"), (0, "cột bị ẩn ('DS': F, Q)")],
    )
    for e, p in zip(CORPUS[-1]["people"], hidden, strict=True):
        e["raw"] = [["Số điện thoại", p["write"]["phone"]]]

    # 27. notes column
    cols27 = [*COLUMNS, ("note", "Ghi chú")]
    noted = [person(i, note="Điều động từ xã Bính Xá 2023" if i == 0 else "") for i in everyone]
    add("27_notes_column.xlsx", {"DS": table(noted, cols27)}, expected_people(noted, cols27))
    CORPUS[-1]["people"][0]["raw"] = [["Ghi chú", "Điều động từ xã Bính Xá 2023"]]

    # 28. name split in two columns, birth date by gender columns
    cols28 = [
        ("stt", "STT"),
        ("family", "Họ đệm"),
        ("given", "Tên"),
        ("cccd", "Số CCCD"),
        ("birth_m", "Ngày sinh Nam"),
        ("birth_f", "Ngày sinh Nữ"),
        ("category", "Loại cán bộ"),
        ("education", "Trình độ chuyên môn"),
    ]
    split = []
    for i in everyone:
        p = person(i)
        family, given = p["write"]["name"].rsplit(" ", 1)
        male = p["write"]["gender"] == "Nam"
        p["write"].update(
            family=family,
            given=given,
            birth_m=p["write"]["birth"] if male else "",
            birth_f="" if male else p["write"]["birth"],
        )
        split.append(p)
    exp = expected_people(split, cols28)
    for e, p in zip(exp, split, strict=True):
        e["fields"]["birth_date"] = p["expect"]["birth_date"]
        e["fields"]["gender"] = p["expect"]["gender"]
    add("28_split_name_birth_by_gender.xlsx", {"DS": table(split, cols28)}, exp)

    # 29. missing identity: a blank birth date with a CCCD is kept; no CCCD and no birth date is rejected
    missing = [person(i) for i in everyone]
    missing[1] = person(1, birth="", expect_birth_date=None)
    missing.append(person(2, name="Người Không Rõ", cccd="", birth=""))
    add(
        "29_missing_identity.xlsx",
        {"DS": table(missing)},
        expected_people(missing[:-1]),
        warnings=[(3, "Thiếu ngày sinh")],
        not_people=[8],
        note="row 8 has neither CCCD nor birth date: the only kind of row that is rejected",
    )

    # 30. a header naming two fields; a field headed twice (the second fills in)
    cols30 = [
        ("stt", "STT"),
        ("name", "Họ và tên"),
        ("cccd", "Số CCCD"),
        ("birth", "Ngày sinh"),
        ("gender", "Giới tính"),
        ("category", "Loại cán bộ"),
        ("rank", "Ngạch (QLNN)"),
        ("title", "Chức vụ"),
        ("title2", "Chức danh"),
    ]
    twice = [person(i, title2="") for i in everyone]
    twice[3] = person(3, title="", title2="Phó Chỉ huy trưởng Quân sự")
    add(
        "30_header_conflicts.xlsx",
        {"DS": table(twice, cols30)},
        expected_people(twice, cols30),
        warnings=[(1, "hai trường"), (1, "cùng là trường")],
    )

    # 31. .xls made by LibreOffice from a sectioned roster
    add(
        "31_sections_legacy.xls",
        deepcopy(CORPUS[2]["sheets"]),
        deepcopy(CORPUS[2]["people"]),
        not_people=CORPUS[2]["not_people"],
        kind="xls",
    )
    # 32. .ods of the two-header-row roster
    add(
        "32_two_header_rows.ods",
        deepcopy(CORPUS[4]["sheets"]),
        deepcopy(CORPUS[4]["people"]),
        merges=CORPUS[4]["merges"],
        kind="ods",
    )

    # 33. a messy real-world mix: titles, sections, KCT section, notes, signature, near misses, CMND
    cols33 = [c for c in COLUMNS if c[0] != "category"] + [("note", "Ghi chú")]
    mix = [person(i) for i in everyone]
    mix[1] = person(1, cccd="123456780", expect_id="cmnd-123456780", expect_cmnd="123456780")
    mix[2] = person(2, education="Dai hoc")
    rows = [
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["Độc lập - Tự do - Hạnh phúc"],
        [],
        ["DANH SÁCH TRÍCH NGANG CÁN BỘ, CÔNG CHỨC, NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH XÃ THỤY HÙNG"],
        [h for _, h in cols33],
    ]
    skip = [1, 2, 4]
    ordered = []
    for heading, members in (
        ("I. CÁN BỘ", [1, 4]),
        ("II. CÔNG CHỨC", [0, 2, 5]),
        ("III. NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH", [3]),
    ):
        rows.append(["", heading])
        skip.append(len(rows))
        for i in members:
            ordered.append(mix[i])
            rows.append([len(ordered) if k == "stt" else mix[i]["write"].get(k, "") for k, _ in cols33])
    rows.append(["", "Tổng số: 6 người"])
    skip.append(len(rows))
    rows += SIGNATURE
    exp = expected_people(ordered, cols33)
    for e, p in zip(exp, ordered, strict=True):
        e["fields"]["category"] = p["expect"]["category"]
    add(
        "33_messy_commune_roster.xlsx",
        {"Thụy Hùng": rows},
        exp,
        not_people=skip,
        warnings=[(7, "CMND"), (11, "Đại học")],
    )

    # 34. UTF-8 CSV without BOM, headers spelt without accents
    cols34 = [
        ("stt", "TT"),
        ("name", "Ho va ten"),
        ("cccd", "CCCD"),
        ("birth", "Ngay sinh"),
        ("gender", "Gioi tinh"),
        ("category", "Loai can bo"),
        ("education", "Trinh do chuyen mon"),
        ("llct", "Trinh do LLCT"),
        ("qlnn", "Trinh do QLNN"),
    ]
    add("34_unaccented_headers.csv", {"csv": table(base, cols34)}, expected_people(base, cols34), kind="csv")

    # 35. block sections: A. Khối Đảng / B. Khối Chính quyền / C. Khối MTTQ và các đoàn thể
    rows = [["DANH SÁCH CÁN BỘ, CÔNG CHỨC THEO KHỐI"], [h for _, h in COLUMNS]]
    skip = [1]
    ordered = []
    blocks = []
    for heading, members, block in (
        ("A. KHỐI ĐẢNG", [4, 0], "dang"),
        ("B. Khối Chính quyền", [1, 2, 5], "ubnd"),
        ("C. Khối MTTQ và các đoàn thể", [3], "mttq"),
    ):
        rows.append([heading])
        skip.append(len(rows))
        for i in members:
            ordered.append(base[i])
            blocks.append(block)
            rows.append([len(ordered), *table([base[i]])[1][1:]])
    exp = expected_people(ordered)
    for e, block in zip(exp, blocks, strict=True):
        e["fields"]["block"] = block
    add("35_block_sections.xlsx", {"DS": rows}, exp, not_people=skip, note="block sections set the block")

    # 36. a "Khối" column, one value not understood (kept raw, warned)
    cols36 = [*COLUMNS, ("block", "Khối")]
    written = ["Đảng", "HĐND-UBND", "Chính quyền", "Mặt trận", "MTTQ và đoàn thể", "Khối lạ"]
    codes: list[str | None] = ["dang", "ubnd", "ubnd", "mttq", "mttq", None]
    col36 = [person(i, block=written[i]) for i in everyone]
    exp = expected_people(col36, cols36)
    for e, code in zip(exp, codes, strict=True):
        e["fields"]["block"] = code
    add("36_block_column.ods", {"DS": table(col36, cols36)}, exp, kind="ods", warnings=[(7, "khối")])

    # 37, 38. Excel error values in the .ods and .xls copies of roster 12
    twelve = next(c for c in CORPUS if c["name"] == "12_excel_errors.xlsx")
    for name, kind in (("37_excel_errors.ods", "ods"), ("38_excel_errors.xls", "xls")):
        add(
            name,
            deepcopy(twelve["sheets"]),
            deepcopy(twelve["people"]),
            warnings=list(twelve["warnings"]),
            kind=kind,
            note="error cells (#REF!, #N/A) named as in .xlsx",
        )


# ---------------------------------------------------------------- writing


def main() -> None:
    build()
    for old in HERE.glob("*.expected.json"):
        old.unlink()
    for case in CORPUS:
        path = HERE / case["name"]
        if case["kind"] == "csv":
            write_csv(path, case)
        elif case["kind"] == "xlsx":
            write_xlsx(path, case)
        else:
            source = path.with_suffix(".xlsx")
            write_xlsx(source, case)
            try:
                made = convert(source, case["kind"])
            finally:
                source.unlink()
            if not made and not path.exists():
                print(f"skipped {path.name}: LibreOffice not installed")
                continue
        expected = {
            "file": case["name"],
            "unit": UNIT,
            "as_of": AS_OF,
            "note": case["note"],
            "people_count": case["people_count"],
            "people": case["people"],
            "warnings": [{"row": r, "contains": text} for r, text in case["warnings"]],
            "not_people": case["not_people"],
        }
        (HERE / (case["name"] + ".expected.json")).write_text(
            json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print(f"{len(CORPUS)} rosters written to {HERE}")


if __name__ == "__main__":
    main()
