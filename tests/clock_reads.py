"""Which test files depend on the day the suite runs as, for the second pass of ``.ci/run``.

``.ci/run`` runs the whole suite as today, then again as the same day a year ahead, so that
a test (or the code) that would break as the calendar moves fails now, not next year. Both
passes of the whole suite do not fit CI's time, and most of the suite gives the same result
on any day: a rule given explicit dates, a parser, a schema, a chart built from fixed data.

With ``DASHBOARD_CLOCK_READS=DIR`` set, this plugin watches the first pass and writes into
DIR (one file per process, ``<worker>.txt``) the test files in which something could depend
on the day:

- something read the clock (:func:`metrics.clock._read_clock`, which ``utc_now`` and
  ``city_today`` without a moment call, or the suite's own ``test_today``): a test, one of
  its fixtures, or the module's import;
- or something started a process (an app server, a command-line run, a browser), whose clock
  this process cannot see;
- or a test used a fixture, of any scope, that did either when it was set up (a session
  fixture is set up once, in the first file that asks for it; every file that asks for it
  later is counted too).

``python -m tests.clock_reads DIR`` prints their union, one path per line, for the second
pass. A file counts as a whole, its doctests included, so the second pass runs whole files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

import metrics.clock

VARIABLE = "DASHBOARD_CLOCK_READS"
_ROOT = Path(__file__).resolve().parent.parent


class _Watch:
    """Counts clock reads and process starts in this process."""

    def __init__(self) -> None:
        self.events = 0
        self.fixtures: set[str] = set()
        self.files: set[str] = set()
        self.fixtures_by_file: dict[str, set[str]] = {}

    def note(self) -> None:
        self.events += 1


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
    watch = _Watch()
    _WATCH = watch
    read_clock = metrics.clock._read_clock
    popen_init = subprocess.Popen.__init__

    def counted_read_clock() -> Any:
        watch.note()
        return read_clock()

    def counted_popen_init(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        watch.note()
        popen_init(self, *args, **kwargs)

    metrics.clock._read_clock = counted_read_clock  # type: ignore[assignment]
    subprocess.Popen.__init__ = counted_popen_init  # type: ignore[assignment,method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    before = _WATCH.events if _WATCH is not None else 0
    report = yield
    if _WATCH is not None and _WATCH.events > before and isinstance(collector, pytest.File):
        _WATCH.files.add(_relative(collector.path))
    return report


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    before = _WATCH.events if _WATCH is not None else 0
    result = yield
    if _WATCH is not None and _WATCH.events > before:
        _WATCH.fixtures.add(fixturedef.argname)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    if _WATCH is None:
        return (yield)
    before = _WATCH.events
    result = yield
    path = _relative(item.path)
    if _WATCH.events > before:
        _WATCH.files.add(path)
    _WATCH.fixtures_by_file.setdefault(path, set()).update(getattr(item, "fixturenames", ()))
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _WATCH is None:
        return
    files = set(_WATCH.files)
    files |= {path for path, names in _WATCH.fixtures_by_file.items() if names & _WATCH.fixtures}
    folder = Path(os.environ[VARIABLE])
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    seen = sorted(_WATCH.fixtures_by_file)
    lines = [f"depends {path}" for path in sorted(files)] + [f"ran {path}" for path in seen]
    (folder / f"{worker}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def files_that_depend_on_the_day(folder: Path) -> tuple[list[str], list[str]]:
    """The files the first pass found depending on the day, and every file it ran."""
    depends: set[str] = set()
    ran: set[str] = set()
    for report in sorted(folder.glob("*.txt")):
        for line in report.read_text(encoding="utf-8").splitlines():
            kind, _, path = line.partition(" ")
            if kind == "depends":
                depends.add(path)
            elif kind == "ran":
                ran.add(path)
    return sorted(depends), sorted(ran)


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
    print(
        f"tests.clock_reads: {len(depends)} of {len(ran)} test files depend on the day",
        file=sys.stderr,
    )
    print("\n".join(depends))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
