"""The layering of the code, read from its imports (module-level and inside functions alike).

- imports/ and solver/ never import staffing/, Flask or the database, nor each other;
- exchange/ (the one list of a person's fields) imports none of the others: readers, solver and app share it;
- no circle of imports between any modules of staffing/, solver/ and imports/: every dependency points one
  way, so each module can be read (and changed) with only what it imports in mind.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("staffing", "exchange", "solver", "imports", "policy")
FORBIDDEN_BELOW = {
    # the one list of a person's fields, which readers, solver and app derive from: owned by none of them
    "exchange": (
        "staffing",
        "flask",
        "flask_sqlalchemy",
        "flask_login",
        "sqlalchemy",
        "psycopg",
        "imports",
        "solver",
        "policy",
    ),
    "imports": ("staffing", "flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "psycopg", "solver"),
    "solver": ("staffing", "flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "psycopg", "imports"),
    # the exit-allowance formulas: pure functions of their inputs (issue 14)
    "policy": (
        "staffing",
        "flask",
        "flask_sqlalchemy",
        "flask_login",
        "sqlalchemy",
        "psycopg",
        "imports",
        "solver",
    ),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts:  # Alembic's scripts are loaded by Alembic, not imported
                continue
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import statement of a module, at any depth (lazy ones too).

    `from package import name` counts as importing `package.name` when that is a module, else `package`.
    Imports under `if TYPE_CHECKING:` count too: a circle of types is still a circle to the reader."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                yield (full if full in MODULES else target), node.lineno


def _graph() -> dict[str, dict[str, int]]:
    graph: dict[str, dict[str, int]] = {}
    for name, path in MODULES.items():
        edges = graph.setdefault(name, {})
        for target, line in _imported(name, path):
            if target in MODULES and target != name:
                edges.setdefault(target, line)
    return graph


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_is_read() -> None:
    """The reader sees the imports it must (a broken reader would pass the other tests vacuously)."""
    graph = _graph()
    assert "solver.problem" in graph["solver.solve"]
    assert "staffing.tasks" in graph["staffing.commands"]  # a function-level import (the worker command)
    assert "staffing.models" in graph["staffing.services.plans"]


def test_no_import_cycle() -> None:
    graph = _graph()
    cycles = _cycles(graph)
    described = [
        "; ".join(f"{a} -> {b} (line {graph[a][b]})" for a in c for b in c if b in graph[a]) for c in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(described)


@pytest.mark.parametrize("package", sorted(FORBIDDEN_BELOW))
def test_lower_layers_stay_free_of_the_app(package: str) -> None:
    bad = [
        f"{name}:{line} imports {target}"
        for name, path in MODULES.items()
        if name.split(".")[0] == package
        for target, line in _imported(name, path)
        if target.split(".")[0] in FORBIDDEN_BELOW[package]
    ]
    assert not bad, "\n".join(bad)


RENDERING_NEVER_IMPORTS = (
    *("sqlalchemy", "psycopg", "staffing.extensions", "staffing.models", "staffing.audit"),  # the database
    *("flask", "flask_sqlalchemy", "flask_login", "flask_babel", "flask_wtf", "werkzeug"),  # Flask
    *("staffing.services", "staffing.access"),  # the service layer, scope
)


def test_export_rendering_never_reads_the_database() -> None:
    """staffing/exports renders finished records, nothing more: reading the plan is the service layer's job,
    sending the files the blueprint's (staffing/downloads) and the commands' (staffing/commands/export.py)."""
    rendering = [name for name in MODULES if name.startswith("staffing.exports")]
    assert {"staffing.exports.compose", "staffing.exports.plandata", "staffing.exports.workbooks"} <= set(
        rendering
    )
    bad = [
        f"{name}:{line} imports {target}"
        for name in rendering
        for target, line in _imported(name, MODULES[name])
        if target == "staffing"
        or any(target == banned or target.startswith(banned + ".") for banned in RENDERING_NEVER_IMPORTS)
    ]
    assert not bad, "\n".join(bad)
