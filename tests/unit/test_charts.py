"""Figures: the target drawn, the unit in every axis title, hover text in the reader's
format, nothing to zoom; the map with no basemap and text-only tooltips."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from charts.common import TITLE_ROOM
from charts.comparison import make_groups_figure
from charts.map import POINT_LAYER, make_unit_map, status_rgba, view_for
from charts.scorecard import make_peers_figure, make_unit_trends_figure
from charts.trend import make_trend_figure
from metrics.palette import STATUS_STYLES
from metrics.registry import get_indicator
from metrics.status import Status

ONLINE = get_indicator("online_dossier_share")


def _trend() -> pd.DataFrame:
    months = pd.to_datetime(["2026-09-01", "2026-10-01"])
    return pd.DataFrame(
        {
            "period_month": months,
            "value": [86.04, 87.06],
            "ytd": [85.5, 85.75],
            "previous_value": [55.0, 83.5],
        }
    )


def _fan() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_month": pd.to_datetime(["2026-11-01", "2026-12-01"]),
            "lower_95": [85.0, 84.0],
            "lower_80": [85.3, 84.8],
            "central": [85.8, 86.0],
            "upper_80": [86.3, 87.2],
            "upper_95": [86.6, 88.0],
        }
    )


@pytest.mark.parametrize(
    ("lang", "separators", "month", "value"),
    [
        ("vi", ",.", "tháng 10/2026", "87,1%"),
        ("en", ".,", "Oct 2026", "87.1%"),
    ],
)
def test_the_trend_is_in_the_readers_format(lang, separators, month, value):
    figure = make_trend_figure(
        _trend(), ONLINE, lang, title="t", target=50.0, target_label="≥ 50%", fan=_fan()
    ).to_dict()
    layout = figure["layout"]
    assert layout["separators"] == separators
    # The unit alone: the chart's title names the indicator, and a long name on the value
    # axis was cut off on a phone (the axis is ~300 px tall there).
    assert layout["yaxis"]["title"]["text"] == "%"
    assert layout["xaxis"]["title"]["text"]
    assert layout["dragmode"] is False
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
    months = next(t for t in figure["data"] if t.get("mode") == "lines+markers")
    assert [month, value] in [list(c) for c in months["customdata"]]
    targets = [s for s in layout["shapes"] if s["y0"] == s["y1"] == 50.0]
    assert len(targets) == 1
    assert any(a["text"] == "≥ 50%" for a in layout["annotations"])


def test_the_projection_band_starts_at_the_last_year_to_date():
    figure = make_trend_figure(
        _trend(), ONLINE, "vi", title="t", target=50.0, target_label="", fan=_fan()
    )
    bands = [t for t in figure.data if t.fill == "toself"]
    assert len(bands) == 2
    assert all(t.mode == "lines" for t in bands)
    central = next(t for t in figure.data if t.name == "Dự báo (lũy kế)")
    assert list(central.y) == [85.75, 85.8, 86.0]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_plan_years_month_axis_title_fits_a_phone(lang):
    """Regression: "Tháng của năm kế hoạch (T1 gia hạn: đến 31/01 năm sau)" ran past the
    edge of the S-curve on a 390 px phone."""
    from i18n import t

    assert len(t("scurve_axis", lang)) <= 45


def test_an_empty_trend_says_so():
    figure = make_trend_figure(
        _trend().iloc[0:0], ONLINE, "en", title="t", target=50.0, target_label=""
    ).to_dict()
    assert "No data yet" in figure["layout"]["annotations"][0]["text"]


def test_published_figures_are_labelled_points():
    published = pd.DataFrame(
        {
            "start": pd.to_datetime(["2026-07-01"]),
            "end": pd.to_datetime(["2026-09-10"]),
            "value": [52.0],
            "text": ["trên 52%"],
            "label": ["Báo cáo của UBND Thành phố"],
        }
    )
    figure = make_trend_figure(
        _trend(),
        ONLINE,
        "vi",
        title="t",
        target=50.0,
        target_label="",
        published=published,
        published_label="Số liệu đã công bố",
    ).to_dict()
    diamonds = [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "diamond"]
    assert diamonds[0]["text"] == ["trên 52%"]
    assert diamonds[0]["name"] == "Số liệu đã công bố"


def test_the_former_provinces_are_lines_of_their_own_with_the_merger_marked():
    months = pd.to_datetime(["2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01"])
    series = pd.DataFrame(
        {
            "period_month": list(months) * 2,
            "group_key": ["binh_duong"] * 4 + ["ho_chi_minh_old"] * 4,
            "value": [40.0, 41.0, 50.0, 80.0, 45.0, 46.0, 51.0, 82.0],
        }
    )
    figure = make_groups_figure(
        series,
        ONLINE,
        "vi",
        title="t",
        names={"ho_chi_minh_old": "TP.HCM (cũ)", "binh_duong": "Bình Dương (cũ)"},
    ).to_dict()
    assert [t["name"] for t in figure["data"]] == ["TP.HCM (cũ)", "Bình Dương (cũ)"]
    merger = [s for s in figure["layout"]["shapes"] if s["x0"] == s["x1"]]
    assert pd.Timestamp(merger[0]["x0"]) == pd.Timestamp("2025-07-01")


def test_the_peer_chart_colours_the_unit_by_its_status():
    rows = pd.DataFrame(
        {
            "label": ["A"],
            "value": [40.0],
            "peer_p25": [45.0],
            "peer_median": [50.0],
            "peer_p75": [60.0],
            "benchmark": [50.0],
            "unit_status": ["off_track"],
        }
    )
    figure = make_peers_figure(rows, "en", title="t").to_dict()
    unit = next(t for t in figure["data"] if t.get("name") == "This unit")
    assert unit["marker"]["color"] == [STATUS_STYLES[Status.OFF_TRACK].hex_color]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Rate (%)"


def test_the_unit_trends_have_one_panel_per_indicator():
    figure = make_unit_trends_figure({"A": _trend(), "B": _trend()}, "vi", title="t", year=2026)
    assert len(figure.to_dict()["layout"]["annotations"]) >= 2


def test_small_panel_titles_fit_half_a_phone():
    # Two panels side by side at 390 px: "Citizen and business satisfaction" was cut after
    # "satisfactio" before the titles were broken into lines.
    label = "Mức độ hài lòng của người dân, doanh nghiệp"
    figure = make_unit_trends_figure({label: _trend(), "B": _trend()}, "vi", title="t", year=2026)
    titles = [a["text"] for a in figure.to_dict()["layout"]["annotations"]]
    assert "Mức độ hài lòng của<br>người dân, doanh nghiệp" in titles
    assert all(len(line) <= 24 for text in titles for line in text.split("<br>"))


def test_the_peer_chart_leaves_a_phone_most_of_its_width():
    # At 390 px the indicators' names took two thirds of the width on one line each, and
    # the x ticks crowded and turned: the names now wrap onto short lines, the ticks few.
    label = "Mức độ hài lòng của người dân, doanh nghiệp"
    rows = pd.DataFrame(
        {
            "label": [label, "Tỷ lệ hồ sơ trực tuyến"],
            "value": [95.0, 60.0],
            "peer_p25": [90.0, 50.0],
            "peer_median": [93.0, 55.0],
            "peer_p75": [96.0, 65.0],
            "benchmark": [95.0, 70.0],
            "unit_status": ["on_track", "off_track"],
        }
    )
    figure = make_peers_figure(rows, "vi", title="t").to_dict()
    names = figure["data"][0]["y"]
    assert list(names) == [
        "Mức độ hài lòng<br>của người dân,<br>doanh nghiệp",
        "Tỷ lệ hồ sơ<br>trực tuyến",
    ]
    xaxis, yaxis = figure["layout"]["xaxis"], figure["layout"]["yaxis"]
    assert xaxis["nticks"] <= 5 and xaxis["tickangle"] == 0
    assert xaxis["automargin"] and yaxis["automargin"]


def test_the_unit_trends_legend_clears_the_panel_titles_and_the_axis_title_shows():
    # The legend sat on the second panel's two-line title, and "Tháng trong năm" (an
    # annotation, which plotly makes no room for) was cut at the foot. Now the legend is
    # at the foot and the month axis is named by the bottom panels' own axis titles, both
    # of which plotly makes room for; above the panels, once the page has taken the
    # title's room off, two lines of 13-point titles (about 36 px) still fit.
    label = "Mức độ hài lòng của người dân, doanh nghiệp"
    figure = make_unit_trends_figure(
        {"A": _trend(), label: _trend(), "C": _trend()}, "vi", title="t", year=2026
    ).to_dict()
    layout = figure["layout"]
    legend = layout["legend"]
    assert (legend["yref"], legend["yanchor"], legend["y"]) == ("container", "bottom", 0)
    # Three panels in two columns: "C" alone on the bottom row (x3), "label" (x2) above
    # the empty fourth place (x4); the month axis is named under x2 and x3, only there.
    named = {
        key: axis.get("title", {}).get("text")
        for key, axis in layout.items()
        if key.startswith("xaxis")
    }
    assert named == {
        "xaxis": None,
        "xaxis2": "Tháng trong năm",
        "xaxis3": "Tháng trong năm",
        "xaxis4": None,
    }
    assert all(layout[key]["automargin"] for key in ("xaxis2", "xaxis3"))
    assert not any(a["text"] == "Tháng trong năm" for a in layout["annotations"])
    assert layout["margin"]["t"] - TITLE_ROOM >= 36


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["26737", "26732"],
            "unit_code": ["26737", "26732"],
            "latitude": [10.791, 8.7],
            "longitude": [106.694, 106.607],
            "unit_status": ["on_track", "off_track"],
            "radius": [500.0, 900.0],
            "name": ["<b>Phường Tân Định</b>", "Đặc khu Côn Đảo"],
        }
    )


def test_the_map_has_no_basemap_and_text_tooltips():
    deck = make_unit_map(_points(), tooltip_lines=("{name}",))
    spec = json.loads(deck.to_json())
    assert spec["mapStyle"] == "__MAP_STYLE__"  # pydeck's "no basemap": no tiles, no token
    assert "mapProvider" not in spec
    assert deck._tooltip == {"text": "{name}", "style": deck._tooltip["style"]}
    layer = next(layer for layer in spec["layers"] if layer["id"] == POINT_LAYER)
    assert layer["pickable"] is True
    assert [p["fill"] for p in layer["data"]] == [status_rgba("on_track"), status_rgba("off_track")]


def test_the_map_opens_on_the_mainland():
    points = pd.concat(
        [_points(), pd.DataFrame({"latitude": [11.5], "longitude": [107.6]})], ignore_index=True
    )
    view = view_for(points)
    assert 10.5 < view.latitude < 11.5  # Côn Đảo (8.7) does not pull the view south


def test_boundaries_draw_areas_under_the_points():
    square = {
        "type": "Polygon",
        "coordinates": [[[106.6, 10.7], [106.7, 10.7], [106.7, 10.8], [106.6, 10.7]]],
    }
    deck = make_unit_map(_points(), tooltip_lines=("{name}",), boundaries={"26737": square})
    spec = json.loads(deck.to_json())
    areas = next(layer for layer in spec["layers"] if layer["id"] == "unit-areas")
    assert [f["properties"]["unit_id"] for f in areas["data"]["features"]] == ["26737"]
    assert [layer["id"] for layer in spec["layers"]] == ["unit-areas", POINT_LAYER]


def test_the_milestone_labels_are_not_cut_at_the_plots_edges():
    """Regression: on a 390 px phone the S-curve's first milestone label ("Quý I ≥ 7,5%",
    set to the marker's left) ran past the plot's left edge and the year-end target's
    ("Cả năm ≥ 95%") past its top; both were clipped."""
    import datetime as dt

    from charts.disbursement import make_scurve_figure
    from metrics.disbursement import s_curves

    series = pd.DataFrame(
        {
            "period_year": 2026,
            "period_month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"]),
            "value": [2.0, 5.0, 9.0],
            "numerator": [2.0, 5.0, 9.0],
            "denominator": [100.0, 100.0, 100.0],
        }
    )
    curves = s_curves(series, 2026)
    milestones = pd.DataFrame(
        {
            "day": [dt.date(2026, 3, 31), dt.date(2026, 12, 31)],
            "value": [7.5, 95.0],
            "label": ["Quý I ≥ 7,5%", "Cả năm ≥ 95%"],
        }
    )
    path = milestones[["day", "value"]]
    figure = make_scurve_figure(
        curves,
        get_indicator("public_investment_disbursement"),
        2026,
        "vi",
        title="t",
        milestones=milestones,
        path=path,
    ).to_dict()
    from i18n import t

    marks = next(d for d in figure["data"] if d.get("name") == t("scurve_milestones", "vi"))
    assert marks["cliponaxis"] is False
    assert list(marks["textposition"]) == ["top center", "top left"]
    # 95 % plus room for its label above the marker: the axis reaches 112.
    assert figure["layout"]["yaxis"]["range"][1] >= 112.0


def _economy_basis_figure(lang: str, *, targets: bool = True) -> dict:
    from charts.economy import make_basis_figure

    annual = pd.DataFrame(
        {
            "year": list(range(2020, 2027)),
            "value": [14.2, 15.38, 18.86, 21.5, 22.0, 25.0, 27.2],
            "is_complete": [True] * 6 + [False],
            "quarters": [4] * 6 + [3],
        }
    )
    published = pd.DataFrame(
        {"year": [2023], "value": [21.5], "text": ["21,5%"], "label": ["published"]}
    )
    target_rows = pd.DataFrame(
        {
            "year": [2022, 2025, 2026, 2030],
            "value": [15.0, 25.0, 30.0, 40.0],
            "text": ["≥ 15%", "≥ 25%", "≥ 30%", "≥ 40%"],
            "label": ["target"] * 4,
        }
    )
    figure = make_basis_figure(
        annual,
        get_indicator("digital_economy_share_grdp"),
        lang,
        title="t",
        published=published,
        targets=target_rows if targets else None,
    )
    return figure.to_dict()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_economy_targets_labels_run_into_empty_years(lang):
    """Regression: at 390 px the "≥ 30%" label, centred under the 2026 target, lay on the
    2025 marker and the 2026 estimate. A target's label now runs sideways into years that
    hold no point (the years ahead hold only targets), and the merger's note sits at the
    plot's foot, clear of the 2030 target at the top."""
    figure = _economy_basis_figure(lang)
    (targets,) = [
        trace
        for trace in figure["data"]
        if trace.get("text") is not None and "≥ 30%" in list(trace["text"])
    ]
    position = dict(zip(targets["text"], targets["textposition"], strict=True))
    assert position["≥ 30%"] == "middle right"  # 2027 holds no point
    assert position["≥ 40%"] == "middle left"  # the plot ends at 2030; 2029 holds none
    assert all("center" not in where for where in position.values()), position
    (note,) = figure["layout"]["annotations"]
    assert (note["y"], note["yanchor"]) == (0, "bottom")
    # The statistics office's chart (no targets): its 2026 estimate sat under the note.
    (note,) = _economy_basis_figure(lang, targets=False)["layout"]["annotations"]
    assert (note["y"], note["yanchor"]) == (0, "bottom")


def test_close_published_figures_a_year_apart_put_their_labels_on_opposite_sides():
    """Regression: at 390 px "21,5%" (2023) and "22,0%" (2024) ran into each other above
    their markers. Within 2 points of the year before, whose label is above, a label goes
    below and to the right; 18,86% (2022) is 2.64 points below 2023, so both stay above."""
    from charts.economy import make_basis_figure

    annual = pd.DataFrame(
        {
            "year": [2022, 2023, 2024, 2025],
            "value": [18.86, 21.5, 22.0, 25.0],
            "is_complete": [True] * 4,
            "quarters": [4] * 4,
        }
    )
    published = pd.DataFrame(
        {
            "year": [2022, 2023, 2024, 2025],
            "value": [18.86, 21.5, 22.0, 25.0],
            "text": ["18,86%", "21,5%", "22,0%", "25,0%"],
            "label": ["published"] * 4,
        }
    )
    figure = make_basis_figure(
        annual,
        get_indicator("digital_economy_share_grdp"),
        "vi",
        title="t",
        published=published,
    ).to_dict()
    (marks,) = [
        trace
        for trace in figure["data"]
        if trace.get("text") is not None and "21,5%" in list(trace["text"])
    ]
    position = dict(zip(marks["text"], marks["textposition"], strict=True))
    assert position == {
        "18,86%": "top center",
        "21,5%": "top center",
        "22,0%": "bottom right",
        "25,0%": "top center",
    }


def test_the_economy_path_leaves_room_above_the_highest_target():
    """Regression: at 390 px the plot's top edge cut the "2030: ≥ 40%" label."""
    from charts.economy import make_path_figure

    annual = pd.DataFrame(
        {
            "year": [2024, 2025],
            "value": [22.0, 25.0],
            "is_complete": [True, True],
            "quarters": [4, 4],
        }
    )
    path = pd.DataFrame({"year": [2026, 2030], "target": [30.0, 40.0]})
    figure = make_path_figure(
        annual,
        get_indicator("digital_economy_share_grdp"),
        "vi",
        title="t",
        path=path,
        base_year=2025,
        base_value=25.0,
    ).to_dict()
    bottom, top = figure["layout"]["yaxis"]["range"]
    assert bottom == 0
    assert top >= 40.0 * 1.15


def test_the_investors_chart_leaves_room_for_the_longest_bars_label():
    """Regression: at 820 px the top investor's remaining label ("11.287") was cut to "11"
    at the plot's right edge. Longest bar 8,000 + 3,000 = 11,000: the axis runs to
    11,000 × 1.15 = 12,650."""
    from charts.disbursement import make_investors_figure

    table = pd.DataFrame(
        {
            "name": ["Ban A", "Ban B"],
            "numerator": [8000.0, 500.0],
            "remaining_billion_vnd": [3000.0, 2000.0],
            "value": [72.7, 20.0],
        }
    )
    layout = make_investors_figure(table, "vi", title="t").to_dict()["layout"]
    assert layout["xaxis"]["range"] == pytest.approx([0, 12650.0])
