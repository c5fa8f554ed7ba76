"""The warm-up's one-time work includes compiling the app's scripts into the server's
script cache (issue 12: a first visit of a page compiled its script, 0.3-2.3 ms)."""

from __future__ import annotations

import threading

import pytest
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

from app_pages import _warm_up
from data_access.engine import PROJECT_ROOT


def test_outside_a_server_there_is_no_script_cache_to_fill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Runtime's own look-up (the benchmark harness, run by other tests in this process,
    # points server_script_cache at its shared cache for the rest of the process).
    monkeypatch.setattr(_warm_up, "server_script_cache", _warm_up._runtime_script_cache)
    assert _warm_up.server_script_cache() is None
    assert _warm_up.compile_scripts() == 0


def test_the_first_use_compiles_the_app_and_its_eleven_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = ScriptCache()
    monkeypatch.setattr(_warm_up, "server_script_cache", lambda: cache)
    monkeypatch.setattr(_warm_up, "_first_use_done", threading.Event())
    _warm_up._first_use()
    assert len(cache._cache) == 12
    assert str(PROJECT_ROOT / "app.py") in cache._cache
    assert str(PROJECT_ROOT / "app_pages" / "briefing.py") in cache._cache
    # Once per process: a second call does nothing more.
    cache.clear()
    _warm_up._first_use()
    assert cache._cache == {}


def test_the_first_use_loads_streamlits_icon_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page's top bar has material icons, whose names Streamlit checks against a
    module it imports at the first check (2.7 ms of a first visit after a restart)."""
    import sys

    monkeypatch.setattr(_warm_up, "server_script_cache", lambda: None)
    monkeypatch.setattr(_warm_up, "_first_use_done", threading.Event())
    monkeypatch.delitem(sys.modules, "streamlit.material_icon_names", raising=False)
    _warm_up._first_use()
    assert "streamlit.material_icon_names" in sys.modules
