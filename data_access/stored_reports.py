"""Computed forecast backtests kept in the app's own schema, so a restart reads them.

A backtest (:func:`metrics.backtest.backtest`) is the expensive part of a tile: seconds per
series at tier S, minutes at tier M under load. It depends only on the series, the
indicator's registry entry and the code that computes it, so a report computed once is
kept in ``stored_reports`` (migration ``0007_perf``) keyed on:

- the indicator,
- the series' **content** (:func:`series_digest`: its scope and its figures; a declared
  source's series changes without a new data version, and its digest still tells),
- the warehouse's **data version** (a new load or undo misses, as the in-process caches do),
- a **fingerprint of the method** (:func:`code_fingerprint`: the source of ``metrics/``,
  the indicator's registry entry, the numeric libraries' versions and this format's
  version): changed code misses.

Rows are written only to the app's own database (the warehouse at ``DASHBOARD_DB_URL``),
never to a declared source (those are read-only, ``data_access.sources``). The table is
bounded: each write deletes this table's rows of another fingerprint, of data versions older
than the ``KEPT_VERSIONS`` most recent, and beyond ``MAX_ROWS``. Nothing here raises for the
store's own problems: a missing table, an unreadable or corrupt row, or a refused write is
logged and the caller computes the report itself.

The payload is a pickle **signed** with HMAC-SHA256 under a key the database never holds
(:func:`signing_key`: ``DASHBOARD_STORED_REPORTS_KEY``, else a random key kept in
``var/stored_reports.key``, readable by the app's user only). A row whose signature does not
verify is never unpickled: someone who can write to the database but not read the app
server's key (another service, a support account) cannot make the app load anything. Behind
the signature, a restricted unpickler (:class:`_ReportUnpickler`) still builds only the
classes a report is made of (the ``pickle`` module's "Restricting Globals"). Several app
servers sharing one warehouse read each other's rows only when given the same key; otherwise
each computes its own (slower, never wrong).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import pickle
import platform
import secrets
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.schema import stored_reports
from metrics.backtest import BacktestReport
from metrics.registry import get_indicator

LOGGER = logging.getLogger(__name__)

FORMAT_VERSION = "2"
"""Bumped when the stored payload's form changes (part of :func:`code_fingerprint`)."""
KIND_BACKTEST = "backtest"
KEPT_VERSIONS = 2
"""Data versions kept: the current one and the one before (a page still reading it while
the warm-up computes the new one)."""
MAX_ROWS = 256
"""Rows kept at most (the newest): about one per indicator and scope in use."""

_METRICS = Path(__file__).resolve().parent.parent / "metrics"
KEY_VARIABLE = "DASHBOARD_STORED_REPORTS_KEY"
"""The signing key (any text of 32 characters or more); unset, a key file is used."""
KEY_FILE = Path(__file__).resolve().parent.parent / "var" / "stored_reports.key"
_SIGNED = b"HMAC-SHA256:"
_DIGEST_BYTES = 32


def signing_key() -> bytes | None:
    """The key that signs stored payloads: ``DASHBOARD_STORED_REPORTS_KEY`` when set (give
    every app server of one warehouse the same), else ``var/stored_reports.key``, made on
    first use from 32 random bytes and readable by its owner only. None when neither is
    usable (a key too short, a folder that cannot be written): nothing is then stored or
    read."""
    given = os.environ.get(KEY_VARIABLE, "")
    if given:
        if len(given) < 32:
            LOGGER.warning("stored reports: %s is shorter than 32 characters; off", KEY_VARIABLE)
            return None
        return given.encode("utf-8")
    try:
        if not KEY_FILE.exists():
            KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(secrets.token_bytes(32))
        key = KEY_FILE.read_bytes()
    except FileExistsError:  # another process made it meanwhile
        key = KEY_FILE.read_bytes()
    except OSError as error:
        LOGGER.warning("stored reports: no signing key (%s); off", error)
        return None
    return key if len(key) >= 32 else None


def _sign(payload: bytes, key: bytes) -> bytes:
    return _SIGNED + hmac.new(key, payload, hashlib.sha256).digest() + payload


def _verified(stored: bytes, key: bytes) -> bytes | None:
    """The pickle inside ``stored`` when its signature verifies under ``key``, else None.

    >>> key = b"k" * 32
    >>> _verified(_sign(b"data", key), key)
    b'data'
    >>> _verified(_sign(b"data", key), b"x" * 32) is None, _verified(b"data", key) is None
    (True, True)
    """
    if not stored.startswith(_SIGNED):
        return None
    body = stored[len(_SIGNED) :]
    signature, payload = body[:_DIGEST_BYTES], body[_DIGEST_BYTES:]
    expected = hmac.new(key, payload, hashlib.sha256).digest()
    return payload if hmac.compare_digest(signature, expected) else None


_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "pyarrow")

_ALLOWED_GLOBALS = frozenset(
    {
        ("builtins", "slice"),
        ("metrics.backtest", "BacktestReport"),
        ("metrics.backtest", "BacktestSummary"),
        ("metrics.backtest", "MethodScore"),
        ("metrics.backtest", "Excluded"),
        ("metrics.backtest", "Calibration"),
        ("metrics.forecasting", "Fitted"),
        ("metrics.forecasting", "NotApplicable"),
        ("metrics.periods", "SeriesShape"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("pandas", "DataFrame"),
        ("pandas", "Index"),
        ("pandas", "RangeIndex"),
        ("pandas", "StringDtype"),
        ("pandas._libs.internals", "_unpickle_block"),
        ("pandas.arrays", "ArrowStringArray"),
        ("pandas.core.indexes.base", "_new_Index"),
        ("pandas.core.internals.managers", "BlockManager"),
        ("pyarrow.lib", "_restore_array"),
        ("pyarrow.lib", "py_buffer"),
        ("pyarrow.lib", "type_for_alias"),
    }
)
"""Every class and function a pickled :class:`~metrics.backtest.BacktestReport` refers to
(listed from real reports of the four headline indicators); nothing else is built."""


class _ReportUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a backtest report")
        return super().find_class(module, name)


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


@cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    digest.update(f"format {FORMAT_VERSION}\n".encode())
    digest.update(f"python {platform.python_version()}\n".encode())
    for name in _LIBRARIES:
        digest.update(f"{name} {_library_version(name)}\n".encode())
    for path in sorted(_METRICS.rglob("*.py")):
        digest.update(path.relative_to(_METRICS).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_fingerprint(indicator_code: str) -> str:
    """A digest of what computes ``indicator_code``'s backtest: the source of ``metrics/``,
    the indicator's registry entry (its targets and shape), the numeric libraries'
    versions and the payload's format. Any change makes stored reports miss."""
    text = f"{_code_digest()}\n{get_indicator(indicator_code)!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def series_digest(series: pd.DataFrame) -> str:
    """A digest of the series' content (columns, dtypes, index and every value), the same in
    every process (pandas' row hash has a fixed key).

    >>> a = pd.DataFrame({"value": [1.0, 2.0]})
    >>> series_digest(a) == series_digest(a.copy()) != series_digest(a.assign(value=[1.0, 3.0]))
    True
    """
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in series.dtypes.items()]).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(series, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def report_key(
    indicator_code: str, series: pd.DataFrame, data_version: object, fingerprint: str
) -> str:
    """The stored row's key: a digest of (kind, indicator, series content, data version,
    method fingerprint)."""
    text = repr(
        (KIND_BACKTEST, indicator_code, series_digest(series), repr(data_version), fingerprint)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _loads(payload: bytes) -> BacktestReport:
    report = _ReportUnpickler(io.BytesIO(payload)).load()
    if not isinstance(report, BacktestReport):
        raise pickle.UnpicklingError(f"a {type(report).__name__}, not a backtest report")
    return report


def read(
    engine: Engine, indicator_code: str, series: pd.DataFrame, data_version: object
) -> BacktestReport | None:
    """The stored report of ``indicator_code`` for this series, data version and code; None
    when there is none, or when it cannot be read (no table yet, a corrupt or foreign row:
    logged), so that the caller computes it."""
    secret = signing_key()
    if secret is None:
        return None
    key = report_key(indicator_code, series, data_version, code_fingerprint(indicator_code))
    try:
        with engine.connect() as conn:
            payload = conn.execute(
                select(stored_reports.c.payload).where(stored_reports.c.report_key == key)
            ).scalar_one_or_none()
    except SQLAlchemyError as error:
        LOGGER.warning("stored reports: not read (%s); computing", _first_line(error))
        return None
    if payload is None:
        return None
    verified = _verified(bytes(payload), secret)
    if verified is None:  # never unpickled: not written by a holder of this key
        LOGGER.warning(
            "stored reports: the row of %s is not signed with this server's key; computing",
            indicator_code,
        )
        return None
    try:
        report = _loads(verified)
    except Exception as error:  # any corrupt payload: compute instead, never break a page
        LOGGER.warning(
            "stored reports: the row of %s cannot be read (%s: %s); computing",
            indicator_code,
            type(error).__name__,
            error,
        )
        return None
    if report.indicator_code != indicator_code:
        LOGGER.warning(
            "stored reports: the row of %s holds another indicator; computing", indicator_code
        )
        return None
    return report


def write(
    engine: Engine,
    indicator_code: str,
    series: pd.DataFrame,
    data_version: object,
    report: BacktestReport,
    written_at: object,
) -> bool:
    """Keep ``report`` (replacing a row of the same key), then prune (see the module's
    docstring). Returns whether it was written; a refused write is logged, never raised."""
    secret = signing_key()
    if secret is None:
        return False
    fingerprint = code_fingerprint(indicator_code)
    key = report_key(indicator_code, series, data_version, fingerprint)
    payload = _sign(pickle.dumps(report, protocol=5), secret)
    try:
        with engine.begin() as conn:
            conn.execute(delete(stored_reports).where(stored_reports.c.report_key == key))
            conn.execute(
                insert(stored_reports).values(
                    report_key=key,
                    kind=KIND_BACKTEST,
                    indicator_code=indicator_code,
                    series_digest=series_digest(series),
                    data_version=repr(data_version),
                    code_fingerprint=fingerprint,
                    payload=payload,
                    payload_bytes=len(payload),
                    written_at=written_at,
                )
            )
            _prune(conn, indicator_code, fingerprint, repr(data_version))
    except SQLAlchemyError as error:
        LOGGER.warning("stored reports: %s not kept (%s)", indicator_code, _first_line(error))
        return False
    return True


def _prune(conn: Connection, indicator_code: str, fingerprint: str, current: str) -> None:
    """Delete this table's rows that no reader will ask for again: the indicator's rows of
    another code fingerprint, rows of data versions other than ``current`` (just written)
    and older than the ``KEPT_VERSIONS`` most recently written, and the oldest beyond
    ``MAX_ROWS``."""
    table = stored_reports
    conn.execute(
        delete(table).where(
            table.c.indicator_code == indicator_code, table.c.code_fingerprint != fingerprint
        )
    )
    newest = func.max(table.c.written_at)
    recent = [current] + [
        row[0]
        for row in conn.execute(
            select(table.c.data_version)
            .group_by(table.c.data_version)
            .order_by(newest.desc())
            .limit(KEPT_VERSIONS)
        )
    ]
    conn.execute(delete(table).where(table.c.data_version.not_in(recent)))
    kept = [
        row[0]
        for row in conn.execute(
            select(table.c.report_key)
            .order_by(table.c.written_at.desc(), table.c.report_key)
            .limit(MAX_ROWS)
        )
    ]
    if len(kept) == MAX_ROWS:
        conn.execute(delete(table).where(table.c.report_key.not_in(kept)))


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]


def count(engine: Engine) -> int:
    """Rows kept (for tests and the benchmark)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(stored_reports)).scalar_one())
