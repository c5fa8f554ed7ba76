"""A submission that is not demo data, for tests of commands that must never delete it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import text

from data_access.engine import make_engine
from data_access.writes import load_observation_batch

REAL_KEY = "real|online_dossier_share|25747|2026-10"
"""The submission key of the real batch (a ward's October 2026 figures)."""


def load_real_batch(url: str) -> int:
    """Load one real (``is_demo`` false) batch into the warehouse at ``url``; its batch id."""
    frame = pd.DataFrame(
        [
            {
                "indicator_id": "online_dossier_share",
                "unit_id": "25747",
                "period_year": 2026,
                "period_month": dt.date(2026, 10, 1),
                "value": 61.0,
                "numerator": 61.0,
                "denominator": 100.0,
            }
        ]
    )
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            result = load_observation_batch(
                conn,
                frame,
                submission_key=REAL_KEY,
                source_name="ward 25747 upload",
                submitted_by="steward@25747",
                is_demo=False,
                loaded_at=dt.datetime(2026, 11, 6, 3, 0),
            )
    finally:
        engine.dispose()
    return result.batch_id


def real_rows(url: str) -> list[tuple[object, ...]]:
    """The real batch and its observations, as stored: ``(batch_id, numerator, denominator,
    superseded_at)`` per row; empty when the batch is gone."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    text(
                        "SELECT b.batch_id, o.numerator, o.denominator, o.superseded_at "
                        "FROM load_batches b JOIN observations o ON o.batch_id = b.batch_id "
                        "WHERE b.submission_key = :key"
                    ),
                    {"key": REAL_KEY},
                )
            ]
    finally:
        engine.dispose()
