"""Outside text shown as plain text (i18n/escape.py): Markdown cannot be planted."""

from __future__ import annotations

import pytest

from i18n.escape import LINK_FORBIDDEN, MARKDOWN_SPECIAL, escape_markdown, safe_link


@pytest.mark.parametrize("character", list("\\`*_{}[]()#+-.!|<>~$:"))
def test_every_markdown_character_is_escaped(character: str) -> None:
    assert escape_markdown(f"a{character}b") == f"a\\{character}b"


def test_the_escaped_set_is_exactly_markdowns() -> None:
    assert set(MARKDOWN_SPECIAL) == set("\\`*_{}[]()#+-.!|<>~$:")


def test_plain_text_and_vietnamese_pass_unchanged() -> None:
    assert escape_markdown("Phường Tân Định 2026") == "Phường Tân Định 2026"
    assert escape_markdown(42) == "42"  # type: ignore[arg-type]


def test_a_planted_link_is_inert() -> None:
    assert escape_markdown("[x](https://evil.example)") == ("\\[x\\]\\(https\\://evil\\.example\\)")


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
