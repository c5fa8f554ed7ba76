"""Targets loaded from a city decision, merged with the registry's: each field as the
leader sees it in the info drawer, which registry target a loaded one replaces, and the
order. Every expected value is written out by hand from the rows given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from metrics.loaded_targets import LOADED_TARGET_COLUMNS, with_loaded_targets
from metrics.registry import Target, get_indicator

ONLINE = get_indicator("online_dossier_share")  # registry: 2025, ≥ 50 %, due 31/12/2025
REGISTRY_2025 = ONLINE.targets[0]


def _row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "indicator_id": "online_dossier_share",
        "target_year": 2026,
        "due_date": dt.date(2026, 12, 31),
        "comparator": ">=",
        "target_value": 60.0,
        "is_year_end": True,
        "source_document": "Quyết định 1/QĐ-UBND",
        "source_url": "https://example.gov.vn/qd1",
        "label_vi": "Chỉ tiêu năm",
        "label_en": "Year target",
        "batch_id": 7,
    }
    row.update(changes)
    return row


def _loaded(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(LOADED_TARGET_COLUMNS))


def test_a_loaded_target_carries_every_field_of_its_row() -> None:
    merged = with_loaded_targets(ONLINE, _loaded(_row()))
    assert merged.targets == (
        REGISTRY_2025,
        Target(
            year=2026,
            value=60.0,
            comparator=">=",
            due_date=dt.date(2026, 12, 31),
            source_vi="Quyết định 1/QĐ-UBND",
            source_en="Quyết định 1/QĐ-UBND",
            source_url="https://example.gov.vn/qd1",
            is_year_end=True,
            label_vi="Chỉ tiêu năm",
            label_en="Year target",
            batch_id=7,
        ),
    )


def test_missing_texts_are_empty_and_the_english_label_falls_back_to_vietnamese() -> None:
    row = _row(source_url=None, label_en=float("nan"), is_year_end=False)
    target = with_loaded_targets(ONLINE, _loaded(row)).targets[1]
    assert target.source_url == ""
    assert target.label_vi == "Chỉ tiêu năm"
    assert target.label_en == "Chỉ tiêu năm"
    assert target.is_year_end is False
    none_at_all = _row(label_vi=None, label_en=None, source_document=None)
    target = with_loaded_targets(ONLINE, _loaded(none_at_all)).targets[1]
    assert (target.label_vi, target.label_en, target.source_vi, target.source_en) == (
        "",
        "",
        "",
        "",
    )


def test_a_lower_is_better_target_keeps_its_sign() -> None:
    target = with_loaded_targets(ONLINE, _loaded(_row(comparator="<="))).targets[1]
    assert target.comparator == "<="


def test_figures_from_the_warehouse_are_read_whatever_their_type() -> None:
    # A timestamp for the day, NumPy and Decimal numbers, a batch id as text.
    row = _row(
        due_date=pd.Timestamp("2026-06-30 00:00"),
        target_year=np.int64(2026),
        target_value=Decimal("62.5"),
        batch_id="12",
        is_year_end=np.bool_(False),
    )
    target = with_loaded_targets(ONLINE, _loaded(row)).targets[1]
    assert (target.year, target.value, target.due_date, target.batch_id) == (
        2026,
        62.5,
        dt.date(2026, 6, 30),
        12,
    )
    assert type(target.due_date) is dt.date
    assert target.is_year_end is False


def test_a_loaded_target_for_the_same_year_and_day_replaces_the_registrys() -> None:
    merged = with_loaded_targets(
        ONLINE, _loaded(_row(target_year=2025, due_date=dt.date(2025, 12, 31), target_value=55.0))
    )
    assert [(t.year, t.value, t.batch_id) for t in merged.targets] == [(2025, 55.0, 7)]


def test_a_loaded_target_of_the_same_year_on_another_day_is_added_in_date_order() -> None:
    merged = with_loaded_targets(
        ONLINE,
        _loaded(
            _row(target_year=2026, due_date=dt.date(2026, 12, 31), target_value=60.0),
            _row(target_year=2025, due_date=dt.date(2025, 6, 30), target_value=30.0),
        ),
    )
    assert [(t.year, t.due_date, t.value) for t in merged.targets] == [
        (2025, dt.date(2025, 6, 30), 30.0),
        (2025, dt.date(2025, 12, 31), 50.0),
        (2026, dt.date(2026, 12, 31), 60.0),
    ]


def test_on_the_same_day_the_earlier_year_comes_first() -> None:
    # Two loaded targets due the same day (an extension): ordered by year.
    merged = with_loaded_targets(
        ONLINE,
        _loaded(
            _row(target_year=2027, due_date=dt.date(2027, 1, 31), target_value=70.0),
            _row(target_year=2026, due_date=dt.date(2027, 1, 31), target_value=65.0),
        ),
    )
    assert [(t.year, t.value) for t in merged.targets][1:] == [(2026, 65.0), (2027, 70.0)]


def test_other_indicators_rows_change_nothing() -> None:
    loaded = _loaded(_row(indicator_id="satisfaction_rate"))
    assert with_loaded_targets(ONLINE, loaded) is ONLINE
    assert with_loaded_targets(ONLINE, _loaded()) is ONLINE


def test_a_number_where_text_was_expected_is_shown_not_blanked() -> None:
    # A spreadsheet cell read as a number (a label "12.5") is kept as its text.
    target = with_loaded_targets(ONLINE, _loaded(_row(label_vi=12.5, label_en=None))).targets[1]
    assert (target.label_vi, target.label_en) == ("12.5", "12.5")
