"""The governance measures' rules that the first tests left unstated (metrics/governance.py):
which units are expected, a unit's worst indicator, the late boundary, the order of the
rows, whole-number counts, the due day's cap. Every figure is worked out by hand in the
comments, on 28 November 2026 (window: November 2025 – October 2026, October due on
5 November)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from metrics import governance as g

TODAY = dt.date(2026, 11, 28)
ONLINE = "online_dossier_share"
SATISFACTION = "satisfaction_rate"


def _months(first: dt.date, count: int) -> list[dt.date]:
    out, month = [], first
    for _ in range(count):
        out.append(month)
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def _periods(code: str, unit: str, count: int) -> pd.DataFrame:
    months = _months(dt.date(2025, 11, 1), count)
    return pd.DataFrame(
        {
            "indicator_id": code,
            "unit_id": unit,
            "period_month": months,
            "rows": 2,
            "duplicate_rows": 0,
            "out_of_range_rows": 0,
        }
    )


def _inputs() -> g.GovernanceInputs:
    catalogue = pd.DataFrame(
        {
            # The first dataset is measured by no indicator: the others are still measured.
            "dataset_id": ["unmeasured", "services", "satisfaction_only"],
            "data_group": ["people", "people", "finance_business"],
            "promise_days": [30, 36, 7],
        }
    )
    links = pd.DataFrame(
        {
            "dataset_id": ["services", "services", "satisfaction_only"],
            "indicator_id": [SATISFACTION, ONLINE, SATISFACTION],
        }
    )
    # W2 and W1 are wards, DEP a department that never reported (its type is in the grain),
    # INV a project board that reported the online share (so boards are expected for it).
    units = pd.DataFrame(
        {
            "unit_id": ["W2", "W1", "DEP", "INV"],
            "unit_type": ["ward", "ward", "department", "investor"],
        }
    )
    periods = pd.concat(
        [
            _periods(ONLINE, "W2", 11),  # Nov 2025 – Sep 2026
            _periods(ONLINE, "W1", 11),
            _periods(ONLINE, "INV", 12),  # – Oct 2026
            _periods(SATISFACTION, "W2", 12),
            _periods(SATISFACTION, "W1", 10),  # – Aug 2026
        ],
        ignore_index=True,
    )
    periods.loc[(periods["unit_id"] == "W2") & (periods["indicator_id"] == ONLINE), "rows"] = 2
    first_w2_online = periods.index[
        (periods["unit_id"] == "W2") & (periods["indicator_id"] == ONLINE)
    ][2]
    periods.loc[first_w2_online, "duplicate_rows"] = 1  # one duplicate among current rows
    # Listed in another order than the units.
    latest = pd.DataFrame(
        {
            "indicator_id": [ONLINE, ONLINE, ONLINE, SATISFACTION, SATISFACTION],
            "unit_id": ["INV", "W1", "W2", "W2", "W1"],
            "latest_period": [
                dt.date(2026, 10, 1),
                dt.date(2026, 9, 1),
                dt.date(2026, 9, 1),
                dt.date(2026, 10, 1),
                dt.date(2026, 8, 1),
            ],
            # UTC; in the city (+7): 20 Nov, 21 Oct (01:00), 1 Oct, 10 Nov, 5 Sep.
            "last_loaded_at": pd.to_datetime(
                [
                    "2026-11-20 00:00",
                    "2026-10-20 18:00",
                    "2026-10-01 02:00",
                    "2026-11-10 00:00",
                    "2026-09-05 00:00",
                ]
            ),
        }
    )
    checks = pd.DataFrame(
        {
            "indicator_code": [ONLINE, SATISFACTION],
            "unit_code": ["W2", "W1"],
            "row_count": [10, 5],
            "error_row_count": [1, 0],
            "duplicate_row_count": [2, 0],
            "out_of_range_row_count": [0, 1],
        }
    )
    return g.GovernanceInputs(catalogue, links, units, periods, latest, checks, TODAY)


def _per_unit() -> pd.DataFrame:
    i = _inputs()
    return g.unit_quality(i.catalogue, i.links, i.units, i.periods, i.latest, i.checks, i.today)


def test_units_of_the_grain_are_expected_even_if_they_never_reported() -> None:
    per_unit = _per_unit()
    services = per_unit.loc[per_unit["dataset_id"] == "services"]
    # In the units' order (not sorted), each dataset in the catalogue's order, the rows
    # numbered from 0.
    assert services["unit_id"].tolist() == ["W2", "W1", "DEP", "INV"]
    assert per_unit["dataset_id"].tolist() == ["services"] * 4 + ["satisfaction_only"] * 3
    assert list(per_unit.index) == list(range(7))
    assert list(per_unit.columns) == list(g.UNIT_QUALITY_COLUMNS)
    # Boards are expected for the online share only (one reported it), not for satisfaction.
    only = per_unit.loc[per_unit["dataset_id"] == "satisfaction_only", "unit_id"].tolist()
    assert only == ["W2", "W1", "DEP"]


def test_each_units_measures_over_both_indicators_of_its_dataset() -> None:
    rows = _per_unit()
    rows = rows.loc[rows["dataset_id"] == "services"].set_index("unit_id")
    w2, w1, dep, inv = (rows.loc[u] for u in ("W2", "W1", "DEP", "INV"))
    # W2: 11 + 12 of 24 months; 10 sent, 1 refused; 2 duplicates sent + 1 in the warehouse;
    # examined 10 + 2 × 23 = 56; loaded last on 10 Nov (18 days, promise 36: live); online
    # owes October, due 5 Nov: 23 days late; its earliest latest period is September.
    assert (w2.expected_periods, w2.present_periods, w2.complete_pct) == (24, 23, 2300 / 24)
    assert (w2.submitted_rows, w2.passed_rows, w2.correct_pct) == (10, 9, 90.0)
    assert (w2.duplicate_rows, w2.out_of_range_rows, w2.examined_rows) == (3, 0, 56)
    assert w2.clean_pct == pytest.approx(100 - 300 / 56)
    assert (w2.days_since_load, bool(w2.is_live), w2.promise_days) == (18.0, True, 36)
    assert (w2.status, w2.days_late) == ("late", 23)
    assert w2.latest_period == pd.Timestamp(2026, 9, 1)
    assert w2.expected_period == dt.date(2026, 10, 1)
    # W1: late on both; its worst, satisfaction (owes September, due 5 Oct), is 54 days
    # late, more than the online share's 23. Loaded 21 Oct in the city: 38 days > 36.
    assert (w1.status, w1.days_late) == ("late", 54)
    assert (w1.present_periods, w1.complete_pct) == (21, 87.5)
    assert (w1.out_of_range_rows, w1.examined_rows) == (1, 47)
    assert (w1.days_since_load, bool(w1.is_live)) == (38.0, False)
    assert w1.latest_period == pd.Timestamp(2026, 8, 1)
    # DEP: never reported: missing since the window's first month (November 2025, due
    # 5 December 2025: 358 days); nothing to measure but completeness.
    assert (dep.expected_periods, dep.present_periods, dep.complete_pct) == (24, 0, 0.0)
    assert (dep.status, dep.days_late) == ("missing", 358)
    assert pd.isna(dep.correct_pct) and pd.isna(dep.clean_pct)
    assert pd.isna(dep.days_since_load) and not bool(dep.is_live)
    assert pd.isna(dep.latest_period) and pd.isna(dep.last_loaded_at)
    # INV: the online share only, all 12 months, loaded 20 Nov (8 days).
    assert (inv.expected_periods, inv.present_periods, inv.status, inv.days_late) == (
        12,
        12,
        "on_time",
        0,
    )
    assert (inv.days_since_load, inv.clean_pct) == (8.0, 100.0)
    assert inv.last_loaded_at == pd.Timestamp("2026-11-20 00:00")


def test_counts_are_whole_numbers() -> None:
    per_unit = _per_unit()
    for column in (
        "expected_periods",
        "present_periods",
        "submitted_rows",
        "passed_rows",
        "duplicate_rows",
        "out_of_range_rows",
        "examined_rows",
        "days_late",
    ):
        assert per_unit[column].dtype == "int64", column


def test_the_report_puts_missing_then_most_late_first_and_sums_the_datasets() -> None:
    report = g.report(_inputs())
    services = report.per_unit.loc[report.per_unit["dataset_id"] == "services"]
    assert services["unit_id"].tolist() == ["DEP", "W1", "W2", "INV"]
    datasets = report.datasets.set_index("dataset_id")
    assert bool(datasets.loc["unmeasured", "is_measured"]) is False
    s = datasets.loc["services"]
    assert (s.units_expected, s.units_late, s.units_missing) == (4, 2, 1)
    assert s.correct_pct == pytest.approx(1400 / 15)  # (9 + 5) / 15 sent
    assert s.complete_pct == pytest.approx(5600 / 84)  # (23 + 21 + 0 + 12) / 84
    assert s.clean_pct == pytest.approx(100 - 400 / 127)  # 4 issues in 56 + 47 + 0 + 24
    assert s.live_pct == 50.0  # W2 and INV
    assert s.days_since_load == 8.0
    # Satisfaction alone (promise 7 days): W2 12/12, W1 10/12 with 5 sent and 1 out of
    # range in 5 + 20 rows, DEP 0/12; nobody within 7 days.
    finance = report.groups.set_index("data_group").loc["finance_business"]
    expected = (100.0 + 2200 / 36 + (100 - 100 / 49) + 0.0) / 4
    assert finance["score_pct"] == pytest.approx(expected)
    assert (finance["datasets"], finance["datasets_measured"]) == (1, 1)
    people = report.groups.set_index("data_group").loc["people"]
    assert (people["datasets"], people["datasets_measured"]) == (2, 1)


def test_nothing_measured_gives_the_empty_table_with_its_columns() -> None:
    i = _inputs()
    per_unit = g.unit_quality(
        i.catalogue, i.links.iloc[0:0], i.units, i.periods, i.latest, i.checks, i.today
    )
    assert per_unit.empty and list(per_unit.columns) == list(g.UNIT_QUALITY_COLUMNS)


def test_the_window_names_its_indicator() -> None:
    assert g.window(ONLINE, TODAY).indicator_code == ONLINE


def test_a_due_day_past_the_28th_is_the_28th_every_month() -> None:
    # The services counts are due "by the 31st": the 28th, which every month has.
    assert g.due_date("online_services_count", dt.date(2026, 3, 1)) == dt.date(2026, 4, 28)
    assert g.due_date("online_services_count", dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)
    assert g.due_date(ONLINE, dt.date(2026, 9, 15)) == dt.date(2026, 10, 5)


def test_a_dataset_measured_by_nothing_still_has_its_row() -> None:
    report = g.report(_inputs())
    assert list(report.datasets.columns) == list(g.DATASET_QUALITY_COLUMNS)
    assert report.datasets["dataset_id"].tolist() == ["unmeasured", "services", "satisfaction_only"]
    assert report.datasets["data_group"].tolist() == ["people", "people", "finance_business"]
    assert report.datasets["promise_days"].tolist() == [30, 36, 7]
    assert report.datasets["is_measured"].tolist() == [False, True, True]
    row = report.datasets.iloc[0]
    assert (row.units_expected, row.units_late, row.units_missing) == (0, 0, 0)
    for column in ("correct_pct", "complete_pct", "clean_pct", "live_pct", "days_since_load"):
        assert math.isnan(row[column]), column
    assert report.groups["data_group"].tolist() == list(g.DATA_GROUPS)
    assert (report.today, report.is_demo) == (TODAY, False)
    demo = g.report(dataclasses.replace(_inputs(), is_demo=True))
    assert demo.is_demo is True
    empty = g.dataset_quality(_inputs().catalogue.iloc[0:0], g.unit_quality(*_empty_inputs()))
    assert empty.empty and list(empty.columns) == list(g.DATASET_QUALITY_COLUMNS)


def _empty_inputs() -> tuple[Any, ...]:
    i = _inputs()
    return (i.catalogue.iloc[0:0], i.links, i.units, i.periods, i.latest, i.checks, i.today)


def _two_units() -> g.GovernanceReport:
    """W loaded today, V 36 days ago (23 October in the city), a promise of 36 days; W sent
    one row, which passed."""
    catalogue = pd.DataFrame({"dataset_id": ["d"], "data_group": ["people"], "promise_days": [36]})
    links = pd.DataFrame({"dataset_id": ["d"], "indicator_id": [ONLINE]})
    units = pd.DataFrame({"unit_id": ["W", "V"], "unit_type": ["ward", "ward"]})
    periods = pd.concat([_periods(ONLINE, "W", 12), _periods(ONLINE, "V", 12)])
    latest = pd.DataFrame(
        {
            "indicator_id": ONLINE,
            "unit_id": ["W", "V"],
            "latest_period": [dt.date(2026, 10, 1)] * 2,
            "last_loaded_at": pd.to_datetime(["2026-11-28 01:00", "2026-10-23 00:00"]),
        }
    )
    checks = pd.DataFrame(
        {
            "indicator_code": [ONLINE],
            "unit_code": ["W"],
            "row_count": [1],
            "error_row_count": [0],
            "duplicate_row_count": [0],
            "out_of_range_row_count": [0],
        }
    )
    return g.report(g.GovernanceInputs(catalogue, links, units, periods, latest, checks, TODAY))


def test_live_is_within_the_promise_its_last_day_included() -> None:
    report = _two_units()
    rows = report.per_unit.set_index("unit_id")
    assert (rows.loc["W", "days_since_load"], rows.loc["V", "days_since_load"]) == (0.0, 36.0)
    assert rows["is_live"].tolist() == [True, True]
    # One row sent, one passed: 100 %, for the unit and for the dataset.
    assert rows.loc["W", "correct_pct"] == 100.0
    d = report.datasets.iloc[0]
    assert (d.correct_pct, d.live_pct, d.days_since_load) == (100.0, 100.0, 0.0)


def test_nothing_examined_leaves_every_measure_blank() -> None:
    zeros = dict.fromkeys(
        ("present", "expected", "passed", "submitted", "issues", "examined", "live", "units"), 0.0
    )
    assert all(math.isnan(v) for v in g._measures(zeros).values())
    assert g._measures({**zeros, "examined": 1.0, "issues": 1.0})["clean_pct"] == 0.0


def test_attention_first_missing_then_most_days_late_then_on_time() -> None:
    frame = pd.DataFrame(
        {
            "unit_id": ["a", "b", "c", "d", "e"],
            "status": ["late", "missing", "late", "on_time", "late"],
            "days_late": [3, 0, 30, 0, 30],
        }
    )
    got = g.attention_first(frame)
    # A missing unit comes first even with fewer days counted; ties keep their order.
    assert got["unit_id"].tolist() == ["b", "c", "e", "a", "d"]
    assert list(got.columns) == ["unit_id", "status", "days_late"]
    assert list(got.index) == [0, 1, 2, 3, 4]


def test_a_units_missing_indicator_outranks_a_late_one() -> None:
    # U sent the online share for November 2026 only (after the window, not yet due): the
    # online share is missing from the window and owes it from November 2025, due
    # 5 December 2025: 358 days late; satisfaction owes October, due 5 November: 23 days
    # late. Missing comes first: the unit is missing, 358 days. (Before the fix of the
    # early month, the online share counted 0 days: see the two tests below.)
    catalogue = pd.DataFrame({"dataset_id": ["d"], "data_group": ["people"], "promise_days": [36]})
    links = pd.DataFrame({"dataset_id": ["d", "d"], "indicator_id": [ONLINE, SATISFACTION]})
    units = pd.DataFrame({"unit_id": ["U"], "unit_type": ["ward"]})
    periods = _periods(SATISFACTION, "U", 11)
    latest = pd.DataFrame(
        {
            "indicator_id": [ONLINE, SATISFACTION],
            "unit_id": ["U", "U"],
            "latest_period": [dt.date(2026, 11, 1), dt.date(2026, 9, 1)],
            "last_loaded_at": pd.to_datetime(["2026-11-20 00:00", "2026-10-01 00:00"]),
        }
    )
    checks = _inputs().checks.iloc[0:0]
    per_unit = g.unit_quality(catalogue, links, units, periods, latest, checks, TODAY)
    assert per_unit[["unit_id", "status", "days_late"]].to_dict("records") == [
        {"unit_id": "U", "status": "missing", "days_late": 358}
    ]


def _early(unit_periods: list[dt.date], latest: dt.date) -> pd.Series:
    """One ward W whose periods in the window are ``unit_periods`` and whose latest period
    sent is ``latest`` (after the window: November 2026, not due before 5 December)."""
    catalogue = pd.DataFrame({"dataset_id": ["d"], "data_group": ["people"], "promise_days": [36]})
    links = pd.DataFrame({"dataset_id": ["d"], "indicator_id": [ONLINE]})
    units = pd.DataFrame({"unit_id": ["W"], "unit_type": ["ward"]})
    periods = pd.DataFrame(
        {
            "indicator_id": ONLINE,
            "unit_id": "W",
            "period_month": unit_periods,
            "rows": 1,
            "duplicate_rows": 0,
            "out_of_range_rows": 0,
        }
    )
    latest_frame = pd.DataFrame(
        {
            "indicator_id": [ONLINE],
            "unit_id": ["W"],
            "latest_period": [latest],
            "last_loaded_at": pd.to_datetime(["2026-11-27 00:00"]),
        }
    )
    checks = pd.DataFrame(
        columns=[
            "indicator_code",
            "unit_code",
            "row_count",
            "error_row_count",
            "duplicate_row_count",
            "out_of_range_row_count",
        ]
    )
    per_unit = g.unit_quality(catalogue, links, units, periods, latest_frame, checks, TODAY)
    return per_unit.set_index("unit_id").loc["W"]


NOVEMBER_2026 = dt.date(2026, 11, 1)


def test_a_unit_that_sent_only_a_month_not_yet_due_owes_the_whole_window() -> None:
    # Nothing of November 2025 – October 2026 is in, only November 2026 (sent early): the
    # unit owes the window from its first month, November 2025, due 5 December 2025:
    # 28 November 2026 − 5 December 2025 = 358 days (was "missing", 0 days late).
    row = _early([], NOVEMBER_2026)
    assert (row["status"], row["days_late"]) == ("missing", 358)


def test_a_month_sent_early_does_not_hide_the_missing_one_before_it() -> None:
    # November 2025 – September 2026 in, October 2026 (due 5 November) skipped, November
    # sent early: late since 5 November, 23 days (was "on time").
    row = _early(_months(dt.date(2025, 11, 1), 11), NOVEMBER_2026)
    assert (row["status"], row["days_late"]) == ("late", 23)
    # And the whole window in, with November early: on time, nothing owed.
    row = _early(_months(dt.date(2025, 11, 1), 12), NOVEMBER_2026)
    assert (row["status"], row["days_late"]) == ("on_time", 0)
