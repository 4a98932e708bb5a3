"""The civil-service ranks (ngạch) and their codes, read from the official table in data/ranks.csv.

Codes and salary categories follow Circular 02/2021/TT-BNV (administrative and clerical ranks)
and the sector circulars named in the table's `source` column. A roster writes a rank as the
code alone ("01.003"), the name alone ("Chuyên viên"), or both in either order
("Chuyên viên (01.003)", "01.002 - Chuyên viên chính").
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from imports.text import fold

TABLE = Path(__file__).with_name("data") / "ranks.csv"


@dataclass(frozen=True)
class Rank:
    code: str  # e.g. 01.003
    name: str  # e.g. Chuyên viên
    salary_category: str  # A3.1 | A2.1 | A1 | A0 | B ...
    level: str  # cao_cap | chinh | vien | trung_cap | nhan_vien
    source: str  # the circular that sets it


@functools.cache
def ranks() -> dict[str, Rank]:
    """Every rank of the table by code."""
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: Rank(**row) for row in csv.DictReader(fh)}


@functools.cache
def _by_name() -> dict[str, Rank]:
    return {fold(r.name): r for r in ranks().values()}


_CODE = re.compile(r"(?<![\d.])(\d{1,2})[.,](\d{3})(?![\d])")


@dataclass(frozen=True)
class RankRead:
    rank: Rank | None
    message: str | None = None  # a warning to show (unknown code, code and name disagree)


def read_rank(text: str) -> RankRead:
    """The rank a cell names, with a warning when it is unknown or self-contradictory."""
    folded = fold(text)
    if not folded:
        return RankRead(None)
    m = _CODE.search(text)
    named = _name_in(_CODE.sub(" ", text) if m else text)
    if m:
        code = f"{int(m[1]):02d}.{m[2]}"
        rank = ranks().get(code)
        if rank is None:
            if named is not None:
                return RankRead(
                    named,
                    f"Mã ngạch {code} không có trong bảng mã ngạch; đã đọc theo tên ngạch '{named.name}'.",
                )
            return RankRead(None, f"Mã ngạch {code} không có trong bảng mã ngạch; giữ nguyên giá trị gốc.")
        if named is not None and named.code != rank.code:
            return RankRead(
                rank,
                f"Mã ngạch {code} là '{rank.name}' nhưng tên ghi là '{named.name}'; "
                "đã đọc theo mã, cần kiểm tra.",
            )
        return RankRead(rank)
    if named is not None:
        return RankRead(named)
    return RankRead(
        None, "Không nhận ra ngạch (cần mã như 01.003 hoặc tên như Chuyên viên); giữ nguyên giá trị gốc."
    )


def _name_in(text: str) -> Rank | None:
    key = fold(re.sub(r"^\s*(?:ngach|ngạch)\s+", "", text, flags=re.IGNORECASE))
    key = re.sub(r"^(ngach|ma ngach)\s+", "", key).strip()
    return _by_name().get(key)
