"""The command line (exit codes 0/1/2 on real files), reasons in both languages, counterfactuals."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from solver_builders import REPO, SAMPLE

from solver import SolveOptions, load_problem, plan_to_dict, solve
from solver.cli import main
from solver.explain import candidates, matching_audit, old_level, runner_up
from solver.reasons import CATALOGUE, render


@pytest.fixture(scope="module")
def sample_plan() -> tuple[Any, Any]:
    problem = load_problem(json.loads(SAMPLE.read_text(encoding="utf-8")))
    return problem, solve(problem, SolveOptions(time_limit=4, workers=1))


def test_cli_solves_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan.json"
    code = main(
        [
            "solve",
            "--problem",
            str(SAMPLE),
            "--out",
            str(out),
            "--time-limit",
            "4",
            "--workers",
            "1",
            "--quiet",
        ]
    )
    assert code == 0
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["format"] == "staffing-plan/1"
    assert plan["status"] in ("OPTIMAL", "FEASIBLE")
    assert plan["stats"]["optimal_for"][:2] == [1, 2]
    assert "placed" in capsys.readouterr().err


def test_cli_invalid_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = json.loads(SAMPLE.read_text(encoding="utf-8"))
    d["positions"][3]["requirements"][2]["min"] = "bachelor"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d), encoding="utf-8")
    assert main(["solve", "--problem", str(bad), "--out", str(tmp_path / "p.json")]) == 1
    err = capsys.readouterr().err
    assert "positions[3].requirements[2].min" in err
    assert "bachelor" in err
    assert not (tmp_path / "p.json").exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["solve", "--problem", str(broken), "--out", str(tmp_path / "p.json")]) == 1


def test_cli_infeasible_writes_the_reason(tmp_path: Path) -> None:
    d = json.loads(SAMPLE.read_text(encoding="utf-8"))
    weak = next(p for p in d["people"] if p["education"] == "trung_cap" and p["unit"] == "06613")
    d["locks"] = [{"person": weak["id"], "position": "06613/DANG/BT"}]
    path = tmp_path / "infeasible.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "plan.json"
    # as a user runs it: python -m solver
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "solver",
            "solve",
            "--problem",
            str(path),
            "--out",
            str(out),
            "--time-limit",
            "5",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "INFEASIBLE"
    assert plan["infeasible"]["locks"] == [{"person": weak["id"], "position": "06613/DANG/BT"}]
    assert "education" in plan["infeasible"]["why"][0]


def test_every_code_renders_in_both_languages() -> None:
    params = {
        "job_family": "dia_chinh",
        "value": "xuat_sac",
        "level": "head",
        "rank": 1,
        "commune": "06613",
        "commune_name": "Xã Đình Lập",
        "unit": "06622",
        "unit_name": "Xã Bính Xá",
        "name": "Hoàng Văn Long",
        "title": "Trưởng phòng",
        "position": "06613/UBND/KT/1",
        "quota": 74,
        "cap": "deputies",
        "max": 6,
        "kind": "spouse",
        "years": 3.5,
        "band": "2-5",
        "count": 2,
        "feeds": ["06613", "06625"],
        "requirement": {"attr": "political_theory", "min": "cao_cap", "value": "trung_cap"},
        "requirements": [{"attr": "education", "min": "dai_hoc"}],
        "failure": {"attr": "education", "min": "dai_hoc"},
        "other_name": "Lê Thị Hoa",
        "text": "x",
        "person": "1",
    }
    for code in CATALOGUE:
        for lang in ("en", "vi"):
            text = render({"code": code, "params": params}, lang)
            assert "{" not in text, (code, lang, text)
    assert (
        render({"code": "continuity", "params": {"job_family": "dia_chinh"}})
        == "Giữ cùng lĩnh vực công tác (địa chính)"
    )
    assert (
        render(
            {
                "code": "nobody_meets",
                "params": {"requirement": {"attr": "political_theory", "min": "cao_cap"}},
            },
            "en",
        )
        == "no person in feeds meets political_theory >= cao_cap"
    )
    assert "3,5 năm" in render({"code": "early_retirement", "params": {"years": 3.5}})


def test_sample_plan_reads_well(sample_plan: tuple[Any, Any]) -> None:
    _problem, plan = sample_plan
    d = plan_to_dict(plan)
    codes = {
        r["code"] for item in d["assignments"] + d["unplaced"] + d["shortfalls"] for r in item["reasons"]
    }
    assert codes <= set(CATALOGUE)
    assert {"continuity", "no_seat"} <= codes
    eligible = [u for u in d["unplaced"] if u["early_retirement"]["eligible"]]
    for u in eligible:
        assert any(r["code"] == "early_retirement" for r in u["reasons"])
        assert 0 < u["early_retirement"]["years_to_retirement"] <= 10


def test_no_single_move_improves_priorities_1_2(sample_plan: tuple[Any, Any]) -> None:
    problem, plan = sample_plan
    for position in problem.positions[::7]:
        for c in candidates(problem, plan, position.id, limit=50):
            assert (*c.delta.shortfall, -c.delta.placed) >= (0, 0, 0, 0, 0)
    best = runner_up(problem, plan, "06613/DANG/BT")
    assert best is not None
    assert best.person not in {a.person for a in plan.assignments if a.position == "06613/DANG/BT"}


def test_candidates_are_legal(sample_plan: tuple[Any, Any]) -> None:
    from solver.check import check_assignments

    problem, plan = sample_plan
    for c in candidates(problem, plan, "06616/UBND/VHXH/1", limit=5):
        moved = dict(plan.mapping())
        if c.displaces:
            del moved[c.displaces]
            if c.delta.swap and c.current:
                moved[c.displaces] = c.current
        moved[c.person] = "06616/UBND/VHXH/1"
        assert check_assignments(problem, moved) == []


def test_matching_audit(sample_plan: tuple[Any, Any]) -> None:
    problem, plan = sample_plan
    audit = matching_audit(problem, plan)
    assert audit.stats["below_level"] == len(audit.below_level)
    for row in audit.below_level:
        assert row["old_level"] in ("key", "head", "deputy")
    for pair in audit.blocking_pairs:
        assert pair["commune"] in problem.person_by_id[pair["person"]].preferences
    person = copy.copy(problem.people[0])
    assert old_level(person) == "key"  # "Bí thư Đảng ủy"
