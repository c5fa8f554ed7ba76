"""Export → load changes no figure; edit one value → exactly that figure changes; undo
brings it back. On a private copy of the demo warehouse, read through the same query the
Overview uses (``queries.scope_series``)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from data_access import queries
from data_access.engine import make_engine
from ingest import service
from ingest.read import Submitted
from tests.ingest.warehouse import copy_sqlite

INDICATOR = "online_dossier_share"
MONTH = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 28)
FIGURES = ["period_year", "period_month", "numerator", "denominator", "value", "n_units"]


@pytest.fixture
def url(demo_warehouse_url, tmp_path) -> str:
    return copy_sqlite(demo_warehouse_url, str(tmp_path / "copy.sqlite"))


def _series(url: str) -> pd.DataFrame:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return queries.scope_series(conn, INDICATOR)[FIGURES]
    finally:
        engine.dispose()


def _load(url: str, name: str, data: bytes) -> service.Report:
    engine = make_engine(url)
    try:
        report = service.load_files(engine, [Submitted(name, data)], actor="t", today=TODAY)
    finally:
        engine.dispose()
    assert report.is_ok, report.problems.to_dict("records")
    return report


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_load_changes_no_figure(url, file_format):
    engine = make_engine(url)
    try:
        exported = service.export_month(engine, INDICATOR, MONTH)
    finally:
        engine.dispose()
    before = _series(url)

    report = _load(url, f"export.{file_format}", service.table_bytes(exported, file_format))

    assert report.batches[0].rows_loaded == len(exported) == report.batches[0].rows_replaced
    pd.testing.assert_frame_equal(_series(url), before)


def test_edit_one_value_changes_exactly_that_figure_and_undo_brings_it_back(url):
    engine = make_engine(url)
    try:
        exported = service.export_month(engine, INDICATOR, MONTH)
    finally:
        engine.dispose()
    before = _series(url)
    row = exported.index[0]
    numerator = float(exported.loc[row, "numerator"])
    denominator = float(exported.loc[row, "denominator"])
    assert numerator + 7 <= denominator
    edited = exported.copy()
    edited.loc[row, "numerator"] = str(int(numerator + 7))

    report = _load(url, "edited.csv", service.table_bytes(edited, "csv"))
    after = _series(url)

    changed = after.compare(before)
    october = before.index[before["period_month"] == pd.Timestamp(MONTH)][0]
    assert list(changed.index) == [october]
    old = before.loc[october]
    assert after.loc[october, "numerator"] == old["numerator"] + 7
    assert after.loc[october, "denominator"] == old["denominator"]
    assert after.loc[october, "value"] == pytest.approx(
        100 * (old["numerator"] + 7) / old["denominator"]
    )

    engine = make_engine(url)
    try:
        service.undo(engine, report.batches[0].batch_id, actor="t")
    finally:
        engine.dispose()
    pd.testing.assert_frame_equal(_series(url), before)


def test_an_export_sent_back_as_xlsx_keeps_its_codes_and_periods(url):
    engine = make_engine(url)
    try:
        exported = service.export_month(engine, INDICATOR, MONTH, "25747")
    finally:
        engine.dispose()
    sheet = pd.read_excel(io.BytesIO(service.table_bytes(exported, "xlsx")), dtype=str)
    assert sheet.loc[0, "unit_code"] == "25747"
    assert sheet.loc[0, "period"] == "2026-10"
