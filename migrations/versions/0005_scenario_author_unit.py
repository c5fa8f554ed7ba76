"""Saved scenarios remember the unit their author was limited to (issue 13, item 2): a
unit-scoped user sees the official scenarios and those saved by users of the same scope.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_unit', sa.String(length=40), nullable=True, comment="the unit the author was limited to (as the identity provider names it); null: the whole city"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('scenarios', schema=None) as batch_op:
        batch_op.drop_column('author_unit')
