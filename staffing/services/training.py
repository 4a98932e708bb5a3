"""HR's qualification view: every gap of a plan (who, which seat, which requirement, by how much),
grouped into training needs, and the same as an .xlsx workbook."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..labels import ATTR_VOCAB, label, requirement_text
from ..models import Assignment, Commune, Department, OldUnit, Person, Plan, Position

SCALES: dict[str, tuple[str, ...]] = {
    "education": ("none", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"),
    "political_theory": ("none", "so_cap", "trung_cap", "cao_cap"),
    "state_management": ("none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
    "last_rating": ("khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac"),
}
NUMERIC = {"age", "years_to_retirement", "years_of_service"}
TRAINABLE = {"political_theory", "education", "state_management", "field"}


@dataclass
class GapRow:
    person_id: int
    person: str
    unit: str
    commune_code: str
    commune: str
    department: str
    position: str
    level: str
    attr: str
    requirement: str
    required: str
    value: str
    shortfall: str
    shortfall_num: float
    hard: bool
    need_key: str
    need: str


def _value(v: Any, lang: str) -> str:
    """A code without a vocabulary of ours (a field of study): the solver's Vietnamese name for it."""
    if lang != "vi":
        return str(v)
    from solver.reasons import value_vi

    return value_vi(v)


def _show(attr: str, v: Any, lang: str) -> str:
    if v is None or v == [] or v == ():
        return "—"
    vocab = ATTR_VOCAB.get(attr)
    if vocab is None:
        return ", ".join(_value(x, lang) for x in v) if isinstance(v, list | tuple) else _value(v, lang)
    if isinstance(v, list | tuple):
        return ", ".join(label(vocab, x, lang) if vocab else str(x) for x in v)
    if isinstance(v, bool):
        return _("Có") if v else _("Không")
    return label(vocab, v, lang) if vocab else str(v)


def _by_how_much(gap: dict[str, Any]) -> tuple[str, float]:
    """How far the person stands from the requirement, in steps of its scale or in its unit."""
    attr = gap.get("attr") or ""
    value = gap.get("value")
    for op in ("min", "max"):
        if op in gap:
            want = gap[op]
            scale = SCALES.get(attr)
            if scale is not None:
                have = scale.index(value) if value in scale else -1
                steps = abs(scale.index(want) - have) if want in scale else 0
                if have < 0:
                    return _("chưa có"), float(len(scale))
                return _("{n} bậc").format(n=steps), float(steps)
            if (
                isinstance(value, int | float)
                and isinstance(want, int | float)
                and not isinstance(value, bool)
            ):
                d = round(abs(float(want) - float(value)), 1)
                unit = _("năm") if attr in NUMERIC else ""
                return f"{d:g} {unit}".strip().replace(".", ","), d
            return _("chưa có"), 1.0
    return _("không phù hợp"), 1.0


def need_of(gap: dict[str, Any], lang: str = "vi") -> tuple[str, str]:
    """The training need a gap calls for (key, words); gaps training cannot close are named as such."""
    attr = gap.get("attr")
    if attr == "political_theory" and "min" in gap:
        return f"political_theory:{gap['min']}", _("Đào tạo lý luận chính trị trình độ {v}").format(
            v=label("political_theory", gap["min"], lang)
        )
    if attr == "education" and "min" in gap:
        return f"education:{gap['min']}", _("Đào tạo chuyên môn trình độ {v}").format(
            v=label("education", gap["min"], lang)
        )
    if attr == "state_management" and "min" in gap:
        return f"state_management:{gap['min']}", _("Bồi dưỡng quản lý nhà nước ngạch {v}").format(
            v=label("state_management", gap["min"], lang)
        )
    if attr == "field":
        fields = list(gap.get("in") or [])
        return "field:" + ",".join(sorted(fields)), _("Đào tạo chuyên ngành phù hợp ({v})").format(
            v=", ".join(_value(f, lang) for f in fields[:4]) + ("…" if len(fields) > 4 else "")
        )
    what = requirement_text(gap, lang) if "attr" in gap or "rule" in gap else str(gap)
    return f"other:{attr or gap.get('rule')}", _("Không khắc phục bằng đào tạo: {v}").format(
        v=label("attr", attr or gap.get("rule"), lang) if (attr or gap.get("rule")) else what
    )


def gap_rows(plan: Plan, communes: list[Commune], lang: str = "vi") -> list[GapRow]:
    """Every gap of every placed person of the plan in these communes (cached per plan version)."""
    from .plan_views import cached

    ids = frozenset(c.id for c in communes)
    return cached("gaps", plan, (tuple(sorted(ids)), lang), lambda: _gap_rows(plan, ids, lang))


def _gap_rows(plan: Plan, visible: frozenset[int], lang: str) -> list[GapRow]:
    rows = db.session.execute(
        db.select(
            Assignment.person_id,
            Assignment.gaps,
            Person.name,
            OldUnit.name,
            Commune.id,
            Commune.code,
            Commune.name,
            Department.name,
            Position.title,
            Position.level,
        )
        .join(Person, Assignment.person_id == Person.id)
        .join(OldUnit, Person.unit_id == OldUnit.id)
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .join(Commune, Department.commune_id == Commune.id)
        .where(
            Assignment.plan_id == plan.id, db.func.coalesce(db.func.json_array_length(Assignment.gaps), 0) > 0
        )
    ).all()
    out: list[GapRow] = []
    for pid, gaps, name, unit, cid, ccode, cname, dept, title, level in rows:
        if not gaps or cid not in visible:
            continue
        for g in gaps:
            attr = str(g.get("attr") or g.get("rule") or "")
            required = next((g[k] for k in ("min", "max", "eq", "in") if k in g), None)
            how, num = _by_how_much(g)
            need_key, need = need_of(g, lang)
            out.append(
                GapRow(
                    pid,
                    name,
                    unit,
                    ccode,
                    cname,
                    dept,
                    title,
                    level.value,
                    attr,
                    requirement_text(g, lang) if ("attr" in g or "rule" in g) else attr,
                    _show(attr, required, lang),
                    _show(attr, g.get("value"), lang),
                    how,
                    num,
                    bool(g.get("hard")),
                    need_key,
                    need,
                )
            )
    return out


SORTS = {
    "person": lambda r: (r.person, r.commune),
    "commune": lambda r: (r.commune, r.department, r.person),
    "attr": lambda r: (r.attr, -r.shortfall_num, r.person),
    "shortfall": lambda r: (-r.shortfall_num, r.person),
    "need": lambda r: (r.need, r.commune, r.person),
}


def filter_rows(
    rows: list[GapRow],
    commune: str = "",
    attr: str = "",
    level: str = "",
    need: str = "",
    q: str = "",
    sort: str = "commune",
) -> list[GapRow]:
    q = q.strip().lower()
    out = [
        r
        for r in rows
        if (not commune or r.commune_code == commune)
        and (not attr or r.attr == attr)
        and (not level or r.level == level)
        and (not need or r.need_key == need)
        and (not q or q in r.person.lower() or q in r.position.lower())
    ]
    out.sort(key=SORTS.get(sort, SORTS["commune"]))
    return out


@dataclass
class Need:
    key: str
    text: str
    trainable: bool
    people: int
    by_commune: list[tuple[str, str, int]]  # (code, name, people)


def training_needs(rows: list[GapRow]) -> list[Need]:
    """Gaps grouped into training needs: how many people need each course, by commune."""
    people: dict[str, set[int]] = defaultdict(set)
    by_commune: dict[str, dict[tuple[str, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    text: dict[str, str] = {}
    for r in rows:
        people[r.need_key].add(r.person_id)
        by_commune[r.need_key][(r.commune_code, r.commune)].add(r.person_id)
        text[r.need_key] = r.need
    needs = [
        Need(
            k,
            text[k],
            k.split(":", 1)[0] in TRAINABLE,
            len(v),
            sorted(((c, n, len(s)) for (c, n), s in by_commune[k].items()), key=lambda x: (-x[2], x[1])),
        )
        for k, v in people.items()
    ]
    needs.sort(key=lambda n: (not n.trainable, -n.people, n.text))
    return needs


def attr_counts(rows: list[GapRow]) -> Counter[str]:
    return Counter(r.attr for r in rows)


def workbook(plan: Plan, rows: list[GapRow], needs: list[Need], lang: str = "vi") -> bytes:
    """The gaps and the training needs as an .xlsx file; every text cell is written as a string."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1, "text_wrap": True})
    sheet = book.add_worksheet(_("Thiếu hụt tiêu chuẩn")[:31])
    headers = [
        _("Họ và tên"),
        _("Đơn vị cũ"),
        _("Xã, phường"),
        _("Cơ quan, đơn vị"),
        _("Vị trí"),
        _("Cấp"),
        _("Tiêu chuẩn"),
        _("Yêu cầu"),
        _("Hiện có"),
        _("Thiếu"),
        _("Bắt buộc (vượt quy định)"),
        _("Nhu cầu đào tạo"),
    ]
    for col, h in enumerate(headers):
        sheet.write_string(0, col, h, bold)
    for i, r in enumerate(rows, start=1):
        values = [
            r.person,
            r.unit,
            r.commune,
            r.department,
            r.position,
            label("level", r.level, lang),
            r.requirement,
            r.required,
            r.value,
            r.shortfall,
            _("Có") if r.hard else "",
            r.need,
        ]
        for col, v in enumerate(values):
            sheet.write_string(i, col, str(v))
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 5, 22)
    sheet.set_column(6, 11, 28)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)

    communes = sorted({(c, n) for need in needs for c, n, _k in need.by_commune}, key=lambda x: x[1])
    s2 = book.add_worksheet(_("Nhu cầu đào tạo")[:31])
    s2.write_string(0, 0, _("Nhu cầu"), bold)
    s2.write_string(0, 1, _("Số người"), bold)
    for j, (_code, name) in enumerate(communes, start=2):
        s2.write_string(0, j, name, bold)
    for i, need in enumerate(needs, start=1):
        s2.write_string(i, 0, need.text)
        s2.write_number(i, 1, need.people)
        counts = {c: k for c, _n, k in need.by_commune}
        for j, (code, _name) in enumerate(communes, start=2):
            if code in counts:
                s2.write_number(i, j, counts[code])
    s2.set_column(0, 0, 50)
    s2.freeze_panes(1, 2)
    s3 = book.add_worksheet(_("Thông tin")[:31])
    s3.write_string(0, 0, _("Phương án"))
    s3.write_string(0, 1, plan.name)
    s3.write_string(1, 0, _("Phiên bản"))
    s3.write_number(1, 1, plan.version)
    book.close()
    return buf.getvalue()
