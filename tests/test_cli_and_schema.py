"""The `staffing` command and the Alembic migration."""

from __future__ import annotations

from sqlalchemy import inspect

from staffing.extensions import db
from staffing.models import Province, Role, User


def test_migration_creates_the_models_schema(app, runner):
    db.drop_all()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables
    # nothing left for autogenerate to add: the migration matches the models
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_create_user_command(app, runner):
    db.session.add(Province(code="20", name="Lạng Sơn"))
    db.session.commit()
    result = runner.invoke(
        args=[
            "create-user",
            "lanhdao@langson.gov.vn",
            "--role",
            "approver",
            "--province",
            "20",
            "--password",
            "mat-khau-2025",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "lanhdao@langson.gov.vn"))
    assert user.role == Role.APPROVER and user.province_code == "20" and user.check_password("mat-khau-2025")
    weak = runner.invoke(
        args=["create-user", "x@y", "--role", "drafter", "--province", "20", "--password", "short"]
    )
    assert weak.exit_code != 0 and "ít nhất 10" in weak.output
    nowhere = runner.invoke(
        args=["create-user", "x@y", "--role", "drafter", "--province", "99", "--password", "mat-khau-2025"]
    )
    assert nowhere.exit_code != 0 and "99" in nowhere.output
