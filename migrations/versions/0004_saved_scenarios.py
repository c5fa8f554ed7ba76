"""Saved scenarios as the workspace keeps them: the scenario year, paths simulated, engine
version, a digest of the baseline's data (to tell when it has changed), when it was
re-run, whether it was run on demo data, and one official (locked) baseline per year.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=True, comment='the scenario year'))
        batch_op.add_column(sa.Column('n_paths', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('engine_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('baseline_fingerprint', sa.String(length=64), nullable=True, comment='digest of the data the baseline was built from (changes when they do)'))
        batch_op.add_column(sa.Column('rerun_at', sa.DateTime(), nullable=True, comment='when it was last re-run on newer data'))
        batch_op.add_column(sa.Column('official_year', sa.Integer(), nullable=True, comment='set on the one official (locked) baseline of a year; null for sandboxes'))
        batch_op.add_column(sa.Column('is_demo', sa.Boolean(), server_default=sa.text('false'), nullable=False, comment='run on demo data'))
        batch_op.alter_column('levers_json', existing_type=sa.Text(), comment='the overrides, as asked', existing_nullable=False)
        batch_op.alter_column('results_summary_json', existing_type=sa.Text(), comment="the results' summary figures", existing_nullable=True)
        batch_op.create_unique_constraint('uq_scenarios_official_year', ['official_year'])
        batch_op.create_index('ix_scenarios_year_created_at', ['year', 'created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema: refused while it would drop what scenarios run on real (not demo)
    data hold."""
    bind = op.get_bind()
    real = bind.execute(
        sa.text('SELECT COUNT(*) FROM scenarios WHERE NOT is_demo')
    ).scalar_one()
    if real:
        # No command deletes data it did not create: this downgrade would.
        raise CommandError(
            f'the warehouse holds {real} saved scenario(s) run on real (not demo) data; '
            'downgrading below 0004 would drop their year, seed paths, engine version and '
            'baseline digest, so nothing was changed. Export them first'
        )
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_index('ix_scenarios_year_created_at')
        batch_op.drop_constraint('uq_scenarios_official_year', type_='unique')
        batch_op.alter_column('results_summary_json', existing_type=sa.Text(), comment=None, existing_comment="the results' summary figures", existing_nullable=True)
        batch_op.alter_column('levers_json', existing_type=sa.Text(), comment=None, existing_comment='the overrides, as asked', existing_nullable=False)
        batch_op.drop_column('is_demo')
        batch_op.drop_column('official_year')
        batch_op.drop_column('rerun_at')
        batch_op.drop_column('baseline_fingerprint')
        batch_op.drop_column('engine_version')
        batch_op.drop_column('n_paths')
        batch_op.drop_column('year')
