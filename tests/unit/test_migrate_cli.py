"""`python -m data_access.migrate` answers a bad address in one line, never a traceback."""

import subprocess
import sys

import pytest

from data_access.engine import PROJECT_ROOT


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("not a url", 2, "not a usable database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", 1, "cannot reach the warehouse"),
    ],
)
def test_bad_addresses_get_one_clear_line(url, code, words):
    result = subprocess.run(
        [sys.executable, "-m", "data_access.migrate"],
        cwd=PROJECT_ROOT,
        env={"DASHBOARD_DB_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr
