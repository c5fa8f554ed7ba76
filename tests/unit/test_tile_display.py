"""Tile numbers the Overview draws beside each other must describe the same thing."""

import pandas as pd
import pytest

from metrics.registry import get_indicator
from metrics.tiles import build_tile
from tests.unit.test_projection import disbursement_series, monthly_flow_series


def test_latest_gap_is_the_big_number_minus_the_target():
    series = monthly_flow_series(end="2026-10-01")
    tile = build_tile(
        series, get_indicator("online_dossier_share"), 2026, as_of_month="2026-10-01", n_paths=200
    )
    assert tile.latest_gap == pytest.approx(tile.latest_value - 50.0)
    # The year-to-date gap is a different number, shown beside the year-to-date figure.
    assert tile.gap == pytest.approx(tile.ytd_value - 50.0)
    assert tile.gap != pytest.approx(tile.latest_gap)


def test_disbursement_sparkline_draws_this_plan_year_only():
    series = disbursement_series(last_month="2025-09-01")
    tile = build_tile(
        series,
        get_indicator("public_investment_disbursement"),
        2025,
        as_of_month="2025-09-01",
        n_paths=200,
    )
    months = pd.to_datetime(tile.sparkline["period_month"])
    assert (months.dt.year == 2025).all()
    assert len(tile.sparkline) == 9
    assert tile.sparkline["value"].is_monotonic_increasing


def test_disbursement_sparkline_in_january_keeps_last_year_for_context():
    series = disbursement_series(last_month="2025-01-01")
    tile = build_tile(
        series,
        get_indicator("public_investment_disbursement"),
        2025,
        as_of_month="2025-01-01",
        n_paths=200,
    )
    assert len(tile.sparkline) > 1
