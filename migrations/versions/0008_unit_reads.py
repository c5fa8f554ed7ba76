"""The Unit page's reads at scale (issue 12).

* ``ix_observations_unit_totals``: one unit's totals (``breakdown_key = ''``) by
  indicator and month. The page's submissions read every version of one unit's totals
  (``queries.unit_submissions``); no index was led by the unit (the current-row index
  holds current rows only), so PostgreSQL scanned the whole table (tier L, 16 M rows:
  1,681 ms; 256 ms with a full index on the unit, the breakdown and the month). Partial:
  the rows split by procedure or sector (two thirds of tier M, most of a large load)
  stay out, so at tier M it is 50 MB instead of 196 MB, built in 2 s instead of 12-17 s,
  and a resubmission of 100,000 scattered rows takes 7 % longer instead of 31 %.
  Queries that mean to use it say ``breakdown_key = ''`` in their text.
* ``st_observations_indicator_breakdown`` (PostgreSQL only): statistics of the pairs
  (indicator, breakdown), so that the planner no longer takes the online share's unit
  totals for a large part of the table (its procedure rows are most of it) and reads the
  city's series through ``ix_observations_indicator_month`` instead of a sequential scan.

Revision ID: 0008_unit_reads
Revises: 0007_perf
Create Date: 2026-11-30

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008_unit_reads'
down_revision: Union[str, Sequence[str], None] = '0007_perf'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATISTICS = 'st_observations_indicator_breakdown'


def upgrade() -> None:
    """Upgrade schema."""
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        # The index sorts every row of the table (tier L: 37.6 s), longer than the
        # engine's 30-second statement limit, and in the server's default 64 MB of sort
        # memory it sorts on disk. Both for this transaction only, as demo.build does
        # when it builds the bulk's indexes again. Loads wait for the index; reads do not.
        op.execute(
            sa.text(
                "SELECT set_config('statement_timeout', '0', true), "
                "set_config('maintenance_work_mem', '512MB', true)"
            )
        )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index(
            'ix_observations_unit_totals',
            ['unit_id', 'indicator_id', 'period_year', 'period_month'],
            unique=False,
            sqlite_where=sa.text("breakdown_key = ''"),
            postgresql_where=sa.text("breakdown_key = ''"),
        )
    if postgresql:
        op.execute(
            sa.text(
                f'CREATE STATISTICS {STATISTICS} (mcv) '
                'ON indicator_id, breakdown_key FROM observations'
            )
        )
        # A statistics object is empty until the table is analysed (a sample: about a
        # second at tier L).
        op.execute(sa.text('ANALYZE observations'))


def downgrade() -> None:
    """Downgrade schema: an index and statistics only, no data."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text(f'DROP STATISTICS IF EXISTS {STATISTICS}'))
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index('ix_observations_unit_totals')
