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

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
About = Sequence[tuple[str, str]]


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    Numbers are left alone (a negative number is a number, not a formula).

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"], "b": [-1, 2, 3]}))
           a  b
    0  '=1+1 -1
    1     ok  2
    2    '-x  3
    """

    def clean(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(clean) for c in text_columns})


def _about_lines(about: About) -> str:
    return "".join(
        "# " + str(label) + ": " + " ".join(str(value).split()) + "\r\n" for label, value in about
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
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
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
