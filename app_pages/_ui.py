"""Shared page pieces: the frame (language, filters, warehouse gate) and small widgets.

Every filter lives in the session and in the URL query (as codes, not labels), so a view
can be shared as a link and survives a page switch; values typed by hand that are not
valid are ignored, dropped from the URL, and named in a warning on the page.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
import json
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app_pages._auth import reader_scope, record_download
from charts import figure_svg
from charts.common import TITLE_ROOM, clean_figure, describe_figure
from data_access import cached
from data_access.engine import WarehouseState, describe_url
from data_access.queries import UnitFilter
from i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MISSING,
    code_span,
    escape_markdown,
    fmt_date,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_pp,
    fmt_signed,
    fmt_value,
    period_word,
    published_line,
    t,
    t_count,
)
from i18n.escape import strip_invisible
from metrics import overview
from metrics.backtest import MethodScore
from metrics.clock import city_today, last_complete_month, to_city_time
from metrics.export import About, to_csv_bytes, to_xlsx_bytes
from metrics.forecasting import DRIFT_SUFFIX
from metrics.freshness import Freshness, FreshnessCheck
from metrics.links import (
    LinkProblem,
    Refusal,
    as_of_moment,
    check_choice,
    check_code,
    parse_as_of,
)
from metrics.palette import BadgeColor
from metrics.projection import Interval, Projection
from metrics.reference import FORMER_PROVINCES, LEAF_UNIT_TYPES, former_province_name, scope_text
from metrics.registry import Indicator, get_indicator

FIRST_YEAR = 2020
_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

T = TypeVar("T")
_LOG = logging.getLogger(__name__)

_STYLE = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
/* A compact header: the language switch sits in the app's top bar, on the title's row,
   and the title is a line, not a banner. */
.st-key-language-bar {
  position: fixed; top: 0.55rem; right: 1rem; z-index: 999991; width: auto !important;
}
.stElementContainer:has(> .st-key-language-bar) { margin-bottom: -1rem; }
/* The menu's button at the top left, on the same row (app_pages._menu). */
.st-key-menu-bar {
  position: fixed; top: 0.55rem; left: 1rem; z-index: 999991; width: auto !important;
}
/* The menu's focus mover (app_pages._menu) takes no room. */
.st-key-menu-focus { display: none; }
/* On a phone the menu is its icon: the word would push the filters off the row. It stays
   the button's name for a screen reader. */
@media (max-width: 640px) {
  .st-key-menu-bar button { padding-left: 0.6rem; padding-right: 0.6rem; }
  .st-key-menu-bar button [data-testid="stMarkdownContainer"] { font-size: 0; width: 0; }
  .st-key-menu-bar button div[aria-hidden="true"] { display: none; }
}
h1 { font-size: 2rem !important; padding: 0.25rem 0 0 0 !important; }
/* Tiles and review cards: four in a row, two, or one, by the width they have (never
   three and a stretched fourth). Container queries measure the row, not the window, so
   an open sidebar is taken into account. */
.st-key-tiles, .st-key-review, .st-key-figures {
  container-type: inline-size; gap: 1rem !important;
}
.st-key-tiles > div, .st-key-review > div, .st-key-figures > div { flex: 1 1 100%; min-width: 0; }
@container (min-width: 560px) {
  .st-key-tiles > div, .st-key-review > div, .st-key-figures > div {
    flex: 0 0 calc(50% - 0.5rem);
  }
}
@container (min-width: 1100px) {
  .st-key-tiles > div, .st-key-review > div, .st-key-figures > div {
    flex: 0 0 calc(25% - 0.75rem);
  }
}
/* The gap's comparison on its own line under the chip, never cut (every metric). */
[data-testid="stMetric"] div:has(> [data-testid="stMetricDelta"]) { flex-wrap: wrap; }
[data-testid="stMetricDeltaDescription"] { flex-basis: 100%; margin-left: 0; }
[data-testid="stMetricDeltaDescription"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* Outside the Overview's tiles (which keep one line above, so a row's big numbers line
   up), a metric's label wraps rather than ending in "…" on a tablet. */
[data-testid="stMetricLabel"]:not(.st-key-tiles *) { height: auto !important; }
[data-testid="stMetricLabel"]:not(.st-key-tiles *) * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
.st-key-tiles [class*="st-key-tile-"] { gap: 0.5rem; }
[data-testid="stMetricValue"] { font-size: 2.1rem; }
@media (min-width: 1600px) { [data-testid="stMetricValue"] { font-size: 2.6rem; } }
@media (max-width: 640px) { [data-testid="stMetricValue"] { font-size: 1.8rem; } }
/* Markdown pulls its box up by the last paragraph's margin, which is 0 here. */
.st-key-glance [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
.st-key-attention-table [data-testid="stElementToolbar"] { display: none; }
/* The glance row: every status on the first screen, in one Markdown element whose
   paragraphs are the items: one row of four on a wide screen, 2 x 2 on a phone. */
.st-key-glance [data-testid="stMarkdownContainer"] {
  display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 0.5rem;
}
/* The unit scorecard's glance: as many boxes a row as fit, two on a phone. */
.st-key-unit-glance [data-testid="stMarkdownContainer"] {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.5rem;
  margin-bottom: 0;
}
/* A long status ("Chưa đủ dữ liệu để đánh giá") wraps in its box instead of ending in "…". */
.st-key-unit-glance .stMarkdownBadge {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  max-width: 100%;
}
.st-key-glance [data-testid="stMarkdownContainer"] > p,
.st-key-unit-glance [data-testid="stMarkdownContainer"] > p {
  margin: 0; min-width: 0; font-size: 0.9rem; line-height: 1.45;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.4rem 0.6rem 0.5rem;
}
@media (max-width: 640px) {
  .st-key-glance [data-testid="stMarkdownContainer"] {
    grid-template-columns: repeat(2, minmax(0, 1fr));
  }
}
/* The tile's small chart (charts.tile_svg): value ticks beside a plot as wide as the tile. */
.tile-chart {
  display: flex; align-items: flex-start; width: 100%; overflow: visible; margin-bottom: 1.25rem;
}
.tile-chart > svg { flex: 0 0 auto; display: block; overflow: visible; }
.tile-chart > svg.tile-chart-plot { flex: 1 1 auto; min-width: 0; }
/* An indicator page's chart as inline SVG (charts.figure_svg): value ticks beside a plot
   as wide as the column; the legend wraps; every other crowded x tick is left out where
   the chart is narrow. */
.fig-svg { width: 100%; margin: 0.25rem 0 1rem; container-type: inline-size; color: #1b1f24; }
.fig-svg-body { display: flex; align-items: flex-start; width: 100%; }
.fig-svg-body > svg { flex: 0 0 auto; display: block; overflow: visible; }
.fig-svg-body > .fig-svg-box {
  flex: 1 1 auto; min-width: 0; container: fig-plot / inline-size;
}
.fig-svg-box > svg { display: block; overflow: visible; }
.fig-svg-grid { display: grid; gap: 0.75rem 1rem; }
.fig-svg-cell { min-width: 0; }
.fig-svg-ptitle { font-size: 0.85rem; font-weight: 600; line-height: 1.3; min-height: 2.2rem; }
.fig-svg-ytitle { font-size: 0.8rem; color: #5f6b7a; margin-bottom: 0.1rem; }
.fig-svg-xtitle { font-size: 0.8rem; color: #5f6b7a; text-align: center; }
.fig-svg-legend {
  display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; font-size: 0.8rem; margin-top: 0.35rem;
}
.fig-svg-key { display: inline-flex; align-items: center; gap: 0.3rem; }
.fig-svg-key > svg { flex: 0 0 auto; overflow: visible; }
/* The Overview's tile and review card, each one element (app_pages/_tile_html.py), drawn
   as the elements they replace were (Streamlit 1.67's badge, metric and caption styles).
   Big numbers line up across a row: four to a row, a name may take two lines, so each
   keeps two lines' height; side by side, the number's label keeps one line. */
.ov-tile, .ov-review { display: flex; flex-direction: column; gap: 0.5rem; line-height: 1.6; }
.ov-tile p, .ov-tile dl, .ov-tile dd, .ov-review p { margin: 0; padding: 0; }
/* A tile or card is drawn outside Streamlit's Markdown container (html_block): its
   paragraphs take their size from their part, and bold is the Markdown container's
   weight, as before. */
.ov-tile p, .ov-review p { font-size: inherit; }
.ov-tile dl { font-size: 1rem; }
.ov-tile strong, .ov-review strong { font-weight: 600; }
/* A source's link in a card, in the colour of Streamlit's Markdown links. */
.ov-review a, .ov-review a:visited { color: rgb(36, 79, 180); text-decoration: underline; }
.ov-name { margin-bottom: 0; }
@container (min-width: 1100px) { .st-key-tiles .ov-name { min-height: 3.25rem; } }
.ov-head { display: flex; flex-direction: column; gap: 0.5rem; }
.ov-badge {
  display: inline-flex; align-items: center; gap: 0.2rem; padding: 0 4px; border-radius: 4px;
  font-size: 14px; line-height: 1.6; white-space: nowrap; max-width: 100%;
}
.ov-badge + .ov-badge { margin-left: 0.75rem; }
.ov-icon {
  font-family: "Material Symbols Rounded"; font-weight: 400; font-style: normal;
  font-size: 1.05em; line-height: 1; letter-spacing: normal; text-transform: none;
  white-space: nowrap; word-wrap: normal; direction: ltr; font-feature-settings: "liga";
  -webkit-font-smoothing: antialiased; user-select: none; display: inline-block;
}
.ov-blue { color: rgb(36, 79, 180); background: rgb(237, 245, 255); }
.ov-green { color: rgb(12, 90, 68); background: rgb(241, 251, 246); }
.ov-orange { color: rgb(155, 69, 25); background: rgb(255, 246, 237); }
.ov-red { color: rgb(158, 48, 59); background: rgb(255, 241, 242); }
.ov-violet { color: rgb(111, 51, 184); background: rgb(248, 242, 255); }
.ov-gray { color: rgb(104, 98, 85); background: rgb(245, 244, 242); }
.ov-yellow { color: rgb(149, 107, 15); background: rgb(255, 250, 229); }
.ov-metric-label { font-size: 14px; }
@container (min-width: 560px) {
  .st-key-tiles .ov-metric-label { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
}
.ov-metric-value { font-size: 2.1rem; line-height: 1.25; padding-bottom: 4px; }
@media (min-width: 1600px) { .ov-metric-value { font-size: 2.6rem; } }
@media (max-width: 640px) { .ov-metric-value { font-size: 1.8rem; } }
.ov-delta {
  display: inline-flex; align-items: center; gap: 0.15rem; width: fit-content;
  padding: 2px 6px 2px 4px; border-radius: 9999px; font-size: 14px; line-height: 1.3;
}
.ov-delta .ov-icon { font-size: 1.15em; }
.ov-delta-note, .ov-caption { font-size: 14px; color: #5c6066; line-height: 1.45; }
.ov-delta-note { margin-top: 0.25rem; }
.ov-hidden { display: none; }
.ov-facts {
  display: grid; grid-template-columns: minmax(6.5rem, 40%) 1fr; gap: 0.1rem 0.6rem;
  font-size: 0.85rem; line-height: 1.3;
}
.ov-facts dt, .ov-facts dd { font-size: 0.85rem; line-height: 1.3; margin: 0; }
.ov-facts dt { font-weight: 400; }
div.ov-caption > p { margin: 0; }
div.ov-caption > p + p { margin-top: 0.5rem; }
.ov-as-of { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem; }
.ov-tile .tile-chart { margin-bottom: 0.75rem; }
/* Captions dark enough for WCAG AA on white (4.5:1): Streamlit's own grey is 4.37:1. */
[data-testid="stCaptionContainer"] { color: #5c6066; opacity: 1; }
/* A chart's text alternative: read by a screen reader, not drawn. */
[class*="st-key-alt-"] {
  position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}
/* The menu (links, see app.py): section headings close to their pages. */
.st-key-nav { gap: 0.1rem; }
.st-key-nav [data-testid="stCaptionContainer"] { margin-top: 0.6rem; }
/* A page link's label wraps onto more lines instead of ending in "…" at a phone's edge. */
[data-testid="stPageLink"], [data-testid="stPageLink"] > div { min-width: 0; max-width: 100%; }
[data-testid="stPageLink-NavLink"] > span:not([data-testid]) {
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: break-word;
}
[data-testid="stPageLink-NavLink"] > span:not([data-testid]) p { white-space: normal; }
/* The unit and procedure pickers (choice_behind_button): their names are long ("Tân Đông
   Hiệp Ward — Ward · Former Bình Dương") and a popover 20rem wide cut them. As wide as the
   screen allows, up to 36rem. */
[data-testid="stPopoverBody"]:has(.st-key-unit_picker, [class*="st-key-procedure-pick-"]) {
  width: min(36rem, calc(100vw - 2rem));
}
</style>
"""
_TICK_RULES = "".join(
    f"@container fig-plot (max-width: {width - 0.02:.2f}px) "
    f"{{ .fig-svg-w{width} {{ display: none; }} }}\n"
    for width in figure_svg.TICK_WIDTHS
)
"""An indicator chart's x ticks thinned by the plot's width
(:func:`charts.figure_svg.tick_min_widths`): a tick of class ``fig-svg-w<N>`` is hidden
where the plot is narrower than N pixels."""
_STYLE = _STYLE.replace("</style>", _TICK_RULES + "</style>")


@dataclass(frozen=True, slots=True)
class Filters:
    """What the sidebar has chosen."""

    lang: str
    year: int
    unit_filter: UnitFilter
    as_of_day: dt.date | None = None
    """"Số liệu tại ngày": show the figures as they stood at the end of this day; None for
    the current figures."""

    @property
    def as_of(self) -> dt.datetime | None:
        """The moment the queries read the warehouse at (None: its current versions)."""
        return as_of_moment(self.as_of_day) if self.as_of_day is not None else None

    @property
    def today(self) -> dt.date:
        """The day the page is about: the "as of" day, or today in the city."""
        return self.as_of_day if self.as_of_day is not None else city_today()


HTML_BLOCK_COMPONENT = "dashboard_html_block"
"""The name of the component :func:`html_block` draws with (tests read its data by it)."""
BLOCK_DRAWN_ATTRIBUTE = "data-block-drawn"
"""Set on a block's element once its HTML is in place (the benchmark waits for it)."""
_HTML_BLOCK_JS = (
    "export default function (component) {"
    " const { data, parentElement } = component;"
    " if (parentElement.dashboardHtml !== data) {"
    " parentElement.innerHTML = data; parentElement.dashboardHtml = data; }"
    f" parentElement.setAttribute('{BLOCK_DRAWN_ATTRIBUTE}', ''); }}"
)


@functools.cache
def _html_block_component() -> Any:
    # Registered once per process, on first use (inside a script run).
    return st.components.v2.component(HTML_BLOCK_COMPONENT, js=_HTML_BLOCK_JS, isolate_styles=False)


def html_block(html: str, key: str) -> None:
    """One block of HTML written by this app (a headline tile, its chart inline), drawn by
    the browser's own HTML parser into the page (issue 12).

    ``st.markdown(..., unsafe_allow_html=True)`` draws the same HTML through the Markdown
    renderer: it loads rehype-raw (188 KB of JavaScript) and builds every node of the block
    (about 60 for a tile's text, 100–150 for its inline SVG chart) as a React element; on
    the Overview that was about a tenth of the page's drawing time. ``st.html`` would be
    cheaper but sanitises with DOMPurify's HTML-only profile, which removes inline SVG. A
    component without style isolation (``st.components.v2``) sets the element's
    ``innerHTML``: the page's style rules apply to it as to the rest of the page.

    ``html`` is the app's own markup with every text in it escaped by its writer
    (:mod:`app_pages._tile_html`); nothing from outside is put in unescaped. The component
    runs no code of its own beyond setting it, and sends nothing back."""
    _html_block_component()(data=html, key=key)


FOCUS_COMPONENT = "dashboard_popover_focus"
FOCUSED_ATTRIBUTE = "data-popover-focused"
"""Set on a popover's body once its first control has the focus (once per opening)."""
# The controls may be drawn after this component runs (their code loads on first use): look
# again on each frame, for at most two seconds. A rerun while the popover stays open (the
# body keeps the attribute) does not move the focus again.
_FOCUS_JS = "\n".join(  # on lines of its own: Streamlit reads one line with "[" as a path
    (
        "export default function (component) {",
        " const body = component.parentElement.closest('[data-testid=\"stPopoverBody\"]');",
        f" if (!body || body.hasAttribute('{FOCUSED_ATTRIBUTE}')) return;",
        f" body.setAttribute('{FOCUSED_ATTRIBUTE}', '');",
        " const started = performance.now();",
        " const look = () => { const first = body.querySelector(component.data);",
        "  if (first) first.focus();",
        "  else if (performance.now() - started < 2000) requestAnimationFrame(look); };",
        " look(); }",
    )
)


@functools.cache
def _focus_component() -> Any:
    # Registered once per process, on first use (inside a script run).
    return st.components.v2.component(FOCUS_COMPONENT, js=_FOCUS_JS, isolate_styles=False)


def focus_first(selector: str, key: str) -> None:
    """Inside a popover whose body is sent only while it is open (the menu, the filters):
    move the keyboard's focus to the body's first element matching ``selector`` (a CSS
    selector of this app's), once per opening. The body is drawn at the end of the
    document, so the Tab key would otherwise reach it only after every element of the page."""
    _focus_component()(data=selector, key=key)


def inject_style() -> None:
    """Layout rules Streamlit has no parameter for (tiles wrap by width). No data inside."""
    st.html(_STYLE)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (our own catalogue text, quoted and escaped)."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>' or ord(char) < 0x20 else char for char in text
    )
    return f'"{escaped}"'


def uploader_words(key_prefix: str, lang: str, *, limit_mb: float, types: str) -> None:
    """Say Streamlit's file-uploader words in the reader's language.

    Streamlit draws the uploader's button ("Upload") and its line "20MB per file • CSV,
    XLSX" in English whatever the page's language, with no parameter to change them. This
    draws our catalogue's words in their place with CSS (the English text is kept in the
    page for nothing but its box, at size 0) on the uploader whose key starts with
    ``key_prefix``. A file the browser refuses gets our words too, under the chips. No text
    from outside goes in: the words are ours, the limit a number.
    """
    scope = f'[class*="st-key-{key_prefix}"] [data-testid="stFileUploaderDropzone"]'
    button = t("upload_widget_button", lang)
    limit = fmt_number(limit_mb, lang, 0)
    line = t("upload_widget_limit", lang, limit=limit, types=types)
    # A file the browser refuses (too large, another type, or an upload that failed) is a
    # red chip whose only words are Streamlit's English, in a tooltip a tablet never shows:
    # say in the reader's language, under the chips, what a file must be.
    refused = t("upload_widget_refused", lang, limit=limit, types=types)
    chips = f'{scope} [data-testid="stFileChips"]:has([data-testid="stFileChip"][aria-invalid])'
    st.html(
        "<style>"
        f"{chips} {{flex-wrap:wrap}}"
        f"{chips}::after {{content:{_css_string(refused)};display:block;flex-basis:100%;"
        "font-size:14px;line-height:1.4;color:#a4161a;margin-top:0.25rem}"
        f"{scope} button [data-testid='stMarkdownContainer'] p {{font-size:0}}"
        f"{scope} button [data-testid='stMarkdownContainer'] p::after"
        f" {{content:{_css_string(button)};font-size:14px}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span {{font-size:0}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after"
        f" {{content:{_css_string(line)};font-size:14px}}"
        "</style>"
    )


def mark_document_language(lang: str) -> None:
    """Set ``<html lang>`` so screen readers and browsers read Vietnamese as Vietnamese, and
    say Streamlit's own "Skip to main content" link (the first stop of the keyboard, in
    English whatever the page's language) in the reader's language.

    ``lang`` is one of :data:`LANGUAGES` (checked here), never text from the request; the
    link's words are ours (``skip_to_content``), written as a JSON string with ``<`` escaped.
    """
    if lang in LANGUAGES:
        words = json.dumps(t("skip_to_content", lang)).replace("<", "\\u003c")
        st.html(
            "<script>"
            f"document.documentElement.lang = '{lang}';"
            # A block, so that a second run of the script (the language switched) declares
            # its own ``skip``: a top-level ``const`` twice is a SyntaxError.
            "{ const skip = document.querySelector('[data-testid=\"stSkipToContent\"]');"
            f"if (skip) {{ skip.textContent = {words}; }} }}"
            "</script>",
            unsafe_allow_javascript=True,
        )


def current_language() -> str:
    """The language chosen in the frame (Vietnamese until one is chosen)."""
    lang = st.session_state.get("lang") or DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _latest_data_year(today: dt.date) -> int | None:
    """The latest year with headline data in a month ended by ``today`` (as the figures
    stood on the "as of" day, when one is chosen); None when the warehouse cannot be read
    (the gate below the frame says why)."""
    if cached.warehouse_state()[0] is not WarehouseState.READY:
        return None
    as_of_day = as_of_day_chosen()
    moment = as_of_moment(as_of_day) if as_of_day is not None else None
    return cached.latest_data_year(last_complete_month(today), moment)


def as_of_day_chosen() -> dt.date | None:
    """The "as of" day in the session (``?as_of=``), or None for the current figures."""
    value = st.session_state.get("as_of")
    return value if isinstance(value, dt.date) else None


def reference_day() -> dt.date:
    """The day the pages are about: the "as of" day when one is chosen, else today."""
    return as_of_day_chosen() or city_today()


def default_year() -> int:
    """The year the filters open on (:func:`metrics.overview.default_year`)."""
    today = reference_day()
    return overview.default_year(today, _latest_data_year(today))


def review_year() -> int:
    """The year of the "in review" strip (:func:`metrics.overview.review_year`)."""
    today = reference_day()
    return overview.review_year(today, _latest_data_year(today))


def _year_options() -> list[int]:
    return list(range(city_today().year, FIRST_YEAR - 1, -1))


def _url_choices() -> dict[str, tuple[object, ...]]:
    return {
        "lang": LANGUAGES,
        "year": tuple(str(year) for year in _year_options()),
        "province": tuple(FORMER_PROVINCES),
        "type": LEAF_UNIT_TYPES,
    }


def read_url_once() -> None:
    """Seed the filters from the URL on a session's first run; note what was not understood.

    The URL holds codes (``?lang=en&year=2025&province=binh_duong&type=ward``), never
    translated labels, so a link works whatever language it is opened in.
    """
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    rejected: list[Refusal] = []
    for key, choices in _url_choices().items():
        values = st.query_params.get_all(key)
        accepted = [value for value in values if value in choices]
        refusals = [check_choice(key, value, [str(c) for c in choices]) for value in values]
        rejected += [refusal for refusal in refusals if refusal is not None]
        if not accepted:
            continue
        if key == "year":
            st.session_state[key] = int(accepted[-1])
        elif key == "lang":
            st.session_state[key] = accepted[-1]
        else:
            st.session_state[key] = list(dict.fromkeys(accepted))
    st.session_state["_url_rejected"] = rejected
    st.session_state.setdefault("lang", DEFAULT_LANGUAGE)
    st.session_state.setdefault("year", default_year())
    st.session_state.setdefault("province", [])
    st.session_state.setdefault("type", [])


PAGE_PARAMS: tuple[str, ...] = ("interval", "agenda")
"""Parameters a page reads, checks and writes itself (meeting mode): kept as they are."""


def write_url() -> None:
    """Put the filters back in the URL (only those that differ from the defaults)."""
    wanted: dict[str, str | list[str]] = {
        key: st.query_params.get_all(key) for key in PAGE_PARAMS if key in st.query_params
    }
    if current_language() != DEFAULT_LANGUAGE:
        wanted["lang"] = current_language()
    if st.session_state.get("year") != default_year():
        wanted["year"] = str(st.session_state.get("year"))
    for key in ("province", "type"):
        if st.session_state.get(key):
            wanted[key] = list(st.session_state[key])
    wanted |= link_params()
    if {k: st.query_params.get_all(k) for k in wanted} != {
        k: v if isinstance(v, list) else [v] for k, v in wanted.items()
    } or set(st.query_params) != set(wanted):
        st.query_params.from_dict(wanted)


def url_warning(lang: str) -> None:
    """Say which parts of a typed link were ignored, and why."""
    # Shown once: the first run of a session is the one that read the link.
    # The parameter is named by the code (never read from the address); the value, cleaned
    # of control and bidirectional characters and cut short, is shown as inline code, where
    # nothing is read as Markdown, HTML or a link.
    rejected: list[Refusal] = st.session_state.pop("_url_rejected", None) or []
    if rejected:
        shown = ", ".join(
            f"{refusal.parameter} = {code_span(refusal.value)}" for refusal in rejected[:8]
        )
        st.warning(t("url_rejected", lang, values=shown), icon=":material/link_off:")


def top_bar() -> tuple[str, Any, Any]:
    """The top bar of every page: at the left a place for the menu's button (filled by
    :func:`app_pages._menu.draw` once the page is known), at the right a place for the
    filters' button (filled by :func:`filter_controls` once the user is known) and the
    language toggle. Returns the language and those two places."""
    menu_slot = st.container(key="menu-bar", width="content")
    with st.container(horizontal=True, horizontal_alignment="right", key="language-bar"):
        slot = st.container(key="filters-slot", width="content")
        st.segmented_control(
            "Ngôn ngữ / Language",
            LANGUAGES,
            format_func=_LANGUAGE_NAMES.__getitem__,
            key="lang",
            required=True,
            label_visibility="collapsed",
        )
    return current_language(), menu_slot, slot


def filters_button_label(lang: str, year: int, narrowed: int) -> str:
    """The filters' button: the year shown, and how many other filters narrow the view."""
    if narrowed:
        return t("filters_button_more", lang, year=year, count=narrowed)
    return t("filters_button", lang, year=year)


FILTERS_KEY = "filters"
"""The filters' popover's key: its open state in ``st.session_state`` (True while open)."""
_FILTERS_LABEL = "_filters_label"
"""The filters' button's label when it was last seen shut (kept while it is open)."""


def filter_controls(lang: str, slot: Any) -> Filters:
    """Year, former province, unit type and "as of" day, behind the filters' button of the
    top bar; kept across pages and in the URL.

    The four widgets are sent only while the popover is open (it keeps its state and
    reruns the page when opened or shut, as the menu does), and their values are kept in
    the session while they are not drawn (``persist_state="session"``). Sent with every
    run, a shut popover's widgets cost every page about 2 ms of script and their messages
    and elements in the browser (issue 12); in the collapsed sidebar before, about a third
    of an empty page's time. Opened, the focus moves to the first of them, as the popover's
    body is drawn at the end of the document.
    """
    years = _year_options()
    if st.session_state.get("year") not in years:
        st.session_state["year"] = default_year()
    for key, value in (st.session_state.pop("_pending_filters", None) or {}).items():
        st.session_state[key] = value  # asked for by a page, before the widgets exist
    _check_as_of_day()
    narrowed = sum(bool(st.session_state.get(key)) for key in ("province", "type", "as_of"))
    label = filters_button_label(lang, st.session_state["year"], narrowed)
    # The popover's identity includes its label, and a new identity starts shut: while it is
    # open its label stays the one it was opened with, so that a choice made in it does not
    # shut it; it says the new choices once shut.
    if st.session_state.get(FILTERS_KEY):
        label = st.session_state.get(_FILTERS_LABEL, label)
    else:
        st.session_state[_FILTERS_LABEL] = label
    box = slot.popover(label, icon=":material/filter_list:", key=FILTERS_KEY, on_change="rerun")
    if box.open:
        with box:
            selectbox(t("filter_year", lang), years, key="year", persist_state="session")
            multiselect(
                t("filter_former_province", lang),
                list(FORMER_PROVINCES),
                format_func=lambda code: former_province_name(code, lang),
                key="province",
                placeholder=t("filter_all", lang),
                persist_state="session",
            )
            multiselect(
                t("filter_unit_type", lang),
                LEAF_UNIT_TYPES,
                format_func=lambda code: t(f"unit_type_{code}", lang),
                key="type",
                placeholder=t("filter_all", lang),
                persist_state="session",
            )
            as_of_control(lang)
            st.caption(t("filters_help", lang))
            focus_first("input", key="filters-focus")
    write_url()
    return current_filters()


def current_filters() -> Filters:
    """The filters as the frame left them, for a page to read."""
    lang = current_language()
    year = st.session_state.get("year") or default_year()
    return Filters(
        lang=lang,
        year=int(year),
        unit_filter=UnitFilter(
            tuple(st.session_state.get("province") or ()),
            tuple(st.session_state.get("type") or ()),
        ),
        as_of_day=as_of_day_chosen(),
    )


def warehouse_gate(lang: str) -> None:
    """Stop with a clear message when the warehouse cannot be read; say so when stale."""
    state, detail, url = cached.warehouse_state()
    if state is WarehouseState.READY:
        return
    if state is WarehouseState.UNREACHABLE and cached.has_last_good():
        # The pages fall back to their last good results and say so (stale_banner).
        return
    messages = {
        WarehouseState.INVALID_URL: "warehouse_invalid_url",
        WarehouseState.MISSING_FILE: "warehouse_missing_file",
        WarehouseState.UNREACHABLE: "warehouse_unreachable",
        WarehouseState.NOT_MIGRATED: "warehouse_not_migrated",
        WarehouseState.EMPTY: "warehouse_empty",
    }
    st.title(t("app_title", lang))
    st.error(t(messages[state], lang, url=url, detail=detail), icon=":material/database_off:")
    st.caption(t("warehouse_retry", lang))
    recovery_watch()
    st.stop()


def warehouse_lost(lang: str, error: cached.WarehouseUnavailableError) -> None:
    """The warehouse stopped answering and this view has no earlier figures to fall back on."""
    detail = str(error.cause).strip().splitlines()[0][:300] if error.cause else ""
    st.error(
        t("warehouse_unreachable", lang, url=describe_url(error.url), detail=detail),
        icon=":material/database_off:",
    )
    st.caption(t("warehouse_retry", lang))


_BANNER_SHOWN = "_outage_banner_shown"


def stale_banner(fetched: list[cached.Fetched], lang: str) -> None:
    """A banner when any figure on the page comes from the last good fetch, or the
    warehouse is known not to answer (the figures then come from the caches): since when,
    and when the figures shown were read."""
    stale = [f for f in fetched if f.is_stale]
    outage = cached.outage()
    if (not stale and outage is None) or st.session_state.get(_BANNER_SHOWN):
        return  # nothing to say, or said once on this page already
    read = stale or fetched
    last_read = min(f.fetched_at for f in read) if read else None
    since = outage.since if outage is not None else last_read
    if since is None or last_read is None:
        outage_banner(lang)
        return
    st.warning(
        t(
            "outage_banner",
            lang,
            since=_local_time(since, lang),
            time=_local_time(last_read, lang),
        ),
        icon=":material/cloud_off:",
    )
    st.session_state[_BANNER_SHOWN] = True


def outage_banner(lang: str, slot: Any = None) -> None:
    """The banner of a page that keeps its figures while the warehouse does not answer and
    drew none of its own (:func:`stale_banner`): since when."""
    outage = cached.outage()
    if outage is None or st.session_state.get(_BANNER_SHOWN):
        return
    (slot or st).warning(
        t("outage_banner_page", lang, since=_local_time(outage.since, lang)),
        icon=":material/cloud_off:",
    )
    st.session_state[_BANNER_SHOWN] = True


def plain_cells(frame: pd.DataFrame, *, index: bool = True) -> pd.DataFrame:
    """``frame`` with every text cell (and, with ``index``, text index label) stripped of
    control, format and bidirectional characters (:func:`i18n.escape.strip_invisible`):
    names, file names and notes come from outside, and a table cell shows them as they are.
    A copy; other cells untouched."""

    def clean(value: object) -> object:
        return strip_invisible(value) if isinstance(value, str) else value

    cleaned = frame.copy()
    for position in range(cleaned.shape[1]):
        column = cleaned.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        elif pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        cleaned.isetitem(position, column.map(clean).array)
    if index and not pd.api.types.is_numeric_dtype(cleaned.index):
        cleaned.index = cleaned.index.map(clean)
    return cleaned


def dataframe(data: Any, **kwargs: Any) -> Any:
    """``st.dataframe`` of ``data`` (a frame or a pandas Styler) with its text cells as plain
    text (:func:`plain_cells`); the same arguments and return value."""
    if isinstance(data, pd.DataFrame):
        data = plain_cells(data)
    elif isinstance(getattr(data, "data", None), pd.DataFrame):  # a Styler: same labels,
        data.data = plain_cells(data.data, index=False)  # so its styles still apply
    return st.dataframe(data, **kwargs)


def grid_when_opened(
    data: Any, lang: str, *, opened_key: str, grid_key: str, caption: str, **kwargs: Any
) -> Any:
    """A light list's data grid (sorting, row choice) in an expander "Xem dạng bảng", built
    and mounted only once it is opened (issue 12: heavy widgets only when opened): the
    expander's state is ``opened_key``, the grid's ``grid_key``; ``caption`` is said above
    the grid, ``kwargs`` go to :func:`dataframe` (its height, its columns). Returns the
    grid's selection state: None while the expander is closed."""
    grid = st.expander(
        t("attention_as_table", lang),
        icon=":material/table_view:",
        key=opened_key,
        on_change="rerun",
    )
    with grid:
        if not grid.open:
            return None
        st.caption(caption)
        return dataframe(
            data,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key=grid_key,
            placeholder=MISSING,
            **kwargs,
        )


def _plain_choices(kind: str) -> Callable[..., Any]:
    def widget(*args: Any, container: Any = None, **kwargs: Any) -> Any:
        shown = kwargs.get("format_func") or str
        kwargs["format_func"] = lambda option: strip_invisible(str(shown(option)))
        return getattr(container or st, kind)(*args, **kwargs)

    widget.__name__ = kind
    widget.__doc__ = (
        f"``st.{kind}`` (or ``container.{kind}``) whose choices are shown as plain text: "
        "what ``format_func`` makes of each is stripped of control, format and "
        "bidirectional characters (names from outside are choices too)."
    )
    return widget


selectbox = _plain_choices("selectbox")
multiselect = _plain_choices("multiselect")


def choice_behind_button(
    label: str,
    options: list[Any],
    *,
    key: str,
    button: str | None = None,
    icon: str,
    button_type: Literal["primary", "secondary", "tertiary"] = "secondary",
    **kwargs: Any,
) -> Any:
    """A select box (``label``, ``options``, ``key``, ``kwargs`` as :func:`selectbox`) in a
    popover opened by a button that says ``button`` (default ``label``; Markdown, so text
    from outside is escaped by the caller) in the style ``button_type`` (``"primary"`` for
    the one thing a page asks for first). Returns the choice.

    Issue 12, drawing promise: the browser builds a popover's content only when it is
    opened, and a select box on the first screen cost about half an empty page's time (its
    script bundles load after the page's last message). The popover's key is ``menu-<key>``.

    A popover stays open after a choice in it (Escape, or a tap outside, closes it and
    gives the focus back to its button). Closing it from the choice's callback would need
    a popover that keeps its state, which reruns the page when it is opened: in Chromium
    that run took the keyboard's focus out of the just-opened popover (1 of 4 tries).
    """
    with st.popover(button or label, icon=icon, type=button_type, key=f"menu-{key}"):
        return selectbox(label, options, key=key, label_visibility="collapsed", **kwargs)


def page_banner_slot() -> Any:
    """Where the page's outage banner goes (above the page), before the page runs."""
    st.session_state[_BANNER_SHOWN] = False
    return st.empty()


@st.fragment(run_every=cached.RETRY_FIRST_SECONDS)
def _recovery_watch() -> None:
    # Reruns by itself every few seconds; the warehouse is tried only when a try is due
    # (cached.retry_delay: 5, 10, 20, 40, then every 60 s), once per process.
    if cached.try_warehouse_again():
        st.rerun()  # the whole page, with the warehouse's figures and without the banner


def recovery_watch() -> None:
    """While the warehouse does not answer, try it again now and then (backing off) and
    rerun the page when it answers: the page recovers by itself, without a reload."""
    if cached.outage() is not None:
        _recovery_watch()


def _local_time(moment_utc: dt.datetime, lang: str) -> str:
    local = to_city_time(moment_utc)
    return f"{local:%H:%M} {fmt_date(local.date(), lang)}"


def demo_banner(lang: str) -> None:
    """The label every page with demo figures carries."""
    st.info(t("demo_banner", lang), icon=":material/science:")


def freshness_words(
    check: FreshnessCheck, lang: str, indicator: Indicator
) -> tuple[str, str, BadgeColor]:
    """(label, icon, colour) of the freshness badge: on time, late (by how many months or
    quarters), or no data."""
    if check.state is Freshness.ON_TIME:
        return t("freshness_on_time", lang), ":material/schedule:", "gray"
    if check.state is Freshness.LATE:
        unit = "month" if indicator.frequency.value == "monthly" else "quarter"
        behind = check.periods_behind
        periods = fmt_number(behind, lang) + " " + period_word(unit, behind, lang)
        return t("freshness_late", lang, periods=periods), ":material/hourglass_bottom:", "orange"
    return t("freshness_no_data", lang), ":material/block:", "gray"


def freshness_badge(check: FreshnessCheck, lang: str, indicator: Indicator) -> None:
    """On time, late (by how many months or quarters), or no data — as a badge."""
    label, icon, color = freshness_words(check, lang, indicator)
    st.badge(label, icon=icon, color=color)


def page_header(title_key: str, filters: Filters, subtitle_key: str | None = None) -> None:
    """Title, a subtitle naming the year and scope, and any note about the link."""
    lang = filters.lang
    st.title(t(title_key, lang))
    if subtitle_key:
        st.caption(
            t(subtitle_key, lang, year=filters.year, scope=scope_text(filters.unit_filter, lang))
        )
    url_warning(lang)
    link_warning(lang)
    past_state_banner(filters)


def lower_first(name: str) -> str:
    """A name inside a sentence: its first letter lower-cased unless the first word is an
    acronym (``Random walk with drift`` → ``random walk with drift``; ``ARIMA mùa vụ``
    stays; tested in ``tests/unit/test_attention_words.py``)."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return name
    return name[:1].lower() + name[1:]


def method_name(method: str, lang: str) -> str:
    """A forecasting method's name in the reader's language."""
    return t(f"method_{method}", lang)


def model_text(model: str, lang: str) -> str:
    """A fitted model's name, its notation kept and its words in the reader's language:
    ``ARIMA(0,1,1) with drift`` → ``ARIMA(0,1,1) có xu hướng``; ``ETS(A,Ad,N)`` as it is."""
    if model.endswith(DRIFT_SUFFIX):
        return t("model_with_drift", lang, model=model.removesuffix(DRIFT_SUFFIX))
    return model


def projection_reason(projection: Projection, lang: str) -> str:
    """Why this method (or why no projection), in the reader's language."""
    parts = dict(projection.reason_parts)
    # The period word agrees with the count it follows: the horizon ("3 months after the
    # last data") or the periods expected ("12 of 12 months observed").
    counted = parts.get("horizon", parts.get("expected", 2))
    unit = period_word(str(parts.get("unit", "month")), float(str(counted)), lang)
    values: dict[str, object] = {**parts, "unit": unit}
    if "needed" in parts:
        values["needed"] = t_count("count_earlier_years", lang, float(str(parts["needed"])))
    if "mae" in parts:
        values["mae"] = fmt_number(float(str(parts["mae"])), lang, 2)
    if "failed" in parts:
        failed = method_name(str(parts["failed"]), lang)
        values["failed"] = lower_first(failed) if lang == "vi" else failed  # mid-sentence
    text = t(f"projection_reason_{projection.reason_code}", lang, **values)
    if parts.get("is_extrapolated"):
        text += " " + t("projection_reason_extrapolated", lang, **values)
    if parts.get("break") in ("up", "down"):
        text += " " + t(f"projection_reason_break_{parts['break']}", lang)
    return text


def backtest_row(score: MethodScore, chosen: str | None, lang: str) -> list[str]:
    """One method's backtest figures, formatted as the drawer shows them (the same
    rounding as ``python -m data_access.backtest``)."""
    name = method_name(score.method, lang)
    if score.method == chosen:
        name = f"**{name}** ({t('backtest_used_mark', lang)})"
    # A comparison with a single test year has no bands yet (they are calibrated by
    # earlier test years only): no coverage to show.
    coverage = " / ".join(
        "—" if math.isnan(share) else fmt_percent(100 * share, lang, 0)
        for share in (score.coverage_50, score.coverage_80, score.coverage_95)
    )
    brier = "—" if score.brier is None else fmt_number(score.brier, lang, 3)
    return [
        name,
        fmt_number(score.mae, lang, 2),
        fmt_signed(score.bias, lang, 2),
        coverage,
        brier,
    ]


def _interval_text(interval: Interval, indicator: Indicator, lang: str) -> str:
    def value(number: float) -> str:
        return fmt_value(number, indicator.unit, lang, indicator.decimals)

    if interval.is_observed:
        return value(interval.central)
    return t(
        "forecast_interval",
        lang,
        value=value(interval.central),
        low=value(interval.lower_80),
        high=value(interval.upper_80),
    )


def forecast_accuracy(projection: Projection, indicator: Indicator, lang: str) -> None:
    """The drawer's forecast section: the method, why, and its backtest figures."""
    parts = [f"**{t('forecast_accuracy_title', lang)}**"]  # one Markdown element
    if projection.method != "complete":
        # ETS and SARIMAX name their fitted form; the other methods' names say it all.
        shown = projection.method in ("ets", "sarimax") and projection.model
        model = f" ({model_text(projection.model, lang)})" if shown else ""
        parts.append(
            t(
                "forecast_method_used",
                lang,
                method=method_name(projection.method, lang),
                model=model,
            )
        )
    parts.append(projection_reason(projection, lang))
    if projection.year_end is not None and projection.extension is not None:
        parts.append(
            t(
                "forecast_two_dates",
                lang,
                year_end=_interval_text(projection.year_end, indicator, lang),
                extension=_interval_text(projection.extension, indicator, lang),
            )
        )
    st.markdown("\n\n".join(parts))
    summary = projection.backtest
    if summary is None or not summary.scores:
        return
    header = [
        t(key, lang)
        for key in (
            "backtest_column_method",
            "backtest_column_mae",
            "backtest_column_bias",
            "backtest_column_coverage",
            "backtest_column_brier",
        )
    ]
    rows = [backtest_row(score, projection.method, lang) for score in summary.scores]
    st.markdown(
        "\n".join(
            ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|"]
            + ["| " + " | ".join(row) + " |" for row in rows]
        )
    )
    chosen = summary.score(projection.method)
    extension = summary.extension_score(projection.method)
    if extension is not None:
        coverage = " / ".join(
            "—" if math.isnan(share) else fmt_percent(100 * share, lang, 0)
            for share in (extension.coverage_50, extension.coverage_80, extension.coverage_95)
        )
        st.caption(
            t(
                "backtest_extension_line",
                lang,
                mae=fmt_number(extension.mae, lang, 2),
                coverage=coverage,
                n_origins=extension.n_origins,
            )
        )
    st.caption(
        t(
            "backtest_how",
            lang,
            first_year=summary.years[0],
            last_year=summary.years[-1],
            date=t("day_month_year_end", lang),
            n_origins=chosen.n_origins if chosen else summary.n_origins,
            n_brier=chosen.n_brier if chosen else 0,
        )
    )


@dataclass(frozen=True, slots=True)
class FigureSource:
    """Which figure an info drawer is about, so it can name the load batches behind it."""

    indicator_code: str
    month: dt.date
    unit_filter: UnitFilter
    as_of: dt.datetime | None = None
    year: int | None = None
    """The figure's year: for disbursement the plan year, since a January holds the previous
    plan year's extension month and the new year's first month."""


def indicator_info(
    indicator: Indicator,
    lang: str,
    published: pd.DataFrame,
    projection: Projection | None = None,
    source: FigureSource | None = None,
) -> None:
    """The info drawer: definition, formula, unit, source, owner, legal basis, freshness,
    (given a projection) the forecast method and its backtest figures, and (given the
    figure's ``source``) one click to the load batches that produced it.

    Its contents are built and sent only while it is open (``on_change="rerun"``, keyed
    ``info-<code>``): closed, a drawer was five to six elements drawn for nothing, four
    drawers on the Overview (issue 12, drawing promise)."""
    drawer = st.popover(
        t("info_button", lang),
        icon=":material/info:",
        type="tertiary",
        key=f"info-{indicator.code}",
        on_change="rerun",
    )
    with drawer:
        if not drawer.open:
            return
        if source is not None:
            lineage_button(source, lang)
        # One Markdown element for the whole definition (it was one per line: fourteen
        # elements per drawer, four drawers on the Overview, each a message to draw).
        parts = [f"**{indicator.name(lang)}**", indicator.text("definition", lang)]
        rows = [
            ("info_formula", indicator.text("formula", lang)),
            ("info_unit", t(f"unit_name_{indicator.unit}", lang)),
            ("info_direction", t(f"direction_{indicator.direction}", lang)),
            ("info_basis", indicator.text("basis", lang)),
            ("info_source_system", indicator.text("source_system", lang)),
            ("info_owner", indicator.text("owner", lang)),
            ("info_legal_basis", indicator.text("legal_basis", lang)),
            ("info_freshness", indicator.text("freshness", lang)),
        ]
        parts += [f"**{t(key, lang)}:** {value}" for key, value in rows]
        if indicator.targets:
            parts.append(f"**{t('info_targets', lang)}:**")
            parts.append(
                "\n".join(
                    "- "
                    + t(
                        "info_target_line",
                        lang,
                        year=target.year,
                        comparator=target.comparator.replace(">=", "≥").replace("<=", "≤"),
                        value=fmt_value(target.value, indicator.unit, lang, indicator.decimals),
                        source=target.source_vi if lang == "vi" else target.source_en,
                        url=target.source_url,
                    )
                    + (
                        f" ({target.label_vi if lang == 'vi' else target.label_en})"
                        if target.label_vi
                        else ""
                    )
                    for target in indicator.targets
                )
            )
        actual = published[published["kind"] != "target"]
        if not actual.empty:
            parts.append(f"**{t('info_published', lang)}:**")
            parts.append(
                "\n".join(
                    "- " + published_line(row, indicator.unit, lang, indicator.decimals)
                    for row in actual.itertuples()
                )
            )
        st.markdown("\n\n".join(parts))
        if projection is not None:
            forecast_accuracy(projection, indicator, lang)


def download_buttons(
    frame: pd.DataFrame,
    file_stem: str,
    lang: str,
    key: str,
    about: About = (),
    *,
    unit_detail: bool = False,
) -> None:
    """CSV and XLSX downloads of exactly the table shown (numbers as numbers).

    ``unit_detail``: the table holds figures of single units, so each download goes into
    the audit log (who, which file) when clicked; other tables download without a rerun.

    ``about`` (label, value) lines travel in the file — ``#`` lines above the CSV's header,
    a second sheet (``Thông tin`` / ``About``) in the XLSX: scope, filters, the date the
    figures are as of, the demo flag, sources. The bytes are made only when the reader
    clicks (Streamlit calls ``data`` then), so a page with several tables stays quick.
    """
    lines = tuple(about)
    sheet = t("about_sheet", lang)
    with st.container(horizontal=True, key=f"downloads-{key}"):
        st.download_button(
            t("download_csv", lang),
            partial(to_csv_bytes, frame, lines),
            file_name=f"{file_stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click=record_download if unit_detail else "ignore",
            args=(f"{file_stem}.csv", key) if unit_detail else None,
            key=f"csv-{key}",
        )
        st.download_button(
            t("download_xlsx", lang),
            partial(to_xlsx_bytes, frame, about=lines, about_sheet=sheet),
            file_name=f"{file_stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            on_click=record_download if unit_detail else "ignore",
            args=(f"{file_stem}.xlsx", key) if unit_detail else None,
            key=f"xlsx-{key}",
        )


def empty_state(lang: str, what: str) -> None:
    """ "No data yet", what is missing, and what to do."""
    st.info(t("empty_state", lang, what=what), icon=":material/inbox:")


# --- deep links: the "as of" day, the unit and the procedure ---------------------------------

LINK_KEYS: tuple[str, ...] = ("as_of", "unit", "procedure")
"""Link parameters beside the filters: free text, so each is checked before it is used."""
_LINK_MESSAGES = {
    LinkProblem.MALFORMED_DATE: "link_malformed_date",
    LinkProblem.BEFORE_FIRST_LOAD: "link_before_first_load",
    LinkProblem.FUTURE_DATE: "link_future_date",
    LinkProblem.UNKNOWN_UNIT: "link_unknown_unit",
    LinkProblem.OUT_OF_SCOPE: "link_out_of_scope",
    LinkProblem.UNKNOWN_PROCEDURE: "link_unknown_procedure",
    LinkProblem.NOT_A_CHOICE: "link_not_a_choice",  # filters: said together by url_warning
}


def first_load_day() -> dt.date | None:
    """The day (in the city) the warehouse's first figure was loaded; None when unknown
    (a warehouse that cannot be read is never touched: the gate says why)."""
    if cached.warehouse_state()[0] is not WarehouseState.READY:
        return None
    first = cached.first_load_at()
    return to_city_time(first).date() if first is not None else None


def read_links_once() -> None:
    """Seed the "as of" day, the unit and the procedure from a link, on a session's first run.

    Each is checked against the warehouse (a real day since the first load, a known unit, a
    known procedure); a refused one is dropped — the page shows the current figures and the
    whole city — and named in a plain-text warning. Runs before the filters are read, so
    the year a link opens on follows its "as of" day.
    """
    if st.session_state.get("_links_read"):
        return
    st.session_state["_links_read"] = True
    st.session_state.setdefault("as_of", None)
    refusals: list[Refusal] = []
    if cached.warehouse_state()[0] is not WarehouseState.READY:
        return  # the gate says why; a link's values cannot be checked without the warehouse
    text = st.query_params.get("as_of")
    if text is not None:
        day, refusal = parse_as_of(text, first_load_day(), city_today())
        st.session_state["as_of"] = day
        refusals += [refusal] if refusal else []
    text = st.query_params.get("unit")
    if text is not None:
        # Checked against the user's scope by read_link_unit_once, once the user is known.
        st.session_state["_link_unit"] = text
    text = st.query_params.get("procedure")
    if text is not None:
        parts = cached.breakdown_parts("online_dossier_share", "procedure").frame
        known = set(parts["code"].astype(str))
        code, refusal = check_code("procedure", text, known, LinkProblem.UNKNOWN_PROCEDURE)
        st.session_state["procedure"] = code
        refusals += [refusal] if refusal else []
    text = st.query_params.get("scenario")
    if text is not None:
        st.session_state["scenario_link"] = text  # checked by the scenarios page
    st.session_state["_link_refusals"] = refusals


def read_link_unit_once() -> None:
    """A link's ``?unit=``, checked once the signed-in user (and so their unit scope) is
    known: a unit of the scope is chosen; one the warehouse holds outside the scope is
    refused as out of scope, any other as unknown (the refusal joins the link's others)."""
    text = st.session_state.pop("_link_unit", None)
    if text is None:
        return
    unit_id, refusal = check_code("unit", text, leaf_unit_ids(), LinkProblem.UNKNOWN_UNIT)
    if refusal is not None and reader_scope() is not None:
        # A unit the warehouse holds but the user's scope does not: say so, not "unknown".
        _, elsewhere = check_code("unit", text, leaf_unit_ids(scoped=False), refusal.problem)
        if elsewhere is None:
            refusal = Refusal(refusal.parameter, refusal.value, LinkProblem.OUT_OF_SCOPE)
    st.session_state["unit"] = unit_id
    if refusal is not None:
        st.session_state["_link_refusals"] = [
            *(st.session_state.get("_link_refusals") or []),
            refusal,
        ]


def link_params() -> dict[str, str]:
    """The link parameters to keep in the address: the "as of" day, unit and procedure."""
    wanted: dict[str, str] = {}
    day = as_of_day_chosen()
    if day is not None:
        wanted["as_of"] = day.isoformat()
    for key in ("unit", "procedure"):
        value = st.session_state.get(key)
        if value:
            wanted[key] = str(value)
    if st.session_state.get("scn_open_id"):
        wanted["scenario"] = str(st.session_state["scn_open_id"])
    return wanted


def link_warning(lang: str) -> None:
    """Say, in plain text, which part of a link was refused and what is shown instead."""
    refusals: list[Refusal] = st.session_state.pop("_link_refusals", None) or []
    first = first_load_day()
    for refusal in refusals:
        st.warning(
            t(
                _LINK_MESSAGES[refusal.problem],
                lang,
                value=code_span(refusal.value),
                first=fmt_date(first, lang),
            ),
            icon=":material/link_off:",
        )


def _as_of_changed() -> None:
    """A new "as of" day opens on that day's default year (a meeting's view)."""
    st.session_state["year"] = default_year()


def _check_as_of_day() -> None:
    """Forget an "as of" day outside the first load's day … today (a link's day is checked
    on the way in; the warehouse may have been built again since)."""
    st.session_state.setdefault("as_of", None)
    chosen = as_of_day_chosen()
    if chosen is None:
        return
    first = first_load_day() or dt.date(FIRST_YEAR, 1, 1)
    if not first <= chosen <= city_today():
        st.session_state["as_of"] = None


def as_of_control(lang: str) -> None:
    """ "Số liệu tại ngày": a day whose figures to show (empty: the current figures)."""
    st.date_input(
        t("as_of_label", lang),
        value=None,
        min_value=first_load_day() or dt.date(FIRST_YEAR, 1, 1),
        max_value=city_today(),
        key="as_of",
        format="DD/MM/YYYY",
        help=t("as_of_help", lang),
        on_change=_as_of_changed,
        persist_state="session",
    )


def _back_to_now() -> None:
    st.session_state["as_of"] = None
    st.session_state["year"] = default_year()


def past_state_banner(filters: Filters) -> None:
    """Say plainly that the page shows a past state, with the way back to the present."""
    if filters.as_of_day is None:
        return
    lang = filters.lang
    with st.container(border=True, key="past-state"):
        st.markdown(
            ":material/history: " + t("past_state", lang, date=fmt_date(filters.as_of_day, lang))
        )
        declared = cached.declared_indicators()
        if declared:
            # A declared source keeps no load history: its indicators show current figures.
            names = ", ".join(get_indicator(code).short(lang) for code in declared)
            st.markdown(t("past_state_declared", lang, indicators=names))
        st.button(
            t("past_state_back", lang),
            icon=":material/update:",
            on_click=_back_to_now,
            key="past-state-back",
        )


def leaf_unit_ids(scoped: bool = True) -> set[str]:
    """The ids of the units figures are reported for (wards … departments, investors) in
    the user's scope; with ``scoped=False`` every unit's (only to tell a unit outside the
    scope from an unknown one)."""
    frame = cached.unit_list(scope=reader_scope() if scoped else None).frame
    return set(frame.loc[frame["unit_type"].isin(LEAF_UNIT_TYPES), "unit_id"].astype(str))


def focus_unit() -> str | None:
    """The unit chosen for a scorecard or a drill-down (``?unit=``), if any."""
    value = st.session_state.get("unit")
    return str(value) if value else None


def set_focus(unit_id: str | None, procedure: str | None = None) -> None:
    """Choose a unit (and a procedure) for the pages, or go back to the whole city."""
    st.session_state["unit"] = unit_id
    st.session_state["procedure"] = procedure


def open_scorecard(unit_id: str) -> None:
    """Open the unit's scorecard (the address then carries ``?unit=``)."""
    set_focus(unit_id)
    st.switch_page(SCORECARD_PAGE)


SCORECARD_PAGE = "app_pages/unit.py"


def show_figure(figure: go.Figure, key: str) -> None:
    """A plotly figure, static: hover text, no toolbar, no zoom. Its title is written above
    it as text, which wraps on a narrow screen where a chart title would be cut. Beneath it,
    out of sight, the figure in words for a screen reader
    (:func:`charts.common.describe_figure`). Its texts are cleaned of control and
    bidirectional characters first (:func:`charts.common.clean_figure`)."""
    _draw_figure(prepare_figure(figure, current_language()), key)


@dataclass(frozen=True, slots=True)
class PreparedFigure:
    """A figure as :func:`show_figure` draws it: cleaned, its title taken out to be written
    above it, and its description in words."""

    figure: go.Figure
    title: str | None
    description: str
    svg: str | None = None
    """The figure as inline SVG (:func:`charts.figure_svg.figure_svg`), or None where that
    cannot draw it faithfully (plotly draws it)."""


def prepare_figure(figure: go.Figure, lang: str) -> PreparedFigure:
    """``figure`` cleaned (:func:`charts.common.clean_figure`), described
    (:func:`charts.common.describe_figure`), with its title taken off the plot, and drawn as
    inline SVG when :mod:`charts.figure_svg` can draw it."""
    figure = clean_figure(figure)
    title = figure.layout.title.text if figure.layout.title else None
    description = describe_figure(figure, lang)
    if title:
        # The title's room is taken off the top margin; what a figure keeps above its
        # plot besides (the small panels' titles) stays.
        top = figure.layout.margin.t
        room = 16 if top is None else max(16, top - TITLE_ROOM)
        figure = go.Figure(figure).update_layout(title=None, margin={"t": room})
    svg = None
    try:
        svg = figure_svg.figure_svg(figure, lang)
    except figure_svg.NotDrawableError:  # plotly draws what it cannot draw faithfully
        pass
    except Exception:  # plotly draws it instead; the reason goes to the server log
        _LOG.exception("figure %r not drawn as SVG", title)
    return PreparedFigure(figure, title, description, svg)


SVG_FIGURE_PAGES = frozenset(
    {
        "online-services",
        "satisfaction",
        "disbursement",
        "digital-economy",
        "unit",
        "meeting",
        "scenarios",
    }
)
"""The pages (``url_path``) whose figures are drawn as inline SVG on the server, so that
they never load plotly's JavaScript (issue 12): every figure on them is one
:mod:`charts.figure_svg` draws faithfully. A figure it cannot draw is still drawn by plotly
(whole, never half drawn)."""
_figures_as_svg: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "figures_as_svg", default=False
)


FIGURES_VARIABLE = "DASHBOARD_FIGURES"
"""``plotly`` draws every figure with plotly, on every page (README, "Charts drawn on the
server"); unset or ``svg``, the pages of :data:`SVG_FIGURE_PAGES` draw theirs as SVG."""


def draw_figures_for(url_path: str) -> None:
    """Called by ``app.py`` before it runs a page: that page's figures are drawn as SVG
    when it is one of :data:`SVG_FIGURE_PAGES` (and ``DASHBOARD_FIGURES`` is not
    ``plotly``), by plotly otherwise."""
    chosen = os.environ.get(FIGURES_VARIABLE, "svg").strip().lower()
    _figures_as_svg.set(url_path in SVG_FIGURE_PAGES and chosen != "plotly")


def _draw_figure(prepared: PreparedFigure, key: str) -> None:
    if prepared.title:
        st.markdown(f"**{escape_markdown(prepared.title)}**")
    if prepared.svg is not None and _figures_as_svg.get():
        # One Markdown element; every text in it escaped (charts.figure_svg), the chart
        # hidden from screen readers, which read the description below it instead.
        st.markdown(prepared.svg, unsafe_allow_html=True)
    else:
        st.plotly_chart(
            prepared.figure,
            key=key,
            width="stretch",
            config={"displayModeBar": False, "scrollZoom": False, "doubleClick": False},
        )
    with st.container(key=f"alt-{key}"):
        st.text(strip_invisible(prepared.description))


FIGURE_MAX_ENTRIES = 128
"""Prepared figures kept per process (:func:`show_cached_figure`)."""


def figure_inputs_key(*parts: object) -> str:
    """A small cache key for what a figure is built from: each frame by
    :func:`data_access.cached.frame_key` (its query, parameters and data version, or its
    content when it has none), everything else by its ``repr``, with the data version."""
    shown = tuple(cached.frame_key(p) if isinstance(p, pd.DataFrame) else p for p in parts)
    text = repr((cached.data_version(), shown)).encode("utf-8")
    return hashlib.blake2b(text, digest_size=20).hexdigest()


@st.cache_resource(max_entries=FIGURE_MAX_ENTRIES, show_spinner=False)
def _prepared_figure(
    inputs: str, name: str, lang: str, _build: Callable[[], go.Figure]
) -> PreparedFigure:
    return prepare_figure(_build(), lang)


BUILT_MAX_ENTRIES = 32
"""Objects kept per process by :func:`built_once` (unit maps, which can hold a boundary
file's polygons: fewer than the figures)."""


@st.cache_resource(max_entries=BUILT_MAX_ENTRIES, show_spinner=False)
def _built(inputs: str, name: str, _build: Callable[[], Any]) -> Any:
    return _build()


def built_once(build: Callable[[], T], *, name: str, inputs: tuple[object, ...]) -> T:
    """``build()``, built once per process for the same ``inputs`` (every frame and value
    it reads, keyed by :func:`figure_inputs_key`) and ``name``, and shared: what it returns
    must never be changed (a map handed to ``st.pydeck_chart``, which only reads it)."""
    result: T = _built(figure_inputs_key(*inputs), name, build)
    return result


def show_cached_figure(
    build: Callable[[], go.Figure], *, key: str, inputs: tuple[object, ...]
) -> None:
    """:func:`show_figure` of ``build()``, built and prepared once per process for the same
    ``inputs`` (every frame and value ``build`` reads, keyed by :func:`figure_inputs_key`),
    the reader's language and the figure's name: a warm run with unchanged data draws the
    figure it drew before. The prepared figure is shared, never changed after it is built
    (``st.plotly_chart`` only reads it)."""
    _draw_figure(cached_figure(build, key=key, inputs=inputs, lang=current_language()), key)


def cached_figure(
    build: Callable[[], go.Figure], *, key: str, inputs: tuple[object, ...], lang: str
) -> PreparedFigure:
    """The figure :func:`show_cached_figure` draws in ``lang``, built and prepared once per
    process, with nothing drawn (the warm-up prepares the pages' default figures so)."""
    func = getattr(build, "func", build)  # a functools.partial names its function
    name = f"{func.__module__}.{func.__qualname__}:{key}"
    return _prepared_figure(figure_inputs_key(lang, *inputs), name, lang, build)


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """A figure as a page shows it through :func:`show_cached_figure`: how it is built, its
    element key and what it is built from. A section returns it, then draws it
    (:func:`show_spec`); the warm-up prepares the same (:func:`prepare_spec`)."""

    build: Callable[[], go.Figure]
    key: str
    inputs: tuple[object, ...]


def show_spec(spec: FigureSpec) -> None:
    """:func:`show_cached_figure` of ``spec``."""
    show_cached_figure(spec.build, key=spec.key, inputs=spec.inputs)


def show_prepared(prepared: PreparedFigure, key: str) -> None:
    """Draw a figure prepared before (:func:`prepare_spec`, kept by the page's own cache of
    what it shows) as :func:`show_figure` draws it, under the element key ``key``."""
    _draw_figure(prepared, key)


def prepare_spec(spec: FigureSpec, lang: str) -> PreparedFigure:
    """:func:`cached_figure` of ``spec`` in ``lang`` (the language its builder writes in)."""
    return cached_figure(spec.build, key=spec.key, inputs=spec.inputs, lang=lang)


def request_filters(**values: list[str]) -> None:
    """Change sidebar filters from a page (a drill-down row chosen): they are widgets drawn
    before the page, so the change is applied at the start of the next run."""
    st.session_state["_pending_filters"] = values
    set_focus(None)
    st.rerun()


def selected_rows(event: Any) -> list[int]:
    """The rows chosen in a table (``st.dataframe(on_select=…)``'s state), read by item so
    it reads the same whether the browser or a test set it."""
    state: Any = event or {}
    rows = state.get("selection", {}).get("rows", [])
    return [int(r) for r in rows]


def selected_objects(event: Any, layer: str) -> list[dict[str, Any]]:
    """The objects chosen on a map layer (``st.pydeck_chart(on_select=…)``'s state)."""
    state: Any = event or {}
    objects = state.get("selection", {}).get("objects", {}) or {}
    return [dict(o) for o in objects.get(layer) or []]


def delta_args(
    change_pp: float | None, lang: str, *, higher_is_better: bool = True
) -> dict[str, Any]:
    """``st.metric``'s delta for a change in percentage points: the text in the reader's
    format, and the arrow and colour from the number itself — Streamlit reads a delta's
    sign from an ASCII hyphen, and the typographic minus (−) would show as a rise."""
    if change_pp is None or math.isnan(change_pp):
        return {"delta": None}
    rounded = round(change_pp, 1)
    arrow = "up" if rounded > 0 else "down" if rounded < 0 else "off"
    good = rounded > 0 if higher_is_better else rounded < 0
    colour = "gray" if rounded == 0 else "green" if good else "red"
    return {
        "delta": fmt_pp(change_pp, lang),
        "delta_arrow": arrow,
        "delta_color": colour,
    }


# --- lineage: the load batches behind a figure -----------------------------------------------

DATA_PAGE = "app_pages/data.py"


def lineage_button(source: FigureSource, lang: str) -> None:
    """A switch in the drawer that shows the load batches behind the figure (file, who,
    when) right there: read only when asked for, and no second window over the drawer."""
    month = fmt_month(source.month, lang)
    if st.toggle(
        t("lineage_button", lang, month=month),
        key=f"lineage-{source.indicator_code}-{source.month:%Y-%m}",
    ):
        with st.container(border=True):
            _lineage_body(source, lang)


def _lineage_body(source: FigureSource, lang: str) -> None:
    from metrics.registry import get_indicator

    indicator = get_indicator(source.indicator_code)
    st.markdown(
        t(
            "lineage_about",
            lang,
            indicator=indicator.name(lang),
            month=fmt_month(source.month, lang),
            scope=scope_text(source.unit_filter, lang),
        )
    )
    fetched = cached.lineage(
        source.indicator_code,
        source.month,
        source.unit_filter,
        source.as_of,
        scope=reader_scope(),
        plan_year=source.year,
    )
    stale_banner([fetched], lang)
    batches = fetched.frame
    if batches.empty:
        empty_state(lang, t("lineage_empty", lang))
        return
    if bool(batches["is_demo"].any()):
        st.caption(":material/science: " + t("lineage_demo", lang))
    table = pd.DataFrame(
        {
            t("lineage_col_batch", lang): batches["batch_id"].astype("int64"),
            # None: another unit's batch, shown to a unit-scoped reader without its file.
            t("lineage_col_file", lang): [
                t("lineage_other_units", lang) if pd.isna(v) else str(v)
                for v in batches["source_name"]
            ],
            t("lineage_col_who", lang): [
                "—" if pd.isna(v) else str(v) for v in batches["submitted_by"]
            ],
            t("lineage_col_when", lang): [
                _local_time(pd.Timestamp(m).to_pydatetime(), lang) for m in batches["loaded_at"]
            ],
            t("lineage_col_kind", lang): [
                t(f"batch_kind_{k}", lang) for k in batches["batch_kind"]
            ],
            t("lineage_col_rows", lang): batches["rows"].astype("int64"),
        }
    )
    st.caption(t("lineage_count", lang, count=len(table)))
    dataframe(table, hide_index=True, height=min(38 + 35 * len(table), 420), placeholder=MISSING)
    st.page_link(DATA_PAGE, label=t("lineage_open_data", lang), icon=":material/upload_file:")
