"""Problems found in a submitted file, and their messages in the reader's language.

A problem names the file, the row (as the file numbers it: line 1 is the header of a CSV,
row 1 the header of a sheet), the column, the value as written, and the rule broken. The
message of each rule lives in the i18n catalogues (``ingest_rule_<rule>``), so the Data
page and the command line say the same thing in Vietnamese or English.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from i18n import fmt_number, t

PROBLEM_COLUMNS = ("file", "row", "column", "value", "rule", "params")
"""``row`` is nullable (a problem of the whole file); ``params`` a dict for the message."""

MAX_VALUE_CHARS = 60
"""A value is shown up to this many characters, then cut with an ellipsis."""

DUPLICATE_RULES = frozenset({"duplicate_key", "duplicate_across_files"})
OUT_OF_RANGE_RULES = frozenset(
    {
        "negative",
        "numerator_above_denominator",
        "rate_out_of_range",
        "value_mismatch",
        "target_out_of_range",
    }
)
"""Rules counted as "clean" problems (duplicates, out-of-range values) by governance."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def empty() -> pd.DataFrame:
    """No problems."""
    return pd.DataFrame(
        {
            "file": pd.Series(dtype=object),
            "row": pd.Series(dtype="Int64"),
            "column": pd.Series(dtype=object),
            "value": pd.Series(dtype=object),
            "rule": pd.Series(dtype=object),
            "params": pd.Series(dtype=object),
        }
    )


def file_problem(file: str, rule: str, **params: object) -> pd.DataFrame:
    """One problem of the whole file (no row, no column)."""
    return pd.DataFrame(
        {
            "file": [file],
            "row": pd.array([None], dtype="Int64"),
            "column": [None],
            "value": [""],
            "rule": [rule],
            "params": [dict(params)],
        }
    )


def column_problem(
    file: str, column: str, rule: str, header_row: int = 1, **params: object
) -> pd.DataFrame:
    """One problem of a whole column (a missing or unknown one), on the header row."""
    frame = file_problem(file, rule, **params)
    return frame.assign(column=[column], row=pd.array([header_row], dtype="Int64"))


def row_problems(
    file: str,
    rows: np.ndarray,
    column: str,
    values: Sequence[object] | pd.Series,
    rule: str,
    params: Mapping[str, object] | Sequence[Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Problems of many rows at once (vectorised): one per row number in ``rows``.

    ``params`` is one mapping for all rows, or one per row.
    """
    count = len(rows)
    if count == 0:
        return empty()
    if params is None or isinstance(params, Mapping):
        shared = dict(params or {})
        per_row: list[dict[str, object]] = [shared] * count
    else:
        per_row = [dict(p) for p in params]
    return pd.DataFrame(
        {
            "file": [file] * count,
            "row": pd.array(np.asarray(rows, dtype="int64"), dtype="Int64"),
            "column": [column] * count,
            "value": list(values),
            "rule": [rule] * count,
            "params": per_row,
        }
    )


def combine(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """All problems, ordered by file, row (file problems first) and column."""
    present = [f for f in frames if not f.empty]
    if not present:
        return empty()
    combined = pd.concat(present, ignore_index=True)
    order = combined.assign(_row=combined["row"].fillna(0)).sort_values(
        ["file", "_row"], kind="stable"
    )
    return order.drop(columns="_row").reset_index(drop=True)


def shown_value(value: object) -> str:
    """A value as the message quotes it: control characters made visible, cut to
    :data:`MAX_VALUE_CHARS` characters.

    Examples
    --------
    >>> shown_value("a\\x00b"), shown_value("x" * 70)[-3:]
    ('a\\\\x00b', 'xx…')
    """
    text = "" if value is None else str(value)
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "…"
    return text


NUMBER_PARAMS = frozenset({"size", "limit", "length", "rows", "count"})
"""Parameters written as numbers in the reader's format (``100.000`` / ``100,000``);
row and line numbers stay plain, as an editor shows them."""


def message(rule: str, params: Mapping[str, object], lang: str) -> str:
    """The rule broken, in ``lang``."""
    shown: dict[str, object] = {}
    for key, value in params.items():
        if key in NUMBER_PARAMS and isinstance(value, int | float) and not isinstance(value, bool):
            shown[key] = fmt_number(float(value), lang, 1 if isinstance(value, float) else 0)
        else:
            shown[key] = value
    return t(f"ingest_rule_{rule}", lang, **shown)


def line(problem: Mapping[Hashable, object], lang: str) -> str:
    """One problem as one line: file, row, column, value and the rule broken."""
    params = problem.get("params")
    text = message(str(problem["rule"]), params if isinstance(params, Mapping) else {}, lang)
    row = problem.get("row")
    column = problem.get("column")
    where = [str(problem["file"])]
    if row is not None and not pd.isna(row):  # type: ignore[call-overload]
        where.append(t("ingest_where_row", lang, row=int(str(row))))
    if column is not None and not pd.isna(column):  # type: ignore[call-overload]
        where.append(t("ingest_where_column", lang, column=shown_value(column)))
    value = problem.get("value")
    if value not in (None, "") and not (isinstance(value, float) and pd.isna(value)):
        where.append(t("ingest_where_value", lang, value=shown_value(value)))
    return ", ".join(where) + ": " + text


def table(problems: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The problems as a table to show or download: file, row, column, value, error."""
    headers = {
        "file": t("ingest_col_file", lang),
        "row": t("ingest_col_row", lang),
        "column": t("ingest_col_column", lang),
        "value": t("ingest_col_value", lang),
        "error": t("ingest_col_error", lang),
    }
    if problems.empty:
        return pd.DataFrame(columns=list(headers.values()))
    messages = [
        message(rule, params if isinstance(params, Mapping) else {}, lang)
        for rule, params in zip(problems["rule"], problems["params"], strict=True)
    ]
    return pd.DataFrame(
        {
            headers["file"]: problems["file"].astype(str),
            headers["row"]: problems["row"].astype("Int64"),
            headers["column"]: problems["column"].fillna("").astype(str),
            headers["value"]: [shown_value(v) for v in problems["value"]],
            headers["error"]: messages,
        }
    )
