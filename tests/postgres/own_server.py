"""A private PostgreSQL server for a test: its own data directory, on a spare port, that the
test may stop and start again (``pg_ctl stop -m fast``), which the shared server of
``postgres_url`` never may.

The binaries are Debian's (``/usr/lib/postgresql/<version>/bin``). The server runs as the
``postgres`` OS user when the tests run as root (``initdb`` refuses root). It is stopped and
its directory removed at teardown, whatever the test did. Without the binaries the test is
skipped, or fails when ``DASHBOARD_REQUIRE_POSTGRES=1`` (CI), as with ``postgres_url``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from tests.conftest import _free_port, _skip_or_fail

REQUIRE_VARIABLE = "DASHBOARD_REQUIRE_POSTGRES"
SERVER_USER = "postgres"
START_TIMEOUT_S = 60


def _bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` with ``initdb`` and ``pg_ctl``."""
    found = [
        d
        for d in Path("/usr/lib/postgresql").glob("*/bin")
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file()
    ]
    if not found:
        return None
    return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)


class OwnServer:
    """One private PostgreSQL cluster: ``start``, ``stop`` and ``url``."""

    def __init__(self, bin_dir: Path, root: Path, port: int) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data_dir = root / "data"
        self.socket_dir = root / "socket"
        self.log_path = root / "server.log"
        self.port = port

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            command = ("runuser", "-u", SERVER_USER, "--", *command)
        return subprocess.run(
            command, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, check=False
        )

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            raise RuntimeError(
                f"{what} failed ({result.returncode}): {result.stdout}\n{result.stderr}\n"
                f"--- {self.log_path} ---\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def init(self) -> None:
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, SERVER_USER)
            shutil.chown(self.socket_dir, SERVER_USER)
        result = self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._check(result, "initdb")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run(
            str(self.bin_dir / "pg_ctl"),
            "start",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT_S),
        )
        self._check(result, "pg_ctl start")
        self._wait_until_answering()

    def stop(self, mode: str = "fast") -> None:
        result = self._run(
            str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", mode, "-w"
        )
        self._check(result, "pg_ctl stop")

    def is_running(self) -> bool:
        result = self._run(str(self.bin_dir / "pg_ctl"), "status", "-D", str(self.data_dir))
        return result.returncode == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _wait_until_answering(self) -> None:
        engine = create_engine(self.url(), poolclass=NullPool, connect_args={"connect_timeout": 2})
        deadline = time.monotonic() + START_TIMEOUT_S
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(text("SELECT 1"))
                    return
                except OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()

    def create_database(self, name: str) -> str:
        """An empty UTF-8 database on this server; its URL."""
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with engine.connect() as conn:
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.execute(text("CREATE DATABASE " + quoted + " TEMPLATE template0"))
        finally:
            engine.dispose()
        return self.url(name)


@contextlib.contextmanager
def own_postgres_server() -> Iterator[OwnServer]:
    """A private PostgreSQL server, started; stopped and removed on exit."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _skip_or_fail(
            "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin",
            REQUIRE_VARIABLE,
        )
        raise AssertionError("unreachable")  # _skip_or_fail raises
    root = Path(tempfile.mkdtemp(prefix="dash-own-pg-"))
    server = OwnServer(bin_dir, root, _free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(Exception):
            if server.is_running():
                server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def own_server() -> Iterator[OwnServer]:
    """A private PostgreSQL server that the test may stop and start again."""
    with own_postgres_server() as server:
        yield server
