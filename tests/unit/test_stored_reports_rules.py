"""The stored backtests' rules (data_access/stored_reports.py) the sampled mutation reading
(README) found untested: the signing key's length and its key file, a series' digest of its
index, the warning for a row that is not a report, which rows pruning keeps, and the first
line of a refusal. On a private SQLite table, no backtest computed: a second a test."""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, insert, select
from sqlalchemy.exc import OperationalError

from data_access import stored_reports as s
from data_access.schema import stored_reports as table

KEY = "k" * 32
CODE = "online_dossier_share"
AT = dt.datetime(2026, 11, 30, 1, 0)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = create_engine(f"sqlite:///{tmp_path / 'own.sqlite'}")
    table.create(made)
    yield made
    made.dispose()


def test_a_key_of_exactly_32_characters_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(s.KEY_VARIABLE, KEY)
    assert s.signing_key() == KEY.encode("utf-8")
    monkeypatch.setenv(s.KEY_VARIABLE, KEY[:31])
    assert s.signing_key() is None


def test_without_a_key_set_one_is_made_in_a_new_folder_for_its_owner_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(s.KEY_VARIABLE, raising=False)
    path = tmp_path / "var" / "keys" / "stored_reports.key"  # neither folder exists yet
    monkeypatch.setattr(s, "KEY_FILE", path)
    key = s.signing_key()
    assert key is not None and len(key) == 32
    assert path.read_bytes() == key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert s.signing_key() == key  # read back, not made again


def test_a_series_digest_reads_its_index() -> None:
    # The same column and values under another index: another series.
    first = pd.DataFrame({"value": [1.0, 2.0]}, index=[0, 1])
    moved = pd.DataFrame({"value": [1.0, 2.0]}, index=[5, 6])
    assert s.series_digest(first) != s.series_digest(moved)


def test_a_signed_row_that_is_not_a_report_is_named_in_the_warning(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(s.KEY_VARIABLE, KEY)
    series = pd.DataFrame({"value": [1.0]})
    key = s.report_key(CODE, series, "v1", s.code_fingerprint(CODE))
    payload = s._sign(pickle.dumps(["not", "a", "report"]), KEY.encode("utf-8"))
    with engine.begin() as conn:
        conn.execute(
            insert(table).values(
                report_key=key, kind="backtest", indicator_code=CODE, series_digest="d",
                data_version="'v1'", code_fingerprint="f", payload=payload,
                payload_bytes=len(payload), written_at=AT,
            )
        )  # fmt: skip
    with caplog.at_level(logging.WARNING, logger=s.LOGGER.name):
        assert s.read(engine, CODE, series, "v1") is None
    assert caplog.messages == [
        "stored reports: the row of online_dossier_share cannot be read "
        "(UnpicklingError: a list, not a backtest report); computing"
    ]


def _rows(engine: Engine, rows: list[tuple[str, str, dt.datetime]]) -> None:
    """rows: (report key, data version, written at), inserted in this order."""
    with engine.begin() as conn:
        for key, version, at in rows:
            conn.execute(
                insert(table).values(
                    report_key=key, kind="backtest", indicator_code=CODE, series_digest="d",
                    data_version=version, code_fingerprint="f", payload=b"x", payload_bytes=1,
                    written_at=at,
                )
            )  # fmt: skip


def _kept(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {row[0] for row in conn.execute(select(table.c.report_key))}


def test_pruning_keeps_the_current_version_and_the_most_recently_written_ones(
    engine: Engine,
) -> None:
    # Versions written at 1:00 ("a"), 2:00 ("m"), 3:00 ("z"), and the current one "k" at
    # 4:00. KEPT_VERSIONS = 2 most recently written: "k" and "z"; "m" and "a" go (by
    # name, "a" and "k" would come first).
    hour = dt.timedelta(hours=1)
    _rows(engine, [("r-a", "a", AT), ("r-m", "m", AT + hour), ("r-z", "z", AT + 2 * hour),
                   ("r-k", "k", AT + 3 * hour)])  # fmt: skip
    with engine.begin() as conn:
        s._prune(conn, CODE, "f", "k")
    assert _kept(engine) == {"r-k", "r-z"}


def test_beyond_the_row_limit_the_newest_are_kept_then_by_key(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s, "MAX_ROWS", 2)
    later = AT + dt.timedelta(hours=1)
    # One version: the newest row "z" (later), then of the three written at AT the first
    # by key, "a"; inserted as b, c, a, so neither the insertion order nor its reverse
    # gives it.
    _rows(engine, [("b", "v", AT), ("c", "v", AT), ("a", "v", AT), ("z", "v", later)])
    with engine.begin() as conn:
        s._prune(conn, CODE, "f", "v")
    assert _kept(engine) == {"z", "a"}
    _rows(engine, [("y", "v", AT)])
    with engine.begin() as conn:
        s._prune(conn, CODE, "f", "v")
    assert _kept(engine) == {"z", "a"}


def test_a_refusal_is_told_by_the_first_line_of_its_cause_cut_at_300() -> None:
    error = OperationalError("SELECT 1", {}, Exception("disk I/O error\nsecond line"))
    assert s._first_line(error) == "disk I/O error"
    assert s._first_line(ValueError("  plain\nmore")) == "plain"
    assert s._first_line(ValueError("x" * 400)) == "x" * 300


# --- found by the check sample (seed 20261201) of the sampled mutation reading --------------


def test_a_series_digest_reads_its_column_names() -> None:
    # The same values and dtype under another column name: another series.
    assert s.series_digest(pd.DataFrame({"value": [1.0]})) != s.series_digest(
        pd.DataFrame({"numerator": [1.0]})
    )


def test_pruning_drops_only_this_indicators_rows_of_another_code_fingerprint(
    engine: Engine,
) -> None:
    # Code fingerprint "f" is this code's. CODE's row of "old" code goes; on_time_rate's row
    # of "old" code stays (only its own backtests may drop it). One data version, "v".
    with engine.begin() as conn:
        for key, code, fingerprint in [("mine-f", CODE, "f"), ("mine-old", CODE, "old"),
                                       ("other-old", "on_time_rate", "old")]:  # fmt: skip
            conn.execute(
                insert(table).values(
                    report_key=key, kind="backtest", indicator_code=code, series_digest="d",
                    data_version="v", code_fingerprint=fingerprint, payload=b"x",
                    payload_bytes=1, written_at=AT,
                )
            )  # fmt: skip
    with engine.begin() as conn:
        s._prune(conn, CODE, "f", "v")
    assert _kept(engine) == {"mine-f", "other-old"}
