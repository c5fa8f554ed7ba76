"""Reference lists about the city's units: the former provinces and the unit types.

The one home of these lists: the warehouse writes, the queries, the demo and the filters
all read them from here, and name a scope in the reader's language with them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from i18n import t

if TYPE_CHECKING:
    from data_access.queries import UnitFilter

FORMER_PROVINCES: dict[str, tuple[str, str]] = {
    "ho_chi_minh_old": ("TP.HCM (cũ)", "Former HCMC"),
    "binh_duong": ("Tỉnh Bình Dương (cũ)", "Former Bình Dương province"),
    "ba_ria_vung_tau": ("Tỉnh Bà Rịa – Vũng Tàu (cũ)", "Former Bà Rịa–Vũng Tàu province"),
}
"""The three territories merged into the city on 1 July 2025: code → (Vietnamese, English)."""

COMMUNE_LEVEL_TYPES: tuple[str, ...] = ("ward", "commune", "special_zone")
"""The types of the 168 commune-level units."""

LEAF_UNIT_TYPES: tuple[str, ...] = (*COMMUNE_LEVEL_TYPES, "department", "investor")
"""The units observations are reported for (city figures sum over these), in filter order."""

MERGER_DATE = dt.date(2025, 7, 1)
"""The day the three territories became one city (the 168 units' first day)."""


def former_province_name(code: str, lang: str) -> str:
    """A former province's name in the reader's language (Vietnamese for ``"vi"``)."""
    return FORMER_PROVINCES[code][0 if lang == "vi" else 1]


def scope_text(unit_filter: UnitFilter, lang: str) -> str:
    """``toàn Thành phố``, or the chosen former provinces and unit types."""
    if unit_filter.is_whole_city:
        return t("scope_whole_city", lang)
    parts = [former_province_name(code, lang) for code in unit_filter.former_provinces]
    parts += [t(f"unit_type_{code}", lang) for code in unit_filter.unit_types]
    return ", ".join(parts)
