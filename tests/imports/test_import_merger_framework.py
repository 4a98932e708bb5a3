"""The merger-map and framework readers."""

from __future__ import annotations

from import_helpers import make_xlsx

from imports.framework import read_framework
from imports.merger_map import read_merger_map
from imports.records import RequirementRecord

MAP_HEADER = [
    "STT",
    "Mã xã mới",
    "Tên xã mới",
    "Loại xã mới",
    "Mã đơn vị cũ",
    "Tên đơn vị cũ",
    "Huyện cũ",
    "Loại đơn vị cũ",
    "Sáp nhập một phần",
]


def merger_rows() -> list[list[object]]:
    return [
        ["PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ TỈNH LẠNG SƠN"],
        [],
        MAP_HEADER,
        [1, "06613", "Xã Đình Lập", "Xã", "06613", "Thị trấn Đình Lập", "Huyện Đình Lập", "Thị trấn", None],
        [2, 6613, "Xã Đình Lập", None, 6628, "Xã Đình Lập", "Huyện Đình Lập", None, None],
        [3, "06625", "Xã Kiên Mộc", "Xã", "06619", "Xã Bắc Xa", "Huyện Đình Lập", "Xã", "1 phần"],
        [4, "06637", "Xã Châu Sơn", "Xã", "06619", "Xã Bắc Xa", "Huyện Đình Lập", "Xã", "Một phần"],
        [5, "06637", "Xã Chau Son Moi", "Xã", "06640", "Xã Lâm Ca", "Huyện Đình Lập", "Xã", None],
        [6, "06625", "Xã Kiên Mộc", "Xã", "06622", "Xã Bính Xá", "Huyện Đình Lập", "Xã", None],
        [7, "06613", "Xã Đình Lập", "Xã", "06622", "Xã Bính Xá", "Huyện Đình Lập", "Xã", None],
        [
            8,
            "06613",
            "Xã Đình Lập",
            "Xã",
            "H189",
            "Phòng Nội vụ huyện Đình Lập",
            "Huyện Đình Lập",
            "Cơ quan cấp huyện",
            None,
        ],
        [
            9,
            "06625",
            "Xã Kiên Mộc",
            "Xã",
            "H189",
            "Phòng Nội vụ huyện Đình Lập",
            "Huyện Đình Lập",
            "Cơ quan cấp huyện",
            None,
        ],
        [10, "6613x", "", "Làng", "06650", "Xã X", "Huyện Đình Lập", "Xã", "hmm"],
        [],
        [None, "Người lập biểu"],
    ]


def test_merger_map_reads_links_and_splits() -> None:
    result = read_merger_map(make_xlsx({"Phương án": merger_rows()}), "map.xlsx")
    assert result.rows == 10
    links = {(r.old_code, r.new_code): r for r in result.records}
    assert len(result.records) == 9
    assert links[("06628", "06613")].new_kind == "xa"  # kind from the name "Xã …"
    assert links[("06628", "06613")].old_kind == "old_commune"
    assert links[("06619", "06625")].partial
    assert links[("06619", "06637")].partial
    assert links[("H189", "06625")].old_kind == "district_agency"
    assert links[("06613", "06613")].source is not None
    assert links[("06613", "06613")].source.row == 4

    found = {(e.row, e.column, e.severity) for e in result.errors}
    assert (5, "Mã xã mới", "warning") in found  # 6613 -> 06613
    assert (8, "Tên xã mới", "warning") in found  # another name for 06637
    assert (9, "Sáp nhập một phần", "warning") in found  # 06622 feeds two communes, not marked partial
    assert (10, "Sáp nhập một phần", "warning") in found
    assert not any(e[0] in (11, 12) for e in found if e[2] == "error")  # a district agency may feed several
    row13 = {(e.column, e.severity) for e in result.errors if e.row == 13}
    assert {
        ("Mã xã mới", "error"),
        ("Tên xã mới", "error"),
        ("Loại xã mới", "error"),
        ("Sáp nhập một phần", "error"),
    } <= row13
    assert result.extra["rejected_rows"] == 1


def framework_book() -> bytes:
    positions = [
        ["KHUNG VỊ TRÍ VIỆC LÀM"],
        [
            "Áp dụng cho",
            "Mã vị trí",
            "Khối",
            "Phòng ban",
            "Chức danh",
            "Cấp",
            "Nhóm công việc",
            "Tối thiểu",
            "Tối đa",
        ],
        ["Xã", "DANG/BT", "Đảng", "Thường trực Đảng ủy", "Bí thư Đảng ủy", "Chủ chốt", "dang", 1, 1],
        ["Tất cả", "UBND/KT/1", "UBND", "Phòng Kinh tế", "Trưởng phòng", "Trưởng", "kinh_te", 1, 1],
        ["Xã", "UBND/KT/2", "UBND", "Phòng Kinh tế", "Phó Trưởng phòng", "Phó", "kinh_te", 0, 2],
        [
            "06613",
            "UBND/KT/2",
            "UBND",
            "Phòng Kinh tế",
            "Phó Trưởng phòng",
            "Phó",
            "Chuyên viên Phòng Kinh tế",
            1,
            3,
        ],
        [
            "Xã",
            "UBND/VP/3",
            "UBND",
            "Văn phòng HĐND và UBND",
            "Công chức Văn phòng",
            "Chuyên viên",
            None,
            3,
            2,
        ],
        ["Xã", "DANG/BT", "Đảng", "x", "Trùng", "Chủ chốt", None, 1, 1],
        ["Huyện", "X/1", "Bộ", None, None, "Sếp", None, "a", None],
    ]
    requirements = [
        ["Áp dụng cho", "Mã vị trí", "Thuộc tính", "Điều kiện", "Giá trị", "Bắt buộc"],
        ["Xã", "DANG/BT", "Loại cán bộ", "thuộc", "Cán bộ, Công chức", "Có"],
        ["Xã", "DANG/BT", "Đảng viên", "bằng", "Có", "Có"],
        ["Xã", "DANG/BT", "Trình độ chuyên môn", "tối thiểu", "Đại học", "Có"],
        ["Xã", "DANG/BT", "LLCT", "tối thiểu", "Cử nhân", "Không"],
        ["Xã", "DANG/BT", "Số năm đến tuổi nghỉ hưu", ">=", "2,5", "x"],
        ["Xã", "DANG/BT", "Không phải người địa phương", None, None, "Không"],
        [None, "UBND/KT/1", "Chuyên ngành", "in", "Kinh tế; tai_chinh_ke_toan, Xây dựng", "Không"],
        ["Xã", "DANG/BT", "Xếp loại", "min", "HTTNV", "Có"],
        ["Xã", "DANG/BT", "Giới tính", "tối thiểu", "Nam", "Có"],  # min on a non-ordinal attribute
        ["Xã", "DANG/BT", "Chiều cao", "tối thiểu", "160", "Có"],  # unknown attribute
        ["Xã", "KHONG/CO", "Tuổi", "tối đa", "50", "Có"],  # unknown position
        ["Xã", "DANG/BT", "Trình độ chuyên môn", "tối đa", "Cao đẳng", "Có"],  # max below the min of row 4
        ["Xã", "DANG/BT", "Tuổi", "tối đa", "năm mươi", ""],
    ]
    quotas = [
        ["Mã xã mới", "Tên xã mới", "Biên chế", "Định mức"],
        ["06613", "Xã Đình Lập", 74, 66],
        ["6616", "Xã Thái Bình", None, 73],
        ["06613", "Xã Đình Lập", 70, None],
        ["06625", "Xã Kiên Mộc", -3, None],
    ]
    caps = [
        ["Áp dụng cho", "Tên", "Mã vị trí", "Tối đa"],
        ["Xã", "Cấp phó các phòng", "UBND/KT/2, UBND/VP/2", 6],
        ["Xã", "", "UBND/KT/2", 4],
    ]
    return make_xlsx({"Vị trí": positions, "Yêu cầu": requirements, "Biên chế": quotas, "Trần chung": caps})


def test_framework_positions_requirements_quotas_caps() -> None:
    result = read_framework(
        framework_book(), "khung.xlsx", communes={"Xã Đình Lập": "06613", "06616": "06616", "06625": "06625"}
    )
    (fw,) = result.records
    positions = {(p.applies_to, p.code): p for p in fw.positions}
    assert set(positions) == {
        ("xa", "DANG/BT"),
        ("all", "UBND/KT/1"),
        ("xa", "UBND/KT/2"),
        ("06613", "UBND/KT/2"),
    }
    bt = positions[("xa", "DANG/BT")]
    assert (bt.block, bt.level, bt.min, bt.max, bt.job_family) == ("dang", "key", 1, 1, "dang")
    assert positions[("06613", "UBND/KT/2")].job_family == "kinh_te"  # label mapped to a code
    reqs = [r.to_problem_dict() for r in bt.requirements]
    assert reqs[:7] == [
        {"attr": "category", "in": ["can_bo", "cong_chuc"], "hard": True},
        {"attr": "party_member", "eq": True, "hard": True},
        {"attr": "education", "min": "dai_hoc", "hard": True},
        {"attr": "political_theory", "min": "cao_cap", "hard": False},
        {"attr": "years_to_retirement", "min": 2.5, "hard": True},
        {"rule": "non_local", "hard": False},
        {"attr": "last_rating", "min": "tot", "hard": True},
    ]
    assert positions[("all", "UBND/KT/1")].requirements == (
        RequirementRecord("field", "in", ["kinh_te", "tai_chinh_ke_toan", "xay_dung"], False),
    )
    assert [(q.commune_code, q.payroll_quota, q.target_quota) for q in fw.quotas] == [
        ("06613", 74, 66),
        ("06616", None, 73),
    ]
    assert [(c.applies_to, c.name, c.position_codes, c.max) for c in fw.caps] == [
        ("xa", "tran_3", ("UBND/KT/2",), 4)
    ]

    errors = {(e.sheet, e.row, e.column): e for e in result.errors}
    assert errors[("Vị trí", 7, "Tối thiểu")].message.startswith("Tối thiểu (3) lớn hơn Tối đa (2)")
    assert errors[("Vị trí", 8, "Mã vị trí")].severity == "error"  # duplicate code
    assert {k[2] for k in errors if k[:2] == ("Vị trí", 9)} >= {
        "Áp dụng cho",
        "Khối",
        "Chức danh",
        "Cấp",
        "Tối thiểu",
        "Tối đa",
    }
    assert errors[("Yêu cầu", 10, "Điều kiện")].severity == "error"  # min on gender
    assert errors[("Yêu cầu", 11, "Thuộc tính")].severity == "error"
    assert "không có trong sheet Vị trí" in errors[("Yêu cầu", 12, "Mã vị trí")].message
    assert "Mâu thuẫn" in errors[("Yêu cầu", 13, "Giá trị")].message
    assert {k[2] for k in errors if k[:2] == ("Yêu cầu", 14)} == {"Giá trị", "Bắt buộc"}
    assert errors[("Biên chế", 3, "Mã xã mới")].severity == "warning"  # 6616 -> 06616
    assert errors[("Biên chế", 4, "Mã xã mới")].severity == "error"  # 06613 twice
    assert errors[("Biên chế", 5, "Biên chế")].severity == "error"  # negative
    assert errors[("Trần chung", 2, "Mã vị trí")].value == "UBND/VP/2"
    assert errors[("Trần chung", 3, "Tên")].severity == "warning"
    assert not result.ok


def test_framework_without_positions_sheet() -> None:
    result = read_framework(make_xlsx({"Sheet1": [["a", "b"]]}), "k.xlsx")
    assert result.records == ()
    assert len(result.errors) == 1
    assert "Vị trí" in result.errors[0].message
