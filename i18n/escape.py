"""Escaping for text from outside the code (a warehouse field, a URL, a file) shown on screen.

Such text is shown as plain text, never as Markdown or HTML: these helpers make it inert.

Backslashes alone are not enough in Streamlit: its Markdown renderer (remark-gfm) turns any
``http://``, ``https://``, ``www.`` or ``name@host.tld`` found in the *rendered text* into a
live link, escaped or not. :func:`escape_markdown` therefore also puts an invisible word
joiner (U+2060) before every colon and after every ``@`` and ``www``, which breaks those
patterns without changing what the reader sees. Values typed into an address are shown as
inline code (:func:`code_span`), inside which nothing is interpreted at all.
"""

from __future__ import annotations

import re
import unicodedata

MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"
"""Characters that Streamlit's Markdown (and its directives such as ``:red[...]``) reads."""
LINK_FORBIDDEN = " ()<>[]\n"
"""Characters that would end or break a Markdown link target."""
WORD_JOINER = "\u2060"
"""Invisible, zero-width, no line break: breaks the link patterns of remark-gfm."""
_WWW = re.compile(r"(www)(?=\\\.)", re.IGNORECASE)


def strip_invisible(text: str, keep: str = "\n\t") -> str:
    """``text`` in NFC without control, format and bidirectional characters (Unicode
    categories Cc, Cf, Co, Cs, Cn), except those in ``keep``: line feeds and tabs, which
    stay. (A download keeps carriage returns too: ``metrics.export``.)

    Examples
    --------
    >>> strip_invisible("ab\\u202ecd\\u200b\\x07e")
    'abcde'
    >>> strip_invisible("a\\r\\nb"), strip_invisible("a\\r\\nb", keep="\\r\\n\\t")
    ('a\\nb', 'a\\r\\nb')
    """
    text = str(text)
    # Most text has nothing to strip: printable (no C or Z character but the space) and
    # already in NFC.
    if text.isprintable() and unicodedata.is_normalized("NFC", text):
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch)[0] != "C")


def escape_markdown(text: str) -> str:
    """Text from outside the code shown inside Markdown, made inert: control and
    bidirectional characters removed, every character Markdown reads backslashed, and the
    patterns that would become links broken with an invisible word joiner.

    Examples
    --------
    >>> escape_markdown("*now* \\u202e!").replace(WORD_JOINER, "|")
    '\\\\*now\\\\* \\\\!'
    >>> escape_markdown("[x](https://x.example)").replace(WORD_JOINER, "|")
    '\\\\[x\\\\]\\\\(https|\\\\://x\\\\.example\\\\)'
    """
    escaped = "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in strip_invisible(str(text)))
    escaped = escaped.replace("\\:", WORD_JOINER + "\\:").replace("@", "@" + WORD_JOINER)
    return _WWW.sub(lambda match: match.group(1) + WORD_JOINER, escaped)


def code_span(text: str) -> str:
    """``text`` as Markdown inline code: shown exactly as typed, monospaced, with nothing
    in it read as Markdown, HTML, a link, a directive or a formula. For values a user typed
    (a link's parameters); strip control characters first (:func:`strip_invisible`).

    The fence is one backtick longer than the longest run inside, and padded with a space
    each side (CommonMark removes one from each side again).

    Examples
    --------
    >>> code_span("[x](https://e.example)")
    '` [x](https://e.example) `'
    >>> code_span("a``b`")
    '``` a``b` ```'
    >>> code_span("")
    '` `'
    """
    body = " ".join(str(text).splitlines())
    if not body.strip():
        return "` `"  # nothing typed: an empty box
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {body} {fence}"


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
