"""The audit log's rules, on the small SQLite warehouse (``warehouse`` fixture): what an
entry holds (the actor's name, sorted roles and unit, an object id and roles cut at 200
characters, the detail as JSON, an unknown outcome refused) and how the Data page's audit
tab reads them (:func:`data_access.audit.latest`: newest first, a tie by the later entry,
one action, at most ``limit``). Expected rows are written by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import text

from data_access import audit
from data_access.identity import User

UTC = dt.UTC
ADMIN = User("an.admin", frozenset({"viewer", "admin", "analyst"}), unit="25747")
BASE = "SELECT count(*) FROM audit_log"


def _write(warehouse, actor, action, at, **kwargs) -> None:
    with warehouse.begin() as conn:
        audit.record(conn, actor, action, object_type="file", occurred_at=at, **kwargs)


def _ours(frame):
    return frame[frame["actor"].isin(["an.admin", "cron"])]


def test_latest_is_newest_first_a_tie_by_the_later_entry_and_keeps_to_its_action(warehouse):
    at = [dt.datetime(2026, 11, day, 3, 0, tzinfo=UTC) for day in (1, 2, 3)]
    _write(warehouse, ADMIN, "download", at[0], object_id="a.csv")
    _write(warehouse, ADMIN, "download", at[2], object_id="c.csv")
    _write(warehouse, "cron", "sign_in", at[1], object_id="b")
    _write(warehouse, ADMIN, "download", at[2], object_id="d.csv")  # same time, written later
    with warehouse.connect() as conn:
        every = _ours(audit.latest(conn))
        downloads = audit.latest(conn, action="download")
        two = audit.latest(conn, action="download", limit=2)
    assert every["object_id"].tolist() == ["d.csv", "c.csv", "b", "a.csv"]
    assert downloads["object_id"].tolist() == ["d.csv", "c.csv", "a.csv"]
    assert two["object_id"].tolist() == ["d.csv", "c.csv"]
    assert list(every.columns) == audit.COLUMNS
    assert every["audit_id"].dtype == "int64"
    assert every["occurred_at"].tolist()[-1] == dt.datetime(2026, 11, 1, 3, 0)  # naive UTC


def test_an_entry_holds_the_actor_sorted_roles_unit_and_detail(warehouse):
    at = dt.datetime(2026, 11, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    _write(warehouse, ADMIN, "download", at, object_id=12345, detail={"table": "tiles"})
    _write(warehouse, "cron", "sign_in", at, outcome="refused")
    with warehouse.connect() as conn:
        rows = _ours(audit.latest(conn)).sort_values("audit_id")
    admin, cron = rows.to_dict("records")
    assert admin["actor_roles"] == "admin,analyst,viewer"
    assert admin["actor_unit"] == "25747"
    assert admin["object_id"] == "12345"
    assert admin["detail_json"] == '{"table": "tiles"}'
    assert admin["outcome"] == "ok"
    assert admin["occurred_at"] == dt.datetime(2026, 11, 5, 3, 0)  # 10:00 +07:00 in UTC
    # A name, not a User: no roles, no unit; no detail is NULL, not "{}".
    cols = ("actor_roles", "actor_unit", "detail_json", "object_id")
    assert all(pd.isna(cron[c]) for c in cols)  # no object id is NULL, not "None"
    assert cron["outcome"] == "refused"


def test_long_texts_are_cut_at_200_characters_and_an_unknown_outcome_is_refused(warehouse):
    long_name = User("n" * 250, frozenset({"r" * 250}))
    _write(warehouse, long_name, "download", None, object_id="x" * 250)
    with warehouse.connect() as conn:
        row = audit.latest(conn, limit=1).iloc[0]
        before = conn.execute(text(BASE)).scalar_one()
    assert (len(row["actor"]), len(row["object_id"]), len(row["actor_roles"])) == (200, 200, 200)
    with pytest.raises(ValueError, match="unknown audit outcome 'maybe'; use one of ok, refused"):
        _write(warehouse, ADMIN, "download", None, outcome="maybe")
    with warehouse.connect() as conn:
        assert conn.execute(text(BASE)).scalar_one() == before


def test_the_detail_keeps_vietnamese_as_is_and_writes_dates_as_text(warehouse):
    # ensure_ascii would store "Th\u1ee7 D\u1ea7u M\u1ed9t"; a date is not JSON and is written
    # with str() instead of failing the entry.
    at = dt.datetime(2026, 11, 5, 3, 0, tzinfo=UTC)
    detail = {"unit": "Thủ Dầu Một", "month": dt.date(2026, 10, 1)}
    _write(warehouse, ADMIN, "download", at, detail=detail)
    with warehouse.connect() as conn:
        row = audit.latest(conn, limit=1).iloc[0]
    assert row["detail_json"] == '{"unit": "Thủ Dầu Một", "month": "2026-10-01"}'


def test_an_action_never_taken_reads_as_an_empty_table_with_the_columns(warehouse):
    with warehouse.connect() as conn:
        none = audit.latest(conn, action="scenario_official")
    assert none.empty
    assert list(none.columns) == audit.COLUMNS
    assert none["audit_id"].dtype == "int64"


def test_an_entry_apart_keeps_its_detail_and_a_refusal_is_logged_with_its_cause(warehouse, caplog):
    assert audit.record_apart(
        warehouse, ADMIN, "download", object_type="file", object_id="t.csv", detail={"n": 1}
    )
    with warehouse.connect() as conn:
        row = audit.latest(conn, limit=1).iloc[0]
    assert (row["object_id"], row["detail_json"]) == ("t.csv", '{"n": 1}')
    with warehouse.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))
    with caplog.at_level("ERROR", logger="data_access.audit"):
        # Without an object id, the object's type names it in the message.
        written = audit.record_apart(warehouse, "cron", "sign_in", object_type="session")
    assert written is False
    (message,) = [r.getMessage() for r in caplog.records if r.name == "data_access.audit"]
    assert message == (
        "audit log: could not record sign_in by cron (session): no such table: audit_log"
    )


def test_the_audit_tab_reads_the_newest_200_by_default(warehouse):
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    with warehouse.begin() as conn:
        for n in range(201):
            at = start + dt.timedelta(minutes=n)
            audit.record(conn, "cron", "sign_in", object_type="session", occurred_at=at)
    with warehouse.connect() as conn:
        shown = _ours(audit.latest(conn))
    assert len(shown) == 200
    assert shown["occurred_at"].min() == dt.datetime(2026, 1, 1, 0, 1)  # the oldest left out


def test_an_entry_apart_keeps_its_outcome(warehouse):
    assert audit.record_apart(warehouse, "cron", "sign_in", object_type="s", outcome="refused")
    with warehouse.connect() as conn:
        assert audit.latest(conn, limit=1).iloc[0]["outcome"] == "refused"
