"""The briefing (Báo cáo tóm tắt): a PDF of the Overview and chosen indicator pages, with a
written summary, made on this server (``python -m briefing``, or the app's Briefing page)."""
