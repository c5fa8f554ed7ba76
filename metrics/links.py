"""Deep links: reading the free-form parts of a page's address safely.

A link can carry the day whose figures to show (``as_of=2026-11-10``: the figures as they
stood at the end of that day in Ho Chi Minh City), a unit (``unit=26737``) and a procedure
(``procedure=dang-ky-khai-sinh``). Anything typed into an address is outside text: it is
checked here against what the warehouse knows, and a value that is not understood is
refused with a reason, to be shown as plain text (:func:`plain_text`), never as Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from metrics.clock import CITY_TIMEZONE

SHOWN_CHARACTERS = 60
"""How much of a refused value a message repeats."""
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class LinkProblem(StrEnum):
    """Why a part of a link was refused."""

    MALFORMED_DATE = "malformed_date"
    """Not a calendar day written ``YYYY-MM-DD``."""
    BEFORE_FIRST_LOAD = "before_first_load"
    """A day before the warehouse held any figure."""
    FUTURE_DATE = "future_date"
    """A day that has not come yet."""
    UNKNOWN_UNIT = "unknown_unit"
    OUT_OF_SCOPE = "out_of_scope"
    """A unit the warehouse holds, outside the signed-in user's unit scope."""
    UNKNOWN_PROCEDURE = "unknown_procedure"
    NOT_A_CHOICE = "not_a_choice"
    """A filter (``lang``, ``year``, ``province``, ``type``) given a value it does not offer."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused part of a link: which parameter, what it held (cleaned), and why."""

    parameter: str
    value: str
    problem: LinkProblem


def plain_text(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """``value`` without control, format or bidirectional-override characters, cut to
    ``limit`` characters (with an ellipsis) — safe to repeat in a message once escaped.

    Examples
    --------
    >>> plain_text("ab\\u202ecd\\n")
    'abcd'
    >>> plain_text("x" * 70, 5)
    'xxxxx…'
    """
    text = unicodedata.normalize("NFC", str(value))
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return kept if len(kept) <= limit else kept[:limit] + "…"


def check_choice(parameter: str, text: str, choices: Collection[str]) -> Refusal | None:
    """None when ``text`` is one of a filter's ``choices``, else why it is refused.

    Examples
    --------
    >>> check_choice("year", "2025", {"2025"}) is None
    True
    >>> check_choice("province", "x\u202e" * 40, {"binh_duong"}).value
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
    """
    if text in choices:
        return None
    return Refusal(parameter, plain_text(text), LinkProblem.NOT_A_CHOICE)


def as_of_moment(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Ho Chi Minh City: the figures "as they stood on that day".

    Examples
    --------
    >>> as_of_moment(dt.date(2026, 11, 10)).isoformat()
    '2026-11-10T23:59:59+07:00'
    """
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=CITY_TIMEZONE)


def parse_as_of(
    text: str, first_day: dt.date | None, today: dt.date
) -> tuple[dt.date | None, Refusal | None]:
    """The day an ``as_of`` link asks for, or why it is refused.

    Parameters
    ----------
    text
        The parameter's value as typed.
    first_day
        The day (in the city) the warehouse's first figure was loaded; None when unknown.
    today
        Today in the city.

    Returns
    -------
    (date, None) when accepted; (None, Refusal) otherwise. Today itself is accepted (the
    figures as they stand).

    Examples
    --------
    >>> parse_as_of("2026-11-10", dt.date(2020, 2, 1), dt.date(2026, 11, 28))[0]
    datetime.date(2026, 11, 10)
    >>> parse_as_of("10/11/2026", None, dt.date(2026, 11, 28))[1].problem.value
    'malformed_date'
    >>> parse_as_of("2019-12-31", dt.date(2020, 2, 1), dt.date(2026, 11, 28))[1].problem.value
    'before_first_load'
    """
    cleaned = plain_text(text)
    if not _ISO_DAY.fullmatch(text.strip()):
        return None, Refusal("as_of", cleaned, LinkProblem.MALFORMED_DATE)
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None, Refusal("as_of", cleaned, LinkProblem.MALFORMED_DATE)
    if day > today:
        return None, Refusal("as_of", cleaned, LinkProblem.FUTURE_DATE)
    if first_day is not None and day < first_day:
        return None, Refusal("as_of", cleaned, LinkProblem.BEFORE_FIRST_LOAD)
    return day, None


def check_code(
    parameter: str, text: str, known: Collection[str], problem: LinkProblem
) -> tuple[str | None, Refusal | None]:
    """``text`` when it is one of ``known`` (a unit id, a procedure code), else why not.

    Examples
    --------
    >>> check_code("unit", "26737", {"26737"}, LinkProblem.UNKNOWN_UNIT)
    ('26737', None)
    >>> check_code("unit", "<b>x</b>", {"26737"}, LinkProblem.UNKNOWN_UNIT)[1].value
    '<b>x</b>'
    """
    value = text.strip()
    if value in known:
        return value, None
    return None, Refusal(parameter, plain_text(text), problem)
