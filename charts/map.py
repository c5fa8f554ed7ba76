"""The map of units: points (or polygons, when boundaries are known) coloured by status and
sized by volume, drawn by pydeck with no basemap — nothing is fetched from a tile server,
so the map draws offline and needs no token."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pydeck as pdk

from i18n.escape import strip_invisible
from metrics.palette import STATUS_STYLES
from metrics.status import Status

POINT_LAYER = "units"
AREA_LAYER = "unit-areas"
MAINLAND_SOUTH = 9.5
"""Latitude north of which a unit is on the mainland: the view opens on the mainland, and
Côn Đảo (about 230 km offshore) is one pan away, as on the city's own maps."""


def status_rgba(status: str, alpha: int = 220) -> list[int]:
    """A status colour as ``[r, g, b, a]`` (the same hues as every badge and chart).

    Examples
    --------
    >>> status_rgba("on_track")
    [0, 114, 178, 220]
    """
    colour = STATUS_STYLES[Status(status)].hex_color.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def view_for(points: pd.DataFrame, height_px: int = 460, width_px: int = 380) -> pdk.ViewState:
    """A view that frames the mainland units (all of them if none is on the mainland) in a
    map ``height_px`` high and at least ``width_px`` wide — a phone's — (deck.gl draws 512
    pixels a world at zoom 0).

    Examples
    --------
    >>> frame = pd.DataFrame({"latitude": [10.3, 11.5], "longitude": [106.3, 107.6]})
    >>> view_for(frame).zoom
    7.48
    """
    mainland = points[points["latitude"] > MAINLAND_SOUTH]
    frame = mainland if not mainland.empty else points
    if frame.empty:
        return pdk.ViewState(latitude=10.8, longitude=106.7, zoom=8)
    south, north = float(frame["latitude"].min()), float(frame["latitude"].max())
    west, east = float(frame["longitude"].min()), float(frame["longitude"].max())
    tall = max(north - south, 0.05) * 1.15  # a margin around
    wide = max(east - west, 0.05) * 1.15
    zoom = min(math.log2(height_px * 360 / (512 * tall)), math.log2(width_px * 360 / (512 * wide)))
    return pdk.ViewState(
        latitude=(south + north) / 2,
        longitude=(west + east) / 2,
        zoom=round(max(5.0, min(zoom, 12.0)), 2),
        pitch=0,
        bearing=0,
    )


def make_unit_map(
    points: pd.DataFrame,
    *,
    tooltip_lines: tuple[str, ...],
    boundaries: dict[str, dict[str, Any]] | None = None,
    labels: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The units on a map.

    Parameters
    ----------
    points
        One row per unit: ``unit_id``, ``unit_code``, ``latitude``, ``longitude``,
        ``unit_status``, ``radius`` (metres) and the tooltip's text columns
        (plain text, already in the reader's language and format).
    tooltip_lines
        The text columns the tooltip shows, one a line (``{name}`` …); the tooltip is
        text, not HTML, so a name from the warehouse cannot inject markup.
    boundaries
        Polygons by unit code; when given, each unit with one is drawn as an area in its
        status colour, under its point.
    labels
        Place names to write on the map (``latitude``, ``longitude``, ``text``), e.g. the
        former provinces at the middle of their units, so a map with no basemap can be read.

    Returns
    -------
    pydeck.Deck
        Layers with stable ids (:data:`POINT_LAYER`, :data:`AREA_LAYER`) so a selection
        survives a rerun; ``map_provider=None``: no basemap.
    """
    # The tooltip's texts (a unit's name from the warehouse) without control or
    # bidirectional characters, as everywhere else a page shows outside text.
    points = points.assign(
        **{
            name: points[name].map(lambda v: strip_invisible(v) if isinstance(v, str) else v)
            for name in _fields(tooltip_lines)
            if name in points.columns
        }
    )
    records = points.assign(
        fill=pd.Series([status_rgba(s) for s in points["unit_status"]], index=points.index),
        line=pd.Series([[255, 255, 255, 255]] * len(points), index=points.index),
    )
    layers: list[pdk.Layer] = []
    if boundaries:
        features = [
            {
                "type": "Feature",
                "geometry": boundaries[str(code)],
                "properties": {
                    **{k: row[k] for k in ("unit_id", *_fields(tooltip_lines))},
                    "fill": status_rgba(row["unit_status"], 120),
                },
            }
            for code, row in zip(records["unit_code"], records.to_dict("records"), strict=True)
            if str(code) in boundaries
        ]
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                id=AREA_LAYER,
                data={"type": "FeatureCollection", "features": features},
                get_fill_color="properties.fill",
                get_line_color=[255, 255, 255, 255],
                line_width_min_pixels=1,
                stroked=True,
                filled=True,
                pickable=True,
            )
        )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id=POINT_LAYER,
            data=records,
            get_position=["longitude", "latitude"],
            get_radius="radius",
            radius_min_pixels=3,
            radius_max_pixels=22,
            get_fill_color="fill",
            get_line_color="line",
            line_width_min_pixels=1,
            stroked=True,
            pickable=True,
            auto_highlight=True,
        )
    )
    if labels is not None and not labels.empty:
        layers.append(
            pdk.Layer(
                "TextLayer",
                id="labels",
                data=labels,
                get_position=["longitude", "latitude"],
                get_text="text",
                get_size=14,
                get_color=[60, 64, 72, 255],
                get_text_anchor="'middle'",
                get_alignment_baseline="'center'",
                font_weight=600,
                outline_width=3,
                outline_color=[255, 255, 255, 255],
                font_settings={"sdf": True},
                character_set="auto",
                pickable=False,
            )
        )
    return pdk.Deck(
        layers=layers,
        initial_view_state=view_for(points),
        map_provider=None,
        tooltip={
            "text": "\n".join(tooltip_lines),
            "style": {"fontSize": "13px", "backgroundColor": "#1b1f24", "color": "#ffffff"},
        },
    )


def _fields(lines: tuple[str, ...]) -> list[str]:
    """The ``{column}`` names a tooltip uses."""
    names: list[str] = []
    for line in lines:
        for part in line.split("{")[1:]:
            names.append(part.split("}")[0])
    return names
