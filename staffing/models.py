"""The data model: provinces, old units, new communes, their frameworks, people, plans, users, audit."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from exchange.fields import person_dict

from .extensions import db
from .folding import fold, fold_default

if TYPE_CHECKING:  # what db.Model is, for the type checker (Flask-SQLAlchemy builds it at run time)
    from .extensions import Base as Model
else:
    Model = db.Model


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    DRAFTER = "drafter"  # chuyên viên soạn thảo phương án
    REVIEWER = "reviewer"  # cán bộ thẩm định (tổ chức cán bộ)
    APPROVER = "approver"  # lãnh đạo phê duyệt
    ADMIN = "admin"  # quản trị hệ thống


class UnitKind(enum.StrEnum):
    OLD_COMMUNE = "old_commune"
    DISTRICT_AGENCY = "district_agency"


class CommuneKind(enum.StrEnum):
    XA = "xa"
    PHUONG = "phuong"
    DAC_KHU = "dac_khu"


class Block(enum.StrEnum):
    DANG = "dang"
    HDND = "hdnd"
    UBND = "ubnd"
    MTTQ = "mttq"
    SU_NGHIEP = "su_nghiep"
    QUAN_SU = "quan_su"


class Level(enum.StrEnum):
    KEY = "key"
    HEAD = "head"
    DEPUTY = "deputy"
    STAFF = "staff"


class PlanStatus(enum.StrEnum):
    """draft -> in_review (drafter submits) -> pending_approval (reviewer forwards) -> approved.

    A reviewer or an approver may return a plan to draft with a comment; an approved plan is frozen.
    """

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"


class JobState(enum.StrEnum):
    NONE = "none"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as the value string ("xa"), checked by a named constraint.
    return Enum(
        cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        length=20,
        validate_strings=True,
        create_constraint=True,
        name=cls.__name__.lower(),
    )


class Province(Model):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    as_of: Mapped[date] = mapped_column(Date, default=date(2025, 7, 1))

    units: Mapped[list[OldUnit]] = relationship(back_populates="province", order_by="OldUnit.code")
    communes: Mapped[list[Commune]] = relationship(back_populates="province", order_by="Commune.code")


class OldUnit(Model):
    """An old commune/ward/township, or an agency of an abolished district."""

    __tablename__ = "old_unit"
    __table_args__ = (UniqueConstraint("province_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    district: Mapped[str] = mapped_column(String(200), default="")

    province: Mapped[Province] = relationship(back_populates="units")
    links: Mapped[list[MergerLink]] = relationship(back_populates="unit", cascade="all, delete-orphan")
    people: Mapped[list[Person]] = relationship(back_populates="unit")


class Commune(Model):
    """A new commune, ward or special zone (xã, phường, đặc khu)."""

    __tablename__ = "commune"
    __table_args__ = (UniqueConstraint("province_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[CommuneKind] = mapped_column(_enum(CommuneKind))
    payroll_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    target_quota: Mapped[int | None] = mapped_column(Integer, nullable=True)

    province: Mapped[Province] = relationship(back_populates="communes")
    links: Mapped[list[MergerLink]] = relationship(back_populates="commune", cascade="all, delete-orphan")
    departments: Mapped[list[Department]] = relationship(
        back_populates="commune", cascade="all, delete-orphan", order_by="Department.id"
    )
    caps: Mapped[list[SharedCap]] = relationship(back_populates="commune", cascade="all, delete-orphan")


class MergerLink(Model):
    """Old unit -> new commune; a split old commune links to several communes."""

    __tablename__ = "merger_link"
    __table_args__ = (UniqueConstraint("old_unit_id", "commune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    old_unit_id: Mapped[int] = mapped_column(ForeignKey("old_unit.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[bool] = mapped_column(Boolean, default=False)  # feeds_extra: across old district lines
    source_file: Mapped[str] = mapped_column(String(255), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)

    unit: Mapped[OldUnit] = relationship(back_populates="links")
    commune: Mapped[Commune] = relationship(back_populates="links")


class Department(Model):
    """A body of a commune, identified by (commune, block, name)."""

    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("commune_id", "block", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    block: Mapped[Block] = mapped_column(_enum(Block))
    name: Mapped[str] = mapped_column(String(200))

    commune: Mapped[Commune] = relationship(back_populates="departments")
    positions: Mapped[list[Position]] = relationship(
        back_populates="department", cascade="all, delete-orphan", order_by="Position.id"
    )


class Position(Model):
    """One kind of seat; min..max people may hold it."""

    __tablename__ = "position"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # exchange id, "06613/UBND/KT/1"
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[Level] = mapped_column(_enum(Level))
    job_family: Mapped[str | None] = mapped_column(String(64), nullable=True)
    min_holders: Mapped[int] = mapped_column(Integer, default=0)
    max_holders: Mapped[int] = mapped_column(Integer, default=1)

    department: Mapped[Department] = relationship(back_populates="positions")
    # hard and soft requirements, in the order a reviewer reads them
    requirements: Mapped[list[Requirement]] = relationship(
        back_populates="position", cascade="all, delete-orphan", order_by="Requirement.id"
    )


class Requirement(Model):
    """One predicate of the spec's requirement language, hard or soft."""

    __tablename__ = "requirement"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"), index=True)
    attr: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None for a rule
    op: Mapped[str] = mapped_column(String(8))  # in | min | max | eq | rule
    value: Mapped[Any] = mapped_column(JSON)
    hard: Mapped[bool] = mapped_column(Boolean, default=True)

    position: Mapped[Position] = relationship(back_populates="requirements")

    def to_problem_dict(self) -> dict[str, Any]:
        if self.op == "rule":
            return {"rule": self.value, "hard": self.hard}
        return {"attr": self.attr, self.op: self.value, "hard": self.hard}


class SharedCap(Model):
    """A ceiling shared by several positions of a commune (e.g. pooled deputies)."""

    __tablename__ = "shared_cap"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position_codes: Mapped[list[str]] = mapped_column(JSON)
    max: Mapped[int] = mapped_column(Integer)

    commune: Mapped[Commune] = relationship(back_populates="caps")


class Person(Model):
    """A cadre, civil servant or employee of an old unit, with the 2C profile fields the rules need."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("province_code", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # exchange id: CCCD where known
    has_cccd: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: unreadable in the file
    gender: Mapped[str | None] = mapped_column(String(1), nullable=True)
    ethnicity: Mapped[str | None] = mapped_column(String(60), nullable=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("old_unit.id"), index=True)
    home_commune: Mapped[str | None] = mapped_column(String(16), nullable=True)
    category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    current_title: Mapped[str | None] = mapped_column(String(255), nullable=True)
    job_family: Mapped[str | None] = mapped_column(String(64), nullable=True)
    education: Mapped[str | None] = mapped_column(String(32), nullable=True)
    field: Mapped[str | None] = mapped_column(String(64), nullable=True)
    political_theory: Mapped[str | None] = mapped_column(String(32), nullable=True)
    state_management: Mapped[str | None] = mapped_column(String(32), nullable=True)
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    service_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    ratings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    planned_for: Mapped[list[str]] = mapped_column(JSON, default=list)
    disciplined: Mapped[bool] = mapped_column(Boolean, default=False)
    disciplined_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    preferences: Mapped[list[str]] = mapped_column(JSON, default=list)
    retirement_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    rank: Mapped[str | None] = mapped_column(String(16), nullable=True)  # civil-service rank code (01.003)
    cmnd: Mapped[str | None] = mapped_column(String(12), nullable=True)  # legacy 9-digit identity card
    # the block of the old office (a Block value), from a "Khối" column or a section row "A. Khối Đảng"
    block: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # the roster row as written: [[header, text], ...]; what no field could hold stays readable here. Both
    # are read only on one person's page: deferred, so lists of people never decode them
    raw: Mapped[list[list[str]] | None] = mapped_column(JSON, default=list, nullable=True, deferred=True)
    # the reader's warnings on that row: [[column, value, message], ...], shown in the review screens
    import_notes: Mapped[list[list[str]] | None] = mapped_column(
        JSON, default=list, nullable=True, deferred=True
    )
    # pay data (issue 14); None where the roster did not say
    salary_coefficient: Mapped[float | None] = mapped_column(Float, nullable=True)
    position_allowance: Mapped[float | None] = mapped_column(Float, nullable=True)
    seniority_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    other_allowances: Mapped[int | None] = mapped_column(Integer, nullable=True)  # VND a month
    insurance_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    part_time_allowance: Mapped[int | None] = mapped_column(Integer, nullable=True)  # VND a month
    # provenance: which file and row the current values came from
    source_file: Mapped[str] = mapped_column(String(255), default="")
    source_sheet: Mapped[str] = mapped_column(String(100), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), nullable=True)
    # search: name and old post without diacritics (kept in step by a default and a flush hook)
    name_norm: Mapped[str] = mapped_column(String(200), default=fold_default("name"))
    title_norm: Mapped[str] = mapped_column(String(255), default=fold_default("current_title"))

    unit: Mapped[OldUnit] = relationship(back_populates="people")

    def to_problem_dict(self) -> dict[str, Any]:
        """The person as an item of the problem's `people` array (fields: exchange/fields.py)."""
        special = {"id": lambda: self.key, "unit": lambda: self.unit.code}
        return person_dict(lambda name: special[name]() if name in special else getattr(self, name))

    @property
    def rank_info(self) -> Any:
        """The rank of the official table (code, name, salary category, level), None when unknown."""
        from imports.ranks import ranks

        return ranks().get(self.rank) if self.rank else None


# PostgreSQL: a trigram index (pg_trgm) for substring and typo-tolerant name search; elsewhere a plain one.
Index(
    "ix_person_name_norm_trgm",
    Person.name_norm,
    postgresql_using="gin",
    postgresql_ops={"name_norm": "gin_trgm_ops"},
)
# Both databases: a province's legacy CMND numbers, found whole or by their last digits without the rows.
Index("ix_person_province_cmnd", Person.province_code, Person.cmnd)
# Both databases: a province's folded names and posts in order, searched without reading the rows.
Index(
    "ix_person_province_name_norm", Person.province_code, Person.name_norm, Person.title_norm, Person.unit_id
)


@event.listens_for(Person, "before_update")
@event.listens_for(Person, "before_insert")
def _refold_person(_mapper: Any, _connection: Any, person: Person) -> None:
    """Keep the folded search columns in step with an ORM change of the name or the old post."""
    person.name_norm = fold(person.name)
    person.title_norm = fold(person.current_title)


@event.listens_for(Person.__table__, "before_create")
def _trigram_extension(_table: Any, connection: Any, **_kw: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")


class Relation(Model):
    """Two related people (spouse, parent, child, sibling, in-law)."""

    __tablename__ = "relation"
    __table_args__ = (UniqueConstraint("person_a_id", "person_b_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    person_b_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))

    person_a: Mapped[Person] = relationship(foreign_keys=[person_a_id])
    person_b: Mapped[Person] = relationship(foreign_keys=[person_b_id])


class PersonDuplicate(Model):
    """A roster row naming a person already stored under another unit: a reviewer decides, nothing dropped."""

    __tablename__ = "person_duplicate"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)  # the stored person
    unit_id: Mapped[int] = mapped_column(ForeignKey("old_unit.id"))  # the unit whose roster also lists them
    by: Mapped[str] = mapped_column(String(20))  # cccd | name_birth_date
    source_file: Mapped[str] = mapped_column(String(255), default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the row as read, exchange format
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | kept | moved | separate
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)

    person: Mapped[Person] = relationship()
    unit: Mapped[OldUnit] = relationship()


class ImportBatch(Model):
    """One imported file: what it was, who sent it, what it changed."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # roster | merger_map | framework
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Plan(Model):
    """A named staffing scenario of a province (phương án nhân sự)."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus), default=PlanStatus.DRAFT)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # optimistic locking: every change bumps it; a stale form is refused
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the solve that produced it: status, stats (solver version, seed, problem hash, bounds)
    solver_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    solver_stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    problem_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    infeasible: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    scope_communes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # the background job that fills it
    job_state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.NONE)
    job_progress: Mapped[float] = mapped_column(default=0.0)
    job_message: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # written with every progress report; a running job silent for too long died with its worker
    job_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")

    assignments: Mapped[list[Assignment]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    shortfalls: Mapped[list[Shortfall]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    forbidden: Mapped[list[Forbidden]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    comments: Mapped[list[PlanComment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanComment.id"
    )
    parent: Mapped[Plan | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class Assignment(Model):
    """Person -> position in a plan, or the person left unplaced (position_id is null)."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("plan_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(10), default="solver")  # solver | manual
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    gaps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    early_retirement: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    plan: Mapped[Plan] = relationship(back_populates="assignments")
    person: Mapped[Person] = relationship()
    position: Mapped[Position | None] = relationship()


class Shortfall(Model):
    """A position left below its minimum by a plan, with why."""

    __tablename__ = "shortfall"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    missing: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    closest: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="shortfalls")
    position: Mapped[Position] = relationship()


class Forbidden(Model):
    """A person barred from a seat or from a whole commune in one plan."""

    __tablename__ = "forbidden"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), nullable=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="forbidden")
    person: Mapped[Person] = relationship()
    position: Mapped[Position | None] = relationship()
    commune: Mapped[Commune | None] = relationship()


class CommuneStamp(Model):
    """The edit counter of one commune in one plan (optimistic locking per commune, not per plan).

    Every edit of a plan's seats bumps the rows of the communes it touches, first thing in its transaction,
    so edits of one commune take turns while edits of different communes never wait for or refuse each
    other; the live view of a commune polls it.
    """

    __tablename__ = "commune_stamp"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)


class Presence(Model):
    """Who has a plan's commune page open: written by the page's poll, read by the same poll elsewhere."""

    __tablename__ = "presence"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LoginFailure(Model):
    """One failed sign-in from a client address: the per-address limit counts them in the database, so every
    worker process sees the same window."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class ExitChoice(Model):
    """A reviewer's pick of the exit path for a person the plan does not appoint (issue 14).

    The facts that exclude a person from Decree 178 (maternity, investigation) are recorded here, by the
    reviewer, since rosters do not carry them; discipline comes from the person."""

    __tablename__ = "exit_choice"
    __table_args__ = (UniqueConstraint("plan_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    path: Mapped[str] = mapped_column(String(20))  # policy.exits.ExitPath
    leave_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    maternity: Mapped[bool] = mapped_column(Boolean, default=False)
    volunteers: Mapped[bool] = mapped_column(Boolean, default=False)
    under_investigation: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()


class DemotionReview(Model):
    """A reviewer's verdict on a person placed lower than their old post (issue 14)."""

    __tablename__ = "demotion_review"
    __table_args__ = (UniqueConstraint("plan_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    status: Mapped[str] = mapped_column(String(20))  # accepted | another_seat
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanComment(Model):
    """A reviewer's or approver's comment on a plan, with the workflow step it came with."""

    __tablename__ = "plan_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # comment | submit | return | forward | approve
    text: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="comments")
    user: Mapped[User | None] = relationship()


class User(UserMixin, Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    # scope: a province (None only for a national admin) and optionally some of its communes
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"), nullable=True)
    communes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role == Role.ADMIN or self.role in roles


class ApiToken(Model):
    """A bearer token for the JSON API (another system reading plans); only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class AuditEntry(Model):
    """Who changed what, when, from what to what, and why; chained by hash."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    province_code: Mapped[str | None] = mapped_column(String(8), nullable=True, index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User | None] = relationship()


class CommuneStatus(Model):
    """Where the work on one commune of a plan stands (the clerk's work queue)."""

    __tablename__ = "commune_status"
    __table_args__ = (UniqueConstraint("plan_id", "commune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    # not_started | drafting | ready | returned | accepted
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commune: Mapped[Commune] = relationship()
    updated_by: Mapped[User | None] = relationship()


class CommuneComment(Model):
    """A comment on one commune of a plan, with the status change it came with (if any)."""

    __tablename__ = "commune_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
