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
  back, unrounded by the formatting;
- the looks come from class rules written once, in a ``<style>`` block before the table
  (:data:`TABLE_CSS`): a cell carries at most a one-letter class, not the same inline style
  on every cell.
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
_COLUMN = "min-width:5.5rem"
"""A column's least width: on a phone a wide table scrolls sideways instead of squeezing its
long headers ("Kinh tế số phải tăng nhanh hơn…") into a word a line."""
_SHORT = 14
"""Text cells this short (characters) are kept on one line ("tháng 10/2026")."""
_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)
_SCROLLS = "dash-scroll"
"""The class of a table that scrolls in its box (``max_height``): its header row stays in
view at the top."""
_T = f".{TABLE_CLASS}"
TABLE_CSS = (
    "<style>"
    f"{_T}{{border-collapse:collapse;width:100%}}"
    f"{_T} th,{_T} td{{{_CELL}}}"
    # The header row: bold on a tint, left aligned unless over numbers (class r).
    f"{_T} thead th{{font-weight:600;background:#f3f6f9;text-align:left;{_COLUMN}}}"
    f"{_T} thead th.r{{text-align:right}}"
    # The first column heads each row and stays in view while a wide table is scrolled
    # sideways on a phone, as the grid's pinned column did.
    f"{_T} tbody th{{background:#fff;font-weight:400;text-align:left}}"
    f"{_T} tbody th,{_T} thead th:first-child{{position:sticky;left:0;z-index:1;min-width:7rem}}"
    # Numbers (n): right aligned on one line; short texts (s): on one line.
    f"{_T} td.n{{text-align:right;white-space:nowrap}}"
    f"{_T} .n,{_T} .s{{white-space:nowrap}}"
    # In a table that scrolls in its box the header row stays at the top, the first header
    # above the row headers too (z-index 3 over 2 over 1).
    f"{_T}.{_SCROLLS} thead th{{position:sticky;top:0;z-index:2}}"
    f"{_T}.{_SCROLLS} thead th:first-child{{z-index:3}}"
    "</style>"
)
"""The class rules of every table written here: one ``<style>`` block per table instead of
the same inline style on every cell (issue 12: Disbursement's 191 investors were 165 KB of
HTML). Streamlit 1.67's ``st.html`` keeps a ``<style>`` element beside the table and the
browser applies it (checked in headless Chromium). Our own text: no data inside."""


def _first_rule(first_width: float) -> tuple[str, str]:
    """A wider first column (``first_width`` rem): its class and the rule that sets it."""
    if not first_width:
        return "", ""
    name = f"dash-first-{first_width:g}".replace(".", "-")
    rule = (
        f"<style>{_T}.{name} tbody th,{_T}.{name} thead th:first-child"
        f"{{min-width:{first_width:g}rem}}</style>"
    )
    return f" {name}", rule


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return MISSING
    return html.escape(strip_invisible(str(value)))


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
    wider, wider_rule = _first_rule(first_width)
    scrolls = f" {_SCROLLS}" if max_height > 0 else ""
    right = ' class="r"'
    head = "".join(
        f'<th scope="col"{right if column in decimals else ""}>{_text(column)}</th>'
        for column in columns
    )
    rows = []
    for values in frame.itertuples(index=False, name=None):
        cells = []
        for position, (column, value) in enumerate(zip(columns, values, strict=True)):
            if column in decimals:
                shown = html.escape(_number_text(value, lang=lang, decimals=decimals[column]))
                missing = value is None or pd.isna(value)
                data = f' data-value="{"" if missing else repr(float(value))}"'
                kind = "n"
            else:
                shown, data = _text(value), ""
                kind = "s" if len(shown) <= _SHORT else ""  # a month, a yes: on one line
            if position == 0:  # the row's header: left aligned whatever it holds
                short = ' class="s"' if kind else ""
                cells.append(f'<th scope="row"{short}{data}>{shown}</th>')
            else:
                kept = f' class="{kind}"' if kind else ""
                cells.append(f"<td{kept}{data}>{shown}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    name = _text(caption)
    height = f";max-height:{max_height}px;overflow-y:auto" if max_height else ""
    return (
        f"{TABLE_CSS}{wider_rule}"
        f'<div tabindex="0" role="region" aria-label="{name}" '
        f'style="overflow-x:auto;font-size:0.9rem;position:relative{height}">'
        f'<table class="{TABLE_CLASS}{scrolls}{wider}">'
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
