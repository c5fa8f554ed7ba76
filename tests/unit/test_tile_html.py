"""The Overview's tile as one HTML block (``app_pages/_tile_html.py``): text escaped and on
one line, the status said in words beside its colour, and the block read back part by part
(``tests/app/reading.py``) as the elements it replaced were read."""

from __future__ import annotations

import dataclasses

from app_pages import _tile_html, _tiles
from metrics.palette import STATUS_STYLES
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
        'markdown: **Giải ngân <img src=x onerror="alert(1)">  **đậm** [x](javascript:1) **'
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
