"""Deep-link refusals, the parts the leader reads: which parameter, what it held (cleaned,
cut at 60 characters) and why; and the filters' choices."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.links import (
    SHOWN_CHARACTERS,
    LinkProblem,
    Refusal,
    check_choice,
    check_code,
    parse_as_of,
    plain_text,
)

FIRST = dt.date(2020, 2, 1)
TODAY = dt.date(2026, 11, 28)


def test_a_value_of_exactly_the_limit_is_shown_whole() -> None:
    assert SHOWN_CHARACTERS == 60
    assert plain_text("y" * 60) == "y" * 60
    assert plain_text("y" * 61) == "y" * 60 + "…"
    assert plain_text("abcdef", 3) == "abc…"
    assert plain_text("abc", 3) == "abc"


def test_the_limit_counts_what_is_left_after_cleaning() -> None:
    # 60 letters and 5 bidi overrides: 60 characters are left, shown whole.
    assert plain_text("z" * 60 + "\u202e" * 5) == "z" * 60


def test_plain_text_takes_any_value() -> None:
    assert plain_text(2026) == "2026"
    assert plain_text(None) == "None"


def test_a_filter_value_it_offers_is_accepted() -> None:
    assert check_choice("lang", "vi", {"vi", "en"}) is None


def test_a_filter_value_it_does_not_offer_is_refused_cleaned() -> None:
    refusal = check_choice("type", "ward\u202e\n", {"ward", "commune"})
    assert refusal == Refusal("type", "ward", LinkProblem.NOT_A_CHOICE)
    # The match is exact: the cleaned value is not what was typed.
    assert check_choice("lang", "VI", {"vi", "en"}) == Refusal(
        "lang", "VI", LinkProblem.NOT_A_CHOICE
    )


@pytest.mark.parametrize(
    ("text", "shown", "problem"),
    [
        ("2026-13-01\u202e", "2026-13-01", LinkProblem.MALFORMED_DATE),  # not a calendar day
        ("2026-02-30", "2026-02-30", LinkProblem.MALFORMED_DATE),  # written right, no such day
        ("x\u202e" * 70, "x" * 60 + "…", LinkProblem.MALFORMED_DATE),
        ("2026-11-29", "2026-11-29", LinkProblem.FUTURE_DATE),
        ("2020-01-31", "2020-01-31", LinkProblem.BEFORE_FIRST_LOAD),
    ],
)
def test_an_as_of_refusal_repeats_the_cleaned_value(
    text: str, shown: str, problem: LinkProblem
) -> None:
    assert parse_as_of(text, FIRST, TODAY) == (None, Refusal("as_of", shown, problem))


def test_the_first_day_and_today_themselves_are_accepted() -> None:
    assert parse_as_of("2020-02-01", FIRST, TODAY) == (FIRST, None)
    assert parse_as_of("2026-11-28", FIRST, TODAY) == (TODAY, None)
    assert parse_as_of("2020-02-02", FIRST, TODAY) == (dt.date(2020, 2, 2), None)


def test_a_code_refusal_names_its_parameter_and_problem() -> None:
    assert check_code("procedure", "khai-sinh\u2066", {"a"}, LinkProblem.UNKNOWN_PROCEDURE) == (
        None,
        Refusal("procedure", "khai-sinh", LinkProblem.UNKNOWN_PROCEDURE),
    )
    assert check_code("unit", "26737", {"26737"}, LinkProblem.OUT_OF_SCOPE) == ("26737", None)
