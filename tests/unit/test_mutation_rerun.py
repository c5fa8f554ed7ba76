"""scripts/mutation_rerun.py: the forking runner that measures mutmut's mutants outside mutmut.

It runs on a tiny made-up ``mutants/`` directory: a module whose function reads
``MUTANT_UNDER_TEST`` as mutmut's trampolines do, a ``.meta`` file naming its mutants, and
one test. Each made-up mutant has a known outcome: one changes the sum (killed), one changes
nothing (survived), one hangs (timeout).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "mutation_rerun.py"

_TINY = """
import os
import time


def add(a, b):
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant == "tiny.x_add__mutmut_1":
        return a - b
    if mutant == "tiny.x_add__mutmut_3":
        time.sleep(60)
    return a + b
"""

_TEST = """
from tiny import add


def test_add():
    assert add(2, 3) == 5
"""


def _runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_rerun", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_rerun"] = module
    spec.loader.exec_module(module)
    return module


def test_summary_counts_timeouts_as_killed_per_module_and_overall() -> None:
    runner = _runner()
    summaries = runner.summarise(
        {
            "data_access.cached.x_f__mutmut_1": "killed",
            "data_access.cached.x_f__mutmut_2": "timeout",
            "data_access.cached.x_f__mutmut_3": "survived",
            "data_access.sources.xǁSourceǁread__mutmut_1": "no tests",
            "data_access.sources.x_g__mutmut_1": "killed",
        }
    )
    # cached: 3 run, killed 1 + timeout 1 = 2; sources: 2 run, 1 killed; all: 5 run, 3 killed.
    assert summaries["data_access.cached"].as_dict()["run"] == 3
    assert summaries["data_access.cached"].killed == 2
    assert summaries["data_access.sources"].as_dict() == {
        "killed": 1,
        "timeout": 0,
        "survived": 0,
        "no tests": 1,
        "error": 0,
        "run": 2,
        "killed or timeout": 1,
    }
    assert (summaries["all"].run, summaries["all"].killed) == (5, 3)


def test_runner_kills_survives_and_times_out_the_made_up_mutants(tmp_path: Path) -> None:
    mutants = tmp_path / "mutants"
    mutants.mkdir()
    (mutants / "tiny.py").write_text(_TINY, encoding="utf-8")
    (mutants / "test_tiny.py").write_text(_TEST, encoding="utf-8")
    keys = {f"tiny.x_add__mutmut_{n}": None for n in (1, 2, 3)}
    meta = {"exit_code_by_key": keys, "durations_by_key": {}, "estimated_durations_by_key": {}}
    (mutants / "tiny.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    out = tmp_path / "out.json"
    result = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "tiny.*", "--tests", "test_tiny.py"),
            *("--mutants-dir", str(mutants), "--timeout", "5", "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # one survivor
    document = json.loads(out.read_text(encoding="utf-8"))
    outcomes = {name: entry["outcome"] for name, entry in document["mutants"].items()}
    assert outcomes == {
        "tiny.x_add__mutmut_1": "killed",
        "tiny.x_add__mutmut_2": "survived",
        "tiny.x_add__mutmut_3": "timeout",
    }
    assert document["summary"]["tiny"]["killed or timeout"] == 2
    assert "survived: tiny.x_add__mutmut_2" in result.stdout


def test_a_slow_test_is_not_a_timeout_the_mutants_get_ten_times_the_baseline(
    tmp_path: Path,
) -> None:
    # The test takes 1.5 s with or without a mutant; --timeout 1 would count both no-op
    # mutants as timeouts (= killed) and report every mutant killed (review M2). The
    # baseline run (1.5 s) raises each mutant's timeout to 15 s: both survive.
    mutants = tmp_path / "mutants"
    mutants.mkdir()
    (mutants / "tiny.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (mutants / "test_tiny.py").write_text(
        "import time\nfrom tiny import add\n\n\ndef test_add():\n"
        "    time.sleep(1.5)\n    assert add(2, 3) == 5\n",
        encoding="utf-8",
    )
    keys = {f"tiny.x_add__mutmut_{n}": None for n in (1, 2)}
    meta = {"exit_code_by_key": keys, "durations_by_key": {}, "estimated_durations_by_key": {}}
    (mutants / "tiny.py.meta").write_text(json.dumps(meta), encoding="utf-8")
    out = tmp_path / "out.json"
    result = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "tiny.*", "--tests", "test_tiny.py"),
            *("--mutants-dir", str(mutants), "--timeout", "1", "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # two survivors
    document = json.loads(out.read_text(encoding="utf-8"))
    outcomes = {name: entry["outcome"] for name, entry in document["mutants"].items()}
    assert outcomes == dict.fromkeys(keys, "survived")
    assert "raised to" in result.stdout
    assert document["timeout_s"] >= 15
