"""The decisions for the people who leave and for the old posts that end, in the layouts of decisions.toml.

nghỉ hưu trước tuổi, thôi việc, chấm dứt hoạt động không chuyên trách (one per person who takes that path)
and miễn nhiệm (one per leader whose old post ends with the old unit). Composed into the same
DecisionDoc the appointment decisions use, so the same .docx renderer lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from policy.exits import PAY_PROTECTION_MONTHS, ExitPath, KeptPeriod, fmt_num, fmt_vnd

from ..labels import label
from .compose import DecisionDoc, PersonLine, _decision
from .exitdata import EndedPost, ExitData, ExitRow
from .plandata import CommuneRow, PlanData
from .settings import DocumentSettings
from .text import long_date, province_names, short_date

KIND_OF_PATH = {
    ExitPath.EARLY_RETIREMENT: "nghi_huu_truoc_tuoi",
    ExitPath.RESIGNATION: "thoi_viec",
    ExitPath.END_PART_TIME: "cham_dut_kct",
}
MIEN_NHIEM = "mien_nhiem"


@dataclass(frozen=True)
class _Draft:
    draft: bool


def is_party_post(title: str) -> bool:
    t = title.lower()
    return "đảng" in t or t.startswith(("bí thư", "phó bí thư")) or "kiểm tra" in t


def _issuer(settings: DocumentSettings, kind: str, district: bool, party: bool) -> str:
    rule = settings.exit_routing.get(kind) or {}
    if party and rule.get("party_issuer"):
        return rule["party_issuer"]
    if district and rule.get("district_issuer"):
        return rule["district_issuer"]
    return rule.get("issuer", "ubnd_xa")


def _old_post(title: str, unit_name: str, unit_kind: str, district: str) -> str:
    unit = unit_name
    if district and unit_kind == "district_agency" and district.lower() not in unit.lower():
        unit = f"{unit} {district}"
    return f"{title}, {unit}" if title else unit


def _line(
    person_id: int,
    key: str,
    name: str,
    birth: date,
    gender: str,
    title: str,
    old: str,
    unit: str,
    party: bool,
) -> PersonLine:
    honorific = "đồng chí" if party else ("bà" if gender == "F" else "ông")
    return PersonLine(
        assignment_id=0,  # not an appointment: never matched by one_decision
        key=key,
        name=name,
        birth_date=short_date(birth),
        gender=label("gender", gender),
        honorific=honorific,
        old_post=old,
        title=title,
        department=unit,
        post=title,
        post_full=old,
        department_full=unit,
    )


def _amounts(row: ExitRow) -> dict[str, str]:
    r = row.result
    lines = "; ".join(f"{line.label} = {line.formula} = {fmt_vnd(line.amount)} đồng" for line in r.lines)
    if r.total is not None:
        total = f"{fmt_vnd(r.total)} đồng"
    else:
        total = "chưa tính được (thiếu: " + ", ".join(r.missing) + ")" if r.missing else "chưa tính được"
    return {"lines": lines or "theo quy định", "total": total}


def compose_exits(data: ExitData, settings: DocumentSettings, start: int = 1) -> list[DecisionDoc]:
    """The exit decisions (eligible people on a paid path) and the miễn nhiệm of every old post that ends."""
    general = settings.general
    decided = data.decision_date
    province = {**province_names(data.province_name), **settings.province}
    base_common = {
        "province": province,
        "date": long_date(decided),
        "effective": long_date(decided),
        "months": int(general.get("pay_protection_months", PAY_PROTECTION_MONTHS)),
        "term_years": int(general.get("term_years", 5)),
    }
    number = str(general.get("number_blank", "\u00a0" * 8))
    draft = cast(PlanData, _Draft(data.status != "approved"))
    cache: dict[tuple[str, str, str], str] = {}
    docs: list[DecisionDoc] = []

    def commune_row(code: str, name: str) -> CommuneRow:
        kind = "phuong" if name.lower().startswith("phường") else "xa"
        return CommuneRow(0, code, name, kind, None)

    def add(kind: str, who: ExitRow | EndedPost, title: str, x: dict[str, str]) -> None:
        """Add the per-person decision `kind` for one person leaving `title` (their post in the old unit),
        numbered after the decisions so far; x: what the kind adds (leave date, kept allowance, amounts)."""
        issuer = _issuer(settings, kind, who.unit_kind == "district_agency", is_party_post(title))
        old = _old_post(title, who.unit_name, who.unit_kind, who.unit_district)
        line = _line(
            who.person_id,
            who.key,
            who.name,
            who.birth_date,
            who.gender,
            title,
            old,
            who.unit_name,
            bool(settings.issuers[issuer]["party"]),
        )
        docs.append(
            _decision(
                start + len(docs),
                [(cast(Any, None), line)],
                kind,
                issuer,
                commune_row(who.commune_code, who.commune_name),
                number,
                "per_person",
                draft,
                settings,
                {**base_common, "x": x},
                cache,
            )
        )

    for row in data.rows:
        kind = KIND_OF_PATH.get(row.path)
        if kind is None or not row.result.eligible or not row.commune_code:
            continue
        x = {"leave": long_date(row.case.leave_date), "kept": "", **_amounts(row)}
        add(kind, row, row.current_title, x)
    for post in data.ended:
        if not post.commune_code:
            continue
        x = {"leave": long_date(decided), "kept": kept_allowance(post, base_common, data.kept(post))}
        add(MIEN_NHIEM, post, post.title, x)
    return docs


def kept_allowance(post: EndedPost, base: dict[str, Any], period: KeptPeriod | None = None) -> str:
    """The allowance a leader placed on a lower post keeps, as a phrase: to the end of the term for a term
    post, else 6 months (Res. 76/2025/UBTVQH15); see policy.exits.kept_period."""
    if not post.demoted or not post.position_allowance:
        return ""
    months = int(base["months"])
    coefficient = fmt_num(Decimal(str(post.position_allowance)))
    if period is not None and period.to_term_end:
        return (
            f"phụ cấp chức vụ hệ số {coefficient} của chức vụ cũ {period.wording} "
            f"(chức vụ mới: {post.new_title})"
        )
    return (
        f"phụ cấp chức vụ hệ số {coefficient} của chức vụ cũ trong thời hạn "
        f"{months:02d} tháng kể từ ngày Quyết định này có hiệu lực theo Nghị quyết số 76/2025/UBTVQH15 "
        f"của Ủy ban Thường vụ Quốc hội (chức vụ mới: {post.new_title})"
    )
