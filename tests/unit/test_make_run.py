"""`make run` says what it does at each step, and lets pip show its progress (finding 14:
the first run printed nothing for about 150 s while pip installed quietly)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from data_access.engine import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(tmp_path: Path, *args: str) -> str:
    """What `make run` would do on a machine without the virtual environment (dry run)."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", f"VENV={tmp_path / 'venv'}", *args],
        cwd=PROJECT_ROOT,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_a_first_make_run_announces_each_step_in_order(tmp_path: Path) -> None:
    out = _dry_run(tmp_path, "PORT=8612")
    steps = [
        "[1/5] Creating the virtual environment",
        "[2/5] Installing the pinned dependencies",
        "[3/5] Bringing the warehouse schema up to date",
        "[4/5] Building the demo warehouse",
        "[5/5] Serving at http://localhost:8612",
    ]
    where = [out.find(step) for step in steps]
    assert all(position >= 0 for position in where), out
    assert where == sorted(where), out


def test_pip_shows_its_progress(tmp_path: Path) -> None:
    out = _dry_run(tmp_path)
    installs = [line for line in out.splitlines() if " pip " in line and " install " in line]
    assert installs, out
    for line in installs:
        assert " -q" not in line.split() and "--quiet" not in line, line
