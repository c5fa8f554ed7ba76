"""Write ``tests/golden/overview_demo.yaml``: what the Overview shows on the demo warehouse.

    .venv/bin/python -m tests.golden.make_overview_golden

Builds the demo warehouse (seed 20251, size S, last month October 2026) in a temporary
folder with the clock at 10:00 on 28 November 2026 in Ho Chi Minh City, renders the Overview
with Streamlit's AppTest in each view of ``VIEWS`` and records, per tile, review card and
attention row, every figure and word shown, and the rows of the downloads.

Run it only when a number or a word is meant to change, read the diff line by line, and
commit the file in the same commit as the change, saying why. ``tests/app/test_overview_golden.py``
compares the page with this file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
import yaml

from demo.build import build_demo_warehouse
from metrics.registry import HEADLINE_CODES
from tests.app.reading import (
    GOLDEN_DAY,
    GOLDEN_MOMENT,
    download_tables,
    read_view,
    run_overview,
    table_rows,
)
from tests.conftest import DEMO_LAST_MONTH

GOLDEN_PATH = Path(__file__).with_name("overview_demo.yaml")
SEED = 20251
VIEWS: dict[str, dict[str, Any]] = {
    "2026 vi": {"year": "2026", "lang": "vi"},
    "2026 en": {"year": "2026", "lang": "en"},
    "2025 en": {"year": "2025", "lang": "en"},
    "2026 vi, Bình Dương wards": {
        "year": "2026",
        "lang": "vi",
        "province": "binh_duong",
        "type": "ward",
    },
}
DOWNLOADS: dict[str, tuple[str, str]] = {
    # name: (view, download stem)
    "tiles 2026 en": ("2026 en", "tiles"),
    "tiles 2025 en": ("2025 en", "tiles"),
    "attention 2026 en": ("2026 en", "attention"),
    "attention 2026 vi": ("2026 vi", "attention"),
}
HEADER = """\
# What the Overview shows on the demo warehouse: every figure and word of each tile, review
# card and attention row, per view, and the rows of the downloads (as CSV text).
#
# Made by `.venv/bin/python -m tests.golden.make_overview_golden` with the demo built with
# seed 20251, size S, last month 2026-10, and the clock at 10:00 on 2026-11-28 in Ho Chi
# Minh City. Compared by tests/app/test_overview_golden.py.
#
# A change here must be deliberate: regenerate only when a number or a word is meant to
# change, read the diff, and commit this file in the same commit as the change, saying why
# (a new forecasting engine changes the projections, intervals, probabilities and statuses).
"""


def make_golden(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Render every view on the warehouse at ``url`` and read what it shows."""
    apps = {name: run_overview(monkeypatch, url, **params) for name, params in VIEWS.items()}
    return {
        "clock": GOLDEN_DAY.isoformat(),
        "demo": {"seed": SEED, "size": "S", "last_month": DEMO_LAST_MONTH.strftime("%Y-%m")},
        "views": {
            name: {"query": params, **read_view(apps[name], HEADLINE_CODES)}
            for name, params in VIEWS.items()
        },
        "downloads": {
            name: table_rows(download_tables(apps[view], stem)[0])
            for name, (view, stem) in DOWNLOADS.items()
        },
    }


def main() -> None:
    with (
        time_machine.travel(GOLDEN_MOMENT, tick=True),
        tempfile.TemporaryDirectory() as folder,
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        url = f"sqlite:///{Path(folder) / 'warehouse.sqlite'}"
        build_demo_warehouse(url, last_month=DEMO_LAST_MONTH, seed=SEED)
        golden = make_golden(url, monkeypatch)
    text = yaml.safe_dump(golden, allow_unicode=True, sort_keys=False, width=1000)
    GOLDEN_PATH.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {GOLDEN_PATH}")


if __name__ == "__main__":
    main()
