"""A headline tile and a year-in-review card as one element each (for the Overview).

Issue 12 asks for the Overview drawn within 1.5× an empty page; the browser's cost was
rendering spread over the page's elements (Markdown, React, CSS-in-JS, layout), about 18 ms
each. A tile was seven elements in three containers (name and badges, metric, chart, facts,
notes, as-of date, freshness badge) and a review card two. A tile is now one HTML block
(the chart, :func:`charts.tile_svg.figure_svg`, inline in it) drawn by
:func:`app_pages._ui.html_block`, plus its info drawer, which is a widget and stays one; a
review card is one HTML block too (:func:`review_html`).

Not ``st.html``: Streamlit 1.67 sanitises its body with DOMPurify's HTML-only profile
(``USE_PROFILES: {html: true}``, ``static/js/Html.*.js``), which removes inline SVG, so the
chart would have to be a separate element. Not ``st.markdown(..., unsafe_allow_html=True)``
either: it loads rehype-raw and builds every node as a React element (``html_block`` says
more). Every text in a block is escaped here, so nothing from outside is read as HTML.

Each part of a block carries ``data-read`` naming what it shows as the element it replaces
(``markdown``, ``metric``, ``caption``): ``tests/app/reading.py`` reads a tile part by part
as it read the elements, so ``tests/golden/overview_demo.yaml`` holds the same words.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import pandas as pd
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from app_pages import _tiles
from app_pages._tiles import (
    _delta,
    _facts,
    _value,
    as_of_text,
    chart_key,
    headline_comparison,
    headline_label,
    is_closed,
    result_words,
    spans_merger,
    status_words,
    why_line,
)
from app_pages._ui import freshness_words
from i18n import fmt_date, fmt_pp, published_line, t
from i18n.escape import strip_invisible
from metrics.freshness import FreshnessCheck
from metrics.palette import STATUS_STYLES, BadgeColor
from metrics.registry import Indicator
from metrics.review import YearResult
from metrics.tiles import Tile, judged_value

TILE_CLASS = "ov-tile"
"""The class of a tile's block (its first characters: ``<div class="ov-tile"``)."""


def text(value: object) -> str:
    """A text for the block: on one line, without control, format or bidirectional
    characters, escaped for an element or an attribute (tests/unit/test_tile_html.py:
    ``text("a\\n\\n<b>**x**</b> \\u202e[y](z)")`` is ``'a  &lt;b&gt;**x**&lt;/b&gt; [y](z)'``;
    ``app_pages`` holds the page scripts, so its docstrings are not run as doctests)."""
    one_line = " ".join(str(value).splitlines())
    return escape(strip_invisible(one_line, keep=""), quote=True)


def icon(name: str) -> str:
    """A Material icon (``:material/check_circle:`` or ``check_circle``), hidden from
    screen readers: the word beside it says the same."""
    bare = name.removeprefix(":material/").rstrip(":")
    return f'<span class="ov-icon" aria-hidden="true">{text(bare)}</span>'


def badge(label: str, icon_name: str, color: BadgeColor) -> str:
    """A badge: colour, icon and word (never colour alone), as ``st.badge`` draws it."""
    return f'<span class="ov-badge ov-{color}">{icon(icon_name)}{text(label)}</span>'


def _part(kind: str, body: str, css: str, sep: str | None = None) -> str:
    attrs = f' data-sep="{text(sep)}"' if sep is not None else ""
    return f'<div class="{css}" data-read="{kind}"{attrs}>{body}</div>'


def _metric(tile: Tile, indicator: Indicator, lang: str) -> str:
    """The big number: its label, the value, the gap chip (arrow, colour, words) and what
    the gap is measured against, as ``st.metric`` drew them."""
    delta, arrow = _delta(tile.headline.gap, lang)
    color = STATUS_STYLES[tile.status].badge_color
    parts = [
        f'<div class="ov-metric-label">{text(headline_label(tile, lang))}</div>',
        f'<div class="ov-metric-value">{text(_value(tile.headline.value, indicator, lang))}</div>',
    ]
    if delta is None:
        parts.append('<div class="ov-hidden"></div>')
    else:
        arrow_icon = {"up": "arrow_upward", "down": "arrow_downward"}.get(arrow)
        mark = icon(arrow_icon) if arrow_icon else ""
        parts.append(f'<div class="ov-delta ov-{color}">{mark}{text(delta)}</div>')
        comparison = headline_comparison(tile, indicator, lang)
        if comparison:
            parts.append(f'<div class="ov-delta-note">{text(comparison)}</div>')
    return _part("metric", "".join(parts), "ov-metric", " | ")


def _facts_html(tile: Tile, indicator: Indicator, lang: str) -> str:
    rows = []
    for label, bold, plain in _facts(tile, indicator, lang):
        value = f"<strong>{text(bold)}</strong>" if bold else ""
        if plain:
            value += (" · " if bold else "") + text(plain)
        rows.append(f"<dt>{text(label)}</dt><dd>{value}</dd>")
    return _part("markdown", f'<dl class="ov-facts">{"".join(rows)}</dl>', "ov-facts-box")


def _notes(paragraphs: list[list[str]]) -> str:
    """Caption paragraphs, each of lines (``<br>``); each line already escaped HTML."""
    body = "".join(f"<p>{'<br>'.join(lines)}</p>" for lines in paragraphs)
    return _part("caption", body, "ov-caption")


def tile_html(
    tile: Tile,
    indicator: Indicator,
    lang: str,
    *,
    chart: str,
    freshness: FreshnessCheck | None,
    is_demo: bool,
    is_filtered: bool,
) -> str:
    """One headline tile as one HTML block, read top down in five seconds: the name and
    status, the big number with its gap to what applies now, the small chart; then the
    compact facts (target, projection, pace, trend), the "Vì sao?" line and the chart's
    key, and the as-of date with its freshness badge. ``chart`` is the tile's SVG block
    (:func:`app_pages._tiles.tile_chart`), already escaped."""
    closed = is_closed(tile)
    result = tile.year_result
    first = (
        result_words(result, lang)
        if closed and result is not None
        else status_words(tile.status, lang)
    )
    badges = [badge(*first)]
    if is_demo:
        badges.append(badge(t("demo_badge", lang), ":material/science:", "violet"))
    head = _part(
        "markdown",
        f'<div class="ov-name"><strong>{text(indicator.short(lang))}</strong></div>'
        f'<div class="ov-badges">{" ".join(badges)}</div>',
        "ov-head",
    )
    lines = [
        f"<strong>{text(t('tile_why_label', lang))}</strong> "
        + text(why_line(tile, indicator, lang))
    ]
    if not closed and spans_merger(tile):
        lines.append(text(t("merger_note", lang)))
    lines.append(text(chart_key(tile, indicator, lang)))
    paragraphs = [lines]
    if is_filtered and indicator.grain.value == "city":
        paragraphs.append([text(t("city_level_only", lang))])
    as_of = _part("caption", f"<p>{text(as_of_text(tile, indicator, lang))}</p>", "ov-caption")
    if freshness is not None:
        as_of += _part("markdown", badge(*freshness_words(freshness, lang, indicator)), "ov-fresh")
    return (
        f'<div class="{TILE_CLASS}">{head}{_metric(tile, indicator, lang)}{chart}'
        f"{_facts_html(tile, indicator, lang)}{_notes(paragraphs)}"
        f'<div class="ov-as-of">{as_of}</div></div>'
    )


REVIEW_CLASS = "ov-review"
"""The class of a year-in-review card's block (its first characters:
``<div class="ov-review"``)."""


def _link_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    # As Streamlit's Markdown draws a link: in a new tab, telling the source nothing.
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


_MARKDOWN = MarkdownIt("commonmark", {"html": False})
"""CommonMark without raw HTML (markdown-it-py): a ``<`` in the text is drawn as ``<``."""
_MARKDOWN.add_render_rule("link_open", _link_open)


def inline_markdown(markdown: str) -> str:
    """One line of the app's Markdown (bold, backslash escapes, a link to a source) as HTML
    for a block (:func:`app_pages._ui.html_block`), written by markdown-it-py as CommonMark
    reads it: raw HTML in it is escaped, a ``javascript:``, ``vbscript:``, ``file:`` or
    ``data:`` address is not made a link (markdown-it's own check; the writers give http(s)
    addresses only, :func:`i18n.safe_link`), and nothing becomes a link unless written as
    one (no bare addresses). The text from outside in it is already escaped for Markdown by
    its writer (:func:`i18n.escape_markdown`, :func:`i18n.published_line`)."""
    return str(_MARKDOWN.renderInline(" ".join(markdown.splitlines())))


def review_html(
    result: YearResult, indicator: Indicator, lang: str, published: pd.DataFrame
) -> str:
    """One indicator's year result as one HTML block: met or missed, by how much, with the
    published figures (caption-styled, each with a link to its source). The value beside
    the margin is the one the target is judged on (31 January where the target is due
    then); the other date's figure is said under it.

    An HTML block, not a Markdown element (issue 12): the Overview's cards were its only
    Markdown with HTML in it, which made the browser load and run rehype-raw for them. The
    value line and the published figures' lines are written as Markdown by the catalogue
    and :func:`i18n.published_line`, and drawn by :func:`inline_markdown`."""
    target = (
        f"{_tiles._comparator(result.comparator)} "
        f"{_tiles._target_value(result.target, indicator, lang)}"
        if result.target is not None
        else t("tile_no_target", lang)
    )
    judged = judged_value(result)
    value = t(
        "review_value",
        lang,
        value=_value(judged, indicator, lang),
        target=target,
        margin=fmt_pp(result.margin, lang),
    )
    notes = []
    if result.value_with_extension is not None:
        other = (
            (result.value, dt.date(result.year, 12, 31))
            if judged == result.value_with_extension
            else (result.value_with_extension, dt.date(result.year + 1, 1, 31))
        )
        notes.append(
            t(
                "review_other_date",
                lang,
                value=_value(other[0], indicator, lang),
                date=fmt_date(other[1], lang),
                judged=fmt_date(result.judgement_date, lang),
            )
        )
    notes += [
        t("published_figure", lang)
        + ": "
        + published_line(row, indicator.unit, lang, indicator.decimals)
        for row in published.itertuples()
    ]
    head = _part(
        "markdown",
        f"<p><strong>{text(indicator.short(lang))}</strong></p>"
        f"<p>{badge(*result_words(result, lang))}</p><p>{inline_markdown(value)}</p>",
        "ov-head",
    )
    if not notes:
        return f'<div class="{REVIEW_CLASS}">{head}</div>'
    body = "".join(f"<p>{inline_markdown(note)}</p>" for note in notes)
    return f'<div class="{REVIEW_CLASS}">{head}{_part("caption", body, "ov-caption")}</div>'
