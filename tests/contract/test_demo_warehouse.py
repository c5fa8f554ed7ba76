"""Data contracts of the demo warehouse (built once per session by ``demo_warehouse_url``).

Keys, relationships, ranges, units and departments, versions and load times, determinism,
and the command line's promises.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from data_access.engine import PROJECT_ROOT
from demo.__main__ import main
from demo.build import BUILD_ACTION, build_demo_warehouse
from tests.conftest import DEMO_LAST_MONTH
from tests.real_data import REAL_KEY, load_real_batch, real_rows

DOSSIER_INDICATORS = (
    "dossiers_received",
    "online_dossier_share",
    "satisfaction_rate",
    "on_time_rate",
    "e_result_rate",
)
RATE_INDICATORS = (
    "online_dossier_share",
    "satisfaction_rate",
    "on_time_rate",
    "e_result_rate",
    "public_investment_disbursement",
    "digital_economy_share_grdp",
    "digital_economy_share_grdp_statistics",
)
KEY = ["indicator_id", "unit_id", "period_year", "period_month", "breakdown_key"]


@pytest.fixture(scope="module")
def engine(demo_warehouse_url: str) -> Iterator[Engine]:
    engine = create_engine(demo_warehouse_url)
    yield engine
    engine.dispose()


def query(engine: Engine, sql: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(text(sql), conn, params=params)


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


@pytest.fixture(scope="module")
def current(engine: Engine) -> pd.DataFrame:
    frame = query(
        engine,
        "SELECT o.*, u.unit_type, u.former_province FROM observations o "
        "JOIN units u ON u.unit_id = o.unit_id WHERE o.superseded_at IS NULL",
    )
    frame["period_month"] = pd.to_datetime(frame["period_month"]).dt.date
    return frame


@pytest.fixture(scope="module")
def built_at(engine: Engine) -> dt.datetime:
    value = scalar(
        engine,
        "SELECT MAX(occurred_at) FROM audit_log WHERE action = :action",
        action=BUILD_ACTION,
    )
    return pd.Timestamp(value).to_pydatetime()


# --- keys and relationships -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("units", ["unit_id", "slug", "name_vi", "name_en", "unit_type"]),
        ("observations", [*KEY, "batch_id", "loaded_at"]),
        ("load_batches", ["submission_key", "loaded_at", "source_name"]),
        ("published_figures", ["indicator_code", "period_start", "period_end", "value"]),
    ],
)
def test_keys_are_not_null(engine: Engine, table: str, columns: list[str]) -> None:
    for column in columns:
        assert scalar(engine, f"SELECT COUNT(*) FROM {table} WHERE {column} IS NULL") == 0, column


@pytest.mark.parametrize("column", ["unit_id", "slug"])
def test_unit_keys_are_unique(engine: Engine, column: str) -> None:
    assert scalar(engine, f"SELECT COUNT(*) - COUNT(DISTINCT {column}) FROM units") == 0


def test_exactly_one_current_row_per_observation_key(current: pd.DataFrame) -> None:
    counts = current.groupby(KEY).size()
    assert counts.max() == 1, counts[counts > 1].head()


@pytest.mark.parametrize(
    ("column", "table"), [("unit_id", "units"), ("indicator_id", "indicators")]
)
def test_every_observation_refers_to_a_known_row(engine: Engine, column: str, table: str) -> None:
    orphans = scalar(
        engine,
        f"SELECT COUNT(*) FROM observations o LEFT JOIN {table} t ON t.{column} = o.{column} "
        f"WHERE t.{column} IS NULL",
    )
    assert orphans == 0


def test_every_published_figure_is_loaded(engine: Engine) -> None:
    from data_access.writes import read_published_figures

    assert scalar(engine, "SELECT COUNT(*) FROM published_figures") == len(read_published_figures())


# --- ranges and units -----------------------------------------------------------------------


@pytest.mark.parametrize("indicator", RATE_INDICATORS)
def test_rates_are_percentages_of_their_parts(current: pd.DataFrame, indicator: str) -> None:
    rows = current[current["indicator_id"] == indicator]
    assert len(rows) > 0
    assert rows["value"].between(0, 100).all()
    assert (rows["numerator"] >= 0).all()
    assert (rows["numerator"] <= rows["denominator"]).all()
    expected = 100 * rows["numerator"] / rows["denominator"]
    assert (rows["value"] - expected).abs().max() < 1e-6


@pytest.mark.parametrize("indicator", DOSSIER_INDICATORS)
def test_dossier_counts_are_whole_numbers(current: pd.DataFrame, indicator: str) -> None:
    rows = current[current["indicator_id"] == indicator]
    assert (rows["numerator"] == rows["numerator"].round()).all()
    if indicator == "dossiers_received":
        assert rows["denominator"].isna().all()
        assert (rows["value"] == rows["numerator"]).all()
        assert (rows["numerator"] >= 1).all()
    else:
        assert (rows["denominator"] == rows["denominator"].round()).all()


def test_online_and_received_agree(current: pd.DataFrame) -> None:
    totals = current[current["breakdown_key"] == ""]
    received = totals[totals["indicator_id"] == "dossiers_received"].set_index(KEY[1:])
    online = totals[totals["indicator_id"] == "online_dossier_share"].set_index(KEY[1:])
    joined = online.join(received["numerator"].rename("received"), how="inner")
    assert len(joined) == len(online)
    assert (joined["denominator"] == joined["received"]).all()


def test_cumulative_disbursement_never_falls_within_a_plan_year(current: pd.DataFrame) -> None:
    rows = current[current["indicator_id"] == "public_investment_disbursement"].sort_values(
        ["unit_id", "period_year", "period_month"]
    )
    steps = rows.groupby(["unit_id", "period_year"])["numerator"].diff().dropna()
    assert (steps >= 0).all(), steps[steps < 0].head()


def test_plan_year_runs_to_the_extension_january(current: pd.DataFrame) -> None:
    rows = current[current["indicator_id"] == "public_investment_disbursement"]
    months = rows.groupby("period_year")["period_month"].agg(["min", "max", "nunique"])
    assert months.loc[2024, "nunique"] == 13
    assert months.loc[2024, "max"] == dt.date(2025, 1, 1)
    january_2026 = rows[rows["period_month"] == dt.date(2026, 1, 1)]
    assert set(january_2026["period_year"]) == {2025, 2026}


def test_the_2025_plan_changes_with_the_merger(current: pd.DataFrame) -> None:
    rows = current[
        (current["indicator_id"] == "public_investment_disbursement")
        & (current["period_year"] == 2025)
    ]
    plans = rows.groupby("period_month")["denominator"].sum()
    old_city = (
        rows[rows["former_province"] == "ho_chi_minh_old"]
        .groupby("period_month")["denominator"]
        .sum()
    )
    assert old_city[dt.date(2025, 6, 1)] == pytest.approx(84_149)
    assert plans[dt.date(2025, 7, 1)] == pytest.approx(120_353)
    assert plans[dt.date(2026, 1, 1)] == pytest.approx(120_353)


def test_year_end_disbursement_is_below_the_plan(current: pd.DataFrame) -> None:
    rows = current[
        (current["indicator_id"] == "public_investment_disbursement")
        & (current["period_month"].map(lambda m: m.month) == 12)
    ]
    totals = rows.groupby("period_year")[["numerator", "denominator"]].sum()
    assert (totals["numerator"] < totals["denominator"]).all()


def test_quarterly_city_rows_fall_on_the_quarters_last_month(current: pd.DataFrame) -> None:
    rows = current[current["indicator_id"].str.contains("grdp")]
    assert set(rows["unit_id"]) == {"city"}
    assert {m.month for m in rows["period_month"]} == {3, 6, 9, 12}
    assert rows[rows["indicator_id"] == "grdp_current_prices"]["denominator"].isna().all()


@pytest.mark.parametrize(
    ("unit_type", "count"),
    [
        ("city", 1),
        ("former_province", 3),
        ("ward", 113),
        ("commune", 54),
        ("special_zone", 1),
        ("department", 15),
        ("investor", 8),
    ],
)
def test_unit_counts(engine: Engine, unit_type: str, count: int) -> None:
    assert scalar(engine, "SELECT COUNT(*) FROM units WHERE unit_type = :t", t=unit_type) == count


def test_departments_and_boards_hang_under_the_city(engine: Engine) -> None:
    rows = query(
        engine,
        "SELECT unit_id, parent_unit_id, former_province, is_demo FROM units "
        "WHERE unit_type IN ('department', 'investor')",
    )
    assert (rows["parent_unit_id"] == "city").all()
    assert rows["former_province"].isin(["ho_chi_minh_old", "binh_duong", "ba_ria_vung_tau"]).all()
    departments = rows[rows["unit_id"].str.startswith("dept-")]
    assert not departments["is_demo"].astype(bool).any()


@pytest.mark.parametrize(
    ("indicator", "units"),
    [
        *((i, 168 + 15) for i in DOSSIER_INDICATORS),
        ("public_investment_disbursement", 168 + 15 + 8),
    ],
)
def test_units_reporting_each_indicator(current: pd.DataFrame, indicator: str, units: int) -> None:
    rows = current[current["indicator_id"] == indicator]
    assert rows["unit_id"].nunique() == units
    per_month = (
        rows[rows["period_month"] <= dt.date(2026, 1, 1)]
        .groupby(["period_year", "period_month"])["unit_id"]
        .nunique()
    )
    assert (per_month == units).all(), "a calibrated month is incomplete"


def test_a_few_submissions_are_still_missing_in_the_last_months(current: pd.DataFrame) -> None:
    rows = current[current["indicator_id"] == "online_dossier_share"]
    per_month = rows.groupby("period_month")["unit_id"].nunique()
    last_three = [per_month[DEMO_LAST_MONTH.replace(month=m)] for m in (8, 9, 10)]
    assert last_three == sorted(last_three, reverse=True)
    assert 183 - last_three[-1] >= 3


# --- batches, versions and load times -------------------------------------------------------


def test_every_batch_is_demo(engine: Engine) -> None:
    batches = query(engine, "SELECT is_demo, source_name, submitted_by FROM load_batches")
    assert batches["is_demo"].astype(bool).all()
    assert set(batches["source_name"]) == {"demo generator"}


def test_revisions_keep_the_earlier_version(engine: Engine) -> None:
    old = query(
        engine,
        "SELECT o.loaded_at, o.superseded_at, b.submission_key AS old_key, "
        "n.submission_key AS new_key, n.loaded_at AS new_loaded_at "
        "FROM observations o JOIN load_batches b ON b.batch_id = o.batch_id "
        "JOIN load_batches n ON n.batch_id = o.superseded_by_batch_id "
        "WHERE o.superseded_at IS NOT NULL",
    )
    assert len(old) > 0
    assert old["old_key"].nunique() >= 4
    assert (old["old_key"] == old["new_key"]).all()
    assert (pd.to_datetime(old["new_loaded_at"]) > pd.to_datetime(old["loaded_at"])).all()
    assert (pd.to_datetime(old["superseded_at"]) == pd.to_datetime(old["new_loaded_at"])).all()
    unmatched = scalar(
        engine,
        "SELECT COUNT(*) FROM observations WHERE superseded_at IS NOT NULL "
        "AND superseded_by_batch_id IS NULL",
    )
    assert unmatched == 0


def test_load_times_are_before_the_build(engine: Engine, built_at: dt.datetime) -> None:
    for table in ("load_batches", "observations"):
        latest = pd.Timestamp(scalar(engine, f"SELECT MAX(loaded_at) FROM {table}"))
        assert latest.to_pydatetime() <= built_at, table


def test_most_submissions_arrive_by_the_fifth_and_some_late(engine: Engine) -> None:
    batches = query(
        engine,
        "SELECT submission_key, loaded_at FROM load_batches WHERE submission_key NOT LIKE '%-Q%' "
        "AND batch_kind = 'observations'",
    )
    month = pd.to_datetime(batches["submission_key"].str.extract(r"\|(\d{4}-\d{2})$")[0] + "-01")
    local = pd.to_datetime(batches["loaded_at"]) + pd.Timedelta(hours=7)
    days_after = (local - (month + pd.offsets.MonthBegin(1))).dt.days + 1
    late_units = batches[batches["submission_key"].str.startswith("demo|unit-")]
    regular = days_after.drop(late_units.index)
    assert (days_after >= 1).all()
    assert (regular <= 5).mean() > 0.7
    assert (regular >= 10).any()
    assert late_units["submission_key"].str.extract(r"unit-(\w+)\|")[0].nunique() in (2, 3)
    assert (days_after[late_units.index] >= 10).all()


# --- determinism, refusal and replace -------------------------------------------------------


def _current_sorted(url: str) -> pd.DataFrame:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql_query(
                text(
                    "SELECT indicator_id, unit_id, period_year, period_month, breakdown_key, "
                    "value, numerator, denominator FROM observations WHERE superseded_at IS NULL"
                ),
                conn,
            )
    finally:
        engine.dispose()
    return frame.sort_values(KEY).reset_index(drop=True)


def _private_copy(url: str, directory: Path) -> str:
    """A copy of the session's SQLite warehouse that a test may write to."""
    target = directory / "copy.sqlite"
    with sqlite3.connect(str(make_url(url).database)) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def test_the_same_seed_builds_the_same_warehouse_and_replace_rebuilds(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    url = _private_copy(demo_warehouse_url, tmp_path)
    with pytest.raises(ValueError, match="already has"):
        build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
    report = build_demo_warehouse(url, last_month=DEMO_LAST_MONTH, replace=True)
    assert report.observations_current == len(_current_sorted(demo_warehouse_url))
    pd.testing.assert_frame_equal(_current_sorted(url), _current_sorted(demo_warehouse_url))


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--last-month", "2026/10"], "--last-month must look like 2026-10"),
        (["--last-month", "2026-13"], "--last-month must look like 2026-10"),
        (["--last-month", "2019-12"], "outside 2020-01"),
        (["--last-month", "2099-01"], "outside 2020-01"),
        (["--seed", "-4"], "--seed must be a non-negative whole number"),
        (["--size", "XL"], "invalid choice"),
        (["--if-missing", "--replace"], "not allowed with"),
        (["--url", "not a url"], "is not a database URL"),
        (["--colour"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if "--url" not in argv:
        argv = [*argv, "--url", f"sqlite:///{tmp_path / 'never.sqlite'}"]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    assert code == 2
    assert says in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    assert not (tmp_path / "never.sqlite").exists()


def test_if_missing_leaves_a_built_warehouse_alone(
    demo_warehouse_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--url", demo_warehouse_url, "--if-missing"]) == 0
    assert "already has data; nothing to do" in capsys.readouterr().out


def test_building_over_data_without_replace_fails_cleanly(
    demo_warehouse_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = _private_copy(demo_warehouse_url, tmp_path)
    before = _current_sorted(url)
    assert main(["--url", url, "--last-month", "2026-10"]) == 1
    err = capsys.readouterr().err
    assert "--replace" in err and len(err.strip().splitlines()) == 1
    pd.testing.assert_frame_equal(_current_sorted(url), before)


# --- real data survives every command that rebuilds the demo ---------------------------------


def test_replace_refuses_a_warehouse_with_real_data_and_changes_nothing(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    """Regression: --replace deleted every observation and batch, real ones included."""
    url = _private_copy(demo_warehouse_url, tmp_path)
    load_real_batch(url)
    real_before, current_before = real_rows(url), _current_sorted(url)
    assert len(real_before) == 1 and real_before[0][3] is None

    with pytest.raises(ValueError, match="not demo data") as refused:
        build_demo_warehouse(url, last_month=DEMO_LAST_MONTH, replace=True)

    assert REAL_KEY in str(refused.value) and "nothing was changed" in str(refused.value)
    assert real_rows(url) == real_before
    pd.testing.assert_frame_equal(_current_sorted(url), current_before)


def test_the_command_line_replace_refuses_real_data_in_one_line(
    demo_warehouse_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _private_copy(demo_warehouse_url, tmp_path)
    load_real_batch(url)
    real_before = real_rows(url)

    assert main(["--url", url, "--replace", "--last-month", "2026-10"]) == 1

    err = capsys.readouterr().err
    assert "1 batch(es) that are not demo data" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert real_rows(url) == real_before


def test_removing_the_demo_keeps_every_real_batch_and_unit(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    """The removal itself touches demo batches only, whatever the caller checked before."""
    from demo.build import _remove_demo

    url = _private_copy(demo_warehouse_url, tmp_path)
    batch_id = load_real_batch(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _remove_demo(conn, dt.datetime(2026, 11, 28, 3, 0))
        with engine.connect() as conn:
            batches = conn.execute(text("SELECT batch_id, is_demo FROM load_batches")).all()
            rows = conn.execute(text("SELECT batch_id, unit_id FROM observations")).all()
            demo_units = conn.execute(text("SELECT COUNT(*) FROM units WHERE is_demo")).scalar()
            units = conn.execute(text("SELECT COUNT(*) FROM units WHERE NOT is_demo")).scalar()
    finally:
        engine.dispose()
    assert [tuple(b) for b in batches] == [(batch_id, 0)]
    assert [tuple(r) for r in rows] == [(batch_id, "25747")]
    # The three demo-only project boards go; the city, 3 former provinces, 168 units, the
    # departments and the five real boards stay.
    assert demo_units == 0
    assert units == 1 + 3 + 168 + 15 + 5


def test_make_demo_refuses_a_warehouse_named_by_the_environment(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    """Regression: with DASHBOARD_DB_URL set, `make demo` emptied that warehouse."""
    url = _private_copy(demo_warehouse_url, tmp_path)
    load_real_batch(url)
    real_before, current_before = real_rows(url), _current_sorted(url)

    result = subprocess.run(
        ["make", "--no-print-directory", "demo"],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ["PATH"], "DASHBOARD_DB_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2, result.stdout + result.stderr
    assert "DASHBOARD_DB_URL is set" in result.stderr
    assert real_rows(url) == real_before
    pd.testing.assert_frame_equal(_current_sorted(url), current_before)


# --- capital plans --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan_year", "day", "expected_billion_vnd"),
    [
        # The old city's published 2025 plan (84,149) plus the two former provinces' demo
        # plans (20,500 + 12,800) until the merger; the merged city's published 120,353
        # from 1 July 2025; the demo's 136,000 for 2026 (demo/calibration.py).
        (2025, "2025-06-30", 84_149 + 20_500 + 12_800),
        (2025, "2025-07-01", 120_353),
        (2026, "2026-10-31", 136_000),
    ],
)
def test_plans_in_force_add_up_to_the_published_plan(
    engine: Engine, plan_year: int, day: str, expected_billion_vnd: float
) -> None:
    # Independent SQL: per investor the row with the latest effective date on or before
    # the day, summed.
    total = scalar(
        engine,
        "SELECT SUM(p.plan_billion_vnd) FROM capital_plans p "
        "WHERE p.superseded_at IS NULL AND p.plan_year = :year AND p.effective_date = ("
        "  SELECT MAX(q.effective_date) FROM capital_plans q WHERE q.unit_id = p.unit_id "
        "  AND q.plan_year = p.plan_year AND q.superseded_at IS NULL "
        "  AND q.effective_date <= :day)",
        year=plan_year,
        day=day,
    )
    assert float(total) == pytest.approx(expected_billion_vnd, abs=0.5)


def test_every_disbursing_investor_has_a_plan(engine: Engine) -> None:
    orphans = scalar(
        engine,
        "SELECT COUNT(DISTINCT o.unit_id) FROM observations o "
        "WHERE o.indicator_id = 'public_investment_disbursement' AND o.superseded_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM capital_plans p WHERE p.unit_id = o.unit_id "
        "AND p.plan_year = o.period_year AND p.superseded_at IS NULL)",
    )
    assert orphans == 0


def test_removing_the_demo_keeps_a_real_capital_plan(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    from data_access import writes
    from demo.build import _remove_demo

    url = _private_copy(demo_warehouse_url, tmp_path)
    engine = create_engine(url)
    plan = pd.DataFrame(
        [
            {
                "unit_id": "25747",
                "plan_year": 2027,
                "effective_date": dt.date(2027, 1, 1),
                "plan_billion_vnd": 321.5,
                "source_document": "Nghị quyết thật",
            }
        ]
    )
    try:
        with engine.begin() as conn:
            real = writes.load_capital_plan_batch(
                conn, plan, submission_key="real|plan-2027", source_name="f", submitted_by="s"
            )
            _remove_demo(conn, dt.datetime(2026, 11, 28, 3, 0))
        with engine.connect() as conn:
            plans = conn.execute(
                text("SELECT batch_id, unit_id, plan_billion_vnd FROM capital_plans")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(p) for p in plans] == [(real.batch_id, "25747", 321.5)]
