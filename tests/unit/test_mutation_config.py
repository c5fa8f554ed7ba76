"""`make mutation` copies the project into mutants/ and runs the fast tests there: every
first-party package those tests import must be copied, or the run stops before its first
mutant ("No module named 'charts'" stopped it on 28 November 2026)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_RUNS_MAKE = re.compile(r"\[\s*\"make\"")


def _mutmut() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["mutmut"]


def test_every_first_party_package_reaches_the_mutants_copy() -> None:
    settings = _mutmut()
    copied = {entry.rstrip("/") for entry in settings["source_paths"] + settings["also_copy"]}
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "scripts"}
    }
    assert packages, "no first-party package found: the test would check nothing"
    assert sorted(packages - copied) == []


def test_tests_that_run_make_are_left_out_of_the_mutation_selection() -> None:
    """mutants/ holds no Makefile: a test that runs `make` fails there before any mutant."""
    selection = _mutmut()["pytest_add_cli_args_test_selection"]
    ignored = {arg.removeprefix("--ignore=") for arg in selection if arg.startswith("--ignore=")}
    files: list[Path] = []
    for arg in selection:
        if arg.startswith("-") or "/" not in arg:
            continue
        target = ROOT / arg
        files += sorted(target.glob("test_*.py")) if target.is_dir() else [target]
    runs_make = {
        str(path.relative_to(ROOT))
        for path in files
        if _RUNS_MAKE.search(path.read_text(encoding="utf-8"))
    }
    assert runs_make, "no test runs make: the check below would check nothing"
    assert sorted(runs_make - ignored) == []
