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
