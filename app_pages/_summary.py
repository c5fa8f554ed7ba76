"""The written summary at the head of the Overview (the briefing's first section)."""

from __future__ import annotations

import streamlit as st

from i18n import escape_markdown, t
from metrics.summary import WrittenSummary

LEAD_SENTENCES = 2
"""Sentences shown before "read the whole summary"."""


def render(summary: WrittenSummary, lang: str) -> None:
    """The first sentences of ``summary`` (:func:`metrics.summary.write_summary` of the
    tiles and the attention list), the rest in an expander with a link to the briefing.
    Unit names come from the warehouse: shown as plain text."""
    if not summary.sentences:
        return
    st.markdown(escape_markdown(summary.lead(LEAD_SENTENCES)))
    rest = summary.sentences[LEAD_SENTENCES:]
    with st.expander(t("summary_more", lang), icon=":material/notes:"):
        if rest:  # one paragraph a sentence: each says one thing
            st.markdown("\n\n".join(escape_markdown(sentence.text) for sentence in rest))
        st.page_link(
            "app_pages/briefing.py",
            label=t("page_briefing", lang),
            icon=":material/picture_as_pdf:",
        )
