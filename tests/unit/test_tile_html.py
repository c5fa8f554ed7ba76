"""The Overview's tile as one HTML block (``app_pages/_tile_html.py``): text escaped and on
one line, the status said in words beside its colour, and the block read back part by part
(``tests/app/reading.py``) as the elements it replaced were read."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from app_pages import _tile_html, _tiles
from metrics.palette import STATUS_STYLES
from metrics.registry import get_indicator
from metrics.review import YearResult
from metrics.status import Status
from metrics.tiles import build_tile
from tests.app.reading import read_html_block
from tests.unit.test_tiles_like_for_like import (
    DISBURSEMENT,
    EARLIER_YTD,
    N_PATHS,
    _cumulative,
)

HOSTILE = 'Giải ngân <img src=x onerror="alert(1)">\n\n**đậm** [x](javascript:1) \u202e'


def _tile():
    ytd = {year: list(EARLIER_YTD) for year in range(2019, 2026)}
    ytd[2026] = EARLIER_YTD[:10]
    series = _cumulative(ytd, dict.fromkeys(range(2019, 2026), 91.0))
    return build_tile(series, DISBURSEMENT, 2026, as_of_month="2026-10-01", n_paths=N_PATHS)


def test_outside_text_is_escaped_and_kept_on_one_line() -> None:
    """A name with markup, a blank line and a bidirectional override: no tag, no second
    line (a blank line would end the raw HTML block and let Markdown read the rest)."""
    tile = _tile()
    hostile = dataclasses.replace(DISBURSEMENT, short_vi=HOSTILE)
    block = _tile_html.tile_html(
        tile, hostile, "vi", chart="", freshness=None, is_demo=True, is_filtered=False
    )
    assert "\n" not in block
    assert "<img" not in block and 'onerror="' not in block
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in block
    assert "\u202e" not in block
    name = read_html_block(block)[0].split("\n\n")[0]
    # Read back as the text it was (the parser unescapes): words, never an element.
    assert name == (
        'markdown: **Giải ngân <img src=x onerror="alert(1)">  '
        "\\*\\*đậm\\*\\* \\[x\\](javascript:1) **"
    )


def test_the_status_is_a_word_with_its_colour_and_icon_and_the_facts_are_read_back() -> None:
    tile = _tile()
    block = _tile_html.tile_html(
        tile, DISBURSEMENT, "en", chart="", freshness=None, is_demo=False, is_filtered=False
    )
    parts = read_html_block(block)
    style = STATUS_STYLES[tile.status]
    word = {
        Status.ON_TRACK: "On track",
        Status.AT_RISK: "At risk",
        Status.OFF_TRACK: "Off track",
        Status.NOT_ASSESSABLE: "Not yet assessable",
    }[tile.status]
    assert parts[0] == (
        f"markdown: **{DISBURSEMENT.short('en')}**\n\n"
        f":{style.badge_color}-badge[{style.icon} {word}]"
    )
    assert [part.split(":", 1)[0] for part in parts] == [
        "markdown",  # name and status
        "metric",
        "markdown",  # facts
        "caption",  # why, key
        "caption",  # as-of date
    ]
    # The facts as the Markdown element had them: label, then the value bold.
    facts = parts[2].removeprefix("markdown: ")
    expected = "\n\n".join(
        f"{label}\n\n{value}" for label, value in _tiles._grid(tile, DISBURSEMENT, "en")
    )
    assert facts == expected
    # The metric: label | value | gap | what the gap is measured against.
    label, value, gap, against = parts[1].removeprefix("metric: ").split(" | ")
    assert label == _tiles.headline_label(tile, "en")
    assert value == _tiles._value(tile.headline.value, DISBURSEMENT, "en")
    assert gap.endswith(" pp") and against.startswith("vs ")


def test_text_is_on_one_line_without_invisible_characters_and_escaped() -> None:
    """The example that was a doctest (app_pages is not collected for doctests: its page
    scripts would run): blank lines joined, U+202E dropped, markup escaped, Markdown left
    as text (the block is HTML)."""
    assert _tile_html.text("a\n\n<b>**x**</b> \u202e[y](z)") == "a  &lt;b&gt;**x**&lt;/b&gt; [y](z)"


# --- the year-in-review card (review_html) ----------------------------------------------------


def _result(**changes: object) -> YearResult:
    base = YearResult(
        indicator_code="online_dossier_share",
        year=2025,
        value=59.2,
        value_with_extension=None,
        target=50.0,
        comparator=">=",
        is_target_carried_forward=False,
        is_met=True,
        margin=9.2,
        is_complete=True,
        periods_observed=12,
        periods_expected=12,
        last_month=pd.Timestamp("2025-12-01"),
        judgement_date=dt.date(2025, 12, 31),
        extension_date=None,
    )
    return dataclasses.replace(base, **changes)


def _published(kind: str, url: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "value": 52.0,
                "qualifier": "exact",
                "period_start": dt.date(2025, 7, 1),
                "period_end": dt.date(2025, 9, 10),
                "basis": "city_report",
                "kind": kind,
                "source_url": url,
            }
        ]
    )


def test_a_review_card_is_one_block_with_bold_a_badge_and_a_link_to_the_source() -> None:
    """The value line's bold and the published figure's link are drawn as HTML (written by
    hand here from the catalogue's words), the link opening in a new tab and telling the
    source nothing; read back as the two elements the card was."""
    card = _tile_html.review_html(
        _result(),
        get_indicator("online_dossier_share"),
        "en",
        _published("actual", "https://example.org/a?b=1&c=2"),
    )
    assert card.startswith('<div class="ov-review">') and "\n" not in card
    assert "<p>Result <strong>59.2%</strong> · target ≥ 50% · gap +9.2 pp</p>" in card
    assert (
        '— <a href="https://example.org/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">Source</a></p>'
    ) in card
    head, notes = read_html_block(card)
    assert head == (
        "markdown: **Online dossier share**\n\n"
        ":blue-badge[:material/check_circle: 2025 target met]\n\n"
        "Result **59.2%** · target ≥ 50% · gap +9.2 pp"
    )
    assert notes == (
        "caption: Published figure: 52.0% — 1 Jul 2025 – 10 Sep 2025; city_report; official"
        " — [Source](https://example.org/a?b=1&c=2)"
    )


def test_a_review_cards_outside_words_and_addresses_are_never_markup() -> None:
    """A published figure's kind and address come from a file: a tag, Markdown and a
    ``javascript:`` address are drawn as words, and the address as no link at all."""
    card = _tile_html.review_html(
        _result(is_met=False, margin=-1.0, value=49.0),
        get_indicator("online_dossier_share"),
        "vi",
        _published(
            '<img src=x onerror="alert(1)"> **đậm** [x](https://evil.example)',
            "javascript:alert(1)",
        ),
    )
    assert "<img" not in card and "<a " not in card and "<strong>đậm" not in card
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in card
    _head, notes = read_html_block(card)
    assert notes.endswith("— không có địa chỉ nguồn hợp lệ")
    assert "\\*\\*đậm\\*\\* \\[x\\]" in notes  # the asterisks and brackets as text


def test_without_published_figures_a_review_card_has_no_notes() -> None:
    card = _tile_html.review_html(
        _result(), get_indicator("online_dossier_share"), "vi", _published("x", "").iloc[0:0]
    )
    assert [part.split(":")[0] for part in read_html_block(card)] == ["markdown"]
    assert 'data-read="caption"' not in card


def test_markdown_lines_keep_no_html_and_make_no_bare_links() -> None:
    """``inline_markdown`` draws the app's own lines; should a tag or a bare address reach
    it unescaped (a catalogue's "< 1%", a future caller), it stays text."""
    assert _tile_html.inline_markdown("<b>x</b> **y** < 1%\nwww.example.org") == (
        "&lt;b&gt;x&lt;/b&gt; <strong>y</strong> &lt; 1% www.example.org"
    )
