"""No visitor pays an import (issue 12): after the warm-up's import step
(:func:`app_pages._warm_up._import_page_modules`), a page script's own imports import no
module that is not loaded already. Each page's import statements are run, in a fresh
interpreter, after that step, and the modules they added are listed.

A first Briefing visit at tier S took 0.26-0.30 s against 14 ms warm while ``briefing.pdf``
(fpdf2, with PIL and fontTools) was imported by the page itself; the unit page imported
``charts.scorecard`` and ``plotly.subplots`` the same way. The PDF maker is imported only
when a PDF is asked for, by neither the warm-up nor a page's own imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app_pages._navigation import NAVIGATION

ROOT = Path(__file__).resolve().parents[2]
PAGE_SCRIPTS = [
    "app.py",
    *sorted(f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("[!_]*.py")),
]
"""The entry point (every page's frame: its imports ran at a first visit too) and the pages."""

# Run in a child interpreter: this test process has imported much already.
PROBE = """
import ast, json, sys
from pathlib import Path

from app_pages import _warm_up

_warm_up._import_page_modules()
added = {}
for name in json.loads(sys.argv[1]):
    path = Path(name)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    before = set(sys.modules)
    exec(compile(ast.Module(imports, type_ignores=[]), str(path), "exec"), {})
    added[name] = sorted(set(sys.modules) - before)
pdf_maker = [m for m in ("fpdf", "briefing.pdf") if m in sys.modules]
print(json.dumps({"pages": added, "pdf_maker_loaded": pdf_maker}))
"""


def _probe() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(PAGE_SCRIPTS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DASHBOARD_WARM_UP": "0"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    return _probe()


@pytest.fixture(scope="module")
def added(probe: dict[str, Any]) -> dict[str, list[str]]:
    pages: dict[str, list[str]] = probe["pages"]
    return pages


def test_every_page_of_the_menu_is_probed(added: dict[str, list[str]]) -> None:
    # A page of the menu left out of the probe would pass unseen.
    menu = {file for _section, pages in NAVIGATION for file, *_ in pages}
    assert menu <= set(added) == set(PAGE_SCRIPTS)


def test_the_pdf_maker_is_imported_only_when_a_briefing_is_asked_for(
    probe: dict[str, Any],
) -> None:
    # fpdf2 with PIL and fontTools: 25 MiB a process, for a PDF few visitors make; neither
    # the warm-up nor any page's own imports load it.
    assert probe["pdf_maker_loaded"] == []


@pytest.mark.parametrize("page", PAGE_SCRIPTS)
def test_a_page_script_imports_nothing_the_warm_up_has_not(
    added: dict[str, list[str]], page: str
) -> None:
    assert added[page] == [], (
        f"{page} imports modules the warm-up did not: add them to "
        f"app_pages._warm_up.PAGE_MODULES ({', '.join(added[page][:10])})"
    )
