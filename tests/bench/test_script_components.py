"""The harness's first visit times the page, not AppTest's own set-up: Streamlit's
component registry is made once per process and given to every AppTest (a served app
makes it once when its Runtime starts, before any visitor); before, each AppTest made its
own at its first run, which counted against the Overview's first visit only."""

from __future__ import annotations

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from bench import script


@pytest.fixture(autouse=True)
def _as_streamlit_made_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the harness replaces for its whole process, put back after each test."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    from app_pages import _warm_up

    monkeypatch.setattr(_warm_up, "server_script_cache", _warm_up._runtime_script_cache)
    monkeypatch.setattr(app_test, "ScriptCache", ScriptCache)
    monkeypatch.setattr(local_script_runner, "ScriptCache", ScriptCache)
    monkeypatch.setattr(script, "_SCRIPTS", [])


def test_the_component_registry_is_made_once_for_every_apptest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[object] = []
    discover = BidiComponentManager.discover_and_register_components

    def counted(self: BidiComponentManager, *args: object, **kwargs: object) -> None:
        made.append(self)
        discover(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(BidiComponentManager, "discover_and_register_components", counted)
    monkeypatch.setattr(script, "_COMPONENTS", [])
    first = script._with_components(AppTest.from_string("import streamlit as st\n"))
    second = script._with_components(AppTest.from_string("import streamlit as st\n"))
    assert len(made) == 1  # made before any run, once
    first.run()
    second.run()
    assert not first.exception and not second.exception
    assert len(made) == 1  # no AppTest made its own at its first run
    assert first._bidi_component_manager is second._bidi_component_manager is made[0]


def test_every_apptest_of_the_process_compiles_a_script_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AppTest makes a new script cache at each run, so each warm run compiled ``app.py``
    and the page again; a served app's Runtime compiles each once (issue 12)."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    # What the harness replaces for its process is put back after it (the autouse fixture).
    compiled: list[str] = []
    get_bytecode = ScriptCache.get_bytecode

    def counted(self: ScriptCache, script_path: str) -> object:
        if script_path not in self._cache:
            compiled.append(script_path)
        return get_bytecode(self, script_path)

    monkeypatch.setattr(ScriptCache, "get_bytecode", counted)
    app = script._with_components(AppTest.from_string("import streamlit as st\nst.write(1)\n"))
    for _ in range(3):
        app.run()
        assert not app.exception
    assert len(compiled) == 1
    other = script._with_components(AppTest.from_string("import streamlit as st\n"))
    other.run()
    app.run()
    assert len(compiled) == 2  # the other script once; the first not again


def test_the_warm_up_compiles_every_script_into_the_cache_the_runs_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A served app's warm-up compiles ``app.py`` and every page into the Runtime's script
    cache (``_warm_up.compile_scripts``); the harness's shared cache stands for it, so a
    timed first visit compiles nothing, as on the server."""
    from app_pages import _warm_up
    from data_access.engine import PROJECT_ROOT

    assert _warm_up.compile_scripts() == 0  # no server, no harness: nothing to fill
    script._share_script_cache()
    assert _warm_up.server_script_cache() is script._SCRIPTS[0]
    assert _warm_up.compile_scripts() == 12
    pages = [
        "overview",
        "online",
        "satisfaction",
        "disbursement",
        "economy",
        "unit",
        "meeting",
        "briefing",
        "scenarios",
        "governance",
        "data",
    ]
    expected = {str(PROJECT_ROOT / "app.py")} | {
        str(PROJECT_ROOT / "app_pages" / f"{page}.py") for page in pages
    }
    assert set(script._SCRIPTS[0]._cache) == expected
    compiled: list[str] = []

    def counted(*args: object, **kwargs: object) -> object:
        compiled.append(str(args[1]))
        return compile(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(
        "streamlit.runtime.scriptrunner.script_cache.compile", counted, raising=False
    )
    for path in sorted(expected):
        script._SCRIPTS[0].get_bytecode(path)
    assert compiled == []  # each one compiled already
