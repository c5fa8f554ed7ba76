"""The harness's first visit times the page, not AppTest's own set-up: Streamlit's
component registry is made once per process and given to every AppTest (a served app
makes it once when its Runtime starts, before any visitor); before, each AppTest made its
own at its first run, which counted against the Overview's first visit only."""

from __future__ import annotations

import pytest
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from bench import script


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
    from streamlit.testing.v1 import app_test, local_script_runner

    # put back as they were once the test is over (the harness replaces them for its process)
    monkeypatch.setattr(app_test, "ScriptCache", ScriptCache)
    monkeypatch.setattr(local_script_runner, "ScriptCache", ScriptCache)
    monkeypatch.setattr(script, "_SCRIPTS", [])
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
