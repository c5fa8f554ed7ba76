"""What the security table needs to run its cases: private warehouses (one with hostile
values planted where other people's text comes from), the app opened on every page in
AppTest, what it shows read as a browser would read it, and every download parsed cell by
cell.

Markdown is read with markdown-it (CommonMark, raw HTML on, as Streamlit's renderer lets
a string through when ``unsafe_allow_html`` is set): what would become a tag, a link or
bold shows in the HTML it produces. What a reader sees is that HTML's text.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from sqlalchemy import inspect, make_url, text
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from app_pages._ui import HTML_BLOCK_COMPONENT
from data_access.engine import PROJECT_ROOT, make_engine
from data_access.identity import User
from tests.app.pages import each_data_tab
from tests.app.reading import _RecordingManager, _RecordingStorage

APP = str(PROJECT_ROOT / "app.py")
OWN = "26737"  # Phường Tân Định
PAGES = (
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
)
KEY_TABLES = ("observations", "units", "load_batches", "scenarios", "targets", "capital_plans")

# Kinds of element whose text Streamlit draws as Markdown.
MARKDOWN_KINDS = (
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "info",
    "warning",
    "error",
    "success",
    "toast",
)
_MD = MarkdownIt("commonmark", {"html": True})
_TAG = re.compile(r"<[^>]+>")


def copy_warehouse(source_url: str, path: str) -> str:
    """A private copy of a SQLite warehouse file."""
    shutil.copy(str(make_url(source_url).database), path)
    return f"sqlite:///{path}"


def counts(url: str) -> dict[str, int]:
    """Every table's row count (a dropped table is missing), by plain SQL."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {
                # The table's name quoted by the dialect, not pasted into the statement.
                name: int(
                    conn.execute(
                        sa.select(sa.func.count()).select_from(sa.table(name))
                    ).scalar_one()
                )
                for name in names
            }
    finally:
        engine.dispose()


def execute(url: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def new_app(monkeypatch: Any, url: str, user: User | None = None, **params: str) -> AppTest:
    """The app on ``url``, downloads kept, in local mode as ``user`` (default: local)."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.delenv("DASHBOARD_REQUIRE_SIGN_IN", raising=False)
    if user is not None:
        monkeypatch.setattr("app_pages._auth.LOCAL_USER", user)
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingManager)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    return app


def no_exception(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


@dataclass
class Shown:
    """What one page showed: Markdown sources, plain texts (tables, choices, st.text,
    st.code, what text fields hold), the texts of its charts (every string in a Plotly
    figure's spec and a map's JSON, tooltips included), and downloads (file name →
    bytes)."""

    page: str
    markdown: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    downloads: dict[str, bytes] = field(default_factory=dict)


def _label_sources(app: AppTest) -> Iterator[str]:
    """Labels Streamlit draws as Markdown: widgets, buttons, links, metrics, tabs, expanders."""
    for node in _walk(app._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        value = getattr(proto, "label", None)
        if isinstance(value, str) and value:
            yield value
        if type(node).__name__ == "Radio":
            yield from (str(o) for o in node.options)


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def read(app: AppTest, page: str) -> Shown:
    shown = Shown(page)
    for kind in MARKDOWN_KINDS:
        shown.markdown += [str(getattr(e, "value", "")) for e in app.get(kind)]
    shown.markdown += list(_label_sources(app))
    # The app's own HTML blocks (app_pages._ui.html_block: the headline tiles, the review
    # cards), which the browser draws as raw HTML, read as Markdown with raw HTML on (as
    # above).
    shown.markdown += [
        json.loads(e.proto.json)
        for e in app.get("bidi_component")
        if e.proto.component_name == HTML_BLOCK_COMPONENT
    ]
    for kind in ("text", "code"):
        shown.plain += [str(getattr(e, "value", "")) for e in app.get(kind)]
    # What a field holds is shown too (a session's typing must not reach another's page).
    for kind in ("text_input", "text_area"):
        shown.plain += [str(w.value) for w in app.get(kind) if w.value]
    for table in list(app.dataframe) + list(app.table):
        value = table.value
        shown.plain.append(value.to_csv() if hasattr(value, "to_csv") else str(value))
    # Plain HTML tables and lists (app_pages/_html_table.py, the ranking list), as read.
    shown.plain += [html.unescape(str(h.proto.body)) for h in app.get("html")]
    for kind in ("selectbox", "multiselect"):
        for widget in app.get(kind):
            shown.plain += [str(o) for o in getattr(widget, "options", [])]
    for chart in app.get("plotly_chart"):
        shown.charts += list(strings(json.loads(chart.proto.spec)))
    for deck in app.get("deck_gl_json_chart"):
        shown.charts += list(strings(json.loads(deck.proto.json)))
    for button in app.get("download_button"):
        name, data = download(button)
        shown.downloads[name] = data
    return shown


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value (keys aside)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def download(button: Any) -> tuple[str, bytes]:
    """The file behind a download button (one built on click is built here, as a click
    would build it)."""
    url = button.proto.url
    if button.proto.HasField("deferred_file_id"):
        for manager in reversed(_RecordingManager.made):
            try:
                url = manager.execute_deferred(button.proto.deferred_file_id)
                break
            except Exception:
                continue
    file_id = url.rsplit("/", 1)[-1]
    for storage in reversed(_RecordingStorage.made):
        try:
            stored = storage.get_file(file_id)
        except Exception:
            continue
        return str(stored.filename or button.proto.id), bytes(stored.content)
    raise AssertionError(f"no file behind the download {button.proto.id}")


def every_page(app: AppTest, pages: tuple[str, ...] = PAGES) -> list[Shown]:
    """Run ``app`` (first run: the Overview), then switch to each page; read each."""
    app.run()
    no_exception(app)
    seen = [read(app, "overview")]
    for page in pages:
        if page == "overview":
            continue
        app.switch_page(f"app_pages/{page}.py")
        app.run()
        no_exception(app)
        seen.append(read_data_page(app) if page == "data" else read(app, page))
    return seen


def read_data_page(app: AppTest) -> Shown:
    """The Data page read on all its tabs, each opened in turn (only the open tab is built,
    issue 12), with the templates' tables opened."""
    shown = read(app, "data")  # as opened (a page that stops early has no tabs)
    for _tab in each_data_tab(app):
        part = read(app, "data")
        shown.markdown += part.markdown
        shown.plain += part.plain
        shown.charts += part.charts
        shown.downloads.update(part.downloads)
    return shown


def rendered(source: str) -> tuple[str, str]:
    """(HTML, the text a reader sees) of a Markdown source."""
    markup = _MD.render(source)
    seen = html.unescape(_TAG.sub("", markup)).replace("\u2060", "")
    return markup, seen


def cells(name: str, data: bytes) -> Iterator[tuple[str, object, bool]]:
    """Every cell of a CSV or XLSX download, headers and notes included: (where, value,
    is a formula)."""
    if name.endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        where = f"{name}!{sheet.title}!{cell.coordinate}"
                        yield where, cell.value, cell.data_type == "f"
    elif name.endswith(".csv"):
        body = data.decode("utf-8-sig")
        for number, row in enumerate(csv.reader(io.StringIO(body, newline="")), start=1):
            for index, value in enumerate(row):
                yield f"{name}:{number}:{index + 1}", value, False
    else:
        return


_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def formula_cells(shown: list[Shown]) -> list[tuple[str, object]]:
    """Every cell of every download that a spreadsheet would run: a formula cell, or text
    starting with = + - @ tab or carriage return (a number, even negative, is not text)."""
    found = []
    for page in shown:
        for name, data in page.downloads.items():
            for where, value, is_formula in cells(name, data):
                if is_formula or (
                    isinstance(value, str)
                    and value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    and not _NUMBER.fullmatch(value)
                ):
                    found.append((where, value))
    return found
