"""The scenario baseline read from the demo warehouse: the projection engine's paths taken
as they are, and GRDP by sector adding up to the series' GRDP."""

from __future__ import annotations

import numpy as np
import pytest

from data_access.engine import make_engine
from metrics.projection import project_year
from metrics.registry import get_indicator
from scenarios import engine
from scenarios.build import baseline_from_inputs, read_inputs
from tests.conftest import DEMO_LAST_MONTH

YEAR = DEMO_LAST_MONTH.year


@pytest.fixture(scope="module")
def inputs(demo_warehouse_url: str):  # type: ignore[no-untyped-def]
    db = make_engine(demo_warehouse_url)
    try:
        with db.connect() as conn:
            return read_inputs(conn, YEAR)
    finally:
        db.dispose()


def test_neutral_scenario_is_the_projection_engines_paths(inputs) -> None:  # type: ignore[no-untyped-def]
    series, units, sectors = inputs
    baseline = baseline_from_inputs(YEAR, series, units, sectors, n_paths=500, seed=3)
    assert set(baseline.indicators) == set(series)
    result = engine.simulate(baseline, engine.scenario(baseline, "neutral", {}))
    for code, frame in series.items():
        projection = project_year(frame, get_indicator(code), YEAR, n_paths=500, seed=3)
        assert np.array_equal(result.indicators[code].paths, projection.paths), code
        # The share of 500 paths is a multiple of 1/500; the projection's probability is
        # the calibrated distribution's own (Student-t tails), so they agree within 1/500.
        assert result.indicators[code].probability == pytest.approx(
            projection.probability, abs=1 / 500
        )


def test_grdp_by_month_adds_up_to_the_digital_share_denominators(inputs) -> None:  # type: ignore[no-untyped-def]
    series, units, sectors = inputs
    baseline = baseline_from_inputs(YEAR, series, units, sectors, n_paths=200, seed=3)
    economy = baseline.economy
    assert economy is not None
    digital = series["digital_economy_share_grdp"]
    observed = digital.loc[digital["period_year"] == YEAR, "denominator"].sum()
    expected = baseline.indicators["digital_economy_share_grdp"].expected_denominators.sum()
    assert economy.grdp_monthly.sum() == pytest.approx(observed + expected)
    assert economy.sector_shares.sum() == pytest.approx(1.0)
    assert "TAX" in economy.sector_codes and not economy.is_production[-1]
    # Closing manufacturing (C) in November and December, with the taxes following:
    share_c = economy.sector_shares[economy.sector_codes.index("C")]
    production = economy.sector_shares[economy.is_production].sum()
    taxes = 1.0 - production
    months = economy.grdp_monthly[10:].sum()
    lost = share_c * months * (1 + taxes / production)
    closed = engine.simulate(
        baseline,
        engine.scenario(
            baseline,
            "close C",
            {
                "sector_closure": {
                    "sectors": ["C"],
                    "start_month": f"{YEAR}-11",
                    "reopen_month": f"{YEAR + 1}-01",
                }
            },
        ),
    )
    assert closed.grdp is not None
    assert closed.grdp.baseline - closed.grdp.scenario == pytest.approx(lost)
