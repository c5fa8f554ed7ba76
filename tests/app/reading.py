"""Reading what the Overview shows, as a reader would, from an AppTest run.

Each tile, review card and the attention list is read from its own keyed container
(``tile-<code>``, ``review-<code>``, ``attention-list``), never from anywhere on the page, so a
word the phone glance or another tile supplies cannot stand in for it. The info drawer of a
tile (the registry's definitions, the same every day) is left out.

A tile is one HTML block (``app_pages/_tile_html.py``, drawn by ``app_pages._ui.html_block``;
AppTest holds its HTML as the component's JSON data, :func:`block_html`): it is read part
by part, each part (``data-read``) as the element it replaced was read (``markdown: …``,
``metric: …``, ``caption: …``), bold as ``**…**``, a badge as Streamlit's Markdown badge
(colour, icon, word), a link as ``[label](address)``, the chart and what is hidden from
screen readers left out. A review card is one HTML block too (``review_html``), read the same
way: its head and its notes, as the two elements it was.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, ClassVar

import pandas as pd
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from app_pages._html_table import TABLE_CLASS
from app_pages._tile_html import REVIEW_CLASS, TILE_CLASS
from app_pages._ui import HTML_BLOCK_COMPONENT
from data_access.engine import PROJECT_ROOT
from metrics.registry import HEADLINE_CODES
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


CHOICE_WIDGETS = ("Selectbox", "Multiselect", "DateInput")
"""Widgets whose browser code (BaseWeb's select and date picker) loads after the page's
last message and cost the first screen about half an empty page's time (issue 12)."""


def choice_widgets(node: Any, in_popover: bool = False) -> list[tuple[str, str, bool]]:
    """Every select box, multiselect and date input under ``node`` (an AppTest's
    ``app._tree``, or a block): (type, key, whether a popover holds it)."""
    found = []
    for child in _children(node):
        proto = getattr(child, "proto", None)
        inside = in_popover or (
            type(child).__name__ == "Block" and proto is not None and proto.HasField("popover")
        )
        if type(child).__name__ in CHOICE_WIDGETS:
            found.append((type(child).__name__, str(child.key), inside))
        found.extend(choice_widgets(child, inside))
    return found


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[_Node | str] = []


class _Tree(HTMLParser):
    """An HTML block as a tree of :class:`_Node` (text unescaped)."""

    VOID = frozenset({"br", "img", "hr", "circle", "line", "path"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


_BLOCKS = frozenset({"div", "p", "dt", "dd", "dl"})


def _inline(node: _Node | str) -> str:
    """A node's text as the Markdown it stands for: bold, line breaks, badges, links. The
    characters that would make bold or a link are backslashed where the text itself holds
    them, so Markdown drawn as text (``**x**`` on the screen) does not read as bold."""
    if isinstance(node, str):
        return "".join("\\" + c if c in "*[]" else c for c in node)
    if node.attrs.get("aria-hidden") == "true":
        return ""
    classes = node.attrs.get("class", "").split()
    if node.tag == "br":
        return "  \n"
    if "ov-badge" in classes:
        (color,) = [c.removeprefix("ov-") for c in classes if c != "ov-badge"]
        icons = [
            child
            for child in node.children
            if isinstance(child, _Node) and "ov-icon" in child.attrs.get("class", "")
        ]
        icon = "".join(str(c) for c in icons[0].children) if icons else ""
        label = "".join(_inline(child) for child in node.children)
        return f":{color}-badge[:material/{icon}: {label}]"
    text = "".join(_inline(child) for child in node.children)
    if node.tag == "a":  # a source's link, as the Markdown it was written in
        return f"[{text}]({node.attrs.get('href', '')})"
    return f"**{text}**" if node.tag == "strong" else text


def _part_text(node: _Node, sep: str) -> str:
    """A part's text: its block children joined by ``sep``; inline content as Markdown."""
    blocks = [c for c in node.children if isinstance(c, _Node) and c.tag in _BLOCKS]
    if not blocks:
        return _inline(node)
    return sep.join(_part_text(child, "\n\n") for child in blocks)


def read_html_block(html: str) -> list[str]:
    """Every part (``data-read``) of a tile's HTML block, in order: ``kind: text``."""
    tree = _Tree()
    tree.feed(html)
    shown: list[str] = []

    def visit(node: _Node) -> None:
        kind = node.attrs.get("data-read")
        if kind:
            shown.append(f"{kind}: {_part_text(node, node.attrs.get('data-sep', chr(10) * 2))}")
            return
        for child in node.children:
            if isinstance(child, _Node) and "tile-chart" not in child.attrs.get("class", ""):
                visit(child)

    visit(tree.root)
    return shown


def block_html(node: Any) -> str | None:
    """The HTML of an element drawn by ``app_pages._ui.html_block`` (AppTest does not know
    the component: an ``UnknownElement`` whose proto carries the data as JSON); None for
    any other element."""
    proto = getattr(node, "proto", None)
    if type(node).__name__ != "UnknownElement" or proto is None:
        return None
    if getattr(proto, "component_name", None) != HTML_BLOCK_COMPONENT:
        return None
    value = json.loads(proto.json)
    return value if isinstance(value, str) else None


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
        elif (html := block_html(node)) is not None:
            assert html.startswith((f'<div class="{TILE_CLASS}"', f'<div class="{REVIEW_CLASS}"'))
            shown.extend(read_html_block(html))
        elif kind in ("Markdown", "Caption", "Info", "Warning", "Error"):
            shown.append(f"{kind.lower()}: {node.value}")
        for child in _children(node):
            visit(child)

    visit(block)
    return shown


@dataclass(frozen=True)
class TileMetric:
    """A tile's big number as its HTML block shows it: label, value, gap (as ``st.metric``'s
    label, value and delta were read)."""

    label: str
    value: str
    delta: str


def tile_metrics(app: AppTest) -> list[TileMetric]:
    """The big number of each headline tile drawn, in the tiles' order."""
    found = []
    for code in HEADLINE_CODES:
        tile = find_block(app, f"tile-{code}")
        lines = [e for e in read_block(tile) if e.startswith("metric: ")] if tile else []
        for line in lines:
            label, value, delta = line.removeprefix("metric: ").split(" | ")[:3]
            found.append(TileMetric(label, value, delta))
    return found


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


class _TableParser(HTMLParser):
    """The tables of ``app_pages._html_table.table_html`` in a piece of HTML: each a caption,
    headers and rows of cells, a number cell read from its ``data-value``."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._table: dict[str, Any] | None = None
        self._cell: list[str] | None = None
        self._value: str | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and TABLE_CLASS in str(found.get("class", "")).split():
            self._table = {"caption": "", "head": [], "rows": [], "shown": []}
            self.tables.append(self._table)
        elif self._table is None:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._table["rows"].append([])
        elif tag in ("th", "td"):
            self._cell, self._value = [], found.get("data-value")

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag == "table":
            self._table = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            self._table["shown"].append(text)
            cell: object = text
            if self._value is not None:
                cell = float(self._value) if self._value else float("nan")
            self._table["rows"][-1].append(cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._table is not None:
            self._table["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


def html_table_texts(app: AppTest) -> set[str]:
    """Every cell of every plain HTML table on the page as the reader sees it (a missing
    number is the text ``—`` there, where :func:`html_tables` reads it as ``NaN``)."""
    shown: set[str] = set()
    for element in app.get("html"):
        parser = _TableParser()
        parser.feed(element.proto.body)
        for table in parser.tables:
            shown.update(table["shown"])
    return shown


def html_tables(app: AppTest) -> dict[str, pd.DataFrame]:
    """Every plain HTML table on the page (``app_pages/_html_table.py``), by its caption:
    its cells as a frame, numbers as floats (``NaN`` when missing), text as shown."""
    out: dict[str, pd.DataFrame] = {}
    for element in app.get("html"):
        out.update(tables_in_html(element.proto.body))
    return out


def tables_in_html(body: str) -> dict[str, pd.DataFrame]:
    """The plain HTML tables of one piece of HTML (one element's body), as
    :func:`html_tables` reads them."""
    parser = _TableParser()
    parser.feed(body)
    out: dict[str, pd.DataFrame] = {}
    for table in parser.tables:
        head, *rows = table["rows"]
        out[table["caption"]] = pd.DataFrame(rows, columns=head)
    return out
