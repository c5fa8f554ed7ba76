"""A read kept at a data version is handed out again without the cache's hashing and
unpickling (issue 12), and only then: at another version, after the caches are emptied,
or once the kept read is let go, the read is made again; each caller gets its own copy."""

import datetime as dt

import pandas as pd
import pytest

from data_access import cached

READ_AT = dt.datetime(2026, 11, 1, 3, 0)
V1 = (10, 10, 0, "")
V2 = (11, 11, 0, "")


class Loads:
    """A stand-in for a cached read: counts its calls and returns a new frame each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[pd.DataFrame, dt.datetime]:
        self.calls += 1
        return pd.DataFrame({"value": [1.0, 2.0], "call": [self.calls] * 2}), READ_AT


@pytest.fixture(autouse=True)
def _empty_store():
    with cached._last_good_lock:
        cached._last_good.clear()
        cached._read_at.clear()
    yield
    with cached._last_good_lock:
        cached._last_good.clear()
        cached._read_at.clear()


def _key(name: str = "scope_series") -> tuple[object, ...]:
    return (name, "sqlite:///reuse-test.db", "online_dossier_share")


def test_a_reusable_read_at_the_same_version_is_not_made_again():
    load = Loads()
    first = cached._fetch(_key(), load, V1, reuse=True)
    second = cached._fetch(_key(), load, V1, reuse=True)
    assert load.calls == 1
    assert second.frame["call"].tolist() == [1, 1]
    assert second.fetched_at == READ_AT and not second.is_stale
    # The same source key as the first caller's, so the computed-figure caches hit too.
    assert second.frame.attrs[cached.SOURCE_ATTR] == first.frame.attrs[cached.SOURCE_ATTR]


def test_each_caller_gets_its_own_copy():
    load = Loads()
    first = cached._fetch(_key(), load, V1, reuse=True).frame
    first.loc[0, "value"] = 99.0
    first["extra"] = 1
    first.attrs["mine"] = True
    second = cached._fetch(_key(), load, V1, reuse=True).frame
    assert second["value"].tolist() == [1.0, 2.0]
    assert "extra" not in second.columns
    assert "mine" not in second.attrs


def test_another_version_reads_again():
    load = Loads()
    cached._fetch(_key(), load, V1, reuse=True)
    after = cached._fetch(_key(), load, V2, reuse=True)
    assert load.calls == 2
    assert after.frame["call"].tolist() == [2, 2]
    # and the first version's read is no longer the one kept
    cached._fetch(_key(), load, V1, reuse=True)
    assert load.calls == 3


def test_no_version_or_no_reuse_always_reads():
    load = Loads()
    cached._fetch(_key(), load, None, reuse=True)
    cached._fetch(_key(), load, None, reuse=True)
    assert load.calls == 2
    other = Loads()
    cached._fetch(_key("published"), other, V1)
    cached._fetch(_key("published"), other, V1)
    assert other.calls == 2


def test_a_read_kept_without_reuse_is_not_handed_out_by_a_reusing_call():
    load = Loads()
    cached._fetch(_key(), load, V1)  # kept for an outage only
    cached._fetch(_key(), load, V1, reuse=True)
    assert load.calls == 2


def test_forget_reads_makes_the_next_read_go_to_the_warehouse():
    load = Loads()
    cached._fetch(_key(), load, V1, reuse=True)
    cached.forget_reads()
    cached._fetch(_key(), load, V1, reuse=True)
    assert load.calls == 2
    with cached._last_good_lock:  # the results kept for an outage stay
        assert _key() in cached._last_good


def test_a_read_let_go_by_the_bounded_store_is_made_again(monkeypatch):
    monkeypatch.setattr(cached, "_LAST_GOOD_LIMIT", 2)
    loads = {name: Loads() for name in ("a", "b", "c")}
    for name, load in loads.items():
        cached._fetch(_key(name), load, V1, reuse=True)
    with cached._last_good_lock:
        assert _key("a") not in cached._read_at  # let go with its frame
        assert len(cached._read_at) == 2
    cached._fetch(_key("a"), loads["a"], V1, reuse=True)
    assert loads["a"].calls == 2
    cached._fetch(_key("c"), loads["c"], V1, reuse=True)
    assert loads["c"].calls == 1


# --- a read kept for a time (the published figures: a load does not change them) ----------


def _at(seconds_after_read: float):
    return lambda: READ_AT + dt.timedelta(seconds=seconds_after_read)


def test_a_read_kept_for_a_time_is_handed_out_again_until_its_time_is_up(monkeypatch):
    load = Loads()
    monkeypatch.setattr(cached, "utc_now", _at(0))
    cached._fetch(_key("published"), load, V1, reuse_within=300)
    monkeypatch.setattr(cached, "utc_now", _at(299))
    kept = cached._fetch(_key("published"), load, V1, reuse_within=300)
    assert load.calls == 1
    assert kept.frame["call"].tolist() == [1, 1] and kept.fetched_at == READ_AT
    # 300 s after it was read, the cached function would read again: so does this
    monkeypatch.setattr(cached, "utc_now", _at(300))
    cached._fetch(_key("published"), load, V1, reuse_within=300)
    assert load.calls == 2


def test_a_read_kept_for_a_time_is_read_again_at_another_version_or_a_clock_set_back(
    monkeypatch,
):
    load = Loads()
    monkeypatch.setattr(cached, "utc_now", _at(10))
    cached._fetch(_key("published"), load, V1, reuse_within=300)
    cached._fetch(_key("published"), load, V2, reuse_within=300)
    assert load.calls == 2
    monkeypatch.setattr(cached, "utc_now", _at(-1))  # a clock before the read: no age known
    cached._fetch(_key("published"), load, V2, reuse_within=300)
    assert load.calls == 3


def test_the_published_figures_are_read_once_per_version_within_the_cache_time(monkeypatch):
    calls: list[tuple[object, ...]] = []

    def published(url, code, version):
        calls.append((url, code, version))
        return pd.DataFrame({"indicator_code": ["online_dossier_share"]}), READ_AT

    versions = iter([V1, V1, V2])
    monkeypatch.setattr(cached, "_published", published)
    monkeypatch.setattr(cached, "warehouse_url", lambda: "sqlite:///reuse-test.db")
    monkeypatch.setattr(cached, "data_version", lambda: next(versions))
    monkeypatch.setattr(cached, "utc_now", _at(cached.TTL_SECONDS - 1))
    for _ in range(3):
        assert cached.published().frame["indicator_code"].tolist() == ["online_dossier_share"]
    assert [call[2] for call in calls] == [V1, V2]


# --- small values kept per data version (the frame's first load and latest year) ----------


@pytest.fixture()
def _no_values():
    with cached._values_lock:
        cached._values.clear()
    yield
    with cached._values_lock:
        cached._values.clear()


def test_the_first_load_time_is_read_once_per_version(monkeypatch, _no_values):
    calls: list[object] = []
    loaded = dt.datetime(2020, 1, 31, 2, 0)

    def first_load_at(url, key):
        calls.append(key)
        return loaded

    versions = iter([V1, V1, V2, V2])
    monkeypatch.setattr(cached, "_first_load_at", first_load_at)
    monkeypatch.setattr(cached, "warehouse_url", lambda: "sqlite:///reuse-test.db")
    monkeypatch.setattr(cached, "data_version", lambda: next(versions))
    assert [cached.first_load_at() for _ in range(4)] == [loaded] * 4
    assert calls == [V1, V2]
    cached.forget_reads()
    monkeypatch.setattr(cached, "data_version", lambda: V2)
    cached.first_load_at()
    assert calls == [V1, V2, V2]


def test_the_latest_year_is_kept_per_month_moment_and_version(monkeypatch, _no_values):
    calls: list[tuple[object, ...]] = []

    def latest(url, through, moment, key):
        calls.append((through, moment, key))
        return 2026

    monkeypatch.setattr(cached, "_latest_data_year", latest)
    monkeypatch.setattr(cached, "warehouse_url", lambda: "sqlite:///reuse-test.db")
    monkeypatch.setattr(cached, "data_version", lambda: V1)
    october, november = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    for _ in range(2):
        assert cached.latest_data_year(october) == 2026
        assert cached.latest_data_year(november) == 2026
        assert cached.latest_data_year(october, dt.datetime(2026, 11, 1, 12, 0)) == 2026
    assert len(calls) == 3


def test_a_failed_read_is_not_kept_and_the_store_is_bounded(monkeypatch, _no_values):
    calls = []

    def failing():
        calls.append(1)
        raise RuntimeError("the warehouse did not answer")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            cached._kept_value(("x",), failing)
    assert len(calls) == 2
    monkeypatch.setattr(cached, "_VALUES_LIMIT", 2)
    for name in ("a", "b", "c"):
        cached._kept_value((name,), lambda name=name: name)
    assert cached._kept_value(("a",), lambda: "read again") == "read again"
    assert cached._kept_value(("c",), lambda: "not read") == "c"
