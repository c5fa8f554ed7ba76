"""Every page of the app, in the menu's order: one table that ``app.py`` builds the
navigation from and the browser tests walk (a new page is tested at every size as soon as
it is listed here)."""

# (section, ((file, title key, icon, address), …)): every page, in the menu's order.
NAVIGATION: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = (
    (
        "nav_section_dashboards",
        (
            ("app_pages/overview.py", "page_overview", ":material/dashboard:", "overview"),
            ("app_pages/online.py", "page_online", ":material/language:", "online-services"),
            (
                "app_pages/satisfaction.py",
                "page_satisfaction",
                ":material/sentiment_satisfied:",
                "satisfaction",
            ),
            (
                "app_pages/disbursement.py",
                "page_disbursement",
                ":material/account_balance:",
                "disbursement",
            ),
            ("app_pages/economy.py", "page_economy", ":material/memory:", "digital-economy"),
            ("app_pages/unit.py", "page_unit", ":material/badge:", "unit"),
            ("app_pages/meeting.py", "page_meeting", ":material/slideshow:", "meeting"),
            ("app_pages/briefing.py", "page_briefing", ":material/picture_as_pdf:", "briefing"),
        ),
    ),
    (
        "nav_section_analysis",
        (("app_pages/scenarios.py", "page_scenarios", ":material/science:", "scenarios"),),
    ),
    (
        "nav_section_data",
        (
            (
                "app_pages/governance.py",
                "page_governance",
                ":material/verified:",
                "data-governance",
            ),
            ("app_pages/data.py", "page_data", ":material/upload_file:", "data"),
        ),
    ),
)

DEFAULT_PAGE = "overview"
"""The page served at the root address. Its own address, ``/overview``, opens it there too."""
ROOT_PAGE_PATH = "overview-at-root"
"""The default page's ``url_path`` in ``st.Page``: never in an address (Streamlit serves the
default page at "/"), but it must differ from :data:`DEFAULT_PAGE`, which the hidden page
that leads ``/overview`` to "/" holds (Streamlit tells pages apart by their ``url_path``)."""

# Pages open only to some roles, by address (DESIGN §7); every other page is open to every
# signed-in user. An admin opens them all. The menu leaves out what the user may not open,
# and the address of such a page says "not allowed for your role".
PAGE_ROLES: dict[str, frozenset[str]] = {
    "data": frozenset({"data_steward"}),
}
