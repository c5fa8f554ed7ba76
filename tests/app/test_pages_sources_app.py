"""The indicator pages when a deployment's declared source fails a contract (issue 14): the
page says "Chưa đủ dữ liệu để đánh giá" with the reason, as the Overview tile does, instead
of its figures; the Satisfaction page in both languages, the Online services and Digital
economy pages in English. On the default mapping the pages are unchanged (their own tests).

Clock pinned to 2026-11-28 10:00 in the city. Counts by hand: the satisfaction rate's
declared rows are 14,996 (test_source_contracts_app.py); the ICT-basis digital economy
share's last month is 2026-09 (quarterly), so with a promise of 1 day it was due on
2026-10-01, 58 days before 2026-11-28.
"""

from __future__ import annotations

import pytest
import yaml

from data_access import sources
from i18n.escape import escape_markdown
from tests.app.broken_sources import SATISFACTION_SHOWN, broken_mapping, contract_mapping
from tests.app.pages import frame, open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, read_block

SATISFACTION_TITLE = {"vi": "Mức độ hài lòng", "en": "Satisfaction"}


def _open(monkeypatch, time_machine, url, mapping, page, lang):
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    return open_page(monkeypatch, url, page, year="2026", lang=lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_satisfaction_page_says_why_instead_of_its_figures(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, lang
):
    mapping = contract_mapping(tmp_path, "numerator_above_denominator")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "satisfaction", lang)
    assert app.title[0].value == SATISFACTION_TITLE[lang]
    block = find_block(app, "not-assessable-satisfaction_rate")
    assert block is not None
    assert read_block(block) == SATISFACTION_SHOWN[lang]
    # None of its figures: no headline metric, no chart, no section below.
    assert not app.metric
    assert not app.get("plotly_chart")
    index766 = {
        "vi": "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        "en": "Service index for citizens and businesses (Decision 766)",
    }[lang]
    assert index766 not in [s.value for s in app.subheader]
    assert not app.error


def test_the_online_page_says_why_instead_of_its_figures(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    mapping = broken_mapping(tmp_path, ("online_dossier_share",))
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "online", "en")
    block = find_block(app, "not-assessable-online_dossier_share")
    assert block is not None
    assert read_block(block)[1] == "warning: " + escape_markdown(
        "Not yet assessable: the data source fails the check “One row per unit and month”: "
        "2 rows share a unit and month with another row: unit_code=26737 month=2026-01-01 ×2."
    )
    assert not app.metric
    assert not app.get("plotly_chart")


def test_the_economy_page_says_why_for_its_basis_and_carries_on(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    last = frame(
        demo_warehouse_url,
        "SELECT MAX(o.period_month) AS m FROM observations o "
        "WHERE o.indicator_id = 'digital_economy_share_grdp' AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL",
    )
    assert str(last.loc[0, "m"])[:10] == "2026-09-01"
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    raw["indicators"]["digital_economy_share_grdp"]["freshness_days"] = 1
    mapping = tmp_path / "stale_economy.yaml"
    mapping.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "economy", "en")
    block = find_block(app, "not-assessable-digital_economy_share_grdp")
    assert block is not None
    assert read_block(block)[1] == "warning: " + escape_markdown(
        "Not yet assessable: the data source fails the check “Up to date”: stale: "
        "last month Sep 2026, promised within 1 day of a month's end, 58 days late."
    )
    labels = [str(m.label) for m in app.metric]
    # The ICT basis's own figures are not shown; the statistics office's basis still is.
    assert not any("estimate for" in label for label in labels), labels
    assert any(label.endswith("statistics office method") for label in labels), labels


def test_a_failing_companion_says_why_and_the_page_carries_on(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    """The on-time rate beside the online share: its year to date and its trend say why;
    the online share's own figures are still shown. Its last month is 2026-10 (the demo's),
    so with a promise of 2 days it was due on 2026-11-02, 26 days before 2026-11-28."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    raw["indicators"]["on_time_rate"]["freshness_days"] = 2
    mapping = tmp_path / "stale_on_time.yaml"
    mapping.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "online", "en")
    said = "warning: " + escape_markdown(
        "Not yet assessable: the data source fails the check “Up to date”: stale: "
        "last month Oct 2026, promised within 2 days of a month's end, 26 days late."
    )
    for key in ("not-assessable-ytd-on_time_rate", "not-assessable-trend-online-on_time_rate"):
        block = find_block(app, key)
        assert block is not None, key
        assert read_block(block)[1] == said, key
    assert find_block(app, "not-assessable-online_dossier_share") is None
    assert find_block(app, "not-assessable-ytd-e_result_rate") is None
    labels = [str(m.label) for m in app.metric]
    assert not any("on-time" in label.lower() for label in labels), labels
    assert len(app.metric) >= 3  # the online share's month and year to date, the e-results


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_disbursement_page_says_why_instead_of_its_figures(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, lang
):
    """Disbursement declared (cumulative) with a promise of 2 days: its last month is
    2026-10 (the demo's), due on 2026-11-02, 26 days before 2026-11-28."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    raw["indicators"]["public_investment_disbursement"]["freshness_days"] = 2
    mapping = tmp_path / "stale_disbursement.yaml"
    mapping.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "disbursement", lang)
    block = find_block(app, "not-assessable-public_investment_disbursement")
    assert block is not None
    said = {
        "en": "Not yet assessable: the data source fails the check “Up to date”: stale: "
        "last month Oct 2026, promised within 2 days of a month's end, 26 days late.",
        "vi": "Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “Cập nhật đúng "
        "hạn”: chưa cập nhật: số liệu mới nhất tháng 10/2026, cam kết trong 2 ngày sau khi hết "
        "tháng, chậm 26 ngày.",
    }[lang]
    assert read_block(block)[1] == "warning: " + escape_markdown(said)
    assert not app.metric
    assert not app.get("plotly_chart")
    assert not app.error
