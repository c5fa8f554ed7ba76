"""Overview tiles: every number present and consistent with the others (metrics/tiles.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from metrics.registry import Indicator, get_indicator
from metrics.status import Status, Trend
from metrics.tiles import SPARKLINE_POINTS, Tile, build_tile
from tests.unit.reports import report_for
from tests.unit.test_projection import (
    disbursement_series,
    monthly_flow_series,
    quarterly_share_series,
)

ONLINE = get_indicator("online_dossier_share")
SATISFACTION = get_indicator("satisfaction_rate")
DISBURSEMENT = get_indicator("public_investment_disbursement")
DIGITAL = get_indicator("digital_economy_share_grdp")
N_PATHS = 400

SERIES = {
    "online_rising": (monthly_flow_series(end="2026-10-01"), ONLINE),
    "online_low": (monthly_flow_series(end="2026-10-01", level=-2.5, slope=0.005), ONLINE),
    "online_short": (monthly_flow_series("2025-03-01", "2026-10-01"), ONLINE),
    "satisfaction": (monthly_flow_series(end="2026-10-01", level=2.1, slope=0.002), SATISFACTION),
    "disbursement": (disbursement_series(last_month="2026-10-01"), DISBURSEMENT),
    "disbursement_ahead": (
        disbursement_series(last_month="2026-10-01", totals=(0.97, 0.995), seed=3),
        DISBURSEMENT,
    ),
    "digital": (quarterly_share_series(last_quarter="2026-09-01"), DIGITAL),
}
AS_OF = ["2025-02-01", "2025-06-01", "2025-09-01", "2025-12-01", "2026-01-01", "2026-10-01"]


def tile_for(name: str, year: int, as_of: str, seed: int = 7) -> Tile:
    series, indicator = SERIES[name]
    return build_tile(
        series,
        indicator,
        year,
        as_of_month=as_of,
        n_paths=N_PATHS,
        seed=seed,
        backtest_report=report_for(f"tile {name}", series, indicator),
    )


def _tile_cases() -> list[object]:
    cases = []
    for name in SERIES:
        for as_of in AS_OF:
            year = pd.Timestamp(as_of).year
            cases.append(pytest.param(name, year, as_of, id=f"{name}-{as_of[:7]}"))
        cases.append(pytest.param(name, 2025, "2026-10-01", id=f"{name}-2025-as-of-2026-10"))
    return cases


@pytest.mark.parametrize(("name", "year", "as_of"), _tile_cases())
def test_tile_numbers_are_consistent(name: str, year: int, as_of: str) -> None:
    tile = tile_for(name, year, as_of)
    indicator: Indicator = SERIES[name][1]
    projection, pace = tile.projection, tile.pace

    # status follows the probability (or the result of a complete year)
    if projection.method == "complete":
        assert tile.year_result is not None
        expected = {True: Status.ON_TRACK, False: Status.OFF_TRACK, None: Status.NOT_ASSESSABLE}
        assert tile.status is expected[tile.year_result.is_met]
        assert projection.probability in (0.0, 1.0, None)
    else:
        # The rule as published: on track at p >= 0.75, off track below 0.25, at risk
        # between; not assessable without a probability or with fewer than 6 points.
        p = projection.probability
        if p is None or projection.n_points < 6:
            assert tile.status is Status.NOT_ASSESSABLE
        elif p >= 0.75:
            assert tile.status is Status.ON_TRACK
        elif p < 0.25:
            assert tile.status is Status.OFF_TRACK
        else:
            assert tile.status is Status.AT_RISK

    # intervals are nested around the central value
    if projection.central is not None:
        assert projection.lower_95 <= projection.lower_80 <= projection.central
        assert projection.central <= projection.upper_80 <= projection.upper_95
        assert projection.lower_95 >= 0.0 and projection.upper_95 <= 100.0

    # the gap is the documented difference
    target = tile.target_value
    assert target is not None
    basis = tile.latest_value if indicator is DIGITAL else tile.ytd_value
    if basis is not None:
        assert tile.gap == pytest.approx(basis - target)

    # pace and probability agree at the extremes
    if pace.is_already_secured:
        assert projection.probability == 1.0
        assert tile.status is not Status.OFF_TRACK
    if pace.is_out_of_reach:
        assert projection.probability in (0.0, None)
    if pace.unit == "percent_per_month" and pace.required is not None:
        assert (pace.required <= 100.0) is (not pace.is_out_of_reach)
        assert (pace.required <= 0.0) is pace.is_already_secured

    # the same year-to-date figure everywhere
    if tile.ytd_value is not None and indicator is not DIGITAL:
        assert pace.basis_value == pytest.approx(tile.ytd_value)
    if tile.year_result is not None and indicator is not DIGITAL:
        assert tile.year_result.value == pytest.approx(tile.ytd_value)
    if projection.method == "complete" and tile.year_result is not None:
        assert projection.central == pytest.approx(tile.year_result.value)

    # months remaining agree between projection and pace
    if projection.method not in ("none",):
        assert projection.months_remaining == pace.months_remaining

    # nothing after the as-of month is used
    assert tile.as_of_month == pd.Timestamp(as_of)
    if tile.latest_period is not None:
        assert tile.latest_period <= tile.as_of_month or indicator is DIGITAL
    assert len(tile.sparkline) <= SPARKLINE_POINTS
    assert list(tile.sparkline.columns) == ["period_month", "value"]
    assert (tile.sparkline["period_month"] <= tile.as_of_month).all()


def test_same_seed_same_tile() -> None:
    first = tile_for("online_rising", 2025, "2025-09-01", seed=11)
    again = tile_for("online_rising", 2025, "2025-09-01", seed=11)
    assert first == again
    pd.testing.assert_frame_equal(first.sparkline, again.sparkline)


def test_tile_as_of_a_past_month_ignores_later_rows() -> None:
    series, _ = SERIES["online_rising"]
    truncated = series.loc[series["period_month"] <= pd.Timestamp(2025, 6, 1)]
    full = build_tile(
        series, ONLINE, 2025, as_of_month=dt.date(2025, 6, 1), n_paths=N_PATHS, seed=1
    )
    cut = build_tile(truncated, ONLINE, 2025, as_of_month="2025-06-01", n_paths=N_PATHS, seed=1)
    assert full == cut


def test_monthly_tile_shows_the_latest_month_and_the_year_to_date() -> None:
    tile = tile_for("online_rising", 2025, "2025-09-01")
    series, _ = SERIES["online_rising"]
    september = series.loc[series["period_month"] == pd.Timestamp(2025, 9, 1)].iloc[0]
    year_rows = series.loc[
        (series["period_year"] == 2025) & (series["period_month"] <= pd.Timestamp(2025, 9, 1))
    ]
    assert tile.latest_kind == "month"
    assert tile.latest_value == pytest.approx(september["value"])
    assert tile.latest_period == pd.Timestamp(2025, 9, 1)
    assert tile.ytd_value == pytest.approx(
        100 * year_rows["numerator"].sum() / year_rows["denominator"].sum()
    )
    assert tile.ytd_through == pd.Timestamp(2025, 9, 1)
    assert tile.pace.unit == "percent_per_month"
    assert tile.next_milestone is None and tile.expected_to_date is None

    # Trend: July-September against April-June, each a ratio of sums, by hand.
    def window(first: int, last: int) -> float:
        rows = year_rows.loc[year_rows["period_month"].dt.month.between(first, last)]
        return 100 * rows["numerator"].sum() / rows["denominator"].sum()

    change = window(7, 9) - window(4, 6)
    assert 0 < change < 0.5  # rising, but by less than the stable band (0.5 pp)
    assert tile.trend is Trend.STABLE
    assert len(tile.sparkline) == SPARKLINE_POINTS
    assert tile.status_reason


def test_rising_online_share_far_above_target_is_on_track_and_improving() -> None:
    series = monthly_flow_series(end="2025-09-01", seasonality=0.0, noise=0.01)
    tile = build_tile(series, ONLINE, 2025, as_of_month="2025-09-01", n_paths=N_PATHS, seed=1)
    assert tile.ytd_value is not None and tile.ytd_value > 60
    assert tile.projection.probability == 1.0
    assert tile.status is Status.ON_TRACK
    assert tile.pace.is_already_secured
    assert tile.trend is Trend.IMPROVING


def test_low_online_share_is_off_track_and_out_of_reach() -> None:
    tile = tile_for("online_low", 2025, "2025-11-01")
    assert tile.ytd_value is not None and tile.ytd_value < 15
    assert tile.pace.is_out_of_reach and tile.pace.required > 100
    assert tile.projection.probability == 0.0
    assert tile.status is Status.OFF_TRACK


def test_short_history_is_not_assessable() -> None:
    # Five months of history: no earlier year to backtest a forecast against.
    series = monthly_flow_series("2025-01-01", "2025-05-01")
    tile = build_tile(series, ONLINE, 2025, as_of_month="2025-05-01", n_paths=N_PATHS, seed=1)
    assert tile.projection.method == "none"
    assert tile.projection.reason_code == "short_history"
    assert tile.status is Status.NOT_ASSESSABLE
    assert tile.status_reason.code == "no_projection"
    assert "not enough history for a backtest" in tile.projection.reason
    assert tile.trend is Trend.NOT_ASSESSABLE


def test_disbursement_tile() -> None:
    tile = tile_for("disbursement", 2025, "2025-05-01")
    series, _ = SERIES["disbursement"]
    may = series.loc[
        (series["period_year"] == 2025) & (series["period_month"] == pd.Timestamp(2025, 5, 1))
    ].iloc[0]
    assert tile.latest_kind == "year_to_date"
    assert tile.latest_value == pytest.approx(may["value"])
    assert tile.ytd_value == pytest.approx(may["value"])
    assert tile.gap == pytest.approx(may["value"] - 95.0)
    # milestone path at 31 May: 7.5 + 17.5 · 61/91
    assert tile.expected_to_date == pytest.approx(7.5 + 17.5 * 61 / 91)
    assert tile.gap_to_expected == pytest.approx(may["value"] - tile.expected_to_date)
    assert tile.next_milestone is not None
    assert tile.next_milestone.due_date == dt.date(2025, 6, 30)
    assert tile.next_milestone.value == 25.0
    fan = tile.projection.fan
    june = fan.loc[fan["period_month"] == pd.Timestamp(2025, 6, 1), "central"].iloc[0]
    assert tile.next_milestone_projected == pytest.approx(june)
    assert tile.pace.unit == "pp_of_plan_per_month"
    assert tile.pace.required == pytest.approx((95.0 - may["value"]) / 7)
    assert tile.trend is not Trend.NOT_ASSESSABLE  # May 2024 is there to compare with


def test_disbursement_next_milestone_after_a_quarter_end() -> None:
    tile = tile_for("disbursement", 2025, "2025-06-01")
    assert tile.next_milestone is not None
    assert tile.next_milestone.due_date == dt.date(2025, 9, 30)
    after_year = tile_for("disbursement", 2025, "2025-12-01")
    assert after_year.next_milestone is None and after_year.next_milestone_projected is None


def test_disbursement_extension_month() -> None:
    tile = tile_for("disbursement", 2025, "2026-01-01")
    assert tile.projection.method == "complete"
    assert tile.latest_kind == "year_to_date"
    assert tile.latest_period == pd.Timestamp(2026, 1, 1)  # the extension row
    assert tile.year_result is not None
    assert tile.year_result.value_with_extension == pytest.approx(tile.latest_value)
    assert tile.ytd_value == pytest.approx(tile.year_result.value)  # judged at December
    assert tile.ytd_through == pd.Timestamp(2025, 12, 1)


def test_disbursement_new_year_january() -> None:
    tile = tile_for("disbursement", 2026, "2026-01-01")
    series, _ = SERIES["disbursement"]
    january = series.loc[
        (series["period_year"] == 2026) & (series["period_month"] == pd.Timestamp(2026, 1, 1))
    ].iloc[0]
    assert tile.ytd_value == pytest.approx(january["value"])
    assert tile.latest_value == pytest.approx(january["value"])
    assert tile.target_in_force is not None and tile.target_in_force.is_carried_forward


def test_digital_economy_tile_uses_the_latest_complete_year() -> None:
    tile = tile_for("digital", 2025, "2025-09-01")
    series, _ = SERIES["digital"]
    rows = series.loc[series["period_year"] == 2024]
    value_2024 = 100 * rows["numerator"].sum() / rows["denominator"].sum()
    assert tile.latest_kind == "year"
    assert tile.latest_period == pd.Timestamp(2024, 12, 1)
    assert tile.latest_value == pytest.approx(value_2024)
    assert tile.gap == pytest.approx(value_2024 - 25.0)
    assert tile.pace.unit == "pp_per_year"
    assert tile.pace.required == pytest.approx(25.0 - value_2024)
    assert tile.trend is Trend.IMPROVING  # +1.5 pp a year against a 0.5 pp band


def test_digital_economy_2030_tile() -> None:
    series, _ = SERIES["digital"]
    tile = build_tile(series, DIGITAL, 2030, as_of_month="2026-10-01", n_paths=N_PATHS, seed=1)
    assert tile.target_value == 40.0
    assert tile.pace.basis_year == 2025
    assert tile.pace.required == pytest.approx((40.0 - tile.latest_value) / 5)


def test_tile_before_any_data_is_not_assessable() -> None:
    series, _ = SERIES["online_rising"]
    tile = build_tile(series, ONLINE, 2025, as_of_month="2019-06-01", n_paths=N_PATHS, seed=1)
    assert tile.projection.method == "none"
    assert tile.status is Status.NOT_ASSESSABLE
    assert tile.latest_value is None and tile.ytd_value is None and tile.gap is None
    assert tile.sparkline.empty


def test_tile_does_not_touch_its_input() -> None:
    series, _ = SERIES["disbursement"]
    before = series.copy(deep=True)
    build_tile(series, DISBURSEMENT, 2025, as_of_month="2025-09-01", n_paths=N_PATHS, seed=1)
    pd.testing.assert_frame_equal(series, before)
    assert np.isfinite(series["value"]).all()


def test_one_tile_makes_its_backtest_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a tile projects twice (this period, and last period for its status and
    the hysteresis), and without a report each projection made the same backtest again —
    the costliest step, twice. Both read the test years before the tile's year, so one
    backtest serves both."""
    import metrics.projection

    backtests: list[str] = []
    origins: list[int] = []
    real_backtest = metrics.projection.backtest
    real_forecast = metrics.projection.forecast

    def counted_backtest(series: pd.DataFrame, indicator: Indicator) -> object:
        backtests.append(indicator.code)
        return real_backtest(series, indicator)

    def counted_forecast(*args: object, **kwargs: object) -> object:
        origins.append(int(args[3]))  # type: ignore[call-overload]
        return real_forecast(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(metrics.projection, "backtest", counted_backtest)
    monkeypatch.setattr(metrics.projection, "forecast", counted_forecast)
    series = monthly_flow_series(end="2025-09-01", seasonality=0.0, noise=0.01)
    tile = build_tile(series, ONLINE, 2025, as_of_month="2025-09-01", n_paths=N_PATHS, seed=1)

    # Two forecasts: from September (this month) and from August (last month's status).
    assert origins == [2025 * 12 + 8, 2025 * 12 + 7]
    assert tile.previous_status is not None and tile.projection.method != "none"
    assert backtests == ["online_dossier_share"]
    # The same tile from a report made by the caller: no backtest at all, same figures.
    backtests.clear()
    given = build_tile(
        series,
        ONLINE,
        2025,
        as_of_month="2025-09-01",
        n_paths=N_PATHS,
        seed=1,
        backtest_report=real_backtest(series, ONLINE),
    )
    assert backtests == []
    assert (given.status, given.previous_status) == (tile.status, tile.previous_status)
    assert given.previous_probability == tile.previous_probability
