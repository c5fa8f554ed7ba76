"""The server runs with production settings: a new session walks no folders, and saving a file
reruns nobody's page."""

from __future__ import annotations

import tomllib

from data_access.engine import PROJECT_ROOT


def test_no_file_watcher_and_no_rerun_on_save():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False


def test_no_full_garbage_collection_after_every_run():
    """Streamlit's default runs ``gc.collect()`` after each script run: 100-200 ms holding
    the interpreter after every visit's page, while the browser waited for the last
    messages (issue 12). Python's own generational collector still runs."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["runner"]["postScriptGC"] is False
