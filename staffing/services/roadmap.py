"""The roadmap to the staffing norm: per commune and for the province, today's headcount by category
against the payroll quota and the target norm, and a year-by-year projection to 2030 from statutory
retirements (Labour Code 2019 roadmap, solver/problem.py) and the exits chosen in the plan."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from policy.exits import ExitPath

from ..extensions import db
from ..models import Assignment, Commune, Department, Person, Plan, Position
from .exits import ExitData, exit_data, load_exit_data, statutory_retirement
from .plan_views import cached

YEARS = tuple(range(2025, 2031))
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
# The payroll (biên chế) the quota counts: cadres and civil servants.
PAYROLL = frozenset({"can_bo", "cong_chuc"})
CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach")
LEAVING_PATHS = frozenset(
    {ExitPath.EARLY_RETIREMENT, ExitPath.RESIGNATION, ExitPath.TRANSFER, ExitPath.END_PART_TIME}
)


@dataclass
class Roadmap:
    code: str  # "" for the province
    name: str
    today: Counter[str] = field(default_factory=Counter)  # category -> people
    quota: int | None = None  # payroll quota (biên chế được giao)
    target: int | None = None  # the norm to reach within five years
    years: dict[int, int] = field(default_factory=dict)  # year -> payroll headcount at the end of the year
    retiring: dict[int, int] = field(default_factory=dict)  # year -> statutory retirements
    exiting: dict[int, int] = field(default_factory=dict)  # year -> chosen exits

    @property
    def payroll_today(self) -> int:
        return sum(n for c, n in self.today.items() if c in PAYROLL)

    @property
    def norm(self) -> int | None:
        return self.target if self.target is not None else self.quota

    @property
    def reached(self) -> int | None:
        """The first year whose end-of-year payroll is within the norm; None if not by 2030."""
        if self.norm is None:
            return None
        return next((y for y in YEARS if self.years.get(y, 0) <= self.norm), None)

    @property
    def shortfall_2030(self) -> int:
        """People still over the norm at the end of 2030 (0 when it is reached)."""
        if self.norm is None:
            return 0
        return max(self.years.get(YEARS[-1], 0) - self.norm, 0)


@dataclass(frozen=True)
class _Member:
    category: str
    leaves: date | None  # the day they leave the payroll (exit or statutory retirement)
    by_exit: bool


def load_roadmap(plan: Plan, exits: ExitData | None = None) -> tuple[Roadmap, list[Roadmap]]:
    """(province, communes) roadmaps of a plan."""
    exits = exits or load_exit_data(plan)
    communes = {
        c.code: c
        for c in db.session.scalars(
            db.select(Commune).where(Commune.province_code == plan.province_code).order_by(Commune.code)
        )
    }
    members: dict[str, list[_Member]] = defaultdict(list)
    query = (  # only the columns the projection needs: no Person rows for 5,000 people
        db.select(Person.category, Person.retirement_date, Person.birth_date, Person.gender, Commune.code)
        .join(Assignment, Assignment.person_id == Person.id)
        .join(Position, Assignment.position_id == Position.id)
        .join(Department, Position.department_id == Department.id)
        .join(Commune, Department.commune_id == Commune.id)
        .where(Assignment.plan_id == plan.id)
    )
    for category, retirement, birth, gender, code in db.session.execute(query):
        if retirement is None and birth is not None and gender in ("M", "F"):
            retirement = statutory_retirement(birth, gender)  # as retirement_of(person)
        members[code].append(_Member(category, retirement, False))
    for row in exits.rows:  # the unplaced stay on the payroll of the commune their unit feeds until they go
        retire = row.case.retirement_date
        if row.path in LEAVING_PATHS and row.result.eligible:
            members[row.commune_code].append(_Member(row.category, row.case.leave_date, True))
        else:
            members[row.commune_code].append(_Member(row.category, retire, False))
    province = Roadmap("", "")
    out = []
    for code, commune in communes.items():
        road = Roadmap(code, commune.name, quota=commune.payroll_quota, target=commune.target_quota)
        _project(road, members.get(code, []))
        out.append(road)
        province.today.update(road.today)
        for y in YEARS:
            province.years[y] = province.years.get(y, 0) + road.years[y]
            province.retiring[y] = province.retiring.get(y, 0) + road.retiring[y]
            province.exiting[y] = province.exiting.get(y, 0) + road.exiting[y]
    quotas = [c.quota for c in out]
    targets = [c.norm for c in out]
    province.quota = sum(q for q in quotas if q is not None) if any(q is not None for q in quotas) else None
    province.target = (
        sum(t for t in targets if t is not None) if any(t is not None for t in targets) else None
    )
    return province, out


@dataclass(frozen=True)
class RoadmapView:
    """The roadmaps of a plan with their charts drawn (SVG), as the pages show them."""

    province: Roadmap
    communes: list[Roadmap]
    province_chart: str
    charts: dict[str, str]  # commune code -> SVG


def roadmap_view(plan: Plan, province_title: str) -> RoadmapView:
    """load_roadmap and every chart, built once per plan version and data stamp (drawing 65 charts with
    pygal takes seconds: the pages only read them)."""

    def build() -> RoadmapView:
        province, communes = load_roadmap(plan, exit_data(plan))
        return RoadmapView(
            province,
            communes,
            chart_svg(province, province_title),
            {c.code: chart_svg(c, c.name, small=True) for c in communes},
        )

    return cached("roadmap", plan, (province_title,), build)


def _project(road: Roadmap, members: list[_Member]) -> None:
    road.today.update(m.category for m in members)
    payroll = [m for m in members if m.category in PAYROLL]
    for y in YEARS:
        end = date(y, 12, 31)
        road.years[y] = sum(1 for m in payroll if m.leaves is None or m.leaves > end)
        gone = [m for m in payroll if m.leaves is not None and m.leaves.year == y]
        road.retiring[y] = sum(1 for m in gone if not m.by_exit)
        road.exiting[y] = sum(1 for m in gone if m.by_exit)


def chart_svg(road: Roadmap, title: str, small: bool = False) -> str:
    """A server-rendered SVG line chart (pygal): payroll by year against the quota and the norm."""
    import pygal  # imported here: only the roadmap pages draw charts
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        font_family="Times New Roman, serif",
        colors=("#1f4e79", "#c00000", "#548235"),
        title_font_size=14,
        label_font_size=11,
        legend_font_size=11,
    )
    chart = pygal.Line(
        width=480 if small else 760,
        height=260 if small else 360,
        style=style,
        js=(),  # no scripts: nothing is loaded from outside
        disable_xml_declaration=True,
        show_dots=True,
        legend_at_bottom=True,
        include_x_axis=False,
        title=title,
    )
    chart.x_labels = [str(y) for y in YEARS]
    chart.add("Biên chế hiện có (cuối năm)", [road.years[y] for y in YEARS])
    if road.norm is not None:
        chart.add("Định mức cần đạt", [road.norm] * len(YEARS))
    if road.quota is not None and road.quota != road.norm:
        chart.add("Biên chế được giao", [road.quota] * len(YEARS))
    # pygal adds an inline config script for its (here absent) tooltips: drop it, the page allows no scripts
    return _SCRIPT.sub("", str(chart.render(is_unicode=True)))
