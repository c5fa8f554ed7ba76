"""The pages the benchmark times: each page of the app, with the address it is opened at."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Page:
    file: str
    """``app_pages/<file>.py``."""
    path: str
    """The URL path (``st.Page(url_path=…)``)."""
    params: dict[str, str] = field(default_factory=dict)
    """Query parameters the page is opened with."""


PAGES: dict[str, Page] = {
    "overview": Page("overview", ""),
    "online": Page("online", "online-services"),
    "satisfaction": Page("satisfaction", "satisfaction"),
    "disbursement": Page("disbursement", "disbursement"),
    "economy": Page("economy", "digital-economy"),
    "unit": Page("unit", "unit", {"unit": "26737"}),
    "meeting": Page("meeting", "meeting"),
    "scenarios": Page("scenarios", "scenarios"),
    "governance": Page("governance", "data-governance"),
    "data": Page("data", "data"),
    "briefing": Page("briefing", "briefing"),
}
"""Every page of ``app.py``'s navigation, by short name."""


def page_file(name: str) -> str:
    """The page's script, relative to the project root."""
    return f"app_pages/{PAGES[name].file}.py"


def page_url(base: str, name: str) -> str:
    """The page's address on a served app at ``base`` (``http://host:port``).

    >>> page_url("http://127.0.0.1:8630", "unit")
    'http://127.0.0.1:8630/unit?unit=26737'
    """
    page = PAGES[name]
    query = "&".join(f"{k}={v}" for k, v in page.params.items())
    return f"{base}/{page.path}" + (f"?{query}" if query else "")
