"""Reference lists about the city's units: the former provinces and the unit types.

The one home of these lists: the warehouse writes, the queries, the demo and the filters
all read them from here.
"""

from __future__ import annotations

import datetime as dt

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
