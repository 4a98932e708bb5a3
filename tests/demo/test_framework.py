"""The committed staffing framework of the demo province and its quota rule."""

from __future__ import annotations

from collections import defaultdict

import pytest

from imports.framework import read_framework
from imports.merger_map import read_merger_map
from staffing.demo_data import DEMO_DIR, FRAMEWORK_FILE, MERGER_MAP_FILE, DemoFiles
from staffing.demo_data.build_public import QUOTA_FACTOR, compute_quotas, load_template, scaled_staff
from staffing.demo_data.rosters import RosterSet


@pytest.fixture(scope="module")
def framework(demo: DemoFiles):
    merger = read_merger_map(DEMO_DIR / MERGER_MAP_FILE, MERGER_MAP_FILE)
    communes = {r.new_name: r.new_code for r in merger.records}
    result = read_framework(DEMO_DIR / FRAMEWORK_FILE, FRAMEWORK_FILE, communes)
    assert result.errors == ()
    return result.records[0], merger.records


def test_template_has_the_51_positions_of_the_sample_for_xa_and_phuong(framework):
    fw, _ = framework
    by_kind = defaultdict(list)
    for p in fw.positions:
        by_kind[p.applies_to].append(p)
    assert len(by_kind["xa"]) == 51
    assert len(by_kind["phuong"]) == 51
    economic = {p.department for p in by_kind["phuong"] if p.code.startswith("UBND/KT/")}
    assert economic == {"Phòng Kinh tế, Hạ tầng và Đô thị"}
    assert {p.department for p in by_kind["xa"] if p.code.startswith("UBND/KT/")} == {"Phòng Kinh tế"}
    template = {p["code"]: p for p in load_template()["positions"]}
    for p in by_kind["xa"]:
        wanted = [(r.get("attr", None), r.get("rule")) for r in template[p.code]["requirements"]]
        assert [(r.attr, r.value if r.op == "rule" else None) for r in p.requirements] == wanted
    assert [(c.applies_to, c.position_codes, c.max) for c in fw.caps] == [
        ("all", ("UBND/VP/2", "UBND/KT/2", "UBND/VHXH/2"), 6)
    ]


def test_every_commune_has_quotas_and_enough_seats(framework):
    fw, links = framework
    codes = {r.new_code for r in links}
    quotas = {q.commune_code: q for q in fw.quotas}
    assert set(quotas) == codes
    assert len(codes) == 65
    kind = {r.new_code: r.new_kind for r in links}
    for code, q in quotas.items():
        assert q.payroll_quota is not None
        assert q.target_quota is not None
        assert q.target_quota < q.payroll_quota
        seats = {p.code: p for p in fw.positions if p.applies_to == kind[code]}
        seats.update({p.code: p for p in fw.positions if p.applies_to == code})
        assert len(seats) == 51
        assert sum(p.max for p in seats.values()) >= q.payroll_quota  # the quota binds, not the seats


def test_quotas_follow_the_people_who_feed_each_commune(roster_set: RosterSet, framework):
    _, links = framework
    quotas = compute_quotas(roster_set, {r.new_code: r.new_kind for r in links})
    lo, hi = QUOTA_FACTOR
    for q in quotas:
        assert lo * q.feed - 1 <= q.payroll <= hi * q.feed + 1
    short = [q for q in quotas if q.payroll > q.feed]
    surplus = [q for q in quotas if q.payroll < q.feed]
    assert short
    assert surplus
    total = sum(q.payroll for q in quotas)
    assert 0.9 * roster_set.total <= total < roster_set.total  # a few people stay unplaced
    assert abs(sum(q.feed for q in quotas) - roster_set.total) < 1


def test_staff_positions_scale_with_the_quota():
    template = load_template()
    small, large = scaled_staff(template, 50), scaled_staff(template, 140)
    assert sum(v[1] for v in large.values()) > sum(v[1] for v in small.values())
    assert all(lo <= hi for lo, hi in small.values())
