"""A city warehouse in another shape, read through a mapping (issue 14), on SQLite: the same
city figures as the project's own queries on the demo, and each broken source fails its
contract with the exact message and exit code 1 while the other sources still pass.

The PostgreSQL twin, with a SELECT-only role, is ``tests/postgres/test_sources_postgres.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import time_machine
from sqlalchemy import create_engine, text

from data_access import queries, sources
from metrics.registry import get_indicator
from tests.conftest import city_moment
from tests.sources_city import build_city_warehouse, write_city_mapping

TODAY = dt.date(2026, 11, 20)
CONNECTION_VARIABLE = sources.SOURCE_URL_PREFIX + "CITY_DW"


@pytest.fixture(scope="module")
def city(demo_warehouse_url, tmp_path_factory) -> tuple[Path, Path]:
    """The city-style SQLite warehouse and its mapping file (with the crosswalk CSV)."""
    folder = tmp_path_factory.mktemp("city-warehouse")
    database = folder / "city.sqlite"
    url = f"sqlite:///{database}"
    crosswalk = build_city_warehouse(demo_warehouse_url, url)
    return database, write_city_mapping(folder, url, crosswalk)


def run_check(monkeypatch, capsys, demo_url, database, mapping, lang="en", env=None):
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_url)
    monkeypatch.setenv(CONNECTION_VARIABLE, f"sqlite:///{database}")
    monkeypatch.delenv(sources.SOURCE_URL_PREFIX + "LEGACY_DW", raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    with time_machine.travel(city_moment(TODAY), tick=False):
        code = sources.main(["check", "--mapping", str(mapping), "--lang", lang])
    return code, capsys.readouterr().out


def blocks(out: str) -> dict[str, list[str]]:
    """The command's lines per source (the source's header line starts a block)."""
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


def test_the_city_shape_gives_the_same_city_figures(city, demo_warehouse_url):
    database, mapping_file = city
    mapping = sources.load_mapping(mapping_file)
    assert len(mapping.sources) == 7
    demo = create_engine(demo_warehouse_url)
    city_engine = sources.read_only_engine(f"sqlite:///{database}")
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            for source in mapping.sources:
                expected = queries.scope_series(demo_conn, source.indicator)
                if source.is_cumulative:
                    got = sources.cumulative_series(city_conn, source)
                    for name in ("period_year", "n_units", "n_expected"):
                        assert list(got[name]) == list(expected[name]), (source, name)
                    np.testing.assert_allclose(
                        got["denominator"], expected["denominator"], rtol=1e-12
                    )
                else:
                    got = sources.city_series(city_conn, source)
                assert list(got["period_month"]) == list(expected["period_month"]), source
                np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-12)
                np.testing.assert_allclose(got["numerator"], expected["numerator"], rtol=1e-12)
    finally:
        demo.dispose()
        city_engine.dispose()


def test_the_check_command_passes_on_the_city_shape(city, demo_warehouse_url, monkeypatch, capsys):
    database, mapping_file = city
    code, out = run_check(monkeypatch, capsys, demo_warehouse_url, database, mapping_file, "vi")
    assert code == 0, out
    assert out.splitlines()[-1] == "Cả 7 nguồn đều đạt mọi kiểm tra."
    assert "  ĐẠT units_known: cả 183 mã đơn vị đều đối chiếu được với đơn vị đã biết" in out


# Each case: the indicator it breaks, SQL run on a copy of the city warehouse, a change to
# the mapping (old, new), extra environment, and the line expected in English and Vietnamese.
CASES = {
    "missing_column": (
        "satisfaction_rate",
        [],
        ("numerator: hai_long,", "numerator: hai_long_x,"),
        {},
        "  FAIL columns: 1 of 4 promised columns are missing: hai_long_x",
        "  KHÔNG ĐẠT columns: thiếu 1 trên 4 cột đã cam kết: hai_long_x",
    ),
    "unknown_unit": (
        "digital_economy_share_grdp",
        ["INSERT INTO kinh_te_so_quy VALUES ('HCM-9999', '2026-09-01', 10, 100)"],
        None,
        {},
        "  FAIL units_known: 1 of 2 unit codes (1 rows) do not resolve through the crosswalk "
        "to a known unit of this indicator: HCM-9999",
        "  KHÔNG ĐẠT units_known: 1 trên 2 mã đơn vị (1 dòng) không đối chiếu được qua bảng "
        "đối chiếu mã với đơn vị đã biết của chỉ tiêu này: HCM-9999",
    ),
    "duplicate_unit_month": (
        "digital_economy_share_grdp",
        [
            "INSERT INTO kinh_te_so_quy SELECT * FROM kinh_te_so_quy "
            "WHERE quy_ket_thuc = '2026-06-01'"
        ],
        None,
        {},
        "  FAIL one_row_per_unit_month: 2 rows share a unit and month with another row: "
        "unit_code=HCM-TP month=2026-06-01 ×2",
        "  KHÔNG ĐẠT one_row_per_unit_month: 2 dòng trùng đơn vị và tháng với dòng khác: "
        "unit_code=HCM-TP month=2026-06-01 ×2",
    ),
    # Two of the city's codes that the crosswalk turns into the same unit, in one month.
    "crosswalk_collision": (
        "digital_economy_share_grdp",
        ["INSERT INTO kinh_te_so_quy VALUES ('HCM-TP2', '2026-06-01', 10, 100)"],
        ("crosswalk: {HCM-TP: city}", "crosswalk: {HCM-TP: city, HCM-TP2: city}"),
        {},
        "  FAIL one_row_per_unit_month: 2 rows share a unit and month with another row: "
        "unit_code=HCM-TP+HCM-TP2 month=2026-06-01 ×2",
        "  KHÔNG ĐẠT one_row_per_unit_month: 2 dòng trùng đơn vị và tháng với dòng khác: "
        "unit_code=HCM-TP+HCM-TP2 month=2026-06-01 ×2",
    ),
    "numerator_above_denominator": (
        "digital_economy_share_grdp",
        [
            "UPDATE kinh_te_so_quy SET gia_tri_kts = 120, grdp = 100 "
            "WHERE quy_ket_thuc = '2026-03-01'"
        ],
        None,
        {},
        "  FAIL within_bounds: 1 of 27 rows have a numerator above the denominator or a "
        "negative figure (a rate outside 0–100%): unit_code=HCM-TP month=2026-03-01 "
        "numerator=120 denominator=100",
        "  KHÔNG ĐẠT within_bounds: 1 trên 27 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ lệ "
        "ngoài khoảng 0–100%): unit_code=HCM-TP month=2026-03-01 numerator=120 denominator=100",
    ),
    # A plan revision of 1,000 from 15 October 2026 for CDT-01 and an October report of
    # 600 + 500 = 1,100: disbursed above the plan in force (the loader refuses the same row,
    # numerator_above_denominator). The declared rows: 13 × 191 for each plan year 2020–2025
    # and 1,906 for 2026 (the demo's reports) = 16,804.
    "disbursed_above_plan": (
        "public_investment_disbursement",
        [
            "INSERT INTO ke_hoach_von VALUES ('CDT-01', 2026, '2026-10-15', 1000)",
            "UPDATE giai_ngan_nguon_von SET luy_ke_ty_dong = CASE nguon_von "
            "WHEN 'ngan_sach_tw' THEN 600 ELSE 500 END "
            "WHERE ma_cdt = 'CDT-01' AND ngay_bao_cao = '2026-10-31'",
        ],
        None,
        {},
        "  FAIL within_bounds: 1 of 16,804 rows have a numerator above the denominator or a "
        "negative figure (a rate outside 0–100%): unit_code=CDT-01 month=2026-10-31 "
        "numerator=1100 denominator=1000",
        "  KHÔNG ĐẠT within_bounds: 1 trên 16.804 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ lệ "
        "ngoài khoảng 0–100%): unit_code=CDT-01 month=2026-10-31 numerator=1100 "
        "denominator=1000",
    ),
    # A correction dated 15 October beside the report of 31 October: two rows of one
    # investor, plan year and month. (January 2026 holds two plan years for every investor,
    # the 2025 extension and 2026: not duplicates, as the passing check shows.)
    "duplicate_investor_month": (
        "public_investment_disbursement",
        [
            "INSERT INTO giai_ngan_nguon_von "
            "VALUES ('CDT-01', 2026, '2026-10-15', 'ngan_sach_tp', 1)"
        ],
        None,
        {},
        "  FAIL one_row_per_unit_month: 2 rows share a unit and month with another row: "
        "unit_code=CDT-01 year=2026 month=2026-10-01 ×2",
        "  KHÔNG ĐẠT one_row_per_unit_month: 2 dòng trùng đơn vị và tháng với dòng khác: "
        "unit_code=CDT-01 year=2026 month=2026-10-01 ×2",
    ),
    "future_month": (
        "digital_economy_share_grdp",
        ["INSERT INTO kinh_te_so_quy VALUES ('HCM-TP', '2026-12-01', 10, 100)"],
        None,
        {},
        "  FAIL no_future_months: 1 of 28 rows are for a month after the current one "
        "(today 20 Nov 2026): unit_code=HCM-TP month=2026-12-01",
        "  KHÔNG ĐẠT no_future_months: 1 trên 28 dòng thuộc tháng sau tháng hiện tại "
        "(hôm nay 20/11/2026): unit_code=HCM-TP month=2026-12-01",
    ),
    # 31 Mar 2026 + 112 days = 21 Jul 2026; 20 Nov 2026 is 122 days after it.
    "stale": (
        "digital_economy_share_grdp",
        ["DELETE FROM kinh_te_so_quy WHERE quy_ket_thuc > '2026-03-01'"],
        None,
        {},
        "  FAIL fresh: stale: last month Mar 2026, promised within 112 days of a month's end, "
        "122 days late",
        "  KHÔNG ĐẠT fresh: chưa cập nhật: số liệu mới nhất tháng 3/2026, cam kết trong 112 "
        "ngày sau khi hết tháng, chậm 122 ngày",
    ),
    "unreachable": (
        "digital_economy_share_grdp",
        [],
        (
            "connection: city_dw\n    freshness_days: 112",
            "connection: archive\n    freshness_days: 112",
        ),
        {sources.SOURCE_URL_PREFIX + "ARCHIVE": "sqlite:///{folder}/gone.sqlite"},
        "  FAIL reachable: the source cannot be reached through connection archive: "
        "{folder}/gone.sqlite",
        "  KHÔNG ĐẠT reachable: không kết nối được tới nguồn qua kết nối archive: "
        "{folder}/gone.sqlite",
    ),
    "not_configured": (
        "digital_economy_share_grdp",
        [],
        (
            "connection: city_dw\n    freshness_days: 112",
            "connection: legacy_dw\n    freshness_days: 112",
        ),
        {},
        "  FAIL reachable: connection legacy_dw has no URL: set the environment variable "
        "DASHBOARD_SOURCE_URL_LEGACY_DW",
        "  KHÔNG ĐẠT reachable: kết nối legacy_dw chưa có URL: đặt biến môi trường "
        "DASHBOARD_SOURCE_URL_LEGACY_DW",
    ),
}


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_source_fails_its_contract_and_the_others_pass(
    case, lang, city, demo_warehouse_url, tmp_path, monkeypatch, capsys
):
    indicator, statements, change, env, expected_en, expected_vi = CASES[case]
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
    shutil.copyfile(mapping_file.parent / "ma_don_vi.csv", tmp_path / "ma_don_vi.csv")
    env = {name: value.format(folder=tmp_path) for name, value in env.items()}

    code, out = run_check(monkeypatch, capsys, demo_warehouse_url, copy, mapping, lang, env)

    assert code == 1, out
    found = blocks(out)
    assert len(found) == 7
    expected = (expected_en if lang == "en" else expected_vi).format(folder=tmp_path)
    assert expected in found[indicator], "\n".join(found[indicator])
    failing = "  FAIL " if lang == "en" else "  KHÔNG ĐẠT "
    assert sum(line.startswith(failing) for line in found[indicator]) == 1
    for other, lines in found.items():
        if other != indicator:
            passing = "  PASS " if lang == "en" else "  ĐẠT "
            assert all(line.startswith(passing) for line in lines), (other, lines)
    last = out.splitlines()[-1]
    assert last == (
        f"1 sources fail their contracts: {indicator}"
        if lang == "en"
        else f"1 nguồn không đạt kiểm tra: {indicator}"
    )


@pytest.mark.parametrize(
    ("year", "through", "unit_filter"),
    [
        (2026, dt.date(2026, 10, 1), queries.UnitFilter()),
        (2026, dt.date(2026, 1, 1), queries.UnitFilter()),
        (2025, dt.date(2025, 12, 1), queries.UnitFilter()),
        (2026, dt.date(2026, 10, 1), queries.UnitFilter(former_provinces=("binh_duong",))),
        (2026, dt.date(2026, 10, 1), queries.UnitFilter(unit_types=("ward",))),
    ],
)
def test_the_city_shape_gives_the_same_unit_standings_and_rankings(
    city, demo_warehouse_url, year, through, unit_filter
):
    """Each declared indicator's unit standing and ranking through the city's shape (sums
    per city code in its database, the crosswalk, the project's units) equal the project's
    own queries on the demo: the same units in the same order, figures, ranks, quartiles."""
    database, mapping_file = city
    mapping = sources.load_mapping(mapping_file)
    demo = create_engine(demo_warehouse_url)
    city_engine = sources.read_only_engine(f"sqlite:///{database}")
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            compared = 0
            for source in mapping.sources:
                code = source.indicator
                expected = queries.unit_standing(demo_conn, code, year, through, unit_filter)
                read = sources.cumulative_unit_sums if source.is_cumulative else sources.unit_sums
                sums = read(city_conn, source, year, through)
                got = sources.as_unit_standing(sums, source, units, unit_filter)
                compared += len(got)
                _same(got, expected, code)
                expected_ranking = queries.unit_ranking(demo_conn, code, year, through, unit_filter)
                higher = get_indicator(code).direction == "higher"
                _same(sources.rank_standing(got, higher), expected_ranking, code)
    finally:
        demo.dispose()
        city_engine.dispose()
    assert compared > 100  # not an empty comparison


def _same(got, expected, code: str) -> None:  # type: ignore[no-untyped-def]
    """The same rows, columns and figures (the demo's rows are marked demo: not compared)."""
    assert list(got.columns) == list(expected.columns), code
    assert list(got["unit_id"]) == list(expected["unit_id"].astype(str)), code
    for column in got.columns:
        if column == "is_demo":
            continue
        left, right = got[column].reset_index(drop=True), expected[column].reset_index(drop=True)
        if left.dtype.kind == "f":
            np.testing.assert_allclose(left, right.astype(float), rtol=1e-12, err_msg=code)
        else:
            assert list(left.astype(str)) == list(right.astype(str)), (code, column)


def test_a_source_that_gave_nothing_ranks_no_unit(demo_warehouse_url):
    """No sums (a source that cannot be read, with nothing kept): no unit, no error, the
    columns and types of the project's own ranking."""
    engine = create_engine(demo_warehouse_url)
    try:
        with engine.connect() as conn:
            units = queries.unit_list(conn)
            expected = queries.unit_ranking(
                conn, "satisfaction_rate", 2030, dt.date(2030, 1, 1), queries.UnitFilter()
            )
    finally:
        engine.dispose()
    source = next(s for s in sources.load_mapping().sources if s.indicator == "satisfaction_rate")
    empty = pd.DataFrame(columns=["unit_code", *sources.AMOUNTS, "is_reported"])
    standing = sources.as_unit_standing(empty, source, units, queries.UnitFilter())
    ranking = sources.rank_standing(standing, higher_is_better=True)
    assert expected.empty and ranking.empty
    assert list(ranking.columns) == list(expected.columns)
    for column in ("value", "peer_p25", "peer_median"):
        assert ranking[column].dtype == "float64", column


FILTERS = [
    queries.UnitFilter(former_provinces=("binh_duong",)),
    queries.UnitFilter(former_provinces=("ba_ria_vung_tau",), unit_types=("commune",)),
    queries.UnitFilter(unit_types=("ward",)),
    queries.UnitFilter(unit_types=("department",)),
    queries.UnitFilter(unit_types=("ward", "commune", "special_zone")),
]


YEARS_THROUGH = ((2026, dt.date(2026, 10, 1)), (2025, dt.date(2025, 8, 1)))


def same_frame(got: pd.DataFrame, expected: pd.DataFrame, label: str) -> None:
    """The same columns, types, rows and figures; ``is_demo`` and ``last_loaded_at`` are the
    project's loading marks, which a city's source does not have (not compared)."""
    assert list(got.columns) == list(expected.columns), label
    assert len(got) == len(expected), label
    for name in got.columns:
        if name in ("is_demo", "last_loaded_at"):
            continue
        left, right = got[name].reset_index(drop=True), expected[name].reset_index(drop=True)
        assert left.dtype == right.dtype, (label, name, left.dtype, right.dtype)
        if left.dtype.kind == "f":
            np.testing.assert_allclose(left, right.astype(float), rtol=1e-12, err_msg=label)
        else:
            assert list(left.astype(str)) == list(right.astype(str)), (label, name)


def test_the_city_shape_gives_the_same_filtered_series_groups_and_comparisons(
    city, demo_warehouse_url
):
    """A filtered scope's monthly series (a former province, a unit type, one unit), the
    former provinces' monthly comparison and the drill-down groups' standing, each through
    the city's shape (sums per city code and month in its database, then the crosswalk and
    the project's units), equal the project's own queries on the demo."""
    database, mapping_file = city
    mapping = sources.load_mapping(mapping_file)
    demo = create_engine(demo_warehouse_url)
    city_engine = sources.read_only_engine(f"sqlite:///{database}")
    compared = 0
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            one_ward = str(units.loc[units["unit_type"] == "ward", "unit_id"].sort_values().iloc[3])
            for source in mapping.sources:
                if source.is_cumulative:
                    continue  # disbursement: its filtered scopes are read from the own schema
                code = source.indicator
                sums = sources.unit_month_sums(city_conn, source)
                for unit_filter in [*FILTERS, queries.UnitFilter(unit_ids=(one_ward,))]:
                    label = f"{code} {unit_filter}"
                    expected = queries.scope_series(demo_conn, code, unit_filter)
                    got = sources.as_filtered_series(sums, source, units, unit_filter)
                    same_frame(got, expected, label)
                    compared += len(got)
                    expected_groups = queries.series_by_group(demo_conn, code, unit_filter)
                    got_groups = sources.as_series_by_group(sums, source, units, unit_filter)
                    same_frame(got_groups, expected_groups, "groups " + label)
                    for year, through in YEARS_THROUGH:
                        expected_standing = queries.group_standing(
                            demo_conn, code, year, through, unit_filter
                        )
                        standing = sources.as_unit_standing(
                            sources.unit_sums(city_conn, source, year, through),
                            source,
                            units,
                            unit_filter,
                        )
                        got_standing = sources.as_group_standing(standing)
                        same_frame(got_standing, expected_standing, f"standing {label} {year}")
                        compared += len(got_standing)
    finally:
        demo.dispose()
        city_engine.dispose()
    assert compared > 1000  # not an empty comparison


@pytest.mark.parametrize("unit_id", ["26737", "26566", "dept-construction", "inv-transport"])
def test_the_city_shape_gives_the_same_series_of_one_unit(city, demo_warehouse_url, unit_id):
    """A unit's own series of each declared unit-level indicator (the Unit page's trend
    lines and year-on-year change) through the city's shape — the sums per city code and
    month in its database, for the codes the crosswalk turns into the unit — equal the
    project's own query for that unit on the demo: months, plan years, sums, rates and rows
    reported (26566 did not report disbursement for September and October 2026: carried)."""
    database, mapping_file = city
    mapping = sources.load_mapping(mapping_file)
    demo = create_engine(demo_warehouse_url)
    city_engine = sources.read_only_engine(f"sqlite:///{database}")
    compared = 0
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            for source in mapping.sources:
                if source.city_grain:
                    continue  # a city-level figure: the unit's page shows the city's series
                code = source.indicator
                unit_filter = queries.UnitFilter(unit_ids=(unit_id,))
                expected = queries.scope_series(demo_conn, code, unit_filter)
                codes = sources.source_codes(source, unit_id)
                # The city's own code, and the official one (not in the crosswalk: itself).
                assert len(codes) == 2 and unit_id in codes, codes
                sums = sources.unit_code_month_sums(city_conn, source, codes)
                got = sources.as_unit_series(sums, source)
                assert len(got) == len(expected), code
                compared += len(got)
                for name in ("period_year", "period_month", "n_units", "n_expected"):
                    assert list(got[name]) == list(expected[name]), (code, name)
                for name in ("numerator", "denominator", "value"):
                    np.testing.assert_allclose(
                        got[name], expected[name], rtol=1e-12, err_msg=f"{code} {name}"
                    )
    finally:
        demo.dispose()
        city_engine.dispose()
    assert compared > 50  # not an empty comparison


CUMULATIVE_FILTERS = [
    *FILTERS,
    queries.UnitFilter(unit_types=("investor",)),
    queries.UnitFilter(former_provinces=("ho_chi_minh_old",), unit_types=("ward", "investor")),
    queries.UnitFilter(former_provinces=("binh_duong",), unit_types=("department",)),  # none
]


def test_the_city_shape_gives_the_same_disbursement_scopes_groups_and_comparisons(
    city, demo_warehouse_url
):
    """Disbursement (cumulative) through the city's shape: a filtered scope's series (a
    former province, a unit type), the drill-down groups' monthly series (the former
    provinces' comparison curves) and the groups' standing equal the project's own queries
    on the demo, with its carry-forward (a missing report keeps the investor's last figure
    and plan; an investor counts from its first plan), summed in the city's database."""
    database, mapping_file = city
    (source,) = (s for s in sources.load_mapping(mapping_file).sources if s.is_cumulative)
    code = source.indicator
    demo = create_engine(demo_warehouse_url)
    city_engine = sources.read_only_engine(f"sqlite:///{database}")
    compared = 0
    try:
        with demo.connect() as demo_conn, city_engine.connect() as city_conn:
            units = queries.unit_list(demo_conn)
            for unit_filter in [queries.UnitFilter(), *CUMULATIVE_FILTERS]:
                label = f"{code} {unit_filter}"
                scope = sources.cumulative_code_groups(source, units, unit_filter, by_group=False)
                got = sources.as_cumulative_scope_series(
                    sources.cumulative_group_sums(city_conn, source, scope)
                )
                same_frame(got, queries.scope_series(demo_conn, code, unit_filter), label)
                compared += len(got)
                groups = sources.cumulative_code_groups(source, units, unit_filter, by_group=True)
                got_groups = sources.as_cumulative_series_by_group(
                    sources.cumulative_group_sums(city_conn, source, groups)
                )
                expected_groups = queries.series_by_group(demo_conn, code, unit_filter)
                same_frame(got_groups, expected_groups, "groups " + label)
                compared += len(got_groups)
                for year, through in YEARS_THROUGH:
                    standing = sources.as_unit_standing(
                        sources.cumulative_unit_sums(city_conn, source, year, through),
                        source,
                        units,
                        unit_filter,
                    )
                    same_frame(
                        sources.as_group_standing(standing),
                        queries.group_standing(demo_conn, code, year, through, unit_filter),
                        f"standing {label} {year}",
                    )
    finally:
        demo.dispose()
        city_engine.dispose()
    assert compared > 100  # not an empty comparison
