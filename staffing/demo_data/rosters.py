"""Seeded synthetic rosters for the demo province, written as offices keep them.

One .xlsx per old unit of the merger map: every old commune (18-26 people) and every
district agency (80-110 people), in the layout of docs/import-formats.md section 1, with
the title rows, two-row header, signature block and small quirks of real files (dates as
text in some files and as Excel dates in others, CCCD as numbers that lost their leading
zero, a stray space, decomposed Unicode, header spellings). The people are invented; their
attribute distributions follow ../shared/spec/sample-problem.json.

    generate_rosters(merger_map_path, out_dir, seed=20250701) -> list[Path]

`build_roster_set` gives the same people without writing anything (tests, quotas).
"""

# ruff: noqa: S311 (seeded demo data, not cryptography)
from __future__ import annotations

import logging
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import load_workbook

logger = logging.getLogger(__name__)

AS_OF = date(2025, 7, 1)
PROVINCE_CCCD = "020"
DEFAULT_SEED = 20250701

# --- vocabulary: labels written into the files ---------------------------------------------------

EDUCATION_LABELS = {
    "tien_si": "Tiến sĩ",
    "thac_si": "Thạc sĩ",
    "dai_hoc": "Đại học",
    "cao_dang": "Cao đẳng",
    "trung_cap": "Trung cấp",
    "none": "",
}
POLITICAL_LABELS = {"cao_cap": "Cao cấp", "trung_cap": "Trung cấp", "so_cap": "Sơ cấp", "none": ""}
STATE_LABELS = {
    "chuyen_vien_cao_cap": "Chuyên viên cao cấp",
    "chuyen_vien_chinh": "Chuyên viên chính",
    "chuyen_vien": "Chuyên viên",
    "none": "",
}
CATEGORY_LABELS = {
    "can_bo": "Cán bộ",
    "cong_chuc": "Công chức",
    "vien_chuc": "Viên chức",
    "hop_dong": "Hợp đồng lao động",
    "khong_chuyen_trach": "Không chuyên trách",
}
RATING_LABELS = {
    "xuat_sac": "Hoàn thành xuất sắc nhiệm vụ",
    "tot": "Hoàn thành tốt nhiệm vụ",
    "hoan_thanh": "Hoàn thành nhiệm vụ",
    "khong_hoan_thanh": "Không hoàn thành nhiệm vụ",
}
RATING_SHORT = {"xuat_sac": "HTXSNV", "tot": "HTTNV", "hoan_thanh": "HTNV", "khong_hoan_thanh": "KHTNV"}
PLANNED_LABELS = {
    "key": ("Bí thư", "Chủ tịch UBND"),
    "head": ("Trưởng phòng",),
    "deputy": ("Phó Trưởng phòng",),
}

# Field of study code -> the labels written in the "Chuyên ngành" column.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "hanh_chinh": ("Hành chính học", "Quản lý nhà nước"),
    "luat": ("Luật", "Luật học", "Luật kinh tế"),
    "kinh_te": ("Kinh tế", "Quản trị kinh doanh", "Kinh tế đầu tư"),
    "nong_nghiep": ("Nông học", "Lâm nghiệp", "Chăn nuôi thú y", "Khuyến nông", "Phát triển nông thôn"),
    "quan_su": ("Quân sự cơ sở", "Chỉ huy tham mưu"),
    "tai_chinh_ke_toan": ("Kế toán", "Tài chính - Ngân hàng", "Kế toán doanh nghiệp"),
    "van_hoa": ("Quản lý văn hóa", "Văn hóa học", "Văn hóa các dân tộc thiểu số Việt Nam"),
    "quan_ly_dat_dai": ("Quản lý đất đai", "Địa chính"),
    "xay_dung_dang": ("Xây dựng Đảng và chính quyền nhà nước",),
    "xa_hoi": ("Công tác xã hội", "Xã hội học"),
    "su_pham": ("Sư phạm Toán", "Sư phạm Ngữ văn", "Giáo dục tiểu học", "Sư phạm Lịch sử"),
    "xay_dung": ("Kỹ thuật xây dựng", "Xây dựng dân dụng và công nghiệp"),
    "giao_thong": ("Kỹ thuật xây dựng công trình giao thông",),
    "van_thu_luu_tru": ("Văn thư - Lưu trữ", "Lưu trữ học"),
    "moi_truong": ("Khoa học môi trường", "Quản lý tài nguyên và môi trường"),
    "y_te": ("Y đa khoa", "Y tế công cộng", "Điều dưỡng"),
    "cong_nghe_thong_tin": ("Công nghệ thông tin", "Tin học"),
    "khac": ("Ngôn ngữ Anh", "Ngôn ngữ Trung Quốc"),
}

# --- names and ethnicity ------------------------------------------------------------------------

ETHNICITY_DEFAULT = {"Nùng": 47, "Tày": 34, "Kinh": 13, "Dao": 4, "Sán Chay": 1, "Hoa": 0.5, "Mông": 0.5}
ETHNICITY_BY_DISTRICT = {
    "Thành phố Lạng Sơn": {"Kinh": 44, "Tày": 28, "Nùng": 25, "Hoa": 2, "Dao": 1},
    "Huyện Hữu Lũng": {"Kinh": 42, "Nùng": 30, "Tày": 16, "Dao": 5, "Sán Chay": 6, "Hoa": 1},
    "Huyện Chi Lăng": {"Nùng": 44, "Tày": 28, "Kinh": 22, "Dao": 3, "Hoa": 1, "Sán Chay": 2},
    "Huyện Bắc Sơn": {"Tày": 56, "Nùng": 20, "Kinh": 14, "Dao": 8, "Mông": 2},
    "Huyện Bình Gia": {"Tày": 58, "Nùng": 22, "Dao": 12, "Kinh": 7, "Mông": 1},
    "Huyện Đình Lập": {"Nùng": 40, "Tày": 32, "Kinh": 17, "Dao": 9, "Mông": 1, "Hoa": 1},
    "Huyện Lộc Bình": {"Nùng": 58, "Tày": 25, "Kinh": 12, "Dao": 4, "Hoa": 1},
}
SURNAMES = {
    "Kinh": {
        "Nguyễn": 30,
        "Trần": 9,
        "Lê": 8,
        "Phạm": 6,
        "Hoàng": 6,
        "Vũ": 5,
        "Đỗ": 4,
        "Bùi": 4,
        "Đặng": 3,
        "Ngô": 3,
        "Dương": 3,
        "Đinh": 2,
        "Lương": 2,
        "Phan": 2,
        "Đào": 2,
        "Trịnh": 2,
    },
    "Tày": {
        "Hoàng": 20,
        "Nông": 14,
        "Lương": 8,
        "Hà": 6,
        "Vi": 6,
        "Lộc": 5,
        "Lành": 3,
        "Hứa": 3,
        "Ma": 3,
        "Đinh": 3,
        "Chu": 3,
        "Lăng": 3,
        "Mông": 2,
        "Dương": 3,
        "Triệu": 2,
        "Bế": 4,
        "Nguyễn": 4,
    },
    "Nùng": {
        "Hoàng": 18,
        "Lăng": 7,
        "Vy": 9,
        "Chu": 6,
        "Lý": 6,
        "Hứa": 5,
        "Nông": 8,
        "Mã": 4,
        "Lộc": 4,
        "Đàm": 3,
        "La": 3,
        "Vi": 4,
        "Dương": 4,
        "Triệu": 2,
        "Lương": 4,
        "Nguyễn": 3,
        "Hà": 2,
    },
    "Dao": {"Triệu": 30, "Bàn": 20, "Đặng": 15, "Lý": 12, "Phùng": 8, "Chìu": 5, "Hoàng": 5, "Trần": 5},
    "Sán Chay": {"Lâm": 20, "Hoàng": 15, "Dương": 10, "Lý": 10, "Trần": 10, "Vi": 10, "Nịnh": 10},
    "Hoa": {"Hoàng": 20, "Lý": 20, "Trương": 15, "Mã": 15, "Lưu": 15, "Tăng": 15},
    "Mông": {"Vàng": 30, "Lù": 20, "Giàng": 20, "Thào": 15, "Sùng": 15},
}
MIDDLE_M = {
    "Văn": 55,
    "Đức": 8,
    "Hữu": 5,
    "Minh": 5,
    "Quang": 5,
    "Thế": 4,
    "Xuân": 4,
    "Ngọc": 4,
    "Tiến": 3,
    "Trung": 3,
    "Thanh": 4,
    "Công": 3,
    "Hồng": 2,
}
MIDDLE_F = {
    "Thị": 62,
    "Thu": 7,
    "Thanh": 6,
    "Ngọc": 5,
    "Hồng": 4,
    "Minh": 3,
    "Kim": 3,
    "Phương": 3,
    "Thùy": 2,
    "Bích": 2,
    "Thị Thu": 2,
    "Thị Hồng": 1,
}
GIVEN_M = [
    "Long",
    "Hùng",
    "Cường",
    "Dũng",
    "Thắng",
    "Tuấn",
    "Hải",
    "Sơn",
    "Quân",
    "Bình",
    "Thành",
    "Hiếu",
    "Toàn",
    "Phong",
    "Trung",
    "Đức",
    "Huy",
    "Mạnh",
    "Khánh",
    "Lâm",
    "Vinh",
    "Tú",
    "Tiến",
    "Nam",
    "Việt",
    "Hưng",
    "Chiến",
    "Thịnh",
    "Hòa",
    "Quý",
    "Lợi",
    "Kiên",
    "Đạt",
    "Duy",
    "Tâm",
    "Phúc",
    "Thuận",
    "Quyết",
    "Hậu",
    "Nghĩa",
    "Tùng",
    "Giang",
    "Hoàn",
    "Sáng",
    "Lực",
    "Minh",
    "Anh",
    "Tuyên",
    "Chung",
    "Hiệp",
]
GIVEN_F = [
    "Hương",
    "Lan",
    "Hạnh",
    "Huyền",
    "Thảo",
    "Trang",
    "Ngọc",
    "Linh",
    "Hà",
    "Thủy",
    "Nga",
    "Hoa",
    "Mai",
    "Phương",
    "Yến",
    "Dung",
    "Thanh",
    "Hằng",
    "Liên",
    "Loan",
    "Nhung",
    "Oanh",
    "Quyên",
    "Vân",
    "Thúy",
    "Hiền",
    "Hồng",
    "Tuyết",
    "Xuân",
    "Diệp",
    "Duyên",
    "Chinh",
    "Lý",
    "Mơ",
    "Hoài",
    "Nhàn",
    "Thơm",
    "Sen",
    "Dịu",
    "Hiên",
    "Tươi",
    "Nguyệt",
    "Len",
]
MONG_GIVEN_M = ("Páo", "Dính", "Chứ", "Sử", "Tủa", "Lử", "Chính")
MONG_GIVEN_F = ("Mỷ", "Dợ", "Pà", "Súa", "Chía", "Mai")


# --- data classes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """An old unit that sends a roster."""

    code: str
    name: str
    kind: str  # old_commune | district_agency
    district: str
    district_code: str
    feeds: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"{self.code} - {ascii_name(self.name)}.xlsx"


@dataclass
class Person:
    """One generated person, in exchange-format codes (labels are chosen when writing)."""

    id: str
    name: str
    birth_date: date
    gender: str
    ethnicity: str
    unit: str
    home_commune: str
    category: str
    current_title: str
    job_family: str | None
    education: str
    field: str | None
    field_label: str
    political_theory: str
    state_management: str
    party_member: bool
    party_since: date | None
    service_start: date
    ratings: dict[int, str]
    planned_for: tuple[str, ...] = ()
    planned_labels: tuple[str, ...] = ()
    discipline: str = ""
    disciplined_until: date | None = None
    preferences: tuple[str, ...] = ()
    retirement_date: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Relation:
    """A family link listed on the 'Quan hệ gia đình' sheet of `a`'s roster."""

    a: str
    b: str
    label: str  # Vợ, Chồng, Anh, Chị, Em
    kind: str  # spouse | sibling


@dataclass
class RosterSet:
    """Every unit's people, the family links and the one intentional duplicate."""

    province_code: str
    units: list[Unit]
    communes: dict[str, str]  # new code -> name
    people: dict[str, list[Person]]  # unit code -> people, in roster order
    relations: list[Relation] = field(default_factory=list)
    duplicate_id: str = ""  # CCCD listed in two rosters (a transfer)
    duplicate_units: tuple[str, str] = ("", "")

    def unit_sizes(self) -> dict[str, int]:
        return {code: len(people) for code, people in self.people.items()}

    @property
    def total(self) -> int:
        return sum(len(p) for p in self.people.values())


# --- roles --------------------------------------------------------------------------------------

FIELDS_BY_FAMILY: dict[str, dict[str, float]] = {
    "dang": {
        "xay_dung_dang": 22,
        "kinh_te": 20,
        "luat": 18,
        "hanh_chinh": 25,
        "nong_nghiep": 10,
        "su_pham": 5,
    },
    "hdnd": {"luat": 35, "hanh_chinh": 35, "kinh_te": 15, "xay_dung_dang": 15},
    "chinh_quyen": {"kinh_te": 30, "hanh_chinh": 25, "luat": 20, "nong_nghiep": 15, "quan_ly_dat_dai": 10},
    "mttq": {"hanh_chinh": 40, "luat": 25, "xay_dung_dang": 20, "xa_hoi": 15},
    "doan_thanh_nien": {
        "hanh_chinh": 30,
        "luat": 25,
        "su_pham": 15,
        "kinh_te": 15,
        "cong_nghe_thong_tin": 5,
        "xa_hoi": 10,
    },
    "phu_nu": {"hanh_chinh": 30, "xa_hoi": 20, "luat": 20, "kinh_te": 15, "su_pham": 15},
    "nong_dan": {"nong_nghiep": 60, "kinh_te": 25, "hanh_chinh": 15},
    "cuu_chien_binh": {"quan_su": 50, "hanh_chinh": 30, "luat": 20},
    "quan_su": {"quan_su": 95, "hanh_chinh": 5},
    "van_phong": {
        "hanh_chinh": 50,
        "luat": 15,
        "van_thu_luu_tru": 20,
        "kinh_te": 10,
        "cong_nghe_thong_tin": 5,
    },
    "dia_chinh": {"quan_ly_dat_dai": 50, "nong_nghiep": 25, "moi_truong": 15, "xay_dung": 10},
    "tai_chinh": {"tai_chinh_ke_toan": 90, "kinh_te": 10},
    "tu_phap": {"luat": 92, "hanh_chinh": 8},
    "van_hoa": {"van_hoa": 70, "cong_nghe_thong_tin": 10, "su_pham": 10, "khac": 10},
    "xa_hoi": {"xa_hoi": 60, "hanh_chinh": 20, "luat": 20},
    "van_phong_dang": {"xay_dung_dang": 35, "hanh_chinh": 35, "luat": 15, "van_thu_luu_tru": 15},
    "xay_dung_dang": {"xay_dung_dang": 50, "hanh_chinh": 25, "luat": 15, "su_pham": 10},
    "kiem_tra": {"luat": 45, "xay_dung_dang": 25, "kinh_te": 15, "tai_chinh_ke_toan": 15},
    "chinh_tri": {"xay_dung_dang": 50, "su_pham": 35, "luat": 15},
    "noi_vu": {"hanh_chinh": 55, "luat": 30, "xa_hoi": 15},
    "xay_dung": {"xay_dung": 55, "giao_thong": 15, "kinh_te": 20, "quan_ly_dat_dai": 10},
    "kinh_te": {"kinh_te": 60, "tai_chinh_ke_toan": 25, "nong_nghiep": 15},
    "giao_duc": {"su_pham": 90, "hanh_chinh": 10},
    "y_te": {"y_te": 90, "hanh_chinh": 10},
    "thanh_tra": {"luat": 60, "kinh_te": 20, "tai_chinh_ke_toan": 20},
    "support": {"van_thu_luu_tru": 30, "khac": 40, "tai_chinh_ke_toan": 15, "cong_nghe_thong_tin": 15},
}


@dataclass(frozen=True)
class Role:
    title: str
    category: str
    family: str | None  # job family the title implies
    profile: str  # key | head | deputy | staff | mass | part | contract
    fields: str  # key of FIELDS_BY_FAMILY
    female: float = 0.4  # probability of a woman
    age: tuple[int, int] = (26, 58)
    party: float = 0.9


def _commune_roles(unit: Unit, rng: random.Random) -> list[Role]:
    """The posts of an old commune's roster (Decree 33/2023 titles)."""
    ward = unit.name.startswith(("Phường", "Thị trấn"))
    land = "Công chức Địa chính - Xây dựng - " + (
        "Đô thị và Môi trường" if ward else "Nông nghiệp và Môi trường"
    )
    roles = [
        Role("Bí thư Đảng ủy", "can_bo", "dang", "key", "dang", 0.2, (35, 58), 1.0),
        Role("Phó Bí thư Thường trực Đảng ủy", "can_bo", "dang", "key", "dang", 0.3, (33, 58), 1.0),
        Role("Chủ tịch HĐND", "can_bo", "hdnd", "key", "hdnd", 0.3, (35, 58), 1.0),
        Role("Phó Chủ tịch HĐND", "can_bo", "hdnd", "key", "hdnd", 0.4, (30, 57), 1.0),
        Role("Chủ tịch UBND", "can_bo", "chinh_quyen", "key", "chinh_quyen", 0.15, (33, 57), 1.0),
        Role("Phó Chủ tịch UBND", "can_bo", "chinh_quyen", "key", "chinh_quyen", 0.3, (30, 57), 1.0),
        Role("Chủ tịch Ủy ban MTTQ", "can_bo", "mttq", "mass", "mttq", 0.35, (35, 59), 1.0),
        Role(
            "Bí thư Đoàn TNCS Hồ Chí Minh",
            "can_bo",
            "doan_thanh_nien",
            "mass",
            "doan_thanh_nien",
            0.4,
            (24, 33),
            0.95,
        ),
        Role("Chủ tịch Hội Liên hiệp Phụ nữ", "can_bo", "phu_nu", "mass", "phu_nu", 1.0, (28, 55), 0.98),
        Role("Chủ tịch Hội Nông dân", "can_bo", "nong_dan", "mass", "nong_dan", 0.2, (32, 59), 0.98),
        Role(
            "Chủ tịch Hội Cựu chiến binh",
            "can_bo",
            "cuu_chien_binh",
            "mass",
            "cuu_chien_binh",
            0.0,
            (45, 61),
            1.0,
        ),
        Role(
            "Chỉ huy trưởng Ban Chỉ huy Quân sự",
            "cong_chuc",
            "quan_su",
            "staff",
            "quan_su",
            0.0,
            (27, 52),
            1.0,
        ),
    ]
    if rng.random() < 0.4:
        roles.insert(6, roles[5])  # a second Vice Chairman
    staff = [
        ("Công chức Văn phòng - Thống kê", "van_phong", "van_phong", 0.6, 0.4),
        (land, "dia_chinh", "dia_chinh", 0.3, 0.4),
        ("Công chức Tài chính - Kế toán", "tai_chinh", "tai_chinh", 0.7, 0.25),
        ("Công chức Tư pháp - Hộ tịch", "tu_phap", "tu_phap", 0.5, 0.25),
        ("Công chức Văn hóa - Xã hội", "van_hoa", "van_hoa", 0.5, 0.0),
        ("Công chức Văn hóa - Xã hội", "van_hoa", "xa_hoi", 0.6, 0.85),
    ]
    for title, family, fields, female, p_second in staff:
        for _ in range(1 + (rng.random() < p_second)):
            roles.append(Role(title, "cong_chuc", family, "staff", fields, female, (24, 58), 0.82))
    part = [
        ("Phó Chỉ huy trưởng Quân sự (không chuyên trách)", "quan_su", "quan_su", 0.0, (0.45, 0.25)),
        ("Phó Chủ tịch Ủy ban MTTQ (không chuyên trách)", "mttq", "mttq", 0.4, (0.35, 0.0)),
        ("Phó Chủ tịch Hội Nông dân (không chuyên trách)", "nong_dan", "nong_dan", 0.3, (0.15, 0.0)),
    ]
    for title, family, fields, female, (p1, p2) in part:
        n = (rng.random() < p1) + (rng.random() < p2)
        roles += [Role(title, "khong_chuyen_trach", family, "part", fields, female, (25, 60), 0.7)] * n
    if rng.random() < 0.35:
        roles.append(
            Role(
                "Văn thư - Thủ quỹ (hợp đồng)",
                "hop_dong",
                "van_phong",
                "contract",
                "support",
                0.8,
                (24, 50),
                0.3,
            )
        )
    if rng.random() < 0.12:
        roles.append(
            Role("Nhân viên bảo vệ (hợp đồng)", "hop_dong", None, "contract", "support", 0.0, (30, 59), 0.2)
        )
    return roles


# (department, head title, deputy title, staff title, family, fields, deputies range, staff range, category)
_DISTRICT_DEPARTMENTS = (
    (
        "Văn phòng {hu}",
        "Chánh Văn phòng {hu}",
        "Phó Chánh Văn phòng {hu}",
        "Chuyên viên Văn phòng {hu}",
        "van_phong_dang",
        "van_phong_dang",
        (1, 2),
        (2, 4),
        "cong_chuc",
    ),
    (
        "Ban Tổ chức {hu}",
        "Trưởng Ban Tổ chức {hu}",
        "Phó Trưởng Ban Tổ chức {hu}",
        "Chuyên viên Ban Tổ chức {hu}",
        "xay_dung_dang",
        "xay_dung_dang",
        (1, 2),
        (1, 3),
        "cong_chuc",
    ),
    (
        "Ban Tuyên giáo và Dân vận {hu}",
        "Trưởng Ban Tuyên giáo và Dân vận {hu}",
        "Phó Trưởng Ban Tuyên giáo và Dân vận {hu}",
        "Chuyên viên Ban Tuyên giáo và Dân vận {hu}",
        "xay_dung_dang",
        "xay_dung_dang",
        (1, 2),
        (1, 3),
        "cong_chuc",
    ),
    (
        "Ủy ban Kiểm tra {hu}",
        "Chủ nhiệm Ủy ban Kiểm tra {hu}",
        "Phó Chủ nhiệm Ủy ban Kiểm tra {hu}",
        "Chuyên viên Ủy ban Kiểm tra {hu}",
        "kiem_tra",
        "kiem_tra",
        (1, 2),
        (1, 3),
        "cong_chuc",
    ),
    (
        "Trung tâm Chính trị {h}",
        "Giám đốc Trung tâm Chính trị {h}",
        "Phó Giám đốc Trung tâm Chính trị {h}",
        "Giảng viên Trung tâm Chính trị {h}",
        "chinh_tri",
        "chinh_tri",
        (1, 1),
        (1, 2),
        "vien_chuc",
    ),
    (
        "Văn phòng HĐND và UBND {h}",
        "Chánh Văn phòng HĐND và UBND {h}",
        "Phó Chánh Văn phòng HĐND và UBND {h}",
        "Chuyên viên Văn phòng HĐND và UBND {h}",
        "van_phong",
        "van_phong",
        (1, 2),
        (4, 6),
        "cong_chuc",
    ),
    (
        "Phòng Nội vụ",
        "Trưởng Phòng Nội vụ",
        "Phó Trưởng Phòng Nội vụ",
        "Chuyên viên Phòng Nội vụ",
        "noi_vu",
        "noi_vu",
        (1, 2),
        (2, 4),
        "cong_chuc",
    ),
    (
        "Phòng Tư pháp",
        "Trưởng Phòng Tư pháp",
        "Phó Trưởng Phòng Tư pháp",
        "Chuyên viên Phòng Tư pháp",
        "tu_phap",
        "tu_phap",
        (1, 1),
        (1, 2),
        "cong_chuc",
    ),
    (
        "Phòng Tài chính - Kế hoạch",
        "Trưởng Phòng Tài chính - Kế hoạch",
        "Phó Trưởng Phòng Tài chính - Kế hoạch",
        "Chuyên viên Phòng Tài chính - Kế hoạch",
        "tai_chinh",
        "kinh_te",
        (1, 2),
        (2, 4),
        "cong_chuc",
    ),
    (
        "Phòng Kinh tế và Hạ tầng",
        "Trưởng Phòng Kinh tế và Hạ tầng",
        "Phó Trưởng Phòng Kinh tế và Hạ tầng",
        "Chuyên viên Phòng Kinh tế và Hạ tầng",
        "xay_dung",
        "xay_dung",
        (1, 2),
        (2, 4),
        "cong_chuc",
    ),
    (
        "Phòng Nông nghiệp và Môi trường",
        "Trưởng Phòng Nông nghiệp và Môi trường",
        "Phó Trưởng Phòng Nông nghiệp và Môi trường",
        "Chuyên viên Phòng Nông nghiệp và Môi trường",
        "dia_chinh",
        "dia_chinh",
        (1, 2),
        (3, 5),
        "cong_chuc",
    ),
    (
        "Phòng Văn hóa, Khoa học và Thông tin",
        "Trưởng Phòng Văn hóa, Khoa học và Thông tin",
        "Phó Trưởng Phòng Văn hóa, Khoa học và Thông tin",
        "Chuyên viên Phòng Văn hóa, Khoa học và Thông tin",
        "van_hoa",
        "van_hoa",
        (1, 1),
        (1, 3),
        "cong_chuc",
    ),
    (
        "Phòng Giáo dục và Đào tạo",
        "Trưởng Phòng Giáo dục và Đào tạo",
        "Phó Trưởng Phòng Giáo dục và Đào tạo",
        "Chuyên viên Phòng Giáo dục và Đào tạo",
        "giao_duc_y_te",
        "giao_duc",
        (1, 2),
        (2, 3),
        "cong_chuc",
    ),
    (
        "Phòng Y tế",
        "Trưởng Phòng Y tế",
        "Phó Trưởng Phòng Y tế",
        "Chuyên viên Phòng Y tế",
        "giao_duc_y_te",
        "y_te",
        (1, 1),
        (1, 1),
        "cong_chuc",
    ),
    (
        "Phòng Dân tộc và Tôn giáo",
        "Trưởng Phòng Dân tộc và Tôn giáo",
        "Phó Trưởng Phòng Dân tộc và Tôn giáo",
        "Chuyên viên Phòng Dân tộc và Tôn giáo",
        "xa_hoi",
        "xa_hoi",
        (1, 1),
        (1, 2),
        "cong_chuc",
    ),
    (
        "Thanh tra {h}",
        "Chánh Thanh tra {h}",
        "Phó Chánh Thanh tra {h}",
        "Chuyên viên Thanh tra {h}",
        "thanh_tra",
        "thanh_tra",
        (1, 1),
        (1, 2),
        "cong_chuc",
    ),
)


def _district_roles(unit: Unit, rng: random.Random) -> list[Role]:
    """The posts of a district's agencies (Party bodies, People's Committee divisions, mass organisations)."""
    city = unit.district.startswith("Thành phố")
    place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
    h = "thành phố" if city else "huyện"
    hu = "Thành ủy" if city else "Huyện ủy"
    hd = "Thành đoàn" if city else "Huyện đoàn"
    roles = [
        Role(f"Bí thư {hu} {place}", "can_bo", "dang", "key", "dang", 0.15, (42, 58), 1.0),
        Role(f"Phó Bí thư Thường trực {hu} {place}", "can_bo", "dang", "key", "dang", 0.25, (40, 58), 1.0),
        Role(f"Chủ tịch HĐND {h} {place}", "can_bo", "hdnd", "key", "hdnd", 0.25, (40, 58), 1.0),
        Role(f"Phó Chủ tịch HĐND {h} {place}", "can_bo", "hdnd", "key", "hdnd", 0.35, (36, 57), 1.0),
        Role(
            f"Phó Bí thư {hu}, Chủ tịch UBND {h} {place}",
            "can_bo",
            "chinh_quyen",
            "key",
            "chinh_quyen",
            0.15,
            (40, 57),
            1.0,
        ),
        Role(f"Chủ tịch Ủy ban MTTQ {h} {place}", "can_bo", "mttq", "key", "mttq", 0.35, (40, 59), 1.0),
    ]
    roles += [
        Role(
            f"Phó Chủ tịch UBND {h} {place}",
            "can_bo",
            "chinh_quyen",
            "key",
            "chinh_quyen",
            0.3,
            (36, 57),
            1.0,
        )
    ] * rng.randint(2, 3)
    for dept, head, deputy, staff, family, fields, deps, staffs, category in _DISTRICT_DEPARTMENTS:
        fmt = {"h": h, "hu": hu}
        del dept
        roles.append(Role(head.format(**fmt), category, family, "head", fields, 0.3, (35, 58), 1.0))
        roles += [
            Role(deputy.format(**fmt), category, family, "deputy", fields, 0.4, (32, 58), 0.97)
        ] * rng.randint(*deps)
        roles += [
            Role(staff.format(**fmt), category, family, "staff", fields, 0.5, (24, 56), 0.8)
        ] * rng.randint(*staffs)
    mass = (
        (
            f"Phó Chủ tịch Ủy ban MTTQ {h}",
            f"Chuyên viên Ủy ban MTTQ {h}",
            "mttq",
            "mttq",
            0.4,
            (1, 2),
            (1, 2),
        ),
        (f"Bí thư {hd}", f"Phó Bí thư {hd}", "doan_thanh_nien", "doan_thanh_nien", 0.4, (1, 1), (1, 1)),
        (
            f"Chủ tịch Hội Liên hiệp Phụ nữ {h}",
            f"Phó Chủ tịch Hội Liên hiệp Phụ nữ {h}",
            "phu_nu",
            "phu_nu",
            1.0,
            (1, 1),
            (1, 1),
        ),
        (
            f"Chủ tịch Hội Nông dân {h}",
            f"Phó Chủ tịch Hội Nông dân {h}",
            "nong_dan",
            "nong_dan",
            0.3,
            (1, 1),
            (0, 1),
        ),
        (
            f"Chủ tịch Hội Cựu chiến binh {h}",
            f"Phó Chủ tịch Hội Cựu chiến binh {h}",
            "cuu_chien_binh",
            "cuu_chien_binh",
            0.0,
            (1, 1),
            (0, 1),
        ),
    )
    for first, second, family, fields, female, n1, n2 in mass:
        youth = family == "doan_thanh_nien"
        vets = family == "cuu_chien_binh"
        age = (26, 35) if youth else (45, 61) if vets else (30, 58)
        cat = "can_bo" if first.startswith(("Chủ tịch", "Bí thư")) else "cong_chuc"
        roles += [Role(first, cat, family, "mass", fields, female, age, 1.0)] * rng.randint(*n1)
        roles += [Role(second, "cong_chuc", family, "deputy", fields, female, age, 0.95)] * rng.randint(*n2)
    support = (
        ("Lái xe (hợp đồng)", None, 0.0, (1, 3)),
        ("Nhân viên văn thư (hợp đồng)", "van_phong", 0.8, (0, 1)),
        ("Nhân viên phục vụ (hợp đồng)", None, 0.9, (0, 1)),
    )
    for title, support_family, female, n in support:
        roles += [
            Role(title, "hop_dong", support_family, "contract", "support", female, (24, 58), 0.2)
        ] * rng.randint(*n)
    return roles


# --- attribute draws ----------------------------------------------------------------------------


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


EDUCATION_BY_PROFILE = {
    "key": {"thac_si": 30, "dai_hoc": 70},
    "head": {"thac_si": 30, "dai_hoc": 70},
    "deputy": {"thac_si": 18, "dai_hoc": 80, "cao_dang": 2},
    "staff": {"thac_si": 7, "dai_hoc": 78, "cao_dang": 6, "trung_cap": 9},
    "mass": {"thac_si": 5, "dai_hoc": 62, "cao_dang": 10, "trung_cap": 23},
    "part": {"dai_hoc": 15, "cao_dang": 15, "trung_cap": 60, "none": 10},
    "contract": {"dai_hoc": 10, "cao_dang": 10, "trung_cap": 50, "none": 30},
}
POLITICAL_BY_PROFILE = {
    "key": {"cao_cap": 38, "trung_cap": 62},
    "head": {"cao_cap": 35, "trung_cap": 65},
    "deputy": {"cao_cap": 10, "trung_cap": 75, "so_cap": 15},
    "staff": {"trung_cap": 30, "so_cap": 40, "none": 30},
    "mass": {"trung_cap": 65, "so_cap": 35},
    "part": {"so_cap": 45, "none": 55},
    "contract": {"so_cap": 30, "none": 70},
}
STATE_BY_PROFILE = {
    "key": {"chuyen_vien_chinh": 45, "chuyen_vien": 55},
    "head": {"chuyen_vien_chinh": 40, "chuyen_vien": 60},
    "deputy": {"chuyen_vien_chinh": 15, "chuyen_vien": 80, "none": 5},
    "staff": {"chuyen_vien_chinh": 3, "chuyen_vien": 67, "none": 30},
    "mass": {"chuyen_vien": 65, "none": 35},
    "part": {"none": 100},
    "contract": {"none": 100},
}
BASE_RATING = {"xuat_sac": 9, "tot": 70, "hoan_thanh": 18, "khong_hoan_thanh": 3}
RATING_ORDER = ("khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac")


def retirement_date(birth: date, gender: str) -> date:
    """Statutory retirement under the 2019 Labour Code roadmap (first day of the next month)."""
    for year in range(birth.year + 55, birth.year + 64):
        if gender == "M":
            months = 60 * 12 + 3 + 3 * max(0, min(year, 2028) - 2021)
        else:
            months = 55 * 12 + 4 + 4 * max(0, min(year, 2035) - 2021)
        total = birth.year * 12 + birth.month - 1 + months
        if total // 12 == year:
            y2, m2 = divmod(total + 1, 12)
            return date(y2, m2 + 1, 1)
    raise ValueError(birth)  # pragma: no cover


def _birth_date(rng: random.Random, lo: int, hi: int, gender: str) -> date:
    for _ in range(50):
        age = rng.uniform(lo, hi + 1)
        birth = AS_OF - timedelta(days=int(age * 365.25))
        if retirement_date(birth, gender) > AS_OF + timedelta(days=31):
            return birth
    return AS_OF - timedelta(days=int(lo * 365.25))


def _name(rng: random.Random, ethnicity: str, gender: str) -> str:
    surname = _pick(rng, SURNAMES[ethnicity])
    if ethnicity == "Mông":
        middle = "Thị" if gender == "F" else rng.choice(("A", "Văn", "Seo"))
        given = rng.choice(MONG_GIVEN_F if gender == "F" else MONG_GIVEN_M)
    else:
        middle = _pick(rng, MIDDLE_F if gender == "F" else MIDDLE_M)
        given = rng.choice(GIVEN_F if gender == "F" else GIVEN_M)
        if middle.endswith(given):
            middle = "Thị" if gender == "F" else "Văn"
    return f"{surname} {middle} {given}"


def _cccd(rng: random.Random, birth: date, gender: str) -> str:
    century = 0 if birth.year < 2000 else 2
    digit = century + (1 if gender == "F" else 0)
    return f"{PROVINCE_CCCD}{digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"


def _ratings(rng: random.Random, start: date, base: str) -> dict[int, str]:
    out: dict[int, str] = {}
    i = RATING_ORDER.index(base)
    for year in (2022, 2023, 2024):
        if start > date(year, 9, 30):
            continue
        step = rng.choices((-1, 0, 1), weights=(12, 76, 12))[0]
        out[year] = RATING_ORDER[max(0, min(3, i + step))]
    return out


def _make_person(
    rng: random.Random,
    role: Role,
    unit: Unit,
    district_communes: list[str],
    seat: str,
    ethnicities: Mapping[str, float],
) -> Person:
    gender = "F" if rng.random() < role.female else "M"
    ethnicity = _pick(rng, ethnicities)
    lo, hi = role.age
    if rng.random() < 0.05 and role.profile not in ("contract",):  # close to retirement
        lo, hi = (58, 61) if gender == "M" else (54, 56)
    hi = min(hi, 61 if gender == "M" else 56)
    lo = min(lo, hi)
    birth = _birth_date(rng, lo, hi, gender)
    profile = role.profile
    education = _pick(rng, EDUCATION_BY_PROFILE[profile])
    if role.family == "quan_su" and education == "none":
        education = "trung_cap"
    field_code: str | None = _pick(rng, FIELDS_BY_FAMILY[role.fields]) if education != "none" else None
    field_label = rng.choice(FIELD_LABELS[field_code]) if field_code else ""
    political = _pick(rng, POLITICAL_BY_PROFILE[profile])
    state = _pick(rng, STATE_BY_PROFILE[profile])
    first_job_age = rng.uniform(21.5, 27 if education != "none" else 24)
    start = birth + timedelta(days=int(first_job_age * 365.25))
    start = date(start.year, start.month, 1)
    if start > date(2025, 5, 1):
        start = date(2025, rng.randint(1, 5), 1)
    if profile in ("key", "head") and start > date(2019, 1, 1):
        start = date(2019 - rng.randint(0, 8), rng.randint(1, 12), 1)
    party = rng.random() < role.party
    party_since = None
    if party:
        earliest = max(start, birth + timedelta(days=int(19 * 365.25)))
        party_since = earliest + timedelta(days=rng.randint(200, 2500))
        if party_since > AS_OF - timedelta(days=60):
            party_since = AS_OF - timedelta(days=rng.randint(60, 400))
    base = _pick(rng, BASE_RATING)
    if profile in ("key", "head") and base == "khong_hoan_thanh":
        base = "hoan_thanh"
    ratings = _ratings(rng, start, base)

    discipline, until = "", None
    if rng.random() < 0.014 and profile != "contract":
        discipline = "Khiển trách" if rng.random() < 0.7 else "Cảnh cáo"
        if rng.random() < 0.6:
            until = date(2025, 7, 1) + timedelta(days=rng.randint(30, 330))
        else:
            until = date(2024, 1, 1) + timedelta(days=rng.randint(60, 500))
        until = date(until.year, until.month, 1)
        year = until.year - 1
        if year in ratings:
            ratings[year] = "khong_hoan_thanh"

    planned: tuple[str, ...] = ()
    age = (AS_OF - birth).days / 365.25
    if not discipline and age < 52:
        r = rng.random()
        if profile in ("key", "head") and r < 0.45:
            planned = ("key",)
        elif profile in ("deputy", "mass") and r < 0.4:
            planned = ("head",)
        elif profile == "staff" and r < 0.2:
            planned = ("head",) if rng.random() < 0.35 else ("deputy",)
    planned_labels = tuple(rng.choice(PLANNED_LABELS[level]) for level in planned)

    # where they live: mostly in a commune their unit feeds; district staff around the old seat
    if unit.kind == "old_commune":
        home = rng.choice(unit.feeds) if rng.random() < 0.85 else rng.choice(district_communes)
    else:
        home = seat if rng.random() < 0.4 else rng.choice(district_communes)
    preferences: tuple[str, ...] = ()
    if rng.random() < 0.5:
        pool = list(dict.fromkeys([home, *unit.feeds]))
        rng.shuffle(pool)
        if home in pool and rng.random() < 0.7:
            pool.remove(home)
            pool.insert(0, home)
        preferences = tuple(pool[: rng.choice((1, 1, 2, 2, 3))])

    return Person(
        id=_cccd(rng, birth, gender),
        name=_name(rng, ethnicity, gender),
        birth_date=birth,
        gender=gender,
        ethnicity=ethnicity,
        unit=unit.code,
        home_commune=home,
        category=role.category,
        current_title=role.title,
        job_family=role.family,
        education=education,
        field=field_code,
        field_label=field_label,
        political_theory=political,
        state_management=state,
        party_member=party,
        party_since=party_since,
        service_start=start,
        ratings=ratings,
        planned_for=planned,
        planned_labels=planned_labels,
        discipline=discipline,
        disciplined_until=until,
        preferences=preferences,
    )


# --- the set ------------------------------------------------------------------------------------


def read_units(merger_map_path: Path | str) -> tuple[list[Unit], dict[str, str]]:
    """The old units and new communes of a merger map written by `imports.public_map`."""
    wb = load_workbook(merger_map_path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [
            tuple("" if v is None else str(v).strip() for v in row) for row in ws.iter_rows(values_only=True)
        ]
    finally:
        wb.close()
    header_at = next(i for i, r in enumerate(rows) if "Mã xã mới" in r and "Mã đơn vị cũ" in r)
    col = {name: i for i, name in enumerate(rows[header_at])}
    feeds: dict[str, list[str]] = defaultdict(list)
    info: dict[str, tuple[str, str, str]] = {}
    communes: dict[str, str] = {}
    for r in rows[header_at + 1 :]:
        if not r or not r[col["Mã đơn vị cũ"]]:
            continue
        new_code, old_code = r[col["Mã xã mới"]], r[col["Mã đơn vị cũ"]]
        communes[new_code] = r[col["Tên xã mới"]]
        kind = "district_agency" if old_code.startswith("H") else "old_commune"
        info[old_code] = (r[col["Tên đơn vị cũ"]], r[col["Huyện cũ"]], kind)
        if new_code not in feeds[old_code]:
            feeds[old_code].append(new_code)
    district_codes = {name: code[1:] for code, (_, name, kind) in info.items() if kind == "district_agency"}
    units = [
        Unit(code, name, kind, district, district_codes.get(district, ""), tuple(sorted(feeds[code])))
        for code, (name, district, kind) in info.items()
    ]
    units.sort(key=lambda u: (u.district_code, u.kind == "district_agency", u.code))
    return units, dict(sorted(communes.items()))


def build_roster_set(merger_map_path: Path | str, seed: int = DEFAULT_SEED) -> RosterSet:
    """Every unit's people, drawn from a seeded generator (same seed, same people)."""
    units, communes = read_units(merger_map_path)
    by_district: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        by_district[unit.district].append(unit)
    people: dict[str, list[Person]] = {}
    for unit in units:
        rng = random.Random(f"{seed}/{unit.code}")
        siblings = by_district[unit.district]
        district_communes = sorted({c for u in siblings for c in u.feeds})
        town = next((u for u in siblings if u.name.startswith("Thị trấn")), None)
        seat = town.feeds[0] if town else district_communes[0]
        ethnicities = ETHNICITY_BY_DISTRICT.get(unit.district, ETHNICITY_DEFAULT)
        if unit.kind == "old_commune":
            roles = _commune_roles(unit, rng)
            while len(roles) > 26:
                roles.pop()
        else:
            roles = _district_roles(unit, rng)
        people[unit.code] = [
            _make_person(rng, role, unit, district_communes, seat, ethnicities) for role in roles
        ]

    roster = RosterSet(PROVINCE_CCCD[1:], units, communes, people)
    _make_unique(roster, seed)
    _add_relations(roster, seed, by_district)
    _add_duplicate(roster, seed, by_district)
    _add_retirement_overrides(roster, seed)
    return roster


def _make_unique(roster: RosterSet, seed: int) -> None:
    """Redraw any CCCD (or given name, for a name + birth date pair) that collides with an earlier one."""
    rng = random.Random(f"{seed}/unique")
    ids: set[str] = set()
    names: set[tuple[str, date]] = set()
    for unit in roster.units:
        for person in roster.people[unit.code]:
            while person.id in ids:
                person.id = _cccd(rng, person.birth_date, person.gender)
            while (person.name, person.birth_date) in names:  # another given name, same person otherwise
                given = GIVEN_F if person.gender == "F" else GIVEN_M
                person.name = person.name.rsplit(" ", 1)[0] + " " + rng.choice(given)
            ids.add(person.id)
            names.add((person.name, person.birth_date))


def _add_relations(roster: RosterSet, seed: int, by_district: dict[str, list[Unit]]) -> None:
    """A few spouse and sibling pairs per district, some across its units."""
    rng = random.Random(f"{seed}/relations")
    for district in sorted(by_district):
        pool = [p for u in by_district[district] for p in roster.people[u.code]]
        used: set[str] = set()
        wanted = max(2, len(by_district[district]) // 2)
        for _ in range(wanted * 20):
            if wanted <= 0:
                break
            a, b = rng.sample(pool, 2)
            if a.id in used or b.id in used:
                continue
            gap = abs((a.birth_date - b.birth_date).days) / 365.25
            if a.gender != b.gender and gap < 7 and rng.random() < 0.6:
                label = "Vợ" if a.gender == "M" else "Chồng"
                roster.relations.append(Relation(a.id, b.id, label, "spouse"))
            elif a.name.split()[0] == b.name.split()[0] and gap < 14:
                older = b.birth_date < a.birth_date
                label = ("Anh" if b.gender == "M" else "Chị") if older else "Em"
                roster.relations.append(Relation(a.id, b.id, label, "sibling"))
            else:
                continue
            used.update((a.id, b.id))
            wanted -= 1


def _add_duplicate(roster: RosterSet, seed: int, by_district: dict[str, list[Unit]]) -> None:
    """One civil servant transferred between two communes of a district, listed by both."""
    rng = random.Random(f"{seed}/duplicate")
    district = sorted(by_district)[len(by_district) // 2]
    communes = [u for u in by_district[district] if u.kind == "old_commune"]
    source, target = rng.sample(communes, 2)
    person = next(p for p in roster.people[source.code] if p.category == "cong_chuc" and not p.discipline)
    person.note = f"Đã điều động đến {target.name} từ 01/6/2025"
    copy = replace(person, unit=target.code, note=f"Điều động từ {source.name} từ 01/6/2025")
    roster.people[target.code].append(copy)
    roster.duplicate_id = person.id
    roster.duplicate_units = (source.code, target.code)


def _add_retirement_overrides(roster: RosterSet, seed: int) -> None:
    """A couple of people with an earlier retirement date (hard-area rules) than the statutory one."""
    rng = random.Random(f"{seed}/retirement")
    candidates = [
        p for u in roster.units for p in roster.people[u.code] if (AS_OF - p.birth_date).days > 50 * 365.25
    ]
    for person in rng.sample(candidates, min(3, len(candidates))):
        statutory = retirement_date(person.birth_date, person.gender)
        person.retirement_date = date(statutory.year - 2, statutory.month, 1)
        if person.retirement_date <= AS_OF:
            person.retirement_date = date(AS_OF.year + 1, AS_OF.month, 1)


# --- writing ------------------------------------------------------------------------------------


def ascii_name(text: str) -> str:
    """'Xã Bắc Xa' -> 'Xa Bac Xa' (file names)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9 .-]", "", text).strip()


@dataclass(frozen=True)
class FileStyle:
    """How one office happens to keep its roster."""

    excel_dates: bool
    cccd_numbers: bool
    short_ratings: bool
    party_style: str  # x | dang_vien | date
    home_as_code: bool
    nfd: bool
    stray_spaces: bool
    variant_headers: bool
    optional_columns: bool


COLUMNS = (
    # (canonical header, variant header, kind)
    ("STT", "TT", "stt"),
    ("Số CCCD", "Số căn cước công dân", "id"),
    ("Họ và tên", "Họ và tên", "name"),
    ("Ngày sinh", "Ngày tháng năm sinh", "birth_date"),
    ("Giới tính", "Giới tính", "gender"),
    ("Dân tộc", "Dân tộc", "ethnicity"),
    ("Nơi ở hiện nay", "Nơi ở hiện nay", "home"),
    ("Loại cán bộ", "Đối tượng", "category"),
    ("Chức vụ, chức danh", "Chức vụ", "title"),
    ("Trình độ chuyên môn", "Trình độ chuyên môn", "education"),
    ("Chuyên ngành", "Chuyên ngành đào tạo", "field"),
    ("Lý luận chính trị", "Trình độ LLCT", "political"),
    ("Quản lý nhà nước", "Trình độ QLNN", "state"),
    ("Đảng viên", "Đảng viên", "party"),
    ("Ngày bắt đầu công tác", "Ngày tuyển dụng", "start"),
    ("Xếp loại", "Xếp loại", "ratings"),
    ("Quy hoạch", "Chức danh quy hoạch", "planned"),
    ("Kỷ luật", "Hình thức kỷ luật", "discipline"),
    ("Kỷ luật đến ngày", "Thời hạn kỷ luật", "until"),
    ("Nguyện vọng", "Nguyện vọng công tác", "preferences"),
    ("Ngày nghỉ hưu", "Ngày nghỉ hưu", "retirement"),
    ("Ghi chú", "Ghi chú", "note"),
)
OPTIONAL = {"preferences", "retirement"}
RATING_YEARS = (2022, 2023, 2024)


def _style(rng: random.Random) -> FileStyle:
    return FileStyle(
        excel_dates=rng.random() < 0.4,
        cccd_numbers=rng.random() < 0.1,
        short_ratings=rng.random() < 0.15,
        party_style=rng.choices(("x", "dang_vien", "date"), weights=(70, 20, 10))[0],
        home_as_code=rng.random() < 0.06,
        nfd=rng.random() < 0.04,
        stray_spaces=rng.random() < 0.15,
        variant_headers=rng.random() < 0.2,
        optional_columns=rng.random() < 0.85,
    )


def _upper(text: str) -> str:
    return text.upper()


def _title_lines(unit: Unit) -> tuple[str, str, str, str]:
    """Issuing body (two lines), title and the 'attached to' line."""
    if unit.kind == "district_agency":
        city = unit.district.startswith("Thành phố")
        place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
        body = f"ỦY BAN NHÂN DÂN {_upper(unit.district)}"
        upper = f"{'THÀNH ỦY' if city else 'HUYỆN ỦY'} {_upper(place)}"
        title = "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG CÁC CƠ QUAN CẤP " + (
            "THÀNH PHỐ" if city else "HUYỆN"
        )
        sender = f"UBND {unit.district[0].lower()}{unit.district[1:]}"
        doc = "UBND-NV"
        return upper, body, title, f"(Kèm theo Công văn số {{n}}/{doc} ngày {{d}}/6/2025 của {sender})"
    body = f"ỦY BAN NHÂN DÂN {_upper(unit.name)}"
    upper = f"UBND {_upper(unit.district)}"
    title = f"DANH SÁCH CÁN BỘ, CÔNG CHỨC, NGƯỜI LAO ĐỘNG {_upper(unit.name)}"
    sender = f"UBND {unit.name[0].lower()}{unit.name[1:]}"
    return upper, body, title, f"(Kèm theo Công văn số {{n}}/UBND-VP ngày {{d}}/6/2025 của {sender})"


def _text(value: str, style: FileStyle) -> str:
    return unicodedata.normalize("NFD", value) if style.nfd else value


def write_roster(
    path: Path,
    unit: Unit,
    people: list[Person],
    relations: list[Relation],
    names: dict[str, str],
    communes: dict[str, str],
    seed: int,
) -> Path:
    """Write one unit's roster as its office would."""
    rng = random.Random(f"{seed}/file/{unit.code}")
    style = _style(rng)
    columns = [c for c in COLUMNS if style.optional_columns or c[2] not in OPTIONAL]
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": datetime(2025, 6, 20), "author": "staffing"})  # noqa: DTZ001 (stable bytes)
    try:
        f_base = {"font_name": "Times New Roman", "font_size": 11}
        bold_c = wb.add_format({**f_base, "bold": True, "align": "center"})
        ital_c = wb.add_format({**f_base, "italic": True, "align": "center"})
        head = wb.add_format(
            {**f_base, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        )
        cell = wb.add_format({**f_base, "border": 1})
        cell_c = wb.add_format({**f_base, "border": 1, "align": "center"})
        date_f = wb.add_format({**f_base, "border": 1, "align": "center", "num_format": "dd/mm/yyyy"})
        num_f = wb.add_format({**f_base, "border": 1, "num_format": "0"})
        plain_c = wb.add_format({**f_base, "align": "center"})

        ws = wb.add_worksheet("Danh sách")
        width = len(columns) + len(RATING_YEARS) - 1
        upper, body, title, attached = _title_lines(unit)
        left_end = 4
        ws.merge_range(0, 0, 0, left_end, upper, plain_c)
        ws.merge_range(1, 0, 1, left_end, body, bold_c)
        ws.merge_range(0, left_end + 3, 0, width - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_c)
        ws.merge_range(1, left_end + 3, 1, width - 1, "Độc lập - Tự do - Hạnh phúc", bold_c)
        ws.merge_range(3, 0, 3, width - 1, title, bold_c)
        ws.merge_range(
            4, 0, 4, width - 1, attached.format(n=rng.randint(40, 420), d=rng.randint(10, 25)), ital_c
        )

        top = 6
        col = 0
        positions: dict[str, int] = {}
        for canonical, variant, kind in columns:
            label = variant if style.variant_headers else canonical
            if kind == "ratings":
                ws.merge_range(top, col, top, col + len(RATING_YEARS) - 1, label, head)
                for i, year in enumerate(RATING_YEARS):
                    ws.write_string(top + 1, col + i, str(year), head)
                positions[kind] = col
                col += len(RATING_YEARS)
            else:
                ws.merge_range(top, col, top + 1, col, label, head)
                positions[kind] = col
                col += 1
        ws.set_row(top, 30)
        widths = {
            "stt": 5,
            "id": 15,
            "name": 24,
            "title": 34,
            "field": 22,
            "home": 18,
            "preferences": 24,
            "note": 24,
            "category": 14,
        }
        for kind, c in positions.items():
            ws.set_column(c, c + (len(RATING_YEARS) - 1 if kind == "ratings" else 0), widths.get(kind, 12))
        ws.freeze_panes(top + 2, 3)

        def put_date(r: int, c: int, value: date | None) -> None:
            if value is None:
                ws.write_blank(r, c, None, cell_c)
            elif style.excel_dates:
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_f)  # noqa: DTZ001
            else:
                ws.write_string(r, c, value.strftime("%d/%m/%Y"), cell_c)

        def commune_label(code: str) -> str:
            return code if style.home_as_code else communes.get(code, code)

        row = top + 2
        for i, p in enumerate(people, start=1):
            values: dict[str, Any] = {
                "stt": i,
                "name": _text(p.name, style),
                "gender": "Nữ" if p.gender == "F" else "Nam",
                "ethnicity": p.ethnicity,
                "home": commune_label(p.home_commune),
                "category": CATEGORY_LABELS[p.category],
                "title": _text(p.current_title, style),
                "education": EDUCATION_LABELS[p.education],
                "field": p.field_label,
                "political": POLITICAL_LABELS[p.political_theory],
                "state": STATE_LABELS[p.state_management] or ("Cán sự" if rng.random() < 0.2 else ""),
                "planned": "; ".join(p.planned_labels),
                "discipline": p.discipline,
                "preferences": "; ".join(commune_label(c) for c in p.preferences),
                "note": p.note,
            }
            if p.political_theory == "cao_cap" and rng.random() < 0.2:
                values["political"] = "Cử nhân"
            if style.stray_spaces and rng.random() < 0.15:
                values["name"] = (
                    values["name"] + " " if rng.random() < 0.5 else values["name"].replace(" ", "  ", 1)
                )
            for kind, c in positions.items():
                if kind in ("birth_date", "start", "until", "retirement"):
                    value = {
                        "birth_date": p.birth_date,
                        "start": p.service_start,
                        "until": p.disciplined_until,
                        "retirement": p.retirement_date,
                    }[kind]
                    put_date(row, c, value)
                elif kind == "id":
                    if style.cccd_numbers:
                        ws.write_number(row, c, int(p.id), num_f)
                    else:
                        ws.write_string(row, c, p.id, cell)
                elif kind == "party":
                    if not p.party_member:
                        ws.write_blank(row, c, None, cell_c)
                    elif style.party_style == "date" and p.party_since:
                        put_date(row, c, p.party_since)
                    else:
                        ws.write_string(row, c, "x" if style.party_style == "x" else "Đảng viên", cell_c)
                elif kind == "ratings":
                    for j, year in enumerate(RATING_YEARS):
                        rating = p.ratings.get(year)
                        text = (
                            (RATING_SHORT if style.short_ratings else RATING_LABELS)[rating] if rating else ""
                        )
                        ws.write_string(row, c + j, text, cell) if text else ws.write_blank(
                            row, c + j, None, cell
                        )
                elif kind == "stt":
                    ws.write_number(row, c, values["stt"], cell_c)
                else:
                    text = values[kind]
                    ws.write_string(row, c, text, cell) if text else ws.write_blank(row, c, None, cell)
            row += 1

        # the signature block, as printed at the bottom of the list; the place and date share the
        # row of "Người lập biểu", as on many printed forms
        place = unit.district.removeprefix("Thành phố ").removeprefix("Huyện ")
        row += 1
        right = max(width - 5, 6)
        ws.merge_range(row, 1, row, 3, "Người lập biểu", bold_c)
        ws.merge_range(
            row, right, row, width - 1, f"{place}, ngày {rng.randint(15, 28)} tháng 6 năm 2025", ital_c
        )
        row += 1
        ws.merge_range(row, 1, row, 3, "(Ký, ghi rõ họ tên)", ital_c)
        ws.merge_range(row, right, row, width - 1, "THỦ TRƯỞNG ĐƠN VỊ", bold_c)
        row += 1
        ws.merge_range(row, right, row, width - 1, "(Ký tên, đóng dấu)", ital_c)
        row += 4
        clerk = next(
            (p for p in people if "Văn phòng" in p.current_title or "văn thư" in p.current_title.lower()),
            people[-1],
        )
        boss = next((p for p in people if "Chủ tịch UBND" in p.current_title), people[0])
        ws.merge_range(row, 1, row, 3, clerk.name, bold_c)
        ws.merge_range(row, right, row, width - 1, boss.name, bold_c)

        if relations:
            rs = wb.add_worksheet("Quan hệ gia đình")
            headers = (
                "STT",
                "Số CCCD",
                "Họ và tên",
                "Số CCCD người thân",
                "Họ tên người thân",
                "Quan hệ",
                "Ghi chú",
            )
            rs.write_row(0, 0, headers, head)
            rs.set_column(0, 0, 5)
            rs.set_column(1, 6, 22)
            for i, rel in enumerate(relations, start=1):
                rs.write_number(i, 0, i, cell_c)
                rs.write_string(i, 1, rel.a, cell)
                rs.write_string(i, 2, names[rel.a], cell)
                rs.write_string(i, 3, rel.b, cell)
                rs.write_string(i, 4, names[rel.b], cell)
                rs.write_string(i, 5, rel.label, cell)
                rs.write_string(i, 6, "", cell)
    finally:
        wb.close()
    return path


def generate_rosters(
    merger_map_path: Path | str, out_dir: Path | str, seed: int = DEFAULT_SEED
) -> list[Path]:
    """Write one roster .xlsx per old unit of the merger map into out_dir; same seed, same files."""
    roster = build_roster_set(merger_map_path, seed)
    return write_roster_set(roster, out_dir, seed)


def write_roster_set(roster: RosterSet, out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every unit's roster of a generated set."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = {p.id: p.name for people in roster.people.values() for p in people}
    unit_of = {p.id: code for code, people in roster.people.items() for p in people}
    rel_by_unit: dict[str, list[Relation]] = defaultdict(list)
    for rel in roster.relations:
        rel_by_unit[unit_of[rel.a]].append(rel)
    paths = []
    for unit in roster.units:
        path = out / unit.file_name
        write_roster(
            path, unit, roster.people[unit.code], rel_by_unit.get(unit.code, []), names, roster.communes, seed
        )
        paths.append(path)
    logger.info("wrote %d rosters (%d people) to %s", len(paths), roster.total, out)
    return paths
