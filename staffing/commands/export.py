"""`staffing export decisions|workbook`: write a plan's decisions or workbook to disk."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..audit import record
from ..exports.compose import MODES
from ..extensions import db
from ..models import Plan
from ..services import exits as exits_service
from ..services import exports


def _plan(plan_id: int) -> Plan:
    plan: Plan | None = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.UsageError(f"Không có phương án số {plan_id} (no such plan).")
    return plan


def _progress(label: str) -> exports.Progress:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 2 or done == total:
            last[0] = now
            click.echo(f"{label}: {done}/{total}", err=True)

    return report


@click.group("export")
def export() -> None:
    """Xuất quyết định và bảng tính của phương án (export decisions and workbooks)."""


@export.command("decisions")
@click.option("--plan", "plan_id", type=int, required=True, help="Plan id.")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output folder, or a file ending in .zip.",
)
@click.option("--mode", type=click.Choice(MODES), default="per_person", show_default=True)
@click.option(
    "--with-exits/--no-exits",
    default=True,
    show_default=True,
    help="With the decisions for the people who leave and the miễn nhiệm of the old posts that end "
    "(batched after the appointments, in the same table of contents); --no-exits leaves them out.",
)
@with_appcontext
def decisions(plan_id: int, out: Path, mode: str, with_exits: bool) -> None:
    """Write the plan's decisions (.docx, a folder per commune) and their table of contents."""
    plan = _plan(plan_id)
    started = time.monotonic()
    extra = exits_service.exit_docs_for(plan) if with_exits else None
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            _name, count = exports.decisions_zip(
                plan, fh, mode, progress=_progress("Quyết định"), extra_docs=extra
            )
    else:
        written = exports.decisions_to_dir(
            plan, out, mode, progress=_progress("Quyết định"), extra_docs=extra
        )
        count = len(written) - 1
    record(
        "export",
        "decisions",
        user=None,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"file": str(out), "mode": mode, "count": count, "status": plan.status.value, "via": "cli"},
    )
    db.session.commit()
    status = "" if plan.status.value == "approved" else " (DỰ THẢO: phương án chưa được phê duyệt)"
    click.echo(f"Đã xuất {count} quyết định vào {out} trong {time.monotonic() - started:.1f} s{status}.")


@export.command("workbook")
@click.option("--plan", "plan_id", type=int, required=True, help="Plan id.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
@with_appcontext
def workbook(plan_id: int, out: Path) -> None:
    """Write the plan's workbook (.xlsx)."""
    plan = _plan(plan_id)
    _name, blob = exports.workbook(plan)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    record(
        "export",
        "workbook",
        user=None,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"file": str(out), "status": plan.status.value, "via": "cli"},
    )
    db.session.commit()
    click.echo(f"Đã ghi bảng tính {out}.")


@export.command("exits")
@click.option("--plan", "plan_id", type=int, required=True, help="Plan id.")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder.",
)
@with_appcontext
def exits(plan_id: int, out: Path) -> None:
    """Write the đề án tinh giản annex (de-an-tinh-gian.xlsx) and the exit decisions (.docx)."""
    plan = _plan(plan_id)
    data = exits_service.load_exit_data(plan)
    files = exits_service.exit_files(data, exports.document_settings(plan.province_code))
    for name, blob in files:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
    uncomputed = sum(1 for r in data.rows if r.result.total is None)
    total = sum(r.result.total or 0 for r in data.rows)
    record(
        "export",
        "exits",
        user=None,
        entity_id=plan.id,
        province_code=plan.province_code,
        plan_id=plan.id,
        after={"file": str(out), "people": len(data.rows), "decisions": len(files) - 1, "via": "cli"},
    )
    db.session.commit()
    status = "" if plan.status.value == "approved" else " (DỰ THẢO: phương án chưa được phê duyệt)"
    amount = f"{total:,}".replace(",", ".")
    click.echo(
        f"Đã ghi {out / files[0][0]}: {len(data.rows)} người không được bố trí, kinh phí {amount} đồng "
        f"({uncomputed} người chưa tính được); {len(files) - 1} quyết định{status}."
    )
