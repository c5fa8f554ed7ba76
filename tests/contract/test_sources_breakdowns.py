"""Declared breakdowns below the unit totals (issue 14), on SQLite: the city-style warehouse
of ``tests/sources_city.py`` declares the online share's dossiers by procedure (dossier
rows per channel and submission time, joined to the city's procedure catalogue and summed
in SQL) and GRDP's sectors (quarters given as year and number). Read through the mapping,
they give the project's own figures part by part; each broken breakdown fails its contract
with the exact message in both languages while the sources and the other breakdown pass.

The PostgreSQL twin, with a SELECT-only role:
``tests/postgres/test_sources_breakdowns_postgres.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
import time_machine
from sqlalchemy import create_engine, text

from data_access import queries, sources
from tests.conftest import city_moment
from tests.sources_city import build_city_warehouse, write_city_mapping

TODAY = dt.date(2026, 11, 20)
CONNECTION_VARIABLE = sources.SOURCE_URL_PREFIX + "CITY_DW"
PROCEDURE_COLUMNS = ["name_vi", "name_en", "attributes_json"]
PROCEDURE_COLUMNS += ["numerator", "denominator", "value", "n_units"]
SECTOR_COLUMNS = ["period_year", "code", "name_vi", "name_en", "amount", "n_periods"]
SECTOR_COLUMNS += ["year_total", "share_pct"]
SERIES_COLUMNS = ["period_year", "period_month", "numerator", "denominator", "value"]
SERIES_COLUMNS += ["n_units", "n_expected"]


@pytest.fixture(scope="module")
def city(demo_warehouse_url, tmp_path_factory) -> tuple[Path, Path]:
    """The city-style SQLite warehouse and its mapping with GRDP and the breakdowns."""
    folder = tmp_path_factory.mktemp("city-breakdowns")
    database = folder / "city.sqlite"
    url = f"sqlite:///{database}"
    crosswalk = build_city_warehouse(demo_warehouse_url, url)
    return database, write_city_mapping(folder, url, crosswalk, grdp=True, breakdowns=True)


def declared(mapping_file: Path, indicator: str) -> sources.Source:
    return next(s for s in sources.load_mapping(mapping_file).sources if s.indicator == indicator)


def compare_breakdowns(demo_url: str, city_url: str, mapping_file: Path) -> None:
    """The procedures (per scope and year) and the sectors (per year) through the mapping
    equal the project's own queries on the demo, part by part."""
    online = declared(mapping_file, "online_dossier_share")
    grdp = declared(mapping_file, "grdp_current_prices")
    scopes = [
        queries.UnitFilter(),
        queries.UnitFilter(former_provinces=("binh_duong",)),
        queries.UnitFilter(unit_types=("department",)),
        queries.UnitFilter(unit_ids=("26737",)),
    ]
    demo = create_engine(demo_url)
    city_engine = sources.read_only_engine(city_url)
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            parts = sources.breakdown_parts(city_conn, online, "procedure")
            assert len(parts) == 17
            for year, through in ((2025, dt.date(2025, 12, 1)), (2026, dt.date(2026, 10, 1))):
                sums = sources.breakdown_unit_sums(city_conn, online, "procedure", year, through)
                for scope in scopes:
                    expected = queries.breakdown_standing(
                        demo_conn, online.indicator, year, through, "procedure", scope
                    )
                    got = sources.as_breakdown_standing(sums, parts, online, units, scope)
                    assert len(expected) >= 5, (year, scope)
                    pd.testing.assert_frame_equal(
                        got[PROCEDURE_COLUMNS], expected[PROCEDURE_COLUMNS], check_exact=True
                    )
            for part in parts.itertuples(index=False):
                own = queries.breakdown_list(demo_conn)
                key = own.loc[own["name_vi"] == part.name_vi, "breakdown_key"].item()
                expected = queries.scope_series(
                    demo_conn, online.indicator, queries.UnitFilter(), None, key
                )
                month_sums = sources.breakdown_month_sums(city_conn, online, "procedure", part.code)
                got = sources.as_filtered_series(month_sums, online, units, queries.UnitFilter())
                assert len(expected) == 22, key  # January 2025 to October 2026
                pd.testing.assert_frame_equal(
                    got[SERIES_COLUMNS], expected[SERIES_COLUMNS], check_exact=True
                )
            expected = queries.breakdown_by_year(demo_conn, grdp.indicator, "sector")
            got = sources.as_breakdown_by_year(
                sources.breakdown_year_sums(city_conn, grdp, "sector"),
                sources.breakdown_parts(city_conn, grdp, "sector"),
                grdp,
                units,
            )
            assert len(expected) == 7 * 14  # 2020 to 2026, fourteen sectors and taxes
            pd.testing.assert_frame_equal(got[SECTOR_COLUMNS], expected[SECTOR_COLUMNS])
            groups = got["attributes_json"].str.extract(r'"group": "(\w+)"')[0]
            own_groups = expected["attributes_json"].str.extract(r'"group": "(\w+)"')[0]
            assert list(groups) == list(own_groups)
    finally:
        demo.dispose()
        city_engine.dispose()


def test_the_declared_breakdowns_give_the_project_figures_part_by_part(city, demo_warehouse_url):
    database, mapping_file = city
    compare_breakdowns(demo_warehouse_url, f"sqlite:///{database}", mapping_file)


def run_check(monkeypatch, capsys, demo_url, database, mapping, lang="en"):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_url)
    monkeypatch.setenv(CONNECTION_VARIABLE, f"sqlite:///{database}")
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--mapping", str(mapping), "--lang", lang])
    return code, capsys.readouterr().out


def blocks(out: str) -> dict[str, list[str]]:
    """The command's lines per source and per breakdown (``indicator:dimension``)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines()[1:]:
        if line.startswith("  "):
            assert current is not None
            found[current].append(line)
        elif " (" in line:
            current = line.split(" ", 1)[0]
            found[current] = []
    return found


PASSING = {
    "online_dossier_share:procedure": [
        "  PASS reachable: connection city_dw answers",
        "  PASS columns: the 9 promised columns are present with the promised types",
        "  PASS units_known: all 173 unit codes resolve to known units",
        "  PASS one_row_per_unit_month_key: one row per unit, month and part (40,773 rows)",
        "  PASS within_bounds: every numerator is within its denominator, so rates are within "
        "0–100% (40,773 rows)",
        "  PASS no_future_months: no month after the current one (today 20 Nov 2026)",
    ],
    "grdp_current_prices:sector": [
        "  PASS reachable: connection city_dw answers",
        "  PASS columns: the 7 promised columns are present with the promised types",
        "  PASS units_known: all 1 unit codes resolve to known units",
        "  PASS one_row_per_unit_month_key: one row per unit, month and part (378 rows)",
        "  PASS within_bounds: not a rate: no numerator–denominator bound to check (378 rows)",
        "  PASS no_future_months: no month after the current one (today 20 Nov 2026)",
    ],
}


def test_the_check_command_checks_the_breakdowns(city, demo_warehouse_url, monkeypatch, capsys):
    database, mapping_file = city
    code, out = run_check(monkeypatch, capsys, demo_warehouse_url, database, mapping_file)
    assert code == 0, out
    found = blocks(out)
    assert len(found) == 8 + 2, list(found)
    for name, lines in PASSING.items():
        assert found[name] == lines
    header = next(line for line in out.splitlines() if line.startswith("grdp_current_prices:"))
    assert header.startswith(
        "grdp_current_prices:sector (connection city_dw): 378 rows, last new month Sep 2026, query "
    )
    assert out.splitlines()[-1] == "All 8 sources pass every contract."


# Each case: the breakdown it breaks, SQL run on a copy of the city warehouse, a change to the
# mapping (old, new), rows added to the crosswalk file, and the line expected in English and
# Vietnamese.
CASES = {
    "missing_column": (
        "online_dossier_share:procedure",
        [],
        (
            "attributes: {online_availability: muc_do_truc_tuyen}",
            "attributes: {online_availability: muc_do_dvc}",
        ),
        [],
        "  FAIL columns: 1 of 9 promised columns are missing: muc_do_dvc",
        "  KHÔNG ĐẠT columns: thiếu 1 trên 9 cột đã cam kết: muc_do_dvc",
    ),
    "unknown_unit": (
        "online_dossier_share:procedure",
        ["INSERT INTO ho_so_tthc VALUES ('HCM-9999', 'TTHC-004', '2026-10-02 08:30:00', 1, 5)"],
        None,
        [],
        "  FAIL units_known: 1 of 174 unit codes (1 rows) do not resolve through the crosswalk "
        "to a known unit of this indicator: HCM-9999",
        "  KHÔNG ĐẠT units_known: 1 trên 174 mã đơn vị (1 dòng) không đối chiếu được qua bảng "
        "đối chiếu mã với đơn vị đã biết của chỉ tiêu này: HCM-9999",
    ),
    # A ward given a second code (HCM-0001B, crosswalked to the same unit) whose dossiers of
    # one procedure in October were filed under it too: two rows of one unit, month and part.
    "duplicate_part": (
        "online_dossier_share:procedure",
        ["INSERT INTO ho_so_tthc VALUES ('HCM-0001B', 'TTHC-004', '2026-10-02 08:30:00', 1, 5)"],
        None,
        ["HCM-0001B"],
        "  FAIL one_row_per_unit_month_key: 2 rows share a unit, month and part with another "
        "row: unit_code=HCM-0001+HCM-0001B month=2026-10-01 key=TTHC-004 ×2",
        "  KHÔNG ĐẠT one_row_per_unit_month_key: 2 dòng trùng đơn vị, tháng và phần với dòng "
        "khác: unit_code=HCM-0001+HCM-0001B month=2026-10-01 key=TTHC-004 ×2",
    ),
    # A correction row that takes away more dossiers received in person than were received.
    "numerator_above_denominator": (
        "online_dossier_share:procedure",
        [
            "INSERT INTO ho_so_tthc VALUES ('HCM-0001', 'TTHC-017', '2026-11-02 08:30:00', 1, 5)",
            "INSERT INTO ho_so_tthc VALUES ('HCM-0001', 'TTHC-017', '2026-11-27 16:45:00', 0, -2)",
        ],
        None,
        [],
        "  FAIL within_bounds: 1 of 40,774 rows have a numerator above the denominator or a "
        "negative figure (a rate outside 0–100%): unit_code=HCM-0001 month=2026-11-01 "
        "key=TTHC-017 numerator=5 denominator=3",
        "  KHÔNG ĐẠT within_bounds: 1 trên 40.774 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ "
        "lệ ngoài khoảng 0–100%): unit_code=HCM-0001 month=2026-11-01 key=TTHC-017 "
        "numerator=5 denominator=3",
    ),
    "future_month": (
        "online_dossier_share:procedure",
        ["INSERT INTO ho_so_tthc VALUES ('HCM-0001', 'TTHC-004', '2026-12-02 08:30:00', 1, 5)"],
        None,
        [],
        "  FAIL no_future_months: 1 of 40,774 rows are for a month after the current one "
        "(today 20 Nov 2026): unit_code=HCM-0001 month=2026-12-01 key=TTHC-004",
        "  KHÔNG ĐẠT no_future_months: 1 trên 40.774 dòng thuộc tháng sau tháng hiện tại "
        "(hôm nay 20/11/2026): unit_code=HCM-0001 month=2026-12-01 key=TTHC-004",
    ),
}


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_breakdown_fails_its_contract_and_the_rest_pass(
    case, lang, city, demo_warehouse_url, tmp_path, monkeypatch, capsys
):
    broken, statements, change, extra_codes, expected_en, expected_vi = CASES[case]
    database, mapping_file = city
    copy = tmp_path / "city.sqlite"
    shutil.copyfile(database, copy)
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
    mapping_text = mapping_file.read_text(encoding="utf-8")
    if change is not None:
        assert mapping_text.count(change[0]) == 1
        mapping_text = mapping_text.replace(*change)
    mapping = tmp_path / "city_sources.yaml"
    mapping.write_text(mapping_text, encoding="utf-8")
    crosswalk = (mapping_file.parent / "ma_don_vi.csv").read_text(encoding="utf-8")
    official = dict(line.split(",") for line in crosswalk.splitlines()[1:])
    for code in extra_codes:  # a second code of the unit its first part names
        crosswalk += f"{code},{official[code[:-1]]}\n"
    (tmp_path / "ma_don_vi.csv").write_text(crosswalk, encoding="utf-8")

    code, out = run_check(monkeypatch, capsys, demo_warehouse_url, copy, mapping, lang)

    assert code == 1, out
    found = blocks(out)
    assert len(found) == 10
    expected = expected_en if lang == "en" else expected_vi
    assert expected in found[broken], "\n".join(found[broken])
    failing = "  FAIL " if lang == "en" else "  KHÔNG ĐẠT "
    assert sum(line.startswith(failing) for line in found[broken]) == 1
    passing = "  PASS " if lang == "en" else "  ĐẠT "
    for other, lines in found.items():
        if other != broken:  # every source, the other breakdown, and the totals beside it
            assert all(line.startswith(passing) for line in lines), (other, lines)
    assert out.splitlines()[-1] == (
        f"1 sources fail their contracts: {broken}"
        if lang == "en"
        else f"1 nguồn không đạt kiểm tra: {broken}"
    )


@pytest.mark.parametrize(
    ("entry", "field", "problem"),
    [
        (
            "  public_investment_disbursement:\n    connection: city_dw\n    freshness_days: 36\n"
            "    sql: SELECT 1 AS unit_code, 2 AS month, 3 AS numerator, 4 AS denominator\n"
            "    breakdowns: {procedure: {sql: SELECT 1}}\n",
            "breakdowns",
            "a cumulative indicator (disbursement) has no breakdowns. How to fix: remove this "
            "indicator's breakdowns",
        ),
        (
            "  online_dossier_share:\n    connection: city_dw\n    freshness_days: 36\n"
            "    sql: SELECT 1\n    breakdowns: {channel: {sql: SELECT 1}}\n",
            "breakdowns.channel",
            "this is not a breakdown the pages use. How to fix: use one of: procedure, sector",
        ),
        (
            "  online_dossier_share:\n    connection: city_dw\n    freshness_days: 36\n"
            "    sql: SELECT 1\n    breakdowns:\n      procedure:\n        table: ho_so\n"
            "        columns: {unit_code: ma_dv, month: thang, key: ma_tthc, numerator: a, "
            "denominator: b}\n",
            "breakdowns.procedure.columns.label",
            "the breakdown's column for the role label is not given. How to fix: add "
            "columns.label: the source's column name (a breakdown needs unit_code, month, key, "
            "label and its figures: numerator and denominator for a rate, value for a count or "
            "an amount)",
        ),
    ],
    ids=["cumulative", "unknown-dimension", "missing-label"],
)
def test_a_malformed_breakdown_is_refused_with_how_to_fix_it(tmp_path, entry, field, problem):
    path = tmp_path / "mapping.yaml"
    path.write_text("version: 1\nindicators:\n" + entry, encoding="utf-8")
    with pytest.raises(sources.MappingError) as raised:
        sources.load_mapping(path)
    assert raised.value.field_name == field
    assert raised.value.text("en").split(f"field {field}: ", 1)[1] == problem
