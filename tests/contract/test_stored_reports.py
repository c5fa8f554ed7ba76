"""Backtests kept in the app's own schema (``stored_reports``, migration 0007_perf), on
SQLite and PostgreSQL: a stored report reads back equal to the one computed (golden
compare, field by field), and a new data version, another series or a change of code
misses; the table is bounded; a corrupt or foreign row is not used (and builds nothing).

One real backtest (the demo's city series of the GRDP share of the digital economy, the
quickest of the four) is computed once for the module and stored on each engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text, update

from data_access import queries, stored_reports
from data_access.engine import make_engine
from data_access.queries import UnitFilter
from data_access.schema import stored_reports as table
from metrics.backtest import BacktestReport, backtest
from metrics.registry import get_indicator
from tests.ingest.warehouse import BACKENDS, backend_warehouse

CODE = "digital_economy_share_grdp"
VERSION = (839, 839, 0, "")
AT = dt.datetime(2026, 11, 29, 8, 0)


@pytest.fixture(scope="module")
def computed(demo_warehouse_url: str) -> tuple[pd.DataFrame, BacktestReport]:
    engine = make_engine(demo_warehouse_url)
    try:
        with engine.connect() as conn:
            series = queries.scope_series(conn, CODE, UnitFilter(), None, "")
    finally:
        engine.dispose()
    return series, backtest(series, get_indicator(CODE))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(backend_warehouse(request, tmp_path))
    yield made
    made.dispose()


def _plain(value: object) -> object:
    """Dataclasses as dicts, all the way down, for numpy's NaN-aware deep comparison."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {repr(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def assert_same_report(got: BacktestReport, expected: BacktestReport) -> None:
    """Every field, including those left out of the dataclass's ``==`` (records, fitted
    parameters, summaries)."""
    assert got == expected  # indicator, shape, period, last index
    pd.testing.assert_frame_equal(got.records, expected.records, check_exact=True)
    assert list(got.fitted) == list(expected.fitted)
    np.testing.assert_equal(_plain(dict(got.fitted)), _plain(dict(expected.fitted)))
    np.testing.assert_equal(_plain(dict(got.summaries)), _plain(dict(expected.summaries)))
    np.testing.assert_equal(_plain(got.summary()), _plain(expected.summary()))


def test_a_stored_report_reads_back_equal_to_the_one_computed(engine, computed) -> None:
    series, report = computed
    assert stored_reports.read(engine, CODE, series, VERSION) is None
    assert stored_reports.write(engine, CODE, series, VERSION, report, AT)
    stored = stored_reports.read(engine, CODE, series, VERSION)
    assert stored is not None and stored is not report
    assert_same_report(stored, report)
    # The comparison can fail: another indicator's report is told apart.
    with pytest.raises(AssertionError):
        assert_same_report(stored, dataclasses.replace(report, period=report.period + 1))


def test_a_new_data_version_another_series_or_changed_code_misses(
    engine, computed, monkeypatch
) -> None:
    series, report = computed
    stored_reports.write(engine, CODE, series, VERSION, report, AT)
    assert stored_reports.read(engine, CODE, series, VERSION) is not None
    assert stored_reports.read(engine, CODE, series, (840, 840, 0, "")) is None, "a new version"
    changed = series.assign(value=series["value"].where(series.index != 0, 1.0))
    assert stored_reports.read(engine, CODE, changed, VERSION) is None, "other figures"
    assert stored_reports.read(engine, "online_dossier_share", series, VERSION) is None
    stored_reports._code_digest.cache_clear()
    monkeypatch.setattr(stored_reports, "FORMAT_VERSION", "changed")
    try:
        assert stored_reports.read(engine, CODE, series, VERSION) is None, "changed code"
        # Written under the new code, the old code's row of the indicator is deleted.
        stored_reports.write(engine, CODE, series, VERSION, report, AT)
        with engine.connect() as conn:
            fingerprints = conn.execute(text("SELECT code_fingerprint FROM stored_reports")).all()
        assert [f[0] for f in fingerprints] == [stored_reports.code_fingerprint(CODE)]
    finally:
        stored_reports._code_digest.cache_clear()


def test_old_data_versions_are_pruned_and_the_table_is_bounded(
    engine, computed, monkeypatch
) -> None:
    series, report = computed
    for batch in range(1, 5):  # four versions, a second apart
        version = (batch, batch, 0, "")
        stored_reports.write(
            engine, CODE, series, version, report, AT + dt.timedelta(seconds=batch)
        )
    with engine.connect() as conn:
        kept = {row[0] for row in conn.execute(text("SELECT data_version FROM stored_reports"))}
    assert kept == {repr((3, 3, 0, "")), repr((4, 4, 0, ""))}, "the two latest versions"
    # Within one version, the newest MAX_ROWS rows (one per series).
    monkeypatch.setattr(stored_reports, "MAX_ROWS", 3)
    for n in range(5):
        other = series.assign(value=series["value"] + n)
        stored_reports.write(
            engine, CODE, other, (4, 4, 0, ""), report, AT + dt.timedelta(minutes=n)
        )
    assert stored_reports.count(engine) == 3


class _Marker:
    """A pickle that would create a file when loaded by an unrestricted unpickler."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.path}",))


def test_a_row_not_signed_with_the_servers_key_is_never_unpickled(
    engine, computed, monkeypatch, caplog
) -> None:
    """Someone who can write the database but not read the server's key cannot make the app
    unpickle anything (a forged pickle could crash the server through pyarrow's buffers):
    an unsigned pickle of a real report, and a row signed with another key, are refused
    before unpickling."""
    series, report = computed
    assert stored_reports.write(engine, CODE, series, VERSION, report, AT)
    unpickled: list[bytes] = []
    real = stored_reports._loads
    monkeypatch.setattr(stored_reports, "_loads", lambda b: unpickled.append(b) or real(b))
    assert stored_reports.read(engine, CODE, series, VERSION) is not None
    assert len(unpickled) == 1  # the server's own row
    forged = (
        pickle.dumps(report, protocol=5),
        stored_reports._sign(pickle.dumps(report, protocol=5), b"another key " * 4),
    )
    for payload in forged:
        with engine.begin() as conn:
            conn.execute(update(table).values(payload=payload))
        with caplog.at_level(logging.WARNING, logger=stored_reports.LOGGER.name):
            assert stored_reports.read(engine, CODE, series, VERSION) is None
        assert "not signed with this server's key" in caplog.text
        caplog.clear()
    assert len(unpickled) == 1, "a forged row was unpickled"
    # Another server given the same key reads the rows this one wrote.
    assert stored_reports.write(engine, CODE, series, VERSION, report, AT)
    assert stored_reports.read(engine, CODE, series, VERSION) is not None


def test_a_key_too_short_turns_the_store_off(engine, computed, monkeypatch) -> None:
    series, report = computed
    monkeypatch.setenv(stored_reports.KEY_VARIABLE, "short")
    assert not stored_reports.write(engine, CODE, series, VERSION, report, AT)
    assert stored_reports.count(engine) == 0


def test_a_corrupt_or_foreign_row_is_not_used(engine, computed, tmp_path, caplog) -> None:
    series, report = computed
    stored_reports.write(engine, CODE, series, VERSION, report, AT)
    marker = tmp_path / "ran"
    key = stored_reports.signing_key()
    assert key is not None
    # Signed with the server's key (a holder of the key erred): the restricted unpickler
    # still builds nothing foreign.
    for raw in (b"not a pickle", pickle.dumps(_Marker(marker)), pickle.dumps({"a": 1})):
        payload = stored_reports._sign(raw, key)
        with engine.begin() as conn:
            conn.execute(update(table).values(payload=payload))
        with caplog.at_level(logging.WARNING, logger=stored_reports.LOGGER.name):
            assert stored_reports.read(engine, CODE, series, VERSION) is None
        assert "cannot be read" in caplog.text
        caplog.clear()
    assert not marker.exists(), "the foreign pickle built nothing"
    # The unpickler builds what a report needs: the marker pickle loads when unrestricted.
    pickle.loads(pickle.dumps(_Marker(marker)))
    assert marker.exists()


def test_a_warehouse_without_the_table_is_read_as_nothing_stored(
    computed, tmp_path, caplog
) -> None:
    """A warehouse not yet migrated to 0007, or an app user without write rights: the
    report is computed as before, and nothing raises."""
    series, report = computed
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with caplog.at_level(logging.WARNING, logger=stored_reports.LOGGER.name):
            assert stored_reports.read(engine, CODE, series, VERSION) is None
            assert not stored_reports.write(engine, CODE, series, VERSION, report, AT)
    finally:
        engine.dispose()
    assert "not read" in caplog.text and "not kept" in caplog.text
