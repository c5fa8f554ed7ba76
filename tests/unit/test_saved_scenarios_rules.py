"""Who may change a saved scenario, and which a scoped reader sees
(``data_access.saved_scenarios``), stated for the mutants the ninth mutation reading found
alive. Each test saves into a fresh migrated SQLite store; the expected outcomes are written
by hand from what it saves.
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
CITY_ADMIN = User("admin", frozenset({"admin"}))
WARD_ANALYST = User("ward", frozenset({"analyst"}), unit=WARD)
CITY_ANALYST = User("city", frozenset({"analyst"}))
GROWTH = {"online_extra_growth": {"pp_per_month": 1.0}}


@pytest.fixture
def store(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _save(engine: Engine, user: User, name: str, overrides: dict[str, Any]) -> int:
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
        )


def test_a_city_wide_admin_deletes_a_ward_analysts_sandbox(store: Engine) -> None:
    sandbox = _save(store, WARD_ANALYST, "ward", GROWTH)
    with store.begin() as conn:
        saved_scenarios.delete_saved(conn, CITY_ADMIN, sandbox)
    with store.connect() as conn:
        assert saved_scenarios.get(conn, sandbox) is None


def test_a_missing_scenario_is_not_found_with_its_id(store: Engine) -> None:
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.delete_saved(conn, CITY_ADMIN, 404)
    assert refused.value.code == "not_found"
    assert str(refused.value) == "there is no saved scenario 404"
    assert refused.value.parts == {"scenario_id": 404}


def test_another_analysts_sandbox_is_refused_with_its_author(store: Engine) -> None:
    sandbox = _save(store, CITY_ANALYST, "mine", GROWTH)
    other = User("binh", frozenset({"analyst"}))
    with store.begin() as conn, pytest.raises(SavedScenarioError) as refused:
        saved_scenarios.delete_saved(conn, other, sandbox)
    assert refused.value.code == "not_yours"
    assert str(refused.value) == f"scenario {sandbox} (mine) cannot be changed by binh"
    assert refused.value.parts == {"scenario_id": sandbox, "author": "city"}


def test_every_lever_naming_units_counts_for_a_scoped_reader() -> None:
    # The first lever names another ward, the second the reader's own: the scenario names
    # both, so a reader limited to WARD may not see it.
    overrides = {
        "online_extra_growth": {"pp_per_month": 1.0, "units": [OTHER_WARD]},
        "sector_closure": {"units": [WARD]},
    }
    assert saved_scenarios.named_units(overrides) == {WARD, OTHER_WARD}
    assert not saved_scenarios.visible(
        is_official=True, author_unit=None, overrides=overrides, scope=WARD, scope_ids=(WARD,)
    )
