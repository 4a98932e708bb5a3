"""search columns (folded name and post, trigram index), commune work queue

Revision ID: c13a5e4c0b01
Revises: c12a0f3e5b71
Create Date: 2026-12-04 15:00:00

"""

import sqlalchemy as sa
from alembic import op

from staffing.folding import fold

# revision identifiers, used by Alembic.
revision = "c13a5e4c0b01"
down_revision = "c12a0f3e5b71"
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_norm", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("title_norm", sa.String(length=255), nullable=False, server_default=""))
    # fill the folded columns of the people already stored
    conn = op.get_bind()
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("current_title", sa.String),
        sa.column("name_norm", sa.String),
        sa.column("title_norm", sa.String),
    )
    rows = conn.execute(sa.select(person.c.id, person.c.name, person.c.current_title)).all()
    if rows:
        conn.execute(
            person.update().where(person.c.id == sa.bindparam("pid")),
            [{"pid": r.id, "name_norm": fold(r.name), "title_norm": fold(r.current_title)} for r in rows],
        )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column("name_norm", server_default=None)
        batch_op.alter_column("title_norm", server_default=None)
    op.create_index(
        "ix_person_name_norm_trgm",
        "person",
        ["name_norm"],
        postgresql_using="gin",
        postgresql_ops={"name_norm": "gin_trgm_ops"},
    )

    op.create_index(
        "ix_person_province_name_norm", "person", ["province_code", "name_norm", "title_norm", "unit_id"]
    )

    op.create_index("ix_person_province_cmnd", "person", ["province_code", "cmnd"])

    op.create_table(
        "commune_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_commune_status_commune_id_commune")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_commune_status_plan_id_plan")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"], name=op.f("fk_commune_status_updated_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_status")),
        sa.UniqueConstraint("plan_id", "commune_id", name=op.f("uq_commune_status_plan_id")),
    )
    with op.batch_alter_table("commune_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commune_status_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commune_status_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "commune_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["commune_id"], ["commune.id"], name=op.f("fk_commune_comment_commune_id_commune")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_commune_comment_plan_id_plan")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_commune_comment_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commune_comment")),
    )
    with op.batch_alter_table("commune_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commune_comment_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commune_comment_plan_id"), ["plan_id"], unique=False)


def downgrade():
    op.drop_table("commune_comment")
    op.drop_table("commune_status")
    op.drop_index("ix_person_province_cmnd", table_name="person")
    op.drop_index("ix_person_province_name_norm", table_name="person")
    op.drop_index("ix_person_name_norm_trgm", table_name="person")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("title_norm")
        batch_op.drop_column("name_norm")
