"""Unit boundaries: reading a GeoJSON file of polygons and matching it to the units.

No official boundaries of the 168 units were published after July 2025, so maps draw the
reference file's points. When a boundary file is configured (or the warehouse's
``units.boundary_geojson`` holds polygons), the map draws them instead. A file is a GeoJSON
``FeatureCollection`` whose features carry the unit's official five-digit code in one of
the properties :data:`CODE_PROPERTIES`; anything else is refused with a message that says
which feature and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

CODE_PROPERTIES: tuple[str, ...] = ("unit_code", "code", "ma_xa", "ma", "ma_dvhc")
"""Feature properties that may hold a unit's official code, tried in this order."""
POLYGON_TYPES = ("Polygon", "MultiPolygon")


class BoundaryFileError(ValueError):
    """A boundary file that cannot be used, with what is wrong and how to fix it."""


def parse_boundaries(text: str, source: str = "boundary file") -> dict[str, dict[str, Any]]:
    """The polygons of a GeoJSON ``FeatureCollection``, by unit code.

    Parameters
    ----------
    text
        The file's content.
    source
        How to name the file in a message (its path).

    Returns
    -------
    dict
        ``{unit_code: geometry}`` for every feature (a Polygon or MultiPolygon geometry).

    Raises
    ------
    BoundaryFileError
        Not JSON, not a FeatureCollection, a feature without a polygon or without a code,
        or a code given twice.

    Examples
    --------
    >>> square = {"type": "Polygon", "coordinates": [[[106, 10], [107, 10], [107, 11], [106, 10]]]}
    >>> doc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "properties": {"code": "26737"}, "geometry": square}]}
    >>> list(parse_boundaries(json.dumps(doc)))
    ['26737']
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoundaryFileError(
            f"{source} is not JSON ({error.msg}, line {error.lineno}); give a GeoJSON "
            "FeatureCollection"
        ) from None
    if not isinstance(document, Mapping) or document.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            f'{source} is not a GeoJSON FeatureCollection (its top-level "type" must be '
            '"FeatureCollection")'
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise BoundaryFileError(f'{source} has no "features" list')
    found: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(features, start=1):
        geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
        if not isinstance(geometry, Mapping) or geometry.get("type") not in POLYGON_TYPES:
            raise BoundaryFileError(
                f"{source}, feature {index}: the geometry must be a Polygon or MultiPolygon"
            )
        properties = feature.get("properties") or {}
        code = next(
            (str(properties[key]).strip() for key in CODE_PROPERTIES if properties.get(key)),
            None,
        )
        if not code:
            raise BoundaryFileError(
                f"{source}, feature {index}: no unit code; give the official five-digit "
                f"code in one of the properties {', '.join(CODE_PROPERTIES)}"
            )
        if code in found:
            raise BoundaryFileError(f"{source}, feature {index}: unit code {code} appears twice")
        found[code] = dict(geometry)
    return found


def boundaries_from_units(units: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Polygons kept in the warehouse (``units.boundary_geojson``: a geometry or a Feature),
    by unit code; units without one, or with text that is not a polygon, are left out.

    Examples
    --------
    >>> frame = pd.DataFrame({"unit_code": ["1", "2"], "boundary_geojson": [
    ...     '{"type": "Polygon", "coordinates": []}', None]})
    >>> list(boundaries_from_units(frame))
    ['1']
    """
    found: dict[str, dict[str, Any]] = {}
    if "boundary_geojson" not in units.columns:
        return found
    rows = units[units["boundary_geojson"].notna() & units["unit_code"].notna()]
    for code, text in zip(rows["unit_code"], rows["boundary_geojson"], strict=True):
        try:
            value = json.loads(str(text))
        except json.JSONDecodeError:
            continue
        geometry = value.get("geometry") if value.get("type") == "Feature" else value
        if isinstance(geometry, Mapping) and geometry.get("type") in POLYGON_TYPES:
            found[str(code)] = dict(geometry)
    return found
