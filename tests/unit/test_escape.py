"""Outside text shown as plain text (i18n/escape.py): Markdown cannot be planted."""

from __future__ import annotations

import re

import pytest

from i18n.escape import (
    LINK_FORBIDDEN,
    MARKDOWN_SPECIAL,
    WORD_JOINER,
    code_span,
    escape_markdown,
    safe_link,
    strip_invisible,
)

# The patterns Streamlit's Markdown renderer (remark-gfm, mdast-util-gfm-autolink-literal)
# turns into links in *rendered* text, whatever backslashes the source held; copied from
# that library so the test states what the browser does.
GFM_URL = re.compile(r"(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
BACKSLASH_ESCAPE = re.compile(r"\\(.)")


def rendered_text(markdown: str) -> str:
    """The text CommonMark makes of an escaped string: each backslash escape resolved."""
    return BACKSLASH_ESCAPE.sub(r"\1", markdown)


@pytest.mark.parametrize("character", list("\\`*_{}[]()#+-.!|<>~$:"))
def test_every_markdown_character_is_escaped(character: str) -> None:
    assert escape_markdown(f"a{character}b").replace(WORD_JOINER, "") == f"a\\{character}b"


def test_the_escaped_set_is_exactly_markdowns() -> None:
    assert set(MARKDOWN_SPECIAL) == set("\\`*_{}[]()#+-.!|<>~$:")


def test_plain_text_and_vietnamese_pass_unchanged() -> None:
    assert escape_markdown("Phường Tân Định 2026") == "Phường Tân Định 2026"
    assert escape_markdown(42) == "42"  # type: ignore[arg-type]


def test_a_planted_link_is_inert() -> None:
    assert escape_markdown("[x](https://evil.example)") == (
        "\\[x\\]\\(https" + WORD_JOINER + "\\://evil\\.example\\)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[Bấm vào đây](https://evil.example)",
        "https://evil.example",
        "HTTP://EVIL.EXAMPLE",
        "xem www.evil.example ngay",
        "WWW.EVIL.EXAMPLE",
        "viết cho a.b+c@evil.example",
        "![x](https://evil.example/a.png)",
    ],
)
def test_no_address_survives_for_streamlit_to_link(text: str) -> None:
    """Regression (issue 7, finding 10): backslashes did not stop Streamlit's renderer
    from linking ``https://…`` in a warning; the rendered text held the address intact."""
    assert GFM_URL.search(rendered_text(text)) or GFM_EMAIL.search(rendered_text(text))
    shown = rendered_text(escape_markdown(text))
    assert not GFM_URL.search(shown), shown
    assert not GFM_EMAIL.search(shown), shown
    assert shown.replace(WORD_JOINER, "") == text  # the reader sees the same characters


@pytest.mark.parametrize(
    "character", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\x07"]
)
def test_bidirectional_and_control_characters_are_removed(character: str) -> None:
    assert escape_markdown(f"ab{character}cd") == "abcd"
    assert strip_invisible(f"ab{character}cd") == "abcd"


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("[x](https://e.example)", "` [x](https://e.example) `"),
        ("<b>x</b>", "` <b>x</b> `"),
        ("a`b", "`` a`b ``"),
        ("`a``", "``` `a`` ```"),
        ("", "` `"),
        ("a\nb", "` a b `"),
    ],
)
def test_a_code_span_holds_any_value_whole(text: str, span: str) -> None:
    assert code_span(text) == span


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("ftp://example.org", None),
        ("javascript:alert(1)", None),
        ("example.org", None),
        ("", None),
    ],
)
def test_only_plain_http_addresses_become_links(url: str, kept: str | None) -> None:
    assert safe_link(url) == kept


@pytest.mark.parametrize("character", [" ", "(", ")", "<", ">", "[", "]", "\n"])
def test_an_address_that_would_break_out_of_a_link_is_refused(character: str) -> None:
    assert safe_link(f"https://example.org/a{character}b") is None


def test_the_forbidden_set() -> None:
    assert set(LINK_FORBIDDEN) == set(" ()<>[]\n")
