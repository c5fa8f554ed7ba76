"""Data governance: the four quality demands of Resolution 214/NQ-CP, measured from the
warehouse itself, per dataset and unit, per dataset, and per data group of the city.

- **Correct (đúng)**: the share of submitted rows that passed validation (the record of
  submitted files, ``submission_check_units``).
- **Complete (đủ)**: the share of expected unit-periods present. The expected units of an
  indicator are every unit of the types its grain names and of any other type that has
  reported it (any ward reporting it makes every ward expected); the expected periods are
  the last twelve months (four quarters for a quarterly series) up to the latest period
  the freshness promise says must be in.
- **Clean (sạch)**: duplicates and out-of-range values found, in submitted files and among
  the current rows of the window; the share of rows examined that had neither.
- **Live (sống)**: days since the unit's last load against the dataset's promise; the
  share of units within it.

A dataset's measure is a ratio of sums over its units (never a mean of ratios); a group's
score is each measure's ratio of sums over the group's datasets, then the mean of the
measures that could be computed. Pure functions: no I/O, inputs untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from metrics.clock import add_months, to_city_time
from metrics.freshness import expected_latest_period
from metrics.reference import COMMUNE_LEVEL_TYPES
from metrics.registry import Frequency, Grain, get_indicator

WINDOW_PERIODS_MONTHS = 12
"""The window the completeness and cleanliness measures look back over."""
DATA_GROUPS: tuple[str, ...] = ("people", "finance_business", "land_urban")
"""The three groups of the city's data governance strategy, in the order shown."""
MEASURES: tuple[str, ...] = ("correct", "complete", "clean", "live")
GRAIN_TYPES: dict[Grain, tuple[str, ...]] = {
    Grain.COMMUNE_AND_DEPARTMENT: (*COMMUNE_LEVEL_TYPES, "department"),
    Grain.INVESTOR: ("investor",),
    Grain.CITY: ("city",),
}
"""The unit types expected to report an indicator of each grain (beside any other type
that has reported it: wards report disbursement as project owners too)."""


class SubmitterStatus(StrEnum):
    """Whether a unit's latest expected period is in."""

    MISSING = "missing"
    LATE = "late"
    ON_TIME = "on_time"


@dataclass(frozen=True, slots=True)
class Window:
    """The periods one indicator is expected to have: first days of months."""

    indicator_code: str
    expected_periods: tuple[dt.date, ...]
    """Oldest first; the last is the latest period that must be in by today."""
    step_months: int

    @property
    def first(self) -> dt.date:
        return self.expected_periods[0]

    @property
    def last(self) -> dt.date:
        return self.expected_periods[-1]


def window(indicator_code: str, today: dt.date) -> Window:
    """The expected periods of an indicator at ``today``: the last twelve months, or four
    quarters (named by their last month), up to the latest one due.

    Examples
    --------
    >>> w = window("online_dossier_share", dt.date(2026, 11, 28))
    >>> w.first, w.last, len(w.expected_periods)
    (datetime.date(2025, 11, 1), datetime.date(2026, 10, 1), 12)
    >>> window("digital_economy_share_grdp", dt.date(2026, 11, 28)).expected_periods[-2:]
    (datetime.date(2026, 6, 1), datetime.date(2026, 9, 1))
    """
    indicator = get_indicator(indicator_code)
    last = expected_latest_period(indicator, today)
    step = 1 if indicator.frequency is Frequency.MONTHLY else 3
    count = WINDOW_PERIODS_MONTHS // step
    periods = tuple(add_months(last, -step * k) for k in range(count - 1, -1, -1))
    return Window(indicator_code, periods, step)


def due_date(indicator_code: str, period: dt.date) -> dt.date:
    """The day a period's figures are due: the promise's day of the month after it.

    Examples
    --------
    >>> due_date("online_dossier_share", dt.date(2026, 9, 1))
    datetime.date(2026, 10, 5)
    """
    indicator = get_indicator(indicator_code)
    following = add_months(period.replace(day=1), 1)
    day = min(indicator.freshness_due_day, 28)
    return following.replace(day=day)


UNIT_QUALITY_COLUMNS = (
    "dataset_id",
    "unit_id",
    "expected_periods",
    "present_periods",
    "complete_pct",
    "submitted_rows",
    "passed_rows",
    "correct_pct",
    "duplicate_rows",
    "out_of_range_rows",
    "examined_rows",
    "clean_pct",
    "last_loaded_at",
    "days_since_load",
    "promise_days",
    "is_live",
    "latest_period",
    "expected_period",
    "status",
    "days_late",
)


def unit_quality(
    catalogue: pd.DataFrame,
    links: pd.DataFrame,
    units: pd.DataFrame,
    periods: pd.DataFrame,
    latest: pd.DataFrame,
    checks: pd.DataFrame,
    today: dt.date,
) -> pd.DataFrame:
    """The four measures for each dataset and each unit expected to report it.

    Parameters
    ----------
    catalogue
        ``data_access.governance.catalogue``: ``dataset_id``, ``promise_days`` …
    links
        ``dataset_id``, ``indicator_id``: the indicators that measure each dataset.
    units
        ``unit_id``, ``unit_type``.
    periods
        ``data_access.governance.unit_periods``: one row per indicator × unit × period
        (of the window) with a current row: ``indicator_id``, ``unit_id``,
        ``period_month`` (date), ``rows``, ``out_of_range_rows``, ``duplicate_rows``.
    latest
        ``data_access.governance.unit_latest``: one row per indicator × unit that ever
        reported: ``indicator_id``, ``unit_id``, ``latest_period`` (date),
        ``last_loaded_at`` (naive UTC).
    checks
        ``data_access.governance.check_counts``: per ``indicator_code`` × ``unit_code``,
        ``row_count``, ``error_row_count``, ``duplicate_row_count``,
        ``out_of_range_row_count`` of the files submitted in the window.
    today
        Today in the city.

    Returns
    -------
    DataFrame
        :data:`UNIT_QUALITY_COLUMNS`; one row per dataset × expected unit. Percentages are
        NaN where nothing was there to measure (no file checked: no "correct").

    Notes
    -----
    complete = present / expected unit-periods; correct = passed / submitted rows;
    clean = 1 − (duplicates + out-of-range) / (submitted rows + current rows in the window);
    live = days since the last load ≤ the promise. A unit is *missing* when none of its
    expected periods is in, *late* when the latest expected one is not, and ``days_late``
    counts from the due day of its first missing period after its latest due one (a
    period sent early, after the latest expected one, neither hides a gap nor is owed).
    """
    frames = []
    periods = periods.assign(period_month=pd.to_datetime(periods["period_month"]).dt.date)
    latest = latest.assign(latest_period=pd.to_datetime(latest["latest_period"]).dt.date)
    for dataset_id, promise_days in _entries(catalogue, "promise_days"):
        codes = sorted(links.loc[links["dataset_id"] == dataset_id, "indicator_id"])
        per_indicator = [
            _indicator_units(
                code,
                units,
                periods[periods["indicator_id"] == code],
                latest[latest["indicator_id"] == code],
                checks[checks["indicator_code"] == code],
                today,
            )
            for code in codes
        ]
        per_indicator = [f for f in per_indicator if not f.empty]
        if not per_indicator:
            continue
        both = pd.concat(per_indicator, ignore_index=True)
        frames.append(_dataset_units(both, dataset_id, int(promise_days), today))
    if not frames:
        return pd.DataFrame(columns=list(UNIT_QUALITY_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(UNIT_QUALITY_COLUMNS)]


def _indicator_units(
    code: str,
    units: pd.DataFrame,
    periods: pd.DataFrame,
    latest: pd.DataFrame,
    checks: pd.DataFrame,
    today: dt.date,
) -> pd.DataFrame:
    """One row per expected unit of one indicator (the sums the dataset rows add up)."""
    reporting_types = set(GRAIN_TYPES[get_indicator(code).grain])
    reporting_types |= set(units.loc[units["unit_id"].isin(latest["unit_id"]), "unit_type"])
    expected = units.loc[units["unit_type"].isin(reporting_types), "unit_id"].astype(str)
    if expected.empty:
        return pd.DataFrame()
    span = window(code, today)
    in_window = periods[periods["period_month"].isin(span.expected_periods)]
    present = in_window.groupby("unit_id")["period_month"].nunique()
    rows = in_window.groupby("unit_id")["rows"].sum()
    out_of_range = in_window.groupby("unit_id")["out_of_range_rows"].sum()
    duplicates = in_window.groupby("unit_id")["duplicate_rows"].sum()
    latest_in = latest.set_index("unit_id")["latest_period"]
    last_loaded = latest.set_index("unit_id")["last_loaded_at"]
    submitted = checks.groupby("unit_code")[
        ["row_count", "error_row_count", "duplicate_row_count", "out_of_range_row_count"]
    ].sum()
    frame = pd.DataFrame({"unit_id": expected.to_numpy()})
    frame["expected_periods"] = len(span.expected_periods)
    frame["present_periods"] = frame["unit_id"].map(present).fillna(0).astype("int64")
    frame["window_rows"] = frame["unit_id"].map(rows).fillna(0).astype("int64")
    submitted_rows = frame["unit_id"].map(submitted["row_count"]).fillna(0).astype("int64")
    error_rows = frame["unit_id"].map(submitted["error_row_count"]).fillna(0).astype("int64")
    frame["submitted_rows"] = submitted_rows
    frame["passed_rows"] = submitted_rows - error_rows
    frame["duplicate_rows"] = (
        frame["unit_id"].map(submitted["duplicate_row_count"]).fillna(0)
        + frame["unit_id"].map(duplicates).fillna(0)
    ).astype("int64")
    frame["out_of_range_rows"] = (
        frame["unit_id"].map(submitted["out_of_range_row_count"]).fillna(0)
        + frame["unit_id"].map(out_of_range).fillna(0)
    ).astype("int64")
    frame["last_loaded_at"] = pd.to_datetime(last_loaded).reindex(frame["unit_id"]).to_numpy()
    latest_period = [
        p if isinstance(p, dt.date) else None
        for p in latest_in.astype(object).reindex(frame["unit_id"])
    ]
    frame["latest_period"] = pd.to_datetime(pd.Series(latest_period, dtype=object))
    frame["expected_period"] = span.last
    # The first period owed: the one after the latest due period in (even before the
    # window: the unit has owed figures since then), or the window's first when none is
    # in. A period sent before it is due (after the window) owes nothing and hides no gap:
    # the latest due period in is then the latest in the window.
    last_in_window = in_window.groupby("unit_id")["period_month"].max()
    latest_due = [
        p if p is None or p <= span.last else last_in_window.get(unit)
        for unit, p in zip(frame["unit_id"], latest_period, strict=True)
    ]
    owed = [
        add_months(p, span.step_months) if isinstance(p, dt.date) else span.first
        for p in latest_due
    ]
    is_late = np.array([o <= span.last for o in owed], dtype=bool)
    frame["days_late"] = [
        max(0, (today - due_date(code, o)).days) if late else 0
        for o, late in zip(owed, is_late, strict=True)
    ]
    frame["status"] = np.where(
        frame["present_periods"] == 0,
        SubmitterStatus.MISSING.value,
        np.where(is_late, SubmitterStatus.LATE.value, SubmitterStatus.ON_TIME.value),
    )
    return frame


_STATUS_ORDER = {SubmitterStatus.MISSING.value: 0, SubmitterStatus.LATE.value: 1}


def _dataset_units(
    frame: pd.DataFrame, dataset_id: str, promise_days: int, today: dt.date
) -> pd.DataFrame:
    sums = frame.groupby("unit_id", sort=False)[
        [
            "expected_periods",
            "present_periods",
            "window_rows",
            "submitted_rows",
            "passed_rows",
            "duplicate_rows",
            "out_of_range_rows",
        ]
    ].sum()
    # The unit's worst indicator decides its status: missing before late before on time,
    # then the most days late.
    ranked = frame.assign(
        _order=frame["status"].map(_STATUS_ORDER).fillna(2), _late=-frame["days_late"]
    ).sort_values(["unit_id", "_order", "_late"], kind="stable")
    worst = ranked.groupby("unit_id", sort=False).first()
    last_loaded = frame.groupby("unit_id", sort=False)["last_loaded_at"].max()
    earliest_latest = frame.groupby("unit_id", sort=False)["latest_period"].min()
    out = sums.reset_index()
    out["dataset_id"] = dataset_id
    out["complete_pct"] = _pct(out["present_periods"], out["expected_periods"])
    out["correct_pct"] = _pct(out["passed_rows"], out["submitted_rows"])
    out["examined_rows"] = out["submitted_rows"] + out["window_rows"]
    issues = out["duplicate_rows"] + out["out_of_range_rows"]
    out["clean_pct"] = 100.0 - _pct(issues, out["examined_rows"])
    out["last_loaded_at"] = out["unit_id"].map(last_loaded)
    out["days_since_load"] = [_days_since(m, today) for m in out["last_loaded_at"]]
    out["promise_days"] = promise_days
    days = out["days_since_load"].astype("Float64")
    out["is_live"] = (days.notna() & (days <= promise_days)).astype(bool)
    out["latest_period"] = out["unit_id"].map(earliest_latest)
    out["expected_period"] = out["unit_id"].map(worst["expected_period"])
    out["status"] = out["unit_id"].map(worst["status"])
    out["days_late"] = out["unit_id"].map(worst["days_late"]).astype("int64")
    return out


def _entries(catalogue: pd.DataFrame, *columns: str) -> list[tuple[str, ...]]:
    """The catalogue's datasets as tuples of text: ``dataset_id`` and ``columns``."""
    names = ["dataset_id", *columns]
    return list(zip(*(catalogue[c].astype(str) for c in names), strict=True))


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole_f = whole.astype("float64")
    return (100.0 * part.astype("float64") / whole_f.where(whole_f > 0)).astype("float64")


def _days_since(moment: object, today: dt.date) -> float:
    if moment is None or (isinstance(moment, float) and np.isnan(moment)) or pd.isna(moment):  # type: ignore[call-overload]
        return float("nan")
    local = to_city_time(pd.Timestamp(moment).to_pydatetime()).date()  # type: ignore[arg-type]
    return float(max(0, (today - local).days))


DATASET_QUALITY_COLUMNS = (
    "dataset_id",
    "data_group",
    "units_expected",
    "units_late",
    "units_missing",
    "correct_pct",
    "complete_pct",
    "clean_pct",
    "live_pct",
    "days_since_load",
    "promise_days",
    "is_measured",
)


def dataset_quality(catalogue: pd.DataFrame, per_unit: pd.DataFrame) -> pd.DataFrame:
    """The four measures per dataset, each a ratio of sums over its units.

    Returns
    -------
    DataFrame
        :data:`DATASET_QUALITY_COLUMNS`, one row per catalogue dataset in catalogue order;
        ``is_measured`` is False (and the measures NaN) for a dataset no indicator of the
        warehouse measures. ``live_pct`` is the share of units within the promise;
        ``days_since_load`` the days since the dataset's latest load from any unit.
    """
    rows = []
    for dataset_id, group, promise_days in _entries(catalogue, "data_group", "promise_days"):
        mine = per_unit[per_unit["dataset_id"] == dataset_id]
        if mine.empty:
            rows.append(
                {
                    "dataset_id": dataset_id,
                    "data_group": group,
                    "units_expected": 0,
                    "units_late": 0,
                    "units_missing": 0,
                    "correct_pct": np.nan,
                    "complete_pct": np.nan,
                    "clean_pct": np.nan,
                    "live_pct": np.nan,
                    "days_since_load": np.nan,
                    "promise_days": int(promise_days),
                    "is_measured": False,
                }
            )
            continue
        sums = _sums(mine)
        rows.append(
            {
                "dataset_id": dataset_id,
                "data_group": group,
                "units_expected": len(mine),
                "units_late": int((mine["status"] == SubmitterStatus.LATE.value).sum()),
                "units_missing": int((mine["status"] == SubmitterStatus.MISSING.value).sum()),
                **_measures(sums),
                "days_since_load": float(mine["days_since_load"].min()),
                "promise_days": int(promise_days),
                "is_measured": True,
            }
        )
    return pd.DataFrame(rows, columns=list(DATASET_QUALITY_COLUMNS))


def _sums(per_unit: pd.DataFrame) -> dict[str, float]:
    return {
        "present": float(per_unit["present_periods"].sum()),
        "expected": float(per_unit["expected_periods"].sum()),
        "passed": float(per_unit["passed_rows"].sum()),
        "submitted": float(per_unit["submitted_rows"].sum()),
        "issues": float((per_unit["duplicate_rows"] + per_unit["out_of_range_rows"]).sum()),
        "examined": float(per_unit["examined_rows"].sum()),
        "live": float(per_unit["is_live"].sum()),
        "units": float(len(per_unit)),
    }


def _ratio(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole > 0 else float("nan")


def _measures(sums: dict[str, float]) -> dict[str, float]:
    clean = _ratio(sums["issues"], sums["examined"])
    return {
        "correct_pct": _ratio(sums["passed"], sums["submitted"]),
        "complete_pct": _ratio(sums["present"], sums["expected"]),
        "clean_pct": 100.0 - clean if not np.isnan(clean) else float("nan"),
        "live_pct": _ratio(sums["live"], sums["units"]),
    }


GROUP_SCORE_COLUMNS = (
    "data_group",
    "datasets",
    "datasets_measured",
    "correct_pct",
    "complete_pct",
    "clean_pct",
    "live_pct",
    "score_pct",
)


def group_scores(catalogue: pd.DataFrame, per_unit: pd.DataFrame) -> pd.DataFrame:
    """The city's score per data group.

    Each measure is a ratio of sums over every dataset × unit of the group; the score is
    the mean of the measures that could be computed (NaN when none).

    Returns
    -------
    DataFrame
        :data:`GROUP_SCORE_COLUMNS`, one row per group of :data:`DATA_GROUPS`.
    """
    rows = []
    for group in DATA_GROUPS:
        ids = catalogue.loc[catalogue["data_group"] == group, "dataset_id"]
        mine = per_unit[per_unit["dataset_id"].isin(ids)]
        measures = (
            _measures(_sums(mine))
            if not mine.empty
            else {f"{m}_pct": float("nan") for m in MEASURES}
        )
        known = [v for v in measures.values() if not np.isnan(v)]
        rows.append(
            {
                "data_group": group,
                "datasets": len(ids),
                "datasets_measured": int(mine["dataset_id"].nunique()) if not mine.empty else 0,
                **measures,
                "score_pct": float(np.mean(known)) if known else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=list(GROUP_SCORE_COLUMNS))


@dataclass(frozen=True, slots=True)
class GovernanceInputs:
    """What the measures are computed from (read by ``data_access.governance.read_inputs``)."""

    catalogue: pd.DataFrame
    links: pd.DataFrame
    units: pd.DataFrame
    periods: pd.DataFrame
    latest: pd.DataFrame
    checks: pd.DataFrame
    today: dt.date
    is_demo: bool = False
    """Whether demo batches are among the rows measured."""


@dataclass(frozen=True, slots=True)
class GovernanceReport:
    """The measures at three levels: dataset × unit, dataset, data group."""

    per_unit: pd.DataFrame
    """:data:`UNIT_QUALITY_COLUMNS`, late and missing units first."""
    datasets: pd.DataFrame
    """:data:`DATASET_QUALITY_COLUMNS`."""
    groups: pd.DataFrame
    """:data:`GROUP_SCORE_COLUMNS`."""
    today: dt.date
    is_demo: bool = False


def report(inputs: GovernanceInputs) -> GovernanceReport:
    """The measures of every dataset, unit and group (see the module docstring)."""
    per_unit = unit_quality(
        inputs.catalogue,
        inputs.links,
        inputs.units,
        inputs.periods,
        inputs.latest,
        inputs.checks,
        inputs.today,
    )
    return GovernanceReport(
        per_unit=attention_first(per_unit),
        datasets=dataset_quality(inputs.catalogue, per_unit),
        groups=group_scores(inputs.catalogue, per_unit),
        today=inputs.today,
        is_demo=inputs.is_demo,
    )


def attention_first(per_unit: pd.DataFrame) -> pd.DataFrame:
    """The units of ``per_unit`` with missing first, then late (most days late first),
    then on time; a stable order within each.

    Examples
    --------
    >>> frame = pd.DataFrame({"unit_id": ["a", "b", "c", "d"],
    ...     "status": ["on_time", "late", "missing", "late"], "days_late": [0, 3, 40, 30]})
    >>> attention_first(frame)["unit_id"].tolist()
    ['c', 'd', 'b', 'a']
    """
    order = per_unit["status"].map(_STATUS_ORDER).fillna(2)
    ranked = per_unit.assign(_order=order, _late=-per_unit["days_late"])
    ranked = ranked.sort_values(["_order", "_late"], kind="stable")
    return ranked.drop(columns=["_order", "_late"]).reset_index(drop=True)


__all__ = [
    "DATASET_QUALITY_COLUMNS",
    "DATA_GROUPS",
    "GROUP_SCORE_COLUMNS",
    "MEASURES",
    "UNIT_QUALITY_COLUMNS",
    "GovernanceInputs",
    "GovernanceReport",
    "SubmitterStatus",
    "Window",
    "attention_first",
    "dataset_quality",
    "due_date",
    "group_scores",
    "report",
    "unit_quality",
    "window",
]
