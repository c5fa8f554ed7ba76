"""The saved-scenario tests of ``tests/contract/test_saved_scenarios.py``, on PostgreSQL."""

from __future__ import annotations

import pytest

from data_access.migrate import upgrade
from tests.contract.test_saved_scenarios import (  # noqa: F401  (collected here too)
    store,
    test_a_scenario_whose_data_changed_says_so_and_reruns,
    test_a_viewer_cannot_save,
    test_bad_lever_files_leave_the_warehouse_unchanged,
    test_invalid_scenarios_leave_the_warehouse_unchanged,
    test_one_official_baseline_per_year_read_only_to_analysts,
    test_only_the_author_deletes_a_sandbox,
    test_saved_scenario_keeps_what_reproduces_it,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def store_url(postgres_url: str) -> str:
    """A fresh PostgreSQL warehouse, migrated to head."""
    upgrade(postgres_url)
    return postgres_url
