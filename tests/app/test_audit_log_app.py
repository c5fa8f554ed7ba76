"""The audit log on the Data page (issue 13, item 3): an admin sees its tab with the newest
entries, filterable by action, names as plain text, in both languages; a data steward (who
opens the Data page) is not offered the tab at all.

AppTest cannot sign in through ``st.login``: the user is set where the app takes local
mode's user (``app_pages._auth.LOCAL_USER``), as in ``test_unit_scope_app.py``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import audit
from data_access.engine import make_engine
from data_access.identity import User
from tests.app.pages import open_page
from tests.ingest.warehouse import copy_sqlite

ADMIN = User("an.admin", frozenset({"viewer", "analyst", "data_steward", "admin"}))
STEWARD = User("chi.le", frozenset({"viewer", "data_steward"}))
MARKUP = "<b>Bình</b> **[x](http://evil.example)**"
FILE = "<script>alert(1)</script>_*don-vi*.csv"


@pytest.fixture
def url(demo_warehouse_url, tmp_path) -> str:
    url = copy_sqlite(demo_warehouse_url, str(tmp_path / "copy.sqlite"))
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # After the demo build's own entries, so these two are the newest.
            built = pd.Timestamp(
                conn.execute(text("SELECT MAX(occurred_at) FROM audit_log")).scalar_one()
            ).to_pydatetime()
            audit.record(
                conn,
                User(MARKUP, frozenset({"viewer"})),
                "download",
                object_type="file",
                object_id=FILE,
                occurred_at=(built + dt.timedelta(hours=1)).replace(tzinfo=dt.UTC),
            )
            audit.record(
                conn,
                STEWARD,
                "undo_batch",
                object_type="load_batch",
                object_id="7",
                occurred_at=(built + dt.timedelta(hours=2)).replace(tzinfo=dt.UTC),
            )
    finally:
        engine.dispose()
    return url


def _audit_table(app, who: str):  # type: ignore[no-untyped-def]
    """The table with the audit log's "who" column (None when there is none)."""
    return next((d.value for d in app.dataframe if who in d.value.columns), None)


def _open(monkeypatch, url: str, user: User, lang: str):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app_pages._auth.LOCAL_USER", user)
    return open_page(monkeypatch, url, "data", lang=lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_admin_sees_the_audit_log_and_filters_it(monkeypatch, url, lang):
    app = _open(monkeypatch, url, ADMIN, lang)

    labels = [tab.label for tab in app.tabs]
    assert labels[-1] == ("Nhật ký thao tác" if lang == "vi" else "Audit log")
    who = "Người thực hiện" if lang == "vi" else "Who"
    # Only the open tab is built (issue 12): the log is read once its tab is opened.
    assert _audit_table(app, who) is None
    app.session_state["data-tabs"] = labels[-1]
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    table = _audit_table(app, who)
    what = "Thao tác" if lang == "vi" else "Action"
    thing = "Đối tượng" if lang == "vi" else "Object"
    # The demo build's entries are older than the two added here: the newest come first.
    assert table[who].tolist()[:2] == ["chi.le", MARKUP]  # the name as it came, not rendered
    assert table[thing].tolist()[1] == f"file {FILE}"
    assert table[what].tolist()[:2] == (
        ["Hoàn tác lô số liệu", "Tải xuống số liệu theo đơn vị"]
        if lang == "vi"
        else ["Undo of a data batch", "Download of unit detail"]
    )

    app.selectbox(key="audit-action").set_value("download").run()
    assert not app.exception, [e.value for e in app.exception]
    filtered = _audit_table(app, who)
    assert filtered[who].tolist() == [MARKUP]


def test_a_data_steward_does_not_see_the_audit_log(monkeypatch, url):
    app = _open(monkeypatch, url, STEWARD, "en")

    assert [tab.label for tab in app.tabs] == [
        "Upload monthly data",
        "Upload history",
        "Export a month",
        "Upload templates",
    ]
    assert not [s for s in app.selectbox if s.key == "audit-action"]
    assert _audit_table(app, "Who") is None
    shown = "\n".join(d.value.to_csv() for d in app.dataframe)
    assert MARKUP not in shown and FILE not in shown
