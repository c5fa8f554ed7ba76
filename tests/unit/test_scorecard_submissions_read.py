"""The Unit page reads the submissions of its own scorecard only (issue 12).

A unit's whole submission history is every indicator and month it ever reported: at tier L,
418 indicators over ten years, about 50,000 rows a unit, kept per unit visited in the page
cache (256 entries). The grid shows the scorecard's monthly indicators in the year chosen,
so that is all the page asks for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from app_pages import _scorecard, _ui
from data_access import cached
from data_access.queries import UnitFilter
from metrics.registry import get_indicator

UNIT = "26737"


def test_the_scorecard_asks_for_its_indicators_in_the_year_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[Any, ...]] = []

    def recorded(*args: Any, scope: object) -> cached.Fetched:
        asked.append(args)
        return cached.Fetched(pd.DataFrame(), dt.datetime(2026, 11, 1), is_stale=False)

    monkeypatch.setattr(_scorecard.cached, "unit_submissions", recorded)
    monkeypatch.setattr(_scorecard, "reader_scope", lambda: None)
    # No grid to draw: the page says "nothing expected" (not drawn here).
    monkeypatch.setattr(
        _scorecard, "submission_grid", lambda *args: pd.DataFrame(columns=["state"])
    )
    monkeypatch.setattr(_scorecard._ui, "empty_state", lambda *args: None)
    through = dt.date(2025, 10, 1)
    items = [
        _scorecard.Line(get_indicator(code), through, pd.Series(dtype=object), pd.DataFrame())
        for code in ("satisfaction_rate", "online_dossier_share", "satisfaction_rate")
    ]
    filters = _ui.Filters("vi", 2025, UnitFilter(unit_ids=(UNIT,)))
    _scorecard.submissions(UNIT, items, filters)
    # One read: the unit, no "as of" day, its indicators once each in a fixed order, 2025.
    assert asked == [(UNIT, None, ("online_dossier_share", "satisfaction_rate"), 2025)]
