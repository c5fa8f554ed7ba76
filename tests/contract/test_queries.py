"""Queries on a small hand-built warehouse, on SQLite and on PostgreSQL.

Given/expect: every expected number is worked out by hand in the comments, so the
aggregation in SQL (ratio of sums, filters, versions, cumulative picks) is checked
against arithmetic, not against another implementation.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access import queries, writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from data_access.queries import UnitFilter

WARD_OLD = "26737"  # Tân Định, ho_chi_minh_old
WARD_BD = "25747"  # Thủ Dầu Một, binh_duong
COMMUNE_OLD = "27673"  # An Thới Đông, ho_chi_minh_old
OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)


def _rows(indicator: str, period_year: int, month: dt.date, data: dict[str, tuple[float, float]]):
    return pd.DataFrame(
        [
            {
                "indicator_id": indicator,
                "unit_id": unit,
                "period_year": period_year,
                "period_month": month,
                "value": 100 * num / den,
                "numerator": num,
                "denominator": den,
            }
            for unit, (num, den) in data.items()
        ]
    )


@pytest.fixture(params=["sqlite", "postgres"])
def small_warehouse(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'small.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    upgrade(url)
    engine = make_engine(url)
    first = dt.datetime(2026, 10, 5, 8, 0)
    second = dt.datetime(2026, 11, 5, 8, 0)
    with engine.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
        # September: ward 90/100, BD ward 1/10, commune 10/90 → city 101/200 = 50.5 %
        # (the mean of the three ratios would be (90 + 10 + 11.1) / 3 = 37.0 %).
        writes.load_observation_batch(
            conn,
            _rows(
                "online_dossier_share",
                2026,
                SEP,
                {WARD_OLD: (90, 100), WARD_BD: (1, 10), COMMUNE_OLD: (10, 90)},
            ),
            submission_key="sep",
            source_name="t",
            submitted_by="t",
            loaded_at=first,
        )
        # October, first version: ward 50/100, BD ward 5/10.
        writes.load_observation_batch(
            conn,
            _rows("online_dossier_share", 2026, OCT, {WARD_OLD: (50, 100), WARD_BD: (5, 10)}),
            submission_key="oct",
            source_name="t",
            submitted_by="t",
            loaded_at=first,
        )
        # October, re-sent a month later: ward 60/100, BD ward 6/10 (replaces, never doubles).
        writes.load_observation_batch(
            conn,
            _rows("online_dossier_share", 2026, OCT, {WARD_OLD: (60, 100), WARD_BD: (6, 10)}),
            submission_key="oct",
            source_name="t",
            submitted_by="t",
            loaded_at=second,
        )
        # Disbursement is cumulative: September 30 of plan 100, October 45 of plan 120.
        for month, num, den in ((SEP, 30, 100), (OCT, 45, 120)):
            writes.load_observation_batch(
                conn,
                _rows("public_investment_disbursement", 2026, month, {WARD_OLD: (num, den)}),
                submission_key=f"disb-{month}",
                source_name="t",
                submitted_by="t",
                loaded_at=first,
            )
    yield engine
    engine.dispose()


def _by_month(frame: pd.DataFrame) -> dict[dt.date, pd.Series]:
    return {row.period_month.date(): row for _, row in frame.iterrows()}


def test_city_value_is_the_ratio_of_sums(small_warehouse):
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
    assert series[SEP].numerator == 101
    assert series[SEP].denominator == 200
    assert series[SEP].value == pytest.approx(50.5)
    assert series[SEP].n_units == 3


def test_a_resent_submission_replaces_and_is_not_doubled(small_warehouse):
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
    # 60 + 6 of 100 + 10, not 50 + 5 + 60 + 6 of 220.
    assert series[OCT].numerator == 66
    assert series[OCT].denominator == 110
    assert series[OCT].value == pytest.approx(60.0)


def test_as_of_shows_the_figures_as_they_stood(small_warehouse):
    before_resend = dt.datetime(2026, 10, 20)
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share", as_of=before_resend))
        earliest = queries.scope_series(
            conn, "online_dossier_share", as_of=dt.datetime(2026, 10, 1)
        )
    assert series[OCT].numerator == 55
    assert series[OCT].value == pytest.approx(50.0)
    assert earliest.empty


@pytest.mark.parametrize(
    ("unit_filter", "sep_value"),
    [
        (UnitFilter(former_provinces=("ho_chi_minh_old",)), 100 * 100 / 190),  # 90+10 / 100+90
        (UnitFilter(former_provinces=("binh_duong",)), 10.0),
        (UnitFilter(unit_types=("ward",)), 100 * 91 / 110),
        (UnitFilter(("ho_chi_minh_old",), ("commune",)), 100 * 10 / 90),
    ],
)
def test_filters(small_warehouse, unit_filter, sep_value):
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share", unit_filter))
    assert series[SEP].value == pytest.approx(sep_value)


def test_unit_standing_sums_flows_to_date(small_warehouse):
    with small_warehouse.connect() as conn:
        frame = queries.unit_standing(conn, "online_dossier_share", 2026, OCT).set_index("unit_id")
    # Tân Định: (90 + 60) / (100 + 100) = 75 %, previous month 90 %.
    assert frame.loc[WARD_OLD, "value"] == pytest.approx(75.0)
    assert frame.loc[WARD_OLD, "value_previous"] == pytest.approx(90.0)
    assert frame.loc[WARD_OLD, "name_vi"] == "Phường Tân Định"
    # An Thới Đông reported in September only.
    assert frame.loc[COMMUNE_OLD, "value"] == pytest.approx(100 * 10 / 90)


def test_unit_standing_takes_the_month_for_a_cumulative_indicator(small_warehouse):
    with small_warehouse.connect() as conn:
        frame = queries.unit_standing(conn, "public_investment_disbursement", 2026, OCT)
    row = frame.set_index("unit_id").loc[WARD_OLD]
    assert row["numerator"] == 45
    assert row["denominator"] == 120
    assert row["value"] == pytest.approx(37.5)
    assert row["value_previous"] == pytest.approx(30.0)


def test_empty_results_keep_their_columns(small_warehouse):
    with small_warehouse.connect() as conn:
        series = queries.scope_series(conn, "satisfaction_rate")
        standing = queries.unit_standing(conn, "satisfaction_rate", 2026, OCT)
    assert series.empty and "value" in series.columns
    assert standing.empty and "value_previous" in standing.columns


def test_versions_are_kept(small_warehouse):
    with small_warehouse.connect() as conn:
        counts = conn.exec_driver_sql(
            "SELECT COUNT(*), SUM(CASE WHEN superseded_at IS NULL THEN 1 ELSE 0 END) "
            "FROM observations WHERE indicator_id = 'online_dossier_share'"
        ).one()
    assert tuple(counts) == (7, 5)


def test_a_row_with_half_a_ratio_does_not_move_the_rate(small_warehouse):
    """Regression: SUM(numerator) and SUM(denominator) took rows the other lacked."""
    with small_warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            pd.DataFrame(
                [
                    {
                        "indicator_id": "online_dossier_share",
                        "unit_id": "25750",
                        "period_year": 2026,
                        "period_month": SEP,
                        "value": None,
                        "numerator": None,
                        "denominator": 1000.0,
                    }
                ]
            ),
            submission_key="half",
            source_name="t",
            submitted_by="t",
        )
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
        standing = queries.unit_standing(conn, "online_dossier_share", 2026, OCT)
    assert series[SEP].value == pytest.approx(50.5)
    assert series[SEP].denominator == 200
    assert standing.set_index("unit_id").loc[WARD_OLD, "value"] == pytest.approx(75.0)


def test_a_zoned_as_of_means_the_same_moment_on_every_database(small_warehouse):
    """Regression: PostgreSQL read a zoned as_of in its session zone, SQLite dropped it."""
    hcmc = dt.timezone(dt.timedelta(hours=7))
    # 5 Nov 2026 14:00 in Ho Chi Minh City is 07:00 UTC: just before the re-send at 08:00.
    before = dt.datetime(2026, 11, 5, 14, 0, tzinfo=hcmc)
    after = dt.datetime(2026, 11, 5, 16, 0, tzinfo=hcmc)
    with small_warehouse.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TIME ZONE 'Asia/Ho_Chi_Minh'")
        old = _by_month(queries.scope_series(conn, "online_dossier_share", as_of=before))
        new = _by_month(queries.scope_series(conn, "online_dossier_share", as_of=after))
    assert old[OCT].numerator == 55
    assert new[OCT].numerator == 66


def test_an_empty_resend_is_refused_and_keeps_the_earlier_version(small_warehouse):
    """Regression: an empty file with the same submission key erased the earlier one."""
    empty = _rows("online_dossier_share", 2026, OCT, {}).reindex(
        columns=list(writes.OBSERVATION_COLUMNS)
    )
    with pytest.raises(ValueError, match="has no rows"), small_warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, empty, submission_key="oct", source_name="t", submitted_by="t"
        )
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
    assert series[OCT].numerator == 66


def test_the_health_check_needs_a_current_row(small_warehouse):
    from data_access.engine import WarehouseState, inspect_warehouse

    url = small_warehouse.url.render_as_string(hide_password=False)
    assert inspect_warehouse(url, small_warehouse)[0] is WarehouseState.READY
    with small_warehouse.begin() as conn:
        conn.exec_driver_sql("UPDATE observations SET superseded_at = loaded_at")
    assert inspect_warehouse(url, small_warehouse)[0] is WarehouseState.EMPTY


def test_a_zoned_load_time_is_stored_in_utc_and_read_back_with_as_of(small_warehouse):
    """Regression: a load at 14:00+07:00 was stored as 14:00 with no zone (seven hours late),
    so an as_of at 10:00 UTC (17:00 in the city) did not see it."""
    hcmc = dt.timezone(dt.timedelta(hours=7))
    with small_warehouse.begin() as conn:
        result = writes.load_observation_batch(
            conn,
            _rows("online_dossier_share", 2026, OCT, {COMMUNE_OLD: (45, 90)}),
            submission_key="zoned",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2026, 11, 20, 14, 0, tzinfo=hcmc),
        )
        stored = conn.exec_driver_sql(
            "SELECT loaded_at FROM load_batches WHERE submission_key = 'zoned'"
        ).scalar_one()
    assert result.loaded_at == dt.datetime(2026, 11, 20, 7, 0)
    assert pd.Timestamp(stored).to_pydatetime() == dt.datetime(2026, 11, 20, 7, 0)
    # October after the re-send: 60 + 6 = 66 of 110; with the commune's 45/90: 111 of 200.
    ten_utc = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    six_utc = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)  # 13:00 in the city
    with small_warehouse.connect() as conn:
        seen = _by_month(queries.scope_series(conn, "online_dossier_share", as_of=ten_utc))
        earlier = _by_month(queries.scope_series(conn, "online_dossier_share", as_of=six_utc))
    assert seen[OCT].numerator == 111 and seen[OCT].denominator == 200
    assert earlier[OCT].numerator == 66


def test_a_load_time_with_a_zone_but_no_offset_is_refused(small_warehouse):
    class NoOffset(dt.tzinfo):
        def utcoffset(self, moment):
            return None

    with pytest.raises(ValueError, match="zone without an offset"), small_warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            _rows("online_dossier_share", 2026, OCT, {COMMUNE_OLD: (45, 90)}),
            submission_key="nozone",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2026, 11, 20, 14, 0, tzinfo=NoOffset()),
        )
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
    assert series[OCT].numerator == 66


def test_the_latest_data_year_counts_only_months_that_have_ended(small_warehouse):
    # September and October 2026 of the online share are in: 2026 once October is over.
    with small_warehouse.connect() as conn:
        assert queries.latest_data_year(conn, ["online_dossier_share"], OCT) == 2026
        assert queries.latest_data_year(conn, ["online_dossier_share"], SEP) == 2026
        assert queries.latest_data_year(conn, ["online_dossier_share"], dt.date(2026, 8, 1)) is None
        assert queries.latest_data_year(conn, ["satisfaction_rate"], OCT) is None
    with small_warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            _rows("online_dossier_share", 2027, dt.date(2027, 1, 1), {WARD_OLD: (1, 2)}),
            submission_key="early",
            source_name="t",
            submitted_by="t",
        )
    with small_warehouse.connect() as conn:
        # A January 2027 row counts once January is over, not in December.
        assert (
            queries.latest_data_year(conn, ["online_dossier_share"], dt.date(2026, 12, 1)) == 2026
        )
        assert queries.latest_data_year(conn, ["online_dossier_share"], dt.date(2027, 1, 1)) == 2027


def test_the_small_queries_count_what_is_there(small_warehouse):
    with small_warehouse.connect() as conn:
        # Current rows: September 3, October re-sent 2, disbursement 2 (superseded ones left out).
        assert queries.observation_count(conn) == 7
        assert queries.warehouse_check(conn) is True
        units = queries.unit_list(conn)
    assert len(units) == 1 + 3 + 168
    assert units["unit_id"].is_unique
    # By type, then by Vietnamese name: the city first ("city" < "commune" < ...).
    assert units["unit_type"].tolist() == sorted(units["unit_type"].tolist())
    assert units.iloc[0][["unit_id", "name_vi"]].tolist() == ["city", "Thành phố Hồ Chí Minh"]


def test_published_figures_are_typed_and_filtered(small_warehouse):
    with small_warehouse.begin() as conn:
        writes.replace_published_figures(conn)
    with small_warehouse.connect() as conn:
        everything = queries.published(conn)
        satisfaction = queries.published(conn, "satisfaction_rate")
        nothing = queries.published(conn, "no_such_indicator")
    expected = writes.read_published_figures()
    assert len(everything) == len(expected)
    assert set(satisfaction["indicator_code"]) == {"satisfaction_rate"}
    assert len(satisfaction) == int((expected["indicator_code"] == "satisfaction_rate").sum())
    assert satisfaction["period_end"].is_monotonic_increasing
    assert str(everything["period_start"].dtype).startswith("datetime64")
    assert everything["value"].dtype == "float64"
    assert everything["plan_billion_vnd"].dtype == "float64"
    # 91.72 % for July-September 2025, as published (Decision 766 index).
    row = satisfaction.loc[satisfaction["value"] == 91.72].iloc[0]
    assert (row["period_start"], row["period_end"]) == (
        pd.Timestamp("2025-07-01"),
        pd.Timestamp("2025-09-30"),
    )
    assert nothing.empty and "period_end" in nothing.columns


def test_a_zero_denominator_has_no_rate_on_every_database(small_warehouse):
    """A month whose units sent 0 of 0 has no rate: SQLite would return NULL for a division
    by zero anyway, PostgreSQL raises, so the guard must be ``denominator > 0``."""
    with small_warehouse.begin() as conn:
        writes.load_observation_batch(
            conn,
            pd.DataFrame(
                [
                    {
                        "indicator_id": "online_dossier_share",
                        "unit_id": WARD_BD,
                        "period_year": 2026,
                        "period_month": dt.date(2026, 8, 1),
                        "value": None,
                        "numerator": 0.0,
                        "denominator": 0.0,
                    }
                ]
            ),
            submission_key="aug",
            source_name="t",
            submitted_by="t",
            loaded_at=dt.datetime(2026, 10, 5, 8, 0),
        )
    with small_warehouse.connect() as conn:
        series = _by_month(queries.scope_series(conn, "online_dossier_share"))
        standing = queries.unit_standing(conn, "online_dossier_share", 2026, dt.date(2026, 8, 1))
    assert series[dt.date(2026, 8, 1)].denominator == 0
    assert pd.isna(series[dt.date(2026, 8, 1)].value)
    assert standing["unit_id"].tolist() == [WARD_BD]
    assert pd.isna(standing["value"].iloc[0])
