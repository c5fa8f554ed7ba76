"""The tile's small chart (charts/tile.py): what it draws, checked on ``fig.to_dict()``.

The series are the hand-made ones of ``test_tiles_like_for_like``; every expected value is
read off those series or the registry's milestones, not off the figure function.
"""

from __future__ import annotations

import pandas as pd
import pytest

from charts.tile import make_tile_figure
from tests.unit.test_tiles_like_for_like import (
    DIGITAL,
    DIGITAL_QUARTERS,
    DISBURSEMENT,
    EARLIER_YTD,
    N_PATHS,
    YTD_2026,
    _quarterly,
    build_tile,
    disbursement_2026,
    disbursement_tile,
)


def _trace(figure, name: str) -> dict:
    matches = [trace for trace in figure.to_dict()["data"] if trace.get("name") == name]
    assert len(matches) == 1, [trace.get("name") for trace in figure.to_dict()["data"]]
    return matches[0]


@pytest.fixture(scope="module")
def disbursement_figure():
    return make_tile_figure(disbursement_2026(), DISBURSEMENT, disbursement_tile(), "vi")


def test_this_year_is_drawn_to_the_tiles_month_with_hover_in_the_readers_format(
    disbursement_figure,
) -> None:
    this_year = _trace(disbursement_figure, "2026")
    assert list(this_year["y"]) == pytest.approx(YTD_2026)
    # Year to date is drawn at each month's last day, where the milestones fall due.
    assert pd.Timestamp(this_year["x"][-1]) == pd.Timestamp(2026, 10, 31)
    assert this_year["customdata"][-1] == "tháng 10/2026: 51,0%"
    english = make_tile_figure(disbursement_2026(), DISBURSEMENT, disbursement_tile(), "en")
    assert _trace(english, "2026")["customdata"][-1] == "Oct 2026: 51.0%"


def test_last_year_is_dotted_on_this_years_calendar_and_hovers_its_own_month(
    disbursement_figure,
) -> None:
    last_year = _trace(disbursement_figure, "2025")
    assert last_year["line"]["dash"] == "dot"
    # Twelve months and the January extension (91 %), moved one year on.
    assert list(last_year["y"]) == pytest.approx([*EARLIER_YTD, 91.0])
    assert pd.Timestamp(last_year["x"][0]) == pd.Timestamp(2026, 1, 31)
    assert last_year["customdata"][0] == "tháng 1/2025: 2,0%"
    assert last_year["customdata"][-1] == "tháng 1/2026: 91,0%"


def test_disbursement_draws_the_milestone_path(disbursement_figure) -> None:
    path = _trace(disbursement_figure, "Mốc tiến độ")
    # 2025's milestones carried to 2026: 7,5 % at 31/3, 25 % at 30/6, 50 % at 30/9, 95 % at 31/12.
    assert list(path["y"]) == [0.0, 7.5, 25.0, 50.0, 95.0]
    assert [pd.Timestamp(x) for x in path["x"]] == [
        pd.Timestamp(2026, 1, 1),
        pd.Timestamp(2026, 3, 31),
        pd.Timestamp(2026, 6, 30),
        pd.Timestamp(2026, 9, 30),
        pd.Timestamp(2026, 12, 31),
    ]
    assert path["customdata"][-1] == "Mốc đến 31/12/2026: 95,0%"


def test_the_band_runs_from_the_last_point_to_the_judgement_date(disbursement_figure) -> None:
    central = _trace(disbursement_figure, "Dự báo (khoảng 80%)")
    xs = [pd.Timestamp(x) for x in central["x"]]
    # From 31/10 (51 %) to 31/12, the judgement date of a target due at 31 December: the
    # January extension is not part of this judgement.
    assert xs[0] == pd.Timestamp(2026, 10, 31) and central["y"][0] == pytest.approx(51.0)
    assert xs[-1] == pd.Timestamp(2026, 12, 31)
    assert central["customdata"][-1].startswith("Dự báo tháng 12/2026: ")
    filled = [t for t in disbursement_figure.to_dict()["data"] if t.get("fill") == "tonexty"]
    assert len(filled) == 1 and len(filled[0]["x"]) == len(xs)


def test_an_annual_indicator_draws_its_quarters_the_target_and_published_figures() -> None:
    series = _quarterly(DIGITAL_QUARTERS)
    tile = build_tile(series, DIGITAL, 2026, as_of_month="2026-09-01", n_paths=N_PATHS)
    published = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2025-01-01"]),
            "period_end": pd.to_datetime(["2025-12-31"]),
            "value": [25.0],
        }
    )
    figure = make_tile_figure(series, DIGITAL, tile, "vi", published)
    this_year = _trace(figure, "2026")
    assert list(this_year["y"]) == pytest.approx([27.0, 25.0, 28.0])  # 27/100, 27,5/110, 28/100
    assert this_year["customdata"][-1] == "tháng 9/2026: 28,0%"
    target = _trace(figure, "Chỉ tiêu")
    assert list(target["y"]) == [30.0, 30.0]
    assert target["customdata"][0] == "Chỉ tiêu năm 2026: 30,0%"
    points = _trace(figure, "Số liệu đã công bố")
    assert list(points["text"]) == ["25,0%"]
    # 2025's figure sits at the end of 2025's dotted line, moved onto 2026's calendar.
    assert pd.Timestamp(points["x"][0]) == pd.Timestamp(2026, 12, 31)
    assert points["customdata"][0] == "Số liệu đã công bố (01/01/2025 – 31/12/2025): 25,0%"


def test_the_figure_is_small_and_static(disbursement_figure) -> None:
    layout = disbursement_figure.to_dict()["layout"]
    assert layout["height"] <= 130
    assert layout["dragmode"] is False and layout["showlegend"] is False
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
    assert layout["separators"] == ",."
    assert list(layout["xaxis"]["ticktext"]) == ["T1", "T4", "T7", "T10"]
