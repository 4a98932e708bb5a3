"""The demo province: Lạng Sơn's real merger map and synthetic rosters for its old units.

`lang-son/merger-map.xlsx` and `lang-son/framework.xlsx` are committed (public facts and a
framework modelled on the sample problem; regenerate with
`python -m staffing.demo_data.build_public`); the rosters are generated on demand by a
seeded script (`rosters.py`), so they stay out of the repository.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from staffing.demo_data.files import generate_rosters
from staffing.demo_data.rosters import DEFAULT_SEED, read_units

DEMO_DIR = Path(__file__).resolve().parent / "lang-son"
PROVINCE = {"code": "20", "name": "Lạng Sơn"}
MERGER_MAP_FILE = "merger-map.xlsx"
FRAMEWORK_FILE = "framework.xlsx"


@dataclass(frozen=True)
class DemoFiles:
    """The files of the demo province, ready for the importers."""

    merger_map: Path
    framework: Path
    rosters: dict[str, Path]  # old unit code -> roster file


def demo_files(workdir: Path, seed: int = DEFAULT_SEED) -> DemoFiles:
    """Copy the committed files into workdir and generate every old unit's roster next to them."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    merger_map = Path(shutil.copyfile(DEMO_DIR / MERGER_MAP_FILE, workdir / MERGER_MAP_FILE))
    framework = Path(shutil.copyfile(DEMO_DIR / FRAMEWORK_FILE, workdir / FRAMEWORK_FILE))
    paths = generate_rosters(merger_map, workdir / "rosters", seed)
    units, _ = read_units(merger_map)
    rosters = {unit.code: path for unit, path in zip(units, paths, strict=True)}
    return DemoFiles(merger_map=merger_map, framework=framework, rosters=rosters)
