"""Saved scenarios remember the unit their author was limited to (issue 13, item 2): a
unit-scoped user sees the official scenarios and those saved by users of the same scope.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_unit', sa.String(length=40), nullable=True, comment="the unit the author was limited to (as the identity provider names it); null: the whole city"))


def downgrade() -> None:
    """Downgrade schema: refused while a saved scenario records its author's unit (dropping
    the column would lose it)."""
    kept = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM scenarios WHERE author_unit IS NOT NULL")
    ).scalar_one()
    if kept:
        # No command deletes data it did not create: this downgrade would.
        raise CommandError(
            f"{kept} saved scenario(s) record the unit their author was limited to; "
            "downgrading below 0006 would drop it, so nothing was changed"
        )
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_column('author_unit')
