"""The Overview rendered by Streamlit's AppTest, in both languages, against the demo warehouse.

Expected figures come from the golden file ``tests/golden/overview_demo.yaml`` (every figure
of every tile is compared there, in ``test_overview_golden.py``); these tests check the
page's behaviour: languages, filters, closed years, empty states, bad links and outages.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages._ui import FILTERS_KEY
from data_access.engine import PROJECT_ROOT, make_engine
from i18n import t
from metrics.registry import HEADLINE_CODES
from tests.app.reading import (
    GOLDEN_MOMENT,
    block_html,
    choice_widgets,
    find_block,
    read_block,
    tile_metrics,
)
from tests.app.test_overview_golden import VIEWS
from tests.conftest import city_moment

YEAR = 2026
APP = str(PROJECT_ROOT / "app.py")


def _run(monkeypatch, url: str, **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_vietnamese_is_the_default_and_english_switches_every_label(
    monkeypatch, demo_warehouse_url
):
    vi = _run(monkeypatch, demo_warehouse_url, year=str(YEAR))
    en = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang="en")
    assert vi.title[0].value == "Tổng quan"
    assert en.title[0].value == "Overview"
    assert tile_metrics(vi)[0].label == "Kết quả thực hiện tháng 10/2026"
    assert tile_metrics(en)[0].label == "Result, Oct 2026"
    assert "," in tile_metrics(vi)[0].value and "." in tile_metrics(en)[0].value
    assert "Dữ liệu minh họa" in _shown_markup(vi)
    assert "Demo data" in _shown_markup(en)


def _shown_markup(app: AppTest) -> str:
    """Every Markdown element's source and every HTML block (the tiles) of a run."""
    blocks = [block_html(b) or "" for b in app.get("bidi_component")]
    return "\n".join([m.value for m in app.markdown] + blocks)


STATUS_WORDS = ("On track", "At risk", "Off track", "Not yet assessable")


def test_each_tile_carries_one_status_word_of_its_own(
    monkeypatch, time_machine, demo_warehouse_url
):
    """Regression: the words were looked for anywhere on the page, where the phone glance
    supplies them too. Each tile's own container must hold exactly one status badge: the
    golden one (the first badge after the tile's name, in the tile's first element)."""
    time_machine.move_to(GOLDEN_MOMENT)
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang="en")
    golden = VIEWS["2026 en"]["tiles"]
    for code in HEADLINE_CODES:
        shown = read_block(find_block(app, f"tile-{code}"))
        statuses = [line for line in shown if any(f" {word}]" in line for word in STATUS_WORDS)]
        assert statuses == [golden[code][0]], code
        assert sum(statuses[0].count(f" {word}]") for word in STATUS_WORDS) == 1, code


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_tile_and_a_review_card_are_drawn_in_few_elements(
    monkeypatch, time_machine, demo_warehouse_url, lang
):
    """Issue 12 ("draw each tile as few elements as it takes"): a tile was seven elements
    in three containers (name and badges, metric, chart, facts, notes, as-of date,
    freshness badge) besides its drawer; it is one HTML block and the drawer, whose
    contents are built only once it is opened. A review card was two elements (one a line
    before that); it is one."""
    time_machine.move_to(GOLDEN_MOMENT)
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang=lang)
    for code in HEADLINE_CODES:
        inside = _elements(find_block(app, f"tile-{code}"))
        assert [type(node).__name__ for node in inside] == ["UnknownElement", "Block"], code
        html = block_html(inside[0])  # one HTML block, drawn by app_pages._ui.html_block
        assert html is not None and html.startswith('<div class="ov-tile">'), code
        assert inside[1].proto.HasField("popover"), code  # the drawer, empty until opened
        card = _elements(find_block(app, f"review-{code}"))
        assert [type(node).__name__ for node in card] == ["UnknownElement"], code
        html = block_html(card[0])  # one HTML block, no Markdown with HTML in it
        assert html is not None and html.startswith('<div class="ov-review">'), code


def _elements(block) -> list:
    """Every element and container under ``block``, in order."""
    found = []
    for child in getattr(block, "children", {}).values():
        found.append(child)
        found.extend(_elements(child))
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_glance_row_is_one_element_with_every_status_worst_first(
    monkeypatch, time_machine, demo_warehouse_url, lang
):
    """Regression (issue 12: "draw each tile as few elements as it takes"): the glance row,
    drawn at every width, was nine elements — a row, four boxes, four texts. It is one
    Markdown element (its paragraphs laid out by CSS), still naming each indicator, its
    number against its target and its status, not-on-track first."""
    time_machine.move_to(GOLDEN_MOMENT)
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang=lang)
    glance = find_block(app, "glance")
    assert glance is not None
    inside = _elements(glance)
    assert [type(node).__name__ for node in inside] == ["Markdown"]
    items = inside[0].value.split("\n\n")
    assert len(items) == len(HEADLINE_CODES)
    order = ("off_track", "at_risk", "not_assessable", "on_track")
    words = tuple(t(f"status_{status}", lang) for status in order)
    ranks = []
    for item in items:
        (word,) = [w for w in words if f" {w}]" in item]
        ranks.append(words.index(word))
        assert ("chỉ tiêu ≥" if lang == "vi" else "target ≥") in item
    assert ranks == sorted(ranks)
    assert sorted(ranks) == [0, 0, 3, 3]  # the demo: two off track, two on track


def _metric_line(block: list[str]) -> str:
    """A golden tile's big number (the tile's one metric line)."""
    (line,) = [line for line in block if line.startswith("metric: ")]
    return line


def test_filters_from_the_url_change_the_figures(monkeypatch, demo_warehouse_url):
    app = _run(
        monkeypatch,
        demo_warehouse_url,
        year=str(YEAR),
        province="binh_duong",
        type="ward",
    )
    filtered = VIEWS["2026 vi, Bình Dương wards"]["tiles"]["online_dossier_share"]
    whole_city = VIEWS["2026 vi"]["tiles"]["online_dossier_share"]
    first = tile_metrics(app)[0]
    metric = f"metric: {first.label} | {first.value} | {first.delta}"
    assert _metric_line(filtered).startswith(metric + " | ")
    assert not _metric_line(whole_city).startswith(metric + " | ")
    assert app.session_state["province"] == ["binh_duong"]
    assert app.session_state["type"] == ["ward"]


def test_a_typed_link_with_bad_values_says_so_and_keeps_working(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="20x6", province="hanoi", lang="fr")
    warnings = "\n".join(w.value for w in app.warning)
    assert "year = ` 20x6 `" in warnings
    assert "province = ` hanoi `" in warnings
    assert "lang = ` fr `" in warnings
    assert len(tile_metrics(app)) == 4
    assert app.title[0].value == "Tổng quan"


def test_a_closed_year_shows_its_result_not_a_forecast(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2025", lang="en")
    # Every tile of a closed year shows that year's result (the same label on all four).
    assert [m.label for m in tile_metrics(app)] == ["Result for 2025"] * 4
    for code in HEADLINE_CODES:
        shown = read_block(find_block(app, f"tile-{code}"))
        text = "\n".join(shown)
        assert "Year-end projection" not in text
        assert "Probability of reaching the target" not in text
        # The tile's first element: its name and its badges (issue 12: one element).
        assert ("2025 target met" in shown[0]) or ("2025 target missed" in shown[0])
    golden = VIEWS["2025 en"]["tiles"]
    assert [f"metric: {m.label} | {m.value} | {m.delta}" for m in tile_metrics(app)] == [
        " | ".join(_metric_line(golden[code]).split(" | ")[:3]) for code in HEADLINE_CODES
    ]
    # The tiles are the review: no separate "2025 results" strip.
    assert not any("2025 results" in h.value for h in app.subheader)


def test_a_year_without_data_shows_an_empty_state(monkeypatch, time_machine, demo_warehouse_url):
    """Regression: the test asserted four metrics. A year offered but without figures (2027,
    once the calendar is there; the demo ends in October 2026) shows, in each tile, the
    empty state and nothing else, and no attention list."""
    time_machine.move_to(city_moment(dt.date(2027, 6, 15)))
    app = _run(monkeypatch, demo_warehouse_url, year="2027", lang="en")
    assert app.session_state["year"] == 2027
    assert not tile_metrics(app)
    empty = (
        "info: No data yet: no figures for 2027 for this indicator yet. Choose another year "
        "in the filters, or upload a monthly submission."
    )
    for code in HEADLINE_CODES:
        assert read_block(find_block(app, f"tile-{code}"))[1:] == [empty], code
    assert find_block(app, "attention-list") is None
    assert [i.value for i in app.info][-1] == (
        "No data yet: no unit can be ranked for 2027 before its figures are in."
    )
    assert not app.get("download_button")


def test_a_year_before_the_first_falls_back_to_the_default(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2019")
    assert "year = ` 2019 `" in "\n".join(w.value for w in app.warning)
    assert app.session_state["year"] == 2026


def test_missing_warehouse_gives_a_clear_message(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'absent' / 'warehouse.sqlite'}"
    app = _run(monkeypatch, url)
    errors = "\n".join(e.value for e in app.error)
    assert "make run" in errors
    assert not (tmp_path / "absent" / "warehouse.sqlite").exists()
    assert not tile_metrics(app)


def test_unreachable_warehouse_gives_a_clear_message(monkeypatch):
    app = _run(monkeypatch, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    errors = "\n".join(e.value for e in app.error)
    assert "cannot be reached" in errors or "Không kết nối được" in errors
    assert "DASHBOARD_DB_URL" in errors
    assert not tile_metrics(app)


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://user@host/db"])
def test_a_malformed_warehouse_url_gives_a_clear_message(monkeypatch, url):
    app = _run(monkeypatch, url)
    errors = "\n".join(e.value for e in app.error)
    assert "DASHBOARD_DB_URL" in errors
    assert "không hợp lệ" in errors
    assert not tile_metrics(app)


def test_a_closed_year_without_a_target_shows_its_result_and_says_there_was_none(
    monkeypatch, demo_warehouse_url
):
    app = _run(monkeypatch, demo_warehouse_url, year="2021", lang="en")
    text = _shown_markup(app)
    assert "No target set for 2021" in text
    assert "Year-end projection" not in text
    first = tile_metrics(app)[0]
    assert first.label == "Result for 2021"
    assert first.delta == ""  # no target: no gap


def test_a_filter_matching_no_unit_shows_empty_states_not_errors(monkeypatch, demo_warehouse_url):
    app = _run(
        monkeypatch,
        demo_warehouse_url,
        year=str(YEAR),
        province="ba_ria_vung_tau",
        type="department",
    )
    infos = "\n".join(i.value for i in app.info)
    assert "Không có đơn vị nào khớp với bộ lọc" in infos
    assert not app.error


def test_an_early_or_lone_submission_never_becomes_the_headline(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """Regression: one ward's row for a month not yet over (or barely reported) used to
    replace the city's figure, and a lone December row closed the year in November."""
    import datetime as dt
    import shutil

    from data_access import writes

    copy = tmp_path / "early.sqlite"
    shutil.copy(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with engine.begin() as conn:
        for month in (dt.date(2026, 11, 1), dt.date(2026, 12, 1)):
            frame = pd.DataFrame(
                [
                    {
                        "indicator_id": "online_dossier_share",
                        "unit_id": "26737",
                        "period_year": 2026,
                        "period_month": month,
                        "value": 10.0,
                        "numerator": 10.0,
                        "denominator": 100.0,
                    }
                ]
            )
            writes.load_observation_batch(
                conn, frame, submission_key=f"early-{month}", source_name="t", submitted_by="t"
            )
    engine.dispose()
    before = _run(monkeypatch, demo_warehouse_url, year=str(YEAR))
    after = _run(monkeypatch, url, year=str(YEAR))
    shown, earlier = tile_metrics(after)[0], tile_metrics(before)[0]
    assert shown.label == earlier.label == "Kết quả thực hiện tháng 10/2026"
    assert shown.value == earlier.value
    text = "\n".join(m.value for m in after.markdown)
    assert "Đạt chỉ tiêu năm 2026" not in text


def test_a_warehouse_without_published_figures_still_draws(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """Regression: an empty published_figures table crashed the page (untyped dates)."""
    import shutil

    copy = tmp_path / "unpublished.sqlite"
    shutil.copy(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM published_figures")
    engine.dispose()
    app = _run(monkeypatch, f"sqlite:///{copy}", year=str(YEAR))
    assert len(tile_metrics(app)) == 4


def test_a_year_without_targets_says_so_in_the_attention_list(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2021")
    infos = "\n".join(i.value for i in app.info)
    assert "Năm 2021 chưa có chỉ tiêu để so sánh các đơn vị" in infos


def test_a_link_cannot_plant_markdown_in_the_warning(monkeypatch, demo_warehouse_url):
    """Regression: rejected URL values were echoed as live Markdown (a clickable link;
    backslashes did not stop Streamlit linking the address). Now inline code."""
    app = _run(monkeypatch, demo_warehouse_url, province="[click](https://evil.example)")
    warning = app.warning[0].value
    assert "province = ` [click](https://evil.example) `" in warning
    # The warning is said once; the next interaction does not repeat it.
    app.run()
    assert not app.warning


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_filters_and_the_unit_picker_wait_behind_buttons(
    monkeypatch, time_machine, demo_warehouse_url, lang
):
    """Issue 12 (drawing promise): the filters were four widgets in the collapsed sidebar and
    the attention list's unit picker a select box, all drawn on load; each is now in a
    popover, whose content the browser builds only when it is opened. The filters' button
    says the year shown and how many other filters narrow the view."""
    time_machine.move_to(GOLDEN_MOMENT)
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang=lang)
    # Shut, the filters' popover sends none of its widgets (issue 12: every page paid them).
    filters = find_block(app, "filters")
    assert filters.proto.HasField("popover")
    assert filters.proto.popover.label == {"vi": "Bộ lọc · 2026", "en": "Filters · 2026"}[lang]
    assert not app.session_state[FILTERS_KEY]
    assert choice_widgets(filters) == []
    assert [key for _, key, _ in choice_widgets(app._tree)] == ["open-unit-attention"]
    # Opened: the four, in the popover of the top bar, and nothing outside a popover.
    app.session_state[FILTERS_KEY] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    widgets = choice_widgets(app._tree)
    assert sorted(key for _, key, _ in widgets) == [
        "as_of",
        "open-unit-attention",
        "province",
        "type",
        "year",
    ]
    assert [w for w in widgets if not w[2]] == []
    assert sorted(key for _, key, _ in choice_widgets(find_block(app, "language-bar"))) == [
        "as_of",
        "province",
        "type",
        "year",
    ]
    assert sorted(key for _, key, _ in choice_widgets(find_block(app, "filters"))) == [
        "as_of",
        "province",
        "type",
        "year",
    ]
    assert app.selectbox(key="year").value == YEAR
    narrowed = _run(
        monkeypatch,
        demo_warehouse_url,
        year="2025",
        province="binh_duong",
        type="ward",
        lang=lang,
    )
    label = find_block(narrowed, "filters").proto.popover.label
    assert label == {"vi": "Bộ lọc · 2025 · +2", "en": "Filters · 2025 · +2"}[lang]
    assert find_block(app, "menu-open-unit-attention").proto.HasField("popover")
