"""The app's pages are made once per language and process, and every run gets its own
copies (issue 12: ``st.Page`` checks its file on the disk, 1.7 ms for the eleven pages at
every run of every page). A copy is its own: ``st.navigation`` marks the page it returns as
callable, and a mark on one session's page must never let another's run."""

from __future__ import annotations

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from app_pages import _navigation
from data_access.engine import PROJECT_ROOT


def _script() -> None:
    import streamlit as st

    from app_pages import _navigation

    first, again, english = (_navigation.pages(lang) for lang in ("vi", "vi", "en"))
    st.session_state["made"] = (first, again, english)


@pytest.fixture()
def made(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setattr(_navigation, "_made", {})
    calls: list[object] = []
    page = streamlit.Page

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return page(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(streamlit, "Page", counted)
    return calls


def test_the_pages_are_made_once_a_language_and_copied_for_each_run(made: list[object]) -> None:
    app = AppTest.from_function(_script, default_timeout=60)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    first, again, english = app.session_state["made"]
    listed = [path for _, entries in _navigation.NAVIGATION for path, *_ in entries]
    # eleven files and the alias, once for Vietnamese and once for English
    assert len(made) == 2 * (len(listed) + 1)
    pages = [page for section in first.sections.values() for page in section]
    pages_again = [page for section in again.sections.values() for page in section]
    assert [str(page._page) for page in pages] == [str(PROJECT_ROOT / path) for path in listed]
    assert list(first.sections) == ["Bảng điều hành", "Phân tích", "Dữ liệu"]
    assert [p.title for p in pages] == [p.title for p in pages_again]
    assert [p.url_path for p in pages] == [p.url_path for p in pages_again]
    assert pages[0].url_path == "" and pages[0]._default  # the Overview, served at "/"
    assert first.alias.url_path == _navigation.DEFAULT_PAGE
    assert first.alias.visibility == "hidden" and first.alias.title == pages[0].title
    # own objects: a page marked callable in one run is not in another's
    assert all(a is not b for a, b in zip(pages, pages_again, strict=True))
    assert first.alias is not again.alias
    pages[3]._can_be_called = True
    assert not pages_again[3]._can_be_called
    english_pages = [page for section in english.sections.values() for page in section]
    assert english_pages[0].title == "Overview" and pages[0].title == "Tổng quan"
