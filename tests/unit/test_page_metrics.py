"""The pages' pure computations, given/expect by hand: trends, rankings, boundaries,
submissions, what was published by a day, and downloads that carry their scope."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pandas as pd
import pytest

from metrics.comparisons import national_figures, published_date, published_known_by
from metrics.export import file_stem, to_csv_bytes, to_xlsx_bytes
from metrics.geo import BoundaryFileError, boundaries_from_units, parse_boundaries
from metrics.rankings import radius_metres, ranking_table
from metrics.registry import get_indicator
from metrics.scorecard import due_date, expected_months, peer_position, submission_grid
from metrics.trends import published_in_year, trend_frame, year_on_year

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")


def _series(rows):
    months = pd.to_datetime([m for m, _, _ in rows])
    return pd.DataFrame(
        {
            "period_year": months.year,
            "period_month": months,
            "numerator": [n for _, n, _ in rows],
            "denominator": [d for _, _, d in rows],
        }
    )


def test_the_year_to_date_is_a_ratio_of_sums_and_last_year_sits_beside_it():
    series = _series(
        [
            ("2025-01-01", 10, 100),
            ("2025-02-01", 90, 100),
            ("2026-01-01", 30, 100),
            ("2026-02-01", 90, 300),
        ]
    )
    trend = trend_frame(series, 2026)
    # February 2026: the month 90/300 = 30 %; the year to date 120/400 = 30 %; last year's
    # February 90 %, last year's year to date 100/200 = 50 %.
    assert trend["value"].tolist() == [30.0, 30.0]
    assert trend["ytd"].tolist() == [30.0, 30.0]
    assert trend["previous_value"].tolist() == [10.0, 90.0]
    assert trend["previous_ytd"].tolist() == [10.0, 50.0]
    change = year_on_year(trend)
    assert (change.change_pp, change.ytd_change_pp) == (-60.0, -20.0)


def test_a_month_after_through_is_left_out():
    series = _series([("2026-01-01", 30, 100), ("2026-02-01", 90, 100)])
    assert len(trend_frame(series, 2026, dt.date(2026, 1, 1))) == 1
    assert trend_frame(series, 2027).empty


def test_a_month_without_last_years_figure_has_no_comparison():
    change = year_on_year(trend_frame(_series([("2026-01-01", 30, 100)]), 2026))
    assert change.previous_value is None and change.change_pp is None


def test_published_figures_are_clipped_to_the_year():
    rows = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-06-27", "2024-01-01"]),
            "period_end": pd.to_datetime(["2026-01-31", "2024-12-31"]),
            "value": [67.6, 1.0],
        }
    )
    shown = published_in_year(rows, 2025)
    assert shown["value"].tolist() == [67.6]
    assert shown["end"].tolist() == [pd.Timestamp("2025-12-31")]


def _ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["w1", "w2", "w3", "c1"],
            "name_vi": ["A", "B", "C", "D"],
            "unit_type": ["ward", "ward", "ward", "commune"],
            "denominator": [100.0, 29.0, 50.0, 10.0],
            "value": [60.0, 48.0, 40.0, np.nan],
            "peer_rank": pd.array([1, 2, 3, pd.NA], dtype="Int64"),
        }
    )


def test_a_ranking_table_has_the_attention_lists_statuses():
    table = ranking_table(_ranking(), ONLINE, 50.0)
    by_unit = table.set_index("unit_id")
    # 60 meets 50; 48 is 2 pp short (at risk, within 5); 40 is 10 short (off track); no
    # value: not assessable. 29 dossiers is a small denominator (< 30).
    assert by_unit["unit_status"].to_dict() == {
        "w1": "on_track",
        "w2": "at_risk",
        "w3": "off_track",
        "c1": "not_assessable",
    }
    assert (
        by_unit.loc["w2", "is_small_denominator"] and not by_unit.loc["w1", "is_small_denominator"]
    )
    assert table["unit_id"].tolist() == ["w1", "w2", "w3", "c1"]  # wards, by rank, then communes
    assert by_unit.loc["w1", "share_of_total"] == pytest.approx(100 * 100 / 189)


def test_without_a_benchmark_nothing_is_judged():
    table = ranking_table(_ranking(), ONLINE, None)
    assert set(table["unit_status"]) == {"not_assessable"}
    assert table.set_index("unit_id").loc["w1", "value"] == 60.0


def test_point_sizes_grow_with_the_square_root_of_volume():
    radius = radius_metres(pd.Series([0.0, 25.0, 100.0, np.nan]))
    assert radius.round().tolist() == [500.0, 1500.0, 2500.0, 500.0]


SQUARE = {"type": "Polygon", "coordinates": [[[106, 10], [107, 10], [107, 11], [106, 10]]]}


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not JSON"),
        (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        (
            _collection(
                {"type": "Feature", "properties": {"code": "1"}, "geometry": {"type": "Point"}}
            ),
            "feature 1: the geometry must be a Polygon",
        ),
        (
            _collection({"type": "Feature", "properties": {"name": "x"}, "geometry": SQUARE}),
            "feature 1: no unit code",
        ),
        (
            _collection(
                {"type": "Feature", "properties": {"ma_xa": "1"}, "geometry": SQUARE},
                {"type": "Feature", "properties": {"code": "1"}, "geometry": SQUARE},
            ),
            "feature 2: unit code 1 appears twice",
        ),
    ],
)
def test_a_boundary_file_that_cannot_be_used_says_why(text, message):
    with pytest.raises(BoundaryFileError, match=message):
        parse_boundaries(text, "ranh-gioi.geojson")


def test_boundaries_by_code_from_a_file_and_from_the_warehouse():
    found = parse_boundaries(
        _collection({"type": "Feature", "properties": {"unit_code": 26737}, "geometry": SQUARE})
    )
    assert found == {"26737": SQUARE}
    units = pd.DataFrame(
        {
            "unit_code": ["1", "2", "3"],
            "boundary_geojson": [json.dumps({"type": "Feature", "geometry": SQUARE}), "oops", None],
        }
    )
    assert boundaries_from_units(units) == {"1": SQUARE}


def test_due_dates_and_expected_months():
    assert due_date(ONLINE, dt.date(2026, 12, 1)) == dt.date(2027, 1, 5)
    assert expected_months(ONLINE, 2025, dt.date(2026, 3, 1))[-1] == dt.date(2025, 12, 1)
    # A plan year's January extension is due too, once reached.
    assert expected_months(DISBURSEMENT, 2025, dt.date(2026, 3, 1))[-1] == dt.date(2026, 1, 1)


def test_late_and_missing_submissions():
    submissions = pd.DataFrame(
        {
            "indicator_id": ["online_dossier_share"] * 2,
            "period_year": [2026, 2026],
            "period_month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            # 5 Feb 16:59 UTC is 23:59 in the city: on time; 5 Mar 17:00 UTC is 6 Mar 00:00.
            "first_loaded_at": pd.to_datetime(["2026-02-05 16:59", "2026-03-05 17:00"]),
        }
    )
    grid = submission_grid(submissions, [ONLINE], 2026, dt.date(2026, 3, 1))
    assert grid["state"].tolist() == ["on_time", "late", "missing"]
    assert grid["days_late"].tolist()[:2] == [0.0, 1.0]


def test_peer_positions():
    assert [peer_position(v, 40.0, 60.0) for v in (70.0, 50.0, 30.0, None)] == [
        "top",
        "middle",
        "bottom",
        "unknown",
    ]


def test_a_past_day_sees_only_what_was_published_by_then():
    rows = pd.DataFrame({"published_on": ["2025-09-19", "2025-12", "2026", "someday"]})
    assert published_date("2025-12") == dt.date(2025, 12, 31)
    assert len(published_known_by(rows, dt.date(2025, 12, 30))) == 1
    assert len(published_known_by(rows, dt.date(2025, 12, 31))) == 2
    assert len(published_known_by(rows, None)) == 4


def test_national_figures_are_only_the_national_ones():
    rows = pd.DataFrame(
        {
            "indicator_code": ["public_investment_disbursement"] * 3,
            "territory": ["national", "merged", "national"],
            "kind": ["actual", "actual", "target"],
            "period_start": pd.to_datetime(["2023-01-01", "2023-01-01", "2023-01-01"]),
            "value": [51.38, 34.0, 95.0],
        }
    )
    assert national_figures(rows, DISBURSEMENT, 2023)["value"].tolist() == [51.38]
    assert national_figures(rows, DISBURSEMENT, 2024).empty


def test_a_download_carries_its_scope_and_stays_numbers():
    frame = pd.DataFrame({"Đơn vị": ["=cmd", "Phường Tân Định"], "Kết quả (%)": [87.1, -2.5]})
    about = [("Phạm vi", "toàn Thành phố"), ("Dữ liệu minh họa", "Có")]
    csv = to_csv_bytes(frame, about)
    text = csv.decode("utf-8-sig")
    assert text.startswith("# Phạm vi: toàn Thành phố\r\n# Dữ liệu minh họa: Có\r\n")
    back = pd.read_csv(io.BytesIO(csv), comment="#", encoding="utf-8-sig")
    assert back["Kết quả (%)"].tolist() == [87.1, -2.5]
    assert back["Đơn vị"].tolist() == ["'=cmd", "Phường Tân Định"]
    sheets = pd.read_excel(
        io.BytesIO(to_xlsx_bytes(frame, about=about)), sheet_name=None, header=None
    )
    assert sheets["about"].values.tolist() == [
        ["Phạm vi", "toàn Thành phố"],
        ["Dữ liệu minh họa", "Có"],
    ]
    assert (
        file_stem("dich-vu-cong", "Tỉnh Bà Rịa – Vũng Tàu (cũ)", "2026")
        == "dich-vu-cong-tinh-ba-ria-vung-tau-cu-2026"
    )


@pytest.mark.parametrize(
    ("change", "higher_is_better", "arrow", "colour", "text"),
    [
        (-14.04, True, "down", "red", "−14,0 điểm phần trăm"),
        (3.1, True, "up", "green", "+3,1 điểm phần trăm"),
        (3.1, False, "up", "red", "+3,1 điểm phần trăm"),
        (0.04, True, "off", "gray", "0,0 điểm phần trăm"),
    ],
)
def test_a_fall_is_shown_as_a_fall(change, higher_is_better, arrow, colour, text):
    """Regression: a delta written with the typographic minus (−14,0) was drawn as a green
    rise, because Streamlit reads the sign from an ASCII hyphen."""
    from app_pages._ui import delta_args

    args = delta_args(change, "vi", higher_is_better=higher_is_better)
    assert (args["delta_arrow"], args["delta_color"], args["delta"]) == (arrow, colour, text)
    assert delta_args(None, "vi") == {"delta": None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", dt.date(2024, 12, 31)),  # a year: its last day
        ("2025-02", dt.date(2025, 2, 28)),
        ("2024-02", dt.date(2024, 2, 29)),
        ("2025-02-19", dt.date(2025, 2, 19)),
        ("20245", None),
        ("", None),
    ],
)
def test_a_publication_date_is_the_last_day_it_can_mean(text: str, expected) -> None:
    assert published_date(text) == expected


def test_published_figures_without_a_territory_column_give_no_national_figures() -> None:
    rows = pd.DataFrame({"indicator_code": ["public_investment_disbursement"], "value": [51.0]})
    from metrics.registry import get_indicator

    found = national_figures(rows, get_indicator("public_investment_disbursement"))
    assert found.empty
    assert list(found.columns) == ["indicator_code", "value"]
