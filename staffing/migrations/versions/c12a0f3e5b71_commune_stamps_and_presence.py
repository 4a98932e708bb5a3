"""commune stamps (optimistic locking per commune), presence on commune pages, login failures per address

Revision ID: c12a0f3e5b71
Revises: b11a0c0de011
Create Date: 2026-12-04 15:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c12a0f3e5b71'
down_revision = 'b11a0c0de011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('commune_stamp',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_commune_stamp_changed_by_id_user')),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_commune_stamp_commune_id_commune')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_commune_stamp_plan_id_plan')),
    sa.PrimaryKeyConstraint('plan_id', 'commune_id', name=op.f('pk_commune_stamp'))
    )
    op.create_table('presence',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_presence_commune_id_commune')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_presence_plan_id_plan')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_presence_user_id_user')),
    sa.PrimaryKeyConstraint('plan_id', 'commune_id', 'user_id', name=op.f('pk_presence'))
    )
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presence_seen_at'), ['seen_at'], unique=False)


    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))
        batch_op.drop_index(batch_op.f('ix_login_failure_address'))
    op.drop_table('login_failure')
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_seen_at'))
    op.drop_table('presence')
    op.drop_table('commune_stamp')
