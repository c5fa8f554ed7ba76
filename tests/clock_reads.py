"""Which test files depend on the day the suite runs as, for the second pass of ``.ci/run``.

``.ci/run`` runs the whole suite as today, then again as the same day a year ahead, the files
that depend on the day, so that a test (or the code) that would break as the calendar moves
fails now, not next year. The whole suite twice does not fit CI's time, and most of it gives
the same result on any day: a rule given explicit dates, a parser, a schema, a layout.

With ``DASHBOARD_CLOCK_READS=DIR`` set, this plugin watches the first pass and writes into
DIR (one file per process, ``<worker>.txt``) what read the clock
(:func:`metrics.clock._read_clock`, which ``utc_now`` and ``city_today`` without a moment
call, or the suite's own ``test_today``) in this process:

- a test file, when something read it while the file was imported or its tests ran, their
  function-, class- and module-scoped fixtures included;
- a fixture, when its set-up read it. A session fixture is set up once per process, in
  whichever file asks for it first; every file that uses it counts as reading the clock,
  except the fixtures of :data:`DAY_INDEPENDENT_FIXTURES`, whose result is the same on
  any day from a given day on.

``python -m tests.clock_reads DIR`` prints, one path per line, the files of
:data:`SECOND_PASS_FOLDERS` (and the doctest modules) among them, for the second pass; a
file counts as a whole.

Processes started by a test have clocks of their own that this process does not see. The
app server of the browser tests travels to the suite's day itself, but what the browser
tests check (nothing wider than the screen, keyboard, accessibility, downloads) is the same
on any day: the pages they draw are run as on the later day by the AppTests of tests/app,
in this process, whose reads are seen.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

import metrics.clock

VARIABLE = "DASHBOARD_CLOCK_READS"
SECOND_PASS_FOLDERS = ("tests/app/", "tests/unit/", "tests/golden/")
"""Where the second pass takes the files that read the clock from: the pages (AppTest), the
rules and the golden figures, whose results the day decides (the default year, the last
complete month, what is late or due, the milestone that applies). Elsewhere the clock is
read to stamp a time, not to decide a figure: the warehouse's SQL on fixed data, on SQLite
and PostgreSQL (tests/contract, tests/postgres: load, audit and fetch times), files checked
and loaded (tests/ingest), hostile input (tests/security), drawing in a browser
(tests/browser) and the benchmark's smoke tests (tests/bench)."""
_ROOT = Path(__file__).resolve().parent.parent

DAY_INDEPENDENT_FIXTURES: dict[str, tuple[dt.date, str]] = {
    "demo_warehouse_url": (
        dt.date(2026, 11, 21),
        "the demo of tests/conftest.py, seed 20251, ending in October 2026: its build reads"
        " the clock only to cap load times at the build's moment, and its last load is at"
        " 08:48 UTC on 20 November 2026, so from 21 November 2026 it is the same warehouse"
        " whatever the day",
    ),
    "other_demo_url": (
        dt.date(2026, 6, 22),
        "tests/golden/test_backtest_golden.py's demo of seed 7, ending in May 2026: the same,"
        " its last load at 01:41 UTC on 21 June 2026",
    ),
}
"""Fixtures whose set-up reads the clock but whose result is the same on any day from the day
given, and why (tests/unit/test_clock_reads.py checks the demo's last load)."""


def day_independent_fixtures(day: dt.date) -> set[str]:
    """The fixtures of :data:`DAY_INDEPENDENT_FIXTURES` that are so on ``day``."""
    return {name for name, (since, _why) in DAY_INDEPENDENT_FIXTURES.items() if day >= since}


class _Watch:
    """Counts the clock reads of this process, and what set them off."""

    def __init__(self, day_independent: set[str]) -> None:
        self.day_independent = day_independent
        self.events = 0
        self.not_direct = 0
        self.fixtures: set[str] = set()
        self.files: set[str] = set()
        self.fixtures_by_file: dict[str, set[str]] = {}

    def note(self) -> None:
        self.events += 1

    @property
    def direct(self) -> int:
        """Reads outside the set-up of day-independent fixtures."""
        return self.events - self.not_direct


_WATCH: _Watch | None = None


def note_clock_read() -> None:
    """Count a read of the day made without :mod:`metrics.clock` (the suite's ``test_today``)."""
    if _WATCH is not None:
        _WATCH.note()


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        return path.as_posix()


def pytest_configure(config: pytest.Config) -> None:
    global _WATCH
    if not os.environ.get(VARIABLE, "").strip() or _WATCH is not None:
        return
    watch = _Watch(day_independent_fixtures(metrics.clock.city_today()))
    _WATCH = watch
    read_clock = metrics.clock._read_clock

    def counted_read_clock() -> Any:
        watch.note()
        return read_clock()

    metrics.clock._read_clock = counted_read_clock  # type: ignore[assignment]


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    before = _WATCH.direct if _WATCH is not None else 0
    report = yield
    if _WATCH is not None and _WATCH.direct > before and isinstance(collector, pytest.File):
        _WATCH.files.add(_relative(collector.path))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    before = _WATCH.events if _WATCH is not None else 0
    result = yield
    if _WATCH is not None and _WATCH.events > before:
        if fixturedef.argname in _WATCH.day_independent:
            # Not counted for the file that happens to set it up either.
            _WATCH.not_direct += _WATCH.events - before
        else:
            # Counted for every file that uses it: a session fixture is set up once per
            # process, in whichever file asks first.
            _WATCH.fixtures.add(fixturedef.argname)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    if _WATCH is None:
        return (yield)
    before = _WATCH.direct
    result = yield
    path = _relative(item.path)
    if _WATCH.direct > before:
        _WATCH.files.add(path)
    _WATCH.fixtures_by_file.setdefault(path, set()).update(getattr(item, "fixturenames", ()))
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _WATCH is None:
        return
    folder = Path(os.environ[VARIABLE])
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    lines = [f"reads {path}" for path in sorted(_WATCH.files)]
    lines += [f"fixture {name}" for name in sorted(_WATCH.fixtures)]
    for path, names in sorted(_WATCH.fixtures_by_file.items()):
        lines.append(" ".join(["ran", path, *sorted(names)]))
    (folder / f"{worker}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def files_that_depend_on_the_day(folder: Path) -> tuple[list[str], list[str]]:
    """The files the first pass found depending on the day, and every file it ran."""
    reads: set[str] = set()
    fixtures: set[str] = set()
    uses: dict[str, set[str]] = {}
    for report in sorted(folder.glob("*.txt")):
        for line in report.read_text(encoding="utf-8").splitlines():
            kind, *words = line.split(" ")
            if kind == "reads":
                reads.update(words)
            elif kind == "fixture":
                fixtures.update(words)
            elif kind == "ran" and words:
                uses.setdefault(words[0], set()).update(words[1:])
    depends = reads | {path for path, names in uses.items() if names & fixtures}
    return sorted(depends), sorted(uses)


def second_pass(depends: list[str]) -> list[str]:
    """The files of ``depends`` the second pass runs: those of :data:`SECOND_PASS_FOLDERS`,
    and the modules outside ``tests/`` (their doctests)."""
    return [
        path
        for path in depends
        if path.startswith(SECOND_PASS_FOLDERS) or not path.startswith("tests/")
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.clock_reads DIR", file=sys.stderr)
        return 2
    depends, ran = files_that_depend_on_the_day(Path(argv[0]))
    if not ran:
        print(
            f"tests.clock_reads: no report in {argv[0]}: run the suite with {VARIABLE} set",
            file=sys.stderr,
        )
        return 1
    chosen = second_pass(depends)
    print(
        f"tests.clock_reads: {len(depends)} of {len(ran)} test files read the clock;"
        f" {len(chosen)} of them in {', '.join(SECOND_PASS_FOLDERS)} or doctests",
        file=sys.stderr,
    )
    print("\n".join(chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
