"""The roster reader on workbooks laid out as offices really send them."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from typing import Any

from import_helpers import make_xlsx, title_rows

from imports.duplicates import find_duplicates
from imports.records import PersonRecord, Rating
from imports.roster import read_roster, stable_id

COMMUNES = {"Xã Châu Sơn": "06637", "Xã Kiên Mộc": "06625", "06613": "06613", "Xã Đình Lập": "06613"}

TOP = [
    "STT",
    "Số\nCCCD",
    "Ho va ten",
    "Ngày tháng\nnăm sinh",
    "Giới tính",
    "Dân tộc",
    "Loại cán bộ",
    "Chức vụ, chức danh",
    "Trình độ",
    None,
    None,
    "Chuyên ngành",
    "Đảng viên",
    "Xếp loại",
    None,
    None,
    "Quy hoạch",
    "Nguyện vọng",
    "Ghi chú",
]
SUB = [None] * 8 + ["Chuyên môn", "LLCT", "QLNN"] + [None, None] + [2022, 2023, 2024] + [None, None, None]
NUMBERING = [f"({i})" for i in range(1, len(TOP) + 1)]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def person_row(**kw: Any) -> list[Any]:
    order = [
        "stt",
        "cccd",
        "name",
        "birth",
        "gender",
        "ethnicity",
        "category",
        "title",
        "education",
        "llct",
        "qlnn",
        "field",
        "party",
        "r2022",
        "r2023",
        "r2024",
        "planned",
        "prefs",
        "note",
    ]
    return [kw.get(k) for k in order]


def quirky_roster() -> bytes:
    rows: list[list[Any]] = [*title_rows(), TOP, SUB, NUMBERING, ["I. CÁN BỘ, CÔNG CHỨC"]]
    rows += [
        person_row(
            stt=1,
            cccd=20175001234,
            name=nfd("Hoàng  Văn  Long "),
            birth=datetime(1976, 4, 12),  # noqa: DTZ001 (Excel has no time zones)
            gender=" Nam",
            ethnicity="Tày",
            category="Công chức",
            title="Công chức Địa chính - Xây dựng",
            education="Đại học",
            llct="Cử nhân",
            qlnn="Chuyên viên",
            field="Quản lý đất đai",
            party="x",
            r2022="HTTNV",
            r2023="HTXSNV",
            r2024="Hoàn thành tốt nhiệm vụ",
            planned="Trưởng phòng",
            prefs="Xã Châu Sơn; 06625",
        ),
        person_row(
            stt=2,
            cccd="020180004321",
            name="Lý Thị Mai",
            birth="03/02/1980",
            gender="Nữ",
            ethnicity="Kinh",
            category="Cán bộ",
            title="Chủ tịch Hội Liên hiệp Phụ nữ",
            education="Cao đẳng",
            llct="Trung cấp",
            field="Kế toán",
            party="Đảng viên",
            r2022="HTNV",
            r2024="KHTNV",
            planned="Phó Chủ tịch UBND; Bí thư Đảng ủy",
        ),
        ["II. NGƯỜI HOẠT ĐỘNG KHÔNG CHUYÊN TRÁCH"],
        person_row(
            stt=3,
            name="NÔNG VĂN BA",
            birth=28000,
            gender="nam",
            category="Viên chức",
            education="Đại học Luật",
            party="15/05/2005",
        ),
        person_row(
            stt=4, cccd="020190000001", name="Vi Văn Tư", birth="31/02/1980", gender="Khác", category="Cán bộ"
        ),
        person_row(
            stt=5,
            cccd="020175001234",
            name="Hoàng Văn Long",
            birth="12-4-1976",
            gender="Nam",
            category="Công chức",
            r2024="Xuất sắc",
        ),
        [],
        [None, "Người lập biểu", None, None, None, None, None, "Thủ trưởng đơn vị"],
        [None, "(Ký, ghi rõ họ tên)"],
        [None, "Nguyễn Văn Lập", None, None, None, None, None, "Hoàng Văn Trưởng"],
    ]
    merges = [f"{c}6:{c}7" for c in "ABCDEFGHLMQRS"] + ["I6:K6", "N6:P6", "A9:S9", "C3:S3"]
    return make_xlsx({"Danh sách": rows}, merges={"Danh sách": merges})


def by_name(result: Any) -> dict[str, PersonRecord]:
    return {p.name: p for p in result.records}


def test_reads_a_roster_with_every_quirk() -> None:
    result = read_roster(
        quirky_roster(), "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )

    assert result.rows == 5  # two title blocks, section rows, numbering row and signature skipped
    people = by_name(result)
    assert set(people) == {"Hoàng Văn Long", "Lý Thị Mai", "NÔNG VĂN BA", "Vi Văn Tư"}
    # rows 10, 11, 13, 14, 15: row 14's impossible date and unknown gender are warnings (issue 11),
    # the person is known by CCCD; the raw text stays on the record
    assert len(result.records) == 5
    tu = people["Vi Văn Tư"]
    assert (tu.birth_date, tu.gender) == (None, None)
    assert ("Ngày tháng năm sinh", "31/02/1980") in tu.raw
    assert any(note[0] == "Giới tính" for note in tu.notes)

    long_ = result.records[0]
    assert long_.name == "Hoàng Văn Long"
    assert unicodedata.is_normalized("NFC", long_.name)
    assert long_.id == "020175001234"
    assert long_.has_cccd
    assert long_.birth_date == date(1976, 4, 12)
    assert long_.gender == "M"
    assert long_.ethnicity == "Tày"
    assert long_.category == "cong_chuc"
    assert long_.job_family == "dia_chinh"
    assert long_.field == "quan_ly_dat_dai"
    assert (long_.education, long_.political_theory, long_.state_management) == (
        "dai_hoc",
        "cao_cap",
        "chuyen_vien",
    )
    assert long_.party_member is True
    assert long_.ratings == (Rating(2022, "tot"), Rating(2023, "xuat_sac"), Rating(2024, "tot"))
    assert long_.planned_for == ("head",)
    assert long_.preferences == ("06637", "06625")
    assert long_.source is not None
    assert (long_.source.sheet, long_.source.row) == ("Danh sách", 10)

    mai = people["Lý Thị Mai"]
    assert mai.birth_date == date(1980, 2, 3)
    assert mai.gender == "F"
    assert mai.category == "can_bo"
    assert mai.job_family == "phu_nu"
    assert mai.field == "tai_chinh_ke_toan"
    assert mai.political_theory == "trung_cap"
    assert mai.state_management == "none"
    assert mai.ratings == (Rating(2022, "hoan_thanh"), Rating(2024, "khong_hoan_thanh"))
    assert mai.planned_for == ("key",)
    assert mai.party_member is True

    ba = people["NÔNG VĂN BA"]  # kept as written
    assert ba.birth_date == date(1976, 8, 28)  # Excel serial 28000
    assert not ba.has_cccd
    assert ba.id == stable_id("06619", "NÔNG VĂN BA", date(1976, 8, 28))
    assert ba.education == "dai_hoc"
    assert ba.field == "luat"
    assert ba.party_member is True  # a date of admission
    assert ba.source is not None
    assert ba.source.row == 13


def test_every_problem_names_its_cell() -> None:
    result = read_roster(
        quirky_roster(), "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )
    found = {(e.row, e.column, e.value, e.severity) for e in result.errors}

    assert (10, "Số CCCD", "20175001234", "warning") in found  # lost leading zero restored
    assert (13, "Số CCCD", "", "warning") in found  # no CCCD: id made by the reader
    assert (14, "Ngày tháng năm sinh", "31/02/1980", "warning") in found
    assert (14, "Giới tính", "Khác", "warning") in found
    assert (15, "Số CCCD", "020175001234", "warning") in found  # duplicate of row 10
    assert all(e.file == "bac_xa.xlsx" and e.sheet == "Danh sách" for e in result.errors)
    assert all(e.message for e in result.errors)
    assert result.ok  # nobody lost: every problem is a warning with the raw value kept
    assert result.extra["accepted_rows"] == 5
    assert result.extra["rejected_rows"] == 0
    # nothing from the title rows or the signature block (row 0: file-level notes)
    assert all(e.row >= 6 or e.row == 0 for e in result.errors)
    assert not any(e.row >= 17 for e in result.errors)


def test_duplicates_inside_a_file_are_listed_not_dropped() -> None:
    result = read_roster(
        quirky_roster(), "bac_xa.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1)
    )
    assert [(d.row, d.matches, d.by) for d in result.duplicates] == [(15, (10,), "cccd")]
    assert sum(1 for p in result.records if p.id == "020175001234") == 2


def test_gender_by_birth_date_column_and_relations_sheet() -> None:
    header_top = ["TT", "Họ tên", "Ngày sinh", None, "Số căn cước công dân", "Phân loại", "Chức danh"]
    header_sub = [None, None, "Nam", "Nữ", None, None, None]
    data = [
        [1, "Lường Văn Hải", "01/01/1970", None, "020170000011", "CB", "Bí thư Đảng ủy"],
        [2, "Hà Thị Lan", None, "1972", "020172000022", "CC", "Công chức Tư pháp - Hộ tịch"],
        [
            3,
            "Lường Văn Nam",
            "05/06/1995",
            None,
            None,
            "KCT",
            "Phó Chỉ huy trưởng Quân sự (không chuyên trách)",
        ],
    ]
    relations = [
        ["Số CCCD", "Họ và tên", "Số CCCD người thân", "Họ tên người thân", "Quan hệ"],
        ["020170000011", "Lường Văn Hải", "020172000022", "Hà Thị Lan", "Vợ"],
        [None, "Lường Văn Hải", None, "Lường Văn Nam", "Con"],
        ["020172000022", "Hà Thị Lan", None, "Hà Văn Ngoài", "Anh"],
        ["020170000011", "Lường Văn Hải", "020165000099", "Lường Văn Cả", "Họ hàng"],
    ]
    data_file = make_xlsx(
        {"DS": [["DANH SÁCH"], header_top, header_sub, *data], "Quan hệ gia đình": relations},
        merges={"DS": ["C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3", "G2:G3"]},
    )
    result = read_roster(data_file, "x.xlsx", unit="H189", as_of=date(2025, 7, 1))

    people = by_name(result)
    assert people["Lường Văn Hải"].gender == "M"
    assert people["Hà Thị Lan"].gender == "F"
    assert people["Hà Thị Lan"].birth_date == date(1972, 1, 1)
    assert people["Lường Văn Hải"].job_family == "dang"
    assert people["Lường Văn Nam"].category == "khong_chuyen_trach"
    assert people["Lường Văn Nam"].job_family == "quan_su"
    assert any(e.row == 5 and e.severity == "warning" and "năm" in e.message for e in result.errors)

    nam_id = people["Lường Văn Nam"].id
    rels = {(r.a, r.b, r.kind) for r in result.extra["relations"]}
    assert rels == {("020170000011", "020172000022", "spouse"), ("020170000011", nam_id, "child")}
    rel_errors = {(e.row, e.column, e.severity) for e in result.errors if e.sheet == "Quan hệ gia đình"}
    assert (4, "Họ tên người thân", "warning") in rel_errors  # relative outside the roster, no CCCD
    assert (5, "Quan hệ", "error") in rel_errors  # unknown relation


def test_missing_required_columns_reject_the_file_with_one_error_each() -> None:
    data = make_xlsx([["STT", "Họ và tên", "Chức vụ"], [1, "Nguyễn Văn A", "Chủ tịch UBND"]])
    result = read_roster(data, "a.xlsx", unit="06619")
    assert result.records == ()
    # only a missing identity (no birth date, no CCCD) rejects the file; gender and category are
    # warnings (issue 11: sections, the office or a reviewer supply them)
    assert {e.column for e in result.errors if e.severity == "error"} == {"Ngày sinh"}
    assert {e.column for e in result.errors if e.severity == "warning"} == {"Giới tính"}
    assert all(e.row == 1 for e in result.errors)


def test_a_sheet_without_a_header_is_one_error() -> None:
    result = read_roster(make_xlsx([["abc", "def"], [1, 2]]), "a.xlsx", unit="X")
    assert result.records == ()
    assert len(result.errors) == 1
    assert "tiêu đề" in result.errors[0].message


def test_unknown_communes_and_labels_are_reported_not_guessed() -> None:
    rows = [
        [
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Loại cán bộ",
            "Nơi ở hiện nay",
            "Trình độ LLCT",
            "Nguyện vọng",
            "Chuyên ngành",
            "Số điện thoại",
        ],
        [
            "Trần Văn B",
            "1/2/1985",
            "Nam",
            "Công chức",
            "Xã Không Có",
            "Cao học",
            "Xã Đình Lập; Xã Ma",
            "Thiên văn",
            "0912",
        ],
    ]
    result = read_roster(make_xlsx(rows), "b.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1))
    errors = {(e.column, e.value): e for e in result.errors}
    assert errors[("Nơi ở hiện nay", "Xã Không Có")].severity == "warning"
    assert errors[("Nguyện vọng", "Xã Ma")].severity == "warning"
    # not a political-theory level: a warning, the raw text kept, the field left empty (issue 11)
    assert errors[("Trình độ LLCT", "Cao học")].severity == "warning"
    assert errors[("Số điện thoại", "")].severity == "warning"  # unknown column named
    (kept,) = result.records
    assert kept.political_theory is None
    assert ("Trình độ LLCT", "Cao học") in kept.raw
    assert ("Số điện thoại", "0912") in kept.raw  # an unknown column lands in the raw record

    rows[1][5] = "Cao cấp"
    result = read_roster(make_xlsx(rows), "b.xlsx", unit="06619", communes=COMMUNES, as_of=date(2025, 7, 1))
    (person,) = result.records
    assert person.home_commune is None
    assert person.preferences == ("06613",)
    assert person.field == "khac"
    assert any(e.column == "Chuyên ngành" and e.severity == "warning" for e in result.errors)


def test_find_duplicates_across_rosters() -> None:
    a = read_roster(quirky_roster(), "bac_xa.xlsx", unit="06619", as_of=date(2025, 7, 1))
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ", "Số CCCD"],
        ["Lý Thị Mai", "03/02/1980", "Nữ", "Cán bộ", "020180004321"],
        [nfd("nông văn ba"), "28/08/1976", "Nam", "Hợp đồng", None],
        ["Người Khác", "03/02/1980", "Nữ", "Cán bộ", "020180009999"],
    ]
    b = read_roster(make_xlsx(rows), "huyen.xlsx", unit="H189", as_of=date(2025, 7, 1))
    dups = find_duplicates([*a.records, *b.records])
    found = {(d.file, d.row, d.by, d.match_files) for d in dups}
    assert ("huyen.xlsx", 2, "cccd", ("bac_xa.xlsx",)) in found
    assert ("huyen.xlsx", 3, "name_birth_date", ("bac_xa.xlsx",)) in found
    assert not any(d.row == 4 and d.file == "huyen.xlsx" for d in dups)


def test_discipline_and_dates() -> None:
    rows = [
        [
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Loại cán bộ",
            "Kỷ luật",
            "Kỷ luật đến ngày",
            "Ngày bắt đầu công tác",
            "Ngày nghỉ hưu",
        ],
        ["A Một", "1980-05-06", "Nam", "Công chức", "Khiển trách", None, "01/09/2003", None],
        ["B Hai", "6.5.1980", "Nữ", "Công chức", "Cảnh cáo", "30/06/2026", "2003", "01/01/2030"],
        ["C Ba", "06/05/80", "Nữ", "Công chức", None, None, None, None],
        ["D Bốn", "06/05/1980", "Nữ", "Công chức", "Không", None, "01/09/1970", None],
    ]
    result = read_roster(make_xlsx(rows), "c.xlsx", unit="X", as_of=date(2025, 7, 1))
    people = by_name(result)
    assert people["A Một"].disciplined is True
    assert people["A Một"].service_start == date(2003, 9, 1)
    assert people["B Hai"].disciplined is False
    assert people["B Hai"].disciplined_until == date(2026, 6, 30)
    assert people["B Hai"].birth_date == date(1980, 5, 6)
    assert people["B Hai"].retirement_date == date(2030, 1, 1)
    assert "C Ba" not in people  # two-digit year refused, and no CCCD: no identity left
    assert people["D Bốn"].service_start == date(1970, 9, 1)  # before birth: a warning now
    rows_with_errors = {e.row for e in result.errors if e.severity == "error"}
    assert rows_with_errors == {4}
    assert any(e.row == 5 and e.column == "Ngày bắt đầu công tác" for e in result.errors)


def test_one_sheet_per_category_and_header_notes() -> None:
    header = [
        "STT",
        "Họ và tên (*)",
        "Ngày sinh (dd/mm/yyyy)",
        "Giới tính",
        None,
        "Số CCCD (12 số)",
        "Loại cán bộ",
    ]
    sub = [None, None, None, "Nam", "Nữ", None, None]
    book = make_xlsx(
        {
            "Cán bộ": [
                header,
                sub,
                [1, "Đinh Văn Một", "01/01/1975", "x", None, "020175000001", "Cán bộ"],
                [2, "Đinh Thị Hai", "02/02/1982", None, "x", "020182000002", "Cán bộ"],
            ],
            "Công chức": [
                header,
                sub,
                [1, "Đinh Văn Ba", "03/03/1990", "x", "x", "020190000003", "Công chức"],
                [2, "Đinh Văn Một", "01/01/1975", "x", None, "020175000001", "Công chức"],
                [3, "Đinh Văn Bốn", "04/04/1991", None, None, None, "Công chức"],
            ],
            "Ghi chú": [["Số liệu đến 30/6/2025"], ["a"], ["b"]],
            "Tổng hợp": [["Tổng số: 5"], ["Cán bộ: 2"], ["Công chức: 3"]],
        },
        merges={"Cán bộ": ["D1:E1"], "Công chức": ["D1:E1"]},
    )
    result = read_roster(book, "ds.xlsx", unit="06619", as_of=date(2025, 7, 1))
    assert result.rows == 5
    assert result.extra["sheets"] == ("Cán bộ", "Công chức")
    people = {(p.source.sheet, p.source.row): p for p in result.records if p.source}
    # rows with a gender problem are kept with a warning (issue 11)
    assert set(people) == {("Cán bộ", 3), ("Cán bộ", 4), ("Công chức", 3), ("Công chức", 4), ("Công chức", 5)}
    assert people[("Công chức", 3)].gender is None
    assert people[("Cán bộ", 4)].gender == "F"
    assert people[("Cán bộ", 3)].gender == "M"
    errors = {(e.sheet, e.row, e.column, e.severity) for e in result.errors}
    assert ("Công chức", 3, "Giới tính Nữ", "warning") in errors  # both marked
    assert ("Công chức", 5, "Giới tính Nam", "warning") in errors  # none marked
    assert ("Công chức", 4, "Số CCCD (12 số)", "warning") in errors  # same person as on sheet Cán bộ
    assert [(d.row, d.matches, d.by) for d in result.duplicates] == [(4, (3,), "cccd")]
    ignored = [e for e in result.errors if e.sheet == "Tổng hợp"]
    assert len(ignored) == 1
    assert ignored[0].severity == "warning"
    assert not any(e.sheet == "Ghi chú" for e in result.errors)  # a notes sheet is not data


def test_cells_merged_down_over_a_group_hold_for_each_row_and_hidden_sheets_are_named() -> None:
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ", "Chức vụ"],
        [1, "Hà Văn Một", "01/01/1980", "Nam", "Công chức", "Công chức Tư pháp - Hộ tịch"],
        [2, "Hà Văn Hai", "02/02/1981", "Nam", None, "Công chức Tư pháp - Hộ tịch"],
        [3, "Hà Thị Ba", "03/03/1982", "Nữ", None, "Công chức Văn phòng - Thống kê"],
        [4, "Hà Văn Bốn", "04/04/1983", "Nam", None, None],
    ]
    data = make_xlsx({"DS": rows, "Cũ": [rows[0], rows[1]]}, merges={"DS": ["E2:E4"]})
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["Cũ"].sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    result = read_roster(out.getvalue(), "m.xlsx", unit="X", as_of=date(2025, 7, 1))
    categories = {p.name: p.category for p in result.records}
    assert categories == {
        "Hà Văn Một": "cong_chuc",
        "Hà Văn Hai": "cong_chuc",
        "Hà Thị Ba": "cong_chuc",
        "Hà Văn Bốn": None,  # kept, category left for the reviewer, said once for the file
    }
    assert not [e for e in result.errors if e.severity == "error"]
    assert any("chưa có loại cán bộ" in e.message for e in result.errors)
    # the hidden sheet is read like a visible one (nothing is lost), and said once for the file
    hidden = [e for e in result.errors if "sheet bị ẩn" in e.message]
    assert len(hidden) == 1 and "'Cũ'" in hidden[0].message and hidden[0].severity == "warning"
    assert {p.source.sheet for p in result.records if p.source} == {"DS", "Cũ"}


def test_a_rating_column_without_a_year_is_named() -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ", "Xếp loại", "Xếp loại năm 2024"],
        ["Hà Văn Một", "01/01/1980", "Nam", "Công chức", "HTTNV", "HTXSNV"],
    ]
    result = read_roster(make_xlsx(rows), "r.xlsx", unit="X", as_of=date(2025, 7, 1))
    (person,) = result.records
    assert person.ratings == (Rating(2024, "xuat_sac"),)
    (warning,) = [e for e in result.errors if e.column == "Xếp loại"]
    assert (warning.row, warning.severity) == (1, "warning")
    assert "năm" in warning.message


def test_name_split_in_family_and_given_columns() -> None:
    rows = [
        ["STT", "Họ đệm", "Tên", "Ngày sinh", "Giới tính", "Loại cán bộ"],
        [1, "Hoàng Văn", "Long", "12/04/1976", "Nam", "Công chức"],
    ]
    result = read_roster(make_xlsx(rows), "n.xlsx", unit="X", as_of=date(2025, 7, 1))
    assert [p.name for p in result.records] == ["Hoàng Văn Long"]


def test_a_first_data_row_is_not_taken_for_a_sub_header() -> None:
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Loại cán bộ", None],
        ["Hà Văn Một", "01/01/1980", "Nam", "Công chức", "Đảng viên"],
        ["Hà Văn Hai", "02/02/1981", "Nam", "Công chức", None],
    ]
    result = read_roster(make_xlsx(rows), "s.xlsx", unit="X", as_of=date(2025, 7, 1))
    assert [p.name for p in result.records] == ["Hà Văn Một", "Hà Văn Hai"]
