"""October 2026's online share of a few units, written into a test warehouse: shared by the
queries rule tests of the fifth and sixth mutation samples (``unit_ranking``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data_access import writes

SHARE = "online_dossier_share"
OCTOBER = dt.date(2026, 10, 1)


def load_october_shares(warehouse: Engine, rows: dict[str, float]) -> None:
    """October 2026's online share of each unit: ``numerator`` of 100 dossiers."""
    frame = pd.DataFrame(
        [
            {"indicator_id": SHARE, "unit_id": unit, "period_year": 2026,
             "period_month": OCTOBER, "breakdown_key": "", "value": numerator,
             "numerator": numerator, "denominator": 100.0}
            for unit, numerator in rows.items()
        ]
    )  # fmt: skip
    with warehouse.begin() as conn:
        writes.load_observation_batch(
            conn, frame, submission_key="oct", source_name="oct.csv", submitted_by="x",
            loaded_at=dt.datetime(2026, 11, 5, 3, 0),
        )  # fmt: skip
