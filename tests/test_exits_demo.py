"""A demo-like plan: one district of the Lạng Sơn demo imported through the real readers, solved by the real
solver; every person it leaves unplaced gets an exit path with an amount, or is surplus until a year, or
is told what blocks or what is missing; the pay data of the demo rosters makes most amounts computable."""

from __future__ import annotations

import pytest

from staffing.extensions import db
from staffing.models import Plan
from staffing.services import importing, loading, plans
from staffing.services.exits import load_exit_data
from staffing.services.roadmap import load_roadmap


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    from staffing.demo_data import demo_files as make

    return make(tmp_path_factory.mktemp("demo"))


def test_every_unplaced_person_of_a_demo_district_gets_an_exit(app, demo_files) -> None:
    from staffing.demo_data.rosters import build_roster_set

    province = loading.ensure_province("20", "Lạng Sơn")
    for kind, path in (("merger_map", demo_files.merger_map), ("framework", demo_files.framework)):
        assert importing.import_file(kind, path.read_bytes(), path.name, province, None).written
    db.session.commit()
    roster = build_roster_set(demo_files.merger_map)
    district = sorted({u.district_code for u in roster.units})[0]
    units = [u for u in roster.units if u.district_code == district]
    communes = sorted({c for u in units for c in u.feeds})
    for unit in units:
        path = demo_files.rosters[unit.code]
        outcome = importing.import_file(
            "roster", path.read_bytes(), path.name, province, None, unit_code=unit.code
        )
        assert outcome.written
        # pay data is read: missing pay cells are warnings, never rejections
        assert all(
            e["severity"] == "warning" for e in outcome.report.get("errors", []) if "lương" in e["message"]
        )
        db.session.commit()
    plan = plans.create_plan(province, "Demo", None, scope_communes=communes)
    db.session.commit()
    plans.run_solve_job(plan.id, 20, 1, None)
    plan = db.session.get(Plan, plan.id)
    data = load_exit_data(plan)
    unplaced = [a for a in plan.assignments if a.position_id is None]
    assert len(data.rows) == len(unplaced) > 0
    computed = 0
    for row in data.rows:
        r = row.result
        assert row.path is not None
        # an amount, or surplus until a year, or the reason it is not eligible, or what it lacks
        assert r.total is not None or r.surplus_until or r.reasons or r.missing, row.name
        if r.surplus_until is not None:
            assert 2025 <= r.surplus_until <= 2030 and f"Dôi dư đến năm {r.surplus_until}" in row.status_text
        computed += r.total is not None
    assert computed >= 0.8 * len(data.rows)
    assert sum(r.result.total or 0 for r in data.rows) > 0  # the budget is meaningful
    province_road, roads = load_roadmap(plan, data)
    assert province_road.payroll_today > 0 and len(roads) >= len(communes)
