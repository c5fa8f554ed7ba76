"""Reading what the Overview shows, as a reader would, from an AppTest run.

Each tile, review card and the attention list is read from its own keyed container
(``tile-<code>``, ``review-<code>``, ``attention-list``), never from anywhere on the page, so a
word the phone glance or another tile supplies cannot stand in for it. The info drawer of a
tile (the registry's definitions, the same every day) is left out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any, ClassVar

import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from data_access.engine import PROJECT_ROOT
from tests.conftest import city_moment

APP = str(PROJECT_ROOT / "app.py")
GOLDEN_DAY = dt.date(2026, 11, 28)
"""The day the golden file was made on: the Overview's freshness badges depend on it."""
GOLDEN_MOMENT = city_moment(GOLDEN_DAY)


class _RecordingStorage(MemoryMediaFileStorage):
    """The media storage of an AppTest run, kept so a test can read the downloads."""

    made: ClassVar[list[MemoryMediaFileStorage]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _RecordingStorage.made.append(self)


class _RecordingManager(MediaFileManager):
    """The media file manager of an AppTest run, kept so a test can make a download that
    is built only when clicked (``st.download_button`` with a callable), as a click does."""

    made: ClassVar[list[MediaFileManager]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _RecordingManager.made.append(self)


def run_overview(monkeypatch: Any, url: str, **params: str | list[str]) -> AppTest:
    """The app on ``url`` with the given query parameters; its downloads are kept."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingManager)
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _children(node: Any) -> Iterator[Any]:
    yield from getattr(node, "children", {}).values()


def find_block(app: AppTest, key: str) -> Any | None:
    """The container created with ``key`` (Streamlit suffixes its id with ``-<key>``)."""

    def search(node: Any) -> Any | None:
        block_id = getattr(getattr(node, "proto", None), "id", "")
        if isinstance(block_id, str) and block_id.endswith(f"-{key}"):
            return node
        for child in _children(node):
            found = search(child)
            if found is not None:
                return found
        return None

    return search(app._tree)


def read_block(block: Any) -> list[str]:
    """Every word and number a reader sees in ``block``, in order, one entry per element:
    ``markdown: …``, ``caption: …``, ``info: …``, ``metric: label | value | delta``."""
    shown: list[str] = []

    def visit(node: Any) -> None:
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        if kind == "Block" and proto is not None and proto.HasField("popover"):
            return  # the info drawer: the registry's definitions
        if kind == "Metric":
            shown.append(f"metric: {node.label} | {node.value} | {node.delta or ''}")
        elif kind == "Markdown" and str(node.value).startswith('<div class="tile-chart"'):
            pass  # the tile's chart (charts.tile_svg), not read, as the plotly chart was not
        elif kind in ("Markdown", "Caption", "Info", "Warning", "Error"):
            shown.append(f"{kind.lower()}: {node.value}")
        for child in _children(node):
            visit(child)

    visit(block)
    return shown


def read_view(app: AppTest, codes: tuple[str, ...]) -> dict[str, Any]:
    """The tiles, review cards and attention rows of one rendered Overview."""
    view: dict[str, Any] = {"tiles": {}, "review": {}, "attention": []}
    for code in codes:
        tile = find_block(app, f"tile-{code}")
        view["tiles"][code] = read_block(tile) if tile is not None else None
        card = find_block(app, f"review-{code}")
        if card is not None:
            view["review"][code] = read_block(card)
    attention = find_block(app, "attention-list")
    if attention is not None:
        view["attention"] = [
            line
            for entry in read_block(attention)
            for line in entry.removeprefix("markdown: ").split("\n")
            if line
        ]
    return view


def download_button(app: AppTest, key: str) -> Any:
    """The download button ``key`` (e.g. ``csv-tiles``)."""
    (button,) = [b for b in app.get("download_button") if b.proto.id.endswith(f"-{key}")]
    return button


def _stored_file(app: AppTest, key: str) -> Any:
    """The stored file behind the download button ``key`` (a file built on click is built
    here, as the click would)."""
    button = download_button(app, key)
    url = button.proto.url
    if button.proto.HasField("deferred_file_id"):
        for manager in reversed(_RecordingManager.made):
            try:
                url = manager.execute_deferred(button.proto.deferred_file_id)
                break
            except Exception:
                continue
    filename = url.rsplit("/", 1)[-1]
    for storage in _RecordingStorage.made:
        try:
            return storage.get_file(filename)
        except Exception:
            continue
    raise AssertionError(f"no file behind the {key} download ({filename})")


def download(app: AppTest, key: str) -> bytes:
    """The bytes the download button ``key`` (e.g. ``csv-tiles``) hands the reader."""
    return bytes(_stored_file(app, key).content)


def download_name(app: AppTest, key: str) -> str:
    """The file name the download button ``key`` gives its file."""
    return str(_stored_file(app, key).filename)


def download_tables(app: AppTest, stem: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CSV and the XLSX download of ``stem`` (``tiles``, ``attention``), parsed."""
    csv = pd.read_csv(
        io.BytesIO(download(app, f"csv-{stem}")), encoding="utf-8-sig", dtype=str, comment="#"
    )
    xlsx = pd.read_excel(io.BytesIO(download(app, f"xlsx-{stem}")), dtype=str, sheet_name=0)
    return csv, xlsx


def table_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    """A parsed download as rows of text cells (empty for a blank cell)."""
    return [
        {column: ("" if pd.isna(value) else str(value)) for column, value in row.items()}
        for row in frame.to_dict("records")
    ]
