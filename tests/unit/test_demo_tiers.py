"""The benchmark tiers' synthetic bulk (demo/tiers.py), on a small scale."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from demo.tiers import tier_bulk

D = dt.date
NOW = dt.datetime(2026, 11, 28, 3)
UNITS = pd.DataFrame({"unit_id": ["26734", "26737", "26740"]})


def _totals() -> pd.DataFrame:
    months = [D(2024, m, 1) for m in range(10, 13)] + [D(2025, 1, 1)]
    rows = [
        {
            "unit_id": u,
            "period_year": m.year,
            "period_month": m,
            "numerator": float(30 + i * 7 + j),
            "denominator": float(100 + i * 11 + j),
        }
        for i, u in enumerate(UNITS["unit_id"])
        for j, m in enumerate(months)
    ]
    return pd.DataFrame(rows)


def _bulk(size: str = "M"):
    return tier_bulk(
        size,
        UNITS,
        _totals(),
        last_month=D(2026, 10, 1),
        seed=3,
        now=NOW,
        indicators_per_m=2,
        dossier_rows_per_m=90,
    )


def test_tier_s_adds_nothing() -> None:
    bulk = _bulk("S")
    assert bulk.batches == () and bulk.indicators.empty


def test_load_test_indicators_cover_every_unit_for_120_months() -> None:
    bulk = _bulk()
    assert bulk.indicators["indicator_id"].tolist() == [
        "bench_indicator_01",
        "bench_indicator_02",
    ]
    assert bulk.indicators["name_vi"].str.endswith("(demo)").all()
    rows = pd.concat([f for k, _, f in bulk.batches if k.startswith("bench|bench_indicator_")])
    # 2 indicators × 3 units × 120 months (November 2016 – October 2026), each key once.
    assert len(rows) == 2 * 3 * 120
    assert not rows.duplicated(["indicator_id", "unit_id", "period_month"]).any()
    assert rows["period_month"].min() == D(2016, 11, 1)
    assert rows["period_month"].max() == D(2026, 10, 1)
    assert (rows["numerator"] <= rows["denominator"]).all()
    assert np.allclose(rows["value"], 100 * rows["numerator"] / rows["denominator"])
    # One batch per indicator; the dossier rows one batch per year (here 2024 only).
    assert [k for k, _, _ in bulk.batches if k.startswith("bench|bench_indicator_")] == [
        "bench|bench_indicator_01",
        "bench|bench_indicator_02",
    ]
    assert [k for k, _, _ in bulk.batches if "|procedures|" in k] == [
        "bench|online_dossier_share|procedures|2024"
    ]


def test_dossier_rows_add_up_to_the_unit_totals_before_the_demo_split() -> None:
    bulk = _bulk()
    parts = pd.concat([f for k, _, f in bulk.batches if "|procedures|" in k])
    # Only months before January 2025 (the demo's own split starts then): 3 units × 3
    # months = 9 unit-months; 90 rows asked → 10 procedures each.
    assert len(bulk.breakdowns) == 10
    assert set(parts["breakdown_key"]) <= set(bulk.breakdowns["breakdown_key"])
    assert parts["period_month"].max() == D(2024, 12, 1)
    sums = parts.groupby(["unit_id", "period_month"])[["numerator", "denominator"]].sum()
    totals = _totals().set_index(["unit_id", "period_month"])
    for key, row in sums.iterrows():
        assert row["numerator"] == totals.loc[key, "numerator"]
        assert row["denominator"] == totals.loc[key, "denominator"]
    assert (parts["numerator"] <= parts["denominator"]).all()
    assert (parts["denominator"] > 0).all()


def test_batches_are_loaded_in_time_order_and_never_after_the_build() -> None:
    times = [at for _, at, _ in _bulk().batches]
    assert times == sorted(times)
    assert max(times) < NOW


@pytest.mark.parametrize("size", ["M", "L"])
def test_l_is_ten_times_m(size: str) -> None:
    bulk = _bulk(size)
    assert len(bulk.indicators) == (2 if size == "M" else 20)
