"""Run mutmut's mutants outside mutmut: one forked process per mutant, the given tests only.

On the shared 2-core machine one mutant run through ``mutmut run`` took 7 to 60 seconds
even where its tests take under one (each mutant pays pytest's start-up and the imports of
pandas, SQLAlchemy and the project). This runner pays them once: the parent process imports
the test modules (a ``--collect-only`` pytest session), then for each mutant forks a child
that sets mutmut's ``MUTANT_UNDER_TEST`` (the trampolines mutmut writes into ``mutants/``
read it at every call and switch the mutated function in) and runs the tests with
``pytest.main([... , "-x", "-q", "--tb=native", "-p", "no:randomly", "-p",
"no:cacheprovider"])``.

Outcome per mutant: ``killed`` (a test failed: pytest exit code 1, or 2 when a test errored
or was interrupted), ``survived`` (exit code 0), ``timeout`` (the child ran longer than
``--timeout`` seconds and was killed; counted as killed, the mutant made a test hang),
``no tests`` (exit code 5, nothing collected) or ``error`` (any other exit code). Before
the mutants the tests run once with no mutant: if they fail there, nothing is measured.

The mutants are mutmut's: ``mutmut run`` must first have generated ``mutants/`` (it can be
stopped once the ``.meta`` files exist); the names are the keys of ``exit_code_by_key`` in
``mutants/**/*.py.meta``, e.g. ``data_access.cached.x_latest_value__mutmut_3``. Patterns are
shell globs over those names.

    nice -n 19 .venv/bin/python scripts/mutation_rerun.py 'data_access.cached.*' \\
        --tests tests/unit/test_cached_rules.py tests/unit/test_cached_fallback.py \\
        --json artifacts/mutation/cached.json

Prints one line per mutant that was not killed and the per-module summary; ``--json``
writes every mutant's outcome and the summary. Exit code 0 when every run mutant was killed
or timed out, 1 otherwise (survivors), 2 when the tests fail without a mutant.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import gc
import json
import os
import re
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# --tb=native: pytest's own traceback parses the source of every frame with ``ast``; a
# mutated module is megabytes of source (every mutant of every function), so one failure
# cost a child a minute of CPU. Python's traceback only reads the lines.
PYTEST_FLAGS = ["-x", "-q", "--tb=native", "-p", "no:randomly", "-p", "no:cacheprovider"]
KILLED = "killed"
SURVIVED = "survived"
TIMEOUT = "timeout"
NO_TESTS = "no tests"
ERROR = "error"
OUTCOMES = (KILLED, TIMEOUT, SURVIVED, NO_TESTS, ERROR)
_MODULE = re.compile(r"\.x[_ǁ]")


def module_of(name: str) -> str:
    """The module of a mutant's name.

    >>> module_of("data_access.cached.x_latest_value__mutmut_3")
    'data_access.cached'
    >>> module_of("data_access.sources.xǁSourceǁread__mutmut_1")
    'data_access.sources'
    """
    return _MODULE.split(name, maxsplit=1)[0]


def outcome_of(exit_code: int) -> str:
    """The outcome a pytest exit code means for a mutant.

    >>> [outcome_of(code) for code in (0, 1, 2, 3, 4, 5)]
    ['survived', 'killed', 'killed', 'error', 'error', 'no tests']
    """
    if exit_code == 0:
        return SURVIVED
    if exit_code in (1, 2):
        return KILLED
    if exit_code == 5:
        return NO_TESTS
    return ERROR


def mutant_names(mutants_dir: Path) -> list[str]:
    """Every mutant mutmut generated, from the ``.meta`` files under ``mutants_dir``."""
    names: list[str] = []
    for meta in sorted(mutants_dir.rglob("*.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        names.extend(data.get("exit_code_by_key", {}))
    return sorted(set(names), key=_natural)


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("__mutmut_")
    return (head, int(number)) if number.isdigit() else (name, -1)


BASELINE_MARGIN = 10
"""A mutant's timeout is at least this many times the baseline run's (the tests without a
mutant)."""


def select(names: Iterable[str], patterns: Sequence[str]) -> list[str]:
    """The names matching any of the shell-glob patterns, in the given order.

    >>> select(["a.x_f__mutmut_1", "a.x_g__mutmut_1", "b.x_f__mutmut_1"], ["a.x_f*", "b.*"])
    ['a.x_f__mutmut_1', 'b.x_f__mutmut_1']
    """
    return [name for name in names if any(fnmatch.fnmatchcase(name, p) for p in patterns)]


@dataclass
class Summary:
    """Counts of one module's (or all) run mutants."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def run(self) -> int:
        return sum(self.counts[outcome] for outcome in OUTCOMES)

    @property
    def killed(self) -> int:
        """Killed, a timeout counted as killed."""
        return self.counts[KILLED] + self.counts[TIMEOUT]

    def as_dict(self) -> dict[str, int]:
        result = {outcome: self.counts[outcome] for outcome in OUTCOMES}
        result["run"] = self.run
        result["killed or timeout"] = self.killed
        return result


def summarise(outcomes: dict[str, str]) -> dict[str, Summary]:
    """Per-module counts of the outcomes, and ``"all"`` over every module.

    >>> s = summarise({"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "timeout",
    ...                "m.x_f__mutmut_3": "survived", "n.x_g__mutmut_1": "killed"})
    >>> s["m"].run, s["m"].killed, s["all"].run, s["all"].killed
    (3, 2, 4, 3)
    """
    summaries: dict[str, Summary] = {"all": Summary()}
    for name, outcome in outcomes.items():
        summaries.setdefault(module_of(name), Summary()).counts[outcome] += 1
        summaries["all"].counts[outcome] += 1
    return summaries


def _run_tests(mutant: str, pytest_args: list[str], quiet: bool) -> int:
    """In the child: switch the mutant in and run the tests; returns pytest's exit code."""
    import pytest

    os.environ["MUTANT_UNDER_TEST"] = mutant
    try:
        from mutmut.mutation.trampoline import set_mutant_under_test
    except ImportError:  # pragma: no cover - a mutmut without the process-local copy
        pass
    else:
        set_mutant_under_test(mutant or None)
    if quiet:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    return int(pytest.main([*pytest_args, *PYTEST_FLAGS]))


def run_one(mutant: str, pytest_args: list[str], timeout: float, quiet: bool = True) -> str:
    """Fork, run the tests against ``mutant`` in the child, and return its outcome."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 3
        try:
            os.setpgid(0, 0)
            code = _run_tests(mutant, pytest_args, quiet)
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return outcome_of(os.waitstatus_to_exitcode(status))
        if time.monotonic() > deadline:
            for target in (-pid, pid):  # its process group first: a test may have forked
                with contextlib.suppress(ProcessLookupError):
                    os.kill(target, signal.SIGKILL)
            os.waitpid(pid, 0)
            return TIMEOUT
        time.sleep(0.02)


def warm_up(pytest_args: list[str]) -> int:
    """Import the test modules, their conftests and the code once, in the parent."""
    import pytest

    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        return int(pytest.main([*pytest_args, "--collect-only", *PYTEST_FLAGS]))
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="+", help="mutant names or shell globs over them")
    parser.add_argument(
        "--tests", nargs="+", required=True, help="test files (or node ids), relative to ROOT"
    )
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument(
        "--mutants-dir", type=Path, default=ROOT / "mutants", help="mutmut's mutants/ directory"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant")
    parser.add_argument("--json", type=Path, help="write every outcome and the summary here")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the run of the tests without a mutant"
    )
    parser.add_argument(
        "--resume", action="store_true", help="keep the outcomes already in --json, run the rest"
    )
    parser.add_argument("--verbose", action="store_true", help="show each child's pytest output")
    return parser.parse_args(argv)


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    mutants_dir = args.mutants_dir.resolve()
    names = select(mutant_names(mutants_dir), args.patterns)
    if not names:
        print(f"no mutant in {mutants_dir} matches {args.patterns}", file=sys.stderr)
        return 2
    json_path = args.json.resolve() if args.json else None
    os.chdir(mutants_dir)
    sys.path.insert(0, str(mutants_dir))
    pytest_args = list(args.tests)
    if args.keyword:
        pytest_args += ["-k", args.keyword]
    warm_up(pytest_args)
    # The children share the parent's pages until they write them: without this, a child's
    # first garbage collection walks (and so copies) every object the imports made, seconds
    # of CPU per mutant with the mutated modules (tens of megabytes of source) loaded.
    gc.collect()
    gc.freeze()
    if not args.no_baseline:
        begin = time.monotonic()
        baseline = run_one("", pytest_args, args.timeout * 5, quiet=not args.verbose)
        if baseline != SURVIVED:
            print(f"the tests do not pass without a mutant ({baseline}): nothing measured")
            return 2
        # A mutant gets at least ten times what the tests took without one: tests that are
        # merely slow on a loaded machine must not time out and be counted as a kill.
        needed = round(BASELINE_MARGIN * (time.monotonic() - begin), 1)
        if needed > args.timeout:
            print(f"--timeout {args.timeout:g} s raised to {needed:g} s (10 × the baseline)")
            args.timeout = needed
    outcomes: dict[str, str] = {}
    seconds: dict[str, float] = {}
    if args.resume and json_path and json_path.exists():
        done = json.loads(json_path.read_text(encoding="utf-8"))["mutants"]
        for name in names:
            if name in done:
                outcomes[name] = done[name]["outcome"]
                seconds[name] = done[name]["seconds"]
    started = time.monotonic()
    for index, name in enumerate(names, 1):
        if name in outcomes:
            continue
        begin = time.monotonic()
        outcomes[name] = run_one(name, pytest_args, args.timeout, quiet=not args.verbose)
        seconds[name] = round(time.monotonic() - begin, 2)
        if outcomes[name] not in (KILLED, TIMEOUT):
            print(f"{index}/{len(names)} {outcomes[name]}: {name}", flush=True)
        if json_path and index % 5 == 0:
            _write(json_path, args, outcomes, seconds, started)
    summaries = _write(json_path, args, outcomes, seconds, started) if json_path else None
    summaries = summaries or summarise(outcomes)
    for module, summary in sorted(summaries.items()):
        counts = ", ".join(f"{value} {key}" for key, value in summary.as_dict().items() if value)
        print(f"{module}: {counts}")
    all_killed = summaries["all"].killed == summaries["all"].run
    return 0 if all_killed else 1


def _write(
    path: Path,
    args: argparse.Namespace,
    outcomes: dict[str, str],
    seconds: dict[str, float],
    started: float,
) -> dict[str, Summary]:
    summaries = summarise(outcomes)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "tests": list(args.tests),
        "patterns": list(args.patterns),
        "timeout_s": args.timeout,
        "elapsed_s": round(time.monotonic() - started, 1),
        "mutants": {name: {"outcome": o, "seconds": seconds[name]} for name, o in outcomes.items()},
        "summary": {module: summary.as_dict() for module, summary in sorted(summaries.items())},
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return summaries


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
