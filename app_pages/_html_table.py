"""A small read-only table as one plain HTML block instead of a data grid (issue 12: fewer,
lighter elements).

``st.dataframe`` mounts a data grid: about 1.2 MB of table and Arrow code for the browser
to load and run, for tables of a handful of rows that nobody sorts or picks a row in (the
path to the targets, a unit's scorecard). :func:`table_html` writes the same cells, numbers
formatted as the grid's Styler formats them (``1.234,5`` in Vietnamese, ``—`` when missing),
as an HTML ``<table>``:

- every text from outside (names, headers) stripped of invisible characters and escaped:
  shown as text, never as markup;
- the first column is each row's header (``<th scope="row">``) and stays in view while a
  wide table is scrolled sideways on a phone (``position: sticky``), as the grid's pinned
  column did;
- the box that scrolls takes the keyboard's focus and is named by the table's caption, so it
  can be scrolled without a mouse (axe: ``scrollable-region-focusable``);
- each number cell keeps its value in ``data-value`` (empty when missing): what a test reads
  back, unrounded by the formatting.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app_pages._rankings import _decimals, _number_text
from i18n import MISSING
from i18n.escape import strip_invisible

TABLE_CLASS = "dash-table"
"""The class of every table written here (tests find the tables by it)."""

_CELL = "padding:0.25rem 0.5rem;border-bottom:1px solid rgba(49,51,63,0.1);vertical-align:top"
_HEAD = f"{_CELL};font-weight:600;background:#f3f6f9"
_STICKY = "position:sticky;left:0;z-index:1;min-width:7rem"
_COLUMN = "min-width:5.5rem"
"""A column's least width: on a phone a wide table scrolls sideways instead of squeezing its
long headers ("Kinh tế số phải tăng nhanh hơn…") into a word a line."""
_SHORT = 14
"""Text cells this short (characters) are kept on one line ("tháng 10/2026")."""
_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return MISSING
    return html.escape(strip_invisible(str(value)))


def _head_style(position: int, numeric: bool, scrolls: bool, first_width: str) -> str:
    """A header cell's style: the first column's held in view sideways; in a table that
    scrolls in its box (``scrolls``) every header stays in view above the rows, the first
    one above the row headers too (a later ``z-index`` wins)."""
    style = f"{_HEAD};text-align:{'right' if numeric else 'left'}"
    style += ";" + (_STICKY + first_width if position == 0 else _COLUMN)
    if scrolls:
        style += f";position:sticky;top:0;z-index:{3 if position == 0 else 2}"
    return style


def table_html(
    frame: pd.DataFrame,
    lang: str,
    *,
    caption: str,
    max_height: int = 0,
    first_width: float = 0,
) -> str:
    """``frame`` (no index shown) as one HTML table named ``caption`` (read by screen
    readers, not shown: the section's heading says it on screen). Number columns are right
    aligned with the decimals :func:`app_pages._rankings._styled` gives them; ``max_height``
    (px, 0: none) makes a long table scroll inside its box; ``first_width`` (rem, 0: the
    7 rem of every table) is the least width of the first column, for long names that a
    phone would otherwise break into a word a line."""
    decimals = _decimals(frame)
    columns = list(frame.columns)
    wider = f";min-width:{first_width:g}rem" if first_width else ""
    scrolls = max_height > 0
    head = "".join(
        f'<th scope="col" style="{_head_style(position, column in decimals, scrolls, wider)}">'
        f"{_text(column)}</th>"
        for position, column in enumerate(columns)
    )
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            if column in decimals:
                shown = html.escape(_number_text(value, lang=lang, decimals=decimals[column]))
                missing = value is None or pd.isna(value)
                data = f' data-value="{"" if missing else repr(float(value))}"'
                style = f"{_CELL};text-align:right;white-space:nowrap"
            else:
                shown, data, style = _text(value), "", _CELL
                if len(shown) <= _SHORT:  # a month, a yes: kept on one line
                    style += ";white-space:nowrap"
            if position == 0:
                cells.append(
                    f'<th scope="row" style="{style};{_STICKY}{wider};background:#fff;'
                    f'font-weight:400;text-align:left"{data}>{shown}</th>'
                )
            else:
                cells.append(f'<td style="{style}"{data}>{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    name = _text(caption)
    height = f";max-height:{max_height}px;overflow-y:auto" if max_height else ""
    return (
        f'<div tabindex="0" role="region" aria-label="{name}" '
        f'style="overflow-x:auto;font-size:0.9rem;position:relative{height}">'
        f'<table class="{TABLE_CLASS}" style="border-collapse:collapse;width:100%">'
        f'<caption style="{_HIDDEN}">{name}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def show_table(
    frame: pd.DataFrame,
    lang: str,
    *,
    caption: str,
    max_height: int = 0,
    first_width: float = 0,
) -> None:
    """Draw :func:`table_html` of ``frame`` as one HTML element."""
    st.html(
        table_html(frame, lang, caption=caption, max_height=max_height, first_width=first_width)
    )
