"""Vocabularies, header matching and cell parsers."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from imports.cells import parse_cccd, parse_date
from imports.columns import ROSTER, rating_year
from imports.text import clean, fold
from imports.vocab import (
    EDUCATION,
    POLITICAL_THEORY,
    RATING,
    STATE_MANAGEMENT,
    field_code,
    job_family,
    planned_level,
)

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "spec" / "sample-problem.json"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Họ và tên", "name"),
        ("Ho va ten", "name"),
        ("HỌ TÊN", "name"),
        ("Họ  tên\n", "name"),
        (unicodedata.normalize("NFD", "Họ và tên"), "name"),
        ("Ngày, tháng, năm sinh", "birth_date"),
        ("Ngay sinh", "birth_date"),
        ("Trình độ LLCT", "political_theory"),
        ("LLCT", "political_theory"),
        ("Lý luận chính trị", "political_theory"),
        ("Số CCCD/CMND", "cccd"),
        ("Đảng viên", "party_member"),
        ("QLNN", "state_management"),
    ],
)
def test_header_aliases(header: str, key: str) -> None:
    assert ROSTER.index()[fold(header)] == key


def test_rating_headers_carry_their_year() -> None:
    assert rating_year(fold("Xếp loại 2023")) == 2023
    assert rating_year(fold("Xếp loại năm 2022")) == 2022
    assert rating_year(fold("Đánh giá, xếp loại năm 2024")) == 2024
    assert rating_year("2024") == 2024
    assert rating_year(fold("Xếp loại")) is None


def test_cu_nhan_means_cao_cap_in_political_theory_and_dai_hoc_in_education() -> None:
    assert POLITICAL_THEORY.lookup("Cử nhân") == "cao_cap"
    assert POLITICAL_THEORY.lookup("Cao cấp lý luận chính trị") == "cao_cap"
    assert POLITICAL_THEORY.lookup("cu nhan chinh tri") == "cao_cap"
    assert EDUCATION.lookup("Cử nhân") == "dai_hoc"
    assert EDUCATION.lookup_prefix("Thạc sĩ Quản lý công") == ("thac_si", "quan ly cong")
    assert EDUCATION.lookup("Sơ cấp") == "none"
    assert STATE_MANAGEMENT.lookup("Chuyên viên chính") == "chuyen_vien_chinh"
    assert STATE_MANAGEMENT.lookup("Cán sự") == "none"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("HTXSNV", "xuat_sac"),
        ("httnv", "tot"),
        ("Hoàn thành nhiệm vụ", "hoan_thanh"),
        ("KHTNV", "khong_hoan_thanh"),
        ("Hoàn thành xuất sắc nhiệm vụ", "xuat_sac"),
    ],
)
def test_ratings(label: str, code: str) -> None:
    assert RATING.lookup(label) == code


def test_job_family_matches_the_sample_problem() -> None:
    people = json.loads(SAMPLE.read_text(encoding="utf-8"))["people"]
    pairs = {(p["current_title"], p["job_family"]) for p in people if p.get("current_title")}
    ambiguous = {"Công chức Văn hóa - Xã hội"}  # the sample files it under both van_hoa and xa_hoi
    wrong = [(t, f, job_family(t)) for t, f in pairs if t not in ambiguous and job_family(t) != f]
    assert wrong == []
    assert job_family("Công chức Văn hóa - Xã hội") in {"van_hoa", "xa_hoi"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Quản lý đất đai", "quan_ly_dat_dai"),
        ("Luật kinh tế", "luat"),
        ("Kế toán doanh nghiệp", "tai_chinh_ke_toan"),
        ("Xây dựng Đảng và chính quyền nhà nước", "xay_dung_dang"),
        ("Công nghệ thông tin", "cong_nghe_thong_tin"),
        ("Sư phạm Toán", "su_pham"),
        ("Hành chính học", "hanh_chinh"),
        ("Chăn nuôi thú y", "nong_nghiep"),
        ("quan_ly_dat_dai", "quan_ly_dat_dai"),
        ("Thiên văn học", None),
    ],
)
def test_field_codes(text: str, code: str | None) -> None:
    assert field_code(text) == code


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Bí thư Đảng ủy", "key"),
        ("Phó Bí thư Đảng ủy", "key"),
        ("Chủ tịch UBND", "key"),
        ("Phó Chủ tịch HĐND", "key"),
        ("Trưởng phòng", "head"),
        ("Phó Trưởng phòng", "deputy"),
        ("Chủ tịch Ủy ban MTTQ", "head"),
        ("Bí thư Đoàn TNCS Hồ Chí Minh", "head"),
        ("Chánh Văn phòng", "head"),
        ("Chủ chốt", "key"),
        ("Chuyên viên", None),
    ],
)
def test_planned_levels(title: str, level: str | None) -> None:
    assert planned_level(title) == level


@pytest.mark.parametrize(
    ("text", "value", "warns"),
    [
        ("12/04/1976", date(1976, 4, 12), False),
        ("1/2/1980", date(1980, 2, 1), False),
        ("12-4-1976", date(1976, 4, 12), False),
        ("12.04.1976", date(1976, 4, 12), False),
        ("1976-04-12", date(1976, 4, 12), False),
        ("1976-04-12 00:00:00", date(1976, 4, 12), False),
        ("27862", date(1976, 4, 12), False),
        ("27862.5", date(1976, 4, 12), False),
        ("1976", date(1976, 1, 1), True),
        ("04/1976", date(1976, 4, 1), True),
        ("ngày 12 tháng 4 năm 1976", date(1976, 4, 12), False),
    ],
)
def test_dates(text: str, value: date, warns: bool) -> None:
    parsed = parse_date(text)
    assert parsed.value == value
    assert parsed.error is None
    assert bool(parsed.warning) == warns


@pytest.mark.parametrize("text", ["31/02/1980", "12/04/76", "12/13/1980", "hôm qua", "1976-13-01"])
def test_bad_dates_are_errors(text: str) -> None:
    parsed = parse_date(text)
    assert parsed.value is None
    assert parsed.error


def test_cccd() -> None:
    assert parse_cccd("020175001234").value == "020175001234"
    assert parse_cccd("'020175001234").value == "020175001234"
    assert parse_cccd("020 175 001 234").value == "020175001234"
    restored = parse_cccd("20175001234")
    assert restored.value == "020175001234"
    assert restored.warning
    assert parse_cccd("2.01750012E+11").error
    assert parse_cccd("123456789").error  # an old 9-digit CMND
    assert parse_cccd("0201750012345").error


def test_clean_keeps_case_and_diacritics() -> None:
    assert clean(unicodedata.normalize("NFD", "  NGUYỄN\u00a0 Thị\u200b  Hoa ")) == "NGUYỄN Thị Hoa"
