"""Fixtures for the solver tests: the sample problem and small generated ones."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
# tests/solver shares its name with the package: make sure `import solver` finds the package
sys.path.insert(0, str(HERE.parents[1]))
if getattr(sys.modules.get("solver"), "__file__", "") is None:
    del sys.modules["solver"]
sys.path.insert(0, str(HERE))

from solver_builders import SAMPLE  # noqa: E402


@pytest.fixture(scope="session")
def sample_dict() -> dict[str, Any]:
    """The shared sample problem (four communes of old Đình Lập district)."""
    return json.loads(SAMPLE.read_text(encoding="utf-8"))
