"""The `staffing` command: the group that builds the app (staffing.create_app) and carries its commands.

The commands themselves are in staffing/commands/; the app factory adds them to app.cli too, so they are
reachable as `flask --app staffing ...` and from app.test_cli_runner().
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import create_app
from .commands import COMMANDS
from .models import Person, PlanStatus


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """staffing — bố trí cán bộ, công chức cho xã, phường mới (staff the new communes)."""


for _cmd in COMMANDS:
    main.add_command(_cmd)

__all__ = ["Person", "PlanStatus", "main"]

if __name__ == "__main__":
    main()
