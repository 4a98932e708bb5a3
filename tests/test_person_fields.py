"""One definition of a person's fields (issue 16, done with issue 11): exchange/fields.py.

Everything that carries a person is checked against that list, so that adding a field is one
entry there plus the attribute that holds it — and forgetting the attribute fails here.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from exchange.fields import PERSON_FIELDS, PERSON_KEYS
from imports.records import PersonRecord, Rating
from solver.problem import PERSON_KEYS as SOLVER_KEYS
from solver.problem import Person as SolverPerson
from staffing.models import Person as StoredPerson
from staffing.services.loading import PERSON_FIELDS as STORED_FIELDS

NAMES = [f.name for f in PERSON_FIELDS]


def test_the_solver_reads_the_keys_of_the_list() -> None:
    assert SOLVER_KEYS == PERSON_KEYS
    typed = {f.name for f in dataclasses.fields(SolverPerson)} - {"extra"}
    assert typed == set(PERSON_KEYS)


def test_the_reader_record_and_the_stored_person_carry_every_field() -> None:
    record_fields = {f.name for f in dataclasses.fields(PersonRecord)}
    assert set(NAMES) <= record_fields
    columns = set(StoredPerson.__table__.columns.keys())
    assert set(NAMES) - {"id", "unit"} <= columns
    assert set(STORED_FIELDS) <= columns


def test_record_and_stored_person_write_the_same_problem_item(app) -> None:  # type: ignore[no-untyped-def]
    from staffing.models import OldUnit, UnitKind

    record = PersonRecord(
        id="020175001234",
        name="Hoàng Văn Long",
        birth_date=date(1976, 4, 12),
        gender="M",
        unit="06619",
        category="cong_chuc",
        state_management="chuyen_vien_chinh",
        ratings=(Rating(2024, "tot"),),
        planned_for=("head",),
        rank="01.002",
        cmnd=None,
    )
    unit = OldUnit(province_code="20", code="06619", name="Xã", kind=UnitKind.OLD_COMMUNE, district="H")
    stored = StoredPerson(
        key=record.id,
        unit=unit,
        **{
            n: getattr(record, n)
            for n in NAMES
            if n not in ("id", "unit", "ratings", "planned_for", "preferences")
        },
        ratings=[{"year": 2024, "value": "tot"}],
        planned_for=["head"],
        preferences=[],
    )
    assert stored.to_problem_dict() == record.to_problem_dict()
    item = record.to_problem_dict()
    assert list(item) == [n for n in NAMES if item.get(n) is not None or n in item]
    assert item["rank"] == "01.002" and "cmnd" not in item  # optional fields left out when empty
