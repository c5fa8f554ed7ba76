"""No visitor pays a computation, on the indicator pages too: after the warm-up, a page's
first visit builds no figure and sends no query that a warm visit of the same page does not
(issue 12 §6), because the warm-up ran the page's own script once, headless
(``app_pages._warm_up.run_page_headless``), with the arguments a new city-wide reader's
visit has. And after a load, once the warm-up has run again for the new data version.

Each test works on its own copy of the demo warehouse (its own URL, so no cache entry of
another test can answer for it); the clock is pinned.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from app_pages import _ui, _warm_up
from data_access import cached
from data_access.engine import PROJECT_ROOT
from tests.app.reading import GOLDEN_MOMENT
from tests.app.test_warm_up_app import _load_more_online
from tests.ingest.warehouse import copy_sqlite

APP = str(PROJECT_ROOT / "app.py")
CHECKS = ("load_batches", "sqlite_master", "PRAGMA", "SELECT 1 FROM observations")


@pytest.fixture
def url(demo_warehouse_url, tmp_path, monkeypatch) -> str:
    copy = copy_sqlite(demo_warehouse_url, str(tmp_path / "warm-pages.sqlite"))
    monkeypatch.setenv("DASHBOARD_DB_URL", copy)
    cached._forget_versions()
    yield copy
    cached.stop_warm_up()
    cached._forget_versions()


class Work:
    """Figures prepared (built, cleaned, described: ``_ui.prepare_figure``) and SQL reads
    (``SELECT``, ``WITH``) sent, other than the checks a page run makes every few seconds
    whatever the caches hold: the data version (``load_batches``) and the warehouse gate's
    (a table look-up and one observation, kept 30 s)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.figures: list[str] = []
        self.statements: list[str] = []
        prepare = _ui.prepare_figure

        def counted(figure, lang):  # type: ignore[no-untyped-def]
            prepared = prepare(figure, lang)
            self.figures.append(str(prepared.title))
            return prepared

        monkeypatch.setattr(_ui, "prepare_figure", counted)
        event.listen(Engine, "before_cursor_execute", self._statement)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        reads = statement.lstrip().upper().startswith(("SELECT", "WITH"))
        if reads and not any(check in statement for check in CHECKS):
            self.statements.append(" ".join(statement.split())[:160])

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._statement)

    def run(self, app: AppTest) -> tuple[list[str], list[str]]:
        """The figures and statements of one run of ``app``."""
        self.figures, self.statements = [], []
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        return self.figures, self.statements


@pytest.fixture
def work(monkeypatch):  # type: ignore[no-untyped-def]
    counted = Work(monkeypatch)
    yield counted
    counted.close()


def _first_and_warm(work: Work, page: str) -> tuple[tuple[list[str], list[str]], ...]:
    """A warm-up pass (as the thread makes every 30 s: caches kept with a time limit, read
    again if expired, so a slow machine does not expire them between the warm-up and the
    visit), then a new session's first visit of ``page`` (after the Overview, as AppTest
    switches pages only after a run) and a second, warm, visit: the work of each."""
    assert _warm_up.warm_up() is not None
    app = AppTest.from_file(APP, default_timeout=300)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.switch_page(f"app_pages/{page}.py")
    first = work.run(app)
    warm = work.run(app)
    return first, warm


def test_after_the_warm_up_a_first_visit_does_no_more_than_a_warm_one(
    url, work, time_machine, caplog
):
    time_machine.move_to(GOLDEN_MOMENT)
    with caplog.at_level(logging.WARNING, logger=_warm_up.__name__):
        assert _warm_up.warm_up() is not None
    # Every page's default view was computed: none was skipped with a warning.
    assert not [r.getMessage() for r in caplog.records if "default view" in r.getMessage()]
    for page in _warm_up.PAGE_SCRIPTS:
        (figures, statements), (warm_figures, warm_statements) = _first_and_warm(work, page)
        assert statements == warm_statements, page
        assert figures == warm_figures, page


def test_after_a_load_and_its_warm_up_a_first_visit_does_no_more_than_a_warm_one(
    url, work, time_machine
):
    time_machine.move_to(GOLDEN_MOMENT)
    first = _warm_up.warm_up()
    _load_more_online(url, 1000.0)
    cached.data_changed()  # as the Data page does after a load
    again = _warm_up.warm_up()
    assert first is not None and again is not None and again.version != first.version
    for page in ("online", "satisfaction"):
        (figures, statements), (warm_figures, warm_statements) = _first_and_warm(work, page)
        assert statements == warm_statements, page
        assert figures == warm_figures, page


def test_without_the_page_runs_a_first_visit_computes(url, work, time_machine, monkeypatch):
    """The case the page runs remove (so the tests above can fail): the warm-up without
    them leaves each page's queries and figures to its first visitor."""
    time_machine.move_to(GOLDEN_MOMENT)
    pages = _warm_up.PAGE_SCRIPTS
    monkeypatch.setattr(_warm_up, "PAGE_SCRIPTS", ())
    assert _warm_up.warm_up() is not None
    assert pages
    for page in pages:
        (figures, statements), (warm_figures, warm_statements) = _first_and_warm(work, page)
        assert len(statements) > len(warm_statements) or len(figures) > len(warm_figures), page
