"""The seeded synthetic rosters: deterministic, realistic sizes and identities, readable by the importers."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook

from imports.merger_map import read_merger_map
from imports.roster import read_roster
from staffing.demo_data import PROVINCE, DemoFiles
from staffing.demo_data.files import write_roster
from staffing.demo_data.rosters import AS_OF, RosterSet, build_roster_set, retirement_date

pytest.importorskip("xlsxwriter")


def test_same_seed_gives_the_same_people(merger_map_path, roster_set: RosterSet):
    again = build_roster_set(merger_map_path)
    assert again.people == roster_set.people
    assert again.relations == roster_set.relations
    assert again.duplicate_id == roster_set.duplicate_id
    other = build_roster_set(merger_map_path, seed=1)
    assert other.people != roster_set.people


def test_same_seed_gives_byte_identical_files(demo: DemoFiles, roster_set: RosterSet, tmp_path):
    names = {p.id: p.name for people in roster_set.people.values() for p in people}
    for unit in roster_set.units[:3]:
        fresh = write_roster(
            tmp_path / unit.file_name,
            unit,
            roster_set.people[unit.code],
            [r for r in roster_set.relations if r.a in {p.id for p in roster_set.people[unit.code]}],
            names,
            roster_set.communes,
            20250701,
        )
        digest = hashlib.sha256(fresh.read_bytes()).hexdigest()
        assert digest == hashlib.sha256(demo.rosters[unit.code].read_bytes()).hexdigest()


def test_one_roster_per_old_unit_with_realistic_sizes(demo: DemoFiles, roster_set: RosterSet):
    sizes = roster_set.unit_sizes()
    communes = {c: n for c, n in sizes.items() if not c.startswith("H")}
    agencies = {c: n for c, n in sizes.items() if c.startswith("H")}
    assert len(communes) == 194
    assert len(agencies) == 11
    assert set(demo.rosters) == set(sizes)
    assert all(18 <= n <= 27 for n in communes.values())  # 27: the commune that received a transfer
    assert all(80 <= n <= 110 for n in agencies.values())
    assert 5000 <= roster_set.total <= 5400
    assert demo.rosters["06619"].name == "06619 - Xa Bac Xa.xlsx"


def test_cccds_mirror_the_real_structure_and_are_unique_but_for_one_transfer(roster_set: RosterSet):
    people = [p for ps in roster_set.people.values() for p in ps]
    for p in people:
        assert re.fullmatch(r"020\d{9}", p.id)
        century = 0 if p.birth_date.year < 2000 else 2
        assert p.id[3] == str(century + (p.gender == "F"))
        assert p.id[4:6] == f"{p.birth_date.year % 100:02d}"
    counts = Counter(p.id for p in people)
    assert [i for i, n in counts.items() if n > 1] == [roster_set.duplicate_id]
    assert counts[roster_set.duplicate_id] == 2
    source, target = roster_set.duplicate_units
    assert {p.unit for p in people if p.id == roster_set.duplicate_id} == {source, target}


def test_attribute_distributions_look_like_the_sample(roster_set: RosterSet):
    people = [p for ps in roster_set.people.values() for p in ps]
    n = len(people)
    ages = [(AS_OF - p.birth_date).days / 365.25 for p in people]
    assert min(ages) >= 23.5
    assert max(ages) < 62
    assert all(retirement_date(p.birth_date, p.gender) > AS_OF for p in people)
    ethnic = Counter(p.ethnicity for p in people)
    assert [e for e, _ in ethnic.most_common(3)] == ["Nùng", "Tày", "Kinh"]
    assert {"Dao", "Sán Chay", "Hoa", "Mông"} <= set(ethnic)
    assert 0.3 <= sum(p.gender == "F" for p in people) / n <= 0.5
    assert 0.8 <= sum(p.party_member for p in people) / n <= 0.95
    assert 0.6 <= sum(p.education == "dai_hoc" for p in people) / n <= 0.8
    assert 0.005 <= sum(bool(p.discipline) for p in people) / n <= 0.03
    assert 0.15 <= sum(bool(p.planned_for) for p in people) / n <= 0.35
    assert 0.3 <= sum(bool(p.preferences) for p in people) / n <= 0.7
    near = sum(retirement_date(p.birth_date, p.gender) < date(2027, 7, 1) for p in people)
    assert near > 50  # some are close to retirement


def test_relations_include_pairs_across_units_of_one_district(roster_set: RosterSet):
    unit_of = {p.id: p.unit for ps in roster_set.people.values() for p in ps}
    kinds = Counter(r.kind for r in roster_set.relations)
    assert kinds["spouse"] > 10
    assert kinds["sibling"] > 5
    assert any(unit_of[r.a] != unit_of[r.b] for r in roster_set.relations)


def test_files_look_like_an_office_roster(demo: DemoFiles):
    ws = load_workbook(demo.rosters["06619"], read_only=True)["Danh sách"]
    rows = [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]
    rows = [row for row in rows if row]
    texts = [" ".join(str(v) for v in row) for row in rows]
    assert texts[1].startswith("ỦY BAN NHÂN DÂN XÃ BẮC XA")
    assert any(t.startswith("DANH SÁCH CÁN BỘ, CÔNG CHỨC, NGƯỜI LAO ĐỘNG") for t in texts)
    assert any("Xếp loại" in t for t in texts)
    assert ["2022", "2023", "2024"] in rows
    assert any("Người lập biểu" in t for t in texts[-6:])
    assert any("THỦ TRƯỞNG ĐƠN VỊ" in t for t in texts[-6:])


def test_every_generated_file_reads_back_with_zero_errors(demo: DemoFiles, roster_set: RosterSet):
    merger = read_merger_map(demo.merger_map, demo.merger_map.name)
    assert merger.errors == ()
    communes = {r.new_name: r.new_code for r in merger.records}
    seen: Counter[str] = Counter()
    relations = 0
    for unit in roster_set.units:
        path = demo.rosters[unit.code]
        result = read_roster(path, path.name, unit.code, communes, as_of=AS_OF)
        assert [e for e in result.errors if e.severity == "error"] == [], path.name
        expected = roster_set.people[unit.code]
        assert [r.id for r in result.records] == [p.id for p in expected]
        assert [r.birth_date for r in result.records] == [p.birth_date for p in expected]
        assert [r.home_commune for r in result.records] == [p.home_commune for p in expected]
        assert [r.education for r in result.records] == [
            p.education if p.education != "none" else r.education
            for r, p in zip(result.records, expected, strict=True)
        ]
        seen.update(r.id for r in result.records)
        relations += len(result.extra.get("relations", ()))
    assert sum(seen.values()) == roster_set.total
    assert [i for i, n in seen.items() if n > 1] == [roster_set.duplicate_id]  # for the duplicate detector
    assert relations == len(roster_set.relations)
    assert PROVINCE["code"] == "20"
