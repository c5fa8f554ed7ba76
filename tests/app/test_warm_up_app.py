"""No visitor pays a computation: the warm-up computes the Overview's default view for the
warehouse's data version, a page run after it only reads, a load makes a new version that
the warm-up computes again, and an unreachable warehouse breaks nothing.

Each test works on its own copy of the demo warehouse (its own URL, so no cache entry of
another test can answer for it). The suite turns the background thread off
(``DASHBOARD_WARM_UP=0``, tests/conftest.py); these tests run the warm-up
directly (``app_pages._warm_up.warm_up``), or start the thread themselves and stop it.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import time

import pandas as pd
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

import metrics.governance
import metrics.overview
from app_pages import _tables, _tile_html, _tiles, _warm_up
from data_access import cached, queries, writes
from data_access.engine import PROJECT_ROOT, make_engine
from data_access.queries import UnitFilter
from i18n import LANGUAGES
from metrics.registry import HEADLINE_CODES
from tests.app.pages import frame
from tests.app.reading import GOLDEN_MOMENT, html_tables, tile_metrics
from tests.ingest.warehouse import copy_sqlite

APP = str(PROJECT_ROOT / "app.py")
WARD = "26737"  # Tân Định
ONLINE = "online_dossier_share"
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def url(demo_warehouse_url, tmp_path, monkeypatch) -> str:
    copy = copy_sqlite(demo_warehouse_url, str(tmp_path / "warm.sqlite"))
    monkeypatch.setenv("DASHBOARD_DB_URL", copy)
    cached._forget_versions()
    yield copy
    cached.stop_warm_up()
    cached._forget_versions()


class Counts:
    """Calls of the expensive computations behind the cached figures."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tiles = 0
        self.backtests = 0
        self.reviews = 0
        self.charts = 0
        self.attention = 0
        self.cards = 0
        self.published = 0
        self.words = 0
        card, rows = _tile_html.review_html, metrics.overview.published_for_year
        tile, backtest, review = metrics.overview.headline_tile, cached.backtest, cached.year_result
        chart = _tiles.make_tile_figure
        combine = metrics.overview.combine_attention

        def counted_attention(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.attention += 1
            return combine(*args, **kwargs)

        def counted_chart(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.charts += 1
            return chart(*args, **kwargs)

        def counted_tile(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.tiles += 1
            return tile(*args, **kwargs)

        def counted_backtest(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.backtests += 1
            return backtest(*args, **kwargs)

        def counted_review(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.reviews += 1
            return review(*args, **kwargs)

        monkeypatch.setattr(metrics.overview, "headline_tile", counted_tile)
        monkeypatch.setattr(cached, "backtest", counted_backtest)
        monkeypatch.setattr(cached, "year_result", counted_review)
        # The tile charts (plotly figures made into SVG), as the Overview builds them.
        monkeypatch.setattr(_tiles, "make_tile_figure", counted_chart)
        # The attention list (each indicator's ranking, combined): once per view, not per visit.
        # The Meeting page's module holds its own name for it (imported by name): counted
        # too, whichever test imported that module first.
        from app_pages import _meeting

        monkeypatch.setattr(metrics.overview, "combine_attention", counted_attention)
        monkeypatch.setattr(_meeting, "combine_attention", counted_attention)

        # The year-in-review cards' text, and the published figures picked for each tile and
        # card (the Overview reads both through caches, issue 12).
        def counted_card(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.cards += 1
            return card(*args, **kwargs)

        def counted_rows(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.published += 1
            return rows(*args, **kwargs)

        monkeypatch.setattr(_tile_html, "review_html", counted_card)
        monkeypatch.setattr(metrics.overview, "published_for_year", counted_rows)

        # The words and tables made from the tiles and the attention list: the tiles' table,
        # the attention list's sections and download, the written summary.
        for name in ("tiles_table", "attention_sections", "attention_download", "write_summary"):
            monkeypatch.setattr(_tables, name, self._counted_words(getattr(_tables, name)))

    def _counted_words(self, real):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.words += 1
            return real(*args, **kwargs)

        return counted

    def reset(self) -> None:
        self.tiles = self.backtests = self.reviews = self.charts = self.attention = 0
        self.cards = self.published = self.words = 0

    @property
    def total(self) -> int:
        return (
            self.tiles
            + self.backtests
            + self.reviews
            + self.charts
            + self.attention
            + self.cards
            + self.published
            + self.words
        )


def _overview(**params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _october_online(url: str, unit: str | None = None) -> tuple[float, float]:
    """October's online dossiers and all dossiers, of the city or of one unit, by this
    test's own SQL."""
    rows = frame(
        url,
        "SELECT SUM(numerator) AS n, SUM(denominator) AS d FROM observations "
        "WHERE indicator_id = :code AND breakdown_key = '' AND superseded_at IS NULL "
        "AND period_month = :month" + (" AND unit_id = :unit" if unit else ""),
        code=ONLINE,
        month=OCTOBER,
        unit=unit,
    )
    return float(rows["n"].iloc[0]), float(rows["d"].iloc[0])


def _load_more_online(url: str, extra: float) -> int:
    """Send the ward's October again with ``extra`` more online dossiers (and dossiers)."""
    numerator, denominator = _october_online(url, WARD)
    rows = pd.DataFrame(
        [
            {
                "indicator_id": ONLINE,
                "unit_id": WARD,
                "period_year": 2026,
                "period_month": OCTOBER,
                "value": 100 * (numerator + extra) / (denominator + extra),
                "numerator": numerator + extra,
                "denominator": denominator + extra,
            }
        ]
    )
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            return writes.load_observation_batch(
                conn, rows, submission_key="warm-up-test", source_name="t", submitted_by="t"
            ).batch_id
    finally:
        engine.dispose()


def test_after_the_warm_up_the_overview_computes_nothing(url, monkeypatch, time_machine):
    # The demo warehouse ends in October 2026: on the golden day the default year (2026)
    # and the review year (2025) differ, whatever day the suite runs as.
    time_machine.move_to(GOLDEN_MOMENT)
    counts = Counts(monkeypatch)
    done = _warm_up.warm_up()
    assert done is not None
    assert done.computed.tiles == HEADLINE_CODES
    # What the warm-up computed: four tiles (each with its backtest) and, the review year
    # being another year, four year reviews.
    assert done.computed.year != done.computed.review_year
    assert (counts.tiles, counts.backtests, counts.reviews) == (4, 4, 4)
    # ... and the four tile charts in each of the two languages, and the attention lists
    # (the Overview's, and the Meeting's, whose slide ranks more units).
    assert counts.charts == 8
    assert counts.attention == 2
    # ... and the four year-in-review cards in each language, from the published figures of
    # each indicator for the tiles (all years) and for the review year (at least those
    # eight: the other pages' warm-up steps pick published figures too).
    assert counts.cards == 8
    assert counts.published >= 8
    # ... and the tiles' table, the attention list's sections and download and the written
    # summary, in each language.
    assert counts.words >= 8

    counts.reset()
    app = _overview()
    assert len(tile_metrics(app)) >= 4, "the four tiles are drawn"
    assert counts.total == 0, (
        counts.tiles,
        counts.backtests,
        counts.reviews,
        counts.charts,
        counts.attention,
        counts.cards,
        counts.published,
        counts.words,
    )
    # A second visit (another session) does not compute the attention list again either.
    _overview(lang="en")
    assert counts.attention == 0

    # The counters do see computations: a view the warm-up did not cover (one former
    # province) computes its tiles when visited.
    _overview(province="binh_duong")
    assert counts.tiles > 0 and counts.backtests > 0


class PageCounts:
    """Builds of the Scenarios page's baseline and of the data-governance measures."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.baselines = 0
        self.governance = 0
        for owner, name, counter in (
            (cached, "baseline_from_inputs", "baselines"),
            (metrics.governance, "report", "governance"),
        ):
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name), counter))

    def _counted(self, real, counter: str):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            setattr(self, counter, getattr(self, counter) + 1)
            return real(*args, **kwargs)

        return counted

    def reset(self) -> None:
        self.baselines = self.governance = 0


def _first_visits(counts: PageCounts) -> tuple[int, int]:
    """A new session's first Scenarios visit and its first governance visit (after the
    Overview, as AppTest switches pages only after a run): the baselines and governance
    reports each computed."""
    app = _overview(lang="en")
    counts.reset()
    app.switch_page("app_pages/scenarios.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # The baseline is there: its caption gives its 10,000 paths.
    assert any("10,000" in c.value for c in app.caption), [c.value for c in app.caption]
    baselines = counts.baselines
    app.switch_page("app_pages/governance.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Data governance"
    return baselines, counts.governance


def test_after_the_warm_up_the_first_scenarios_and_governance_visits_compute_nothing(
    url, monkeypatch, time_machine
):
    time_machine.move_to(GOLDEN_MOMENT)
    counts = PageCounts(monkeypatch)
    done = _warm_up.warm_up()
    assert done is not None
    # The warm-up built the baseline (default year and seed) and the measures, once each.
    assert (counts.baselines, counts.governance) == (1, 1)
    assert _first_visits(counts) == (0, 0)

    # After a load: a new data version, computed again by the warm-up (as the thread woken
    # by the load does), and the first visits after it only read.
    _load_more_online(url, 1000.0)
    cached.data_changed()
    counts.reset()
    again = _warm_up.warm_up()
    assert again is not None and again.version != done.version
    assert (counts.baselines, counts.governance) == (1, 1)
    assert _first_visits(counts) == (0, 0)


def test_the_warm_up_collects_its_own_garbage_so_that_no_first_visit_does(
    url, monkeypatch, time_machine
):
    """A full garbage collection over what the warm-up made (0.3 s of CPU over 290,000
    objects at tier S) fell in a first visit after it (docs/benchmarks.md, section 12): the
    warm-up collects once after each of its parts for a new data version, then freezes what
    is alive, so a collection a visitor's run triggers scans only what was made since."""
    time_machine.move_to(GOLDEN_MOMENT)
    collections: list[str] = []
    real = _warm_up.collect

    def counted() -> None:
        collections.append("full")
        real()

    monkeypatch.setattr(_warm_up, "collect", counted)
    try:
        done = _warm_up.warm_up()
        assert done is not None
        assert collections == ["full", "full"], "after the default views and the other pages"
        frozen, tracked = gc.get_freeze_count(), len(gc.get_objects())
        assert frozen > 10 * tracked, (frozen, tracked)
        # The same version again (the thread's pass every 30 s): nothing collected.
        collections.clear()
        assert _warm_up.warm_up() is not None
        assert collections == []
        # A load: a new version, collected again after each part.
        _load_more_online(url, 1000.0)
        cached.data_changed()
        again = _warm_up.warm_up()
        assert again is not None and again.version != done.version
        assert collections == ["full", "full"]
        assert gc.get_freeze_count() > 10 * len(gc.get_objects())
    finally:
        gc.unfreeze()


def test_without_the_warm_up_the_first_scenarios_and_governance_visits_compute(
    url, monkeypatch, time_machine
):
    """The case the warm-up removes (so the test above can fail)."""
    time_machine.move_to(GOLDEN_MOMENT)
    assert _first_visits(PageCounts(monkeypatch)) == (1, 1)


def test_without_the_warm_up_the_first_visit_computes(url, monkeypatch):
    """The case the warm-up removes (so the test above can fail)."""
    counts = Counts(monkeypatch)
    _overview()
    assert counts.tiles == 4 and counts.backtests == 4
    assert counts.charts == 4  # the four tiles' charts, in the page's language


def test_a_load_makes_a_new_version_and_the_warm_up_computes_it_again(url, monkeypatch):
    counts = Counts(monkeypatch)
    first = _warm_up.warm_up()
    assert first is not None
    assert cached.data_version() == first.version
    city_before = _october_online(url)

    counts.reset()
    again = _warm_up.warm_up()  # nothing changed: same version, nothing computed
    assert again is not None and again.version == first.version
    assert counts.total == 0, str(vars(counts))

    _load_more_online(url, 1000.0)
    counts.reset()
    second = _warm_up.warm_up()
    assert second is not None
    assert second.version != first.version
    assert second.version[0] == first.version[0] + 1, "one more batch"
    assert cached.data_version() == second.version
    # Every tile is computed again for the new version (without clearing any cache) ...
    assert counts.tiles == 4 and counts.backtests == 4
    # ... from the new figures: the city's October has 1,000 more online dossiers.
    series = cached.scope_series(ONLINE, UnitFilter(), scope=None).frame
    october = series[series["period_month"] == pd.Timestamp(OCTOBER)].iloc[0]
    assert (october["numerator"], october["denominator"]) == (
        city_before[0] + 1000.0,
        city_before[1] + 1000.0,
    )
    # And a visitor now only reads.
    counts.reset()
    _overview()
    assert counts.total == 0


def test_an_undo_makes_a_new_version_too(url):
    batch = _load_more_online(url, 10.0)
    loaded = _warm_up.warm_up()
    assert loaded is not None
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            writes.undo_batch(conn, batch, undone_by="t")
        with engine.connect() as conn:
            expected = queries.data_version(conn)
    finally:
        engine.dispose()
    undone = _warm_up.warm_up()
    assert undone is not None
    assert undone.version == expected != loaded.version
    assert undone.version[2] == loaded.version[2] + 1, "one more batch undone"


def test_the_thread_picks_up_a_new_batch_by_itself(url, monkeypatch):
    """A batch loaded by another process (no data_changed here) is taken up at the next
    check; the check interval is shortened for the test."""
    monkeypatch.setattr(cached, "VERSION_CHECK_SECONDS", 0.2)
    monkeypatch.setenv(cached.WARM_UP_VARIABLE, "1")
    assert _warm_up.start()
    assert not _warm_up.start(), "once per process"
    first = _wait_for_version(lambda v: v is not None)
    _load_more_online(url, 5.0)
    second = _wait_for_version(lambda v: v != first)
    assert second[1] > first[1], "a higher batch id"
    cached.stop_warm_up()


def _wait_for_version(wanted, seconds: float = 120.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with cached._versions_lock:
            published = cached._published_versions.get(cached.warehouse_url())
        if published is not None and wanted(published[0]):
            return published[0]
        time.sleep(0.1)
    raise AssertionError("the warm-up did not publish the wanted version in time")


def test_an_unreachable_warehouse_during_the_warm_up_breaks_nothing(monkeypatch, caplog):
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    cached._forget_versions()
    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert _warm_up.warm_up() is None
    assert "did not answer" in caplog.text
    assert cached.data_version() is None
    # The page says the warehouse cannot be reached, as without the warm-up.
    app = _overview(lang="en")
    assert "cannot be reached" in "\n".join(e.value for e in app.error)


def test_an_outage_after_the_warm_up_keeps_the_figures(url, monkeypatch, caplog):
    done = _warm_up.warm_up()
    assert done is not None
    before = [m.value for m in tile_metrics(_overview(lang="en"))]

    def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(queries, "data_version", unreachable)
    with caplog.at_level(logging.WARNING, logger=cached.LOGGER.name):
        assert _warm_up.warm_up() is None
    assert "connection refused" in caplog.text
    assert cached.data_version() == done.version, "the last version stays in use"
    assert [m.value for m in tile_metrics(_overview(lang="en"))] == before


def test_a_failing_pass_is_logged_and_the_thread_goes_on(url, monkeypatch, caplog):
    monkeypatch.setattr(cached, "VERSION_CHECK_SECONDS", 0.05)
    monkeypatch.setenv(cached.WARM_UP_VARIABLE, "1")
    passes = []

    def broken() -> None:
        passes.append(1)
        raise RuntimeError("a bug in the warm-up")

    with caplog.at_level(logging.ERROR, logger=cached.LOGGER.name):
        assert cached.start_warm_up(broken)
        deadline = time.monotonic() + 30
        while len(passes) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        cached.stop_warm_up()
    assert len(passes) >= 3, "the thread kept going after a failing pass"
    assert "warm-up failed" in caplog.text


def test_the_clock_decides_the_day_warmed(url, time_machine):
    """The day comes from the one clock (metrics.clock.city_today): pinned, it is used."""
    from tests.conftest import city_moment

    time_machine.move_to(city_moment(dt.date(2026, 11, 3)))
    done = _warm_up.warm_up()
    assert done is not None and done.computed.today == dt.date(2026, 11, 3)


def test_sql_count_of_the_version_query_is_one_statement(url):
    """The version is one cheap statement over load_batches."""
    engine = make_engine(url)
    statements: list[str] = []
    from sqlalchemy import event

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.connect() as conn:
            version = queries.data_version(conn)
            count = conn.execute(text("SELECT COUNT(*) FROM load_batches")).scalar_one()
    finally:
        engine.dispose()
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and "load_batches" in selects[0]
    assert version[0] == count


def test_the_warm_up_checks_the_declared_sources_so_no_page_waits_for_them(url, monkeypatch):
    checked: list[dt.date] = []
    real = cached.source_health

    def recorded(today: dt.date):  # type: ignore[no-untyped-def]
        checked.append(today)
        return real(today)

    monkeypatch.setattr(cached, "source_health", recorded)
    done = _warm_up.warm_up()
    assert done is not None
    assert checked == [done.computed.today]


# --- the indicator pages' default views (issue 12: the first visit within 1.2x of a warm one) ---

UNCACHED_FIGURES = {"disbursement", "unit"}
"""Pages that build their figures on every run, warm or first (``_ui.show_figure``): their
first visit is not checked for building figures, only for reading and computing."""
WARMED_PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "online": ("app_pages/online.py", {}),
    "satisfaction": ("app_pages/satisfaction.py", {}),
    "disbursement": ("app_pages/disbursement.py", {}),
    "economy": ("app_pages/economy.py", {}),
    "meeting": ("app_pages/meeting.py", {}),
    "unit": ("app_pages/unit.py", {"unit": WARD}),
}
"""The pages the warm-up's second part reads (``_warm_up.page_views``), with their address:
the scorecard's city standings are shared by every unit; the unit's own rows are its own."""


WAREHOUSE_PROBE = "SELECT 1 FROM observations WHERE superseded_at IS NULL LIMIT 1"
"""The warehouse gate's probe (``data_access.engine.inspect_warehouse``)."""


class PageWork:
    """The statements a page run sends for data (not the data-version check) and the
    computations behind its figures (tiles, backtests, trend months, annual values, the
    attention list, the scorecards' ranking tables, the figures prepared for drawing),
    counted while :attr:`on`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on = False
        self.statements: list[tuple[str, str]] = []
        self.computed: list[str] = []
        from app_pages import _economy, _meeting, _sections, _ui

        for owner, name in (
            (_ui, "prepare_figure"),
            (metrics.overview, "headline_tile"),
            (cached, "backtest"),
            (_sections, "trend_frame"),
            (_economy, "annual_values"),
            (_meeting, "combine_attention"),
            (cached, "rank_table"),
        ):
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name), name))
        event.listen(Engine, "before_cursor_execute", self._record)
        self._listening = True

    def close(self) -> None:
        if self._listening:
            event.remove(Engine, "before_cursor_execute", self._record)
            self._listening = False

    def _counted(self, real, name: str):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            if self.on:
                self.computed.append(name)
            return real(*args, **kwargs)

        return counted

    def _record(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        # Reads (not the data version, which every page asks for; not transaction control;
        # not the gate's "is there data?" probe, data_access.engine.inspect_warehouse, which
        # every page passes and which is kept GATE_CHECK_SECONDS: a visit longer than that
        # after the warm-up's last check, as on a loaded machine, sends it again, and that is
        # not a figure read).
        is_read = statement.lstrip().upper().startswith(("SELECT", "WITH"))
        is_gate = statement.startswith(WAREHOUSE_PROBE)
        if self.on and is_read and "load_batches" not in statement and not is_gate:
            self.statements.append((" ".join(statement.split())[:120], repr(parameters)))


def _first_visit(work: PageWork, page: str, lang: str = "vi") -> AppTest:
    """A new session's first visit of ``page`` in ``lang`` (after a run of the frame on the
    Overview, as AppTest switches pages only after a run), counted by ``work``."""
    path, params = WARMED_PAGES[page]
    app = _overview(lang=lang, **params)
    app.switch_page(path)
    work.on = True
    try:
        app.run()
    finally:
        work.on = False
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def _unit_only(statements: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The statements that are not about the one unit ``WARD`` (the scorecard reads its own
    unit's submissions; what every scorecard shares is warmed)."""
    return [s for s in statements if WARD not in s[1]]


def _own_reads(statements: list[tuple[str, str]]) -> list[str]:
    """What the statements about ``WARD`` read: "submissions" (the unit's own, of its
    scorecard's indicators in the year shown) or "series" (a series of its own)."""
    return [
        "submissions" if "every_version" in text else "series"
        for text, parameters in statements
        if WARD in parameters
    ]


@pytest.fixture
def page_work(monkeypatch):  # type: ignore[no-untyped-def]
    work = PageWork(monkeypatch)
    yield work
    work.close()


def test_after_the_warm_up_a_first_visit_of_each_page_reads_and_computes_nothing(
    url, page_work, time_machine
):
    time_machine.move_to(GOLDEN_MOMENT)
    page_work.on = True
    done = _warm_up.warm_up()
    page_work.on = False
    assert done is not None
    # The Meeting page's attention list is kept on a key without the language: computed once
    # for both languages' figures.
    assert page_work.computed.count("combine_attention") == 1, page_work.computed
    for page, lang in itertools.product(WARMED_PAGES, LANGUAGES):
        page_work.statements.clear()
        page_work.computed.clear()
        _first_visit(page_work, page, lang)
        sent = _unit_only(page_work.statements) if page == "unit" else page_work.statements
        assert sent == [], (page, lang, sent)
        if page == "unit":
            # Every unit's series are warmed: the unit reads only its own submissions, in
            # the first language visited (the second finds them kept).
            own = ["submissions"] if lang == LANGUAGES[0] else []
            assert _own_reads(page_work.statements) == own, (lang, page_work.statements)
        computed = [
            name
            for name in page_work.computed
            if not (name == "prepare_figure" and page in UNCACHED_FIGURES)
        ]
        assert computed == [], (page, lang, computed)


@pytest.mark.parametrize(
    ("page", "taken_out"),
    [
        ("satisfaction", ("Satisfaction",)),
        ("online", ("Online services",)),
        ("economy", ("Digital economy",)),
        ("meeting", ("Meeting",)),
        ("disbursement", ("Disbursement",)),
    ],
)
def test_without_its_warm_up_steps_a_first_visit_of_the_page_reads(
    url, page_work, monkeypatch, time_machine, page, taken_out
):
    """The case a page's steps remove (so the test above can fail): its steps (reads and
    figures) taken out, the page's first visit sends its own statements or computes (the
    Meeting page and the Digital economy page read what the Overview's part of the warm-up
    reads: their headline series; they compute their attention list, annual values and
    figures)."""
    time_machine.move_to(GOLDEN_MOMENT)
    real = _warm_up.page_steps
    monkeypatch.setattr(
        _warm_up,
        "page_steps",
        lambda filters: [s for s in real(filters) if not s[0].startswith(taken_out)],
    )
    assert _warm_up.warm_up() is not None
    _first_visit(page_work, page)
    computed = [
        name
        for name in page_work.computed
        if not (name == "prepare_figure" and page in UNCACHED_FIGURES)
    ]
    assert page_work.statements or computed, page


SCORECARD_STEPS = ("unit scorecards' city standings", "every unit's scorecard series")


@pytest.mark.parametrize("steps", [SCORECARD_STEPS, SCORECARD_STEPS[:1]])
def test_the_scorecards_steps_alone_read_what_every_unit_shares(url, page_work, monkeypatch, steps):
    """Its steps alone (no other page's): a unit's first visit reads only its own
    submissions. Without the step of every unit's series, it reads them (every unit's, in
    one statement an indicator), and its submissions. (With no page step at all it reads
    no more city series or standings at this tier: the Overview's part of the warm-up and
    the frame's first run read the same.)"""
    real = _warm_up.page_steps
    monkeypatch.setattr(
        _warm_up, "page_steps", lambda filters: [s for s in real(filters) if s[0] in steps]
    )
    every_unit: list[str] = []
    read_every_unit = cached.queries.every_unit_series
    monkeypatch.setattr(
        cached.queries,
        "every_unit_series",
        lambda conn, code: every_unit.append(code) or read_every_unit(conn, code),
    )
    assert _warm_up.warm_up() is not None
    warmed = list(every_unit)
    every_unit.clear()
    _first_visit(page_work, "unit")
    assert _own_reads(page_work.statements) == ["submissions"], page_work.statements
    assert _unit_only(page_work.statements) == []
    # The scorecard's five indicators (none is the city's alone; the ward reports all).
    scorecard = [
        "online_dossier_share",
        "satisfaction_rate",
        "on_time_rate",
        "e_result_rate",
        "public_investment_disbursement",
    ]
    if steps == SCORECARD_STEPS:
        assert (warmed, every_unit) == (scorecard, [])
    else:
        assert (warmed, every_unit) == ([], scorecard)


@pytest.mark.parametrize(("page", "lang"), [("satisfaction", "en"), ("economy", "vi")])
def test_without_its_figures_step_a_first_visit_of_the_page_builds_its_figures(
    url, page_work, monkeypatch, time_machine, page, lang
):
    """The figures are kept per language: the step of one language taken out, a first
    visit in that language builds them (and reads nothing)."""
    time_machine.move_to(GOLDEN_MOMENT)
    real = _warm_up.page_steps
    name = {"satisfaction": "Satisfaction", "economy": "Digital economy"}[page]
    taken_out = f"{name} figures ({lang})"
    monkeypatch.setattr(
        _warm_up, "page_steps", lambda filters: [s for s in real(filters) if s[0] != taken_out]
    )
    assert _warm_up.warm_up() is not None
    path, params = WARMED_PAGES[page]
    app = _overview(lang=lang, **params)
    app.switch_page(path)
    page_work.on = True
    app.run()
    page_work.on = False
    assert not app.exception, [e.value for e in app.exception]
    assert page_work.statements == []
    assert "prepare_figure" in page_work.computed, page_work.computed


def test_a_failing_page_step_is_logged_and_the_others_are_warmed(
    url, page_work, monkeypatch, caplog, time_machine
):
    time_machine.move_to(GOLDEN_MOMENT)
    from app_pages import _satisfaction

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug in the Satisfaction page's reads")

    monkeypatch.setattr(_satisfaction, "default_reads", broken)
    with caplog.at_level(logging.ERROR, logger=_warm_up.LOGGER.name):
        done = _warm_up.warm_up()
    assert done is not None, "the version is published all the same"
    assert "warm-up: the Satisfaction page failed" in caplog.text
    assert "a bug in the Satisfaction page's reads" in caplog.text
    # The steps after it ran: the Digital economy page's first visit only reads.
    _first_visit(page_work, "economy")
    assert page_work.statements == [] and page_work.computed == []


def test_the_thread_goes_on_after_a_failing_page_step(url, monkeypatch, caplog):
    """In the background thread: a failing step, pass after pass, is logged each time; the
    steps after it run, and the thread keeps its schedule."""
    monkeypatch.setattr(cached, "VERSION_CHECK_SECONDS", 0.05)
    monkeypatch.setenv(cached.WARM_UP_VARIABLE, "1")
    calls: list[str] = []
    real = _warm_up.page_steps

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("a bug in a page step")

    def steps(filters):  # type: ignore[no-untyped-def]
        return [("broken step", broken), ("last step", lambda: calls.append("last"))] + [
            s for s in real(filters) if s[0] == "Meeting page"
        ]

    monkeypatch.setattr(_warm_up, "page_steps", steps)
    with caplog.at_level(logging.ERROR, logger=_warm_up.LOGGER.name):
        assert _warm_up.start()
        deadline = time.monotonic() + 180
        while calls.count("last") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        cached.stop_warm_up()
    assert calls.count("broken") >= 2 and calls.count("last") >= 2, calls
    assert "warm-up: the broken step failed" in caplog.text


class EconomyWork:
    """Calls of what the Digital economy page derives from its frames (the path to the
    targets and the growth it needs, the published figures picked for its charts, its
    tables written as HTML, its downloads' header lines, the published table cut to the
    "as of" day), counted while :attr:`on`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from app_pages import _economy, _html_table, _page

        self.on = False
        self.calls: list[str] = []
        for owner, name in (
            (_economy, "path_to_targets"),
            (_economy, "nominal_growth"),
            (_economy, "observed_relative_growth"),
            (_economy, "published_for_year"),
            (_html_table, "table_html"),
            (_page, "about"),
            (_page, "published_now"),
        ):
            monkeypatch.setattr(owner, name, self._counted(getattr(owner, name), name))

    def _counted(self, real, name: str):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            if self.on:
                self.calls.append(name)
            return real(*args, **kwargs)

        return counted

    def run(self, app: AppTest) -> list[str]:
        """One run of ``app``, and what it derived."""
        self.calls.clear()
        self.on = True
        try:
            app.run()
        finally:
            self.on = False
        assert not app.exception, [e.value for e in app.exception]
        return list(self.calls)


def _economy_session(lang: str, **params: str) -> AppTest:
    """A new session on the Overview, ready to switch to the Digital economy page."""
    app = _overview(lang=lang, **params)
    app.switch_page(WARMED_PAGES["economy"][0])
    return app


def test_after_the_warm_up_the_economy_page_derives_nothing_on_any_run(
    url, monkeypatch, time_machine
):
    """Issue 12: a warm run of the Digital economy page took 47 ms against a 10 ms floor,
    deriving its tables, sentences and figures' inputs from its frames on every run. They
    are derived once per view (filters, language, data version), by the warm-up for the
    default view in both languages; a first visit and every run after it only draw them."""
    time_machine.move_to(GOLDEN_MOMENT)
    work = EconomyWork(monkeypatch)
    work.on = True
    assert _warm_up.warm_up() is not None
    work.on = False
    # In each language: the path's table and the sectors' table written, the path and the
    # growth it needs computed, both downloads' lines.
    for name in ("table_html", "path_to_targets", "about"):
        assert work.calls.count(name) >= 2 * len(LANGUAGES), (name, work.calls)
    for lang in LANGUAGES:
        app = _economy_session(lang)
        assert work.run(app) == [], lang  # the first visit
        assert work.run(app) == [], lang  # a run after it
        tables = html_tables(app)
        assert len(tables) == 2, list(tables)
    # The counters do see the work: a view the warm-up did not cover (another year) is
    # derived on its first visit, once, and only drawn on the runs after it.
    app = _economy_session("en", year="2025")
    assert "table_html" in work.run(app)
    assert "2025" in " ".join(html_tables(app))
    assert work.run(app) == []
    # ... and another session's first visit of that view only draws it too.
    assert work.run(_economy_session("en", year="2025")) == []
