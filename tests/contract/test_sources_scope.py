"""Unit scope on a declared source (issues 13 and 14): a ward-scoped reader of a deployment
whose mapping declares the online dossier share in the city-style warehouse of
``tests/sources_city.py``. The project's own warehouse is the demo less that indicator's
rows, so every figure read here came through the mapping.

The reader gets its own unit's series and the whole city's, never another unit's or a
group of units'; two scopes one after the other each get their own figures (the sums kept
for the source are the whole source's, the scope applied after); the groups' table loses
the groups of one unit, as on the project's own schema. Expected figures are the project's
own queries on the demo warehouse.
"""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url

from data_access import cached, queries, sources
from data_access.queries import UnitFilter
from tests.sources_city import build_city_warehouse, own_warehouse_without, write_city_mapping

ONLINE = "online_dossier_share"
OCT = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def city(demo_warehouse_url, tmp_path_factory):
    """(own warehouse URL without the online share's rows, mapping file, city URL,
    crosswalk: city code → official code)."""
    folder = tmp_path_factory.mktemp("city-scope")
    city_url = f"sqlite:///{folder / 'city.sqlite'}"
    crosswalk = build_city_warehouse(demo_warehouse_url, city_url)
    mapping = write_city_mapping(folder, city_url, crosswalk)
    own_url = own_warehouse_without(demo_warehouse_url, folder, [ONLINE])
    return own_url, mapping, city_url, crosswalk


@pytest.fixture
def gateway(city, monkeypatch):
    own_url, mapping, city_url, _ = city
    monkeypatch.setenv("DASHBOARD_DB_URL", own_url)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", city_url)
    cached.data_changed()
    with cached._last_good_lock:
        cached._last_good.clear()
    yield own_url
    cached.data_changed()
    with cached._last_good_lock:
        cached._last_good.clear()


def _wards(demo_url: str) -> list[str]:
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            units = queries.unit_list(conn)
    finally:
        engine.dispose()
    return sorted(units.loc[units["unit_type"] == "ward", "unit_id"].astype(str))[:2]


def _expected(demo_url: str, read):  # type: ignore[no-untyped-def]
    engine = create_engine(demo_url)
    try:
        with engine.connect() as conn:
            return read(conn)
    finally:
        engine.dispose()


def test_each_scope_reads_its_own_units_series_through_the_source(gateway, demo_warehouse_url):
    assert cached.declared_source(ONLINE) is not None
    first, second = _wards(demo_warehouse_url)
    for ward in (first, second, first):
        unit_filter = UnitFilter(unit_ids=(ward,))
        got = cached.scope_series(ONLINE, unit_filter, scope=ward).frame
        expected = _expected(
            demo_warehouse_url, lambda conn, f=unit_filter: queries.scope_series(conn, ONLINE, f)
        )
        assert len(got) > 12, ward
        assert list(got["period_month"]) == list(expected["period_month"]), ward
        np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
        np.testing.assert_allclose(got["n_units"], expected["n_units"])


@pytest.mark.parametrize(
    "unit_filter",
    [UnitFilter(former_provinces=("binh_duong",)), UnitFilter(unit_types=("ward",)), "other"],
    ids=["former-province", "unit-type", "another-unit"],
)
def test_another_unit_or_a_group_is_refused_on_a_declared_source(
    gateway, demo_warehouse_url, unit_filter
):
    first, second = _wards(demo_warehouse_url)
    if unit_filter == "other":
        unit_filter = UnitFilter(unit_ids=(second,))
    for read in (
        lambda: cached.scope_series(ONLINE, unit_filter, scope=first),
        lambda: cached.series_by_group(ONLINE, unit_filter, scope=first),
        lambda: cached.group_standing(ONLINE, 2026, OCT, unit_filter, scope=first),
    ):
        with pytest.raises(cached.OutOfScopeError):
            read()


def test_a_scoped_reader_gets_the_groups_of_more_than_one_unit(
    gateway, city, demo_warehouse_url, tmp_path, monkeypatch
):
    """The whole city's groups equal the project's own; then, with a copy of the city's
    warehouse that keeps one unit of Bà Rịa – Vũng Tàu only, that group (one unit: its
    figure would be that unit's) is listed for the whole city and not for a scoped reader,
    in the groups' standing and in their monthly series."""
    first, _ = _wards(demo_warehouse_url)
    expected = _expected(
        demo_warehouse_url,
        lambda conn: queries.group_standing(conn, ONLINE, 2026, OCT, UnitFilter()),
    )
    everyone = cached.group_standing(ONLINE, 2026, OCT, UnitFilter(), scope=None).frame
    assert list(everyone["group_key"]) == list(expected["group_key"])
    np.testing.assert_allclose(everyone["value"], expected["value"], rtol=1e-12)
    assert (expected["n_units"] > 1).all()  # the demo has no group of one unit

    _, _, city_url, crosswalk = city
    units = _expected(demo_warehouse_url, queries.unit_list)
    province = dict(zip(units["unit_id"].astype(str), units["former_province"], strict=True))
    kind = dict(zip(units["unit_id"].astype(str), units["unit_type"], strict=True))
    # The province's wards, communes and special zone (its investors have codes of their
    # own and no online dossiers: keeping one of those would leave no unit, not one).
    brvt = sorted(
        c
        for c, u in crosswalk.items()
        if province.get(u) == "ba_ria_vung_tau"
        and kind.get(u) in ("ward", "commune", "special_zone")
    )
    assert len(brvt) > 1
    copy = tmp_path / "city.sqlite"
    shutil.copyfile(make_url(city_url).database, copy)
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.begin() as conn:
            conn.execute(
                text("DELETE FROM ho_so_chi_tiet WHERE ma_dv IN :codes").bindparams(
                    bindparam("codes", expanding=True)
                ),
                {"codes": brvt[1:]},
            )
    finally:
        engine.dispose()
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", f"sqlite:///{copy}")
    cached.data_changed()
    everyone = cached.group_standing(ONLINE, 2026, OCT, UnitFilter(), scope=None).frame
    one = everyone[everyone["group_key"] == "ba_ria_vung_tau"]
    assert list(one["n_units"]) == [1]
    scoped = cached.group_standing(ONLINE, 2026, OCT, UnitFilter(), scope=first).frame
    assert "ba_ria_vung_tau" not in set(scoped["group_key"])
    assert set(scoped["group_key"]) == set(everyone["group_key"]) - {"ba_ria_vung_tau"}
    assert (scoped["n_units"] > 1).all()
    series = cached.series_by_group(ONLINE, UnitFilter(), scope=None).frame
    assert "ba_ria_vung_tau" in set(series["group_key"])
    scoped_series = cached.series_by_group(ONLINE, UnitFilter(), scope=first).frame
    assert set(scoped_series["group_key"]) == set(series["group_key"]) - {"ba_ria_vung_tau"}
