"""A seeded random sample of the mutants not yet run, for an estimate of their score.

Running every mutant of ``metrics/`` and ``data_access/`` is hours of CPU on the shared
machine, so the parts no reading ran in full are measured by random mutant sampling: a
simple random sample, drawn with a fixed seed, from the mutants of the functions no earlier
reading ran (``UNRUN`` below; the README's mutation section names them). The sample is then
run with ``scripts/mutation_rerun.py`` and read as an estimate, with a Wilson interval.

    nice -n 19 .venv/bin/python scripts/mutation_sample.py --module data_access.sources
    nice -n 19 .venv/bin/python scripts/mutation_rerun.py \\
        $(.venv/bin/python scripts/mutation_sample.py --module data_access.sources) \\
        --tests tests/unit/test_sources_rules.py ... --json artifacts/mutation/s-sources.json

The names are those of ``exit_code_by_key`` in ``mutants/**/*.py.meta`` (``mutmut run``
must have generated ``mutants/`` first). The population is sorted (by function, then by
mutant number) before drawing, so the same seed gives the same sample whatever order the
``.meta`` files list them in. ``--population`` prints the whole population instead.

Tests written for the survivors of a sample kill those survivors by construction, so the
sample's figure after them is optimistic. ``--seed S2 --besides S1 -n N`` draws a check
sample from the same population less the first sample: run against the final tests, it
estimates their score without that bias. Several earlier samples can be left out, in the
order they were drawn, each with its size: ``--seed 20261202 --besides 20261130
20261201:30 -n 30`` is the third sample, disjoint from the first two.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261130
"""The seed of the README's sampled reading (30 November 2026)."""

Spec = tuple[int, tuple[str, ...], tuple[str, ...]]
"""Sample size, the functions run in full before (left out), and the functions of which only
mutants 1 to k were run before, as ``"name:k"`` (their mutants above k are in)."""

UNRUN: dict[str, Spec] = {
    # sources: the seventh reading ran the pandas reshaping.
    "data_access.sources": (
        60,
        (
            "x__percent",
            "x__kept",
            "x_as_unit_standing",
            "x_as_scope_series",
            "x_as_unit_series",
            "x_rank_standing",
            "x_source_codes",
        ),
        (),
    ),
    # queries: the sixth reading ran the headline functions and scope_series 1-19, the
    # seventh _standing_statement and _typed_series 1.
    "data_access.queries": (
        60,
        (
            "x__version_condition",
            "x__total_rows",
            "x__ratio",
            "x__paired",
            "x__unit_conditions",
            "x_unit_standing",
            "x__standing_statement",
        ),
        ("x_scope_series:19", "x__typed_series:1"),
    ),
    # cached: the seventh reading ran the scope, last-good and outage rules.
    "data_access.cached": (
        50,
        (
            "x__scope_ids",
            "x__check_filter",
            "x__only_scope",
            "x__without_single_unit_groups",
            "xǁOutOfScopeErrorǁ__init__",
            "x__fetch",
            "x__frame_key",
            "x__source_digest",
            "x_retry_delay",
            "x__mark_down",
            "x__notice_failure",
            "x__mark_up",
            "x_outage",
            "x_try_warehouse_again",
        ),
        (),
    ),
    # writes: the fifth and ninth readings ran all but the reference and published-figure
    # writers.
    "data_access.writes": (
        40,
        (
            "x_upsert_breakdowns",
            "x_read_published_figures",
            "x__stage_table",
            "x__load_staged",
            "x__fill_stage",
            "x__load_versioned",
            "x__supersede",
            "x__earlier_batches",
            "x_load_observation_batch",
            "x_load_capital_plan_batch",
            "x_load_target_batch",
            "x_batch_csv",
            "x__records",
            "x__plain_column",
            "x_undo_batch",
            "x__later_batches",
            "xǁUndoRefusedErrorǁ__init__",
            "x_lock_writes",
            "x_refresh_statistics",
        ),
        (),
    ),
    # governance: the ninth reading ran _out_of_range, unit_periods and has_demo_batches.
    "data_access.governance": (40, ("x__out_of_range", "x_unit_periods", "x_has_demo_batches"), ()),
    "data_access.stored_reports": (40, (), ()),
    "data_access.backtest": (40, (), ()),
    # forecasting and projection: the eighth reading ran the functions listed.
    "metrics.forecasting": (
        50,
        (
            "x__base_logit",
            "x__cumulative_history",
            "x_expected_denominators_at",
            "x_extension_fractions",
            "x_future_periods",
            "x_last_observed",
            "xǁHistoryǁrates",
            "xǁHistoryǁat",
            "xǁHistoryǁplan_year_row",
            "xǁHistoryǁcumulative_value",
            "xǁHistoryǁflow_points",
            "x__points",
            "x__drift_paths",
            "x_build_history",
            "x__profile",
            "x__profile_cumulative",
        ),
        (),
    ),
    "metrics.projection": (
        50,
        (
            "x_judgement_of",
            "x_expected_denominators",
            "x__bands",
            "x__stratified",
            "x__by_rank",
            "x__calibrate_cumulative_paths",
            "x__flow_count",
            "x__unit_word",
            "x__december_row_exists",
            "x__english",
            "x_plan_year_flows",
            "x__none",
            "x__complete",
            "x_project_year",
            "x__interval",
            "x__read_only",
            "x__empty_fan",
            "x__calibrate_flow_paths",
            "x__complete_if_over",
            "x__judged_in_january",
            "x__extension_from_december",
        ),
        (),
    ),
    "metrics.backtest": (50, (), ()),
}


def _split(name: str) -> tuple[str, str, int]:
    """A mutant's module, function and number.

    >>> _split("data_access.queries.x_scope_series__mutmut_20")
    ('data_access.queries', 'x_scope_series', 20)
    >>> _split("metrics.forecasting.xǁHistoryǁrates__mutmut_3")
    ('metrics.forecasting', 'xǁHistoryǁrates', 3)
    """
    head, _, number = name.rpartition("__mutmut_")
    module, function = re.split(r"\.(?=x[_ǁ])", head, maxsplit=1)
    return module, function, int(number)


def population(names: Iterable[str], module: str, spec: Spec) -> list[str]:
    """The module's mutants no earlier reading ran, sorted by function and number.

    >>> names = ["m.x_f__mutmut_1", "m.x_g__mutmut_2", "m.x_g__mutmut_1", "m.x_h__mutmut_1",
    ...          "n.x_f__mutmut_1"]
    >>> population(names, "m", (1, ("x_f",), ("x_g:1",)))
    ['m.x_g__mutmut_2', 'm.x_h__mutmut_1']
    """
    _, run, partly = spec
    first_run = {part.split(":")[0]: int(part.split(":")[1]) for part in partly}
    kept = []
    for name in names:
        mod, function, number = _split(name)
        if mod != module or function in run:
            continue
        if number <= first_run.get(function, 0):
            continue
        kept.append(name)
    return sorted(kept, key=_split)


def draw(names: Sequence[str], size: int, seed: int) -> list[str]:
    """A simple random sample of ``size`` names (all of them if fewer), sorted.

    >>> draw([f"m.x_f__mutmut_{i}" for i in range(1, 6)], 2, 1)
    ['m.x_f__mutmut_1', 'm.x_f__mutmut_2']
    """
    chosen = random.Random(seed).sample(list(names), min(size, len(names)))
    return sorted(chosen, key=_split)


def wilson(successes: int, trials: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default).

    >>> [round(x, 3) for x in wilson(38, 40)]
    [0.835, 0.986]
    >>> wilson(0, 0)
    (0.0, 1.0)
    """
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _earlier(text: str) -> tuple[int, int | None]:
    """An earlier sample's ``SEED`` or ``SEED:N``.

    >>> _earlier("20261130"), _earlier("20261201:30")
    ((20261130, None), (20261201, 30))
    """
    seed, _, size = text.partition(":")
    return int(seed), int(size) if size else None


def without(
    names: Sequence[str], earlier: Sequence[tuple[int, int | None]], default_size: int
) -> list[str]:
    """``names`` less the earlier samples, each drawn from what the ones before it left.

    This is how each of them was drawn: the check sample of seed 20261201 (30 a module) from
    the population less the first sample (seed 20261130, the module's size).

    >>> names = [f"m.x_f__mutmut_{i}" for i in range(1, 7)]
    >>> first = draw(names, 2, 1)
    >>> second = draw([n for n in names if n not in first], 2, 2)
    >>> left = without(names, [(1, None), (2, 2)], 2)
    >>> sorted(set(names) - set(left)) == sorted(first + second), len(left)
    (True, 2)
    """
    left = list(names)
    for seed, size in earlier:
        drawn = set(draw(left, default_size if size is None else size, seed))
        left = [name for name in left if name not in drawn]
    return left


def mutant_names(mutants_dir: Path) -> list[str]:
    """Every mutant in the ``.meta`` files under ``mutants_dir``."""
    names: set[str] = set()
    for meta in mutants_dir.rglob("*.meta"):
        names.update(json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {}))
    return sorted(names)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(UNRUN), default=[])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("-n", "--size", type=int, help="sample size (default: the module's)")
    parser.add_argument(
        "--besides",
        type=_earlier,
        nargs="+",
        default=[],
        metavar="SEED[:N]",
        help="draw from the population less the samples of these seeds, taken in order, each "
        "of N mutants (default: the module's size) from what the ones before it left (a check "
        "sample, run against the tests written for those samples' survivors)",
    )
    parser.add_argument("--mutants-dir", type=Path, default=ROOT / "mutants")
    parser.add_argument("--population", action="store_true", help="print the whole population")
    args = parser.parse_args(argv)
    names = mutant_names(args.mutants_dir)
    if not names:
        print(f"no mutant in {args.mutants_dir}: run `mutmut run` first", file=sys.stderr)
        return 2
    for module in args.module or sorted(UNRUN):
        spec = UNRUN[module]
        left = population(names, module, spec)
        left = without(left, args.besides, spec[0])
        size = args.size if args.size is not None else spec[0]
        print("\n".join(left if args.population else draw(left, size, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
