"""Golden given/expect cases for the status and trend rules (status_rules.yaml)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from metrics.registry import StatusRule, get_indicator
from metrics.status import (
    Status,
    Trend,
    status_from_probability,
    trend_from_series,
    trend_year_on_year,
)

CASES_PATH = Path(__file__).with_name("status_rules.yaml")
CASES: dict[str, list[dict[str, Any]]] = yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))


def _cases(section: str) -> list[Any]:
    return [pytest.param(case, id=case["name"]) for case in CASES[section]]


def _rule(given: dict[str, Any]) -> StatusRule:
    if "indicator" in given:
        return get_indicator(given["indicator"]).status_rule
    return dataclasses.replace(StatusRule(), **given.get("rule", {}))


def test_the_golden_file_covers_every_status_and_trend() -> None:
    assert {case["expect"] for case in CASES["status"]} == {s.value for s in Status}
    assert {case["expect"] for case in CASES["trend"]} == {t.value for t in Trend}
    names = [case["name"] for section in CASES.values() for case in section]
    assert len(names) == len(set(names)), "case names must be unique"


@pytest.mark.golden
@pytest.mark.parametrize("case", _cases("status"))
def test_status_golden(case: dict[str, Any]) -> None:
    given = case["given"]
    status = status_from_probability(given["probability"], _rule(given), given["n_points"])
    assert status == Status(case["expect"])


@pytest.mark.golden
@pytest.mark.parametrize("case", _cases("trend"))
def test_trend_golden(case: dict[str, Any]) -> None:
    given = case["given"]
    trend = trend_from_series(
        given["values"], given["direction"], given["stable_band"], weights=given.get("weights")
    )
    assert trend == Trend(case["expect"])


@pytest.mark.golden
@pytest.mark.parametrize("case", _cases("trend_year_on_year"))
def test_trend_year_on_year_golden(case: dict[str, Any]) -> None:
    given = case["given"]
    trend = trend_year_on_year(
        given["current"], given["previous"], given["direction"], given["stable_band"]
    )
    assert trend == Trend(case["expect"])
