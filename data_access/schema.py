"""The warehouse schema as SQLAlchemy Core tables.

The Alembic migrations in ``migrations/`` create and upgrade the database; this module
describes the result for the queries. ``tests/contract/test_migrations.py`` checks that
the two agree (an autogenerate diff against a freshly migrated database is empty).

Naming follows the project style: keys ``<entity>_id``, booleans ``is_``/``has_``,
timestamps ``<event>_at`` (UTC, stored without a zone), dates ``<event>_date`` or
``period_*``, units in names.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    text,
)

metadata = MetaData()

# BigInteger keys on PostgreSQL; SQLite only auto-increments a plain INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

units = Table(
    "units",
    metadata,
    Column("unit_id", String(40), primary_key=True),
    Column("unit_code", String(10), nullable=True, comment="official five-digit code"),
    Column("name_vi", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column(
        "unit_type",
        String(20),
        nullable=False,
        comment="city, former_province, ward, commune, special_zone, department, investor",
    ),
    Column("parent_unit_id", String(40), ForeignKey("units.unit_id"), nullable=True),
    Column("former_province", String(30), nullable=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("coord_source", String(30), nullable=True),
    Column("boundary_geojson", Text, nullable=True, comment="a polygon, when one is supplied"),
    Column("is_demo", Boolean, nullable=False, server_default=text("false")),
    Index("ix_units_unit_type", "unit_type"),
    Index("ix_units_former_province", "former_province"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("indicator_id", String(60), primary_key=True),
    Column("name_vi", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("frequency", String(12), nullable=False),
    Column("time_rollup", String(12), nullable=True),
    Column("is_rate", Boolean, nullable=False),
    Column("is_headline", Boolean, nullable=False),
)

targets = Table(
    "targets",
    metadata,
    Column("target_id", BigId, primary_key=True, autoincrement=True),
    Column("indicator_id", String(60), ForeignKey("indicators.indicator_id"), nullable=False),
    Column("unit_id", String(40), ForeignKey("units.unit_id"), nullable=False),
    Column("target_year", Integer, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("comparator", String(2), nullable=False),
    Column("target_value", Float, nullable=False),
    Column("is_year_end", Boolean, nullable=False),
    Column("source_document", Text, nullable=False),
    Column("source_url", Text, nullable=True),
    Column("label_vi", String(100), nullable=True, comment="e.g. Quý I for a milestone"),
    Column("label_en", String(100), nullable=True),
    Column(
        "batch_id",
        BigId,
        ForeignKey("load_batches.batch_id"),
        nullable=True,
        comment="null: copied from the indicator registry (rewritten by every sync); else the "
        "load batch that entered the target by decision, versioned like observations",
    ),
    Column("loaded_at", DateTime, nullable=True),
    Column("superseded_at", DateTime, nullable=True, comment="null while current"),
    Column(
        "superseded_by_batch_id",
        BigId,
        ForeignKey("load_batches.batch_id"),
        nullable=True,
    ),
    Index("ix_targets_indicator_year", "indicator_id", "target_year"),
    Index("ix_targets_batch", "batch_id"),
    Index(
        "ux_targets_loaded_current",
        "indicator_id",
        "unit_id",
        "target_year",
        "due_date",
        unique=True,
        sqlite_where=text("superseded_at IS NULL AND batch_id IS NOT NULL"),
        postgresql_where=text("superseded_at IS NULL AND batch_id IS NOT NULL"),
    ),
)

load_batches = Table(
    "load_batches",
    metadata,
    Column("batch_id", BigId, primary_key=True, autoincrement=True),
    Column(
        "submission_key",
        String(200),
        nullable=False,
        comment="what the batch submits; a re-sent submission with the same key replaces it",
    ),
    Column(
        "batch_kind",
        String(20),
        nullable=False,
        server_default=text("'observations'"),
        comment="what the batch holds: observations, capital_plans or targets",
    ),
    Column("source_name", String(300), nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("rows_replaced", Integer, nullable=False, server_default=text("0")),
    Column("status", String(12), nullable=False, comment="loaded or undone"),
    Column("checksum_sha256", String(64), nullable=True),
    Column("is_demo", Boolean, nullable=False, server_default=text("false")),
    Column("note", Text, nullable=True),
    Column("undone_at", DateTime, nullable=True, comment="when the batch was undone"),
    Column("undone_by", String(200), nullable=True),
    # No foreign key: SQLite could not drop the column again on a downgrade.
    Column(
        "check_id",
        BigId,
        nullable=True,
        comment="submission_checks.check_id of the validation that passed the file (uploads only)",
    ),
    Index("ix_load_batches_submission_key", "submission_key"),
)

observations = Table(
    "observations",
    metadata,
    Column("observation_id", BigId, primary_key=True, autoincrement=True),
    Column("indicator_id", String(60), ForeignKey("indicators.indicator_id"), nullable=False),
    Column("unit_id", String(40), ForeignKey("units.unit_id"), nullable=False),
    Column(
        "period_year",
        Integer,
        nullable=False,
        comment="the year the figure counts towards: the calendar year, except a "
        "disbursement extension month (January), which counts towards the plan year before",
    ),
    Column("period_month", Date, nullable=False, comment="first day of the month observed"),
    Column(
        "breakdown_key",
        String(80),
        nullable=False,
        server_default=text("''"),
        comment="'' for the unit's total; else a breakdowns.breakdown_key (a procedure, a "
        "sector) the row is a part of",
    ),
    Column("value", Float, nullable=True),
    Column("numerator", Float, nullable=True),
    Column("denominator", Float, nullable=True),
    Column("batch_id", BigId, ForeignKey("load_batches.batch_id"), nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("superseded_at", DateTime, nullable=True, comment="null while current"),
    Column(
        "superseded_by_batch_id",
        BigId,
        ForeignKey("load_batches.batch_id"),
        nullable=True,
    ),
    Index(
        "ux_observations_current",
        "indicator_id",
        "unit_id",
        "period_year",
        "period_month",
        "breakdown_key",
        unique=True,
        sqlite_where=text("superseded_at IS NULL"),
        postgresql_where=text("superseded_at IS NULL"),
    ),
    Index(
        "ix_observations_indicator_month",
        "indicator_id",
        "breakdown_key",
        "period_month",
        "unit_id",
    ),
    # One unit's totals, every version (the Unit page's submissions: first load and
    # versions of each period, superseded ones included, so not the current-row index).
    # Totals only: the rows split by procedure or sector, most of a large warehouse and
    # of its loads, stay out of it (migration 0008 says what each costs).
    Index(
        "ix_observations_unit_totals",
        "unit_id",
        "indicator_id",
        "period_year",
        "period_month",
        sqlite_where=text("breakdown_key = ''"),
        postgresql_where=text("breakdown_key = ''"),
    ),
    Index("ix_observations_batch", "batch_id"),
    Index("ix_observations_superseded_by_batch", "superseded_by_batch_id"),
)

OBSERVATIONS_INDICATOR_BREAKDOWN_STATISTICS = "st_observations_indicator_breakdown"
"""PostgreSQL's statistics of the pairs (indicator, breakdown) in ``observations``
(migration 0008; Alembic's autogenerate does not compare statistics objects). Without
them the planner multiplies the two columns' frequencies as if they were independent:
at tier M the online share's 15,000 current unit totals (its 1.9 M other rows are split by
procedure) were taken for some 600,000, and the city's series was read by a sequential
scan of the whole table (450 ms; 20 ms through ``ix_observations_indicator_month``)."""

event.listen(
    observations,
    "after_create",
    DDL(
        f"CREATE STATISTICS {OBSERVATIONS_INDICATOR_BREAKDOWN_STATISTICS} (mcv) "
        "ON indicator_id, breakdown_key FROM observations"
    ).execute_if(dialect="postgresql"),
)

breakdowns = Table(
    "breakdowns",
    metadata,
    Column(
        "breakdown_key",
        String(80),
        primary_key=True,
        comment="<dimension>:<code>, e.g. procedure:1.001612 or sector:C",
    ),
    Column("dimension", String(20), nullable=False, comment="procedure or sector"),
    Column("code", String(60), nullable=False),
    Column("name_vi", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("sort_order", Integer, nullable=False, server_default=text("0")),
    Column(
        "attributes_json",
        Text,
        nullable=True,
        comment="what the dimension adds, e.g. a procedure's online availability",
    ),
    Column("is_demo", Boolean, nullable=False, server_default=text("false")),
    Index("ix_breakdowns_dimension", "dimension", "sort_order"),
)

capital_plans = Table(
    "capital_plans",
    metadata,
    Column("capital_plan_id", BigId, primary_key=True, autoincrement=True),
    Column("unit_id", String(40), ForeignKey("units.unit_id"), nullable=False),
    Column("plan_year", Integer, nullable=False),
    Column(
        "effective_date",
        Date,
        nullable=False,
        comment="the day the plan (or its revision) takes effect; it applies to every "
        "month-end figure from then on",
    ),
    Column("plan_billion_vnd", Float, nullable=False),
    Column("source_document", Text, nullable=False, comment="the decision that sets it"),
    Column("batch_id", BigId, ForeignKey("load_batches.batch_id"), nullable=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("superseded_at", DateTime, nullable=True, comment="null while current"),
    Column(
        "superseded_by_batch_id",
        BigId,
        ForeignKey("load_batches.batch_id"),
        nullable=True,
    ),
    Index(
        "ux_capital_plans_current",
        "unit_id",
        "plan_year",
        "effective_date",
        unique=True,
        sqlite_where=text("superseded_at IS NULL"),
        postgresql_where=text("superseded_at IS NULL"),
    ),
    Index("ix_capital_plans_year", "plan_year", "unit_id"),
    Index("ix_capital_plans_batch", "batch_id"),
)

published_figures = Table(
    "published_figures",
    metadata,
    Column("published_figure_id", BigId, primary_key=True, autoincrement=True),
    Column("indicator_code", String(60), nullable=False),
    Column("period_kind", String(24), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("qualifier", String(12), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("territory", String(12), nullable=False),
    Column("basis", String(200), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("plan_billion_vnd", Float, nullable=True),
    Column("source_url", Text, nullable=False),
    Column("published_on", String(10), nullable=False, comment="as precise as the source"),
    Column("note", Text, nullable=True),
    Index("ix_published_figures_indicator", "indicator_code", "period_end"),
)

scenarios = Table(
    "scenarios",
    metadata,
    Column("scenario_id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("author", String(200), nullable=False),
    Column(
        "author_unit",
        String(40),
        nullable=True,
        comment="the unit the author was limited to (as the identity provider names it); "
        "null: the whole city",
    ),
    Column("created_at", DateTime, nullable=False),
    Column("is_official", Boolean, nullable=False, server_default=text("false")),
    Column("seed", BigInteger, nullable=False),
    Column("levers_json", Text, nullable=False, comment="the overrides, as asked"),
    Column("results_summary_json", Text, nullable=True, comment="the results' summary figures"),
    Column("year", Integer, nullable=True, comment="the scenario year"),
    Column("n_paths", Integer, nullable=True),
    Column("engine_version", String(20), nullable=True),
    Column(
        "baseline_fingerprint",
        String(64),
        nullable=True,
        comment="digest of the data the baseline was built from (changes when they do)",
    ),
    Column("rerun_at", DateTime, nullable=True, comment="when it was last re-run on newer data"),
    Column(
        "official_year",
        Integer,
        nullable=True,
        comment="set on the one official (locked) baseline of a year; null for sandboxes",
    ),
    Column(
        "is_demo",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="run on demo data",
    ),
    UniqueConstraint("official_year", name="uq_scenarios_official_year"),
    Index("ix_scenarios_year_created_at", "year", "created_at"),
)
"""Saved scenarios: analysts' sandboxes and one official (locked) baseline per year."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", BigId, primary_key=True, autoincrement=True),
    Column("occurred_at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object_type", String(60), nullable=False),
    Column("object_id", String(200), nullable=True),
    Column("detail_json", Text, nullable=True),
    Column(
        "actor_roles",
        String(200),
        nullable=True,
        comment="the actor's roles at the time, comma-separated; null when not known "
        "(command line, older rows)",
    ),
    Column(
        "actor_unit",
        String(40),
        nullable=True,
        comment="the unit the actor was limited to; null: the whole city (or not known)",
    ),
    Column(
        "outcome",
        String(12),
        nullable=False,
        server_default=text("'ok'"),
        comment="ok, refused or failed",
    ),
    Index("ix_audit_log_occurred_at", "occurred_at"),
    Index("ix_audit_log_action_occurred_at", "action", "occurred_at"),
)
"""Who did what (DESIGN §7, issue 13 item 3): written by :mod:`data_access.audit`."""

submission_checks = Table(
    "submission_checks",
    metadata,
    Column("check_id", BigId, primary_key=True, autoincrement=True),
    Column("checked_at", DateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("channel", String(10), nullable=False, comment="page or cli"),
    Column("source_name", String(300), nullable=False, comment="the file name as sent"),
    Column("file_sha256", String(64), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("kind", String(20), nullable=True, comment="null when the file could not be read"),
    Column("row_count", Integer, nullable=False),
    Column("error_row_count", Integer, nullable=False),
    Column("problem_count", Integer, nullable=False),
    Column("outcome", String(10), nullable=False, comment="passed or refused"),
    Column(
        "problems_json",
        Text,
        nullable=True,
        comment="the first problems found (rule, row, column, value), for the history",
    ),
    Index("ix_submission_checks_checked_at", "checked_at"),
    Index("ix_submission_checks_file", "file_sha256"),
)
"""Every file submitted to the warehouse (uploaded on the Data page, or given to
``python -m ingest load``) and what its validation found; the "correct" quality measure
is computed from it."""

submission_check_units = Table(
    "submission_check_units",
    metadata,
    Column(
        "check_id",
        BigId,
        ForeignKey("submission_checks.check_id"),
        primary_key=True,
    ),
    Column(
        "indicator_code",
        String(60),
        primary_key=True,
        comment="as written in the file (it may not exist); capital plans count towards "
        "public_investment_disbursement",
    ),
    Column("unit_code", String(40), primary_key=True, comment="as written in the file"),
    Column("row_count", Integer, nullable=False),
    Column("error_row_count", Integer, nullable=False),
    Column("duplicate_row_count", Integer, nullable=False),
    Column("out_of_range_row_count", Integer, nullable=False),
)
"""A submitted file's rows per indicator and unit: how many, how many with an error."""

datasets = Table(
    "datasets",
    metadata,
    Column("dataset_id", String(60), primary_key=True),
    Column(
        "data_group",
        String(20),
        nullable=False,
        comment="people, finance_business or land_urban (the city's data governance strategy)",
    ),
    Column("name_vi", String(300), nullable=False),
    Column("name_en", String(300), nullable=False),
    Column("owner_vi", String(200), nullable=False),
    Column("owner_en", String(200), nullable=False),
    Column("source_system_vi", String(300), nullable=False),
    Column("source_system_en", String(300), nullable=False),
    Column("update_promise_vi", String(200), nullable=False),
    Column("update_promise_en", String(200), nullable=False),
    Column(
        "promise_days",
        Integer,
        nullable=False,
        comment="the most days that may pass between two loads under the promise",
    ),
    Column("sharing_status", String(20), nullable=False, comment="shared, partial, not_shared"),
    Column(
        "standardisation_status",
        String(20),
        nullable=False,
        comment="standardised, in_progress, not_started",
    ),
    Column(
        "is_demo",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="the sharing and standardisation statuses are invented for the demo",
    ),
    Column("sort_order", Integer, nullable=False, server_default=text("0")),
)
"""The dataset catalogue: what the city holds, who owns it and what it promises."""

dataset_indicators = Table(
    "dataset_indicators",
    metadata,
    Column("dataset_id", String(60), ForeignKey("datasets.dataset_id"), primary_key=True),
    Column(
        "indicator_id",
        String(60),
        primary_key=True,
        comment="an indicator of the registry (no foreign key: the registry sync rewrites "
        "indicators)",
    ),
)
"""Which indicators measure a dataset (their submissions give its quality measures)."""

stored_reports = Table(
    "stored_reports",
    metadata,
    Column(
        "report_key",
        String(64),
        primary_key=True,
        comment="digest of (kind, indicator, series content, data version, code fingerprint)",
    ),
    Column("kind", String(20), nullable=False, comment="what was computed: backtest"),
    Column("indicator_code", String(60), nullable=False),
    Column("series_digest", String(64), nullable=False, comment="the series' content (its scope)"),
    Column("data_version", String(200), nullable=False, comment="the warehouse's data version"),
    Column(
        "code_fingerprint",
        String(64),
        nullable=False,
        comment="digest of the code and settings that computed it",
    ),
    Column("payload", LargeBinary, nullable=False),
    Column("payload_bytes", Integer, nullable=False),
    Column("written_at", DateTime, nullable=False),
    Index("ix_stored_reports_written_at", "written_at"),
)
"""Computed figures kept across restarts (``data_access.stored_reports``): the app's own
cache, pruned on every write; any row may be deleted at any time."""
