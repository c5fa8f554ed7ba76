"""The loader's operations on a warehouse: check, submit, load, undo, export, template.

The Data page and ``python -m ingest`` both call these, so a file is judged and loaded the
same way whichever door it comes through.

- **check** validates and writes nothing.
- **submit** (the Data page, on upload) validates and records the file in
  ``submission_checks``: the "correct" quality measure is the share of submitted rows
  that passed.
- **load** validates every file, then (all passing) records them and loads them in one
  transaction, one batch per file; with any problem in any file, nothing is loaded and the
  refusal is recorded.

Submission keys
---------------
A batch's ``submission_key`` is ``upload|<kind>|<periods>|<scope>|<digest>``: the kind,
the months (or plan or target years) it covers, its unit (or how many units and
indicators), and a digest of the exact set of row keys. A re-sent submission with the same
rows replaces the earlier version (its rows are superseded, not doubled). A re-send that
covers fewer rows than the first gets another key: it replaces the rows it holds, and the
earlier version's other rows stay current rather than vanishing by omission; the preview
names them (``left_as_is``) so the steward can undo the earlier batch first if they are
meant to go.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data_access import audit, identity, submissions, writes
from data_access.audit import Actor, actor_name
from data_access.schema import load_batches
from data_access.submissions import CheckRecord
from data_access.writes import BatchResult, UndoResult
from ingest import problems as problems_module
from ingest.layouts import Kind, field_names, template_frame
from ingest.read import DEFAULT_LIMITS, Limits, Submitted
from ingest.validate import Checked, check_many
from metrics.clock import city_today, utc_now
from metrics.export import XLSX_OPTIONS, neutralise_formulas
from metrics.registry import TimeRollup, get_indicator

LOCAL_USER = identity.LOCAL_USER.name
"""The name local mode's one user acts under (no sign-in configured; the page passes the
signed-in user's name otherwise)."""
KEPT_PROBLEMS = 200
"""How many problems of a file the record keeps (the full list is shown and downloaded)."""

_KEY = {
    Kind.OBSERVATIONS: ("indicator_id", "unit_id", "period_year", "period_month", "breakdown_key"),
    Kind.CAPITAL_PLANS: ("unit_id", "plan_year", "effective_date"),
    Kind.TARGETS: ("indicator_id", "unit_id", "target_year", "due_date"),
}
_VALUES = {
    Kind.OBSERVATIONS: ("value", "numerator", "denominator"),
    Kind.CAPITAL_PLANS: ("plan_billion_vnd", "source_document"),
    Kind.TARGETS: ("comparator", "target_value", "is_year_end", "source_document"),
}


@dataclass(frozen=True, slots=True)
class Preview:
    """What loading a file that passed would do to the current figures."""

    rows_new: int
    rows_replacing: int
    """Rows whose key has a current row now: that row becomes an earlier version."""
    rows_changing: int
    """Of those, rows whose values differ from the current ones."""
    left_as_is: pd.DataFrame
    """Earlier batches some of whose rows this file replaces, with how many of their
    current rows it does not hold (those stay current): ``batch_id``, ``source_name``,
    ``rows``."""


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of checking (or trying to load) some files."""

    checked: tuple[Checked, ...]
    previews: tuple[Preview | None, ...]
    batches: tuple[BatchResult, ...] = ()
    check_ids: tuple[int, ...] = ()

    @property
    def is_ok(self) -> bool:
        return all(c.is_ok for c in self.checked)

    @property
    def problems(self) -> pd.DataFrame:
        frames = [c.problems for c in self.checked if not c.problems.empty]
        return pd.concat(frames, ignore_index=True) if frames else self.checked[0].problems


def within_scope(checked: Checked, scope: Collection[str] | None) -> Checked:
    """``checked`` unchanged without a scope; else, when the file names a unit outside it
    (its ``unit_counts``, every row as written), failed with a ``unit_out_of_scope``
    problem naming those codes (the user's own file's codes, nobody else's detail)."""
    if scope is None or checked.unit_counts.empty:
        return checked
    written = {str(u).strip() for u in checked.unit_counts["unit_code"].dropna()} - {""}
    outside = sorted(written - {str(u) for u in scope})
    if not outside:
        return checked
    shown = ", ".join(outside[:10]) + (" …" if len(outside) > 10 else "")
    problem = problems_module.file_problem(checked.name, "unit_out_of_scope", units=shown)
    frame = (
        pd.concat([checked.problems, problem], ignore_index=True)
        if not checked.problems.empty
        else problem
    )
    return dataclasses.replace(checked, problems=frame, rows=checked.rows.iloc[0:0])


class LoadFailedError(RuntimeError):
    """The warehouse refused the load (nothing was loaded); the message says why."""


def check_files(
    engine: Engine,
    files: Sequence[Submitted],
    *,
    today: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    preview: bool = True,
    scope: Collection[str] | None = None,
) -> Report:
    """Validate ``files`` against the warehouse; nothing is written.

    With ``scope`` (the ``unit_id`` values a unit-scoped data steward is limited to), a file
    with a row of any other unit fails with ``unit_out_of_scope`` (:func:`within_scope`).

    Parameters
    ----------
    engine
        The warehouse.
    files
        The files as sent.
    today
        Today in the city (default: the clock).
    limits
        Size, row and field-length limits.
    preview
        Also say what loading each passing file would change.

    Returns
    -------
    Report
    """
    today = today or city_today()
    with engine.connect() as conn:
        reference = submissions.reference(conn)
        checked = tuple(within_scope(c, scope) for c in check_many(files, reference, today, limits))
        previews = tuple(
            _preview(conn, c) if preview and c.is_ok and c.kind is not None else None
            for c in checked
        )
    return Report(checked, previews)


def submit_files(
    engine: Engine,
    files: Sequence[Submitted],
    *,
    actor: Actor,
    channel: str = "page",
    today: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    scope: Collection[str] | None = None,
) -> Report:
    """Validate files sent together (keys shared between them too) and record each in
    ``submission_checks``; returns the report with one ``check_id`` per file. ``scope``:
    see :func:`check_files`.

    The Data page calls this on upload: the files have been submitted, whether or not
    they are loaded afterwards.
    """
    report = check_files(engine, files, today=today, limits=limits, scope=scope)
    with engine.begin() as conn:
        ids = tuple(
            submissions.record_check(conn, _record(checked, actor, channel))
            for checked in report.checked
        )
    return Report(report.checked, report.previews, check_ids=ids)


def submit(
    engine: Engine,
    file: Submitted,
    *,
    actor: Actor,
    channel: str = "page",
    today: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    scope: Collection[str] | None = None,
) -> Report:
    """Validate a file sent to the warehouse and record it (``submission_checks``).
    ``scope``: see :func:`check_files`.

    The Data page calls this on upload: the file has been submitted, whether or not it is
    loaded afterwards. Returns the report with the record's ``check_ids``.
    """
    report = check_files(engine, [file], today=today, limits=limits, scope=scope)
    with engine.begin() as conn:
        check_id = submissions.record_check(conn, _record(report.checked[0], actor, channel))
    return Report(report.checked, report.previews, check_ids=(check_id,))


def load_files(
    engine: Engine,
    files: Sequence[Submitted],
    *,
    actor: Actor,
    channel: str = "cli",
    today: dt.date | None = None,
    limits: Limits = DEFAULT_LIMITS,
    check_ids: dict[str, int] | None = None,
    note: str | None = None,
    scope: Collection[str] | None = None,
) -> Report:
    """Validate every file, then load them all in one transaction, or none.

    Parameters
    ----------
    engine
        The warehouse.
    files
        The files; each becomes one batch.
    actor
        Who loads them.
    channel
        ``cli`` or ``page``.
    check_ids
        Files already recorded by :func:`submit` (by SHA-256): they are not recorded again.
    note
        A note for the batches.
    scope
        A unit-scoped data steward's ``unit_id`` values: a file naming any other unit is
        refused (:func:`check_files`), whatever the page offered.

    Returns
    -------
    Report
        With ``batches`` when loaded; without, when refused (see each file's problems).

    Raises
    ------
    LoadFailedError
        When the warehouse refused the write (nothing was loaded).
    """
    today = today or city_today()
    known = check_ids or {}
    report = check_files(engine, files, today=today, limits=limits, preview=False, scope=scope)
    if not report.is_ok:
        with engine.begin() as conn:
            ids = [
                known.get(c.sha256) or submissions.record_check(conn, _record(c, actor, channel))
                for c in report.checked
            ]
            audit.record(
                conn,
                actor=actor,
                action="load_refused",
                object_type="submission",
                object_id=",".join(str(i) for i in ids),
                detail={
                    "files": [c.name for c in report.checked],
                    "problems": int(sum(len(c.problems) for c in report.checked)),
                },
                outcome="refused",
            )
        return Report(report.checked, report.previews, check_ids=tuple(ids))
    batches: list[BatchResult] = []
    try:
        with engine.begin() as conn:
            ids = []
            for checked in report.checked:
                check_id = known.get(checked.sha256) or submissions.record_check(
                    conn, _record(checked, actor, channel)
                )
                ids.append(check_id)
                batches.append(_load(conn, checked, actor, check_id, note))
            if sum(b.rows_loaded for b in batches) > writes.STAGE_THRESHOLD:
                writes.refresh_statistics(conn)
    except Exception as error:  # the transaction is rolled back: nothing was loaded
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(error, SQLAlchemyError | ValueError):
            raise
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise LoadFailedError(reason[:300]) from error
    return Report(report.checked, report.previews, tuple(batches), tuple(ids))


def _load(
    conn: object, checked: Checked, actor: Actor, check_id: int, note: str | None
) -> BatchResult:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection) and checked.kind is not None
    rows = checked.rows.drop(columns="file_row")
    loader = {
        Kind.OBSERVATIONS: writes.load_observation_batch,
        Kind.CAPITAL_PLANS: writes.load_capital_plan_batch,
        Kind.TARGETS: writes.load_target_batch,
    }[checked.kind]
    return loader(
        conn,
        rows,
        submission_key=submission_key(checked.kind, rows),
        source_name=checked.name[:300],
        submitted_by=actor,
        note=note,
        check_id=check_id,
    )


def _record(checked: Checked, actor: Actor, channel: str) -> CheckRecord:
    kept = checked.problems.head(KEPT_PROBLEMS)
    problems = tuple(
        {
            "row": None if pd.isna(row) else int(row),
            "column": column,
            "value": str(value)[:100],
            "rule": rule,
        }
        for row, column, value, rule in zip(
            kept["row"], kept["column"], kept["value"], kept["rule"], strict=True
        )
    )
    return CheckRecord(
        actor=actor_name(actor),
        channel=channel,
        source_name=checked.name,
        file_sha256=checked.sha256,
        size_bytes=checked.size_bytes,
        kind=checked.kind.value if checked.kind else None,
        row_count=checked.row_count,
        error_row_count=checked.error_row_count,
        problem_count=len(checked.problems),
        outcome="passed" if checked.is_ok else "refused",
        problems=problems,
        units=checked.unit_counts,
    )


def _as_text(column: pd.Series) -> pd.Series:
    """``column.astype(str)``, converting each distinct value once."""
    distinct = pd.unique(column)
    text = column.map(dict(zip(distinct, (str(v) for v in distinct), strict=True)))
    if text.isna().any():  # a missing value is not its own dictionary key (NaN != NaN)
        return column.astype(str)
    return text


def _key_digest(columns: list[pd.Series]) -> str:
    """The first 12 hex digits of the SHA-256 of the rows' key lines (each column as
    ``astype(str)`` gives it, joined by tabs), sorted and joined by newlines.

    The lines are joined and sorted by pyarrow: a byte order of UTF-8 is the code-point
    order Python's ``sorted`` gives, so the digest is the one of the plain formula.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text_type = pa.large_string()
    arrays = []
    for column in columns:
        if isinstance(column.dtype, pd.StringDtype) and not column.isna().any():
            # Already text (str(v) is v), handed over without a Python object per row.
            array = pa.chunked_array(pa.array(column.array)).cast(text_type).combine_chunks()
        else:
            array = pa.array(_as_text(column).to_numpy(dtype=object), type=text_type)
        arrays.append(array)
    lines = pc.binary_join_element_wise(*arrays, pa.scalar("\t", text_type))
    ordered = pc.take(lines, pc.sort_indices(lines))
    # Each line with a newline after it: the array's data buffer is then the lines joined
    # by newlines, plus one at the end, which is left out of the digest.
    ended = pc.binary_join_element_wise(
        ordered, pa.scalar("", text_type), pa.scalar("\n", text_type)
    )
    if isinstance(ended, pa.ChunkedArray):
        ended = ended.combine_chunks()
    offsets = np.frombuffer(ended.buffers()[1], dtype=np.int64)
    start, end = int(offsets[ended.offset]), int(offsets[ended.offset + len(ended)])
    data = memoryview(ended.buffers()[2])[start : max(start, end - 1)]
    return hashlib.sha256(data).hexdigest()[:12]


def submission_key(kind: Kind, rows: pd.DataFrame) -> str:
    """``upload|<kind>|<periods>|<scope>|<digest>`` for a batch's rows (see the module
    docstring): equal for the same set of row keys, different otherwise.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": ["online_dossier_share"], "unit_id": ["25747"],
    ...     "period_year": [2026], "period_month": [dt.date(2026, 10, 1)], "breakdown_key": [""]})
    >>> submission_key(Kind.OBSERVATIONS, rows)[:55]
    'upload|observations|2026-10|25747|online_dossier_share|'
    """
    # The text of each key column as ``astype(str)`` gives it, each distinct value
    # converted once (a million-row file has a few hundred distinct dates and codes).
    digest = _key_digest([rows[name] for name in _KEY[kind]])
    if kind is Kind.OBSERVATIONS:
        distinct = pd.Series(pd.unique(rows["period_month"]))
        months = sorted(pd.to_datetime(distinct).dt.strftime("%Y-%m").unique())
        periods = months[0] if len(months) == 1 else f"{months[0]}..{months[-1]}"
    elif kind is Kind.CAPITAL_PLANS:
        years = sorted(rows["plan_year"].astype(int).unique())
        periods = "-".join(str(y) for y in years[:3]) + ("…" if len(years) > 3 else "")
    else:
        years = sorted(rows["target_year"].astype(int).unique())
        periods = "-".join(str(y) for y in years[:3]) + ("…" if len(years) > 3 else "")
    unit_ids = sorted(rows["unit_id"].astype(str).unique())
    scope = unit_ids[0] if len(unit_ids) == 1 else f"{len(unit_ids)} units"
    if "indicator_id" in rows.columns:
        codes = sorted(rows["indicator_id"].astype(str).unique())
        scope += "|" + (codes[0] if len(codes) == 1 else f"{len(codes)} indicators")
    return f"upload|{kind.value}|{periods}|{scope}|{digest}"[:200]


def _preview(conn: object, checked: Checked) -> Preview:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection) and checked.kind is not None
    kind = checked.kind
    rows = checked.rows.drop(columns="file_row")
    if kind is Kind.OBSERVATIONS:
        current = submissions.current_observations(
            conn,
            sorted(rows["indicator_id"].unique()),
            sorted(rows["period_month"].unique()),
            sorted(rows["unit_id"].unique()) if rows["unit_id"].nunique() <= 500 else None,
        )
    elif kind is Kind.CAPITAL_PLANS:
        current = submissions.current_capital_plans(conn, sorted(rows["plan_year"].unique()))
    else:
        current = submissions.loaded_targets(conn)
    key = list(_KEY[kind])
    matched = rows.merge(current, on=key, how="inner", suffixes=("", "_current"))
    changing = np.zeros(len(matched), dtype=bool)
    for column in _VALUES[kind]:
        new, old = matched[column], matched[f"{column}_current"]
        if pd.api.types.is_numeric_dtype(new) and pd.api.types.is_numeric_dtype(old):
            same = np.isclose(
                new.to_numpy(dtype="float64"), old.to_numpy(dtype="float64"), rtol=0, atol=1e-9
            ) | (new.isna().to_numpy() & old.isna().to_numpy())
        else:
            same = (new.astype(str) == old.astype(str)).to_numpy()
        changing |= ~same
    replaced_batches = matched.groupby("batch_id").size()
    left = pd.DataFrame(columns=["batch_id", "source_name", "rows"])
    if not replaced_batches.empty:
        ids = [int(b) for b in replaced_batches.index]
        held = submissions.batch_row_counts(conn, kind.value, ids)
        remaining = {b: held.get(b, 0) - int(replaced_batches[b]) for b in ids}
        remaining = {b: n for b, n in remaining.items() if n > 0}
        if remaining:
            from sqlalchemy import select

            names = dict(
                conn.execute(
                    select(load_batches.c.batch_id, load_batches.c.source_name).where(
                        load_batches.c.batch_id.in_(list(remaining))
                    )
                ).all()
            )
            left = pd.DataFrame(
                {
                    "batch_id": list(remaining),
                    "source_name": [names.get(b, "") for b in remaining],
                    "rows": list(remaining.values()),
                }
            )
    return Preview(
        rows_new=len(rows) - len(matched),
        rows_replacing=len(matched),
        rows_changing=int(changing.sum()),
        left_as_is=left,
    )


class OutOfScopeBatchError(LookupError):
    """A unit-scoped data steward named a batch holding another unit's rows."""


def undo(
    engine: Engine, batch_id: int, *, actor: Actor, scope: Collection[str] | None = None
) -> UndoResult:
    """Undo a batch (see :func:`data_access.writes.undo_batch`), in its own transaction.
    With ``scope`` (a unit-scoped data steward's ``unit_id`` values), only a batch that
    wrote rows of those units and no other (:func:`data_access.submissions.batches_within`).

    Raises
    ------
    data_access.writes.UndoRefusedError
        With the reason and the later batches to undo first.
    OutOfScopeBatchError
        When ``scope`` is given and the batch holds another unit's rows (or none of its own).
    """
    with engine.begin() as conn:
        if scope is not None and not submissions.batch_in_scope(conn, batch_id, scope):
            raise OutOfScopeBatchError(f"batch {batch_id} is outside your unit scope")
        return writes.undo_batch(conn, batch_id, undone_by=actor)


class ExportError(ValueError):
    """An export that cannot be made: an unknown indicator or unit, or no data."""


def export_month(
    engine: Engine,
    indicator_code: str,
    month: dt.date,
    unit_id: str | None = None,
    *,
    scope: Collection[str] | None = None,
) -> pd.DataFrame:
    """One month of an indicator's current figures, in the submission layout.

    With ``scope`` (a unit-scoped data steward's ``unit_id`` values), only one of those
    units may be exported: every unit (``unit_id`` None) or another unit is refused.

    Sent back unchanged, the file passes validation and changes no current figure.

    Returns
    -------
    DataFrame
        The observation layout's columns, as text: numbers as the warehouse holds them
        (exactly: ``repr`` of the float, without a trailing ``.0``).

    Raises
    ------
    ExportError
        For an unknown indicator, a unit outside ``scope``, or when nothing is current for
        that month (and unit).
    """
    if scope is not None and (unit_id is None or unit_id not in set(scope)):
        raise ExportError(
            f"unit {unit_id or '(every unit)'} is outside your unit scope; "
            "export your own unit's figures"
        )
    try:
        indicator = get_indicator(indicator_code)
    except KeyError as error:
        raise ExportError(str(error.args[0])) from None
    with engine.connect() as conn:
        rows = submissions.current_observations(
            conn, [indicator_code], [month.replace(day=1)], [unit_id] if unit_id else None
        )
    if rows.empty:
        raise ExportError(
            f"no current figures of {indicator_code} for {month:%Y-%m}"
            + (f" and unit {unit_id}" if unit_id else "")
        )
    months = pd.to_datetime(rows["period_month"])
    cumulative = indicator.time_rollup is TimeRollup.CUMULATIVE
    plan_year = np.where(
        cumulative & (rows["period_year"].to_numpy() != months.dt.year.to_numpy()),
        rows["period_year"].astype(str).to_numpy(),
        "",
    )
    is_rate = indicator.is_rate
    frame = pd.DataFrame(
        {
            "indicator_code": rows["indicator_id"],
            "unit_code": rows["unit_id"],
            "period": months.dt.strftime("%Y-%m"),
            "plan_year": plan_year,
            "breakdown": rows["breakdown_key"].fillna(""),
            "numerator": [_number(v) for v in rows["numerator"]] if is_rate else "",
            "denominator": [_number(v) for v in rows["denominator"]] if is_rate else "",
            "value": "" if is_rate else [_number(v) for v in rows["numerator"]],
        }
    )
    return frame[field_names(Kind.OBSERVATIONS)]


def _number(value: object) -> str:
    """A float exactly as stored (shortest round-trip form), without ``.0``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    number = float(str(value))
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def table_bytes(frame: pd.DataFrame, file_format: str, guide: pd.DataFrame | None = None) -> bytes:
    """A CSV (UTF-8 with a byte-order mark) or XLSX of ``frame``; formula-like text cells
    are neutralised. An XLSX gets a second sheet with the ``guide``."""
    import io

    safe = neutralise_formulas(frame)
    if file_format == "csv":
        # CRLF: a cell holding a CR or LF is quoted (see metrics.export.to_csv_bytes).
        return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=XLSX_OPTIONS) as writer:
        # Every cell as text: "2026-10" stays a period and codes keep their leading zeros.
        safe.astype(str).to_excel(writer, sheet_name="data", index=False)
        sheet = writer.sheets["data"]
        for index, column in enumerate(frame.columns):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.set_column(index, index, min(50, width + 2))
        if guide is not None:
            neutralise_formulas(guide).to_excel(writer, sheet_name="guide", index=False)
            writer.sheets["guide"].set_column(0, 1, 22)
            writer.sheets["guide"].set_column(2, 3, 70)
    return buffer.getvalue()


def template_bytes(kind: Kind, file_format: str) -> bytes:
    """The blank template of ``kind`` with its worked example row (commented out)."""
    from ingest.layouts import guide_frame

    return table_bytes(template_frame(kind), file_format, guide_frame(kind))


def now() -> dt.datetime:
    """The clock (naive UTC), for callers that show when something happened."""
    return utc_now()
