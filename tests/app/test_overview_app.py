"""The Overview rendered by Streamlit's AppTest, in both languages, against the demo warehouse.

The headline numbers on screen must equal what the metrics compute from the warehouse
(independently of the page), formatted for the reader's language.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import queries
from data_access.engine import PROJECT_ROOT, make_engine
from data_access.queries import UnitFilter
from i18n import fmt_date, fmt_pp, fmt_value
from metrics.clock import month_end
from metrics.registry import headline_indicators
from metrics.tiles import build_tile

YEAR = 2026
APP = str(PROJECT_ROOT / "app.py")


def _run(monkeypatch, url: str, **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _expected_tiles(url: str, unit_filter: UnitFilter | None = None, year: int = YEAR):
    unit_filter = unit_filter or UnitFilter()
    engine = make_engine(url)
    tiles = {}
    with engine.connect() as conn:
        for indicator in headline_indicators():
            series = queries.scope_series(conn, indicator.code, unit_filter)
            in_year = series[series["period_year"] == year]
            tiles[indicator.code] = build_tile(
                series, indicator, year, as_of_month=in_year["period_month"].max()
            )
    engine.dispose()
    return tiles


@pytest.fixture(scope="module")
def expected(demo_warehouse_url):
    return _expected_tiles(demo_warehouse_url)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_headline_numbers_equal_the_metrics(monkeypatch, demo_warehouse_url, expected, lang):
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang=lang)
    metrics = {m.label: m for m in app.metric}
    assert len(app.metric) == 4
    for indicator, metric in zip(headline_indicators(), app.metric, strict=True):
        tile = expected[indicator.code]
        assert metric.value == fmt_value(
            tile.latest_value, indicator.unit, lang, indicator.decimals
        )
        assert metric.delta == fmt_pp(tile.latest_gap, lang)
    text = "\n".join(m.value for m in app.markdown)
    for indicator in headline_indicators():
        tile = expected[indicator.code]
        projection = tile.projection
        if projection.central is not None:
            assert fmt_value(projection.central, "percent", lang) in text
            assert fmt_value(projection.lower_80, "percent", lang) in text
            assert fmt_value(projection.upper_80, "percent", lang) in text
    assert metrics  # labels are unique per tile
    captions = "\n".join(c.value for c in app.caption)
    as_of = fmt_date(month_end(expected["online_dossier_share"].as_of_month.date()), lang)
    assert as_of in captions


def test_vietnamese_is_the_default_and_english_switches_every_label(
    monkeypatch, demo_warehouse_url
):
    vi = _run(monkeypatch, demo_warehouse_url, year=str(YEAR))
    en = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang="en")
    assert vi.title[0].value == "Tổng quan"
    assert en.title[0].value == "Overview"
    assert vi.metric[0].label == "Kết quả thực hiện tháng 10/2026"
    assert en.metric[0].label == "Result, Oct 2026"
    assert "," in vi.metric[0].value and "." in en.metric[0].value
    badges = "\n".join(m.value for m in vi.markdown)
    assert "Dữ liệu minh họa" in badges
    assert "Demo data" in "\n".join(m.value for m in en.markdown)


def test_status_words_match_the_metrics(monkeypatch, demo_warehouse_url, expected):
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang="en")
    text = "\n".join(m.value for m in app.markdown)
    words = {
        "on_track": "On track",
        "at_risk": "At risk",
        "off_track": "Off track",
        "not_assessable": "Not yet assessable",
    }
    for tile in expected.values():
        assert words[tile.status.value] in text


def test_filters_from_the_url_change_the_figures(monkeypatch, demo_warehouse_url):
    unit_filter = UnitFilter(former_provinces=("binh_duong",), unit_types=("ward",))
    expected = _expected_tiles(demo_warehouse_url, unit_filter)
    app = _run(
        monkeypatch,
        demo_warehouse_url,
        year=str(YEAR),
        province="binh_duong",
        type="ward",
    )
    online = expected["online_dossier_share"]
    assert app.metric[0].value == fmt_value(online.latest_value, "percent", "vi")
    assert app.session_state["province"] == ["binh_duong"]


def test_a_typed_link_with_bad_values_says_so_and_keeps_working(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="20x6", province="hanoi", lang="fr")
    warnings = "\n".join(w.value for w in app.warning)
    assert "year=20x6" in warnings
    assert "province=hanoi" in warnings
    assert "lang=fr" in warnings
    assert len(app.metric) == 4
    assert app.title[0].value == "Tổng quan"


def test_a_closed_year_shows_its_result_not_a_forecast(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2025", lang="en")
    assert len(app.metric) == 4
    assert [m.label for m in app.metric] == ["Result for 2025"] * 3 + ["Result for 2025"]
    text = "\n".join(m.value for m in app.markdown)
    assert "Year-end projection" not in text
    assert "Probability of reaching the target" not in text
    assert "2025 target met" in text or "2025 target missed" in text
    expected = _expected_tiles(demo_warehouse_url, year=2025)
    for indicator, metric in zip(headline_indicators(), app.metric, strict=True):
        result = expected[indicator.code].year_result
        assert metric.value == fmt_value(result.value, indicator.unit, "en", indicator.decimals)
        assert metric.delta == fmt_pp(result.margin, "en")
    # The tiles are the review: no separate "2025 in review" strip.
    assert not any("2025 in review" in h.value for h in app.subheader)


def test_a_year_without_data_shows_an_empty_state(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2019")
    # 2019 is before the first year offered: the filter falls back to the default year.
    assert len(app.metric) == 4


def test_missing_warehouse_gives_a_clear_message(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'absent' / 'warehouse.sqlite'}"
    app = _run(monkeypatch, url)
    errors = "\n".join(e.value for e in app.error)
    assert "make run" in errors
    assert not (tmp_path / "absent" / "warehouse.sqlite").exists()
    assert not app.metric


def test_unreachable_warehouse_gives_a_clear_message(monkeypatch):
    app = _run(monkeypatch, "postgresql+psycopg://nobody@127.0.0.1:1/none")
    errors = "\n".join(e.value for e in app.error)
    assert "cannot be reached" in errors or "Không kết nối được" in errors
    assert "DASHBOARD_DB_URL" in errors
    assert not app.metric


def test_downloads_hold_the_tiles_shown(monkeypatch, demo_warehouse_url, expected):
    app = _run(monkeypatch, demo_warehouse_url, year=str(YEAR), lang="en")
    frames = [
        pd.DataFrame(d.value) if not isinstance(d.value, pd.DataFrame) else d.value
        for d in app.dataframe
    ]
    assert frames, "the attention list is shown as a table"


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://user@host/db"])
def test_a_malformed_warehouse_url_gives_a_clear_message(monkeypatch, url):
    app = _run(monkeypatch, url)
    errors = "\n".join(e.value for e in app.error)
    assert "DASHBOARD_DB_URL" in errors
    assert "không hợp lệ" in errors
    assert not app.metric


def test_a_closed_year_without_a_target_shows_its_result_and_says_there_was_none(
    monkeypatch, demo_warehouse_url
):
    app = _run(monkeypatch, demo_warehouse_url, year="2021", lang="en")
    text = "\n".join(m.value for m in app.markdown)
    assert "No target set for 2021" in text
    assert "Year-end projection" not in text
    assert app.metric[0].label == "Result for 2021"
    assert app.metric[0].delta is None or app.metric[0].delta == ""


def test_a_filter_matching_no_unit_shows_empty_states_not_errors(monkeypatch, demo_warehouse_url):
    app = _run(
        monkeypatch,
        demo_warehouse_url,
        year=str(YEAR),
        province="ba_ria_vung_tau",
        type="department",
    )
    infos = "\n".join(i.value for i in app.info)
    assert "Không có đơn vị nào khớp với bộ lọc" in infos
    assert not app.error


def test_an_early_or_lone_submission_never_becomes_the_headline(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """Regression: one ward's row for a month not yet over (or barely reported) used to
    replace the city's figure, and a lone December row closed the year in November."""
    import datetime as dt
    import shutil

    from data_access import writes

    copy = tmp_path / "early.sqlite"
    shutil.copy(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with engine.begin() as conn:
        for month in (dt.date(2026, 11, 1), dt.date(2026, 12, 1)):
            frame = pd.DataFrame(
                [
                    {
                        "indicator_id": "online_dossier_share",
                        "unit_id": "26737",
                        "period_year": 2026,
                        "period_month": month,
                        "value": 10.0,
                        "numerator": 10.0,
                        "denominator": 100.0,
                    }
                ]
            )
            writes.load_observation_batch(
                conn, frame, submission_key=f"early-{month}", source_name="t", submitted_by="t"
            )
    engine.dispose()
    before = _run(monkeypatch, demo_warehouse_url, year=str(YEAR))
    after = _run(monkeypatch, url, year=str(YEAR))
    assert after.metric[0].label == before.metric[0].label == "Kết quả thực hiện tháng 10/2026"
    assert after.metric[0].value == before.metric[0].value
    text = "\n".join(m.value for m in after.markdown)
    assert "Đạt chỉ tiêu năm 2026" not in text


def test_a_warehouse_without_published_figures_still_draws(
    monkeypatch, demo_warehouse_url, tmp_path
):
    """Regression: an empty published_figures table crashed the page (untyped dates)."""
    import shutil

    copy = tmp_path / "unpublished.sqlite"
    shutil.copy(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM published_figures")
    engine.dispose()
    app = _run(monkeypatch, f"sqlite:///{copy}", year=str(YEAR))
    assert len(app.metric) == 4


def test_a_year_without_targets_says_so_in_the_attention_list(monkeypatch, demo_warehouse_url):
    app = _run(monkeypatch, demo_warehouse_url, year="2021")
    infos = "\n".join(i.value for i in app.info)
    assert "Năm 2021 chưa có chỉ tiêu để so sánh các đơn vị" in infos


def test_a_link_cannot_plant_markdown_in_the_warning(monkeypatch, demo_warehouse_url):
    """Regression: rejected URL values were echoed as live Markdown (a clickable link)."""
    app = _run(monkeypatch, demo_warehouse_url, province="[click](https://evil.example)")
    warning = app.warning[0].value
    assert "[click](https://evil.example)" not in warning
    assert "\\[click\\]" in warning
    # The warning is said once; the next interaction does not repeat it.
    app.run()
    assert not app.warning


def test_the_download_of_a_closed_year_is_what_the_tiles_show(demo_warehouse_url):
    """Regression: the 2025 download held December's month value, trend and projection."""
    from app_pages._tables import tiles_table

    expected = _expected_tiles(demo_warehouse_url, year=2025)
    table = tiles_table(list(expected.values()), "en")
    assert "Year-end projection (%)" not in table.columns
    for row, tile in zip(table.to_dict("records"), expected.values(), strict=True):
        assert row["Result (%)"] == round(tile.year_result.value, 1)
        assert row["Gap (pp)"] == round(tile.year_result.margin, 1)
        assert row["Period"] == "Result for 2025"
