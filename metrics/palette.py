"""Status colours and icons, the same on every page and chart.

Colour-blind-safe (Okabe–Ito hues); a status is always shown with its icon and word too,
never by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from metrics.status import Status, Trend

BadgeColor = Literal[
    "red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"
]
"""The colour names Streamlit's badges (and metric deltas) accept."""


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """How one status is drawn."""

    badge_color: BadgeColor
    """A Streamlit badge colour name."""
    hex_color: str
    """The colour in charts."""
    icon: str
    """A Material icon, in Streamlit's ``:material/name:`` form."""
    symbol: str
    """A plain-text symbol for tables and exports."""


STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.ON_TRACK: StatusStyle("blue", "#0072B2", ":material/check_circle:", "✓"),
    Status.AT_RISK: StatusStyle("orange", "#E69F00", ":material/warning:", "!"),
    Status.OFF_TRACK: StatusStyle("red", "#D55E00", ":material/error:", "✕"),
    Status.NOT_ASSESSABLE: StatusStyle("gray", "#7F7F7F", ":material/help:", "?"),
}

TREND_ICONS: dict[Trend, str] = {
    Trend.IMPROVING: ":material/trending_up:",
    Trend.STABLE: ":material/trending_flat:",
    Trend.WORSENING: ":material/trending_down:",
    Trend.NOT_ASSESSABLE: ":material/help:",
}

TARGET_LINE_COLOR = "#444444"
SERIES_COLOR = "#1F4E79"

PREVIOUS_YEAR_COLOR = "#8C8C8C"
"""Last year's line (a comparison, drawn dotted)."""
EARLIER_YEARS_COLOR = "#C8CDD2"
"""Every earlier year's line in an S-curve (context, not a series to read)."""
BAND_COLORS = {"95": "rgba(31, 78, 121, 0.10)", "80": "rgba(31, 78, 121, 0.20)"}
"""Projection bands (95 % the lighter); the central line is ``SERIES_COLOR``, dotted."""
PUBLISHED_COLOR = "#000000"
"""Published reference points: black diamonds, labelled."""
NATIONAL_COLOR = "#CC79A7"
"""A national average published for comparison."""
GROUP_COLORS: dict[str, str] = {
    "ho_chi_minh_old": "#0072B2",
    "binh_duong": "#009E73",
    "ba_ria_vung_tau": "#E69F00",
    "department": "#CC79A7",
    "investor": "#56B4E9",
}
"""The three former provinces (and the city's departments and boards), Okabe–Ito hues."""
SECTOR_GROUP_COLORS: dict[str, str] = {
    "agriculture": "#009E73",
    "industry_construction": "#E69F00",
    "services": "#0072B2",
    "product_taxes": "#8C8C8C",
}
