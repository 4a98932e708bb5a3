"""Issue 11: a roster's shape does not change who is in it.

Shuffle the columns, spell the headers any known way, scatter blank rows and section rows
("I. CÁN BỘ", "A. Khối Đảng", "Tổng cộng: n người") through a valid roster: the reader finds
the same people with the same values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.columns import ROSTER
from imports.roster import read_roster
from tests.imports.import_helpers import make_xlsx

PEOPLE = [
    {
        "cccd": "020076001234",
        "name": "Hoàng Văn Long",
        "birth_date": "23/04/1976",
        "gender": "Nam",
        "category": "Công chức",
        "education": "Đại học",
        "political_theory": "Trung cấp",
        "state_management": "Chuyên viên",
        "rank": "01.003",
    },
    {
        "cccd": "020180004321",
        "name": "Lý Thị Mai",
        "birth_date": "03/02/1980",
        "gender": "Nữ",
        "category": "Cán bộ",
        "education": "Thạc sĩ",
        "political_theory": "Cao cấp",
        "state_management": "Chuyên viên chính",
        "rank": "Chuyên viên chính (01.002)",
    },
    {
        "cccd": "020190003003",
        "name": "Vi Thị Hồng",
        "birth_date": "17/12/1990",
        "gender": "Nữ",
        "category": "Không chuyên trách",
        "education": "Trung cấp",
        "political_theory": "Sơ cấp",
        "state_management": "",
        "rank": "",
    },
]
KEYS = list(PEOPLE[0])
FIELDS = (
    "id",
    "birth_date",
    "gender",
    "category",
    "education",
    "political_theory",
    "state_management",
    "rank",
)

# spellings of each header that mean only that field
SPELLINGS = {key: [ROSTER.by_key(key).header, *ROSTER.by_key(key).aliases] for key in KEYS}
SECTIONS = ["I. CÁN BỘ", "A. Khối Đảng", "B. Khối chính quyền", "II. CÔNG CHỨC", "Tổng cộng: 3 người"]


def expected() -> dict[str, dict[str, Any]]:
    rows = [[SPELLINGS[k][0] for k in KEYS]] + [[p[k] for k in KEYS] for p in PEOPLE]
    result = read_roster(make_xlsx(rows), "base.xlsx", unit="06619", as_of=date(2025, 7, 1))
    assert len(result.records) == len(PEOPLE)
    return {p.name: {f: p.to_problem_dict().get(f) for f in FIELDS} for p in result.records}


BASELINE = expected()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_shuffled_roster_reads_the_same_people(data: st.DataObject) -> None:
    order = data.draw(st.permutations(KEYS))
    headers = [data.draw(st.sampled_from(SPELLINGS[k])) for k in order]
    rows: list[list[Any]] = [headers]
    for p in PEOPLE:
        # a blank row or a section row may come before any person
        extra = data.draw(st.sampled_from(["", "blank", "section"]))
        if extra == "blank":
            rows.append([])
        elif extra == "section":
            rows.append([data.draw(st.sampled_from(SECTIONS[:4]))])
        rows.append([p[k] for k in order])
    if data.draw(st.booleans()):
        rows.append(["", SECTIONS[4]])
    titles = data.draw(st.integers(min_value=0, max_value=3))
    rows = [[f"DANH SÁCH {i}"] for i in range(titles)] + rows
    result = read_roster(make_xlsx(rows), "shuffled.xlsx", unit="06619", as_of=date(2025, 7, 1))
    got = {p.name: {f: p.to_problem_dict().get(f) for f in FIELDS} for p in result.records}
    assert got == BASELINE, [(e.row, e.column, e.message) for e in result.errors]
    assert not [e for e in result.errors if e.severity == "error"]
