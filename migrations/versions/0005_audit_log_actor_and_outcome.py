"""The audit log says who acted with which roles and unit scope, and how it ended: the
actor's roles and unit as they were at the time, and the outcome (ok, refused, failed);
an index to list one action's entries, newest first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_roles', sa.String(length=200), nullable=True, comment="the actor's roles at the time, comma-separated; null when not known (command line, older rows)"))
        batch_op.add_column(sa.Column('actor_unit', sa.String(length=40), nullable=True, comment='the unit the actor was limited to; null: the whole city (or not known)'))
        batch_op.add_column(sa.Column('outcome', sa.String(length=12), server_default=sa.text("'ok'"), nullable=False, comment='ok, refused or failed'))
        batch_op.create_index('ix_audit_log_action_occurred_at', ['action', 'occurred_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema: refused while it would drop who acted with which roles or scope,
    or how an action ended."""
    bind = op.get_bind()
    kept = bind.execute(
        sa.text(
            "SELECT COUNT(*) FROM audit_log WHERE actor_roles IS NOT NULL "
            "OR actor_unit IS NOT NULL OR outcome <> 'ok'"
        )
    ).scalar_one()
    if kept:
        # No command deletes data it did not create: this downgrade would.
        raise CommandError(
            f'the audit log holds {kept} entr(y/ies) with the actor\'s roles, unit or an '
            'outcome other than ok; downgrading below 0005 would drop them, so nothing was '
            'changed. Export the audit log first'
        )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action_occurred_at')
        batch_op.drop_column('outcome')
        batch_op.drop_column('actor_unit')
        batch_op.drop_column('actor_roles')
