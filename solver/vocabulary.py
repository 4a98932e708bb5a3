"""The vocabulary of the exchange format (shared/spec/problem-format.md): levels, kinds, scales, attributes.

Every other module of the solver takes these names from here; solver.problem re-exports them.
"""

from __future__ import annotations

from exchange.fields import PERSON_KEYS as FIELD_KEYS
from exchange.fields import SCALES as PERSON_SCALES

FORMAT = "staffing-problem/1"

LEVELS = ("key", "head", "deputy", "staff")
LEADERSHIP = frozenset({"key", "head", "deputy"})
BLOCKS = frozenset({"dang", "hdnd", "ubnd", "mttq", "su_nghiep", "quan_su"})
COMMUNE_KINDS = frozenset({"xa", "phuong", "dac_khu"})
UNIT_KINDS = frozenset({"old_commune", "district_agency"})
GENDERS = frozenset({"M", "F"})
CATEGORIES = frozenset({"can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach"})
RELATION_KINDS = frozenset({"spouse", "parent", "child", "sibling", "in_law"})

# a person's scales come from the one list of a person's fields (exchange/fields.py)
SCALES: dict[str, tuple[str, ...]] = {
    **PERSON_SCALES,
    "last_rating": ("khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac"),
}
RATING_VALUES = SCALES["last_rating"]
NUMERIC_ATTRS = frozenset({"age", "years_to_retirement", "years_of_service"})
LIST_ATTRS = frozenset({"planned_for", "preferences"})
ATTRS = frozenset(
    {
        "id",
        "name",
        "gender",
        "ethnicity",
        "unit",
        "home_commune",
        "category",
        "current_title",
        "job_family",
        "education",
        "field",
        "political_theory",
        "state_management",
        "party_member",
        "planned_for",
        "disciplined",
        "preferences",
        "birth_date",
        "service_start",
        "retirement_date",
        "age",
        "years_to_retirement",
        "years_of_service",
        "last_rating",
    }
)
RULES = frozenset({"non_local"})

TOP_KEYS = (
    "format",
    "province",
    "as_of",
    "units",
    "communes",
    "positions",
    "people",
    "relations",
    "locks",
    "forbidden",
    "previous_plan",
    "weights",
)

# the keys a person item may carry that the solver types (the others are kept in Person.extra)
PERSON_KEYS = FIELD_KEYS
