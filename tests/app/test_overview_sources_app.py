"""The Overview when a deployment's declared source fails a contract (issue 14): that
indicator's tile and review card say "Chưa đủ dữ liệu để đánh giá" with the reason, and the
other tiles show their golden figures; on the project's own default mapping the Overview runs
no source check at all (it reads its warehouse through its own queries, as before)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_access import sources
from i18n.escape import escape_markdown
from metrics.registry import HEADLINE_CODES
from tests.app.broken_sources import broken_mapping, unreachable_mapping
from tests.app.pages import open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, read_view, run_overview

GOLDEN = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "overview_demo.yaml").read_text(encoding="utf-8")
)["views"]
SHOWN = {
    "vi": [
        "markdown: **Mức độ hài lòng của người dân, doanh nghiệp**",
        "warning: "
        + escape_markdown(
            "Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “Mã đơn vị đối chiếu "
            "được”: 1 trên 183 mã đơn vị (82 dòng) không đối chiếu được qua bảng đối chiếu mã "
            "với đơn vị đã biết của chỉ tiêu này: X-26737."
        ),
        "caption: Chi tiết từng kiểm tra ở trang Quản trị dữ liệu; các chỉ tiêu khác vẫn được "
        "tính.",
    ],
    "en": [
        "markdown: **Citizen and business satisfaction**",
        "warning: "
        + escape_markdown(
            "Not yet assessable: the data source fails the check “Unit codes resolve”: 1 of 183 "
            "unit codes (82 rows) do not resolve through the crosswalk to a known unit of this "
            "indicator: X-26737."
        ),
        "caption: Every check is on the Data governance page; the other indicators are still "
        "computed.",
    ],
}
"""183 unit codes and 82 rows of unit 26737: counted by hand in the governance test's SQL."""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_failing_source_says_why_and_the_other_tiles_carry_on(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, lang
):
    time_machine.move_to(GOLDEN_MOMENT)
    mapping = broken_mapping(tmp_path, ("satisfaction_rate",))
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    golden = GOLDEN[f"2026 {lang}"]
    app = run_overview(monkeypatch, demo_warehouse_url, **golden["query"])
    seen = read_view(app, HEADLINE_CODES)
    assert seen["tiles"]["satisfaction_rate"] == SHOWN[lang]
    assert seen["review"]["satisfaction_rate"] == SHOWN[lang]
    for code in HEADLINE_CODES:
        if code != "satisfaction_rate":
            assert seen["tiles"][code] == golden["tiles"][code], code
            assert seen["review"][code] == golden["review"][code], code
    # The attention list carries on without the indicator that cannot be assessed.
    assert seen["attention"]
    assert find_block(app, "attention-list") is not None


def test_the_default_mapping_runs_no_check_on_the_overview(
    monkeypatch, time_machine, demo_warehouse_url
):
    calls: list[object] = []
    monkeypatch.setattr(sources, "check_health", lambda *a, **k: calls.append(a))
    monkeypatch.delenv(sources.SOURCES_FILE_VARIABLE, raising=False)
    time_machine.move_to(GOLDEN_MOMENT)
    app = run_overview(monkeypatch, demo_warehouse_url, year="2026", lang="en")
    assert calls == []
    seen = read_view(app, HEADLINE_CODES)
    assert seen["tiles"] == GOLDEN["2026 en"]["tiles"]


def test_a_malformed_deployment_mapping_is_said_and_the_tiles_carry_on(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("version: 1\nindicators: {}\n", encoding="utf-8")
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    time_machine.move_to(GOLDEN_MOMENT)
    app = run_overview(monkeypatch, demo_warehouse_url, year="2026", lang="en")
    said = (
        f"The declared data sources could not be checked: {mapping}: indicator —, field "
        "indicators: the file must have exactly two top-level keys, version and indicators, "
        "with at least one indicator. How to fix: start from data_access/sources.yaml and keep "
        "its layout"
    )
    assert [w.value for w in app.warning] == [escape_markdown(said)]
    seen = read_view(app, HEADLINE_CODES)
    assert seen["tiles"] == GOLDEN["2026 en"]["tiles"]


def test_an_unreachable_source_says_why_and_the_other_tiles_carry_on(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(unreachable_mapping(tmp_path)))
    monkeypatch.delenv(sources.SOURCE_URL_PREFIX + "CITY_DW", raising=False)
    time_machine.move_to(GOLDEN_MOMENT)
    golden = GOLDEN["2026 en"]
    app = run_overview(monkeypatch, demo_warehouse_url, **golden["query"])
    seen = read_view(app, HEADLINE_CODES)
    said = (
        "Not yet assessable: the data source fails the check “Reachable”: connection city_dw "
        "has no URL: set the environment variable DASHBOARD_SOURCE_URL_CITY_DW."
    )
    assert seen["tiles"]["satisfaction_rate"][1] == "warning: " + escape_markdown(said)
    for code in HEADLINE_CODES:
        if code != "satisfaction_rate":
            assert seen["tiles"][code] == golden["tiles"][code], code


@pytest.mark.parametrize("page", ["satisfaction", "briefing", None])
def test_a_declared_source_that_cannot_be_read_breaks_no_page(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, page
):
    """Regression: a declared source whose database does not answer raised the warehouse
    outage error out of every page that read its city series."""
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(unreachable_mapping(tmp_path)))
    missing = tmp_path / "gone" / "city.sqlite"
    monkeypatch.setenv(sources.SOURCE_URL_PREFIX + "CITY_DW", f"sqlite:///{missing}")
    time_machine.move_to(GOLDEN_MOMENT)
    app = open_page(monkeypatch, demo_warehouse_url, page, year="2026", lang="en")
    shown = "\n".join(str(e.value) for e in app.error)
    assert "The shared data warehouse" not in shown  # the outage message of a lost warehouse
    if page is None:
        tile = read_view(app, HEADLINE_CODES)["tiles"]["satisfaction_rate"]
        said = f"the source cannot be reached through connection city_dw: {missing}"
        whole = f"Not yet assessable: the data source fails the check “Reachable”: {said}."
        assert tile[1] == "warning: " + escape_markdown(whole)
