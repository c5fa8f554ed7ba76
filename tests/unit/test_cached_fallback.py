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
