"""The Data page builds only its open tab (issue 12: every tab's upload widget, history grid
with undo, export form, templates and audit log was built, hidden, on every run, and the page
took 2.15–2.39× an empty page to draw). The tab is the session's ``data-tabs``, as a click on
it sets it; a load or an undo, which rerun the page, leave the reader on their tab with the
outcome banner above it; a file chosen and not yet loaded, and the choices made in a tab, are
kept while another tab is open.

Local mode's user (AppTest cannot sign in) is an admin; a data steward is set where the app
takes that user, as in ``test_audit_log_app.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data_access.identity import User
from i18n import t
from tests.app.pages import DATA_TABS_KEY as TABS_KEY
from tests.app.pages import frame, open_page
from tests.ingest.warehouse import copy_sqlite

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
GOOD = (HEADER + "online_dossier_share,25747,2026-09,61,100\n").encode()
BAD = (HEADER + "online_dossier_share,99999,2026-09,61,100\n").encode()
TABS = ("data_tab_upload", "data_tab_history", "data_tab_export", "data_tab_templates")
OCTOBER = dt.date(2026, 10, 1)  # a month the demo has figures for
STEWARD = User("chi.le", frozenset({"viewer", "data_steward"}))


@pytest.fixture
def url(demo_warehouse_url, tmp_path) -> str:
    return copy_sqlite(demo_warehouse_url, str(tmp_path / "copy.sqlite"))


def _built(app) -> list[int]:  # type: ignore[no-untyped-def]
    """The tabs (by position) that hold anything."""
    return [i for i, tab in enumerate(app.tabs) if len(list(tab)) > 1]


def _open(app, key: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Open the tab ``key`` names, as a click on it does."""
    app.session_state[TABS_KEY] = t(key, lang)
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def _template_buttons(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.proto.id for b in tab.get("download_button") if "-template-" in b.proto.id]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_only_the_open_tab_is_built_and_opening_another_builds_it(monkeypatch, url, lang):
    app = open_page(monkeypatch, url, "data", lang=lang)
    # The first tab, the upload, is open by default, and it alone is built.
    assert [tab.label for tab in app.tabs] == [*(t(k, lang) for k in TABS), t("audit_tab", lang)]
    assert app.session_state[TABS_KEY] == t("data_tab_upload", lang)
    assert _built(app) == [0]
    assert len(app.tabs[0].get("file_uploader")) == 1
    assert not app.dataframe and not app.get("download_button")
    assert not [w for w in app.toggle if w.key == "data-history-demo"]

    _open(app, "data_tab_history", lang)
    assert _built(app) == [1]
    assert not app.get("file_uploader")
    assert app.tabs[1].toggle(key="data-history-demo").value is False

    _open(app, "data_tab_export", lang)
    assert _built(app) == [2]
    assert app.tabs[2].selectbox(key="data-export-indicator").value == "online_dossier_share"

    _open(app, "data_tab_templates", lang)
    assert _built(app) == [3]
    # Three kinds, CSV and XLSX; the tables under them are built only once opened.
    assert len(_template_buttons(app.tabs[3])) == 6
    assert not app.dataframe
    app.session_state["data-codes-units"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    (codes,) = app.tabs[3].dataframe
    assert "26737" in set(codes.value.iloc[:, 0])

    _open(app, "audit_tab", lang)
    assert _built(app) == [4]
    assert app.tabs[4].selectbox(key="audit-action").value is None
    assert len(app.tabs[4].dataframe) == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_load_and_an_undo_leave_the_reader_on_their_tab(monkeypatch, url, lang):
    app = open_page(monkeypatch, url, "data", lang=lang)
    app.get("file_uploader")[0].set_value(("september.csv", GOOD, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="data-load").click().run()
    assert not app.exception, [e.value for e in app.exception]
    batch = int(frame(url, "SELECT MAX(batch_id) AS b FROM load_batches")["b"][0])
    # The banner says what was loaded, above the upload tab, still the open one and the only
    # one built: its widget is a new, empty one.
    assert f"#{batch}" in app.success[0].value
    assert app.session_state[TABS_KEY] == t("data_tab_upload", lang)
    assert _built(app) == [0]
    assert app.tabs[0].get("file_uploader")[0].value in (None, [])

    _open(app, "data_tab_history", lang)
    assert int(app.tabs[1].dataframe[0].value.iloc[0, 0]) == batch
    app.button(key="data-undo-open").click().run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="data-undo-confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert f"#{batch}" in app.success[0].value
    assert app.session_state[TABS_KEY] == t("data_tab_history", lang)
    assert _built(app) == [1]
    undone = t("batch_status_undone", lang)
    assert str(app.tabs[1].dataframe[0].value.iloc[0, -2]).startswith(undone)


def test_a_chosen_file_is_kept_while_another_tab_is_open(monkeypatch, url):
    app = open_page(monkeypatch, url, "data", lang="en")
    app.get("file_uploader")[0].set_value(("bad.csv", BAD, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.button(key="data-load").disabled

    # A look at the templates: the upload is still built, out of sight, with its file.
    _open(app, "data_tab_templates", lang="en")
    assert _built(app) == [0, 3]
    _open(app, "data_tab_upload", lang="en")
    assert _built(app) == [0]
    assert [f.name for f in app.get("file_uploader")[0].value] == ["bad.csv"]
    assert app.button(key="data-load").disabled
    assert "99999" in set(app.tabs[0].dataframe[0].value.iloc[:, 3])
    # Checked once: coming back did not send the file again.
    assert frame(url, "SELECT COUNT(*) AS n FROM submission_checks")["n"][0] == 1

    # Once the file is taken off the widget, another tab is built alone again.
    app.get("file_uploader")[0].set_value([]).run()
    _open(app, "data_tab_templates", lang="en")
    assert _built(app) == [3]


def test_the_choices_in_a_tab_are_kept_while_another_is_open(monkeypatch, url):
    app = open_page(monkeypatch, url, "data", lang="en")
    _open(app, "data_tab_history", "en")
    app.toggle(key="data-history-demo").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    demo_batches = len(app.tabs[1].dataframe[0].value)
    assert demo_batches > 0

    _open(app, "data_tab_export", "en")
    app.selectbox(key="data-export-indicator").set_value("on_time_rate")
    app.selectbox(key="data-export-month").set_value(OCTOBER)
    app.selectbox(key="data-export-unit").set_value("25747")
    next(b for b in app.button if b.label == "Make the export file").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("in the upload layout" in c.value for c in app.caption)

    _open(app, "audit_tab", "en")
    app.selectbox(key="audit-action").set_value("load_batch").run()
    assert not app.exception, [e.value for e in app.exception]

    _open(app, "data_tab_history", "en")
    assert _built(app) == [1]
    assert app.toggle(key="data-history-demo").value is True
    assert len(app.tabs[1].dataframe[0].value) == demo_batches
    _open(app, "data_tab_export", "en")
    assert _built(app) == [2]
    # The choices still name the file made, which is still offered.
    assert app.selectbox(key="data-export-indicator").value == "on_time_rate"
    assert app.selectbox(key="data-export-month").value == OCTOBER
    assert app.selectbox(key="data-export-unit").value == "25747"
    assert any("in the upload layout" in c.value for c in app.caption)
    assert len(app.tabs[2].get("download_button")) == 2
    _open(app, "audit_tab", "en")
    assert app.selectbox(key="audit-action").value == "load_batch"


def test_a_steward_is_not_offered_the_audit_tab_even_by_its_name(monkeypatch, url):
    monkeypatch.setattr("app_pages._auth.LOCAL_USER", STEWARD)
    app = open_page(monkeypatch, url, "data", lang="en")
    assert [tab.label for tab in app.tabs] == [t(k, "en") for k in TABS]
    # A tab asked for by the audit log's label (a crafted message): the upload opens instead.
    _open(app, "audit_tab", "en")
    assert app.session_state[TABS_KEY] == t("data_tab_upload", "en")
    assert _built(app) == [0]
    assert not [s for s in app.selectbox if s.key == "audit-action"]
    assert not app.dataframe
