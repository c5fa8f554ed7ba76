"""Validating a submitted file, column by column, with pandas (no Python loop per row).

Every rule runs over whole columns and reports every row it fails, so all problems are
listed at once. A file passes only with no problem at all; then its rows come back typed,
in the warehouse's columns, ready for :mod:`data_access.writes`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.submissions import Reference
from data_access.writes import CAPITAL_PLAN_COLUMNS, OBSERVATION_COLUMNS, TARGET_COLUMNS
from i18n import safe_link
from ingest import problems as p
from ingest.layouts import KEY_FIELDS, LAYOUTS, Field, Kind, kind_of
from ingest.read import DEFAULT_LIMITS, Cells, Limits, Submitted, read
from metrics.reference import LEAF_UNIT_TYPES
from metrics.registry import INDICATORS, Grain, TimeRollup

CITY_UNIT = "city"
DISBURSEMENT_INDICATOR = "public_investment_disbursement"
"""Capital plans count towards this indicator in the record of submitted files."""
MAX_PROBLEMS = 100_000
"""Problems listed per file; beyond it one line says how many more there are."""
VALUE_TOLERANCE_PP = 0.05
"""A rate given as % may differ from numerator/denominator by rounding, up to this."""

_NUMBER = r"-?\d+(?:\.\d+)?"
_YEAR = r"\d{4}"
_PERIOD = r"(\d{4})-(\d{2})(?:-01)?"
_DATE = r"\d{4}-\d{2}-\d{2}"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKUP = re.compile(r"[<>`\[\]*|\\]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FLAGS_TRUE = frozenset({"yes", "true", "1", "có", "co", "x"})
_FLAGS_FALSE = frozenset({"no", "false", "0", "không", "khong"})
_COMPARATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<="}
_INDICATORS = {indicator.code: indicator for indicator in INDICATORS}


@dataclass(frozen=True, slots=True)
class Checked:
    """One file's validation: its problems and, when it passed, its rows typed."""

    name: str
    sha256: str
    size_bytes: int
    kind: Kind | None
    row_count: int
    error_row_count: int
    problems: pd.DataFrame
    """:data:`ingest.problems.PROBLEM_COLUMNS`, ordered by row."""
    rows: pd.DataFrame
    """The warehouse's columns of ``kind`` plus ``file_row``; empty unless it passed."""
    unit_counts: pd.DataFrame
    """Per ``indicator_code`` × ``unit_code`` as written: ``row_count``,
    ``error_row_count``, ``duplicate_row_count``, ``out_of_range_row_count``."""

    @property
    def is_ok(self) -> bool:
        return self.problems.empty


def check(
    submitted: Submitted, reference: Reference, today: dt.date, limits: Limits = DEFAULT_LIMITS
) -> Checked:
    """Validate one file; nothing is written anywhere.

    Parameters
    ----------
    submitted
        The file's name and bytes.
    reference
        The warehouse's units and breakdowns (:func:`data_access.submissions.reference`).
    today
        Today in the city: a month that has not ended is in the future.
    limits
        Size, row and field-length limits.

    Returns
    -------
    Checked
    """
    cells, found = read(submitted, limits)
    if cells is None:
        return _checked(submitted, None, 0, found, pd.DataFrame(), _no_counts())
    kind = kind_of(cells.header)
    if kind is None:
        return _checked(
            submitted,
            None,
            len(cells.frame),
            p.file_problem(submitted.name, "kind_unknown", columns=", ".join(cells.header)[:200]),
            pd.DataFrame(),
            _no_counts(),
        )
    header_problems = _header(submitted.name, cells, kind)
    if not header_problems.empty:
        return _checked(
            submitted, kind, len(cells.frame), header_problems, pd.DataFrame(), _no_counts()
        )
    rules = _Rules(submitted.name, cells, kind, reference, today, limits)
    typed = rules.run()
    problems = rules.problems()
    counts = rules.unit_counts(problems)
    if not problems.empty:
        typed = pd.DataFrame()
    return _checked(submitted, kind, len(cells.frame), problems, typed, counts)


def check_many(
    files: Iterable[Submitted],
    reference: Reference,
    today: dt.date,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Checked]:
    """Validate several files, and the keys they share: a row whose key another file of
    the same kind already gives is a problem of the later file."""
    results = [check(f, reference, today, limits) for f in files]
    seen: dict[Kind, pd.DataFrame] = {}
    out: list[Checked] = []
    for result in results:
        if result.kind is None or not result.is_ok:
            out.append(result)
            continue
        kind = result.kind
        key = list(_WAREHOUSE_KEY[kind])
        rows = result.rows.assign(file=result.name)
        earlier = seen.get(kind)
        if earlier is not None:
            clash = rows.merge(earlier[[*key, "file", "file_row"]], on=key, suffixes=("", "_first"))
            if not clash.empty:
                found = p.row_problems(
                    result.name,
                    clash["file_row"].to_numpy(),
                    KEY_FIELDS[result.kind][0],
                    clash[key[0]].astype(str),
                    "duplicate_across_files",
                    [
                        {"other_file": f, "other_row": int(r)}
                        for f, r in zip(clash["file_first"], clash["file_row_first"], strict=True)
                    ],
                )
                error_rows = int(clash["file_row"].nunique())
                counts = result.unit_counts.assign(
                    duplicate_row_count=result.unit_counts["row_count"]
                )
                result = Checked(
                    result.name,
                    result.sha256,
                    result.size_bytes,
                    result.kind,
                    result.row_count,
                    error_rows,
                    found,
                    pd.DataFrame(),
                    counts,
                )
                out.append(result)
                continue
        seen[kind] = rows if earlier is None else pd.concat([earlier, rows])
        out.append(result)
    return out


_WAREHOUSE_KEY: dict[Kind, tuple[str, ...]] = {
    Kind.OBSERVATIONS: (
        "indicator_id",
        "unit_id",
        "period_year",
        "period_month",
        "breakdown_key",
    ),
    Kind.CAPITAL_PLANS: ("unit_id", "plan_year", "effective_date"),
    Kind.TARGETS: ("indicator_id", "target_year", "due_date"),
}


def _no_counts() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "indicator_code",
            "unit_code",
            "row_count",
            "error_row_count",
            "duplicate_row_count",
            "out_of_range_row_count",
        ]
    )


def _checked(
    submitted: Submitted,
    kind: Kind | None,
    row_count: int,
    problems: pd.DataFrame,
    rows: pd.DataFrame,
    counts: pd.DataFrame,
) -> Checked:
    error_rows = int(problems["row"].dropna().nunique()) if not problems.empty else 0
    if not problems.empty and error_rows == 0:
        error_rows = row_count  # a problem of the whole file: none of its rows passed
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = p.combine(
            [
                problems.iloc[:MAX_PROBLEMS],
                p.file_problem(submitted.name, "more_problems", count=more),
            ]
        )
    return Checked(
        submitted.name,
        submitted.sha256,
        submitted.size_bytes,
        kind,
        row_count,
        error_rows,
        problems,
        rows,
        counts,
    )


def _header(name: str, cells: Cells, kind: Kind) -> pd.DataFrame:
    fields = LAYOUTS[kind]
    at = cells.header_row
    known = {f.name for f in fields}
    found: list[pd.DataFrame] = []
    seen: set[str] = set()
    for column in cells.header:
        if column in seen:
            found.append(p.column_problem(name, column, "duplicate_column", at))
        seen.add(column)
        if column not in known:
            found.append(
                p.column_problem(
                    name, column, "unknown_column", at, allowed=", ".join(f.name for f in fields)
                )
            )
    for field in fields:
        if field.required and field.name not in seen:
            found.append(p.column_problem(name, field.name, "missing_column", at))
    return p.combine(found)


class _Rules:
    """The rules of one kind run over one file's cells; collects problems as it goes."""

    def __init__(
        self,
        name: str,
        cells: Cells,
        kind: Kind,
        reference: Reference,
        today: dt.date,
        limits: Limits,
    ) -> None:
        self.name = name
        self.kind = kind
        self.reference = reference
        self.today = today
        self.limits = limits
        self.rows = cells.rows
        self.file_format = cells.file_format
        fields = LAYOUTS[kind]
        self.fields = {f.name: f for f in fields}
        frame = cells.frame
        for f in fields:
            if f.name not in frame.columns:
                frame = frame.assign(**{f.name: ""})
        self.cells = frame[[f.name for f in fields]].astype(str)
        self.found: list[pd.DataFrame] = []
        # Cells that already broke a rule: later rules on the same cell stay quiet, so a
        # cell gets one message (the first rule it breaks).
        self.bad = {f.name: np.zeros(len(frame), dtype=bool) for f in fields}

    # --- bookkeeping -------------------------------------------------------------------

    def report(
        self,
        column: str,
        mask: np.ndarray | pd.Series,
        rule: str,
        params: dict[str, object] | Callable[[np.ndarray], list[dict[str, object]]] | None = None,
    ) -> None:
        """Report ``rule`` for every row in ``mask`` whose cell in ``column`` has no
        problem yet; ``params`` is one mapping for all, or a function of the positions."""
        flags = np.asarray(mask, dtype=bool) & ~self.bad[column]
        if not flags.any():
            return
        where = np.flatnonzero(flags)
        shared = params(where) if callable(params) else params
        self.found.append(
            p.row_problems(
                self.name,
                self.rows[where],
                column,
                self.cells[column].to_numpy()[where].tolist(),
                rule,
                shared,
            )
        )
        self.bad[column] |= flags

    def problems(self) -> pd.DataFrame:
        return p.combine(self.found)

    def text(self, column: str) -> pd.Series:
        return self.cells[column]

    def given(self, column: str) -> np.ndarray:
        return (self.cells[column] != "").to_numpy()

    # --- generic rules -----------------------------------------------------------------

    def generic(self) -> None:
        for field in self.fields.values():
            column = self.cells[field.name]
            limit = min(field.max_chars, self.limits.max_field_chars)
            lengths = column.str.len().to_numpy()
            self.report(field.name, lengths > limit, "field_too_long", _lengths(lengths, limit))
            self.report(field.name, column.str.contains(_CONTROL).to_numpy(), "control_chars")
            if self.file_format == "xlsx":
                self.report(field.name, column.str.startswith("=").to_numpy(), "xlsx_formula")
            if field.type in ("text", "url"):
                self.report(field.name, column.str.startswith(_FORMULA).to_numpy(), "formula")
                self.report(field.name, column.str.contains(_MARKUP).to_numpy(), "markup")
            if field.required:
                self.report(field.name, ~self.given(field.name), "required")

    def number(self, column: str) -> np.ndarray:
        """Parse a number column: NaN where empty or bad (and bad ones reported)."""
        text = self.cells[column]
        ok = text.str.fullmatch(_NUMBER).to_numpy(dtype=bool)
        self.report(column, self.given(column) & ~ok, "not_number")
        values = pd.to_numeric(text.where(ok & ~self.bad[column]), errors="coerce")
        numbers = values.to_numpy(dtype="float64")
        self.report(column, numbers < 0, "negative")
        return np.where(self.bad[column], np.nan, numbers)

    def year(self, column: str, low: int, high: int) -> np.ndarray:
        text = self.cells[column]
        ok = text.str.fullmatch(_YEAR).to_numpy(dtype=bool)
        years = pd.to_numeric(text.where(ok), errors="coerce").to_numpy(dtype="float64")
        inside = (years >= low) & (years <= high)
        self.report(
            column, self.given(column) & ~(ok & inside), "bad_year", {"low": low, "high": high}
        )
        return np.where(self.bad[column], np.nan, years)

    def date(self, column: str) -> pd.Series:
        text = self.cells[column]
        shaped = text.str.fullmatch(_DATE).to_numpy(dtype=bool)
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
        ok = shaped & parsed.notna().to_numpy()
        self.report(column, self.given(column) & ~ok, "bad_date")
        return parsed.where(~self.bad[column])

    def codes(self, column: str, known: Iterable[str], rule: str) -> np.ndarray:
        text = self.cells[column]
        exists = text.isin(list(known)).to_numpy()
        self.report(column, self.given(column) & ~exists, rule)
        return exists & ~self.bad[column]

    def duplicates(self, key: pd.DataFrame, usable: np.ndarray, column: str) -> None:
        candidates = key[usable]
        repeated = candidates.duplicated(keep=False).to_numpy()
        if not repeated.any():
            return
        rows = pd.Series(self.rows[usable], index=candidates.index)
        first_row = rows.groupby([candidates[c] for c in candidates.columns]).transform("min")
        later = repeated & (rows.to_numpy() != first_row.to_numpy())
        mask = np.zeros(len(key), dtype=bool)
        mask[np.flatnonzero(usable)[later]] = True
        others = np.zeros(len(key), dtype="int64")
        others[np.flatnonzero(usable)] = first_row.to_numpy()
        key_names = ", ".join(name for name in KEY_FIELDS[self.kind] if self.given(name).any())
        self.report(
            column,
            mask,
            "duplicate_key",
            lambda at: [{"other_row": int(others[i]), "columns": key_names} for i in at],
        )

    # --- the kinds ---------------------------------------------------------------------

    def run(self) -> pd.DataFrame:
        self.generic()
        if self.kind is Kind.OBSERVATIONS:
            return self.observations()
        if self.kind is Kind.CAPITAL_PLANS:
            return self.capital_plans()
        return self.targets()

    def unit_of(self, column: str, types: Iterable[str]) -> np.ndarray:
        known = self.codes(column, self.reference.unit_types, "unknown_unit")
        unit_type = self.cells[column].map(self.reference.unit_types).fillna("")
        reporting = unit_type.isin(list(types)).to_numpy()
        self.report(column, known & ~reporting, "unit_not_reporting")
        return known & reporting

    def observations(self) -> pd.DataFrame:
        code = self.cells["indicator_code"]
        known_indicator = self.codes("indicator_code", _INDICATORS, "unknown_indicator")
        known_unit = self.codes("unit_code", self.reference.unit_types, "unknown_unit")
        grain = code.map({c: i.grain.value for c, i in _INDICATORS.items()}).fillna("")
        is_rate = code.isin([c for c, i in _INDICATORS.items() if i.is_rate]).to_numpy()
        cumulative = code.isin(
            [c for c, i in _INDICATORS.items() if i.time_rollup is TimeRollup.CUMULATIVE]
        ).to_numpy()
        unit_type = self.cells["unit_code"].map(self.reference.unit_types).fillna("")
        is_city_grain = (grain == Grain.CITY.value).to_numpy()
        leaf = unit_type.isin(list(LEAF_UNIT_TYPES)).to_numpy()
        city = (unit_type == CITY_UNIT).to_numpy()
        both = known_indicator & known_unit
        self.report("unit_code", both & is_city_grain & ~city, "city_indicator_unit")
        self.report("unit_code", both & ~is_city_grain & ~leaf, "unit_not_reporting")

        period = self.cells["period"]
        shaped = period.str.fullmatch(_PERIOD).to_numpy(dtype=bool)
        # A period of that shape has its year in characters 1-4 and its month in 6-7:
        # cut there (in C) rather than through a regex's groups (a Python call per row).
        cut = period.where(shaped)
        year = pd.to_numeric(cut.str.slice(0, 4), errors="coerce").to_numpy(dtype="float64")
        month = pd.to_numeric(cut.str.slice(5, 7), errors="coerce").to_numpy(dtype="float64")
        valid = shaped & (month >= 1) & (month <= 12) & (year >= 2000)
        self.report("period", self.given("period") & ~valid, "bad_period")
        this_month = self.today.year * 12 + self.today.month
        index = year * 12 + month
        future = valid & (index >= this_month)
        self.report(
            "period",
            future,
            "future_period",
            {"today": self.today.isoformat()},
        )
        period_ok = valid & ~self.bad["period"]

        plan_year = self.year("plan_year", 2000, 2100)
        given_plan = self.given("plan_year") & ~np.isnan(plan_year)
        allowed = (plan_year == year) | (cumulative & (month == 1) & (plan_year == year - 1))
        self.report(
            "plan_year", given_plan & period_ok & known_indicator & ~allowed, "plan_year_mismatch"
        )
        effective_year = np.where(given_plan, plan_year, year)

        breakdown = self.cells["breakdown"]
        known_breakdown = breakdown.isin(list(self.reference.breakdown_keys)).to_numpy()
        self.report("breakdown", self.given("breakdown") & ~known_breakdown, "unknown_breakdown")

        numerator = self.number("numerator")
        denominator = self.number("denominator")
        value = self.number("value")
        rate = known_indicator & is_rate
        plain = known_indicator & ~is_rate
        self.report("numerator", rate & ~self.given("numerator"), "required_for_rate")
        self.report("denominator", rate & ~self.given("denominator"), "required_for_rate")
        self.report("value", plain & ~self.given("value"), "required_for_value")
        self.report("numerator", plain & self.given("numerator"), "not_a_rate")
        self.report("denominator", plain & self.given("denominator"), "not_a_rate")
        both_numbers = rate & ~np.isnan(numerator) & ~np.isnan(denominator)
        above = both_numbers & (numerator > denominator)
        self.report(
            "numerator",
            above,
            "numerator_above_denominator",
            lambda at: [{"denominator": _plain(denominator[i])} for i in at],
        )
        has_value = rate & ~np.isnan(value)
        self.report("value", has_value & ((value < 0) | (value > 100)), "rate_out_of_range")
        with np.errstate(divide="ignore", invalid="ignore"):
            computed = np.where(denominator > 0, 100.0 * numerator / denominator, np.nan)
        mismatch = has_value & both_numbers & ~above & (denominator > 0)
        mismatch &= np.abs(value - computed) > VALUE_TOLERANCE_PP
        self.report(
            "value",
            mismatch,
            "value_mismatch",
            lambda at: [{"computed": f"{computed[i]:.2f}"} for i in at],
        )
        months = pd.to_datetime(
            {"year": np.nan_to_num(year, nan=2000), "month": np.nan_to_num(month, nan=1), "day": 1}
        )
        key = pd.DataFrame(
            {
                "indicator": code.to_numpy(),
                "unit": self.cells["unit_code"].to_numpy(),
                "year": effective_year,
                "month": months.to_numpy(),
                "breakdown": breakdown.to_numpy(),
            }
        )
        self.duplicates(key, known_indicator & known_unit & period_ok, "indicator_code")
        return pd.DataFrame(
            {
                "indicator_id": code.to_numpy(),
                "unit_id": self.cells["unit_code"].to_numpy(),
                "period_year": np.nan_to_num(effective_year, nan=0).astype("int64"),
                "period_month": months.dt.date.to_numpy(),
                "breakdown_key": breakdown.to_numpy(),
                "value": np.where(is_rate, computed, value),
                "numerator": np.where(is_rate, numerator, value),
                "denominator": np.where(is_rate, denominator, np.nan),
                "file_row": self.rows,
            }
        )[[*OBSERVATION_COLUMNS, "file_row"]]

    def capital_plans(self) -> pd.DataFrame:
        self.unit_of("unit_code", LEAF_UNIT_TYPES)
        plan_year = self.year("plan_year", 2000, self.today.year + 1)
        effective = self.date("effective_date")
        plan = self.number("plan_billion_vnd")
        start = pd.to_datetime({"year": np.nan_to_num(plan_year, nan=2000), "month": 1, "day": 1})
        end = start + pd.DateOffset(years=1, months=1) - pd.Timedelta(days=1)
        usable = effective.notna().to_numpy() & ~np.isnan(plan_year)
        outside = usable & ((effective < start) | (effective > end)).to_numpy()
        self.report("effective_date", outside, "effective_date_outside_year")
        key = pd.DataFrame(
            {
                "unit": self.cells["unit_code"].to_numpy(),
                "year": plan_year,
                "date": effective.to_numpy(),
            }
        )
        self.duplicates(key, usable & ~outside, "unit_code")
        return pd.DataFrame(
            {
                "unit_id": self.cells["unit_code"].to_numpy(),
                "plan_year": np.nan_to_num(plan_year, nan=0).astype("int64"),
                "effective_date": effective.dt.date.to_numpy(),
                "plan_billion_vnd": plan,
                "source_document": self.cells["source_document"].to_numpy(),
                "file_row": self.rows,
            }
        )[[*CAPITAL_PLAN_COLUMNS, "file_row"]]

    def targets(self) -> pd.DataFrame:
        code = self.cells["indicator_code"]
        known = self.codes("indicator_code", _INDICATORS, "unknown_indicator")
        year = self.year("target_year", 2000, 2100)
        given_due = self.date("due_date")
        year_end = pd.to_datetime({"year": np.nan_to_num(year, nan=2000), "month": 12, "day": 31})
        due = given_due.where(self.given("due_date"), year_end)
        inside = due.dt.year.to_numpy(dtype="float64") == year
        self.report(
            "due_date",
            self.given("due_date") & given_due.notna().to_numpy() & ~np.isnan(year) & ~inside,
            "due_date_outside_year",
        )
        comparator_text = self.cells["comparator"]
        comparator = comparator_text.map(_COMPARATORS)
        self.report(
            "comparator",
            self.given("comparator") & comparator.isna().to_numpy(),
            "bad_comparator",
        )
        direction = code.map({c: i.direction for c, i in _INDICATORS.items()})
        default = direction.map({"higher": ">=", "lower": "<="}).fillna(">=")
        comparator = comparator.where(self.given("comparator"), default)
        value = self.number("target_value")
        percent = code.isin([c for c, i in _INDICATORS.items() if i.unit == "percent"])
        self.report(
            "target_value",
            known & percent.to_numpy() & (value > 100),
            "target_out_of_range",
        )
        flag = self.cells["is_year_end"].str.lower()
        is_true = flag.isin(_FLAGS_TRUE).to_numpy()
        is_false = flag.isin(_FLAGS_FALSE).to_numpy()
        self.report("is_year_end", self.given("is_year_end") & ~is_true & ~is_false, "bad_flag")
        due_is_year_end = ((due.dt.month == 12) & (due.dt.day == 31)).to_numpy()
        is_year_end = np.where(self.given("is_year_end"), is_true, due_is_year_end)
        url = self.cells["source_url"]
        url_ok = url.map(lambda u: safe_link(u) is not None).to_numpy(dtype=bool)
        self.report("source_url", self.given("source_url") & ~url_ok, "bad_url")
        key = pd.DataFrame({"indicator": code.to_numpy(), "year": year, "due": due.to_numpy()})
        self.duplicates(key, known & ~np.isnan(year) & due.notna().to_numpy(), "indicator_code")
        label = self.cells["label"].replace("", None)
        return pd.DataFrame(
            {
                "indicator_id": code.to_numpy(),
                "unit_id": CITY_UNIT,
                "target_year": np.nan_to_num(year, nan=0).astype("int64"),
                "due_date": due.dt.date.to_numpy(),
                "comparator": comparator.to_numpy(),
                "target_value": value,
                "is_year_end": is_year_end.astype(bool),
                "source_document": self.cells["source_document"].to_numpy(),
                "source_url": url.replace("", None).to_numpy(),
                "label_vi": label.to_numpy(),
                "label_en": label.to_numpy(),
                "file_row": self.rows,
            }
        )[[*TARGET_COLUMNS, "file_row"]]

    # --- what the record of submitted files keeps ----------------------------------------

    def unit_counts(self, problems: pd.DataFrame) -> pd.DataFrame:
        """Rows per indicator × unit as written, and how many broke a rule (of any kind, a
        duplicate, an out-of-range value)."""
        if self.kind is Kind.CAPITAL_PLANS:
            indicator = pd.Series(DISBURSEMENT_INDICATOR, index=self.cells.index)
        else:
            indicator = self.cells["indicator_code"]
        unit = (
            pd.Series(CITY_UNIT, index=self.cells.index)
            if self.kind is Kind.TARGETS
            else self.cells["unit_code"]
        )
        error = np.zeros(len(self.rows), dtype=bool)
        duplicate = np.zeros(len(self.rows), dtype=bool)
        out_of_range = np.zeros(len(self.rows), dtype=bool)
        if not problems.empty:
            rows = problems.dropna(subset=["row"])
            # File row numbers increase down the file: a binary search finds each position.
            at = np.searchsorted(self.rows, rows["row"].astype("int64").to_numpy())
            rules = rows["rule"].to_numpy()
            error[at] = True
            duplicate[at[np.isin(rules, list(p.DUPLICATE_RULES))]] = True
            out_of_range[at[np.isin(rules, list(p.OUT_OF_RANGE_RULES))]] = True
        frame = pd.DataFrame(
            {
                "indicator_code": indicator.str.slice(0, 60).to_numpy(),
                "unit_code": unit.str.slice(0, 40).to_numpy(),
                "row_count": 1,
                "error_row_count": error.astype("int64"),
                "duplicate_row_count": duplicate.astype("int64"),
                "out_of_range_row_count": out_of_range.astype("int64"),
            }
        )
        return frame.groupby(["indicator_code", "unit_code"], as_index=False).sum()


def _lengths(lengths: np.ndarray, limit: int) -> Callable[[np.ndarray], list[dict[str, object]]]:
    def params(at: np.ndarray) -> list[dict[str, object]]:
        return [{"length": int(lengths[i]), "limit": limit} for i in at]

    return params


def _plain(number: float) -> str:
    """A number as the file would write it (no exponent, no trailing zeros)."""
    if not np.isfinite(number):
        return "—"
    return np.format_float_positional(float(number), trim="-")


def error_rows(problems: pd.DataFrame) -> int:
    """How many distinct rows have at least one problem."""
    return int(problems["row"].dropna().nunique()) if not problems.empty else 0


__all__ = ["MAX_PROBLEMS", "Checked", "Field", "check", "check_many", "error_rows"]
