"""The plan: typed, frozen records, written to and read from the exchange format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from solver.reasons import render

FORMAT = "staffing-plan/1"


@dataclass(frozen=True)
class Reason:
    """One structured reason: a catalogue code and its parameters (see solver.reasons)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Exchange form."""
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Assignment:
    """A person placed in a position, with the soft gaps and the reasons it won."""

    person: str
    position: str
    gaps: tuple[Mapping[str, Any], ...] = ()
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class EarlyRetirement:
    """Eligibility for early retirement (Decree 178/2024, amended by Decree 67/2025)."""

    eligible: bool
    band: str | None
    years_to_retirement: float | None


@dataclass(frozen=True)
class Unplaced:
    """A person without a seat, why, and whether early retirement is open to them."""

    person: str
    reasons: tuple[Reason, ...] = ()
    early_retirement: EarlyRetirement | None = None


@dataclass(frozen=True)
class Closest:
    """A near candidate for a seat left short, with the hard requirements they miss."""

    person: str
    missing: tuple[Mapping[str, Any], ...] = ()
    placed_at: str | None = None


@dataclass(frozen=True)
class Shortfall:
    """A position left below its minimum."""

    position: str
    missing: int
    reasons: tuple[Reason, ...] = ()
    closest: tuple[Closest, ...] = ()


@dataclass(frozen=True)
class Infeasible:
    """The smallest set of locks (and the rules they break) found that cannot hold together."""

    locks: tuple[Mapping[str, str], ...]
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A proposal: assignments, unplaced people, shortfalls, infeasibility and statistics."""

    status: str
    assignments: tuple[Assignment, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    infeasible: Infeasible | None = None
    stats: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def mapping(self) -> dict[str, str]:
        """person id -> position id."""
        return {a.person: a.position for a in self.assignments}


def _reasons(reasons: tuple[Reason, ...]) -> dict[str, Any]:
    return {
        "why": [render(r.to_dict(), "en") for r in reasons],
        "reasons": [r.to_dict() for r in reasons],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The exchange-format plan, plus structured reasons, early retirement and closest candidates."""
    return {
        "format": FORMAT,
        "status": plan.status,
        "assignments": [
            {
                "person": a.person,
                "position": a.position,
                "gaps": [dict(g) for g in a.gaps],
                **_reasons(a.reasons),
            }
            for a in plan.assignments
        ],
        "unplaced": [
            {
                "person": u.person,
                **_reasons(u.reasons),
                "early_retirement": None
                if u.early_retirement is None
                else {
                    "eligible": u.early_retirement.eligible,
                    "band": u.early_retirement.band,
                    "years_to_retirement": u.early_retirement.years_to_retirement,
                },
            }
            for u in plan.unplaced
        ],
        "shortfalls": [
            {
                "position": s.position,
                "missing": s.missing,
                **_reasons(s.reasons),
                "closest": [
                    {
                        "person": c.person,
                        "missing": [dict(m) for m in c.missing],
                        **({"placed_at": c.placed_at} if c.placed_at else {}),
                    }
                    for c in s.closest
                ],
            }
            for s in plan.shortfalls
        ],
        "infeasible": None
        if plan.infeasible is None
        else {
            "locks": [dict(k) for k in plan.infeasible.locks],
            "rules": list(plan.infeasible.rules),
            **_reasons(plan.infeasible.reasons),
        },
        "stats": dict(plan.stats),
    }


def _read_reasons(d: Mapping[str, Any]) -> tuple[Reason, ...]:
    if d.get("reasons") is not None:
        return tuple(Reason(str(r["code"]), dict(r.get("params") or {})) for r in d["reasons"])
    return tuple(Reason("text", {"text": str(w)}) for w in d.get("why") or ())


def plan_from_dict(d: Mapping[str, Any]) -> Plan:
    """Read an exchange-format plan (reasons from `reasons`, else kept as plain text from `why`)."""
    if d.get("format") != FORMAT:
        raise ValueError(f"format: must be {FORMAT!r}, got {d.get('format')!r}")
    assignments = tuple(
        Assignment(
            str(a["person"]),
            str(a["position"]),
            tuple(dict(g) for g in a.get("gaps") or ()),
            _read_reasons(a),
        )
        for a in d.get("assignments") or ()
    )
    unplaced = []
    for u in d.get("unplaced") or ():
        er = u.get("early_retirement")
        unplaced.append(
            Unplaced(
                str(u["person"]),
                _read_reasons(u),
                None
                if er is None
                else EarlyRetirement(bool(er["eligible"]), er.get("band"), er.get("years_to_retirement")),
            )
        )
    shortfalls = tuple(
        Shortfall(
            str(s["position"]),
            int(s["missing"]),
            _read_reasons(s),
            tuple(
                Closest(str(c["person"]), tuple(dict(m) for m in c.get("missing") or ()), c.get("placed_at"))
                for c in s.get("closest") or ()
            ),
        )
        for s in d.get("shortfalls") or ()
    )
    inf = d.get("infeasible")
    infeasible = None
    if inf is not None:
        infeasible = Infeasible(
            tuple(dict(k) for k in inf.get("locks") or ()), tuple(inf.get("rules") or ()), _read_reasons(inf)
        )
    return Plan(
        str(d["status"]), assignments, tuple(unplaced), shortfalls, infeasible, dict(d.get("stats") or {})
    )
