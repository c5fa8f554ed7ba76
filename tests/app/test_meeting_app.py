"""Meeting mode in AppTest, in both languages, on the demo warehouse.

Which slides come first is checked against the Overview's own tiles (the same engine):
the expected first slide is the worst headline not on track, worked out here from the
statuses the Overview shows, not from the meeting page.
"""

from __future__ import annotations

import urllib.parse

import pytest
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT
from i18n import t
from metrics.registry import get_indicator
from tests.app.pages import figure_traces


@pytest.fixture(autouse=True)
def _figures_by_plotly(monkeypatch):
    """This module reads each chart's data from the plotly figure sent to the browser: the
    pages draw it with plotly (the SVG drawn from the same figure: tests/unit/test_figure_svg.py
    and tests/app/test_svg_figures_app.py)."""
    monkeypatch.setenv("DASHBOARD_FIGURES", "plotly")


APP = str(PROJECT_ROOT / "app.py")
PAGE = "app_pages/meeting.py"


def open_meeting(monkeypatch, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.delenv("DASHBOARD_PUBLIC_URL", raising=False)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def texts(app: AppTest) -> str:
    return "\n".join(
        [m.value for m in app.markdown]
        + [c.value for c in app.caption]
        + [h.value for h in app.title]
    )


def position(app: AppTest) -> str:
    """``Trang 2/5`` (the slide counter beside the buttons)."""
    line = next(m.value for m in app.markdown if m.value.startswith(("**Trang ", "**Slide ")))
    return line.split("**")[1]


def param(app: AppTest, key: str) -> str | None:
    value = app.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


# From tests/golden/overview_demo.yaml (2026, as of Oct): two headlines are off track,
# disbursement 51.2 % with −14.0 pp against the milestone to 31 Oct and the digital economy
# 27.2 % with −2.8 pp against its target; the other two are on track. Off track, largest
# shortfall first: disbursement, then the digital economy.
FIRST_ITEMS = {
    "vi": [
        ("public_investment_disbursement", "51,2%", "−14,0 điểm phần trăm"),
        ("digital_economy_share_grdp", "27,2%", "−2,8 điểm phần trăm"),
    ],
    "en": [
        ("public_investment_disbursement", "51.2%", "−14.0 pp"),
        ("digital_economy_share_grdp", "27.2%", "−2.8 pp"),
    ],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_meeting_mode_opens_on_the_items_not_on_track_worst_first(
    monkeypatch, demo_warehouse_url, lang
):
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang=lang, interval="600")
    for n, (code, value, gap) in enumerate(FIRST_ITEMS[lang], start=1):
        shown = texts(app)
        assert f"## {get_indicator(code).name(lang)}" in shown
        assert t("status_off_track", lang) in shown  # the word, beside its icon and colour
        assert t("demo_badge", lang) in shown
        assert (app.metric[0].value, app.metric[0].delta) == (value, gap)
        # Two items, the headlines, ten units on two slides: five slides.
        assert position(app) == t("meeting_position", lang, n=n, total=5)
        button(app, "meeting-next").click().run()
    assert f"## {t('meeting_headlines_title', lang, year=2026)}" in texts(app)
    assert len(app.metric) == 4
    # No warning for a clean address, and the settings in use are written back.
    assert not app.warning
    assert param(app, "interval") == "600"
    assert param(app, "agenda") == "not_on_track,headlines,units"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_item_slide_draws_the_tile_chart_with_its_milestones_and_band(
    monkeypatch, demo_warehouse_url, lang
):
    """The slide's chart is the Overview tile's chart (this year, last year, the milestone
    path, the projection), not a bare line without axis or target: it was a
    ``st.metric`` sparkline before."""
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang=lang, interval="600")
    assert not app.metric[0].proto.chart_data  # no context-free sparkline
    names = [trace.get("name") for trace in figure_traces(app)]
    for name in (
        "2026",
        "2025",
        t("tile_chart_milestones", lang),
        t("tile_chart_projection", lang),
    ):
        assert name in names, (name, names)
    this_year = next(trace for trace in figure_traces(app) if trace.get("name") == "2026")
    # The line ends at the big number: 51.2 % as of October (golden file, see above).
    assert round(this_year["y"][-1], 1) == 51.2


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_next_previous_and_pause_change_the_slide(monkeypatch, demo_warehouse_url, lang):
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang=lang, interval="600")
    first = position(app)
    assert first == t("meeting_position", lang, n=1, total=5)
    button(app, "meeting-next").click().run()
    assert position(app) == t("meeting_position", lang, n=2, total=5)
    button(app, "meeting-previous").click().run()
    assert position(app) == first
    # Previous from the first slide wraps round to the last.
    button(app, "meeting-previous").click().run()
    assert position(app) == t("meeting_position", lang, n=5, total=5)
    button(app, "meeting-next").click().run()
    assert position(app) == first
    # Going round the agenda twice adds nothing to the session: the same keys, and each a
    # small value (no list or frame that could grow slide by slide).
    keys = set(app.session_state.keys())
    for _ in range(10):
        button(app, "meeting-next").click().run()
    assert position(app) == first  # ten slides on: twice round five
    assert set(app.session_state.keys()) == keys
    meeting_values = [app.session_state[k] for k in keys if k.startswith("meeting")]
    assert all(isinstance(v, (bool, int, float, str, list)) for v in meeting_values)
    assert all(len(v) <= 3 for v in meeting_values if isinstance(v, list))  # the agenda
    pause = button(app, "meeting-pause")
    assert pause.label == t("meeting_pause", lang)
    pause.click().run()
    assert button(app, "meeting-pause").label == t("meeting_resume", lang)
    assert t("meeting_paused_note", lang) in texts(app)
    button(app, "meeting-pause").click().run()
    assert button(app, "meeting-pause").label == t("meeting_pause", lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"interval": "abc"}, "meeting_bad_interval_not_a_whole_number"),
        ({"interval": "1"}, "meeting_bad_interval_out_of_range"),
        ({"agenda": "units,[x](https://evil.example)"}, "meeting_bad_agenda_unknown_section"),
        ({"agenda": ","}, "meeting_bad_agenda_empty"),
    ],
)
def test_bad_url_values_give_a_clear_message_and_the_defaults(
    monkeypatch, demo_warehouse_url, lang, params, key
):
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang=lang, **params)
    assert len(app.warning) == 1
    message = app.warning[0].value
    # The refused value is shown as inline code (never read as Markdown or a link).
    value = next(iter(params.values()))
    assert f"` {value} `" in message
    head = t(key, lang, value="\0", default=20, low=3, high=600, known="\0").split("\0")[0]
    assert message.startswith(head)
    # The page runs on the defaults, and the address now says so.
    assert t("meeting_auto_note", lang, seconds=20) in texts(app)
    assert position(app) == t("meeting_position", lang, n=1, total=5)
    assert param(app, "interval") == "20"
    assert param(app, "agenda") == "not_on_track,headlines,units"


def test_agenda_from_the_url_sets_the_first_slide(monkeypatch, demo_warehouse_url):
    app = open_meeting(
        monkeypatch, demo_warehouse_url, year="2026", lang="en", agenda="units", interval="600"
    )
    assert "## Units holding the city back · 1–5 of 10" in texts(app)
    assert position(app) == "Slide 1 of 2"


def test_no_public_address_known_says_how_to_set_one(monkeypatch, demo_warehouse_url):
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang="en", interval="600")
    # AppTest has no browser address: the share panel says which setting to use.
    assert any("DASHBOARD_PUBLIC_URL" in info.value for info in app.info)


def test_the_configured_public_address_makes_the_qr_code(monkeypatch, demo_warehouse_url):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.setenv("DASHBOARD_PUBLIC_URL", "https://dash.example.vn/hcmc")
    app = AppTest.from_file(APP, default_timeout=300)
    app.query_params["lang"] = "en"
    app.query_params["interval"] = "30"
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception
    links = [m.value for m in app.markdown if m.value.startswith("Link: ")]
    assert len(links) == 1
    link = urllib.parse.urlsplit(links[0].removeprefix("Link: ` ").removesuffix(" `"))
    assert (link.scheme, link.netloc, link.path) == ("https", "dash.example.vn", "/hcmc/meeting")
    assert urllib.parse.parse_qs(link.query) == {
        "lang": ["en"],
        "interval": ["30"],
        "agenda": ["not_on_track,headlines,units"],
    }
    assert len(app.get("image")) == 1  # the QR code is drawn


def test_a_bad_public_address_is_refused_and_named(monkeypatch, demo_warehouse_url):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    monkeypatch.setenv("DASHBOARD_PUBLIC_URL", "javascript:alert(1)")
    app = AppTest.from_file(APP, default_timeout=300)
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception
    assert any("` javascript:alert(1) `" in w.value for w in app.warning)


def test_the_settings_panel_writes_the_address_and_changes_the_agenda(
    monkeypatch, demo_warehouse_url
):
    app = open_meeting(monkeypatch, demo_warehouse_url, year="2026", lang="en", interval="600")
    app.number_input(key="meeting-interval").set_value(45).run()
    assert param(app, "interval") == "45"
    assert t("meeting_auto_note", "en", seconds=45) in texts(app)
    app.multiselect(key="meeting-agenda").set_value(["units", "headlines"]).run()
    assert param(app, "agenda") == "units,headlines"
    # Ten units on two slides, then the headlines; the slide shown is the first unit page.
    assert position(app) == "Slide 1 of 3"
    assert "## Units holding the city back · 1–5 of 10" in texts(app)
    # Emptied, the agenda goes back to the default rather than to nothing.
    app.multiselect(key="meeting-agenda").set_value([]).run()
    assert param(app, "agenda") == "not_on_track,headlines,units"
    assert not app.exception
