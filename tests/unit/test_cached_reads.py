"""Two light reads of ``data_access.cached`` (issue 12): the warehouse URL from the
environment without reading secrets, and the published figures picked per indicator and
year, cached with a source key of their own."""

import pandas as pd
import pytest
import streamlit as st

from data_access import cached
from metrics.overview import published_for_year
from metrics.registry import get_indicator


class _NoSecrets:
    def get(self, key: str) -> object:
        raise AssertionError(f"secrets read ({key}) although the environment names the URL")


def test_the_environment_url_is_used_without_reading_secrets(monkeypatch):
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////tmp/from-environment.sqlite")
    monkeypatch.setattr(st, "secrets", _NoSecrets())
    assert cached.warehouse_url() == "sqlite:////tmp/from-environment.sqlite"


def test_without_the_environment_variable_secrets_name_the_url(monkeypatch):
    monkeypatch.delenv("DASHBOARD_DB_URL", raising=False)
    monkeypatch.setattr(st, "secrets", {"warehouse": {"url": "sqlite:////tmp/from-secrets.sqlite"}})
    assert cached.warehouse_url() == "sqlite:////tmp/from-secrets.sqlite"


def _published(source: str) -> pd.DataFrame:
    """A published-figures table as :func:`data_access.cached.published` tags it: two
    bases of the digital economy's share (never mixed) and one online-share figure, with
    the same number of rows per indicator."""
    frame = pd.DataFrame(
        {
            "indicator_code": ["digital_economy_share_grdp"] * 2 + ["online_dossier_share"] * 2,
            "kind": ["actual"] * 4,
            "basis": ["ICT ministry method", "statistics office method", "", ""],
            "period_start": pd.to_datetime(
                ["2024-01-01", "2024-01-01", "2024-01-01", "2025-01-01"]
            ),
            "period_end": pd.to_datetime(["2024-12-31", "2024-12-31", "2024-12-31", "2025-12-31"]),
            "value": [22.0, 15.0, 40.0, 45.0],
        }
    )
    frame.attrs[cached.SOURCE_ATTR] = source
    return frame


@pytest.fixture
def fresh_caches():
    cached.forget_reads()
    yield
    cached.forget_reads()


def test_published_rows_are_those_of_the_indicator_and_year(fresh_caches):
    table = _published("v1")
    for code in ("digital_economy_share_grdp", "online_dossier_share"):
        for year in (None, 2024, 2025):
            rows = cached.published_rows(table, code, year)
            expected = published_for_year(table, get_indicator(code), year)
            pd.testing.assert_frame_equal(rows, expected)
    # By hand: the ICT ministry's basis only, and the online share's 2025 figure.
    assert cached.published_rows(table, "digital_economy_share_grdp", None)["value"].tolist() == [
        22.0
    ]
    assert cached.published_rows(table, "online_dossier_share", 2025)["value"].tolist() == [45.0]


def test_published_rows_carry_a_source_key_of_their_own(fresh_caches):
    table = _published("v1")
    keys = {
        cached.published_rows(table, code, year).attrs[cached.SOURCE_ATTR]
        for code in ("digital_economy_share_grdp", "online_dossier_share")
        for year in (None, 2024)
    }
    # Four picks, four keys, none the table's own (a cache keyed on the rows must not take
    # one indicator's rows for another's of the same length).
    assert len(keys) == 4 and "v1" not in keys
    # Another data version of the table: other rows' keys.
    again = cached.published_rows(_published("v2"), "online_dossier_share", 2024)
    assert again.attrs[cached.SOURCE_ATTR] not in keys
