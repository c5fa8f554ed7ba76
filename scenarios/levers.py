"""Levers as data: the assumptions file, and a scenario validated as a whole against it.

A scenario is a named set of overrides of the levers in ``levers.yaml``. It is checked as
a whole before anything is applied — names, types, bounds, months, units and sectors that
exist, an end after its start — and every problem found is reported together, each naming
its lever and parameter (:class:`ScenarioError`). Nothing is simulated from a scenario
with a problem.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from i18n import t

LEVERS_FILE = Path(__file__).resolve().parent / "levers.yaml"
NAME_MAX_CHARS = 120
PARAMETER_TYPES = ("number", "integer", "month", "choice", "year", "units", "sectors")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a lever: its type, unit, bounds and neutral default."""

    name: str
    type: str
    unit: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    allow_next_year: bool = False


@dataclass(frozen=True, slots=True)
class Lever:
    """One assumption that a scenario can override."""

    code: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    source_vi: str
    source_en: str
    indicators: tuple[str, ...]
    primary: str | None
    """The parameter goal seek and the tornado chart move over its bounds (None: the
    lever has no single number to move)."""
    parameters: tuple[Parameter, ...]

    def parameter(self, name: str) -> Parameter:
        """The parameter ``name`` (KeyError when the lever has none)."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    def text(self, field_name: str, lang: str) -> str:
        """``name``, ``description`` or ``source`` in ``lang``."""
        return str(getattr(self, f"{field_name}_{'vi' if lang == 'vi' else 'en'}"))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every lever of the assumptions file, and the sectors' digital intensity."""

    levers: tuple[Lever, ...]
    digital_intensity: Mapping[str, float]
    digital_intensity_default: float
    digital_intensity_source_vi: str
    digital_intensity_source_en: str

    def lever(self, code: str) -> Lever:
        """The lever ``code`` (KeyError when there is none)."""
        for lever in self.levers:
            if lever.code == code:
                return lever
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lever.code for lever in self.levers)


def _parameter(name: str, raw: Mapping[str, Any]) -> Parameter:
    if raw.get("type") not in PARAMETER_TYPES:
        raise ValueError(f"levers.yaml: parameter {name} has an unknown type {raw.get('type')!r}")
    return Parameter(
        name=name,
        type=str(raw["type"]),
        unit=str(raw.get("unit", "")),
        default=raw.get("default"),
        minimum=None if raw.get("min") is None else float(raw["min"]),
        maximum=None if raw.get("max") is None else float(raw["max"]),
        choices=tuple(str(c) for c in raw.get("choices", ())),
        allow_next_year=bool(raw.get("allow_next_year", False)),
    )


@cache
def load_catalogue(path: Path = LEVERS_FILE) -> Catalogue:
    """The levers of the assumptions file (read once per process).

    Examples
    --------
    >>> catalogue = load_catalogue()
    >>> catalogue.lever("sector_closure").parameter("activity_pct").maximum
    100.0
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    levers = tuple(
        Lever(
            code=str(entry["code"]),
            name_vi=str(entry["name_vi"]),
            name_en=str(entry["name_en"]),
            description_vi=str(entry["description_vi"]),
            description_en=str(entry["description_en"]),
            source_vi=str(entry["source_vi"]),
            source_en=str(entry["source_en"]),
            indicators=tuple(str(i) for i in entry["indicators"]),
            primary=entry.get("primary"),
            parameters=tuple(_parameter(n, p) for n, p in entry["parameters"].items()),
        )
        for entry in raw["levers"]
    )
    intensity = raw["digital_intensity"]
    return Catalogue(
        levers=levers,
        digital_intensity={str(k): float(v) for k, v in intensity["by_sector"].items()},
        digital_intensity_default=float(intensity["default"]),
        digital_intensity_source_vi=str(intensity["source_vi"]),
        digital_intensity_source_en=str(intensity["source_en"]),
    )


# ----------------------------------------------------------------------------- problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario: a message code and what fills it in."""

    code: str
    parts: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (``scenario_problem_<code>`` in the catalogue)."""
        return t(f"scenario_problem_{self.code}", lang, **self.parts)


class ScenarioError(ValueError):
    """A scenario (or a lever file) that cannot be simulated, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(p.message("en") for p in self.problems))

    def messages(self, lang: str) -> list[str]:
        """Each problem's message in ``lang``."""
        return [p.message(lang) for p in self.problems]


# ---------------------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class Context:
    """What a scenario is checked against: the baseline's year and what exists in it."""

    year: int
    unit_ids: frozenset[str]
    sector_codes: frozenset[str]
    curve_years: tuple[int, ...]
    """Earlier plan years whose disbursement curve is known."""
    first_projected: Mapping[str, dt.date]
    """Per indicator, the first month not yet observed."""
    simulated: frozenset[str]
    """Indicators the baseline has paths for this year."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A validated scenario: its name, seed and every lever's parameters (defaults filled
    in, types normalised: numbers as float, months as the first day of the month)."""

    name: str
    seed: int
    levers: Mapping[str, Mapping[str, Any]]
    overrides: Mapping[str, Mapping[str, Any]]
    """What was asked, as given (for saving and the lever file)."""

    def active(self) -> tuple[str, ...]:
        """Codes of the levers that move something (not at their neutral values)."""
        return tuple(code for code, params in self.levers.items() if not is_neutral(code, params))


def is_neutral(code: str, params: Mapping[str, Any]) -> bool:
    """Whether a lever at ``params`` leaves the baseline as it is."""
    if code == "online_extra_growth":
        return float(params["pp_per_month"]) == 0.0
    if code == "processing_time":
        return float(params["on_time_pp"]) == 0.0
    if code == "disbursement_curve":
        return bool(params["mode"] == "forecast")
    if code == "capital_plan_change":
        return float(params["change_pct"]) == 0.0
    if code == "sector_growth":
        return float(params["growth_pp"]) == 0.0 or not params["sectors"]
    if code == "sector_closure":
        return not params["sectors"]
    raise KeyError(code)


def month_text(month: dt.date) -> str:
    """``YYYY-MM``."""
    return f"{month.year:04d}-{month.month:02d}"


def _as_month(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, str):
        match = _MONTH.match(value.strip())
        if match and 1 <= int(match.group(2)) <= 12:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return None


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class _Checker:
    def __init__(self, catalogue: Catalogue, context: Context) -> None:
        self.catalogue = catalogue
        self.context = context
        self.problems: list[Problem] = []

    def add(self, code: str, **parts: object) -> None:
        self.problems.append(Problem(code, parts))

    def default(self, lever: Lever, parameter: Parameter) -> Any:
        default = parameter.default
        if parameter.type == "month":
            if default == "year_start":
                return dt.date(self.context.year, 1, 1)
            if default == "first_projected":
                months = [
                    self.context.first_projected[i]
                    for i in lever.indicators
                    if i in self.context.first_projected
                ]
                return min(months) if months else dt.date(self.context.year, 1, 1)
            return None
        if parameter.type == "number":
            return float(default)
        if parameter.type == "integer":
            return int(default)
        if parameter.type == "sectors":
            return ()
        return default

    def value(self, lever: Lever, parameter: Parameter, value: Any) -> Any:
        """The typed value, or None after adding a problem."""
        where = {"lever": lever.code, "parameter": parameter.name, "value": _show(value)}
        kind = parameter.type
        if kind in ("number", "integer"):
            number = _number(value)
            if number is None or (kind == "integer" and not number.is_integer()):
                self.add(f"wrong_type_{kind}", **where)
                return None
            low, high = parameter.minimum, parameter.maximum
            if (low is not None and number < low) or (high is not None and number > high):
                self.add("out_of_bounds", **where, minimum=_bound(low), maximum=_bound(high))
                return None
            return int(number) if kind == "integer" else number
        if kind == "month":
            if value is None:
                return None
            month = _as_month(value)
            if month is None:
                self.add("wrong_type_month", **where)
                return None
            last_year = self.context.year + (1 if parameter.allow_next_year else 0)
            if not self.context.year <= month.year <= last_year:
                self.add("month_outside_year", **where, year=self.context.year)
                return None
            return month
        if kind == "choice":
            if not isinstance(value, str) or value not in parameter.choices:
                self.add("unknown_choice", **where, choices=", ".join(parameter.choices))
                return None
            return value
        if kind == "year":
            if value is None:
                return None
            number = _number(value)
            if number is None or not number.is_integer():
                self.add("wrong_type_integer", **where)
                return None
            if int(number) not in self.context.curve_years:
                choices = ", ".join(str(y) for y in self.context.curve_years) or "—"
                self.add("unknown_curve_year", **where, choices=choices)
                return None
            return int(number)
        if kind == "units":
            if value == "all":
                return "all"
            return self.codes(lever, parameter, value, self.context.unit_ids, "unknown_unit")
        if kind == "sectors":
            codes = self.codes(lever, parameter, value, self.context.sector_codes, "unknown_sector")
            return None if codes is None else tuple(codes)
        raise AssertionError(kind)

    def codes(
        self,
        lever: Lever,
        parameter: Parameter,
        value: Any,
        known: frozenset[str],
        problem: str,
    ) -> tuple[str, ...] | None:
        where = {"lever": lever.code, "parameter": parameter.name, "value": _show(value)}
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.add(f"wrong_type_{parameter.type}", **where)
            return None
        if not all(isinstance(v, str) for v in value):
            self.add(f"wrong_type_{parameter.type}", **where)
            return None
        unknown = [v for v in value if v not in known]
        if unknown:
            self.add(problem, **(where | {"value": ", ".join(unknown[:5])}))
            return None
        return tuple(dict.fromkeys(value))

    def lever(self, lever: Lever, given: Mapping[str, Any]) -> dict[str, Any] | None:
        known = [p.name for p in lever.parameters]
        unknown = [name for name in given if name not in known]
        for name in unknown:
            self.add(
                "unknown_parameter", lever=lever.code, parameter=name, choices=", ".join(known)
            )
        before = len(self.problems)
        params: dict[str, Any] = {}
        for parameter in lever.parameters:
            if parameter.name in given:
                params[parameter.name] = self.value(lever, parameter, given[parameter.name])
            else:
                params[parameter.name] = self.default(lever, parameter)
        if len(self.problems) > before or unknown:
            return None
        self.whole(lever, params)
        return params if len(self.problems) == before else None

    def whole(self, lever: Lever, params: dict[str, Any]) -> None:
        """Rules across a lever's parameters, and whether the baseline can carry it."""
        code = lever.code
        if code == "online_extra_growth":
            n_units = len(self.context.unit_ids)
            if params["lowest_n"] and params["units"] != "all":
                self.add("units_and_lowest", lever=code)
            elif params["lowest_n"] > n_units:
                self.add(
                    "out_of_bounds",
                    lever=code,
                    parameter="lowest_n",
                    value=str(params["lowest_n"]),
                    minimum="0",
                    maximum=str(n_units),
                )
        if (
            code == "disbursement_curve"
            and params["mode"] == "earlier_year"
            and params["curve_year"] is None
        ):
            choices = ", ".join(str(y) for y in self.context.curve_years) or "—"
            self.add("curve_year_missing", lever=code, choices=choices)
        if code == "sector_closure" and params["sectors"]:
            start, reopen = params["start_month"], params["reopen_month"]
            if reopen is None:
                self.add("reopen_missing", lever=code)
            elif start is not None and reopen <= start:
                self.add(
                    "end_before_start",
                    lever=code,
                    start=month_text(start),
                    end=month_text(reopen),
                )
        if not is_neutral(code, params):
            missing = [i for i in lever.indicators if i not in self.context.simulated]
            for indicator in missing:
                self.add("not_simulated", lever=code, indicator=indicator, year=self.context.year)


def _bound(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else str(value)


def validate(
    name: Any,
    overrides: Any,
    context: Context,
    seed: Any = 0,
    catalogue: Catalogue | None = None,
) -> Scenario:
    """Check a scenario as a whole and return it with every lever's values filled in.

    Parameters
    ----------
    name : str
        The scenario's name (not empty, at most ``NAME_MAX_CHARS`` characters).
    overrides : mapping
        ``{lever code: {parameter: value}}``; levers and parameters left out keep their
        neutral defaults.
    context : Context
        The baseline's year and what exists in it.
    seed : int
        The seed of the run (a whole number ≥ 0).

    Raises
    ------
    ScenarioError
        With every problem found; nothing is applied.

    Examples
    --------
    >>> ctx = Context(2026, frozenset({"u1"}), frozenset({"C"}), (2024,),
    ...     {"online_dossier_share": dt.date(2026, 11, 1)}, frozenset({"online_dossier_share"}))
    >>> validate("More online", {"online_extra_growth": {"pp_per_month": 1}}, ctx).active()
    ('online_extra_growth',)
    >>> try:
    ...     validate("", {"online_extra_growth": {"pp_per_month": 9}}, ctx)
    ... except ScenarioError as error:
    ...     print(*error.messages("en"), sep="\\n")
    The scenario needs a name.
    Lever online_extra_growth, pp_per_month: 9 is outside its bounds 0 to 5.
    """
    catalogue = catalogue or load_catalogue()
    checker = _Checker(catalogue, context)
    if not isinstance(name, str) or not name.strip():
        checker.add("empty_name")
    elif len(name.strip()) > NAME_MAX_CHARS:
        checker.add("name_too_long", maximum=NAME_MAX_CHARS)
    seed_number = _number(seed)
    if seed_number is None or not seed_number.is_integer() or not 0 <= seed_number < 2**32:
        checker.add("bad_seed", value=_show(seed))
    levers: dict[str, dict[str, Any]] = {}
    given_levers: dict[str, dict[str, Any]] = {}
    if not isinstance(overrides, Mapping):
        checker.add("levers_not_mapping")
        overrides = {}
    for code in overrides:
        if code not in catalogue.codes:
            checker.add("unknown_lever", lever=_show(code), choices=", ".join(catalogue.codes))
        elif not isinstance(overrides[code], Mapping):
            checker.add("lever_not_mapping", lever=code)
    for lever in catalogue.levers:
        given = overrides.get(lever.code, {})
        if not isinstance(given, Mapping):
            continue
        params = checker.lever(lever, given)
        if params is not None:
            levers[lever.code] = params
            if given:
                given_levers[lever.code] = dict(given)
    if checker.problems:
        raise ScenarioError(checker.problems)
    return Scenario(
        name=str(name).strip(),
        seed=int(seed_number or 0),
        levers=levers,
        overrides=given_levers,
    )
