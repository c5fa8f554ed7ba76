"""The submission key's digest is the same as the plain formula it was first written as
(a re-sent file must keep matching the batches already in a warehouse), for keys of text,
whole numbers and dates."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd

from ingest.layouts import Kind
from ingest.service import submission_key


def _plain_digest(rows: pd.DataFrame, columns: list[str]) -> str:
    key = rows[columns].astype(str)
    lines = sorted("\t".join(values) for values in key.itertuples(index=False, name=None))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]


def test_observation_key_digest_matches_the_plain_formula() -> None:
    rng = np.random.default_rng(5)
    n = 500
    months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(30)]
    rows = pd.DataFrame(
        {
            "indicator_id": rng.choice(["online_dossier_share", "satisfaction_rate"], n),
            "unit_id": rng.choice(["25747", "26734", "Sở Tư pháp"], n),
            "period_year": rng.integers(2024, 2027, n),
            "period_month": [months[i] for i in rng.integers(0, 30, n)],
            "breakdown_key": rng.choice(["", "procedure:birth", "procedure:ab"], n),
            "numerator": rng.integers(0, 10, n),
        }
    )
    columns = ["indicator_id", "unit_id", "period_year", "period_month", "breakdown_key"]
    key = submission_key(Kind.OBSERVATIONS, rows)
    assert key.split("|")[-1] == _plain_digest(rows, columns)
    # The digest follows the set of keys, not their order.
    shuffled = rows.sample(frac=1.0, random_state=3)
    assert submission_key(Kind.OBSERVATIONS, shuffled) == key
    changed = rows.copy()
    changed.loc[0, "unit_id"] = "26737"
    assert submission_key(Kind.OBSERVATIONS, changed) != key
