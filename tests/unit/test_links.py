"""Deep links: the day, unit and procedure a link asks for, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.links import (
    LinkProblem,
    as_of_moment,
    check_code,
    parse_as_of,
    plain_text,
)

FIRST = dt.date(2020, 2, 1)
TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "day", "problem"),
    [
        ("2026-11-10", dt.date(2026, 11, 10), None),
        (" 2026-11-10 ", dt.date(2026, 11, 10), None),
        ("2026-11-28", TODAY, None),
        ("2020-02-01", FIRST, None),
        ("2020-01-31", None, LinkProblem.BEFORE_FIRST_LOAD),
        ("2026-11-29", None, LinkProblem.FUTURE_DATE),
        ("2026-02-30", None, LinkProblem.MALFORMED_DATE),
        ("10/11/2026", None, LinkProblem.MALFORMED_DATE),
        ("2026-1-5", None, LinkProblem.MALFORMED_DATE),
        ("yesterday", None, LinkProblem.MALFORMED_DATE),
        ("", None, LinkProblem.MALFORMED_DATE),
        ("[x](https://evil.example)", None, LinkProblem.MALFORMED_DATE),
    ],
)
def test_parse_as_of(text, day, problem):
    parsed, refusal = parse_as_of(text, FIRST, TODAY)
    assert parsed == day
    assert (refusal.problem if refusal else None) == problem
    if refusal:
        assert refusal.parameter == "as_of"


def test_without_a_known_first_load_any_past_day_is_accepted():
    assert parse_as_of("1999-01-01", None, TODAY)[0] == dt.date(1999, 1, 1)


def test_the_moment_is_the_end_of_the_day_in_the_city():
    moment = as_of_moment(dt.date(2026, 11, 10))
    assert moment.astimezone(dt.UTC).replace(tzinfo=None) == dt.datetime(2026, 11, 10, 16, 59, 59)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("abc", "abc"),
        ("a\u202eb\u2066c\u200fd", "abcd"),  # bidirectional overrides and marks
        ("a\x00b\nc\td", "abcd"),  # control characters
        ("Tân Định", "Tân Định"),
        ("Ta\u0302n", "Tân"),  # normalised to NFC
        ("x" * 10_000, "x" * 60 + "…"),
    ],
)
def test_plain_text_strips_what_could_disguise_a_value(value, shown):
    assert plain_text(value) == shown


def test_an_unknown_code_is_refused_with_its_cleaned_value():
    code, refusal = check_code("unit", "99999\u202e", {"26737"}, LinkProblem.UNKNOWN_UNIT)
    assert code is None
    assert refusal is not None and refusal.value == "99999"
    assert check_code("procedure", " a ", {"a"}, LinkProblem.UNKNOWN_PROCEDURE) == ("a", None)
