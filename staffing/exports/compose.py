"""The finished text of every decision of a plan: who issues it, its number, articles, annex and signer."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from policy.exits import KeptPeriod, fmt_num, kept_period, term_end_on

from ..labels import label
from .plandata import AssignmentRow, CommuneRow, PlanData, from_district, old_post
from .settings import DocumentSettings, render_text
from .text import (
    ascii_slug,
    capitalize_first,
    commune_names,
    join_post,
    long_date,
    province_names,
    short_date,
)

MODES = ("per_person", "per_department")
# Templates naming these differ from one decision to the next; the others are rendered once per commune.
_PERSONAL = re.compile(r"\b(p|g|x|addressee|addressee_cap|number)\b")
ANNEX_HEADERS = (
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Chức vụ, đơn vị cũ",
    "Chức vụ, vị trí việc làm mới",
    "Ghi chú",
)


@dataclass(frozen=True)
class PersonLine:
    """One person of a decision, as the text names them."""

    assignment_id: int
    key: str
    name: str
    birth_date: str
    gender: str
    honorific: str
    old_post: str
    title: str
    department: str
    post: str
    post_full: str
    department_full: str
    kept: str = ""  # the allowance kept after a move to a lower post (Res. 76/2025), as a phrase
    kept_note: str = ""  # the same, short, for the annex's "Ghi chú" column


@dataclass(frozen=True)
class DecisionDoc:
    """One decision, every text final; the renderer only lays it out."""

    filename: str
    kind: str
    kind_label: str
    issuer: str
    issuer_label: str
    commune_code: str
    commune_name: str
    department: str
    draft: bool
    draft_mark: str
    party: bool
    parent: tuple[str, ...]
    body: tuple[str, ...]
    number: str
    place_date: str
    summary: str
    authority: str
    bases: tuple[str, ...]
    decide: str
    articles: tuple[tuple[str, str], ...]
    recipients: tuple[str, ...]
    sign_for: str
    sign_title: str
    signer: str
    annex_title: str
    annex_note: str
    people: tuple[PersonLine, ...]

    @property
    def symbol(self) -> str:
        """Number and symbol for a list: "21-QĐ/TU", or "…/QĐ-UBND" while the number is blank."""
        return re.sub("\u00a0+", "…", re.sub(r"^Số:? ?", "", self.number)).strip()

    @property
    def annexed(self) -> bool:
        """Whether the people are listed in an annex (a decision per department)."""
        return bool(self.annex_title)


def parse_date(value: str | date | None, default: date) -> date:
    """A date from the settings (TOML date or ISO text), or the default when empty."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else default


def compose(data: PlanData, settings: DocumentSettings, mode: str = "per_person") -> list[DecisionDoc]:
    """All decisions of the plan's placed people, one per person or one per (issuer, kind, department)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    general = settings.general
    decided = parse_date(general.get("decision_date"), data.as_of)
    effective = parse_date(general.get("effective_date"), decided)
    province = {**province_names(data.province_name), **settings.province}
    communes = {c.code: c for c in data.communes}
    base = {
        "province": province,
        "date": long_date(decided),
        "effective": long_date(effective),
        "months": int(general.get("pay_protection_months", 6)),
        "term_years": int(general.get("term_years", 5)),
    }

    term_end = parse_date(general.get("term_end"), term_end_on(decided))
    groups: dict[tuple[str, ...], list[tuple[AssignmentRow, PersonLine]]] = defaultdict(list)
    routes: dict[tuple[str, ...], tuple[str, str]] = {}
    for row in data.placed:
        pos = row.seat
        kind, issuer = settings.route(pos.block, pos.level, from_district(row.person))
        commune = communes[pos.commune_code]
        line = _person_line(
            row, settings, issuer, commune, province, int(str(base["months"])), decided, term_end
        )
        if mode == "per_person":
            key: tuple[str, ...] = (pos.commune_code, str(pos.department_id), kind, issuer, str(row.id))
        else:
            key = (pos.commune_code, str(pos.department_id), kind, issuer)
        groups[key].append((row, line))
        routes[key] = (kind, issuer)

    counters: dict[tuple[str, str], itertools.count[int]] = {}
    cache: dict[tuple[str, str, str], str] = {}
    start = int(general.get("number_start") or 0)
    docs = []
    for seq, (key, members) in enumerate(groups.items(), start=1):
        kind, issuer_key = routes[key]
        commune = communes[key[0]]
        scope = (issuer_key, commune.code if settings.issuers[issuer_key]["scope"] == "commune" else "")
        number = str(general.get("number_blank", "\u00a0" * 8))
        if start and not data.draft:
            number = str(next(counters.setdefault(scope, itertools.count(start))))
        docs.append(
            _decision(seq, members, kind, issuer_key, commune, number, mode, data, settings, base, cache)
        )
    return docs


def kept_allowance(
    row: AssignmentRow, months: int, start: date | None = None, term_end: date | None = None
) -> tuple[str, str]:
    """(phrase, short note) of the old position allowance a person placed on a post with a lower coefficient
    keeps: to the end of the term for a term post (a cadre or an elective post), else `months` (6, Res.
    76/2025/UBTVQH15), see policy.exits.kept_period; empty when nothing is lost or the old coefficient is
    unknown."""
    pos, person = row.seat, row.person
    if person.position_allowance is None:
        return "", ""
    old, new = Decimal(str(person.position_allowance)), Decimal(str(pos.allowance))
    if new >= old:
        return "", ""
    title = f" {person.current_title}" if person.current_title else " cũ"
    period: KeptPeriod | None = None
    if start is not None:
        period = kept_period(
            person.current_title, person.category or "", start, term_end or term_end_on(start), months
        )
    if period is not None and period.to_term_end:
        until = f"{period.until.day:02d}/{period.until.month:02d}/{period.until.year}"
        phrase = (
            f"hệ số phụ cấp chức vụ {fmt_num(old)} của chức vụ{title} kể từ ngày Quyết định này có hiệu lực "
            f"đến hết nhiệm kỳ (ngày {until}) (hệ số phụ cấp chức vụ mới: {fmt_num(new)}); hết thời hạn trên "
            f"hưởng phụ cấp theo chức vụ mới"
        )
        note = f"Bảo lưu hệ số phụ cấp chức vụ {fmt_num(old)} đến hết nhiệm kỳ ({until})"
        return phrase, note
    phrase = (
        f"hệ số phụ cấp chức vụ {fmt_num(old)} của chức vụ{title} trong thời hạn {months:02d} tháng kể từ "
        f"ngày Quyết định này có hiệu lực theo Nghị quyết số 76/2025/UBTVQH15 của Ủy ban Thường vụ Quốc hội "
        f"(hệ số phụ cấp chức vụ mới: {fmt_num(new)}); hết thời hạn trên hưởng phụ cấp theo chức vụ mới"
    )
    note = f"Bảo lưu hệ số phụ cấp chức vụ {fmt_num(old)} trong {months:02d} tháng (NQ 76/2025/UBTVQH15)"
    return phrase, note


def _person_line(
    row: AssignmentRow,
    settings: DocumentSettings,
    issuer: str,
    commune: CommuneRow,
    province: dict[str, Any],
    months: int = 6,
    start: date | None = None,
    term_end: date | None = None,
) -> PersonLine:
    pos, person = row.seat, row.person
    names = commune_names(commune.name, label("commune_kind", commune.kind))
    post = pos.title if pos.level == "key" else join_post(pos.title, pos.department)
    block_tpl = settings.blocks.get(
        pos.block, settings.blocks.get("default", "{{ name }} {{ commune.name }}")
    )
    ctx = {"commune": names, "province": province, "level": pos.level}
    party = bool(settings.issuers[issuer]["party"])
    honorific = "đồng chí" if party else ("bà" if person.gender == "F" else "ông")
    kept = kept_allowance(row, months, start, term_end)
    return PersonLine(
        assignment_id=row.id,
        key=person.key,
        name=person.name,
        birth_date=short_date(person.birth_date),
        gender=label("gender", person.gender),
        honorific=honorific,
        old_post=old_post(person),
        title=pos.title,
        department=pos.department,
        post=post,
        post_full=_in_block(block_tpl, post, pos.level, ctx),
        department_full=_in_block(block_tpl, pos.department, pos.level, ctx),
        kept=kept[0],
        kept_note=kept[1],
    )


_BLOCK_CACHE: dict[tuple[str, str, str, str, str], str] = {}


def _in_block(template: str, name: str, level: str, ctx: dict[str, Any]) -> str:
    """A post or department named in its block ("... thuộc Ủy ban nhân dân xã X"), rendered once each."""
    # keyed by the names themselves, never ids: a renamed commune must not get its old name back
    key = (template, name, level, ctx["commune"]["name"], str(ctx["province"].get("name_full")))
    if key not in _BLOCK_CACHE:
        if len(_BLOCK_CACHE) > 50_000:
            _BLOCK_CACHE.clear()
        _BLOCK_CACHE[key] = render_text(template, {**ctx, "name": name})
    return _BLOCK_CACHE[key]


def _decision(
    seq: int,
    members: list[tuple[AssignmentRow, PersonLine]],
    kind: str,
    issuer_key: str,
    commune: CommuneRow,
    number: str,
    mode: str,
    data: PlanData,
    settings: DocumentSettings,
    base: dict[str, Any],
    cache: dict[tuple[str, str, str], str],
) -> DecisionDoc:
    spec, issuer = settings.kinds[kind], settings.issuers[issuer_key]
    names = commune_names(commune.name, label("commune_kind", commune.kind))
    lines = [m[1] for m in members]
    first = lines[0]
    single = mode == "per_person"
    person = {**first.__dict__, "Honorific": capitalize_first(first.honorific)}
    group = {"count": len(lines), "department": first.department, "department_full": first.department_full}
    addressee = (
        f"{first.honorific} {first.name}"
        if single
        else ("các đồng chí có tên tại Điều 1" if issuer["party"] else "những người có tên tại Điều 1")
    )
    ctx = {
        **base,
        "commune": names,
        "issuer": issuer,
        "p": person,
        "g": group,
        "number": number,
        "addressee": addressee,
        "addressee_cap": capitalize_first(addressee),
    }

    def r(source: str) -> str:
        if _PERSONAL.search(source):
            return render_text(source, ctx)
        # the same for everyone of this commune and issuer: render once per batch
        key = (source, commune.code, issuer_key)
        if key not in cache:
            cache[key] = render_text(source, ctx)
        return cache[key]

    def rs(sources: list[str]) -> tuple[str, ...]:
        return tuple(t for t in (r(s) for s in sources) if t)

    suffix = "person" if single else "group"
    place = r(issuer["place"])
    articles = (
        ("Điều 1.", r(spec[f"article1_{suffix}"])),
        ("Điều 2.", r(spec[f"article2_{suffix}"])),
        ("Điều 3.", r(issuer["article3"])),
    )
    draft_mark = str(settings.general.get("draft_mark", "DỰ THẢO"))
    prefix = f"{ascii_slug(draft_mark)}_" if data.draft else ""
    who = ascii_slug(first.name, 40) if single else ascii_slug(first.department, 40)
    filename = f"{prefix}{seq:05d}_{commune.code}_{ascii_slug(kind)}_{who}.docx"
    number_text = r(issuer["number"])
    annex_title = "" if single else r(spec["annex_title"])
    annex_note = (
        ""
        if single
        else (
            f"(Kèm theo Quyết định {number_text.replace('Số: ', 'số ').replace('Số ', 'số ')} "
            f"{base['date']} của {r(issuer['label'])})"
        )
    )
    return DecisionDoc(
        filename=filename,
        kind=kind,
        kind_label=spec["label"],
        issuer=issuer_key,
        issuer_label=r(issuer["label"]),
        commune_code=commune.code,
        commune_name=commune.name,
        department=first.department,
        draft=data.draft,
        draft_mark=draft_mark,
        party=bool(issuer["party"]),
        parent=rs(issuer["parent"]),
        body=rs(issuer["name"]),
        number=number_text,
        place_date=f"{place}, {base['date']}",
        summary=r(spec[f"summary_{suffix}"]),
        authority=r(issuer["authority"]),
        bases=rs(issuer["legal_bases"]),
        decide=r(issuer["decide"]),
        articles=articles,
        recipients=rs(issuer["recipients"]),
        sign_for=r(issuer["sign_for"]),
        sign_title=r(issuer["sign_title"]),
        signer=r(issuer["signer"]),
        annex_title=annex_title,
        annex_note=annex_note,
        people=tuple(lines),
    )


def routes_of(data: PlanData, settings: DocumentSettings) -> dict[int, tuple[str, str]]:
    """Assignment id -> (kind of decision, issuing body) without composing the decisions."""
    province = {**province_names(data.province_name), **settings.province}
    communes = {c.code: c for c in data.communes}
    labels: dict[tuple[str, str], str] = {}
    out = {}
    for row in data.placed:
        pos = row.seat
        kind, issuer = settings.route(pos.block, pos.level, from_district(row.person))
        if (issuer, pos.commune_code) not in labels:
            commune = communes[pos.commune_code]
            names = commune_names(commune.name, label("commune_kind", commune.kind))
            ctx = {"commune": names, "province": province}
            labels[issuer, pos.commune_code] = render_text(settings.issuers[issuer]["label"], ctx)
        out[row.id] = (settings.kinds[kind]["label"], labels[issuer, pos.commune_code])
    return out
