"""A declared cumulative source (public-investment disbursement, issue 14), read on a tiny
SQLite table whose figures are worked out by hand: the app's plan semantics hold through
the mapping — an investor that did not report a month keeps its last year-to-date figure
and its plan; a plan given without a report counts with nothing disbursed; rows before an
investor's first plan are left out; the January extension month is its own plan year's.

The city-shaped warehouse (``tests/sources_city.py``) checks the same reading against the
project's own queries on the whole demo (``test_sources_city_shape.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access import sources

# (investor, plan year, report date, year to date, plan in force); None: not given.
ROWS = [
    ("A", 2026, "2026-01-31", 10.0, 100.0),
    ("A", 2026, "2026-02-28", 25.0, 100.0),
    # A does not report March; in April its plan is revised to 120.
    ("A", 2026, "2026-04-30", 40.0, 120.0),
    ("B", 2026, "2026-01-31", 5.0, 50.0),
    # B does not report February.
    ("B", 2026, "2026-03-31", 20.0, 50.0),
    ("B", 2026, "2026-04-30", 30.0, 50.0),
    # C has a plan from March, no report until April.
    ("C", 2026, "2026-03-31", None, 80.0),
    ("C", 2026, "2026-04-30", 8.0, 80.0),
    # The 2025 plan year's extension month, January 2026.
    ("A", 2025, "2026-01-31", 95.0, 100.0),
    ("B", 2025, "2026-01-31", 48.0, 50.0),
]

MAPPING = """version: 1
indicators:
  public_investment_disbursement:
    connection: tiny
    freshness_days: 36
    table: bao_cao
    columns: {unit_code: ma, year: nam, month: ngay, numerator: luy_ke, denominator: ke_hoach}
"""


@pytest.fixture
def source(tmp_path: Path) -> tuple[sources.Source, str]:
    url = f"sqlite:///{tmp_path / 'tiny.sqlite'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE bao_cao (ma TEXT, nam INTEGER, ngay DATE, luy_ke REAL, "
                    "ke_hoach REAL)"
                )
            )
            conn.execute(
                text("INSERT INTO bao_cao VALUES (:ma, :nam, :ngay, :luy_ke, :ke_hoach)"),
                [
                    dict(zip(("ma", "nam", "ngay", "luy_ke", "ke_hoach"), r, strict=True))
                    for r in ROWS
                ],
            )
    finally:
        engine.dispose()
    path = tmp_path / "sources.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    (declared,) = sources.load_mapping(path).sources
    return declared, url


def _read(url: str, reader, *args):  # type: ignore[no-untyped-def]
    engine = sources.read_only_engine(url)
    try:
        with engine.connect() as conn:
            return reader(conn, *args)
    finally:
        engine.dispose()


def test_the_city_series_carries_missing_reports_and_keeps_plans(source):
    declared, url = source
    series = _read(url, sources.cumulative_series, declared)
    got = [
        (
            int(r.period_year),
            f"{r.period_month:%Y-%m}",
            r.numerator,
            r.denominator,
            int(r.n_units),
            int(r.n_expected),
        )
        for r in series.itertuples()
    ]
    assert got == [
        (2025, "2026-01", 143.0, 150.0, 2, 2),  # A 95/100 + B 48/50 (extension)
        (2026, "2026-01", 15.0, 150.0, 2, 2),  # A 10/100 + B 5/50; C has no plan yet
        (2026, "2026-02", 30.0, 150.0, 1, 2),  # A 25/100 + B carried 5/50
        (2026, "2026-03", 45.0, 230.0, 1, 3),  # A carried 25/100 + B 20/50 + C 0/80
        (2026, "2026-04", 78.0, 250.0, 3, 3),  # A 40/120 + B 30/50 + C 8/80
    ]
    expected_values = [100 * 143 / 150, 10.0, 20.0, 100 * 45 / 230, 31.2]
    for value, expected in zip(series["value"], expected_values, strict=True):
        assert math.isclose(value, expected, rel_tol=1e-12)
    assert not series["is_demo"].any()


def test_each_investor_s_figure_at_a_month_and_the_month_before(source):
    declared, url = source
    sums = _read(url, sources.cumulative_unit_sums, declared, 2026, dt.date(2026, 3, 1))
    rows = {
        r.unit_code: (r.numerator, r.denominator, r.numerator_previous, r.denominator_previous)
        for r in sums.itertuples()
    }
    assert list(sums["unit_code"].sort_values()) == ["A", "B", "C"]
    assert rows["A"] == (25.0, 100.0, 25.0, 100.0)  # March carried from February
    assert rows["B"] == (20.0, 50.0, 5.0, 50.0)  # February carried from January
    assert rows["C"][:2] == (0.0, 80.0)
    assert math.isnan(rows["C"][2]) and math.isnan(rows["C"][3])  # no plan in February
    reported = dict(zip(sums["unit_code"], sums["is_reported"], strict=True))
    assert reported == {"A": False, "B": True, "C": False}


def test_the_extension_month_is_read_for_its_own_plan_year(source):
    declared, url = source
    sums = _read(url, sources.cumulative_unit_sums, declared, 2025, dt.date(2026, 1, 1))
    got = sums.set_index("unit_code")[["numerator", "denominator"]].to_dict("index")
    assert got == {
        "A": {"numerator": 95.0, "denominator": 100.0},
        "B": {"numerator": 48.0, "denominator": 50.0},
    }
    assert sums["numerator_previous"].isna().all()  # no December 2025 in the table
    assert sums["is_reported"].all()


def test_without_a_year_column_the_plan_year_is_the_month_s(source, tmp_path):
    """A source that declares no ``year`` (no extension rows): the month's year."""
    _, url = source
    path = tmp_path / "no_year.yaml"
    path.write_text(
        MAPPING.replace("year: nam, ", "").replace(
            "table: bao_cao", "sql: SELECT * FROM bao_cao WHERE nam = 2026"
        ),
        encoding="utf-8",
    )
    (declared,) = sources.load_mapping(path).sources
    assert "year" not in declared.columns
    series = _read(url, sources.cumulative_series, declared)
    assert list(series["period_year"]) == [2026] * 4
    assert list(series["numerator"]) == [15.0, 30.0, 45.0, 78.0]
    assert list(series["denominator"]) == [150.0, 150.0, 230.0, 250.0]


def test_the_check_passes_with_two_plan_years_in_one_january(source):
    """January 2026 holds A and B twice (plan years 2025 and 2026): one row per unit, plan
    year and month, so the contract passes; and C's plan-only row is within bounds."""
    declared, url = source
    units = {"A": "investor", "B": "investor", "C": "investor"}
    report = sources.check_source(declared, url, units, today=dt.date(2026, 5, 20))
    assert [(r.code, r.passed) for r in report.results] == [
        (code, True) for code in sources.CONTRACTS
    ]
    assert report.rows == 10
    assert report.last_month == dt.date(2026, 4, 1)


def test_a_scope_and_its_groups_carry_missing_reports_in_the_database(source):
    """A scope of B alone keeps every month any investor reported (February: B did not
    report, its January figure and plan carried); groups sum their own investors only; a
    code of no group is not summed."""
    declared, url = source
    only_b = _read(url, sources.cumulative_group_sums, declared, {"B": ""})
    got = [
        (
            int(r.period_year),
            f"{r.period_month:%Y-%m}",
            r.numerator,
            r.denominator,
            int(r.n_reported),
            int(r.n_expected),
        )
        for r in only_b.itertuples()
    ]
    assert got == [
        (2025, "2026-01", 48.0, 50.0, 1, 1),
        (2026, "2026-01", 5.0, 50.0, 1, 1),
        (2026, "2026-02", 5.0, 50.0, 0, 1),  # carried
        (2026, "2026-03", 20.0, 50.0, 1, 1),
        (2026, "2026-04", 30.0, 50.0, 1, 1),
    ]
    series = sources.as_cumulative_scope_series(only_b)
    assert list(series["value"]) == [96.0, 10.0, 10.0, 40.0, 60.0]
    assert list(series["n_units"]) == [1, 1, 0, 1, 1]
    groups = _read(url, sources.cumulative_group_sums, declared, {"A": "g1", "C": "g2"})
    by_group = sources.as_cumulative_series_by_group(groups)
    march = by_group[by_group["period_month"] == "2026-03-01"]
    assert list(march["group_key"]) == ["g1", "g2"]
    assert list(march["numerator"]) == [25.0, 0.0]  # A carried from February; C's plan only
    assert list(march["denominator"]) == [100.0, 80.0]
    assert list(march["n_units"]) == [1, 1]
    assert _read(url, sources.cumulative_group_sums, declared, {}).empty
