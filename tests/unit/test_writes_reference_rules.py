"""The reference rows the loader writes (``data_access.writes``): the 168 units of the
reference file and the city's tiers above them, the registry's indicators and targets, and
the published figures. Stated for the mutants the tenth mutation reading found alive.

The expected rows are read from the reference files with :mod:`csv` (not pandas, not the
loader) and from hand; the stored rows are read back with plain SQL.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from data_access import writes
from data_access.engine import make_engine
from data_access.migrate import upgrade
from metrics.registry import INDICATORS

ROOT = Path(__file__).resolve().parents[2] / "reference_data"


def _csv(name: str) -> list[dict[str, str]]:
    with (ROOT / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def store(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _rows(engine: Engine, sql: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql)).mappings().all()]


def test_the_reference_units_are_the_files_rows_named_in_both_languages() -> None:
    raw = _csv("hcmc_units_2025.csv")
    units = writes.read_reference_units()
    assert list(units.columns) == [
        "unit_id",
        "unit_code",
        "name_vi",
        "name_en",
        "unit_type",
        "parent_unit_id",
        "former_province",
        "slug",
        "latitude",
        "longitude",
        "coord_source",
        "is_demo",
    ]
    assert len(units) == len(raw) == 168
    first = units.iloc[0].to_dict()
    assert first == {
        "unit_id": "25747",
        "unit_code": "25747",
        "name_vi": "Phường Thủ Dầu Một",
        "name_en": "Thủ Dầu Một Ward",
        "unit_type": "ward",
        "parent_unit_id": "binh_duong",
        "former_province": "binh_duong",
        "slug": "thu-dau-mot",
        "latitude": 10.981,
        "longitude": 106.654,
        "coord_source": "open-admin-data",
        "is_demo": False,
    }
    words = {"ward": ("Phường", "Ward"), "commune": ("Xã", "Commune")}
    words["special_zone"] = ("Đặc khu", "Special Zone")
    expected = [
        (
            r["code"],
            f"{words[r['unit_type']][0]} {r['name_vi']}",
            f"{r['name_vi']} {words[r['unit_type']][1]}",
            r["unit_type"],
            r["former_province"],
            r["slug"],
            float(r["lat"]),
            float(r["lon"]),
            r["coord_source"],
        )
        for r in raw
    ]
    columns = ["unit_id", "name_vi", "name_en", "unit_type", "parent_unit_id", "slug"]
    columns += ["latitude", "longitude", "coord_source"]
    assert [tuple(r) for r in units[columns].itertuples(index=False)] == expected
    assert set(units["unit_type"]) == {"ward", "commune", "special_zone"}
    assert not units["is_demo"].any()


def test_a_unit_file_of_one_special_zone(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text(
        "code,name_vi,name_ascii,slug,unit_type,former_province,lat,lon,coord_source\n"
        "00001,Côn Đảo,Con Dao,con-dao,special_zone,ba_ria_vung_tau,8.7,106.6,approximate\n",
        encoding="utf-8",
    )
    [row] = writes.read_reference_units(path).to_dict("records")
    assert (row["unit_id"], row["unit_code"]) == ("00001", "00001")
    assert (row["name_vi"], row["name_en"]) == ("Đặc khu Côn Đảo", "Côn Đảo Special Zone")


def test_the_reference_unit_rows_are_the_city_three_former_provinces_and_the_units() -> None:
    rows = writes.reference_unit_rows()
    assert len(rows) == 1 + 3 + 168
    assert list(rows.index) == list(range(172))
    columns = ["unit_id", "unit_code", "name_vi", "name_en", "unit_type", "parent_unit_id"]
    columns += ["former_province", "slug", "is_demo"]
    top = [
        tuple(None if pd.isna(v) else v for v in r)
        for r in rows.iloc[:4][columns].itertuples(index=False)
    ]
    city = ("city", "79", "Thành phố Hồ Chí Minh", "Ho Chi Minh City", "city", None, None)
    assert top[0] == (*city, "tp-ho-chi-minh", False)
    assert top[1:] == [
        (code, None, vi, en, "former_province", "city", code, slug, False)
        for code, vi, en, slug in [
            ("ho_chi_minh_old", "TP.HCM (cũ)", "Former HCMC", "former-ho-chi-minh-old"),
            (
                "binh_duong",
                "Tỉnh Bình Dương (cũ)",
                "Former Bình Dương province",
                "former-binh-duong",
            ),
            (
                "ba_ria_vung_tau",
                "Tỉnh Bà Rịa – Vũng Tàu (cũ)",
                "Former Bà Rịa–Vũng Tàu province",
                "former-ba-ria-vung-tau",
            ),
        ]
    ]
    assert list(rows["unit_id"].iloc[4:]) == [r["code"] for r in _csv("hcmc_units_2025.csv")]


def test_insert_units_writes_every_row_and_counts_them(store: Engine) -> None:
    with store.begin() as conn:
        assert writes.insert_units(conn, writes.reference_unit_rows()) == 172
        assert writes.insert_units(conn, writes.reference_unit_rows().iloc[:0]) == 0
    stored = _rows(store, "SELECT unit_id, parent_unit_id, name_en FROM units ORDER BY unit_id")
    assert len(stored) == 172
    by_id = {r["unit_id"]: r for r in stored}
    assert by_id["city"] == {
        "unit_id": "city",
        "parent_unit_id": None,
        "name_en": "Ho Chi Minh City",
    }
    assert by_id["25747"]["parent_unit_id"] == "binh_duong"


def test_sync_registry_makes_indicators_and_registry_targets_match(store: Engine) -> None:
    with store.begin() as conn:
        writes.insert_units(conn, writes.reference_unit_rows())
        writes.sync_registry(conn)
    # A stale indicator and a changed name; a registry target left over and a loaded one.
    first = INDICATORS[0]
    with store.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO indicators (indicator_id, name_vi, name_en, unit, direction,"
                " frequency, time_rollup, is_rate, is_headline)"
                " VALUES ('gone', 'x', 'x', '%', 'up', 'monthly', NULL, 1, 0)"
            )
        )
        conn.execute(
            text("UPDATE indicators SET name_en = 'old name' WHERE indicator_id = :i"),
            {"i": first.code},
        )
        conn.execute(
            text(
                "INSERT INTO load_batches (batch_id, batch_kind, submission_key, source_name,"
                " submitted_by, loaded_at, row_count, status) VALUES (900, 'targets', 't',"
                " 't.csv', 's', '2026-01-01 00:00:00.000000', 1, 'loaded')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO targets (indicator_id, unit_id, target_year, due_date, comparator,"
                " target_value, is_year_end, source_document, batch_id)"
                " VALUES (:i, 'city', 2031, '2031-12-31', '>=', 1.0, 1, 'decision', 900)"
            ),
            {"i": first.code},
        )
        writes.sync_registry(conn)
    indicators = _rows(store, "SELECT * FROM indicators ORDER BY indicator_id")
    expected = sorted(
        (
            {
                "indicator_id": i.code,
                "name_vi": i.name_vi,
                "name_en": i.name_en,
                "unit": i.unit,
                "direction": i.direction,
                "frequency": str(i.frequency),
                "time_rollup": str(i.time_rollup) if i.time_rollup else None,
                "is_rate": int(i.is_rate),
                "is_headline": int(i.is_headline),
            }
            for i in INDICATORS
        ),
        key=lambda r: str(r["indicator_id"]),
    )
    assert [{k: r[k] for k in expected[0]} for r in indicators] == expected
    registry = _rows(
        store,
        "SELECT indicator_id, unit_id, target_year, due_date, comparator, target_value,"
        " is_year_end, source_document, source_url, label_vi, label_en FROM targets"
        " WHERE batch_id IS NULL ORDER BY target_id",
    )
    assert registry == [
        {
            "indicator_id": i.code,
            "unit_id": "city",
            "target_year": t.year,
            "due_date": t.due_date.isoformat(),
            "comparator": t.comparator,
            "target_value": t.value,
            "is_year_end": int(t.is_year_end),
            "source_document": t.source_vi,
            "source_url": t.source_url,
            "label_vi": t.label_vi or None,
            "label_en": t.label_en or None,
        }
        for i in INDICATORS
        for t in i.targets
    ]
    loaded = _rows(store, "SELECT target_year FROM targets WHERE batch_id = 900")
    assert loaded == [{"target_year": 2031}]
    assert any(t.label_vi for i in INDICATORS for t in i.targets)
    assert any(not t.label_vi for i in INDICATORS for t in i.targets)


def test_replace_published_figures_keeps_only_the_new_rows(store: Engine) -> None:
    raw = _csv("hcmc_published_indicators.csv")
    with store.begin() as conn:
        assert writes.replace_published_figures(conn) == len(raw)
    stored = _rows(
        store,
        "SELECT indicator_code, period_start, value, note FROM published_figures"
        " ORDER BY published_figure_id",
    )
    assert [(r["indicator_code"], r["period_start"], r["value"]) for r in stored] == [
        (r["indicator"], r["period_start"], float(r["value"])) for r in raw
    ]
    one = (
        writes.read_published_figures()
        .iloc[:1]
        .assign(indicator_code="x", period_start=dt.date(2020, 1, 1), value=1.5)
    )
    with store.begin() as conn:
        assert writes.replace_published_figures(conn, one) == 1
    assert _rows(store, "SELECT indicator_code, period_start, value FROM published_figures") == [
        {"indicator_code": "x", "period_start": "2020-01-01", "value": 1.5}
    ]
