"""Unit scope in the cached gateway (issue 13, item 2), on the hand-built warehouse of
test_page_queries (SQLite; PostgreSQL too with DASHBOARD_REQUIRE_POSTGRES=1).

A scoped read returns only the scope's unit's rows; a whole-city aggregate is unchanged;
a read naming another unit or a group of units is refused; two scopes never share a cache
entry. Expected numbers are the hand-worked ones of test_page_queries' fixture.

The Data page's reads and writes are tested in tests/ingest/test_unit_scope_data.py, saved
scenarios in tests/contract/test_saved_scenarios_scope.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data_access import cached
from data_access.queries import UnitFilter
from tests.contract.test_page_queries import BT, CD, DT, JAN, MT, SG, TD, TDM, warehouse

__all__ = ["warehouse"]  # the fixture, imported for pytest

ALL_UNITS = {TD, SG, BT, TDM, DT, MT, CD}
ONLINE = "online_dossier_share"


@pytest.fixture
def gateway(warehouse, monkeypatch):
    """The cached gateway reading the hand-built warehouse, with empty caches."""
    monkeypatch.setenv("DASHBOARD_DB_URL", warehouse)
    cached.data_changed()
    with cached._last_good_lock:
        cached._last_good.clear()
    yield warehouse
    cached.data_changed()
    with cached._last_good_lock:
        cached._last_good.clear()


def _units(frame) -> set[str]:
    return {str(u) for u in frame["unit_id"]}


def test_a_scoped_ranking_holds_only_the_units_row_with_city_wide_peers(gateway):
    everyone = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=None).frame
    assert _units(everyone) >= ALL_UNITS
    own = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=SG).frame
    assert _units(own) == {SG}
    row = own.iloc[0]
    # SG 15/20 = 75 %, second of the four wards (90, 75, 60, 50); the peers' quartiles are
    # the whole group's (57.5, 67.5, 78.75), not recomputed over the one row.
    assert row["value"] == pytest.approx(75.0)
    assert int(row["peer_rank"]) == 2 and int(row["peer_count"]) == 4
    assert (row["peer_p25"], row["peer_median"], row["peer_p75"]) == pytest.approx(
        (57.5, 67.5, 78.75)
    )


def test_a_scoped_standing_holds_only_the_units_row(gateway):
    own = cached.unit_standing(ONLINE, 2026, JAN, UnitFilter(), scope=TD).frame
    assert _units(own) == {TD}
    assert own.iloc[0]["value"] == pytest.approx(90.0)  # 90 / 100


def test_the_city_aggregate_is_the_same_for_a_scoped_reader(gateway):
    # January over all seven units: (90+15+60+5+4+8+1) / (100+20+100+10+10+20+5) = 183/265.
    for scope in (None, TD, CD):
        series = cached.scope_series(ONLINE, UnitFilter(), scope=scope).frame
        january = series[series["period_month"] == dt.datetime(2026, 1, 1)]
        assert january["value"].iloc[0] == pytest.approx(183 / 265 * 100), scope


def test_a_scoped_reader_reads_its_own_units_series(gateway):
    series = cached.scope_series(ONLINE, UnitFilter(unit_ids=(TD,)), scope=TD).frame
    january = series[series["period_month"] == dt.datetime(2026, 1, 1)]
    assert january["value"].iloc[0] == pytest.approx(90.0)


@pytest.mark.parametrize(
    "unit_filter",
    [
        UnitFilter(unit_ids=(SG,)),
        UnitFilter(unit_ids=(TD, SG)),
        UnitFilter(former_provinces=("binh_duong",)),
        UnitFilter(unit_types=("special_zone",)),
    ],
)
def test_another_unit_or_a_group_is_refused_for_a_scoped_reader(gateway, unit_filter):
    for read in (
        lambda: cached.scope_series(ONLINE, unit_filter, scope=TD),
        lambda: cached.unit_standing(ONLINE, 2026, JAN, unit_filter, scope=TD),
        lambda: cached.unit_ranking(ONLINE, 2026, JAN, unit_filter, scope=TD),
        lambda: cached.breakdown_standing(ONLINE, 2026, JAN, "procedure", unit_filter, scope=TD),
        lambda: cached.plan_revisions(2026, unit_filter, scope=TD),
        lambda: cached.lineage(ONLINE, JAN, unit_filter, scope=TD),
    ):
        with pytest.raises(cached.OutOfScopeError):
            read()


def test_another_units_submissions_are_refused_and_the_own_units_read(gateway):
    with pytest.raises(cached.OutOfScopeError, match=SG):
        cached.unit_submissions(SG, scope=TD)
    own = cached.unit_submissions(TD, scope=TD).frame
    online = own[own["indicator_id"] == ONLINE]
    assert online["period_month"].dt.date.tolist() == [JAN, dt.date(2026, 2, 1)]


def test_groups_of_one_unit_are_dropped_for_a_scoped_reader(gateway):
    everyone = cached.group_standing(ONLINE, 2026, JAN, UnitFilter(), scope=None).frame
    # Bà Rịa – Vũng Tàu holds only CĐ in this warehouse: its figure is CĐ's own.
    assert "ba_ria_vung_tau" in set(everyone["group_key"])
    scoped = cached.group_standing(ONLINE, 2026, JAN, UnitFilter(), scope=TD).frame
    assert "ba_ria_vung_tau" not in set(scoped["group_key"])
    assert set(scoped["group_key"]) == {"ho_chi_minh_old", "binh_duong"}
    assert (scoped["n_units"] > 1).all()


def test_the_unit_list_of_a_scoped_reader_is_its_own_unit(gateway):
    assert _units(cached.unit_list(scope=None).frame) >= ALL_UNITS
    assert _units(cached.unit_list(scope=BT).frame) == {BT}
    # A scope the warehouse does not hold sees no unit at all (fail closed).
    assert cached.unit_list(scope="99999").frame.empty
    assert cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope="99999").frame.empty


def test_two_scopes_never_share_a_cache_entry(gateway):
    """The same query for two scopes, one after the other: were the scope not in the key,
    the second would get the first's cached rows."""
    first = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=TD).frame
    second = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=SG).frame
    city = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=None).frame
    again = cached.unit_ranking(ONLINE, 2026, JAN, UnitFilter(), scope=TD).frame
    assert (_units(first), _units(second), _units(again)) == ({TD}, {SG}, {TD})
    assert _units(city) >= ALL_UNITS
    first_standing = cached.unit_standing(ONLINE, 2026, JAN, UnitFilter(), scope=DT).frame
    second_standing = cached.unit_standing(ONLINE, 2026, JAN, UnitFilter(), scope=MT).frame
    assert (_units(first_standing), _units(second_standing)) == ({DT}, {MT})
    # The results kept for an outage are keyed by scope too.
    with cached._last_good_lock:
        kept = [key for key in cached._last_good if key[0] == "unit_ranking"]
    assert len(kept) == 3  # TD, SG and the whole city


def test_the_scenario_unit_choice_of_a_scoped_reader_is_its_own_unit(gateway):
    # The baseline's units (every unit with online dossiers in 2026) stay the city's.
    _, units, _ = cached.scenario_inputs(2026)
    assert _units(units) >= ALL_UNITS
    assert _units(cached.scenario_units(2026, scope=None)) == _units(units)
    assert _units(cached.scenario_units(2026, scope=SG)) == {SG}
    assert cached.scenario_units(2026, scope="99999").empty
    assert cached.units_outside_scope([TD, SG, BT], scope=SG) == sorted([TD, BT])
    assert cached.units_outside_scope([TD, SG], scope=None) == []


def test_scope_units_resolves_the_scope(gateway):
    assert cached.scope_units(None) is None
    assert cached.scope_units(TD) == (TD,)
    assert cached.scope_units("99999") == ()
