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


def test_every_headline_indicator_that_can_be_declared_is(mapping):
    declared = {source.indicator for source in mapping.sources}
    flows = {
        code
        for code in HEADLINE_CODES
        if get_indicator(code).time_rollup is not TimeRollup.CUMULATIVE
    }
    assert flows == {"online_dossier_share", "satisfaction_rate", "digital_economy_share_grdp"}
    assert flows <= declared


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
    assert out.splitlines()[-1] == "All 6 sources pass every contract."
    assert "FAIL" not in out and "SKIP" not in out
    assert (
        "online_dossier_share (connection warehouse): 14996 rows, last new month 2026-10, " in out
    )
