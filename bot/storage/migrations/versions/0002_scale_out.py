"""scale-out: claim leases and edit versions, failed jobs, room for encrypted tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TOKENS = {
    'slack_installations': ('bot_token', 'bot_refresh_token', 'user_token', 'user_refresh_token'),
    'slack_bots': ('bot_token', 'bot_refresh_token'),
}


def upgrade() -> None:
    with op.batch_alter_table('mixlingo_translations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('source_version', sa.String(length=32), nullable=True))

    op.create_table('mixlingo_failed_jobs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retried_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    for table, columns in TOKENS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=200), type_=sa.String(length=1000),
                                      existing_nullable=True)


def downgrade() -> None:
    for table, columns in TOKENS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=1000), type_=sa.String(length=200),
                                      existing_nullable=True)
    op.drop_table('mixlingo_failed_jobs')
    with op.batch_alter_table('mixlingo_translations', schema=None) as batch_op:
        batch_op.drop_column('source_version')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('holder')
