"""Source health on the data-governance page (issue 14): every declared source with its
facts and each contract's result in the reader's language; checks kept for a while and run
again on demand; a broken source shows what failed and never breaks the page.

The broken mapping is the default one with two sources changed: the online dossier share's
query returns one unit-month twice, and the satisfaction rate's query renames one unit to a
code no crosswalk knows. Expected counts come from this suite's own SQL on the warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_access import sources
from i18n.escape import escape_markdown
from tests.app.broken_sources import broken_mapping, unreachable_mapping
from tests.app.pages import frame, open_page
from tests.app.reading import GOLDEN_MOMENT, find_block, tables_in_html


def _contracts(app, code: str):
    block = find_block(app, f"source-{code}")
    assert block is not None, code
    # One plain HTML table (app_pages/_html_table.py), no data grid.
    assert not [node for node in _walk(block) if type(node).__name__ == "Dataframe"], code
    tables = [
        table
        for node in _walk(block)
        if type(node).__name__ == "Html"
        for table in tables_in_html(node.proto.body).values()
    ]
    assert len(tables) == 1, code
    return tables[0]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def read_caption(app, code: str) -> str:
    (caption,) = [
        n for n in _walk(find_block(app, f"source-{code}")) if type(n).__name__ == "Caption"
    ]
    return str(caption.value)


def _texts(block) -> list[str]:
    return [str(node.value) for node in _walk(block) if hasattr(node, "value")]


def _satisfaction_counts(url: str) -> tuple[int, int]:
    """Unit codes of the satisfaction rate's declared rows, and rows of unit 26737."""
    counts = frame(
        url,
        "SELECT COUNT(DISTINCT o.unit_id) AS units, "
        "SUM(CASE WHEN o.unit_id = '26737' THEN 1 ELSE 0 END) AS rows_26737 "
        "FROM observations o JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = 'satisfaction_rate' AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL "
        "AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department', 'investor')",
    )
    return int(counts.loc[0, "units"]), int(counts.loc[0, "rows_26737"])


def _open(monkeypatch, time_machine, url: str, mapping: Path, lang: str):
    time_machine.move_to(GOLDEN_MOMENT)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    return open_page(monkeypatch, url, "governance", lang=lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_source_shows_its_contracts_and_the_exact_failure(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, lang
):
    app = _open(monkeypatch, time_machine, demo_warehouse_url, broken_mapping(tmp_path), lang)
    units, rows_26737 = _satisfaction_counts(demo_warehouse_url)
    assert (units, rows_26737) == (183, 82)  # the demo's, so a change in it is noticed
    expected = {
        "vi": {
            "online_dossier_share": (
                "one_row_per_unit_month",
                "2 dòng trùng đơn vị và tháng với dòng khác: unit_code=26737 month=2026-01-01 ×2",
            ),
            "satisfaction_rate": (
                "units_known",
                f"1 trên {units} mã đơn vị ({rows_26737} dòng) không đối chiếu được qua bảng "
                "đối chiếu mã với đơn vị đã biết của chỉ tiêu này: X-26737",
            ),
        },
        "en": {
            "online_dossier_share": (
                "one_row_per_unit_month",
                "2 rows share a unit and month with another row: unit_code=26737 "
                "month=2026-01-01 ×2",
            ),
            "satisfaction_rate": (
                "units_known",
                f"1 of {units} unit codes ({rows_26737} rows) do not resolve through the "
                "crosswalk to a known unit of this indicator: X-26737",
            ),
        },
    }[lang]
    fail, passed = ("✕ Không đạt", "✓ Đạt") if lang == "vi" else ("✕ Fail", "✓ Pass")
    for code in (s.indicator for s in sources.load_mapping(sources.DEFAULT_MAPPING_PATH).sources):
        table = _contracts(app, code)
        assert len(table) == len(sources.CONTRACTS), code
        results = list(table.iloc[:, 1])
        if code in expected:
            contract, message = expected[code]
            at = sources.CONTRACTS.index(contract)
            assert results[at] == fail, code
            assert table.iloc[at, 2] == message, code
            assert results[:at] + results[at + 1 :] == [passed] * (len(results) - 1), code
            headline = "Không đạt 1/7 kiểm tra" if lang == "vi" else "Fails 1 of 7 checks"
            assert headline in _texts(find_block(app, f"source-{code}")), code
        else:
            assert results == [passed] * len(results), (code, list(table.iloc[:, 2]))
    facts = [c.value for c in app.caption if c.value.startswith(("Kết nối", "Connection"))]
    assert len(facts) == 7
    # A failing source is a warning to attend to, not an error of the page (the every-page
    # browser test forbids error boxes; a year-old demo failed it on freshness).
    assert [e.value for e in app.error] == []
    failing = "Không đạt 1/7 kiểm tra" if lang == "vi" else "Fails 1 of 7 checks"
    assert [w.value for w in app.warning].count(failing) == 2
    title = (
        "Tình trạng nguồn số liệu đã khai báo"
        if lang == "vi"
        else ("Health of the declared data sources")
    )
    assert title in [s.value for s in app.subheader]
    # The rest of the page is still there.
    assert app.subheader[0].value in (
        "Điểm của Thành phố theo nhóm dữ liệu",
        "The city's score per data group",
    )


def test_checks_are_kept_and_run_again_on_demand(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    calls: list[Path] = []
    real = sources.check_health

    def counting(path=None, *args, **kwargs):
        calls.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sources, "check_health", counting)
    mapping = broken_mapping(tmp_path)
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "en")
    assert calls == [mapping]
    app.run()  # a rerun within the schedule's 15 minutes: the kept check
    assert calls == [mapping]
    (button,) = [b for b in app.button if b.label == "Check again"]
    button.click().run()
    assert not app.exception
    assert calls == [mapping, mapping]
    assert find_block(app, "source-satisfaction_rate") is not None


def test_a_malformed_mapping_says_what_is_wrong_as_plain_text(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url
):
    mapping = tmp_path / "bad_*mapping*.yaml"
    mapping.write_text("version: 2\nindicators:\n  online_dossier_share: {}\n", encoding="utf-8")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, "en")
    errors = [e.value for e in app.error]
    assert len(errors) == 1
    said = (
        f"{mapping}: indicator —, field version: the version is 2, not 1. "
        "How to fix: write version: 1"
    )
    # Escaped: the file name's asterisks stay asterisks (no bold), nothing becomes a link.
    assert errors[0] == escape_markdown(said)
    assert "bad\\_\\*mapping\\*" in errors[0]
    assert find_block(app, "source-online_dossier_share") is None


@pytest.mark.parametrize("configured", [False, True])
def test_an_unreachable_source_shows_what_failed(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, configured
):
    variable = sources.SOURCE_URL_PREFIX + "CITY_DW"
    missing = tmp_path / "no such folder" / "city.sqlite"
    if configured:
        monkeypatch.setenv(variable, f"sqlite:///{missing}")
    else:
        monkeypatch.delenv(variable, raising=False)
    app = _open(monkeypatch, time_machine, demo_warehouse_url, unreachable_mapping(tmp_path), "en")
    table = _contracts(app, "satisfaction_rate")
    said = (
        "connection city_dw has no URL: set the environment variable DASHBOARD_SOURCE_URL_CITY_DW"
        if not configured
        # The configured SQLite file does not exist: the detail names it.
        else f"the source cannot be reached through connection city_dw: {missing}"
    )
    assert list(table.iloc[0]) == ["Reachable", "✕ Fail", said]
    assert list(table.iloc[1:, 1]) == ["– Not checked"] * (len(sources.CONTRACTS) - 1)
    facts = read_caption(app, "satisfaction_rate")
    assert facts == "Connection city\\_dw · — rows · last new month — · query — s"
    assert list(_contracts(app, "online_dossier_share").iloc[:, 1]) == ["✓ Pass"] * 7


@pytest.mark.parametrize(("roles", "shown"), [({"viewer"}, False), ({"data_steward"}, True)])
def test_source_health_is_for_data_stewards(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, roles, shown
):
    from data_access.identity import User

    monkeypatch.setattr("app_pages._auth.LOCAL_USER", User("someone", frozenset(roles)))
    app = _open(monkeypatch, time_machine, demo_warehouse_url, broken_mapping(tmp_path), "en")
    titles = [s.value for s in app.subheader]
    assert ("Health of the declared data sources" in titles) is shown
    assert (find_block(app, "source-online_dossier_share") is not None) is shown
    # The rest of the page is there for both.
    assert titles[:6] == [
        "The city's score per data group",
        "Units not reported and reported late",
        "Citizen data group",
        "Finance and business data group",
        "Land and urban data group",
        "Quality by unit",
    ]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_duplicate_disbursement_report_names_its_plan_year_on_screen(
    monkeypatch, time_machine, tmp_path, demo_warehouse_url, lang
):
    """Disbursement (cumulative) is one row per investor, plan year and month: its January
    holds two plan years and passes; a report of 26566 for August 2026 given twice fails,
    and the page says so with the plan year, in the reader's language."""
    raw = yaml.safe_load(sources.DEFAULT_MAPPING_PATH.read_text(encoding="utf-8"))
    entry = raw["indicators"]["public_investment_disbursement"]
    twice = (
        "\nUNION ALL\n" + entry["sql"].strip() + "\n  AND o.unit_id = '26566' "
        "AND o.period_year = 2026 AND o.period_month = '2026-08-01'"
    )
    entry["sql"] = entry["sql"].strip() + twice
    mapping = tmp_path / "twice.yaml"
    mapping.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    app = _open(monkeypatch, time_machine, demo_warehouse_url, mapping, lang)
    table = _contracts(app, "public_investment_disbursement")
    at = sources.CONTRACTS.index("one_row_per_unit_month")
    fail, passed = ("✕ Không đạt", "✓ Đạt") if lang == "vi" else ("✕ Fail", "✓ Pass")
    assert list(table.iloc[:, 1]) == [passed] * at + [fail] + [passed] * (len(table) - at - 1)
    said = {
        "vi": "2 dòng trùng đơn vị và tháng với dòng khác: unit_code=26566 year=2026 "
        "month=2026-08-01 ×2",
        "en": "2 rows share a unit and month with another row: unit_code=26566 year=2026 "
        "month=2026-08-01 ×2",
    }[lang]
    assert table.iloc[at, 2] == said
    assert [e.value for e in app.error] == []
