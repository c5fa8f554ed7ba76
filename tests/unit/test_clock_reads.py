"""The list of test files that depend on the day (tests/clock_reads.py), which decides what
.ci/run runs again as a year ahead: a file that reads the clock, or uses a fixture that did,
is on it; a file that does neither (a process it starts has its own clock) is not."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import create_engine, text

from data_access.engine import PROJECT_ROOT
from demo.generator import LOAD_GRACE
from tests.clock_reads import (
    DAY_INDEPENDENT_FIXTURES,
    day_independent_fixtures,
    files_that_depend_on_the_day,
    second_pass,
)
from tests.conftest import test_today

FILES = {
    "conftest.py": """
        import pytest
        import metrics.clock

        @pytest.fixture(scope="session")
        def today():
            return metrics.clock.city_today()

        # Named as a fixture of DAY_INDEPENDENT_FIXTURES (so since 22 June 2026).
        @pytest.fixture(scope="session")
        def other_demo_url():
            return str(metrics.clock.utc_now())
    """,
    # Sorted first, so the session fixture is set up (and the clock read) in this file.
    "test_a_sets_up_the_fixture.py": """
        def test_uses_today(today):
            assert today.year > 2000
    """,
    "test_b_uses_the_fixture_later.py": """
        def test_uses_today_again(today):
            assert today.year > 2000
    """,
    "test_c_reads_the_clock.py": """
        import metrics.clock

        def test_reads():
            assert metrics.clock.utc_now().year > 2000
    """,
    "test_d_starts_a_process.py": """
        import subprocess
        import sys

        def test_runs_python():
            subprocess.run([sys.executable, "-c", "pass"], check=True)
    """,
    "test_e_reads_on_import.py": """
        import metrics.clock

        YEAR = metrics.clock.city_today().year

        def test_year():
            assert YEAR > 2000
    """,
    "test_g_uses_a_day_independent_fixture.py": """
        def test_uses_the_demo(other_demo_url):
            assert other_demo_url
    """,
    "test_f_pure.py": """
        import datetime as dt
        from metrics.clock import add_months, city_today

        def test_explicit_dates():
            assert add_months(dt.date(2026, 11, 1), 2) == dt.date(2027, 1, 1)
            assert city_today(dt.datetime(2026, 11, 30, 17, 0)) == dt.date(2026, 12, 1)
    """,
}


def _run_watched(folder: Path, reports: Path, *, watched: bool = True) -> None:
    for name, body in FILES.items():
        (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DASHBOARD_CLOCK_READS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    if watched:
        env["DASHBOARD_CLOCK_READS"] = str(reports)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.clock_reads", "-p", "no:randomly"]
    command += ["-p", "no:cacheprovider", "-p", "no:xdist", str(folder)]
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_files_that_read_the_clock_or_use_a_fixture_that_did_are_listed(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "suite"
    folder.mkdir()
    _run_watched(folder, tmp_path / "reports")

    depends, ran = files_that_depend_on_the_day(tmp_path / "reports")

    names = {Path(path).name for path in depends}
    assert names == {
        "test_a_sets_up_the_fixture.py",
        "test_b_uses_the_fixture_later.py",
        "test_c_reads_the_clock.py",
        "test_e_reads_on_import.py",
    }
    assert {Path(path).name for path in ran} == set(FILES) - {"conftest.py"}


def test_without_the_variable_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "suite"
    folder.mkdir()
    _run_watched(folder, tmp_path / "reports", watched=False)

    assert not (tmp_path / "reports").exists()


def test_the_command_fails_when_there_is_no_report(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.clock_reads", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no report" in result.stderr


def test_a_fixture_is_day_independent_from_its_day_on() -> None:
    assert day_independent_fixtures(dt.date(2026, 6, 21)) == set()
    assert day_independent_fixtures(dt.date(2026, 6, 22)) == {"other_demo_url"}
    assert day_independent_fixtures(dt.date(2026, 11, 20)) == {"other_demo_url"}
    assert day_independent_fixtures(dt.date(2026, 11, 21)) == {
        "other_demo_url",
        "demo_warehouse_url",
    }


def last_load_is_before(url: str, day: dt.date) -> tuple[bool, dt.datetime]:
    """Whether every load of the warehouse at ``url`` (plain SQL) comes before the latest
    moment a build on ``day`` or later caps a load time at (two grace periods before it)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            last = conn.execute(text("SELECT max(loaded_at) FROM load_batches")).scalar_one()
    finally:
        engine.dispose()
    moment = dt.datetime.fromisoformat(str(last))
    return moment < dt.datetime.combine(day, dt.time()) - 2 * LOAD_GRACE, moment


def test_the_demo_of_the_suite_is_the_same_warehouse_from_its_day_on(
    demo_warehouse_url: str,
) -> None:
    """Its last load comes before the day DAY_INDEPENDENT_FIXTURES gives, so no load time was
    capped at the build's moment: built on that day or later, it is the same warehouse. On
    an earlier day the build may cap them, and the fixture counts as reading the clock."""
    since, _why = DAY_INDEPENDENT_FIXTURES["demo_warehouse_url"]
    day = test_today()
    if day >= since:
        before, last = last_load_is_before(demo_warehouse_url, since)
        assert before, f"the demo's last load {last} is not before {since}"
    else:
        assert "demo_warehouse_url" not in day_independent_fixtures(day)


def test_the_second_pass_takes_the_pages_rules_golden_figures_and_doctests() -> None:
    depends = [
        "metrics/clock.py",
        "tests/app/test_overview_app.py",
        "tests/browser/test_pages_browser.py",
        "tests/contract/test_queries.py",
        "tests/golden/test_backtest_golden.py",
        "tests/ingest/test_load_undo.py",
        "tests/postgres/test_outage.py",
        "tests/unit/test_clock.py",
    ]
    assert second_pass(depends) == [
        "metrics/clock.py",
        "tests/app/test_overview_app.py",
        "tests/golden/test_backtest_golden.py",
        "tests/unit/test_clock.py",
    ]


def test_the_command_prints_the_second_pass(tmp_path: Path) -> None:
    (tmp_path / "gw0.txt").write_text(
        "reads tests/app/test_a.py\nreads tests/contract/test_b.py\nfixture shown\n"
        "ran tests/app/test_a.py\nran tests/unit/test_c.py shown\nran tests/unit/test_d.py\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.clock_reads", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["tests/app/test_a.py", "tests/unit/test_c.py"]
    assert "3 of 3 test files read the clock; 2 of them" in result.stderr
