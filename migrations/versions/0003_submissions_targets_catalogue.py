"""Submissions as data: targets entered by decision (versioned), undo of a batch, every
submitted file's validation, and the dataset catalogue of the city's data strategy.

- ``targets`` gains a load batch and versions: rows without a batch are the registry's
  (rewritten by every sync), rows with one were loaded from a file with their decision and
  survive every command;
- ``load_batches`` records who undid a batch and when, and the check that passed it;
- ``submission_checks`` / ``submission_check_units`` record every submitted file and what
  its validation found (the "correct" quality measure);
- ``datasets`` / ``dataset_indicators``: the catalogue of the three data groups, seeded
  with the city's datasets (owners and source systems as published; the sharing and
  standardisation statuses are invented for the demo and marked so).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""
from typing import Sequence, Union

from alembic import op
from alembic.util import CommandError
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

_MONTHLY_VI = 'Hằng tháng, trước ngày 5 tháng sau'
_MONTHLY_EN = 'Monthly, by the 5th of the following month'
_OFFICE_VI = 'Văn phòng UBND Thành phố'
_OFFICE_EN = "Office of the City People's Committee"
_DOSSIER_SYSTEM_VI = 'Hệ thống thông tin giải quyết thủ tục hành chính TP.HCM'
_DOSSIER_SYSTEM_EN = 'HCMC administrative-procedure information system'

# (dataset_id, group, name_vi, name_en, owner_vi, owner_en, source_vi, source_en,
#  promise_vi, promise_en, promise_days, sharing, standardisation, indicators)
CATALOGUE = (
    ('administrative_dossiers', 'people',
     'Hồ sơ thủ tục hành chính', 'Administrative-procedure dossiers',
     _OFFICE_VI, _OFFICE_EN, _DOSSIER_SYSTEM_VI, _DOSSIER_SYSTEM_EN,
     _MONTHLY_VI, _MONTHLY_EN, 36, 'shared', 'standardised',
     ('dossiers_received', 'online_dossier_share', 'on_time_rate', 'e_result_rate')),
    ('service_ratings', 'people',
     'Đánh giá mức độ hài lòng của người dân, doanh nghiệp',
     'Citizen and business satisfaction ratings',
     _OFFICE_VI, _OFFICE_EN,
     'Cổng dịch vụ công Thành phố (đánh giá theo Quyết định 766/QĐ-TTg)',
     "The city's public-service portal (ratings under Decision 766)",
     _MONTHLY_VI, _MONTHLY_EN, 36, 'shared', 'standardised', ('satisfaction_rate',)),
    ('population', 'people',
     'Dữ liệu dân cư (khai thác từ Cơ sở dữ liệu quốc gia về dân cư)',
     'Population data (from the national population database)',
     'Công an Thành phố', 'City Police',
     'Cơ sở dữ liệu quốc gia về dân cư', 'National population database',
     'Cập nhật liên tục qua kết nối', 'Continuously, through a live connection', 1,
     'partial', 'standardised', ()),
    ('civil_status', 'people',
     'Dữ liệu hộ tịch', 'Civil-status records',
     'Sở Tư pháp', 'Department of Justice',
     'Hệ thống thông tin đăng ký và quản lý hộ tịch',
     'Civil-status registration and management system',
     'Hằng ngày', 'Daily', 2, 'shared', 'in_progress', ()),
    ('public_investment', 'finance_business',
     'Kế hoạch vốn và giải ngân đầu tư công',
     'Public-investment capital plans and disbursement',
     'Sở Tài chính', 'Department of Finance',
     'Hệ thống quản lý đầu tư công – Sở Tài chính',
     'Public-investment management system – Department of Finance',
     _MONTHLY_VI, _MONTHLY_EN, 36, 'partial', 'in_progress',
     ('public_investment_disbursement',)),
    ('regional_accounts', 'finance_business',
     'Tài khoản kinh tế của Thành phố (GRDP, kinh tế số)',
     "The city's economic accounts (GRDP, digital economy)",
     'Thống kê TP.HCM', 'HCMC statistics office',
     'Hệ thống thông tin thống kê', 'Statistical information system',
     'Ước tính hằng quý, trước ngày 20 tháng đầu quý sau',
     "Quarterly estimate, by the 20th of the next quarter's first month", 112,
     'partial', 'standardised',
     ('grdp_current_prices', 'digital_economy_share_grdp',
      'digital_economy_share_grdp_statistics')),
    ('business_registration', 'finance_business',
     'Dữ liệu đăng ký doanh nghiệp', 'Business registration data',
     'Sở Tài chính', 'Department of Finance',
     'Hệ thống thông tin quốc gia về đăng ký doanh nghiệp',
     'National business registration system',
     'Hằng ngày', 'Daily', 2, 'shared', 'standardised', ()),
    ('land', 'land_urban',
     'Cơ sở dữ liệu đất đai', 'Land database',
     'Sở Nông nghiệp và Môi trường', 'Department of Agriculture and Environment',
     'Hệ thống thông tin đất đai', 'Land information system',
     'Cập nhật khi có biến động', 'On every change', 7, 'partial', 'in_progress', ()),
    ('urban_planning', 'land_urban',
     'Dữ liệu quy hoạch đô thị', 'Urban planning data',
     'Sở Quy hoạch – Kiến trúc', 'Department of Planning and Architecture',
     'Cổng thông tin quy hoạch Thành phố', "The city's planning information portal",
     'Khi quy hoạch được phê duyệt', 'When a plan is approved', 30,
     'shared', 'in_progress', ()),
    ('construction_permits', 'land_urban',
     'Dữ liệu cấp phép xây dựng', 'Construction permits',
     'Sở Xây dựng', 'Department of Construction',
     'Hệ thống cấp phép xây dựng', 'Construction permit system',
     'Hằng tháng', 'Monthly', 36, 'not_shared', 'not_started', ()),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('submission_checks',
    sa.Column('check_id', BigId, autoincrement=True, nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False, comment='page or cli'),
    sa.Column('source_name', sa.String(length=300), nullable=False, comment='the file name as sent'),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True, comment='null when the file could not be read'),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('error_row_count', sa.Integer(), nullable=False),
    sa.Column('problem_count', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False, comment='passed or refused'),
    sa.Column('problems_json', sa.Text(), nullable=True, comment='the first problems found (rule, row, column, value), for the history'),
    sa.PrimaryKeyConstraint('check_id')
    )
    with op.batch_alter_table('submission_checks', schema=None) as batch_op:
        batch_op.create_index('ix_submission_checks_checked_at', ['checked_at'], unique=False)
        batch_op.create_index('ix_submission_checks_file', ['file_sha256'], unique=False)

    op.create_table('submission_check_units',
    sa.Column('check_id', BigId, nullable=False),
    sa.Column('indicator_code', sa.String(length=60), nullable=False, comment='as written in the file (it may not exist); capital plans count towards public_investment_disbursement'),
    sa.Column('unit_code', sa.String(length=40), nullable=False, comment='as written in the file'),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('error_row_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_row_count', sa.Integer(), nullable=False),
    sa.Column('out_of_range_row_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['submission_checks.check_id'], ),
    sa.PrimaryKeyConstraint('check_id', 'indicator_code', 'unit_code')
    )

    op.create_table('datasets',
    sa.Column('dataset_id', sa.String(length=60), nullable=False),
    sa.Column('data_group', sa.String(length=20), nullable=False, comment="people, finance_business or land_urban (the city's data governance strategy)"),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('owner_vi', sa.String(length=200), nullable=False),
    sa.Column('owner_en', sa.String(length=200), nullable=False),
    sa.Column('source_system_vi', sa.String(length=300), nullable=False),
    sa.Column('source_system_en', sa.String(length=300), nullable=False),
    sa.Column('update_promise_vi', sa.String(length=200), nullable=False),
    sa.Column('update_promise_en', sa.String(length=200), nullable=False),
    sa.Column('promise_days', sa.Integer(), nullable=False, comment='the most days that may pass between two loads under the promise'),
    sa.Column('sharing_status', sa.String(length=20), nullable=False, comment='shared, partial, not_shared'),
    sa.Column('standardisation_status', sa.String(length=20), nullable=False, comment='standardised, in_progress, not_started'),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.text('false'), nullable=False, comment='the sharing and standardisation statuses are invented for the demo'),
    sa.Column('sort_order', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.PrimaryKeyConstraint('dataset_id')
    )
    op.create_table('dataset_indicators',
    sa.Column('dataset_id', sa.String(length=60), nullable=False),
    sa.Column('indicator_id', sa.String(length=60), nullable=False, comment='an indicator of the registry (no foreign key: the registry sync rewrites indicators)'),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.dataset_id'], ),
    sa.PrimaryKeyConstraint('dataset_id', 'indicator_id')
    )

    # Not in batch mode: on SQLite that would drop and rebuild load_batches, which the
    # observations' foreign keys forbid once rows refer to it; ADD COLUMN is native.
    op.add_column('load_batches', sa.Column('undone_at', sa.DateTime(), nullable=True, comment='when the batch was undone'))
    op.add_column('load_batches', sa.Column('undone_by', sa.String(length=200), nullable=True))
    op.add_column('load_batches', sa.Column('check_id', BigId, nullable=True, comment='submission_checks.check_id of the validation that passed the file (uploads only)'))
    if op.get_bind().dialect.name != 'sqlite':  # SQLite keeps no column comments
        op.alter_column('load_batches', 'batch_kind', existing_type=sa.String(length=20), comment='what the batch holds: observations, capital_plans or targets', existing_comment='what the batch holds: observations or capital_plans', existing_nullable=False, existing_server_default=sa.text("'observations'"))

    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_vi', sa.String(length=100), nullable=True, comment='e.g. Quý I for a milestone'))
        batch_op.add_column(sa.Column('label_en', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('batch_id', BigId, nullable=True, comment='null: copied from the indicator registry (rewritten by every sync); else the load batch that entered the target by decision, versioned like observations'))
        batch_op.add_column(sa.Column('loaded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True, comment='null while current'))
        batch_op.add_column(sa.Column('superseded_by_batch_id', BigId, nullable=True))
        batch_op.create_foreign_key('fk_targets_batch_id', 'load_batches', ['batch_id'], ['batch_id'])
        batch_op.create_foreign_key('fk_targets_superseded_by_batch_id', 'load_batches', ['superseded_by_batch_id'], ['batch_id'])
        batch_op.create_index('ix_targets_batch', ['batch_id'], unique=False)
        batch_op.create_index('ux_targets_loaded_current', ['indicator_id', 'unit_id', 'target_year', 'due_date'], unique=True, sqlite_where=sa.text('superseded_at IS NULL AND batch_id IS NOT NULL'), postgresql_where=sa.text('superseded_at IS NULL AND batch_id IS NOT NULL'))

    _seed_catalogue()


def _seed_catalogue() -> None:
    """The catalogue's first content, and the indicators that measure each dataset."""
    datasets = sa.table(
        'datasets', *(sa.column(name) for name in (
            'dataset_id', 'data_group', 'name_vi', 'name_en', 'owner_vi', 'owner_en',
            'source_system_vi', 'source_system_en', 'update_promise_vi', 'update_promise_en',
            'promise_days', 'sharing_status', 'standardisation_status', 'is_demo', 'sort_order',
        ))
    )
    rows = []
    for order, entry in enumerate(CATALOGUE):
        (dataset_id, group, name_vi, name_en, owner_vi, owner_en, source_vi, source_en,
         promise_vi, promise_en, days, sharing, standard, _indicators) = entry
        rows.append({
            'dataset_id': dataset_id, 'data_group': group, 'name_vi': name_vi,
            'name_en': name_en, 'owner_vi': owner_vi, 'owner_en': owner_en,
            'source_system_vi': source_vi, 'source_system_en': source_en,
            'update_promise_vi': promise_vi, 'update_promise_en': promise_en,
            'promise_days': days, 'sharing_status': sharing,
            'standardisation_status': standard, 'is_demo': True, 'sort_order': order,
        })
    op.bulk_insert(datasets, rows)
    links = sa.table('dataset_indicators', sa.column('dataset_id'), sa.column('indicator_id'))
    pairs = [
        {'dataset_id': entry[0], 'indicator_id': code}
        for entry in CATALOGUE for code in entry[13]
    ]
    if pairs:
        op.bulk_insert(links, pairs)


def downgrade() -> None:
    """Downgrade schema: refused while it would drop targets loaded from files, an undo, or
    the record of submitted files, which are not demo data."""
    bind = op.get_bind()
    loaded_targets = bind.execute(
        sa.text('SELECT COUNT(*) FROM targets WHERE batch_id IS NOT NULL')
    ).scalar_one()
    checks = bind.execute(sa.text('SELECT COUNT(*) FROM submission_checks')).scalar_one()
    undone = bind.execute(
        sa.text('SELECT COUNT(*) FROM load_batches WHERE undone_at IS NOT NULL')
    ).scalar_one()
    if loaded_targets or checks or undone:
        # No command deletes data it did not create: this downgrade would.
        raise CommandError(
            f'the warehouse holds {loaded_targets} target(s) loaded from files, {checks} '
            f'record(s) of submitted files and {undone} undone batch(es); downgrading below '
            '0003 would drop them, so nothing was changed. Export them first'
        )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index('ux_targets_loaded_current', sqlite_where=sa.text('superseded_at IS NULL AND batch_id IS NOT NULL'), postgresql_where=sa.text('superseded_at IS NULL AND batch_id IS NOT NULL'))
        batch_op.drop_index('ix_targets_batch')
        batch_op.drop_constraint('fk_targets_superseded_by_batch_id', type_='foreignkey')
        batch_op.drop_constraint('fk_targets_batch_id', type_='foreignkey')
        batch_op.drop_column('superseded_by_batch_id')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('loaded_at')
        batch_op.drop_column('batch_id')
        batch_op.drop_column('label_en')
        batch_op.drop_column('label_vi')

    if bind.dialect.name == 'sqlite':
        # Natively (SQLite 3.35+): batch mode would rebuild load_batches, which the
        # observations' foreign keys forbid while rows refer to it.
        op.execute('ALTER TABLE load_batches DROP COLUMN check_id')
        op.execute('ALTER TABLE load_batches DROP COLUMN undone_by')
        op.execute('ALTER TABLE load_batches DROP COLUMN undone_at')
    else:
        op.drop_column('load_batches', 'check_id')
        op.drop_column('load_batches', 'undone_by')
        op.drop_column('load_batches', 'undone_at')
        op.alter_column('load_batches', 'batch_kind', existing_type=sa.String(length=20), comment='what the batch holds: observations or capital_plans', existing_nullable=False)

    op.drop_table('dataset_indicators')
    op.drop_table('datasets')
    op.drop_table('submission_check_units')
    with op.batch_alter_table('submission_checks', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_checks_file')
        batch_op.drop_index('ix_submission_checks_checked_at')
    op.drop_table('submission_checks')

