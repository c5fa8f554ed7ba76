"""Escaping for text from outside the code (a warehouse field, a URL, a file) shown on screen.

Such text is shown as plain text, never as Markdown or HTML: these helpers make it inert.
"""

from __future__ import annotations

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"
"""Characters that Streamlit's Markdown (and its directives such as ``:red[...]``) reads."""
LINK_FORBIDDEN = " ()<>[]\n"
"""Characters that would end or break a Markdown link target."""


def escape_markdown(text: str) -> str:
    """Text from outside the code shown inside Markdown, made inert: every character
    Markdown reads gets a backslash.

    Examples
    --------
    >>> escape_markdown("[click](https://x.example) *now*")
    '\\\\[click\\\\]\\\\(https\\\\://x\\\\.example\\\\) \\\\*now\\\\*'
    """
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(text))


def safe_link(url: str) -> str | None:
    """``url`` if it is a plain http(s) address fit for a Markdown link, else None.

    Examples
    --------
    >>> safe_link(" https://example.org/a "), safe_link("javascript:alert(1)")
    ('https://example.org/a', None)
    """
    text = str(url).strip()
    if text.startswith(("https://", "http://")) and not any(c in text for c in LINK_FORBIDDEN):
        return text
    return None
