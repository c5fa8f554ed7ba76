"""The baseline a scenario changes: per indicator, the projection engine's calibrated paths
of the year, and what the levers need beside them (units' shares, GRDP by sector, earlier
years' disbursement curves).

The paths are taken as they are from :func:`metrics.projection.project_year` (its
``paths``, ``period_values`` and ``expected_denominators``): a scenario changes paths, it
does not re-derive them, so every lever at its neutral value gives the baseline back
exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics.periods import check_series
from metrics.projection import Projection, plan_year_flows
from metrics.registry import Comparator, get_indicator

ONLINE = "online_dossier_share"
SATISFACTION = "satisfaction_rate"
DISBURSEMENT = "public_investment_disbursement"
DIGITAL = "digital_economy_share_grdp"
GRDP = "grdp_current_prices"
SIMULATED_CODES: tuple[str, ...] = (ONLINE, SATISFACTION, DISBURSEMENT, DIGITAL)


@dataclass(frozen=True, slots=True)
class IndicatorPaths:
    """One indicator's baseline paths for the rest of its (plan) year.

    ``paths`` are year-to-date values (%) after each future period, shape (periods,
    paths); ``period_values`` the same per period (a rate in %, or a month's flow in % of
    the plan for disbursement).
    """

    code: str
    period_months: tuple[dt.date, ...]
    is_extension: tuple[bool, ...]
    paths: np.ndarray
    period_values: np.ndarray
    judgement_index: int
    target: float | None
    comparator: Comparator | None
    observed_denominator: float = 0.0
    """Flow shapes: Σ denominators observed so far in the year."""
    expected_denominators: np.ndarray = field(default_factory=lambda: np.array([]))
    """Flow shapes: the expected denominator of each future period (not the extension)."""
    year_to_date: float = 0.0
    """Disbursement: the year to date (% of the plan) at the last observed month."""
    observed_flows: np.ndarray = field(default_factory=lambda: np.array([]))
    """Disbursement: this year's observed monthly flows (% of the plan)."""
    anchor_month: dt.date | None = None
    anchor_value: float | None = None
    """The last observed period of the year and its year-to-date value (where the fan
    chart opens); None before the year's first observation."""

    @property
    def n_paths(self) -> int:
        return int(self.paths.shape[1])

    @property
    def is_cumulative(self) -> bool:
        return self.code == DISBURSEMENT

    @property
    def first_projected(self) -> dt.date:
        return self.period_months[0]


@dataclass(frozen=True, slots=True)
class Economy:
    """GRDP of the scenario year by month and sector, for the sector levers.

    ``grdp_monthly`` (billion VND) is each quarter's GRDP (observed, else the projection's
    expected denominator) split evenly over its three months; a sector's value added in a
    month is its share of the year times that month's GRDP.
    """

    months: tuple[dt.date, ...]
    grdp_monthly: np.ndarray
    sector_codes: tuple[str, ...]
    sector_names_vi: tuple[str, ...]
    sector_names_en: tuple[str, ...]
    sector_shares: np.ndarray
    """Fractions of the year's GRDP, summing to 1."""
    is_production: np.ndarray
    """False for the product taxes less subsidies, which follow the production sectors."""
    shares_year: int
    """The year the sector shares come from (this year's quarters so far, else the latest)."""

    def sector_monthly(self) -> np.ndarray:
        """Value added by sector and month, shape (sectors, 12), billion VND."""
        return np.outer(self.sector_shares, self.grdp_monthly)


@dataclass(frozen=True, slots=True)
class Baseline:
    """Everything a scenario is simulated from."""

    year: int
    n_paths: int
    seed: int
    indicators: Mapping[str, IndicatorPaths]
    not_simulated: Mapping[str, str]
    """Indicators without paths this year, and why (the projection's reason)."""
    units: pd.DataFrame
    """Online share by unit so far this year: ``unit_id``, ``name_vi``, ``name_en``,
    ``rate`` (%), ``denominator`` (dossiers)."""
    economy: Economy | None
    curves: Mapping[int, np.ndarray]
    """Earlier plan years' monthly disbursement flows (% of the plan), January–December."""
    fingerprint: str
    """A digest of the data the baseline was built from: it changes when they do."""
    is_demo: bool


def fingerprint(frames: Mapping[str, pd.DataFrame]) -> str:
    """A short digest of the frames' content (order of keys does not matter).

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, 2.0]})
    >>> fingerprint({"a": a}) == fingerprint({"a": a.copy()})
    True
    >>> fingerprint({"a": a}) == fingerprint({"a": a.assign(x=[1.0, 2.5])})
    False
    """
    digest = hashlib.sha256()
    for key in sorted(frames):
        frame = frames[key]
        digest.update(key.encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(",".join(map(str, frame.columns)).encode())
    return digest.hexdigest()[:16]


def _observed_denominator(series: pd.DataFrame, year: int) -> float:
    rows = check_series(series)
    rows = rows.loc[rows["period_month"].dt.year == year]
    valid = rows["numerator"].notna() & rows["denominator"].notna() & (rows["denominator"] > 0)
    return float(rows.loc[valid, "denominator"].sum())


def indicator_paths(series: pd.DataFrame, projection: Projection) -> IndicatorPaths | None:
    """The baseline paths of one indicator from its projection; None when nothing is
    projected (a complete year, or no method)."""
    if projection.paths.size == 0:
        return None
    fan = projection.fan
    months = tuple(pd.Timestamp(m).date() for m in fan["period_month"])
    extension = tuple(bool(x) for x in fan["is_extension"])
    judgement = projection.judgement_date
    index = max(
        i
        for i, month in enumerate(months)
        if (month.year, month.month) <= (judgement.year, judgement.month)
    )
    common = {
        "code": projection.indicator_code,
        "period_months": months,
        "is_extension": extension,
        "paths": projection.paths,
        "period_values": projection.period_values,
        "judgement_index": index,
        "target": projection.target,
        "comparator": projection.comparator,
    }
    rows = check_series(series)
    if projection.indicator_code == DISBURSEMENT:
        flows = plan_year_flows(series, projection.year)
        this_year = flows.loc[flows["period_year"] == projection.year]
        first = projection.paths[0] - projection.period_values[0]
        year_to_date = float(np.median(first))
        seen = this_year.dropna(subset=["flow_share_pct"])
        return IndicatorPaths(
            **common,  # type: ignore[arg-type]
            year_to_date=year_to_date,
            observed_flows=seen["flow_share_pct"].to_numpy(dtype="float64"),
            anchor_month=pd.Timestamp(seen["period_month"].max()).date() if len(seen) else None,
            anchor_value=year_to_date if len(seen) else None,
        )
    in_year = rows.loc[
        (rows["period_month"].dt.year == projection.year)
        & rows["numerator"].notna()
        & (rows["denominator"] > 0)
    ]
    anchor = None
    if not in_year.empty:
        anchor = 100.0 * float(in_year["numerator"].sum()) / float(in_year["denominator"].sum())
    return IndicatorPaths(
        **common,  # type: ignore[arg-type]
        observed_denominator=_observed_denominator(series, projection.year),
        expected_denominators=np.asarray(projection.expected_denominators, dtype="float64"),
        anchor_month=pd.Timestamp(in_year["period_month"].max()).date() if anchor else None,
        anchor_value=anchor,
    )


def earlier_curves(series: pd.DataFrame, year: int) -> dict[int, np.ndarray]:
    """Each earlier plan year with all twelve monthly flows known: its flows (% of plan).

    Examples
    --------
    >>> months = pd.date_range("2024-01-01", "2024-12-01", freq="MS")
    >>> frame = pd.DataFrame({"period_year": 2024, "period_month": months,
    ...     "numerator": [5.0 * (i + 1) for i in range(12)], "denominator": 100.0})
    >>> earlier_curves(frame, 2025)[2024].tolist()[:3]
    [5.0, 5.0, 5.0]
    """
    flows = plan_year_flows(series, year - 1)
    curves: dict[int, np.ndarray] = {}
    for plan_year, rows in flows.groupby("period_year"):
        values = rows.set_index(rows["period_month"].dt.month)["flow_share_pct"]
        if len(values) == 12 and values.notna().all():
            curves[int(str(plan_year))] = values.sort_index().to_numpy(dtype="float64")
    return curves


PRODUCT_TAXES = "product_taxes"
"""The group of GRDP's "product taxes less subsidies", which is not a production sector."""


def is_production_sector(attributes_json: str) -> bool:
    """Whether a GRDP part is a production sector, from its attributes: the project's own
    breakdown says so (``is_production_sector``); a city's declared breakdown names only its
    ``group``, and the product taxes less subsidies are the one group that is not.

    >>> is_production_sector('{"group": "services", "is_production_sector": true}')
    True
    >>> is_production_sector('{"group": "product_taxes"}'), is_production_sector('{}')
    (False, True)
    >>> is_production_sector('{"group": "services", "is_production_sector": false}')
    False
    """
    try:
        attributes = json.loads(attributes_json)
    except ValueError:
        attributes = {}
    if not isinstance(attributes, dict):
        attributes = {}
    if "is_production_sector" in attributes:
        return bool(attributes["is_production_sector"])
    return attributes.get("group") != PRODUCT_TAXES


def economy(
    digital_series: pd.DataFrame,
    digital: IndicatorPaths | None,
    sectors: pd.DataFrame,
    year: int,
) -> Economy | None:
    """GRDP by month and sector for ``year`` (see :class:`Economy`); None without the
    digital share's paths or without sector figures.

    ``sectors`` is :func:`data_access.queries.breakdown_by_year` of GRDP by sector.
    """
    if digital is None or sectors.empty:
        return None
    rows = check_series(digital_series)
    rows = rows.loc[rows["period_month"].dt.year == year]
    quarterly = np.zeros(4)
    for month, denominator in zip(rows["period_month"], rows["denominator"], strict=True):
        if pd.notna(denominator):
            quarterly[(int(month.month) - 1) // 3] = float(denominator)
    for month, expected in zip(
        digital.period_months[: digital.expected_denominators.size],
        digital.expected_denominators,
        strict=True,
    ):
        quarterly[(month.month - 1) // 3] = float(expected)
    available = sorted(int(y) for y in sectors["period_year"].unique() if int(y) <= year)
    if not available:
        return None
    shares_year = available[-1]
    chosen = sectors.loc[sectors["period_year"] == shares_year].sort_values("sort_order")
    amounts = chosen["amount"].to_numpy(dtype="float64")
    attributes = chosen["attributes_json"].astype(str)
    return Economy(
        months=tuple(dt.date(year, m, 1) for m in range(1, 13)),
        grdp_monthly=np.repeat(quarterly / 3.0, 3),
        sector_codes=tuple(chosen["code"].astype(str)),
        sector_names_vi=tuple(chosen["name_vi"].astype(str)),
        sector_names_en=tuple(chosen["name_en"].astype(str)),
        sector_shares=amounts / amounts.sum(),
        is_production=np.array([is_production_sector(a) for a in attributes]),
        shares_year=shares_year,
    )


def build_baseline(
    year: int,
    series: Mapping[str, pd.DataFrame],
    projections: Mapping[str, Projection],
    units: pd.DataFrame,
    sectors: pd.DataFrame,
    *,
    n_paths: int,
    seed: int,
) -> Baseline:
    """Assemble a :class:`Baseline` from the projections of the headline indicators.

    Parameters
    ----------
    year : int
    series : mapping
        Each headline indicator's city series (:func:`data_access.queries.scope_series`).
    projections : mapping
        Each one's :func:`metrics.projection.project_year` for ``year`` with ``n_paths``
        and ``seed``.
    units : DataFrame
        :func:`data_access.queries.unit_standing` of the online share for ``year``.
    sectors : DataFrame
        :func:`data_access.queries.breakdown_by_year` of GRDP by sector.
    """
    indicators: dict[str, IndicatorPaths] = {}
    not_simulated: dict[str, str] = {}
    for code in SIMULATED_CODES:
        projection = projections.get(code)
        if projection is None or code not in series:
            not_simulated[code] = "no data"
            continue
        paths = indicator_paths(series[code], projection)
        if paths is None:
            not_simulated[code] = projection.reason_code
        else:
            indicators[code] = paths
    unit_rows = units.loc[units["denominator"] > 0] if not units.empty else units
    unit_frame = pd.DataFrame(
        {
            "unit_id": unit_rows.get("unit_id", pd.Series(dtype=str)).astype(str),
            "name_vi": unit_rows.get("name_vi", pd.Series(dtype=str)).astype(str),
            "name_en": unit_rows.get("name_en", pd.Series(dtype=str)).astype(str),
            "rate": 100.0
            * unit_rows.get("numerator", pd.Series(dtype=float)).astype(float)
            / unit_rows.get("denominator", pd.Series(dtype=float)).astype(float),
            "denominator": unit_rows.get("denominator", pd.Series(dtype=float)).astype(float),
        }
    ).reset_index(drop=True)
    disbursement = series.get(DISBURSEMENT)
    frames = {f"series:{k}": v for k, v in series.items()} | {"units": units, "sectors": sectors}
    is_demo = any(bool(frame["is_demo"].any()) for frame in series.values() if "is_demo" in frame)
    digital_series = series.get(DIGITAL)
    return Baseline(
        year=year,
        n_paths=n_paths,
        seed=seed,
        indicators=indicators,
        not_simulated=not_simulated,
        units=unit_frame,
        economy=(
            economy(digital_series, indicators.get(DIGITAL), sectors, year)
            if digital_series is not None
            else None
        ),
        curves=earlier_curves(disbursement, year) if disbursement is not None else {},
        fingerprint=fingerprint(
            {k: v.drop(columns=["last_loaded_at"], errors="ignore") for k, v in frames.items()}
        ),
        is_demo=is_demo,
    )


def indicator_name(code: str, lang: str) -> str:
    """The indicator's short name in ``lang``."""
    return get_indicator(code).text("name", lang)
