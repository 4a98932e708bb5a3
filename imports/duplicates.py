"""Finding the same person twice, in one roster or across all rosters of a province."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from imports.records import Duplicate, PersonRecord
from imports.text import name_key


def find_duplicates(records: Iterable[PersonRecord]) -> tuple[Duplicate, ...]:
    """Every person seen before (same CCCD; else same name and birth date), never dropped.

    One `Duplicate` per later occurrence: `row`/`file` locate it, `matches` the rows of the
    earlier occurrences and `match_files` their files, `ids` the ids of both sides.
    A pair found by CCCD is not reported again by name and birth date.
    """
    by_cccd: dict[str, list[PersonRecord]] = defaultdict(list)
    by_name: dict[tuple[str, date | None], list[PersonRecord]] = defaultdict(list)
    out: list[Duplicate] = []
    for person in records:
        earlier: list[PersonRecord] = []
        by = ""
        if person.has_cccd:
            earlier = list(by_cccd[person.id])
            by = "cccd"
        key = (name_key(person.name), person.birth_date)
        same_name = [
            p
            for p in (by_name[key] if person.birth_date is not None else ())
            if not (person.has_cccd and p.has_cccd and p.id == person.id)
        ]
        if not earlier and same_name:
            earlier, by = same_name, "name_birth_date"
        if earlier:
            out.append(_duplicate(person, earlier, by))
        if person.has_cccd:
            by_cccd[person.id].append(person)
        by_name[key].append(person)
    return tuple(out)


def _duplicate(person: PersonRecord, earlier: list[PersonRecord], by: str) -> Duplicate:
    src = person.source
    return Duplicate(
        row=src.row if src else 0,
        matches=tuple(p.source.row if p.source else 0 for p in earlier),
        by=by,
        file=src.file if src else "",
        match_files=tuple(p.source.file if p.source else "" for p in earlier),
        ids=(person.id, *(p.id for p in earlier)),
    )
