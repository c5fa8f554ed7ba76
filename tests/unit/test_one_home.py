"""One home for each rule: the clock, the calendar, "meets the target" and the reference
lists are each written once, and everything else imports them.

Regression: ``month_end`` was written three times, ``last_complete_month`` twice (with
different inputs), "meets the target" three times, "now" twice; ``FORMER_PROVINCES`` was
imported from the write module and ``UNIT_TYPES`` repeated ``LEAF_UNIT_TYPES``; the review
year was a hard-coded 2025.
"""

from __future__ import annotations

import re

import pytest

from data_access.engine import PROJECT_ROOT

PACKAGES = ("app_pages", "data_access", "demo", "i18n", "ingest", "metrics")


def _sources() -> dict[str, str]:
    files = [PROJECT_ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((PROJECT_ROOT / package).rglob("*.py"))
    return {str(path.relative_to(PROJECT_ROOT)): path.read_text(encoding="utf-8") for path in files}


SOURCES = _sources()


@pytest.mark.parametrize(
    ("pattern", "home"),
    [
        (r"^def month_end\(", "metrics/clock.py"),
        (r"^def last_complete_month\(", "metrics/clock.py"),
        (r"^def add_months\(", "metrics/clock.py"),
        (r"^def city_today\(", "metrics/clock.py"),
        (r"^def utc_now\(", "metrics/clock.py"),
        (r"^def _?meets\(", "metrics/targets.py"),
        (r"^CITY_TIMEZONE = ", "metrics/clock.py"),
        (r"^FORMER_PROVINCES\b.*=", "metrics/reference.py"),
        (r"^(LEAF_)?UNIT_TYPES\b.*=", "metrics/reference.py"),
    ],
)
def test_each_rule_is_written_once(pattern: str, home: str) -> None:
    homes = [path for path, text in SOURCES.items() if re.search(pattern, text, flags=re.MULTILINE)]
    assert homes == [home]


def test_only_the_clock_reads_the_wall_clock() -> None:
    readers = [
        path
        for path, text in SOURCES.items()
        if re.search(r"datetime\.now\(|date\.today\(|\btime\.time\(", text)
    ]
    assert readers == ["metrics/clock.py"]


def test_the_review_year_is_not_written_into_the_page() -> None:
    assert not re.search(r"REVIEW_YEAR|review_year = 20\d\d", SOURCES["app_pages/overview.py"])


def test_the_gateway_only_fetches() -> None:
    """Choosing the headline month and building tiles belong in metrics/, not the gateway."""
    cached = SOURCES["data_access/cached.py"]
    assert "latest_complete_period" not in cached
    assert "build_tile" not in cached
    assert "city_today" not in cached
