"""The Overview's attention list and its downloads on the demo warehouse (issue 7, findings
8, 9 and 12): units that did not report first, each headline indicator with its own units
(satisfaction included), gaps in dossiers and billion VND, numbers stored as numbers, a
closed year met or missed, and files that say what they cover.

Expected units come from independent SQL on the warehouse; expected words and figures are
written by hand.
"""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl
import pandas as pd
import pytest
import time_machine
from sqlalchemy import text

from data_access.engine import make_engine
from metrics.registry import HEADLINE_CODES
from tests.app.reading import (
    GOLDEN_MOMENT,
    download,
    download_name,
    find_block,
    read_view,
    run_overview,
)


@pytest.fixture(scope="module")
def apps(demo_warehouse_url: str) -> dict[str, Any]:
    views = {
        "2026 vi": {"year": "2026", "lang": "vi"},
        "2026 en": {"year": "2026", "lang": "en"},
        "2025 vi": {"year": "2025", "lang": "vi"},
    }
    out = {}
    with pytest.MonkeyPatch.context() as monkeypatch, time_machine.travel(GOLDEN_MOMENT):
        for name, params in views.items():
            out[name] = run_overview(monkeypatch, demo_warehouse_url, **params)
        # The tables are built only once their expander is opened (issue 12, drawing).
        out["2026 en"].session_state["attention-tables"] = True
        out["2026 en"].run()
        assert not out["2026 en"].exception
    return out


def test_the_attention_tables_are_built_only_when_opened(apps: dict[str, Any]):
    """Closed (as every visit starts), the expander holds no data grid; opened, one per
    indicator with units to list."""
    assert not apps["2026 vi"].dataframe
    assert _tables(apps["2026 vi"]) == {}
    assert len(_tables(apps["2026 en"])) >= 2


def _not_reported(url: str, indicator: str) -> set[str]:
    """Independent SQL: units with a current total row in 2026 but none for October 2026
    (disbursement: investors with a plan and an earlier report but no October row)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT DISTINCT u.name_vi FROM observations o JOIN units u "
                    "ON u.unit_id = o.unit_id WHERE o.indicator_id = :code "
                    "AND o.superseded_at IS NULL AND o.breakdown_key = '' "
                    "AND o.period_year = 2026 AND o.unit_id NOT IN ("
                    "  SELECT p.unit_id FROM observations p WHERE p.indicator_id = :code "
                    "  AND p.superseded_at IS NULL AND p.breakdown_key = '' "
                    "  AND p.period_year = 2026 AND p.period_month = '2026-10-01')"
                ),
                {"code": indicator},
            ).all()
    finally:
        engine.dispose()
    return {str(r[0]) for r in rows}


def _lines(app: Any) -> list[str]:
    return read_view(app, HEADLINE_CODES)["attention"]


def test_units_that_did_not_report_come_first(apps: dict[str, Any], demo_warehouse_url: str):
    """Regression (finding 9): a unit without a report got impact 0 and was hidden."""
    lines = _lines(apps["2026 vi"])
    assert lines[0] == "**Chưa báo cáo số liệu tháng 10/2026**"
    missing = set()
    for code in ("online_dossier_share", "satisfaction_rate", "public_investment_disbursement"):
        missing |= _not_reported(demo_warehouse_url, code)
    assert missing, "the demo has units that missed October"
    block = []
    for line in lines[1:]:
        if line.startswith("**"):
            break
        block.append(line)
    named = {line.split("**")[1] for line in block}
    # Each indicator names at most five; every one named is a real non-reporter.
    assert named <= missing
    assert all("— số liệu gần nhất: " in line for line in block)


def test_each_headline_indicator_has_its_own_section_satisfaction_included(
    apps: dict[str, Any],
):
    """Regression (finding 9): all ten items were disbursement."""
    headings = [line for line in _lines(apps["2026 vi"]) if line.startswith("**")]
    assert headings[1:] == [
        "**Tỷ lệ hồ sơ trực tuyến — mọi đơn vị đã đạt chỉ tiêu 50,0%; đơn vị thấp nhất của "
        "mỗi nhóm**",
        "**Mức độ hài lòng của người dân, doanh nghiệp — chỉ tiêu 90,0%**",
        "**Tỷ lệ giải ngân kế hoạch vốn đầu tư công — mốc tiến độ đến 31/10/2026: 65,2%**",
    ]


def test_impact_is_a_sentence_in_dossiers_or_billion_vnd(
    apps: dict[str, Any], demo_warehouse_url: str
):
    """Regression (finding 9): impact was an opaque "ảnh hưởng 0,12". The first
    disbursement board's shortfall by hand from its own rows: plan × 65.2…% − disbursed."""
    engine = make_engine(demo_warehouse_url)
    try:
        with engine.connect() as conn:
            numerator, denominator = conn.execute(
                text(
                    "SELECT o.numerator, o.denominator FROM observations o JOIN units u "
                    "ON u.unit_id = o.unit_id WHERE o.indicator_id = "
                    "'public_investment_disbursement' AND o.superseded_at IS NULL "
                    "AND o.breakdown_key = '' AND o.period_month = '2026-10-01' "
                    "AND u.name_vi = 'Ban Quản lý đường sắt đô thị'"
                )
            ).one()
    finally:
        engine.dispose()
    # The milestone path at 31 October 2026: 50 % at 30 September, 95 % at 31 December,
    # linear by day: 50 + 45 × 31 / 92.
    path = 50.0 + 45.0 * 31 / 92
    expected = round(path / 100 * float(denominator) - float(numerator))
    words = f"{expected:,}".replace(",", ".")
    lines = _lines(apps["2026 vi"])
    (rail,) = [line for line in lines if "**Ban Quản lý đường sắt đô thị**" in line]
    assert f"chậm {words} tỷ đồng so với tiến độ" in rail
    assert "ảnh hưởng" not in "\n".join(lines)


def test_a_closed_year_says_met_or_missed_never_at_risk(apps: dict[str, Any]):
    """Regression (finding 8): a closed year's attention list said "Có nguy cơ không đạt"."""
    text_2025 = "\n".join(_lines(apps["2025 vi"]))
    assert "Có nguy cơ không đạt" not in text_2025
    assert "Đúng tiến độ" not in text_2025 and "Chậm tiến độ" not in text_2025
    assert "Không đạt" in text_2025
    assert "mốc tiến độ" not in text_2025  # a closed year is judged on its target


def _tables(app: Any) -> dict[str, Any]:
    out = {}
    for key in ("not-reported", *HEADLINE_CODES):
        block = find_block(app, f"attention-table-{key}")
        if block is None:
            continue
        (frame,) = [node for node in block.children.values() if type(node).__name__ == "Dataframe"]
        out[key] = frame
    return out


def test_the_attention_table_holds_numbers_and_sorts_numerically(apps: dict[str, Any]):
    """Regression (finding 9): the table held "−17,9 điểm phần trăm" as text, so sorting
    by gap put −9,3 before −35,0."""
    tables = _tables(apps["2026 en"])
    disbursement = tables["public_investment_disbursement"]
    frame = disbursement.value
    config = json.loads(disbursement.proto.columns)
    numeric = [
        "Result (%)",
        "Milestone (%)",
        "Gap (pp)",
        "Behind schedule (billion VND)",
    ]
    for column in numeric:
        assert pd.api.types.is_float_dtype(frame[column]), column
        assert config[column]["type_config"]["type"] == "number", column
        assert config[column]["type_config"]["format"], column
    assert config["Gap (pp)"]["type_config"]["format"] == "%+,.1f"
    # The rows come largest shortfall first, as numbers; sorting the gap column as a
    # reader's click does is numeric (text would put "-9.3" after "-35.0").
    shortfall = frame["Behind schedule (billion VND)"].tolist()
    assert shortfall == sorted(shortfall, reverse=True)
    gaps = frame["Gap (pp)"].tolist()
    assert sorted(gaps) == sorted(gaps, key=float)
    assert sorted(gaps) != sorted(gaps, key=str)
    # No cell repeats the unit: it is in the header.
    assert not any("pp" in str(v) for v in frame.to_numpy().ravel())


def _csv_about(data: bytes) -> dict[str, str]:
    lines = data.decode("utf-8-sig").splitlines()
    about = [line[2:] for line in lines if line.startswith("# ")]
    return dict(line.split(": ", 1) for line in about if ": " in line)


def test_downloads_carry_scope_date_demo_flag_and_sources(apps: dict[str, Any]):
    """Regression (finding 12): no demo flag, scope, filters or as-of date was in the file,
    and its name ignored the filters."""
    app = apps["2026 vi"]
    for stem in ("tiles", "attention"):
        csv = download(app, f"csv-{stem}")
        about = _csv_about(csv)
        assert about["Phạm vi"] == "toàn Thành phố"
        assert about["Năm"] == "2026"
        assert about["Số liệu tính đến ngày"] == "31/10/2026"
        assert about["Dữ liệu minh họa (không phải số liệu chính thức)"] == "Dữ liệu minh họa"
        assert "Nguồn số liệu" in about
        workbook = openpyxl.load_workbook(io.BytesIO(download(app, f"xlsx-{stem}")))
        assert workbook.sheetnames[1] == "Thông tin"
        sheet = {row[0]: row[1] for row in workbook["Thông tin"].iter_rows(values_only=True)}
        assert sheet["Phạm vi"] == "toàn Thành phố"
        assert sheet["Số liệu tính đến ngày"] == "31/10/2026"
        name = download_name(app, f"csv-{stem}")
        assert name.endswith("toan-thanh-pho-2026-10-31.csv"), name


def test_the_tiles_download_has_numbers_and_probabilities_as_on_screen(apps: dict[str, Any]):
    """Regression (finding 12): the pace was text mixing %, pp and tỷ đồng, and the
    probability 100.0 / 0.0 where the screen says > 99 % / < 1 %."""
    csv = pd.read_csv(
        io.BytesIO(download(apps["2026 en"], "csv-tiles")), encoding="utf-8-sig", comment="#"
    ).set_index("Indicator")
    online = csv.loc["Online dossier share"]
    disbursement = csv.loc["Public investment disbursement rate"]
    assert online["Probability of reaching the target"] == "> 99%"
    assert disbursement["Probability of reaching the target"] == "< 1%"
    assert pd.api.types.is_float_dtype(csv["Probability of reaching the target (%)"])
    assert pd.api.types.is_float_dtype(csv["Required pace"])
    assert disbursement["Unit of the pace"] == "pp a month"
    assert disbursement["Period of the recent pace"] == "Aug–Oct 2026"
    xlsx = pd.read_excel(io.BytesIO(download(apps["2026 en"], "xlsx-tiles")), sheet_name=None)
    assert list(xlsx) == ["data", "About"]
    assert xlsx["data"]["Required pace"].dtype.kind == "f"
