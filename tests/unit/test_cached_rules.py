"""A scoped reader's figures in the cached reads (``data_access.cached``): which unit a
scope names, which filters it may ask for ("not in your scope"), which rows and groups it
is shown; and what a computed-figure cache keys a frame on.

No warehouse: the unit list is stood in for; each expected result is stated by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data_access import cached
from data_access.queries import UnitFilter

AT = dt.datetime(2026, 11, 1, 8, 0)
UNITS = pd.DataFrame(
    {
        "unit_id": ["25747", "25750", "D1"],
        "unit_code": ["P.A", None, "SO-E"],
        "unit_type": ["ward", "ward", "department"],
    }
)


@pytest.fixture
def units(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A URL of its own (the last-good memory is keyed on it) whose unit list is UNITS."""
    url = f"sqlite:///{request.node.name}.sqlite"

    def unit_list(asked: str) -> tuple[pd.DataFrame, dt.datetime]:
        assert asked == url, "the unit list of another warehouse"
        return UNITS.copy(), AT

    monkeypatch.setattr(cached, "_unit_list", unit_list)
    return url


def _refused() -> tuple[pd.DataFrame, dt.datetime]:
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_no_scope_is_the_whole_city(units: str) -> None:
    assert cached._scope_ids(units, None) is None


def test_a_scope_names_its_unit_by_id_or_by_code(units: str) -> None:
    # "25747" is a unit id; "SO-E" the department D1's code; "25750" has no code (NULL).
    assert cached._scope_ids(units, "25747") == ("25747",)
    assert cached._scope_ids(units, "SO-E") == ("D1",)
    assert cached._scope_ids(units, "25750") == ("25750",)


def test_a_unit_list_without_codes_names_units_by_id(monkeypatch) -> None:
    # An older warehouse's unit list has no unit_code column: ids still resolve.
    plain = UNITS.drop(columns="unit_code")
    monkeypatch.setattr(cached, "_unit_list", lambda url: (plain, AT))
    url = "sqlite:///no-codes.sqlite"
    assert cached._scope_ids(url, "D1") == ("D1",)
    assert cached._scope_ids(url, "SO-E") == ()


def test_during_an_outage_a_scope_resolves_on_the_unit_list_read_before(monkeypatch) -> None:
    # The unit list read for the unit picker (key "unit_list") is the one the scope uses.
    url = "sqlite:///outage-units.sqlite"
    cached._fetch(("unit_list", url), lambda: (UNITS.copy(), AT))
    monkeypatch.setattr(cached, "_unit_list", lambda asked: _refused())
    assert cached._scope_ids(url, "SO-E") == ("D1",)


def test_a_scope_the_warehouse_does_not_hold_sees_no_unit(units: str) -> None:
    assert cached._scope_ids(units, "99999") == ()


def test_an_empty_unit_list_resolves_every_scope_to_no_unit(monkeypatch) -> None:
    monkeypatch.setattr(cached, "_unit_list", lambda url: (UNITS.iloc[0:0], AT))
    assert cached._scope_ids("sqlite:///empty-units.sqlite", "25747") == ()


def test_a_scoped_reader_may_ask_for_the_city_or_its_own_unit() -> None:
    cached._check_filter("25747", ("25747",), UnitFilter())
    cached._check_filter("25747", ("25747",), UnitFilter(unit_ids=("25747",)))
    # Without a scope (or a whole-city reader) any filter is allowed.
    cached._check_filter(None, None, UnitFilter(unit_types=("ward",)))
    cached._check_filter("25747", None, UnitFilter(unit_ids=("25750",)))


@pytest.mark.parametrize(
    ("unit_filter", "asked"),
    [
        (UnitFilter(unit_ids=("25747", "25750", "D1")), "25750, D1"),
        (UnitFilter(unit_types=("ward",)), "ward"),
        (UnitFilter(former_provinces=("binh_duong",), unit_types=("ward",)), "binh_duong, ward"),
    ],
)
def test_another_unit_or_a_group_is_out_of_scope(unit_filter: UnitFilter, asked: str) -> None:
    with pytest.raises(cached.OutOfScopeError) as raised:
        cached._check_filter("25747", ("25747",), unit_filter)
    assert raised.value.scope == "25747"
    assert raised.value.asked == asked
    assert str(raised.value) == f"{asked} is outside the scope of unit 25747"


def test_a_scoped_reader_sees_only_its_units_rows() -> None:
    frame = pd.DataFrame({"unit_id": ["25747", "25750", None, "25747"], "value": [1, 2, 3, 4]})
    mine = cached._only_scope(frame, ("25747",))
    assert mine.columns.tolist() == ["unit_id", "value"]
    assert mine["value"].tolist() == [1, 4]
    assert mine.index.tolist() == [0, 1]
    assert cached._only_scope(frame, None) is frame
    assert cached._only_scope(frame, ()).empty


def test_a_scoped_reader_sees_groups_of_more_than_one_unit_only() -> None:
    groups = pd.DataFrame({"group_key": ["a", "b", "c"], "n_units": [1, 2, 3]})
    # A group of 1 unit would show that unit's figure: it goes; groups of 2 and 3 stay.
    kept = cached._without_single_unit_groups(groups, ("25747",))
    assert kept.columns.tolist() == ["group_key", "n_units"]
    assert kept["group_key"].tolist() == ["b", "c"]
    assert kept.index.tolist() == [0, 1]
    assert cached._without_single_unit_groups(groups, None) is groups


def test_a_frame_read_from_the_warehouse_is_keyed_on_its_source_shape_and_columns() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})
    frame.attrs[cached.SOURCE_ATTR] = "digest"
    assert cached._frame_key(frame) == ("source", "digest", 2, ("a", "b"))
    # Cut after reading: not the frame read.
    assert cached._frame_key(frame.iloc[:1]) != cached._frame_key(frame)


def test_a_frame_built_by_hand_is_keyed_on_its_content_columns_and_types() -> None:
    one = pd.DataFrame({"a": [1, 2]})
    key = cached._frame_key(one)
    assert key[0] == "content"
    assert key[2:] == (("a",), ("int64",))
    assert cached._frame_key(pd.DataFrame({"a": [1, 2]})) == key
    assert cached._frame_key(pd.DataFrame({"a": [1, 3]})) != key
    assert cached._frame_key(pd.DataFrame({"a": [1, 2]}, index=[5, 6])) != key
    assert cached._frame_key(pd.DataFrame({"a": [1.0, 2.0]})) != key
    # Unhashable cells are keyed on their pickle.
    lists = cached._frame_key(pd.DataFrame({"a": [[1], [2]]}))
    assert lists[0] == "content" and cached._frame_key(pd.DataFrame({"a": [[1], [3]]})) != lists


def test_the_source_digest_follows_the_query_and_the_version_and_hides_the_url() -> None:
    key = ("scope_series", "postgresql://u:secret@h/db", "x")
    version = (1, 2, 0, "")
    digest = cached._source_digest(key, version)
    assert len(digest) == 40  # 20 bytes, hexadecimal
    assert "secret" not in digest
    assert cached._source_digest(key, version) == digest
    assert cached._source_digest(key, (1, 3, 0, "")) != digest
    assert cached._source_digest((*key[:2], "y"), version) != digest


def test_a_fetch_tags_the_frame_with_its_source_only_with_a_version() -> None:
    key = ("rules", "sqlite:///tag.sqlite", "a")
    frame = pd.DataFrame({"value": [1.0]})
    untagged = cached._fetch(key, lambda: (frame, AT))
    assert cached.SOURCE_ATTR not in untagged.frame.attrs
    tagged = cached._fetch(key, lambda: (frame, AT), version=(1, 1, 0, ""))
    assert tagged.frame.attrs[cached.SOURCE_ATTR] == cached._source_digest(key, (1, 1, 0, ""))
    assert tagged.fetched_at == AT and not tagged.is_stale
    assert cached.SOURCE_ATTR not in frame.attrs, "the remembered frame is not tagged"


def test_the_unavailable_message_names_the_warehouse_without_its_password_and_the_cause():
    url = "postgresql://u:secret@db.example/dw"
    with pytest.raises(cached.WarehouseUnavailableError) as raised:
        cached._fetch(("rules-unavailable", url, "x"), _refused)
    assert str(raised.value).startswith(
        "warehouse at postgresql://u:***@db.example/dw did not answer: "
        "(builtins.Exception) connection refused"
    )
    assert raised.value.url == url
    assert isinstance(raised.value.cause, OperationalError)


def test_the_last_good_memory_keeps_exactly_its_limit() -> None:
    for index in range(cached._LAST_GOOD_LIMIT + 3):
        cached._fetch(("limit", "u", index), lambda: (pd.DataFrame(), AT))
    # The oldest went first: the last LIMIT keys stay, all of them.
    assert len(cached._last_good) == cached._LAST_GOOD_LIMIT
    assert ("limit", "u", 2) not in cached._last_good
    assert ("limit", "u", 3) in cached._last_good


def test_an_outage_starts_now_and_its_end_is_logged(monkeypatch, caplog) -> None:
    started = dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC)
    monkeypatch.setattr(cached, "utc_now", lambda: started)
    url = "sqlite:///rules-outage.sqlite"
    try:
        cached._mark_down(url)
        assert cached._outages[url].since == started
        assert cached._outages[url].failures == 1
        cached._version_failed_at[url] = 1.0
        with caplog.at_level("INFO", logger=cached.LOGGER.name):
            cached._mark_up(url)
        assert url not in cached._outages
        assert url not in cached._version_failed_at
        ours = [r.getMessage() for r in caplog.records if r.name == cached.LOGGER.name]
        assert ours == [
            f"the warehouse at {url} answers again (down since 2026-11-29 03:15:00+00:00)"
        ]
    finally:
        cached._outages.pop(url, None)


def test_the_source_digest_is_salted() -> None:
    import hashlib

    key, version = ("q", "sqlite:///x"), (1, 1, 0, "")
    unsalted = hashlib.blake2b(repr((*key, version)).encode(), digest_size=20).hexdigest()
    assert cached._source_digest(key, version) != unsalted


def test_a_due_try_claims_the_next_one_and_a_failed_try_is_logged(monkeypatch, caplog) -> None:
    import time

    url = "sqlite:///rules-try.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    monkeypatch.setattr(time, "monotonic", lambda: 100.0)
    # One failure so far; the next try is due at 100.0, now exactly (due, not early).
    cached._outages[url] = cached.Outage(AT, 1, 100.0)
    during: list[object] = []

    def read_version(asked: str) -> object:
        # While this try runs, the next is claimed: 100 + retry_delay(2) = 110, and another
        # session asking meanwhile does not try too.
        during.append(cached._outages[url].next_try_at)
        during.append(cached.try_warehouse_again())
        raise OperationalError("SELECT 1", {}, Exception("refused"))

    monkeypatch.setattr(cached, "_read_version", read_version)
    try:
        with caplog.at_level("INFO", logger=cached.LOGGER.name):
            assert cached.try_warehouse_again() is False
        assert during == [110.0, False]
        # The failed try counts: 2 failures, the next try 100 + retry_delay(2) = 110.
        assert cached._outages[url] == cached.Outage(AT, 2, 110.0)
        ours = [r.getMessage() for r in caplog.records if r.name == cached.LOGGER.name]
        assert len(ours) == 1
        assert ours[0].startswith(f"the warehouse at {url} still does not answer: ")
        assert "refused" in ours[0]
    finally:
        cached._outages.pop(url, None)
