"""Reading a submitted file: its size, type and encoding, then its cells as text.

Everything that can be wrong with the file as a whole (empty, too large, not a CSV or XLSX
whatever its name says, UTF-16 or Windows-1258 text, NUL bytes, binary junk, a CSV that
cannot be parsed) is one problem with one clear message; nothing raises. The cells come
back as text (NFC-normalised, trimmed), each row with the number the file gives it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

from ingest import problems as p
from ingest.layouts import COMMENT_PREFIX

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SAMPLE = 65_536
_BINARY_SHARE = 0.05
"""A text file has almost no control bytes; random or binary data has about 11 %."""
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_NEEDS_FILTER = re.compile(r"(?:^|\n)[ \t]*(?:#|\r?\n|\r?$)")


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a file may be."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 200_000
    max_field_chars: int = 500

    @property
    def max_mb(self) -> float:
        return self.max_bytes / (1024 * 1024)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Submitted:
    """A file as sent: its name and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class Cells:
    """A file's cells as text: one column per header name, one row per data row."""

    frame: pd.DataFrame
    rows: np.ndarray
    """The file's own number of each row (a CSV line, a sheet row)."""
    header: list[str]
    """The header as written (trimmed, lower case), in order."""
    file_format: str
    """``csv`` or ``xlsx``."""
    header_row: int = 1
    """The file's number of the header row."""


def read(submitted: Submitted, limits: Limits) -> tuple[Cells | None, pd.DataFrame]:
    """The file's cells, or None and the problem that stops it from being read."""
    name, data = submitted.name, submitted.data
    if not data:
        return None, p.file_problem(name, "file_empty")
    if len(data) > limits.max_bytes:
        return None, p.file_problem(
            name,
            "file_too_large",
            size=_mb(len(data)),
            limit=_mb(limits.max_bytes),
        )
    suffix = PurePath(name).suffix.lower()
    is_zip = data.startswith(_XLSX_MAGIC)
    if suffix not in (".csv", ".xlsx"):
        if data.startswith(_OLE_MAGIC) or suffix == ".xls":
            return None, p.file_problem(name, "file_xls")
        return None, p.file_problem(name, "file_type", suffix=suffix or "—")
    if suffix == ".xlsx":
        if not is_zip:
            return None, p.file_problem(name, "file_renamed_xlsx")
        return _read_xlsx(submitted, limits)
    if is_zip:
        return None, p.file_problem(name, "file_renamed_csv")
    if data.startswith(_OLE_MAGIC):
        return None, p.file_problem(name, "file_xls")
    return _read_csv(submitted, limits)


def _mb(size: int) -> float:
    return round(size / (1024 * 1024), 1)


def _looks_utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:2000]
    if len(sample) < 4:
        return False
    zeros_odd = sample[1::2].count(0)
    zeros_even = sample[0::2].count(0)
    half = len(sample) / 2
    return max(zeros_odd, zeros_even) > 0.3 * half


def _read_csv(submitted: Submitted, limits: Limits) -> tuple[Cells | None, pd.DataFrame]:
    name, data = submitted.name, submitted.data
    if _looks_utf16(data):
        return None, p.file_problem(name, "encoding_utf16")
    sample = np.frombuffer(data[:_BINARY_SAMPLE], dtype=np.uint8)
    control = (sample < 32) & ~np.isin(sample, (9, 10, 13))
    if control.mean() > _BINARY_SHARE:
        return None, p.file_problem(name, "file_binary", offset=int(np.argmax(control)))
    nul = data.find(b"\x00")
    if nul >= 0:
        return None, p.file_problem(name, "nul_bytes", line=data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, p.file_problem(name, "encoding_not_utf8", line=line)
    text = unicodedata.normalize("NFC", text)
    # The file's last line end is not a blank line: looked for without it, a file with no
    # blank or comment line takes the fast path (no Python loop over its lines).
    bare = text.removesuffix("\n").removesuffix("\r")
    if _NEEDS_FILTER.search(bare):
        kept, numbers = _without_comments(text)
    else:
        kept = bare
        numbers = None
    if not kept.strip():
        return None, p.file_problem(name, "file_empty")
    header_line, _, body = kept.partition("\n")
    header = next(csv.reader([header_line.rstrip("\r")]), [])
    header = [column.strip().lower() for column in header]
    if len(header) == 1 and ";" in header[0]:
        return None, p.file_problem(name, "semicolon")
    data_lines = body.count("\n") + 1 if body else 0
    if data_lines > limits.max_rows:
        return None, p.file_problem(name, "too_many_rows", rows=data_lines, limit=limits.max_rows)
    if not body.strip():
        return None, p.file_problem(name, "no_rows")
    try:
        # header=None: the header line sets the width, so a longer row is an error (with a
        # header row, pandas would quietly take the first column as an index instead).
        frame = pd.read_csv(
            io.StringIO(kept),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        return None, _parser_problem(name, str(error), numbers)
    frame = frame.iloc[1:]
    if len(frame) != data_lines:
        return None, p.file_problem(name, "multiline_field")
    short = frame.isna().any(axis=1).to_numpy()
    if short.any():
        at = int(np.argmax(short))
        line = numbers[at + 1] if numbers is not None else at + 2
        saw = int(frame.iloc[at].notna().sum())
        return None, p.file_problem(
            name, "csv_field_count", line=line, expected=len(header), saw=saw
        )
    frame.columns = pd.Index(header)
    rows = (
        np.asarray(numbers[1:], dtype="int64")
        if numbers is not None
        else np.arange(2, len(frame) + 2, dtype="int64")
    )
    frame = frame.apply(lambda column: column.str.strip())
    header_row = numbers[0] if numbers else 1
    return Cells(frame.reset_index(drop=True), rows, header, "csv", header_row), p.empty()


def _without_comments(text: str) -> tuple[str, list[int]]:
    """The text without blank lines and lines starting with ``#``, and the line number of
    each kept line (1-based)."""
    kept: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(COMMENT_PREFIX):
            continue
        kept.append(raw.rstrip("\r"))
        numbers.append(number)
    return "\n".join(kept), numbers


def _parser_problem(name: str, detail: str, numbers: list[int] | None) -> pd.DataFrame:
    match = _FIELD_COUNT.search(detail)
    if match:
        expected, parsed_line, saw = (int(g) for g in match.groups())
        line = numbers[parsed_line - 1] if numbers and parsed_line <= len(numbers) else parsed_line
        return p.file_problem(name, "csv_field_count", line=line, expected=expected, saw=saw)
    first = detail.strip().splitlines()[0] if detail.strip() else "?"
    return p.file_problem(name, "csv_unreadable", detail=first[:200])


def _xlsx_text(value: object) -> str:
    """A cell as text: numbers without exponent or trailing zeros, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return np.format_float_positional(value, trim="-")
    if isinstance(value, dt.date | dt.time):
        text = str(value.isoformat())
        return text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    formula = getattr(value, "text", None)
    if not isinstance(value, str) and isinstance(formula, str):
        return "=" + formula.lstrip("=")  # an array or data-table formula
    return unicodedata.normalize("NFC", str(value)).strip()


def _column_used(records: list[list[str]], index: int) -> bool:
    return any(len(record) > index and record[index] for record in records)


def _read_xlsx(submitted: Submitted, limits: Limits) -> tuple[Cells | None, pd.DataFrame]:
    from openpyxl import load_workbook  # only for workbooks: a CSV never needs it

    name, data = submitted.name, submitted.data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, p.file_problem(name, "file_renamed_xlsx")
    if "xl/workbook.xml" not in members:
        return None, p.file_problem(name, "file_renamed_xlsx")
    if unpacked > 20 * limits.max_bytes:
        return None, p.file_problem(
            name, "file_too_large", size=_mb(unpacked), limit=_mb(limits.max_bytes)
        )
    try:
        # data_only=False: a formula comes back as its text ("=SUM(B2:B9)"), so the rules
        # refuse it; with data_only=True its cached result would be loaded in its place,
        # which may be stale or, from a generated workbook, never computed (0).
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return None, p.file_problem(name, "xlsx_unreadable", detail=first[:200])
    try:
        if not book.worksheets:
            return None, p.file_problem(name, "no_rows")
        sheet = book.worksheets[0]
        header: list[str] | None = None
        header_row = 1
        counted = 0
        records: list[list[str]] = []
        numbers: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(v) for v in values]
            if not any(cells) or cells[0].startswith(COMMENT_PREFIX):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                header_row = number
                continue
            counted += 1
            if counted <= limits.max_rows:
                records.append(cells)
                numbers.append(number)
    except Exception as error:  # a damaged sheet fails while it is read
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return None, p.file_problem(name, "xlsx_unreadable", detail=first[:200])
    finally:
        book.close()
    if header is None:
        return None, p.file_problem(name, "file_empty")
    if counted > limits.max_rows:
        # As for a CSV: the whole file is refused, never its first max_rows rows loaded.
        return None, p.file_problem(name, "too_many_rows", rows=counted, limit=limits.max_rows)
    while (
        header
        and not header[-1]
        and not any(len(r) >= len(header) and r[len(header) - 1] for r in records)
    ):
        header.pop()
    if not records:
        return None, p.file_problem(name, "no_rows")
    width = len(header)
    wide = [i for i, r in enumerate(records) if any(r[width:])]
    if wide:
        at = wide[0]
        return None, p.file_problem(
            name,
            "csv_field_count",
            line=numbers[at],
            expected=width,
            saw=max(i + 1 for i, c in enumerate(records[at]) if c),
        )
    frame = pd.DataFrame(
        [(r + [""] * width)[:width] for r in records], columns=pd.Index(range(width)), dtype=str
    )
    frame.columns = pd.Index(header)
    rows = np.asarray(numbers, dtype="int64")
    return Cells(frame, rows, header, "xlsx", header_row), p.empty()
