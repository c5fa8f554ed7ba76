"""Computed forecast backtests kept across restarts (issue 12): a restart's warm-up reads
them instead of refitting every model (``data_access.stored_reports``).

Revision ID: 0007_perf
Revises: 0006
Create Date: 2026-11-29

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007_perf'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'stored_reports',
        sa.Column('report_key', sa.String(length=64), nullable=False, comment='digest of (kind, indicator, series content, data version, code fingerprint)'),
        sa.Column('kind', sa.String(length=20), nullable=False, comment='what was computed: backtest'),
        sa.Column('indicator_code', sa.String(length=60), nullable=False),
        sa.Column('series_digest', sa.String(length=64), nullable=False, comment="the series' content (its scope)"),
        sa.Column('data_version', sa.String(length=200), nullable=False, comment="the warehouse's data version"),
        sa.Column('code_fingerprint', sa.String(length=64), nullable=False, comment='digest of the code and settings that computed it'),
        sa.Column('payload', sa.LargeBinary(), nullable=False),
        sa.Column('payload_bytes', sa.Integer(), nullable=False),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('report_key'),
    )
    with op.batch_alter_table('stored_reports', schema=None) as batch_op:
        batch_op.create_index('ix_stored_reports_written_at', ['written_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema: the table holds only figures the app can compute again."""
    with op.batch_alter_table('stored_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_reports_written_at')
    op.drop_table('stored_reports')
