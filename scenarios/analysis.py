"""Goal seek and the tornado sweep: the scenario simulated again with one lever moved.

Every evaluation uses the scenario's own seed (common random numbers), so the probability
is a deterministic, monotone step function of a monotone lever and bisection finds its
threshold exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from scenarios.baseline import Baseline
from scenarios.engine import simulate
from scenarios.levers import Catalogue, Lever, Scenario, load_catalogue

Outcome = Literal["probability", "median"]
BISECTION_STEPS = 40


@dataclass(frozen=True, slots=True)
class GoalSeek:
    """The lever value that reaches the target at the asked probability, or why not.

    ``status``: ``"found"``; ``"already"`` (reached at the lever's neutral value);
    ``"unreachable"`` (not reached anywhere within the lever's bounds: ``best_value``
    and ``best_probability`` say how close the bounds get).
    """

    lever: str
    parameter: str
    indicator: str
    probability_wanted: float
    status: Literal["found", "already", "unreachable"]
    value: float | None
    probability: float | None
    best_value: float
    best_probability: float


def with_value(scenario: Scenario, lever: str, parameter: str, value: Any) -> Scenario:
    """The scenario with one parameter changed (the value is taken as valid)."""
    levers = {code: dict(params) for code, params in scenario.levers.items()}
    levers[lever][parameter] = value
    return replace(scenario, levers=levers)


def _probability(
    baseline: Baseline, scenario: Scenario, indicator: str, catalogue: Catalogue
) -> float:
    result = simulate(baseline, scenario, catalogue, codes=(indicator,)).indicators[indicator]
    probability = result.probability
    return 0.0 if probability is None else probability


def _typed(lever: Lever, parameter: str, value: float) -> float | int:
    return round(value) if lever.parameter(parameter).type == "integer" else value


def goal_seek(
    baseline: Baseline,
    scenario: Scenario,
    lever_code: str,
    indicator: str,
    probability: float,
    catalogue: Catalogue | None = None,
) -> GoalSeek:
    """The value of ``lever_code``'s primary parameter at which the probability of
    reaching ``indicator``'s target is at least ``probability``.

    The other levers keep the scenario's values. The search runs from the lever's neutral
    value towards the bound that raises the probability (bisection, the scenario's seed).

    Raises
    ------
    ValueError
        When the lever has no primary parameter, does not act on ``indicator``, or
        ``indicator`` has no target or no paths.

    Examples
    --------
    See ``tests/unit/test_scenario_engine.py``.
    """
    catalogue = catalogue or load_catalogue()
    lever = catalogue.lever(lever_code)
    if lever.primary is None or indicator not in lever.indicators:
        raise ValueError(f"{lever_code} cannot be goal-sought for {indicator}")
    if indicator not in baseline.indicators or baseline.indicators[indicator].target is None:
        raise ValueError(f"{indicator} has no paths or no target in {baseline.year}")
    parameter = lever.parameter(lever.primary)
    assert parameter.minimum is not None and parameter.maximum is not None
    neutral = float(parameter.default)
    if lever_code in ("sector_growth",) and not scenario.levers[lever_code]["sectors"]:
        raise ValueError(f"{lever_code} needs sectors before it can be goal-sought")

    def at(value: float) -> float:
        name = lever.primary or ""
        moved = with_value(scenario, lever_code, name, _typed(lever, name, value))
        return _probability(baseline, moved, indicator, catalogue)

    start = at(neutral)
    if start >= probability:
        return GoalSeek(
            lever_code,
            lever.primary,
            indicator,
            probability,
            "already",
            neutral,
            start,
            neutral,
            start,
        )
    ends = [parameter.maximum, parameter.minimum]
    best_value, best = neutral, start
    for end in ends:
        if end == neutral:
            continue
        reached = at(end)
        if reached > best:
            best_value, best = end, reached
        if reached < probability:
            continue
        low, high = neutral, end  # probability(low) < wanted <= probability(high)
        is_integer = parameter.type == "integer"
        for _ in range(BISECTION_STEPS):
            if is_integer and abs(high - low) <= 1:
                break
            middle = (low + high) / 2.0
            if is_integer:
                middle = float(round(middle))
            if at(middle) >= probability:
                high = middle
            else:
                low = middle
        value = float(_typed(lever, lever.primary, high))
        return GoalSeek(
            lever_code,
            lever.primary,
            indicator,
            probability,
            "found",
            value,
            at(value),
            best_value,
            best,
        )
    return GoalSeek(
        lever_code,
        lever.primary,
        indicator,
        probability,
        "unreachable",
        None,
        None,
        best_value,
        best,
    )


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """One lever's outcome at the low and high end of its primary parameter."""

    lever: str
    parameter: str
    low_value: float
    high_value: float
    outcome_at_low: float
    outcome_at_high: float
    sectors: tuple[str, ...] = ()

    @property
    def swing(self) -> float:
        return abs(self.outcome_at_high - self.outcome_at_low)


def _outcome(baseline: Baseline, scenario: Scenario, indicator: str, outcome: Outcome) -> float:
    result = simulate(baseline, scenario, codes=(indicator,)).indicators[indicator]
    if outcome == "median":
        return result.median
    return 0.0 if result.probability is None else 100.0 * result.probability


def tornado(
    baseline: Baseline,
    scenario: Scenario,
    indicator: str,
    outcome: Outcome = "median",
    catalogue: Catalogue | None = None,
    sectors: tuple[str, ...] | None = None,
) -> tuple[float, list[TornadoBar]]:
    """The outcome at the scenario's values, and each lever acting on ``indicator`` at
    the low and high bound of its primary parameter (the others as in the scenario),
    largest swing first.

    ``sectors``: for the sector-growth lever when the scenario names none (default: the
    sector of highest digital intensity — moving every sector alike leaves the share as
    it is).
    """
    catalogue = catalogue or load_catalogue()
    centre = _outcome(baseline, scenario, indicator, outcome)
    bars: list[TornadoBar] = []
    for lever in catalogue.levers:
        if lever.primary is None or indicator not in lever.indicators:
            continue
        parameter = lever.parameter(lever.primary)
        assert parameter.minimum is not None and parameter.maximum is not None
        base = scenario
        if lever.code == "sector_growth" and not scenario.levers[lever.code]["sectors"]:
            economy = baseline.economy
            if economy is None:
                continue
            chosen = sectors or (
                max(
                    economy.sector_codes,
                    key=lambda c: catalogue.digital_intensity.get(
                        c, catalogue.digital_intensity_default
                    ),
                ),
            )
            base = with_value(scenario, lever.code, "sectors", chosen)
        values = []
        for bound in (parameter.minimum, parameter.maximum):
            moved = with_value(base, lever.code, lever.primary, _typed(lever, lever.primary, bound))
            values.append(_outcome(baseline, moved, indicator, outcome))
        bars.append(
            TornadoBar(
                lever.code,
                lever.primary,
                parameter.minimum,
                parameter.maximum,
                values[0],
                values[1],
                sectors=tuple(base.levers[lever.code].get("sectors", ())),
            )
        )
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    return centre, bars
