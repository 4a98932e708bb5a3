"""person: raw record, import notes, rank, CMND; birth date, gender, category may be unknown

Issue 11: a roster row is rejected only without a name or an identity; every other value the
reader cannot use stays in the person's raw record with a note, and the field stays empty.

Revision ID: b11a0c0de011
Revises: a7ae2bde55d4
Create Date: 2026-12-04 15:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b11a0c0de011'
down_revision = 'a7ae2bde55d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rank', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('cmnd', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('raw', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('import_notes', sa.JSON(), nullable=True))
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('gender', existing_type=sa.String(length=1), nullable=True)
        batch_op.alter_column('category', existing_type=sa.String(length=32), nullable=True)


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('category', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('gender', existing_type=sa.String(length=1), nullable=False)
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('import_notes')
        batch_op.drop_column('raw')
        batch_op.drop_column('cmnd')
        batch_op.drop_column('rank')
