"""The last-good fallback: an outage shows the last figures, stale; recovery is automatic."""

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy.exc import OperationalError

from data_access import cached


def _failing():
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_outage_returns_the_last_good_result_marked_stale():
    key = ("test", "sqlite:///x", "a")
    first = pd.DataFrame({"value": [1.0]})
    at = dt.datetime(2026, 11, 1, 8, 0)
    fresh = cached._fetch(key, lambda: (first, at))
    assert not fresh.is_stale
    stale = cached._fetch(key, _failing)
    assert stale.is_stale
    assert stale.fetched_at == at
    assert stale.frame.equals(first)
    recovered = cached._fetch(key, lambda: (pd.DataFrame({"value": [2.0]}), at))
    assert not recovered.is_stale
    assert recovered.frame["value"].iloc[0] == 2.0


def test_outage_without_an_earlier_result_raises_a_clear_error():
    with pytest.raises(cached.WarehouseUnavailableError, match="did not answer"):
        cached._fetch(("test", "postgresql://u:secret@h/db", "never"), _failing)


def test_the_error_hides_the_password():
    try:
        cached._fetch(("test", "postgresql://u:secret@h/db", "pw"), _failing)
    except cached.WarehouseUnavailableError as error:
        assert "secret" not in str(error)


def test_the_remembered_results_are_bounded():
    for index in range(cached._LAST_GOOD_LIMIT + 10):
        cached._fetch(("bound", "u", index), lambda: (pd.DataFrame(), dt.datetime(2026, 1, 1)))
    assert len(cached._last_good) <= cached._LAST_GOOD_LIMIT


def test_an_engine_pushed_out_of_the_cache_is_disposed(monkeypatch, tmp_path):
    """Review finding: evicted engines kept their connection pools open."""
    from sqlalchemy import create_engine

    disposed = []

    class Recording:
        def __init__(self, url):
            self.engine = create_engine(url)

        def dispose(self):
            disposed.append(self)
            self.engine.dispose()

    monkeypatch.setattr(cached, "make_engine", Recording)
    cached.engine_for.clear()
    disposed.clear()
    urls = [f"sqlite:///{tmp_path / f'db{index}.sqlite'}" for index in range(5)]
    for url in urls:
        cached.engine_for(url)
    assert len(disposed) == 1, "the oldest of five engines leaves a four-entry cache"
    cached.engine_for.clear()
    assert len(disposed) == 5


def test_the_warehouse_url_comes_from_the_environment_first(monkeypatch):
    from data_access.engine import default_url

    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////tmp/from-the-environment.sqlite")
    assert cached.warehouse_url() == "sqlite:////tmp/from-the-environment.sqlite"
    monkeypatch.delenv("DASHBOARD_DB_URL")
    assert cached.warehouse_url() == default_url()


def test_a_cached_tile_is_keyed_on_the_day():
    """The same series read on two days: the day decides which month has ended."""
    months = pd.date_range("2026-01-01", "2026-10-01", freq="MS")
    series = pd.DataFrame(
        {
            "period_year": 2026,
            "period_month": months,
            "numerator": 60.0,
            "denominator": 100.0,
            "n_units": 100,
        }
    )
    october = cached.headline_tile(series, "online_dossier_share", 2026, dt.date(2026, 11, 28))
    september = cached.headline_tile(series, "online_dossier_share", 2026, dt.date(2026, 10, 20))
    assert october is not None and september is not None
    assert october.as_of_month == pd.Timestamp("2026-10-01")
    assert september.as_of_month == pd.Timestamp("2026-09-01")


def test_the_latest_data_year_of_an_unreachable_warehouse_is_unknown(monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert cached.latest_data_year(dt.date(2026, 10, 1)) is None


def test_last_good_results_are_remembered_per_warehouse(monkeypatch):
    url = "sqlite:////tmp/remembered-per-warehouse.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert not cached.has_last_good()
    cached._fetch(("test", url, "x"), lambda: (pd.DataFrame({"a": [1]}), dt.datetime(2026, 1, 1)))
    assert cached.has_last_good()
    monkeypatch.setenv("DASHBOARD_DB_URL", url + "-other")
    assert not cached.has_last_good()


def test_a_frame_carries_an_opaque_source_key_never_the_url():
    """Review finding: the source key rode in ``frame.attrs`` with the warehouse URL, and
    Streamlit puts ``attrs`` into the Arrow bytes it sends to the browser."""
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

    url = "postgresql+psycopg://reader:s3cret-pw@db.example/warehouse"
    key = ("test-source", url, "online_dossier_share")
    frame = pd.DataFrame({"value": [1.0]})
    at = dt.datetime(2026, 11, 1, 8, 0)
    v1, v2 = (3, 12, 0, ""), (4, 13, 0, "")
    first = cached._fetch(key, lambda: (frame, at), v1).frame
    again = cached._fetch(key, lambda: (frame, at), v1).frame
    newer = cached._fetch(key, lambda: (frame, at), v2).frame
    source = first.attrs[cached.SOURCE_ATTR]
    assert "s3cret" not in source and "db.example" not in source
    derived = first.assign(other=2.0)  # attrs travel with derived frames
    assert b"s3cret" not in convert_pandas_df_to_arrow_bytes(derived)
    # Same query and version: one key; a new version: another (the figure cache misses).
    assert cached._frame_key(again) == cached._frame_key(first)
    assert cached._frame_key(newer) != cached._frame_key(first)
    # A frame cut after reading is not taken for the one read.
    assert cached._frame_key(first.iloc[0:0]) != cached._frame_key(first)


def test_a_stale_frame_is_keyed_on_its_content():
    """During an outage the last good frame may be older than the current version: it
    carries no source key, so a figure computed from it is keyed on what it holds."""
    key = ("test-stale", "sqlite:///stale", "a")
    at = dt.datetime(2026, 11, 1, 8, 0)
    cached._fetch(key, lambda: (pd.DataFrame({"value": [1.0]}), at), (1, 1, 0, ""))
    stale = cached._fetch(key, _failing, (2, 2, 0, ""))
    assert stale.is_stale
    assert cached.SOURCE_ATTR not in stale.frame.attrs
    assert cached._frame_key(stale.frame)[0] == "content"


def test_an_unreachable_version_query_is_not_retried_on_every_call(monkeypatch):
    """Each try can wait for a connection timeout (5 s on PostgreSQL); a page calls
    data_version once per query, so after a failure the last version read is used for a
    few seconds instead of trying again."""
    url = "postgresql+psycopg://nobody@127.0.0.1:1/version-cooldown"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    cached._forget_versions()
    attempts = []

    def unreachable(asked: str):
        attempts.append(asked)
        _failing()

    monkeypatch.setattr(cached, "_polled_version", unreachable)
    assert cached.data_version() is None, "nothing read yet"
    with cached._versions_lock:
        cached._read_versions[url] = (5, 9, 1, "2026-11-01T08:00:00")
    assert cached.data_version() == (5, 9, 1, "2026-11-01T08:00:00")
    assert cached.data_version() == (5, 9, 1, "2026-11-01T08:00:00")
    assert attempts == [url], "one try, then the last version read"
    cached._forget_versions()
