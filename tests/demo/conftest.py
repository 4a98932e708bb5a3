"""Fixtures: the demo province's files, generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffing.demo_data import DemoFiles, demo_files
from staffing.demo_data.rosters import RosterSet, build_roster_set


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return demo_files(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def roster_set(demo: DemoFiles) -> RosterSet:
    return build_roster_set(demo.merger_map)


@pytest.fixture(scope="session")
def merger_map_path(demo: DemoFiles) -> Path:
    return demo.merger_map
