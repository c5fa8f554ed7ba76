"""Downloads: a table as CSV or XLSX bytes, exactly as shown, safe to open in Excel, and
able to stand alone — what it covers travels with it.

``about`` is a list of (label, value) lines: the page, scope and filters, the date the
figures are as of (and the "as of" day of a past state), whether they are demo data, and
their sources. A CSV carries them as ``#`` lines above the header (``pandas.read_csv(…,
comment="#")`` skips them); an XLSX on a second sheet.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence

import pandas as pd

from i18n.escape import strip_invisible

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
About = Sequence[tuple[str, str]]


KEEP = "\n\t\r"
XLSX_OPTIONS = {"options": {"strings_to_formulas": False, "strings_to_urls": False}}
"""xlsxwriter writes every text cell as text: by default it turns a cell starting with "="
(``{=HYPERLINK(…)}`` included) into a formula and one that looks like a link into a live
hyperlink, whatever the apostrophe guard does."""
"""The control characters a download keeps: line breaks and tabs (a cell may hold them;
a CSV quotes such a cell)."""


def clean_cell(value: object) -> object:
    """A text cell as a download holds it: first without control, format and bidirectional
    characters but line breaks and tabs (:func:`i18n.escape.strip_invisible`), then, if a
    spreadsheet would run it as a formula, with a leading apostrophe. In that order: an
    invisible character in front of ``=`` would otherwise hide the formula from the guard,
    and stripping it afterwards would leave the formula bare. Anything but text is left
    alone.

    Examples
    --------
    >>> clean_cell("\u202e=HYPERLINK(1)"), clean_cell("\u200b=1+1"), clean_cell(-1)
    ("'=HYPERLINK(1)", "'=1+1", -1)
    """
    if not isinstance(value, str):
        return value
    value = strip_invisible(value, keep=KEEP)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell cleaned (:func:`clean_cell`): invisible characters removed, and a
    cell that a spreadsheet would run as a formula given a leading apostrophe. Column names
    lose their invisible characters too.

    Numbers are left alone (a negative number is a number, not a formula).

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "b": [-1, 2, 3]}))
           a  b
    0  '=1+1 -1
    1     ok  2
    2    '-x  3
    """
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    cleaned = frame.assign(**{c: frame[c].map(clean_cell) for c in text_columns})
    # A header is text from outside too (a pivot on names): stripped, then guarded.
    return cleaned.rename(columns=lambda c: clean_cell(c) if isinstance(c, str) else c)


def _about_lines(about: About) -> str:
    return "".join(
        "# "
        + strip_invisible(str(label))
        + ": "
        + " ".join(strip_invisible(str(value)).split())
        + "\r\n"
        for label, value in about
    )


def to_csv_bytes(frame: pd.DataFrame, about: About = ()) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows Vietnamese diacritics; ``about``
    lines first, each starting with ``#``."""
    # CRLF (RFC 4180): a text cell holding a CR or LF is then quoted. With "\n" alone a
    # bare CR would end the row in Excel and start the next cell with what follows it
    # (a unit named "'\r=1+1" would put =1+1 in a cell of its own).
    body = neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n")
    return (_about_lines(about) + body).encode("utf-8-sig")


def to_xlsx_bytes(
    frame: pd.DataFrame, sheet_name: str = "data", about: About = (), about_sheet: str = "about"
) -> bytes:
    """An XLSX workbook with ``frame`` on the first sheet and ``about`` on a second, named
    ``about_sheet`` (``Thông tin`` in Vietnamese)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs=XLSX_OPTIONS) as writer:
        neutralise_formulas(frame).to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        for index, column in enumerate(frame.columns):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.set_column(index, index, min(60, width + 2))
        if about:
            notes = neutralise_formulas(
                pd.DataFrame([(str(k), str(v)) for k, v in about], columns=["", " "])
            )
            name = about_sheet[:31]
            notes.to_excel(writer, sheet_name=name, index=False, header=False)
            writer.sheets[name].set_column(0, 0, 28)
            writer.sheets[name].set_column(1, 1, 100)
    return buffer.getvalue()


def file_stem(*parts: str) -> str:
    """A file name from words: no diacritics, lower case, hyphens (``Bình Dương`` →
    ``binh-duong``).

    Examples
    --------
    >>> file_stem("dich-vu-cong", "Tỉnh Bình Dương (cũ)", "2026-11-10")
    'dich-vu-cong-tinh-binh-duong-cu-2026-11-10'
    """
    text = "-".join(p for p in parts if p).replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:120]
