"""The default mapping (``data_access/sources.yaml``) on the demo warehouse: every contract
passes, and the city figures summed in SQL over the declared queries equal the project's own
queries' (``data_access.queries.scope_series``) for every declared indicator (issue 14)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import time_machine
from sqlalchemy import create_engine

from data_access import queries, sources
from metrics.registry import HEADLINE_CODES, TimeRollup, get_indicator
from tests.conftest import city_moment

TODAY = dt.date(2026, 11, 20)  # the demo ends in October 2026: every promise is kept
LAST_MONTHS = {"digital_economy_share_grdp": dt.date(2026, 9, 1)}  # quarterly


@pytest.fixture(scope="module")
def mapping() -> sources.SourceMapping:
    return sources.load_mapping(sources.DEFAULT_MAPPING_PATH)


def test_every_headline_indicator_is_declared(mapping):
    declared = {source.indicator for source in mapping.sources}
    assert set(HEADLINE_CODES) <= declared
    cumulative = [s for s in mapping.sources if s.is_cumulative]
    assert [s.indicator for s in cumulative] == ["public_investment_disbursement"]
    assert get_indicator("public_investment_disbursement").time_rollup is TimeRollup.CUMULATIVE


def test_the_default_disbursement_declaration_gives_the_project_figures(
    mapping, demo_warehouse_url
):
    """The reports as loaded, their plan as reported, carried as the project's own query
    carries them; on the demo every report's plan is the plan in force (capital_plans), so
    the city series is the same: sums, rate, investors reported and counted."""
    source = next(s for s in mapping.sources if s.indicator == "public_investment_disbursement")
    engine = create_engine(demo_warehouse_url)
    try:
        with engine.connect() as conn:
            expected = queries.scope_series(conn, source.indicator)
            got = sources.cumulative_series(conn, source)
    finally:
        engine.dispose()
    assert len(expected) == 88  # 7 plan years: 6 × 13 months and 10 of 2026
    for name in ("period_year", "period_month", "n_units", "n_expected"):
        assert list(got[name]) == list(expected[name]), name
    for name in ("numerator", "denominator", "value"):
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, err_msg=name)


def test_the_default_mapping_passes_every_contract_on_the_demo(mapping, demo_warehouse_url):
    units = sources.known_units(demo_warehouse_url)
    environ = {sources.SOURCE_URL_PREFIX + "WAREHOUSE": demo_warehouse_url}
    reports = sources.check_mapping(mapping, units, environ, today=TODAY)
    assert [r.indicator for r in reports] == [s.indicator for s in mapping.sources]
    for report in reports:
        assert [r.code for r in report.results] == list(sources.CONTRACTS)
        failed = [(r.code, r.message("en")) for r in report.results if not r.passed]
        assert not failed, (report.indicator, failed)
        assert report.rows and report.rows > 0
        assert report.last_month == LAST_MONTHS.get(report.indicator, dt.date(2026, 10, 1))
        assert report.query_seconds is not None


@pytest.mark.parametrize(
    "code",
    [
        "online_dossier_share",
        "satisfaction_rate",
        "digital_economy_share_grdp",
        "on_time_rate",
        "e_result_rate",
        "dossiers_received",
    ],
)
def test_city_figures_equal_the_project_queries(mapping, demo_warehouse_url, code):
    source = next(s for s in mapping.sources if s.indicator == code)
    engine = create_engine(demo_warehouse_url)
    try:
        with engine.connect() as conn:
            expected = queries.scope_series(conn, code)
            got = sources.city_series(conn, source)
    finally:
        engine.dispose()
    assert len(expected) > 20
    assert list(got["period_month"]) == list(expected["period_month"])
    np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
    np.testing.assert_allclose(got["numerator"], expected["numerator"], rtol=1e-12)
    assert list(got["n_rows"]) == list(expected["n_units"])


def test_the_check_command_passes_on_the_demo(demo_warehouse_url, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[-1] == "All 7 sources pass every contract."
    assert "FAIL" not in out and "SKIP" not in out
    assert (
        "online_dossier_share (connection warehouse): 14,996 rows, last new month Oct 2026, " in out
    )


def test_a_bad_month_beyond_the_type_sample_fails_the_columns_contract(
    demo_warehouse_url, monkeypatch
):
    """Regression: a month that is not a date, in a row the type sample did not reach,
    raised ValueError out of the check (and would have broken the page showing it)."""
    monkeypatch.setattr(sources, "TYPE_SAMPLE_ROWS", 5)
    mapping = sources.SourceMapping(
        sources.DEFAULT_MAPPING_PATH,
        (
            sources.Source(
                indicator="online_dossier_share",
                connection="warehouse",
                columns={r: r for r in ("unit_code", "month", "numerator", "denominator")},
                freshness_days=36,
                sql="SELECT unit_id AS unit_code, CASE WHEN unit_id = '26737' AND "
                "period_month = '2026-01-01' THEN 'not a month' ELSE period_month END AS month, "
                "numerator, denominator FROM observations "
                "WHERE indicator_id = 'online_dossier_share' AND breakdown_key = '' "
                "AND superseded_at IS NULL "
                "ORDER BY CASE WHEN unit_id = '26737' THEN 1 ELSE 0 END",
            ),
        ),
    )
    units = sources.known_units(demo_warehouse_url)
    environ = {sources.SOURCE_URL_PREFIX + "WAREHOUSE": demo_warehouse_url}
    (report,) = sources.check_mapping(mapping, units, environ, today=TODAY)
    columns = report.results[1]
    assert (columns.code, columns.passed, columns.variant) == ("columns", False, "type")
    assert [r.passed for r in report.results[2:]] == [None] * 5
    assert columns.message("en").startswith("1 values do not have the promised type")
