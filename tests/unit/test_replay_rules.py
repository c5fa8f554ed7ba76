"""The replay's rules (metrics/replay.py) with the tile, the candidates' projections and the
backtest stood in for, so that what the replay itself decides — which years, which days,
which rows, which truth, how the rows are scored — is checked in milliseconds, against
figures worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pandas as pd
import pytest

from metrics import replay as r
from metrics.periods import check_series
from metrics.projection import Projection, project_year
from metrics.registry import get_indicator

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")


def _monthly(years: list[int], numerator: float = 60.0) -> pd.DataFrame:
    months = [pd.Timestamp(y, m, 1) for y in years for m in range(1, 13)]
    return pd.DataFrame(
        {
            "period_year": [m.year for m in months],
            "period_month": months,
            "numerator": numerator,
            "denominator": 100.0,
        }
    )


_BASE: Projection | None = None


def _projection(**changes: Any) -> Projection:
    global _BASE
    if _BASE is None:
        _BASE = project_year(_monthly([2025]).iloc[:3], ONLINE, 2025, n_paths=10)
    return dataclasses.replace(_BASE, **changes)


def _drawn(central: float, **changes: Any) -> Projection:
    """A projection with a central value and bands ±1, ±2, ±3 around it."""
    fields: dict[str, Any] = {
        "method": "drift",
        "central": central,
        "lower_50": central - 1,
        "upper_50": central + 1,
        "lower_80": central - 2,
        "upper_80": central + 2,
        "lower_95": central - 3,
        "upper_95": central + 3,
        "probability": 0.7,
        "target": 50.0,
        "comparator": ">=",
    }
    return _projection(**{**fields, **changes})


def test_the_years_replayed_are_those_judged_except_the_first() -> None:
    final = _monthly([2022, 2023, 2024])
    assert r.replay_years(final, ONLINE) == [2023, 2024]
    # 2025 with three months is not complete: not replayed.
    more = pd.concat([final, _monthly([2025]).iloc[:3]])
    assert r.replay_years(more, ONLINE) == [2023, 2024]
    # A year whose every denominator is 0 has no value to replay against.
    zero = final.copy()
    zero.loc[zero["period_year"] == 2024, "denominator"] = 0.0
    assert r.replay_years(zero, ONLINE) == [2023]
    assert r.replay_years(final.iloc[0:0], ONLINE) == []


def test_the_backtest_key_reads_the_earlier_years_only() -> None:
    series = check_series(_monthly([2023, 2024]))
    digest, last = r._past_key(series, 2024)
    assert last == 2024 and len(digest) == 64
    # A change in 2024 itself does not change the key; one in 2023 does.
    changed_now = series.copy()
    changed_now.loc[changed_now["period_year"] == 2024, "numerator"] = 1.0
    assert r._past_key(changed_now, 2024) == (digest, 2024)
    changed_before = series.copy()
    changed_before.loc[0, "numerator"] = 1.0
    assert r._past_key(changed_before, 2024)[0] != digest
    changed_denominator = series.copy()
    changed_denominator.loc[0, "denominator"] = 50.0
    assert r._past_key(changed_denominator, 2024)[0] != digest
    assert r._past_key(series.iloc[0:0], 2024)[1] == -1
    # The rows decide, not their labels: the same rows numbered otherwise, the same key.
    assert r._past_key(series.set_axis(series.index + 100), 2024) == (digest, 2024)
    # The same earlier years with one month more this year: the same key.
    assert r._past_key(series.iloc[:-1], 2024) == (digest, 2024)


def test_the_cache_makes_one_backtest_per_series_of_earlier_years() -> None:
    series = check_series(_monthly([2023, 2024]))
    made: list[object] = []

    def fake(frame: pd.DataFrame, indicator: object) -> object:
        assert isinstance(frame, pd.DataFrame) and indicator in (ONLINE, DISBURSEMENT)
        made.append(object())
        return made[-1]

    cache = r.ReportCache()
    assert cache.reports == {}
    with mock.patch.object(r, "backtest", fake):
        first = cache.get(series, ONLINE, 2024)
        assert cache.get(series.iloc[:-2], ONLINE, 2024) is first
        other = cache.get(series, DISBURSEMENT, 2024)
    assert len(made) == 2 and other is made[1] and first is made[0]


def _blank(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def test_a_row_without_a_tile_or_projection_is_blank() -> None:
    day = dt.date(2024, 2, 29)
    row = r._row(2024, day, None, r.IN_USE, None, 55.0)
    assert row[:5] == (2024, day, None, r.IN_USE, "no_tile")
    assert all(_blank(v) for v in row[5:12])
    assert _blank(row[12]) and _blank(row[13]) and row[14] == ""
    assert row[15] == 55.0
    assert len(row) == len(r.COLUMNS)
    none = r._row(2024, day, pd.Timestamp(2024, 1, 1), "drift", _projection(), 55.0)
    assert none[4] == "none" and all(_blank(v) for v in none[5:12])
    # A target without a comparator is not written either.
    odd = r._row(2024, day, None, "drift", _drawn(50.0, comparator=None), 55.0)
    assert _blank(odd[13]) and odd[14] == ""


def test_a_row_with_a_projection_holds_its_bands_in_order() -> None:
    day = dt.date(2024, 6, 30)
    row = r._row(2024, day, pd.Timestamp(2024, 5, 1), "drift", _drawn(50.0), 55.0)
    assert row == (
        2024,
        day,
        pd.Timestamp(2024, 5, 1),
        "drift",
        "drift",
        50.0,
        49.0,
        51.0,
        48.0,
        52.0,
        47.0,
        53.0,
        0.7,
        50.0,
        ">=",
        55.0,
    )
    no_probability = r._row(2024, day, None, "drift", _drawn(50.0, probability=None), 55.0)
    assert _blank(no_probability[12]) and no_probability[13] == 50.0


def test_the_replay_reads_each_day_as_it_stood_and_replays_each_candidate() -> None:
    # Online share 2023–2024 at 60 %: 2024's truth is 60 %.
    final = _monthly([2023, 2024])
    asked: list[dt.date] = []
    given: dict[dt.date, pd.DataFrame] = {}
    candidates: list[tuple[str, pd.Timestamp, int, object]] = []
    report = object()

    def series_at(day: dt.date) -> pd.DataFrame:
        asked.append(day)
        given[day] = final.loc[final["period_month"] < pd.Timestamp(day.year, day.month, 1)]
        return given[day]

    def tile(series, indicator, year, day, *, backtest_report):  # type: ignore[no-untyped-def]
        assert series is given[day] and indicator is ONLINE and year == 2024
        assert backtest_report is report
        if day.month == 2:  # 29 February: no tile
            return None
        month = pd.Timestamp(day.year, day.month - 1, 1)
        return SimpleNamespace(as_of_month=month, projection=_drawn(float(day.month)))

    def candidate(visible, indicator, year, *, n_paths, backtest_report, method):  # type: ignore[no-untyped-def]
        assert indicator is ONLINE and year == 2024
        candidates.append((method, visible["period_month"].max(), n_paths, backtest_report))
        return _drawn(100.0 + len(candidates))

    cache = r.ReportCache()
    with (
        mock.patch.object(r, "headline_tile", tile),
        mock.patch.object(r, "project_year", candidate),
        mock.patch.object(r, "backtest", lambda s, i: report),
    ):
        frame = r.replay(series_at, final, ONLINE, methods=("drift", "ets"), cache=cache)
    assert asked == r.replay_days(2024)  # 2023 is the first year: only 2024 is replayed
    assert list(frame.columns) == list(r.COLUMNS)
    # One backtest, kept in the cache given, under 2024's earlier years.
    digest = r._past_key(given[dt.date(2024, 3, 31)], 2024)[0]
    assert list(cache.reports) == [(ONLINE.code, digest, 2024)]
    # 29 Feb: one blank row; then 10 days × (in use + 2 candidates).
    assert len(frame) == 1 + 10 * 3
    assert (frame["year"] == 2024).all()
    assert list(dict.fromkeys(frame["day"])) == r.replay_days(2024)
    first = frame.iloc[0]
    assert (first["method"], first["used"], first["actual"]) == (r.IN_USE, "no_tile", 60.0)
    june = frame.loc[frame["day"] == dt.date(2024, 6, 30)]
    assert june["method"].tolist() == [r.IN_USE, "drift", "ets"]
    assert june["as_of_month"].tolist() == [pd.Timestamp(2024, 5, 1)] * 3
    # In use: the tile's (6); the candidates of 30 June are the 7th and 8th asked for
    # (three days before it, two each).
    assert june["central"].tolist() == [6.0, 107.0, 108.0]
    assert (june["actual"] == 60.0).all()
    # The candidates see the months up to the tile's, the replay's paths and the report.
    assert candidates[0] == ("drift", pd.Timestamp(2024, 2, 1), r.CANDIDATE_PATHS, report)
    assert candidates[1][0] == "ets"
    assert candidates[-1][1] == pd.Timestamp(2024, 11, 1)


def test_the_years_asked_for_are_replayed_and_a_year_without_a_result_skipped() -> None:
    final = _monthly([2022, 2023, 2024])

    def tile(series, indicator, year, day, *, backtest_report):  # type: ignore[no-untyped-def]
        return None

    with (
        mock.patch.object(r, "headline_tile", tile),
        mock.patch.object(r, "backtest", lambda s, i: None),
    ):
        frame = r.replay(lambda day: final, final, ONLINE, years=[2030, 2023], methods=())
    assert frame["day"].tolist() == r.replay_days(2023)
    assert (frame["year"] == 2023).all() and (frame["used"] == "no_tile").all()


def test_the_truth_is_the_31_january_value_for_a_projection_judged_then() -> None:
    # Disbursement 2023 and 2024, each 8 % a month of a plan of 100 (96 % in December);
    # 2024's extension month reaches 99 %.
    rows = []
    for year in (2023, 2024):
        rows += [(year, pd.Timestamp(year, m, 1), 8.0 * m, 100.0) for m in range(1, 13)]
    rows.append((2024, pd.Timestamp(2025, 1, 1), 99.0, 100.0))
    final = pd.DataFrame(rows, columns=["period_year", "period_month", "numerator", "denominator"])

    def tile_judged(when: dt.date):  # type: ignore[no-untyped-def]
        def tile(series, indicator, year, day, *, backtest_report):  # type: ignore[no-untyped-def]
            return SimpleNamespace(
                as_of_month=pd.Timestamp(day.year, day.month, 1),
                projection=_drawn(90.0, judgement_date=when),
            )

        return tile

    for when, truth in ((dt.date(2025, 1, 31), 99.0), (dt.date(2024, 12, 31), 96.0)):
        with (
            mock.patch.object(r, "headline_tile", tile_judged(when)),
            mock.patch.object(r, "backtest", lambda s, i: None),
        ):
            frame = r.replay(lambda day: final, final, DISBURSEMENT, years=[2024], methods=())
        assert len(frame) == 11
        assert (frame["actual"] == truth).all(), when


def test_a_year_without_a_result_is_not_replayed() -> None:
    final = _monthly([2023])
    with mock.patch.object(r, "headline_tile", mock.Mock(side_effect=AssertionError)):
        frame = r.replay(lambda day: final, final, ONLINE, years=[2030], methods=())
    assert frame.empty and list(frame.columns) == list(r.COLUMNS)


def _scored(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "year": 2024,
        "day": dt.date(2024, 3, 31),
        "as_of_month": pd.Timestamp(2024, 2, 1),
        "method": r.IN_USE,
        "used": "drift",
        "probability": math.nan,
        "target": math.nan,
        "comparator": "",
        "actual": 10.0,
    }
    out = []
    for row in rows:
        central = float(row.get("central", math.nan))
        full: dict[str, Any] = {**base, "central": central}
        for band, half in (("50", 1.0), ("80", 2.0), ("95", 3.0)):
            full[f"lower_{band}"] = central - half
            full[f"upper_{band}"] = central + half
        out.append({**full, **row})
    return pd.DataFrame(out, columns=list(r.COLUMNS))


def test_the_score_of_a_lower_is_better_target_and_the_edges_of_a_band() -> None:
    frame = _scored(
        [
            # Central 12, actual 10: error +2; 10 is the 80 % band's lower edge (12 − 2):
            # inside; outside the 50 %.
            {"central": 12.0, "probability": 0.9, "target": 11.0, "comparator": "<="},
            # Central 7, actual 10: error −3, on the 95 % band's upper edge.
            {"central": 7.0, "year": 2023, "probability": 0.2, "target": 11.0, "comparator": "<="},
            {"used": "no_tile"},
            {"method": "ets", "central": 10.0},
        ]
    )
    got = r.score(frame, r.IN_USE)
    assert (got.n, got.n_without) == (2, 0)
    assert (got.mae, got.bias) == (2.5, -0.5)
    assert (got.coverage_50, got.coverage_80, got.coverage_95) == (0.0, 0.5, 1.0)
    # 10 ≤ 11 is met both times: ((0.9 − 1)² + (0.2 − 1)²) / 2 = (0.01 + 0.64) / 2.
    assert got.brier == pytest.approx(0.325)
    assert got.n_brier == 2 and got.years == (2023, 2024)
    # 10 ≥ 11 is not met: a ">=" target scores the other way.
    ge = frame.assign(comparator=">=")
    assert r.score(ge, r.IN_USE).brier == pytest.approx((0.81 + 0.04) / 2)


def test_a_method_with_no_projection_scores_nothing() -> None:
    frame = _scored([{"used": "none"}, {"used": "no_tile"}])
    got = r.score(frame, r.IN_USE)
    assert (got.n, got.n_without, got.n_brier, got.brier, got.years) == (0, 1, 0, None, ())
    assert math.isnan(got.mae) and math.isnan(got.bias) and math.isnan(got.coverage_80)
    # Without a probability there is no Brier score either.
    no_p = r.score(_scored([{"central": 10.0, "target": 11.0, "comparator": ">="}]), r.IN_USE)
    assert (no_p.brier, no_p.n_brier, no_p.mae) == (None, 0, 0.0)


def test_scores_follow_the_frames_order_of_methods() -> None:
    frame = _scored(
        [
            {"central": 11.0},
            {"method": "ets", "central": 14.0},
            {"method": "drift", "central": 10.0},
            {"method": "ets", "central": 6.0},
        ]
    )
    got = r.scores(frame)
    assert [s.method for s in got] == [r.IN_USE, "ets", "drift"]
    assert [s.n for s in got] == [1, 2, 1]
    assert got[1].mae == 4.0 and got[1].bias == 0.0
