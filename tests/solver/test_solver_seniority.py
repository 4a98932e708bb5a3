"""The seniority term: a former leader is not placed below their old level when an equal choice exists."""

from __future__ import annotations

import solver


def _problem(weights: dict[str, float]) -> dict:
    person = {
        "birth_date": "1980-01-01",
        "gender": "M",
        "unit": "U1",
        "category": "cong_chuc",
        "education": "dai_hoc",
        "field": "luat",
        "political_theory": "trung_cap",
        "party_member": True,
        "job_family": "noi_vu",
        "ratings": [{"year": 2024, "value": "tot"}],
        "planned_for": ["head"],
    }
    return {
        "format": "staffing-problem/1",
        "province": {"code": "20", "name": "Lạng Sơn"},
        "as_of": "2025-07-01",
        "units": [
            {"code": "U1", "name": "Xã Cũ", "kind": "old_commune", "district": "Huyện X", "feeds": ["C1"]}
        ],
        "communes": [
            {"code": "C1", "name": "Xã Mới", "kind": "xa", "payroll_quota": None, "merged_from": ["U1"]}
        ],
        "positions": [
            {
                "id": "C1/VHXH/1",
                "commune": "C1",
                "block": "ubnd",
                "department": "Phòng Văn hóa - Xã hội",
                "title": "Trưởng phòng",
                "level": "head",
                "job_family": "noi_vu",
                "min": 1,
                "max": 1,
                "requirements": [],
            },
            {
                "id": "C1/VHXH/3",
                "commune": "C1",
                "block": "ubnd",
                "department": "Phòng Văn hóa - Xã hội",
                "title": "Công chức Nội vụ",
                "level": "staff",
                "job_family": "noi_vu",
                "min": 1,
                "max": 1,
                "requirements": [],
            },
        ],
        "people": [
            {**person, "id": "A", "name": "Người Thứ Nhất", "current_title": "Chuyên viên Phòng Nội vụ"},
            {**person, "id": "B", "name": "Người Thứ Hai", "current_title": "Trưởng phòng Nội vụ"},
        ],
        "relations": [],
        "locks": [],
        "forbidden": [],
        "previous_plan": {},
        "weights": weights,
    }


def test_former_head_keeps_a_head_seat():
    plan = solver.plan_to_dict(
        solver.solve(solver.load_problem(_problem({})), solver.SolveOptions(time_limit=10))
    )
    seats = {a["person"]: a["position"] for a in plan["assignments"]}
    assert seats == {"B": "C1/VHXH/1", "A": "C1/VHXH/3"}
    head = next(a for a in plan["assignments"] if a["person"] == "B")
    assert {"code": "level_kept", "params": {"level": "head"}} in head["reasons"]


def test_seniority_weight_is_documented_and_can_be_switched_off():
    import solver.weights as weights

    assert weights.Weights().seniority > 0 and "``seniority``" in (weights.__doc__ or "")
    with_off = solver.plan_to_dict(
        solver.solve(solver.load_problem(_problem({"seniority": 0})), solver.SolveOptions(time_limit=10))
    )
    assert with_off["stats"]["placed"] == 2
