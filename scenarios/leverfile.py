"""The lever file: a scenario's overrides as a small CSV that can be edited and loaded back.

One row per parameter: ``lever``, ``parameter``, ``value`` (lists joined with ``;``,
months as ``YYYY-MM``); the rows of lever ``scenario`` hold its name, year and seed. A
file larger than :data:`MAX_BYTES`, or with a cell a spreadsheet would run as a formula,
is refused whole with a message naming the row; cells written by :func:`to_csv` that
start like a formula carry a leading apostrophe, which :func:`read_csv` removes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from i18n.escape import strip_invisible
from scenarios.levers import Catalogue, Problem, Scenario, ScenarioError, load_catalogue, month_text

MAX_BYTES = 1_000_000
HEADER = ("lever", "parameter", "value")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run: starting with = + - @ (a negative number is not).

    Examples
    --------
    >>> looks_like_formula("=1+1"), looks_like_formula("-10"), looks_like_formula("-x")
    (True, False, True)
    """
    return text.startswith(_FORMULA_START) and not _NUMBER.match(text)


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        text = ";".join(str(v) for v in value)
    elif hasattr(value, "year") and hasattr(value, "month"):
        text = month_text(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = "" if value is None else str(value)
    # Invisible characters out first (a name is outside text): one in front of "=" would
    # hide the formula from the check below.
    text = strip_invisible(text, keep="\n\t\r")
    return "'" + text if looks_like_formula(text) or text.startswith("'") else text


def to_csv(scenario: Scenario, year: int) -> bytes:
    """The scenario's overrides as a lever file (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    # CRLF, as RFC 4180 has it: a cell holding a CR or LF is then quoted (with "\n" alone a
    # bare CR in a name would end the row and start the next cell, unneutralised).
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow(["scenario", "name", _cell(scenario.name)])
    writer.writerow(["scenario", "year", str(year)])
    writer.writerow(["scenario", "seed", str(scenario.seed)])
    for code, params in scenario.overrides.items():
        for name, value in params.items():
            writer.writerow([code, name, _cell(value)])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True, slots=True)
class LeverFile:
    """What a lever file asks for (still to be validated against a baseline)."""

    name: str
    year: int | None
    seed: int | None
    overrides: Mapping[str, Mapping[str, Any]]


def _typed(catalogue: Catalogue, code: str, name: str, text: str) -> Any:
    """The cell as its parameter's type; left as text when it does not parse, so that
    validation names the lever and the parameter."""
    try:
        kind = catalogue.lever(code).parameter(name).type
    except KeyError:
        return text
    if kind in ("number", "integer", "year"):
        if not _NUMBER.match(text):
            return None if (kind == "year" and text == "") else text
        number = float(text)
        return int(number) if kind != "number" and number.is_integer() else number
    if kind == "units":
        return "all" if text == "all" else [v for v in text.split(";") if v]
    if kind == "sectors":
        return [v for v in text.split(";") if v]
    if kind == "month":
        return text or None
    return text


def read_csv(data: bytes, catalogue: Catalogue | None = None) -> LeverFile:
    """Parse a lever file.

    Raises
    ------
    ScenarioError
        Too large, not UTF-8 CSV with the header ``lever,parameter,value``, a formula
        cell, or a row that is not three cells.
    """
    catalogue = catalogue or load_catalogue()
    if len(data) > MAX_BYTES:
        raise ScenarioError(
            [Problem("lever_file_too_large", {"size": len(data), "maximum": MAX_BYTES})]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("lever_file_not_utf8")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip() for c in rows[0]) != HEADER:
        raise ScenarioError([Problem("lever_file_header", {"header": ",".join(HEADER)})])
    problems: list[Problem] = []
    name, year, seed = "", None, None
    overrides: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            problems.append(Problem("lever_file_row", {"row": number, "cells": len(row)}))
            continue
        for column, cell in zip(HEADER, row, strict=True):
            if looks_like_formula(cell):
                shown = cell if len(cell) <= 40 else cell[:37] + "…"
                problems.append(
                    Problem("lever_file_formula", {"row": number, "column": column, "value": shown})
                )
        code, parameter, value = (c.strip() for c in row)
        value = value[1:] if value.startswith("'") else value
        if code == "scenario":
            if parameter == "name":
                name = value
            elif parameter in ("year", "seed"):
                if not _NUMBER.match(value) or not float(value).is_integer():
                    problems.append(
                        Problem("lever_file_number", {"row": number, "parameter": parameter})
                    )
                elif parameter == "year":
                    year = int(float(value))
                else:
                    seed = int(float(value))
            continue
        overrides.setdefault(code, {})[parameter] = _typed(catalogue, code, parameter, value)
    if problems:
        raise ScenarioError(problems)
    return LeverFile(name=name, year=year, seed=seed, overrides=overrides)
