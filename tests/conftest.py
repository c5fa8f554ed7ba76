"""Shared fixtures: the clock, the demo warehouse, PostgreSQL databases, Chromium and a live
app server.

The clock is pinned for the whole session (``time-machine``, ticking from 10:00 in Ho Chi
Minh City) to ``DASHBOARD_TEST_TODAY`` (``YYYY-MM-DD``), or to today's date when it is unset,
so the suite can be run as on any day: ``DASHBOARD_TEST_TODAY=2027-11-28 make test``. The app
server of the browser tests runs under the same clock.

Outside resources (PostgreSQL, Chromium) skip their tests with a message when missing, and
fail them instead when ``DASHBOARD_REQUIRE_POSTGRES=1`` / ``DASHBOARD_REQUIRE_BROWSER=1``
(set by ``.ci/run``), so CI cannot pass by skipping.

Under pytest-xdist every worker is its own process with its own session fixtures and its own
``tmp_path_factory`` base directory: each worker builds its own demo warehouse and starts its
own app server, and nothing is shared between workers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Generator, Iterator
from datetime import date
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from data_access.engine import PROJECT_ROOT
from metrics.clock import CITY_TIMEZONE, city_today
from tests import clock_reads

# The month the demo warehouse ends on in tests: its figures are the same whatever the day
# the suite runs on (the clock decides only which of them are complete, late or due).
DEMO_LAST_MONTH = date(2026, 10, 1)
TODAY_VARIABLE = "DASHBOARD_TEST_TODAY"

POSTGRES_ADMIN_URL = os.environ.get(
    "DASHBOARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CHROMIUM_PATH = Path("/usr/bin/chromium")
APP_START_TIMEOUT_S = 60.0

_SERVER_LOG_KEY = pytest.StashKey[Path]()
_CLOCK_KEY = pytest.StashKey[time_machine.travel]()


def test_today() -> date:
    """The day the session runs as: ``DASHBOARD_TEST_TODAY``, else today in the city."""
    clock_reads.note_clock_read()
    text_value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not text_value:
        return city_today()
    try:
        return date.fromisoformat(text_value)
    except ValueError:
        raise pytest.UsageError(
            f"{TODAY_VARIABLE}={text_value!r} is not a date; use YYYY-MM-DD, e.g. 2027-11-28"
        ) from None


test_today.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def city_moment(day: date, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock on ``day`` in Ho Chi Minh City, as a UTC moment.

    Given in UTC on purpose: time-machine travelling to a moment with a named zone would also
    make that zone the process's local zone, and code that used the machine's local zone
    instead of the city's would then pass unnoticed.
    """
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=CITY_TIMEZONE).astimezone(dt.UTC)


def pytest_configure(config: pytest.Config) -> None:
    """Pin the clock for the whole session (every xdist worker pins its own), in a process
    whose local zone is UTC, as on the servers, not the city's."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    # No background warm-up thread in the app runs of the suite (it would compute on the
    # shared cores while other tests run); tests/unit/test_warm_up.py calls it directly.
    os.environ.setdefault("DASHBOARD_WARM_UP", "0")
    # Nor backtests written into the warehouses the tests share (a stored report would
    # answer another test's count of computations); tests/app/test_stored_reports_app.py
    # turns it on for its own copies.
    os.environ.setdefault("DASHBOARD_STORED_REPORTS", "0")
    # Where they are on, signed with a key of the suite's own, not a key file in var/.
    os.environ.setdefault("DASHBOARD_STORED_REPORTS_KEY", "suite-signing-key-" + "0" * 32)
    traveller = time_machine.travel(city_moment(test_today()), tick=True)
    traveller.start()
    # Which files depend on the day, for .ci/run's second pass (DASHBOARD_CLOCK_READS).
    config.pluginmanager.register(clock_reads, "clock_reads")
    config.stash[_CLOCK_KEY] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_CLOCK_KEY, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"clock: {test_today():%Y-%m-%d} 10:00 Asia/Ho_Chi_Minh ({TODAY_VARIABLE})"


def _is_required(variable: str) -> bool:
    return os.environ.get(variable, "").strip() == "1"


def _skip_or_fail(reason: str, require_variable: str) -> None:
    """Skip locally; fail when the environment says the resource is required (CI)."""
    if _is_required(require_variable):
        pytest.fail(f"{reason} ({require_variable}=1, so this fails instead of skipping)")
    pytest.skip(f"{reason} (set {require_variable}=1 to make this a failure)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by folder, so ``-m "not browser"`` works for every file in the folder."""
    folder_markers = {"browser": "browser", "postgres": "postgres", "app": "app"}
    folder_markers |= {"golden": "golden", "contract": "contract", "bench": "bench"}
    tests_root = Path(__file__).parent
    for item in items:
        try:
            folder = item.path.relative_to(tests_root).parts[0]
        except ValueError:
            continue
        marker = folder_markers.get(folder)
        if marker is not None:
            item.add_marker(marker)


# --- the demo warehouse ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_warehouse_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite demo warehouse, built once per test session (once per xdist worker).

    Built by ``demo.build.build_demo_warehouse`` with the last month fixed at
    ``DEMO_LAST_MONTH`` and the default seed and size, so every run sees the same numbers.
    Tests must not write to it; build a private copy for that.
    """
    from demo.build import build_demo_warehouse

    path = tmp_path_factory.mktemp("demo-warehouse") / "warehouse.sqlite"
    url = f"sqlite:///{path}"
    build_demo_warehouse(url, last_month=DEMO_LAST_MONTH)
    return url


# --- PostgreSQL -----------------------------------------------------------------------------


def _admin_engine(url: str) -> Engine:
    # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction.
    return create_engine(
        url,
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": 3},
    )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The URL of a PostgreSQL database that may create and drop databases.

    ``DASHBOARD_TEST_POSTGRES_URL`` overrides the default
    ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.
    """
    shown = make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)
    engine = _admin_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        first_line = str(error.orig or error).strip().splitlines()[0]
        _skip_or_fail(
            f"PostgreSQL at {shown} does not answer ({first_line}); "
            "start it with `bash scripts/ensure_postgres.sh`",
            "DASHBOARD_REQUIRE_POSTGRES",
        )
    finally:
        engine.dispose()
    return POSTGRES_ADMIN_URL


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them again."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._created: list[str] = []

    def create(self, prefix: str = "dash_test") -> str:
        """Create an empty UTF-8 database with a unique name; return its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        engine = _admin_engine(self.admin_url)
        try:
            with engine.connect() as conn:
                # template0 with UTF8: Vietnamese text whatever the cluster's default encoding.
                # A database name is an identifier, which cannot be a bound parameter: it is
                # quoted by the dialect instead (and made here from a random hex string).
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.execute(
                    text("CREATE DATABASE " + quoted + " TEMPLATE template0 ENCODING 'UTF8'")
                )
        finally:
            engine.dispose()
        self._created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Drop the database at ``url``, closing whatever is still connected to it."""
        name = make_url(url).database
        assert name is not None and name in self._created, f"not a test database: {name}"
        engine = _admin_engine(self.admin_url)
        try:
            with engine.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                version = conn.dialect.server_version_info or (0,)
                force = " WITH (FORCE)" if version >= (13,) else ""
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.execute(text("DROP DATABASE IF EXISTS " + quoted + force))
        finally:
            engine.dispose()
        self._created.remove(name)

    def drop_all(self) -> None:
        for name in list(self._created):
            self.drop(make_url(self.admin_url).set(database=name).render_as_string(False))


@pytest.fixture(scope="session")
def postgres_databases(postgres_admin_url: str) -> Iterator[PostgresDatabases]:
    """A factory of fresh PostgreSQL databases; all are dropped at the end of the session.

    For module- or session-scoped fixtures that need their own database
    (``postgres_databases.create()``); tests use ``postgres_url``.
    """
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    databases.drop_all()


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    url = postgres_databases.create()
    yield url
    postgres_databases.drop(url)


# --- the browser and the app server ---------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The Debian Chromium that Playwright drives (``playwright install`` is never used)."""
    if not (CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        _skip_or_fail(
            f"{CHROMIUM_PATH} is missing; `make test` installs it with apt-get when root",
            "DASHBOARD_REQUIRE_BROWSER",
        )
    return CHROMIUM_PATH


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 80) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop_process_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], timeout_s: float
) -> str | None:
    """Poll the health endpoint; return None when healthy, else why not."""
    deadline = time.monotonic() + timeout_s
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"the server exited with code {process.returncode}"
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return None
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.25)
    return f"no healthy answer within {timeout_s:.0f} s ({last_error})"


_SERVER_UNDER_THE_CLOCK = """
import sys
import time_machine
time_machine.travel(sys.argv[1], tick=True).start()
from serve import main
main(sys.argv[2:])
"""


@contextlib.contextmanager
def serve_app(
    warehouse_url: str, log_path: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The real app (``python -m serve``: ``streamlit run app.py`` with the warm-up started
    with the server) on a free port, reading ``warehouse_url``.

    Yields the base URL (``http://127.0.0.1:<port>``) and the server's process (whose id is
    the Streamlit server's own: ``python -c`` runs it in place). Stopped on exit.
    """
    port = _free_port()
    # The server is another process: it travels to the session's instant itself.
    clock = dt.datetime.now(dt.UTC).isoformat()
    env = (
        os.environ
        | {
            "DASHBOARD_DB_URL": warehouse_url,
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
            "PYTHONUNBUFFERED": "1",
        }
        | (env or {})
    )
    command = [
        sys.executable,
        "-c",
        _SERVER_UNDER_THE_CLOCK,
        clock,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log_path.open("wb") as log:
        # Its own process group, so teardown stops Streamlit and anything it started.
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        problem = _wait_until_healthy(base_url, process, APP_START_TIMEOUT_S)
        if problem is not None:
            pytest.fail(
                f"the app server did not start: {problem}\n"
                f"--- {log_path} ---\n{_log_tail(log_path)}",
                pytrace=False,
            )
        yield base_url, process
    finally:
        _stop_process_group(process)


@pytest.fixture(scope="session")
def app_server(
    request: pytest.FixtureRequest,
    demo_warehouse_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The real app (``streamlit run app.py``) on a free port, reading the demo warehouse.

    Yields the base URL (``http://127.0.0.1:<port>``). The server's log is attached to the
    report of any failing test that used it, and shown when it does not start.
    """
    log_path = tmp_path_factory.mktemp("app-server") / "streamlit.log"
    request.config.stash[_SERVER_LOG_KEY] = log_path
    with serve_app(demo_warehouse_url, log_path) as (base_url, _process):
        yield base_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and "app_server" in getattr(item, "fixturenames", ()):
        log_path = item.config.stash.get(_SERVER_LOG_KEY, None)
        if log_path is not None:
            report.sections.append(("streamlit server log", _log_tail(log_path)))
    return report
