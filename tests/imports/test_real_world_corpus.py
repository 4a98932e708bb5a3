"""Issue 11: score the reader on the corpus of real-world rosters (tests/data/rosters-real-world).

Every expected value is one point: the number of people, each person found, each expected
field, each raw-record entry, each expected warning (row + message fragment), each row that
must not become a person. The test prints the score table and fails below 98 %.
Rebuild the corpus with `python tests/data/rosters-real-world/make_corpus.py`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from imports.roster import read_roster

CORPUS = Path(__file__).parent.parent / "data" / "rosters-real-world"
THRESHOLD = 0.98


def _expectations() -> list[Path]:
    return sorted(CORPUS.glob("*.expected.json"))


def score_file(expected_path: Path) -> tuple[int, int, list[str]]:
    """(right, total, what was wrong) for one roster of the corpus."""
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    path = CORPUS / expected["file"]
    result = read_roster(
        path, expected["file"], unit=expected["unit"], as_of=date.fromisoformat(expected["as_of"])
    )
    right = total = 0
    misses: list[str] = []

    def point(ok: bool, what: str) -> None:
        nonlocal right, total
        total += 1
        right += ok
        if not ok:
            misses.append(what)

    people = {p.name: p for p in result.records}
    point(
        len({p.id for p in result.records}) == expected["people_count"],
        f"people {len(people)} != {expected['people_count']}",
    )
    for want in expected["people"]:
        got = people.get(want["name"])
        point(got is not None, f"{want['name']} not found")
        item = got.to_problem_dict() if got is not None else {}
        for field, value in want["fields"].items():
            # fields outside the exchange format (the block) are read from the record itself
            got_value = item[field] if field in item else getattr(got, field, None)
            point(got_value == value, f"{want['name']}.{field}: {got_value!r} != {value!r}")
        for header, text in want.get("raw", []):
            point(
                got is not None and (header, text) in got.raw, f"{want['name']} raw {header}={text} missing"
            )
    for w in expected["warnings"]:
        found = any(
            e.severity == "warning" and e.row == w["row"] and w["contains"] in e.message
            for e in result.errors
        )
        point(found, f"no warning at row {w['row']} with '{w['contains']}'")
    rows_read = {p.source.row for p in result.records if p.source}
    for row in expected["not_people"]:
        point(row not in rows_read, f"row {row} read as a person")
    return right, total, misses


def test_real_world_corpus_scores_at_least_98_percent(capsys: pytest.CaptureFixture[str]) -> None:
    files = _expectations()
    assert len(files) >= 30, "the corpus must hold at least 30 rosters"
    lines = [f"{'file':48} {'right':>6} {'total':>6} {'score':>7}"]
    right_all = total_all = 0
    problems: list[str] = []
    for path in files:
        right, total, misses = score_file(path)
        right_all += right
        total_all += total
        name = path.name.removesuffix(".expected.json")
        lines.append(f"{name[:48]:48} {right:6d} {total:6d} {right / total:7.1%}")
        problems.extend(f"{name}: {m}" for m in misses)
    score = right_all / total_all
    lines.append(f"{'ALL (' + str(len(files)) + ' files)':48} {right_all:6d} {total_all:6d} {score:7.1%}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        if problems:
            print("misses:\n  " + "\n  ".join(problems))
    assert score >= THRESHOLD, f"corpus score {score:.1%} below {THRESHOLD:.0%}"
