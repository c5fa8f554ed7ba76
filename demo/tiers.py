"""The benchmark tiers M and L: the demo plus synthetic bulk, so pages can be timed at scale.

The design names the tiers: S is the demo; M is 168 units × 40 indicators × 10 years
monthly plus 2 million dossier rows; L is ten times M. A tier above S is the demo (every
figure of S, unchanged) plus:

- **Load-test indicators** (``bench_indicator_01`` … ``_40``, ×10 at L; a batch each): monthly rates
  with a numerator and a denominator for every commune-level unit over the 120 months
  ending at the last month, named "Chỉ tiêu thử tải NN (demo)". They are rows of the
  ``indicators`` table but not of the registry, so no page draws them: they are the weight
  of a larger warehouse on every query that scans ``observations``.
- **Dossier rows**: the online dossier share of each commune-level unit split by
  load-test procedures (``procedure:bench-NNNN``, named "Thủ tục thử tải NNNN (demo)") in
  the months before the demo's own procedure split starts (January 2020 – December 2024):
  received dossiers by a multinomial draw over the unit's mix, online dossiers by a
  multivariate hypergeometric draw, so the parts add up exactly to the unit's total and no
  part has more online dossiers than received. About 2 million rows at M (a part without
  dossiers has no row, as in the demo), a batch per year.

Everything here is demo data, loaded in demo batches (``bench|…`` submission keys): on
PostgreSQL COPYed straight into ``observations`` (``demo.build.append_bulk_batch``: the
rows, batches and audit entries the loader would leave, without its scan of every current
row per batch for rows to supersede: none of these keys exists before); on SQLite through
the same loader as the demo (``load_observation_batch``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from data_access.writes import OBSERVATION_COLUMNS
from demo import calibration as cal
from demo import dimensions as dim
from metrics.clock import add_months, month_end

TIER_FACTOR = {"S": 0, "M": 1, "L": 10}
"""How many times M's synthetic bulk each tier adds to the demo."""
INDICATORS_PER_M = 40
MONTHS = 120
DOSSIER_ROWS_PER_M = 2_000_000
BENCH_PREFIX = "bench_indicator_"
PROCEDURE_PREFIX = "bench-"
_PART_INDICATORS, _PART_PROCEDURES = 11, 12


@dataclass(frozen=True, slots=True)
class TierBulk:
    """What a tier adds to the demo."""

    indicators: pd.DataFrame
    """``indicators`` rows (indicator_id, name_vi, name_en, unit, direction, frequency,
    time_rollup, is_rate, is_headline)."""
    breakdowns: pd.DataFrame
    """``breakdowns`` rows (``data_access.writes.BREAKDOWN_COLUMNS``)."""
    batches: tuple[tuple[str, dt.datetime, pd.DataFrame], ...]
    """(submission key, loaded at, observation rows) in load order."""


def bench_indicator_rows(count: int) -> pd.DataFrame:
    """The load-test indicators' ``indicators`` rows.

    >>> bench_indicator_rows(2)["indicator_id"].tolist()
    ['bench_indicator_01', 'bench_indicator_02']
    """
    width = max(2, len(str(count)))
    codes = [f"{BENCH_PREFIX}{i:0{width}d}" for i in range(1, count + 1)]
    return pd.DataFrame(
        {
            "indicator_id": codes,
            "name_vi": [f"Chỉ tiêu thử tải {c[len(BENCH_PREFIX) :]} (demo)" for c in codes],
            "name_en": [f"Load-test indicator {c[len(BENCH_PREFIX) :]} (demo)" for c in codes],
            "unit": "percent",
            "direction": "higher",
            "frequency": "monthly",
            "time_rollup": "flow",
            "is_rate": True,
            "is_headline": False,
        }
    )


def bench_procedure_rows(count: int) -> pd.DataFrame:
    """The load-test procedures' ``breakdowns`` rows (after the demo's own sort order)."""
    codes = [f"{PROCEDURE_PREFIX}{i:04d}" for i in range(1, count + 1)]
    return pd.DataFrame(
        {
            "breakdown_key": [dim.breakdown_key(dim.PROCEDURE, c) for c in codes],
            "dimension": dim.PROCEDURE,
            "code": codes,
            "name_vi": [f"Thủ tục thử tải {c[len(PROCEDURE_PREFIX) :]} (demo)" for c in codes],
            "name_en": [f"Load-test procedure {c[len(PROCEDURE_PREFIX) :]} (demo)" for c in codes],
            "sort_order": [1000 + i for i in range(1, count + 1)],
            "attributes_json": json.dumps({"online_availability": "mixed"}),
            "is_demo": True,
        }
    )


def _loaded_at(month: dt.date, now: dt.datetime) -> dt.datetime:
    """Five days after the month ends, in office hours, never after the build."""
    at = dt.datetime.combine(month_end(month) + dt.timedelta(days=5), dt.time(3))
    return min(at, now - dt.timedelta(minutes=15))


def tier_bulk(
    size: str,
    communes: pd.DataFrame,
    online_totals: pd.DataFrame,
    *,
    last_month: dt.date,
    seed: int,
    now: dt.datetime,
    indicators_per_m: int = INDICATORS_PER_M,
    dossier_rows_per_m: int = DOSSIER_ROWS_PER_M,
) -> TierBulk:
    """The synthetic bulk of tier ``size`` (empty for S).

    Parameters
    ----------
    communes
        The commune-level units (``unit_id``), sorted.
    online_totals
        The demo's current ``online_dossier_share`` unit totals of the commune-level units
        (``unit_id``, ``period_year``, ``period_month``, ``numerator``, ``denominator``).
    indicators_per_m, dossier_rows_per_m
        M's load-test indicators and dossier rows (smaller in tests).
    """
    factor = TIER_FACTOR[size]
    if factor == 0:
        empty = pd.DataFrame()
        return TierBulk(empty, empty, ())
    unit_ids = communes["unit_id"].astype(str).to_numpy()
    batches: list[tuple[str, dt.datetime, pd.DataFrame]] = []

    # Load-test indicators: one batch per indicator × year.
    count = indicators_per_m * factor
    indicators = bench_indicator_rows(count)
    months = [add_months(last_month, -k) for k in range(MONTHS - 1, -1, -1)]
    rng = np.random.default_rng([seed, _PART_INDICATORS])
    unit_level = rng.normal(0.0, 0.6, len(unit_ids))
    unit_volume = rng.lognormal(6.0, 0.8, len(unit_ids))
    trend = np.linspace(-0.5, 0.5, len(months))
    month_col = np.tile(np.array(months, dtype=object), len(unit_ids))
    unit_col = np.repeat(unit_ids, len(months))
    for code in indicators["indicator_id"]:
        level = rng.normal(0.5, 1.0)
        shape = (len(unit_ids), len(months))
        logit = level + unit_level[:, None] + trend[None, :] + rng.normal(0.0, 0.2, shape)
        denominator = rng.poisson(unit_volume[:, None] * np.ones(shape)) + 1
        numerator = rng.binomial(denominator, expit(logit))
        frame = pd.DataFrame(
            {
                "indicator_id": code,
                "unit_id": unit_col,
                "period_year": [m.year for m in month_col],
                "period_month": month_col,
                "breakdown_key": "",
                "value": 100.0 * numerator.ravel() / denominator.ravel(),
                "numerator": numerator.ravel().astype(float),
                "denominator": denominator.ravel().astype(float),
            }
        )
        batches.append(
            (
                f"bench|{code}",
                _loaded_at(months[-1], now),
                frame.loc[:, list(OBSERVATION_COLUMNS)].reset_index(drop=True),
            )
        )

    # Dossier rows: the online share split by load-test procedures before the demo's own.
    totals = online_totals[online_totals["period_month"] < cal.PROCEDURE_FIRST_MONTH].sort_values(
        ["period_month", "unit_id"]
    )
    unit_months = max(len(totals), 1)
    procedures = int(np.ceil(dossier_rows_per_m * factor / unit_months))
    breakdown_frame = bench_procedure_rows(procedures)
    keys = breakdown_frame["breakdown_key"].to_numpy()
    rng = np.random.default_rng([seed, _PART_PROCEDURES])
    mix = rng.dirichlet(np.full(procedures, 20.0), len(unit_ids))
    unit_index = {u: i for i, u in enumerate(unit_ids)}
    by_year: dict[int, list[pd.DataFrame]] = {}
    for month, part in totals.groupby("period_month", sort=True):
        assert isinstance(month, dt.date)
        received_total = part["denominator"].round().to_numpy(dtype=np.int64)
        online_total = part["numerator"].round().to_numpy(dtype=np.int64)
        weights = mix[part["unit_id"].map(unit_index).to_numpy(dtype=np.int64)]
        received = rng.multinomial(received_total, weights)
        online = np.vstack(
            [
                rng.multivariate_hypergeometric(row, int(take))
                for row, take in zip(received, online_total, strict=True)
            ]
        )
        rows = len(part)
        frame = pd.DataFrame(
            {
                "indicator_id": "online_dossier_share",
                "unit_id": np.repeat(part["unit_id"].to_numpy(), procedures),
                "period_year": np.repeat(part["period_year"].to_numpy(), procedures),
                "period_month": month,
                "breakdown_key": np.tile(keys, rows),
                "numerator": online.ravel().astype(float),
                "denominator": received.ravel().astype(float),
            }
        )
        frame = frame[frame["denominator"] > 0]
        frame = frame.assign(value=100.0 * frame["numerator"] / frame["denominator"])
        by_year.setdefault(month.year, []).append(frame)
    # One batch a year: few large batches load faster than many small ones.
    for year, frames in sorted(by_year.items()):
        batches.append(
            (
                f"bench|online_dossier_share|procedures|{year}",
                _loaded_at(dt.date(year, 12, 1), now),
                pd.concat(frames, ignore_index=True)
                .loc[:, list(OBSERVATION_COLUMNS)]
                .reset_index(drop=True),
            )
        )
    batches.sort(key=lambda b: b[1])
    return TierBulk(indicators, breakdown_frame, tuple(batches))
