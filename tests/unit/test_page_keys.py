"""Every catalogue key the pages and figures use exists in both languages.

Literal keys are read from the source (``t("key", …)``); keys built at run time are listed
from the values they are built from.
"""

from __future__ import annotations

import re

import pytest

from app_pages._navigation import NAVIGATION
from data_access.engine import PROJECT_ROOT
from data_access.identity import ROLES
from i18n import catalogue
from metrics.links import LinkProblem
from metrics.reference import LEAF_UNIT_TYPES
from metrics.scorecard import SUBMISSION_COLUMNS

LITERAL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")
SOURCES = sorted(
    [
        *PROJECT_ROOT.glob("app_pages/*.py"),
        *PROJECT_ROOT.glob("charts/*.py"),
        PROJECT_ROOT / "app.py",
    ]
)


def _literal_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        keys |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return keys


def _built_keys() -> set[str]:
    keys = {f"peer_group_{g}" for g in LEAF_UNIT_TYPES}
    keys |= {f"availability_{a}" for a in ("full_process", "partial", "mixed")}
    keys |= {f"peer_position_{p}" for p in ("top", "middle", "bottom", "unknown")}
    keys |= {f"chart_band_{level}" for level in ("80", "95")}
    keys |= {f"link_{p.value}" for p in LinkProblem}
    keys |= {
        f"{page}_subtitle" for page in ("online", "unit", "satisfaction", "disbursement", "economy")
    }
    keys |= {
        f"sector_group_{g}"
        for g in ("agriculture", "industry_construction", "services", "product_taxes")
    }
    keys |= {"unit_value_trillion_vnd"}
    keys |= {"peer_group_all"}
    # Role names and the messages of an identity the dashboard refuses (app_pages/_auth.py).
    keys |= {f"role_{role}" for role in ROLES}
    keys |= {f"auth_{code}" for code in ("no_role", "unknown_unit", "bad_unit")}
    # The menu's section names and page titles, from the navigation table.
    for section, pages in NAVIGATION:
        keys |= {section} | {title for _, title, _, _ in pages}
    assert "state" in SUBMISSION_COLUMNS
    return keys


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_key_the_pages_use_exists(lang):
    missing = (_literal_keys() | _built_keys()) - set(catalogue(lang))
    assert not missing, f"{lang}: {sorted(missing)}"


def test_the_scan_finds_keys():
    assert "browser_title" in _literal_keys()


def test_the_menu_titles_are_checked():
    """Regression: the page titles moved from ``t("page_…")`` calls in app.py into the
    navigation table, where the literal scan does not see them."""
    assert {"page_overview", "page_briefing", "nav_section_data"} <= _built_keys()
