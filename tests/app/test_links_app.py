"""Links: "figures as they stood" (``?as_of=``), a unit (``?unit=``) and a procedure
(``?procedure=``) read from the address — rebuilt from the versions of that day, kept in
the address, and refused in plain text when they cannot be used."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
import streamlit.commands.navigation as navigation
import streamlit.testing.v1.local_script_runner as runner
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT
from i18n import fmt_percent
from metrics.links import as_of_moment
from tests.app.reading import tile_metrics

APP = str(PROJECT_ROOT / "app.py")


def _run(monkeypatch, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _online_share_as_it_stood(url: str, month: dt.date, day: dt.date) -> float:
    """The city's online share of ``month`` from the rows current at the end of ``day``,
    computed here with this test's own SQL."""
    moment = as_of_moment(day).astimezone(dt.UTC).replace(tzinfo=None)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            numerator, denominator = conn.execute(
                text(
                    "SELECT SUM(o.numerator), SUM(o.denominator) FROM observations o "
                    "JOIN units u ON u.unit_id = o.unit_id "
                    "WHERE o.indicator_id = 'online_dossier_share' AND o.breakdown_key = '' "
                    "AND o.period_month = :month AND o.loaded_at <= :moment "
                    "AND (o.superseded_at IS NULL OR o.superseded_at > :moment) "
                    "AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department', "
                    "'investor') AND o.numerator IS NOT NULL AND o.denominator IS NOT NULL"
                ),
                {"month": month, "moment": moment},
            ).one()
    finally:
        engine.dispose()
    return 100.0 * numerator / denominator


def test_a_past_day_rebuilds_the_overview_from_the_versions_of_that_day(
    monkeypatch, demo_warehouse_url
):
    app = _run(monkeypatch, demo_warehouse_url, as_of="2026-10-10", lang="en")
    # On 10 October the latest complete month was September.
    assert tile_metrics(app)[0].label == "Result, Sep 2026"
    expected = _online_share_as_it_stood(
        demo_warehouse_url, dt.date(2026, 9, 1), dt.date(2026, 10, 10)
    )
    assert tile_metrics(app)[0].value == fmt_percent(expected, "en")
    text_shown = "\n".join(m.value for m in app.markdown)
    assert "as they stood at the end of 10 Oct 2026" in text_shown
    assert app.query_params["as_of"] == "2026-10-10"


def test_the_year_follows_the_past_day(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, as_of="2025-11-10")
    assert app.session_state["year"] == 2025
    assert tile_metrics(app)[0].label == "Kết quả thực hiện tháng 10/2025"


def test_a_past_day_in_the_address_reproduces_the_same_figures(monkeypatch, demo_warehouse_url):
    first = _run(monkeypatch, demo_warehouse_url, as_of="2026-08-20")
    again = _run(monkeypatch, demo_warehouse_url, **dict(first.query_params.items()))
    assert [m.value for m in tile_metrics(again)] == [m.value for m in tile_metrics(first)]
    assert [m.label for m in tile_metrics(again)] == [m.label for m in tile_metrics(first)]


def test_going_back_to_the_present_drops_the_day(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, as_of="2026-10-10")
    app.button(key="past-state-back").click().run()
    assert "as_of" not in app.query_params
    assert tile_metrics(app)[0].label == "Kết quả thực hiện tháng 10/2026"


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"as_of": "2026-13-01"}, "as_of = ` 2026-13-01 `", None),
        ({"as_of": "10/11/2026"}, "10/11/2026", None),
        ({"as_of": "2019-12-31"}, "01/02/2020", None),
        ({"as_of": "2099-01-01"}, "as_of = ` 2099-01-01 `", None),
        ({"unit": "99999"}, "99999", None),
        (
            {"unit": "[Bấm vào đây](https://evil.example)"},
            "unit = ` [Bấm vào đây](https://evil.example) `",
            "\\[",
        ),
        (
            {"unit": "![x](https://evil.example/a.png)"},
            "` ![x](https://evil.example/a.png) `",
            "\\!",
        ),
        (
            {"unit": "<b>bold</b><script>alert(1)</script>"},
            "` <b>bold</b><script>alert(1)</script> `",
            "\\<",
        ),
        ({"unit": "26737\u202e\u2066"}, "` 26737 `", "\u202e"),
        ({"procedure": "x" * 10_000}, "x" * 60 + "…", "x" * 61),
        ({"as_of": "2026-10-10\u202e"}, "` 2026-10-10 `", "\u202e"),
    ],
    ids=[
        "impossible-day",
        "not-iso",
        "before-first-load",
        "future",
        "unknown-unit",
        "markdown-link",
        "markdown-image",
        "raw-html",
        "bidi-override",
        "ten-thousand-characters",
        "bidi-in-a-date",
    ],
)
def test_a_bad_link_says_so_in_plain_text_and_shows_the_city(
    monkeypatch, demo_warehouse_url, params, shown, hidden
):
    app = _run(monkeypatch, demo_warehouse_url, **params)
    warnings = "\n".join(w.value for w in app.warning)
    assert shown in warnings
    if hidden is not None:
        assert hidden not in warnings
    assert len(tile_metrics(app)) == 4  # the city view, current figures
    assert app.title[0].value == "Tổng quan"
    for key in params:
        assert key not in app.query_params
    assert not any("như tại cuối ngày" in m.value for m in app.markdown)


def test_a_known_unit_in_the_address_is_kept(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, unit="26737")
    assert app.query_params["unit"] == "26737"
    assert not app.warning


def _open_address(monkeypatch, url: str, path: str, **params: str) -> tuple[AppTest, list[str]]:
    """Open ``/<path>?<params>`` as a browser does (the path is sent as the page's name) and
    list each "page not found" Streamlit sent."""
    not_found: list[str] = []
    real_not_found = navigation.send_page_not_found
    monkeypatch.setattr(
        navigation,
        "send_page_not_found",
        lambda ctx: (not_found.append(path), real_not_found(ctx))[-1],
    )
    monkeypatch.setattr(runner, "RerunData", functools.partial(runner.RerunData, page_name=path))
    return _run(monkeypatch, url, **params), not_found


@pytest.mark.parametrize(
    ("path", "found"), [("overview", True), ("no-such-page", False)], ids=["overview", "unknown"]
)
def test_the_overview_has_its_own_address_too(monkeypatch, demo_warehouse_url, path, found):
    """``/overview`` (typed or bookmarked) opens the Overview, not "page not found", and
    keeps the link's parameters; an unknown address still says "page not found"."""
    app, not_found = _open_address(
        monkeypatch, demo_warehouse_url, path, lang="en", as_of="2026-10-10"
    )
    assert not_found == ([] if found else [path])
    assert [title.value for title in app.title] == ["Overview"]
    assert tile_metrics(app)[0].label == "Result, Sep 2026"
    assert app.query_params["lang"] == "en"
    assert app.query_params["as_of"] == "2026-10-10"
