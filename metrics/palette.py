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
