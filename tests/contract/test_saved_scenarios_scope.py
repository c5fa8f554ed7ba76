"""Saved scenarios and the unit scope (issue 13, item 2), on SQLite (PostgreSQL too with
DASHBOARD_REQUIRE_POSTGRES=1).

A unit-scoped reader lists and opens the official scenarios and those saved by users of
the same scope, and none whose levers name another unit; a city-wide reader sees all.
The expected sets are written by hand from the scenarios each test saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from data_access import saved_scenarios
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.saved_scenarios import SavedScenarioError, User

WARD, OTHER_WARD = "26737", "26740"
CITY_ANALYST = User("city", frozenset({"analyst"}))
ADMIN = User("admin", frozenset({"admin"}))
WARD_ANALYST = User("ward", frozenset({"analyst"}), unit=WARD)
WARD_COLLEAGUE = User("ward.colleague", frozenset({"analyst"}), unit=WARD)
OTHER_WARD_ANALYST = User("other", frozenset({"analyst"}), unit=OTHER_WARD)
GROWTH = {"online_extra_growth": {"pp_per_month": 1.0}}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    else:
        url = str(request.getfixturevalue("postgres_url"))
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _save(engine: Engine, user: User, name: str, overrides: dict[str, Any], **more: Any) -> int:
    with engine.begin() as conn:
        return saved_scenarios.save(
            conn,
            user,
            name=name,
            year=2026,
            overrides=overrides,
            seed=1,
            n_paths=100,
            engine_version="1.0",
            baseline_fingerprint="x",
            summary={},
            is_demo=True,
            **more,
        )


def _names(engine: Engine, scope: str | None, ids: tuple[str, ...] | None) -> set[str]:
    with engine.connect() as conn:
        listed = saved_scenarios.list_saved(conn, 2026, scope=scope, scope_ids=ids)
    return set(listed["name"])


def test_a_scoped_reader_sees_official_and_same_scope_scenarios_only(store: Engine) -> None:
    ids = {
        "official": _save(store, ADMIN, "official", GROWTH, is_official=True),
        "city": _save(store, CITY_ANALYST, "city", GROWTH),
        "ward": _save(store, WARD_ANALYST, "ward", GROWTH),
        "colleague": _save(store, WARD_COLLEAGUE, "colleague", GROWTH),
        "other": _save(store, OTHER_WARD_ANALYST, "other", GROWTH),
    }
    assert _names(store, None, None) == set(ids)
    assert _names(store, WARD, (WARD,)) == {"official", "ward", "colleague"}
    assert _names(store, OTHER_WARD, (OTHER_WARD,)) == {"official", "other"}
    with store.connect() as conn:
        for name, scenario_id in ids.items():
            found = saved_scenarios.get(conn, scenario_id, scope=WARD, scope_ids=(WARD,))
            assert (found is not None) == (name in {"official", "ward", "colleague"}), name
            assert saved_scenarios.get(conn, scenario_id) is not None  # city-wide: all
        stored = saved_scenarios.get(conn, ids["ward"])
    assert stored is not None and stored.author_unit == WARD


def test_a_scenario_naming_another_unit_is_not_shown_to_a_scoped_reader(store: Engine) -> None:
    names_other = {"online_extra_growth": {"pp_per_month": 1.0, "units": [WARD, OTHER_WARD]}}
    names_own = {"online_extra_growth": {"pp_per_month": 1.0, "units": [WARD]}}
    other = _save(store, ADMIN, "official naming another ward", names_other, is_official=True)
    _save(store, WARD_ANALYST, "own ward", names_own)
    assert _names(store, WARD, (WARD,)) == {"own ward"}
    assert _names(store, None, None) == {"official naming another ward", "own ward"}
    with store.connect() as conn:
        assert saved_scenarios.get(conn, other, scope=WARD, scope_ids=(WARD,)) is None


def test_a_scoped_user_cannot_delete_another_scopes_scenario(store: Engine) -> None:
    scoped_admin = User("ward.admin", frozenset({"admin"}), unit=WARD)
    city = _save(store, CITY_ANALYST, "city", GROWTH)
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.delete_saved(conn, scoped_admin, city)
    assert refused.value.code == "not_found"
    own = _save(store, WARD_ANALYST, "ward", GROWTH)
    with store.begin() as conn:
        saved_scenarios.delete_saved(conn, scoped_admin, own)
    assert _names(store, None, None) == {"city"}
