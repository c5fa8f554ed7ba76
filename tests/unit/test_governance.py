"""The four quality measures, per unit, per dataset and per group, against numbers worked
out by hand (in the comments) from small frames."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics import governance as g

TODAY = dt.date(2026, 11, 28)
CODE = "online_dossier_share"


def _months(first: dt.date, count: int) -> list[dt.date]:
    out, month = [], first
    for _ in range(count):
        out.append(month)
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def _inputs() -> g.GovernanceInputs:
    catalogue = pd.DataFrame(
        {
            "dataset_id": ["dossiers", "land"],
            "data_group": ["people", "land_urban"],
            "promise_days": [36, 7],
        }
    )
    links = pd.DataFrame({"dataset_id": ["dossiers"], "indicator_id": [CODE]})
    units = pd.DataFrame(
        {"unit_id": ["A", "B", "C", "D"], "unit_type": ["ward", "ward", "ward", "investor"]}
    )
    a_months = _months(dt.date(2025, 11, 1), 12)  # the whole window
    b_months = _months(dt.date(2025, 11, 1), 10)  # through 2026-08
    periods = pd.DataFrame(
        {
            "indicator_id": CODE,
            "unit_id": ["A"] * 12 + ["B"] * 10,
            "period_month": a_months + b_months,
            "rows": 1,
            "duplicate_rows": 0,
            "out_of_range_rows": [1] + [0] * 21,
        }
    )
    latest = pd.DataFrame(
        {
            "indicator_id": CODE,
            "unit_id": ["A", "B", "C"],
            "latest_period": [dt.date(2026, 10, 1), dt.date(2026, 8, 1), dt.date(2025, 5, 1)],
            # UTC: 10:00 on 6 Nov, 03:00 on 5 Sep (the next day in the city), 07:00 on 3 Jun.
            "last_loaded_at": pd.to_datetime(
                ["2026-11-06 03:00", "2026-09-04 20:00", "2025-06-03 00:00"]
            ),
        }
    )
    checks = pd.DataFrame(
        {
            "indicator_code": [CODE, "satisfaction_rate"],
            "unit_code": ["A", "A"],
            "row_count": [10, 5],
            "error_row_count": [2, 5],
            "duplicate_row_count": [1, 0],
            "out_of_range_row_count": [1, 5],
        }
    )
    return g.GovernanceInputs(catalogue, links, units, periods, latest, checks, TODAY)


@pytest.fixture(scope="module")
def report() -> g.GovernanceReport:
    return g.report(_inputs())


def test_each_unit_gets_its_four_measures(report):
    rows = report.per_unit.set_index("unit_id")
    # D is a project board: the indicator's grain is communes and departments, and no board
    # has reported it, so none is expected.
    assert list(report.per_unit["unit_id"]) == ["C", "B", "A"]
    a, b, c = rows.loc["A"], rows.loc["B"], rows.loc["C"]
    # A: 12 of 12 months; 10 rows sent, 2 refused; issues 1 duplicate + (1 sent + 1 in the
    # warehouse) out of range = 3 of 10 sent + 12 current rows; loaded 22 days ago.
    assert (a.expected_periods, a.present_periods, a.complete_pct) == (12, 12, 100.0)
    assert (a.submitted_rows, a.passed_rows, a.correct_pct) == (10, 8, 80.0)
    assert (a.duplicate_rows, a.out_of_range_rows, a.examined_rows) == (1, 2, 22)
    assert a.clean_pct == pytest.approx(100 - 300 / 22)
    assert (a.days_since_load, bool(a.is_live)) == (22.0, True)
    assert (a.status, a.days_late) == ("on_time", 0)
    # B: 10 of 12; nothing sent through the loader; loaded 5 Sep in the city = 84 days ago;
    # owes 2026-09, due 5 Oct: 54 days late.
    assert b.complete_pct == pytest.approx(1000 / 12)
    assert math.isnan(b.correct_pct)
    assert (b.examined_rows, b.clean_pct) == (10, 100.0)
    assert (b.days_since_load, bool(b.is_live)) == (84.0, False)
    assert (b.status, b.days_late) == ("late", 54)
    # C: nothing in the window; owes 2025-06 since 5 Jul 2025: 511 days; loaded 543 days ago.
    assert (c.present_periods, c.complete_pct, c.status, c.days_late) == (0, 0.0, "missing", 511)
    assert c.days_since_load == 543.0
    assert math.isnan(c.clean_pct)  # no row to examine


def test_a_dataset_is_a_ratio_of_sums_over_its_units(report):
    dossiers, land = report.datasets.to_dict("records")
    assert (dossiers["units_expected"], dossiers["units_late"], dossiers["units_missing"]) == (
        3,
        1,
        1,
    )
    assert dossiers["correct_pct"] == 80.0  # 8 / 10
    assert dossiers["complete_pct"] == pytest.approx(2200 / 36)  # (12 + 10 + 0) / 36
    assert dossiers["clean_pct"] == pytest.approx(100 - 300 / 32)  # 3 issues in 22 + 10 rows
    assert dossiers["live_pct"] == pytest.approx(100 / 3)  # A only
    assert dossiers["days_since_load"] == 22.0
    assert land["is_measured"] is False and math.isnan(land["complete_pct"])


def test_the_city_score_per_group(report):
    people, finance, land = report.groups.to_dict("records")
    assert people["score_pct"] == pytest.approx((80 + 2200 / 36 + 100 - 300 / 32 + 100 / 3) / 4)
    assert (people["datasets"], people["datasets_measured"]) == (1, 1)
    assert (finance["datasets"], land["datasets"], land["datasets_measured"]) == (0, 1, 0)
    assert math.isnan(land["score_pct"]) and math.isnan(finance["score_pct"])


def test_a_measure_that_cannot_be_computed_is_left_out_of_the_score():
    inputs = _inputs()
    no_files = g.GovernanceInputs(
        inputs.catalogue,
        inputs.links,
        inputs.units,
        inputs.periods,
        inputs.latest,
        inputs.checks.iloc[0:0],
        TODAY,
    )
    people = g.report(no_files).groups.iloc[0]
    assert math.isnan(people["correct_pct"])
    # Clean: 1 out-of-range row in 12 + 10 current rows.
    expected = (2200 / 36 + 100 - 100 / 22 + 100 / 3) / 3
    assert people["score_pct"] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 11, 5), dt.date(2025, 10, 1), dt.date(2026, 9, 1)),  # due day not past
        (dt.date(2026, 11, 6), dt.date(2025, 11, 1), dt.date(2026, 10, 1)),
    ],
)
def test_the_window_ends_at_the_latest_period_due(today, first, last):
    span = g.window(CODE, today)
    assert (span.first, span.last, len(span.expected_periods)) == (first, last, 12)


def test_a_quarterly_series_expects_four_quarters():
    span = g.window("digital_economy_share_grdp", TODAY)
    assert span.expected_periods == (
        dt.date(2025, 12, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 6, 1),
        dt.date(2026, 9, 1),
    )


def test_inputs_are_not_changed():
    inputs = _inputs()
    before = {name: getattr(inputs, name).copy() for name in ("periods", "latest", "checks")}
    g.report(inputs)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(inputs, name), frame)
