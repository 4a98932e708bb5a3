"""person.block: the block of the old office read from a roster

Revision ID: c14b10c0de11
Revises: c13a5e4c0b01
Create Date: 2026-12-04 16:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c14b10c0de11"
down_revision = "c13a5e4c0b01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("block", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("block")
