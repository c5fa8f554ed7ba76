"""Boundary files and stored polygons: each refusal's message as the data steward reads it
(written out here), and which stored polygons are kept."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from metrics.geo import BoundaryFileError, boundaries_from_units, parse_boundaries

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def _collection(*features: object) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            "boundary file is not JSON (Expecting property name enclosed in double quotes, "
            "line 1); give a GeoJSON FeatureCollection",
        ),
        (
            "[]",
            'boundary file is not a GeoJSON FeatureCollection (its top-level "type" must be '
            '"FeatureCollection")',
        ),
        ('{"type": "FeatureCollection"}', 'boundary file has no "features" list'),
        (
            _collection("not a feature"),
            "boundary file, feature 1: the geometry must be a Polygon or MultiPolygon",
        ),
        (
            _collection({"type": "Feature", "geometry": SQUARE, "properties": {}}),
            "boundary file, feature 1: no unit code; give the official five-digit code in one "
            "of the properties unit_code, code, ma_xa, ma, ma_dvhc",
        ),
    ],
)
def test_a_refused_boundary_file_says_why(text: str, message: str) -> None:
    with pytest.raises(BoundaryFileError, match=f"^{re.escape(message)}$"):
        parse_boundaries(text)


def _units(rows: list[tuple[object, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_code", "boundary_geojson"])


def test_stored_polygons_are_read_past_a_bad_one() -> None:
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    units = _units(
        [
            ("1", "not json"),
            ("2", json.dumps(SQUARE)),  # a bare geometry
            ("3", json.dumps(feature)),  # a Feature
            ("4", json.dumps({"type": "Point", "coordinates": [0, 0]})),  # not a polygon
            (None, json.dumps(SQUARE)),  # no code
            ("6", None),  # no polygon
        ]
    )
    assert boundaries_from_units(units) == {"2": SQUARE, "3": SQUARE}
