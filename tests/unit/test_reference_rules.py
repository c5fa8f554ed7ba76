"""How a scope is named to the reader: the former provinces and unit types in each
language (the words written out from the glossary)."""

from __future__ import annotations

import datetime as dt

from data_access.queries import UnitFilter
from metrics.reference import (
    COMMUNE_LEVEL_TYPES,
    FORMER_PROVINCES,
    LEAF_UNIT_TYPES,
    MERGER_DATE,
    former_province_name,
    scope_text,
)


def test_the_three_former_territories_and_the_merger_day() -> None:
    assert list(FORMER_PROVINCES) == ["ho_chi_minh_old", "binh_duong", "ba_ria_vung_tau"]
    assert dt.date(2025, 7, 1) == MERGER_DATE
    assert COMMUNE_LEVEL_TYPES == ("ward", "commune", "special_zone")
    assert LEAF_UNIT_TYPES == ("ward", "commune", "special_zone", "department", "investor")


def test_a_former_province_is_named_in_the_readers_language() -> None:
    assert former_province_name("binh_duong", "vi") == "Tỉnh Bình Dương (cũ)"
    assert former_province_name("binh_duong", "en") == "Former Bình Dương province"
    assert former_province_name("ho_chi_minh_old", "en") == "Former HCMC"


def test_the_whole_city() -> None:
    assert scope_text(UnitFilter(), "vi") == "toàn Thành phố"
    assert scope_text(UnitFilter(), "en") == "the whole city"


def test_provinces_then_types_joined_by_commas() -> None:
    scope = UnitFilter(former_provinces=("binh_duong", "ho_chi_minh_old"), unit_types=("ward",))
    assert scope_text(scope, "vi") == "Tỉnh Bình Dương (cũ), TP.HCM (cũ), Phường"
    assert scope_text(scope, "en") == "Former Bình Dương province, Former HCMC, Ward"
    assert scope_text(UnitFilter(unit_types=("ward", "commune")), "en") == "Ward, Commune"
