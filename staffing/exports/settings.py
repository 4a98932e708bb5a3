"""Per-province wording, issuing bodies, signers and numbering of decisions, read from replaceable files."""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "templates" / "documents"
SETTINGS_FILE = "decisions.toml"
DOCX_FILE = "decision.docx"

KINDS = ("bo_nhiem", "bo_tri", "dieu_dong", "chi_dinh")
KIND_FIELDS = (
    "label",
    "summary_person",
    "summary_group",
    "article1_person",
    "article1_group",
    "article2_person",
    "article2_group",
    "annex_title",
)
ISSUER_FIELDS = (
    "label",
    "scope",
    "party",
    "parent",
    "name",
    "number",
    "place",
    "authority",
    "decide",
    "legal_bases",
    "article3",
    "recipients",
    "sign_for",
    "sign_title",
    "signer",
    "term",
)


class SettingsError(ValueError):
    """A decisions.toml that cannot be used, with where it went wrong."""


@dataclass(frozen=True)
class Route:
    """Which kind of decision and which issuer a seat takes."""

    kind: str
    issuer: str
    district_kind: str | None = None
    district_issuer: str | None = None


@dataclass(frozen=True)
class DocumentSettings:
    """Everything a province's decisions need, merged from the files."""

    province_code: str
    general: dict[str, Any]
    routing: dict[str, Route]
    blocks: dict[str, str]
    kinds: dict[str, dict[str, str]]
    issuers: dict[str, dict[str, Any]]
    province: dict[str, Any]
    docx_template: Path
    sources: tuple[Path, ...] = field(default=())
    dirs: tuple[Path, ...] = field(default=())
    # decisions for the people who leave (issue 14): kind -> {issuer, district_issuer, party_issuer}
    exit_routing: dict[str, dict[str, str]] = field(default_factory=dict)

    def template_for(self, issuer: str) -> Path:
        """The .docx an issuer's decisions are laid out in."""
        return find_docx(self.province_code, self.dirs, issuer) if self.dirs else self.docx_template

    def route(self, block: str, level: str, from_district: bool) -> tuple[str, str]:
        """(kind, issuer key) of a seat, first match of block.level, block.*, *.level, *.*."""
        for key in (f"{block}.{level}", f"{block}.*", f"*.{level}", "*.*"):
            rule = self.routing.get(key)
            if rule is not None:
                if from_district and rule.district_kind:
                    return rule.district_kind, rule.district_issuer or rule.issuer
                return rule.kind, rule.issuer
        raise SettingsError(f"routing: no rule for {block}.{level} and no '*.*'")


def search_dirs(instance_path: str | Path | None, extra: list[str | Path] | None = None) -> list[Path]:
    """Folders searched for templates, most specific last: templates/documents, then the instance's."""
    dirs = [DEFAULT_DIR]
    if instance_path:
        dirs.append(Path(instance_path) / "documents")
    dirs.extend(Path(d) for d in extra or [])
    return dirs


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged into a copy of `base`: tables merge, anything else replaces."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def find_docx(province_code: str, dirs: list[Path] | tuple[Path, ...], issuer: str | None = None) -> Path:
    """The template: decision_<issuer>.docx before decision.docx, a province's first, most specific first."""
    names = ([f"decision_{issuer}.docx"] if issuer else []) + [DOCX_FILE]
    for name in names:
        for d in reversed(dirs):
            for candidate in (d / province_code / name, d / name):
                if candidate.is_file():
                    return candidate
    raise SettingsError(f"no {DOCX_FILE} in {', '.join(str(d) for d in dirs)}")


def load_settings(province_code: str, dirs: list[Path]) -> DocumentSettings:
    """Read and merge decisions.toml files of the folders, then the province's section; validate."""
    merged: dict[str, Any] = {}
    sources: list[Path] = []
    for d in dirs:
        for path in (d / SETTINGS_FILE, d / province_code / SETTINGS_FILE):
            if path.is_file():
                merged = deep_merge(merged, _read_toml(path))
                sources.append(path)
    if not sources:
        raise SettingsError(f"no {SETTINGS_FILE} in {', '.join(str(d) for d in dirs)}")
    provinces = merged.pop("provinces", {}) or {}
    own = dict(provinces.get(province_code, {}) or {})
    merged = deep_merge(merged, {k: v for k, v in own.items() if isinstance(v, dict)})
    province = {k: v for k, v in own.items() if not isinstance(v, dict)}
    settings = DocumentSettings(
        province_code=province_code,
        general=dict(merged.get("general", {})),
        routing={k: Route(**v) for k, v in (merged.get("routing") or {}).items()},
        blocks=dict(merged.get("blocks", {})),
        kinds=merged.get("kinds", {}),
        issuers=merged.get("issuers", {}),
        province=province,
        docx_template=find_docx(province_code, dirs),
        sources=tuple(sources),
        dirs=tuple(dirs),
        exit_routing=dict(merged.get("exit_routing", {})),
    )
    validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc


def validate(settings: DocumentSettings) -> None:
    """Fail early, naming the missing key, rather than halfway through a batch."""
    problems: list[str] = []
    for kind in KINDS:
        spec = settings.kinds.get(kind)
        if spec is None:
            problems.append(f"kinds.{kind} is missing")
            continue
        problems += [f"kinds.{kind}.{f} is missing" for f in KIND_FIELDS if f not in spec]
    for key, rule in settings.routing.items():
        for kind in filter(None, (rule.kind, rule.district_kind)):
            if kind not in settings.kinds:
                problems.append(f"routing.{key}: unknown kind {kind!r}")
        for issuer in filter(None, (rule.issuer, rule.district_issuer)):
            if issuer not in settings.issuers:
                problems.append(f"routing.{key}: unknown issuer {issuer!r}")
    for key, spec in settings.issuers.items():
        problems += [f"issuers.{key}.{f} is missing" for f in ISSUER_FIELDS if f not in spec]
    for kind, exit_rule in settings.exit_routing.items():
        if kind not in settings.kinds:
            problems.append(f"exit_routing.{kind}: unknown kind")
        for issuer in exit_rule.values():
            if issuer not in settings.issuers:
                problems.append(f"exit_routing.{kind}: unknown issuer {issuer!r}")
    if "*.*" not in settings.routing:
        problems.append("routing: '*.*' is missing")
    for template in _all_templates(settings):
        try:
            compile_text(template)
        except Exception as exc:  # a syntax error names the template it is in
            problems.append(f"template {template[:60]!r}: {exc}")
    if problems:
        raise SettingsError("; ".join(problems))


def _all_templates(settings: DocumentSettings) -> list[str]:
    out = list(settings.blocks.values())
    for spec in settings.kinds.values():
        out += [v for v in spec.values() if isinstance(v, str)]
    for spec in settings.issuers.values():
        for value in spec.values():
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
    return out


_SPACES = re.compile(r"[ \t\r\n]+")  # not NBSP: a blank number is kept as non-breaking spaces
_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


@lru_cache(maxsize=4096)
def compile_text(source: str) -> Any:
    """A compiled (sandboxed, strict) Jinja template of one text value, cached."""
    return _env.from_string(source)


def render_text(source: str, context: dict[str, Any]) -> str:
    """One text value rendered, with runs of spaces collapsed."""
    if "{" not in source:
        return source
    return _SPACES.sub(" ", compile_text(source).render(context)).strip()
