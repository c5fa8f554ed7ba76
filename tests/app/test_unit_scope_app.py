"""Pages as a ward-scoped user (issue 13, item 2) on the demo warehouse.

AppTest cannot sign in through ``st.login``, so the user is set where the app takes local
mode's user (``app_pages._auth.LOCAL_USER``): a viewer limited to Phường Tân Định (26737).
The real sign-in of a unit-scoped account is tested in the browser
(``tests/browser/test_sign_in_browser.py``).

Other units' names come from independent SQL on the warehouse; no other unit's name may
appear anywhere on the page (text, tables, charts, choices, CSV downloads), and the own
unit's does.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import text

from data_access.engine import make_engine
from data_access.identity import User
from i18n import t
from tests.app.pages import APP, each_data_tab
from tests.app.reading import _RecordingManager, _RecordingStorage, download, html_tables

OWN = "26737"  # Phường Tân Định
VIEWER = User("Phường Tân Định", frozenset({"viewer"}), unit=OWN)
STEWARD = User("Phường Tân Định", frozenset({"viewer", "data_steward"}), unit=OWN)
CITY_STEWARD = User("Sở", frozenset({"viewer", "data_steward"}))


def _names(url: str) -> dict[str, tuple[str, str]]:
    """Independent SQL: every ward's, commune's and the special zone's id → (Vietnamese
    name, English name). (Departments are left out: they are also the indicators' lead
    agencies and source systems, which every page names as city-wide metadata.)"""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT unit_id, name_vi, name_en FROM units WHERE unit_type IN "
                    "('ward', 'commune', 'special_zone')"
                )
            ).all()
    finally:
        engine.dispose()
    return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}


def _open(monkeypatch, url: str, user: User, page: str | None, **params: str) -> Any:
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.delenv("DASHBOARD_REQUIRE_SIGN_IN", raising=False)
    monkeypatch.setattr("app_pages._auth.LOCAL_USER", user)
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingManager)
    app = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    if page is not None:
        app.switch_page(f"app_pages/{page}.py")
        app.run()
        assert not app.exception, [e.value for e in app.exception]
    return app


def _shown(app: Any) -> str:
    """Everything the page shows as text: words, tables, charts, choices, CSV downloads."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "text", "info", "warning", "error", "success", "title"):
        parts += [str(e.value) for e in app.get(kind)]
    parts += [str(h.value) for h in app.get("subheader")]
    for table in list(app.dataframe) + list(app.table):
        parts.append(table.value.to_csv())
    # Plain HTML tables and lists (the scorecard, the ranking list), as the reader sees them.
    parts += [html.unescape(str(h.proto.body)) for h in app.get("html")]
    parts += [str(m.proto.label) + str(m.proto.body) for m in app.metric]
    parts += [str(c.proto.spec) for c in app.get("plotly_chart")]
    for box in app.selectbox:
        parts += [str(o) for o in box.options]
    for box in app.multiselect:
        parts += [str(o) for o in box.options]
    for button in app.get("download_button"):
        element_id = str(button.proto.id)
        if "-csv-" in element_id:
            key = element_id[element_id.rindex("-csv-") + 1 :]
            parts.append(download(app, key).decode("utf-8-sig", errors="replace"))
    return "\n".join(parts)


def data_page_shown(app: Any) -> str:
    """What the Data page shows on all its tabs, each opened in turn (only the open tab is
    built, issue 12), with the demo's batches listed too (each holds every unit's rows, so
    none is a ward's own)."""
    app.session_state["data-history-demo"] = True
    return "\n".join(_shown(app) for _tab in each_data_tab(app))


def _others_shown(shown: str, names: dict[str, tuple[str, str]]) -> list[str]:
    own = set(names[OWN])
    found = []
    for unit_id, pair in names.items():
        if unit_id == OWN:
            continue
        for name in pair:
            if name in own:
                continue
            # A whole name (not a part of a longer one, e.g. "Phường 1" in "Phường 10").
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", shown):
                found.append(name)
    return found


SCOPED_PAGES = [
    ("overview", {"year": "2026", "lang": "vi"}),
    ("online", {"year": "2026", "lang": "vi"}),
    ("unit", {"year": "2026", "lang": "vi", "unit": OWN}),
    ("governance", {"lang": "vi"}),
    ("satisfaction", {"year": "2026", "lang": "vi"}),
    ("disbursement", {"year": "2026", "lang": "vi"}),
    # The lever's unit choice offered every unit's name before it was scoped.
    ("scenarios", {"year": "2026", "lang": "vi"}),
    # Not meeting mode nor the briefing: on their first run in AppTest they show no
    # unit's name even without any scope, so such a test could not fail (the browser
    # test of a signed-in ward account reads them: test_scoped_meeting_briefing_browser).
]
"""Pages read as the ward-scoped viewer, with their address's parameters (SQLite here,
PostgreSQL in tests/postgres/test_unit_scope_postgres_app.py)."""


@pytest.mark.parametrize(("page", "params"), SCOPED_PAGES)
def test_a_ward_scoped_user_sees_no_other_units_detail(
    monkeypatch, demo_warehouse_url, page, params
):
    names = _names(demo_warehouse_url)
    app = _open(monkeypatch, demo_warehouse_url, VIEWER, page, **params)
    shown = _shown(app)
    assert _others_shown(shown, names) == []
    assert names[OWN][0] in shown, page


def test_a_ward_scoped_steward_sees_only_their_unit_on_the_data_page(
    monkeypatch, demo_warehouse_url
):
    names = _names(demo_warehouse_url)
    app = _open(monkeypatch, demo_warehouse_url, STEWARD, "data", lang="vi")
    shown = data_page_shown(app)
    assert _others_shown(shown, names) == []
    assert names[OWN][0] in shown  # the export's unit choice and the unit codes
    # Every demo batch holds other units' rows: the scoped history lists none of them
    # (a city-wide steward's lists them; checked with the same page below).
    empty = t("data_history_empty", "vi")
    assert empty in shown
    city = _open(monkeypatch, demo_warehouse_url, CITY_STEWARD, "data", lang="vi")
    assert empty not in data_page_shown(city)


def test_the_unit_page_shows_the_own_units_scorecard(monkeypatch, demo_warehouse_url):
    app = _open(monkeypatch, demo_warehouse_url, VIEWER, "unit", unit=OWN, lang="en", year="2026")
    assert next(str(h.value) for h in app.subheader) == _names(demo_warehouse_url)[OWN][1]
    assert html_tables(app)  # the scorecard


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", "Đường dẫn có unit = ` 26740 `: đơn vị này nằm ngoài phạm vi của bạn"),
        ("en", "The link has unit = ` 26740 `: this unit is outside your scope"),
    ],
)
def test_a_link_to_another_unit_says_not_in_your_scope(
    monkeypatch, demo_warehouse_url, lang, words
):
    names = _names(demo_warehouse_url)
    assert "26740" in names  # another ward of the warehouse
    # The warning is said on the first page the link opens (as every link refusal is).
    app = _open(monkeypatch, demo_warehouse_url, VIEWER, None, unit="26740", lang=lang)
    warnings = [str(w.value) for w in app.warning]
    assert any(words in w for w in warnings), warnings
    assert _others_shown(_shown(app), names) == []
    # The Unit page then has no detail of that unit: its name nowhere, no scorecard.
    app.switch_page("app_pages/unit.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert _others_shown(_shown(app), names) == []
    assert not app.dataframe and not html_tables(app) and not app.get("plotly_chart")


def test_an_unknown_unit_is_still_unknown_for_a_scoped_user(monkeypatch, demo_warehouse_url):
    app = _open(monkeypatch, demo_warehouse_url, VIEWER, None, unit="99999", lang="en")
    warnings = [str(w.value) for w in app.warning]
    assert any("no unit has that code" in w for w in warnings), warnings


def test_a_group_filter_is_refused_with_a_message_not_a_traceback(monkeypatch, demo_warehouse_url):
    names = _names(demo_warehouse_url)
    app = _open(monkeypatch, demo_warehouse_url, VIEWER, "online", province="binh_duong", lang="en")
    warnings = [str(w.value) for w in app.warning]
    assert any("This is outside your scope" in w for w in warnings), warnings
    assert _others_shown(_shown(app), names) == []
