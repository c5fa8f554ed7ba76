"""Every unit's series at once (``queries.every_unit_series``, issue 12) is each unit's own
``queries.scope_series``, the statement the Unit page sent per unit before, compared on the
demo warehouse for every scorecard indicator: flow rates and the cumulative disbursement
(its plans in force and carried figures), for every unit of the reference file, those with
no rows included. The cached read of one unit (``cached.unit_series``) is that unit's rows,
refused to another unit's scoped reader, and keyed apart from any other unit's.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from app_pages._scorecard import SCORECARD_CODES
from data_access import cached, queries
from data_access.cached import OutOfScopeError
from data_access.queries import UnitFilter

WARD, OTHER_WARD = "26737", "26740"


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates at one resolution: ``pd.to_datetime`` of SQLite's text picks the coarsest that
    holds every value read, which differs between one unit's rows and every unit's."""
    return frame.assign(
        period_month=frame["period_month"].astype("datetime64[ns]"),
        last_loaded_at=frame["last_loaded_at"].astype("datetime64[ns]"),
    )


@pytest.mark.parametrize("code", SCORECARD_CODES)
def test_every_units_rows_are_its_own_series(demo_warehouse_url: str, code: str) -> None:
    engine = create_engine(demo_warehouse_url)
    with engine.connect() as conn:
        every_unit = conn.execute(text("SELECT unit_id FROM units ORDER BY unit_id")).scalars()
        unit_ids = list(every_unit)
        every = queries.every_unit_series(conn, code)
        with_rows = set(every["unit_id"])
        assert len(with_rows) > 150, len(with_rows)  # the wards and communes report
        assert set(unit_ids) - with_rows, "some units (the city, departments) have none"
        for unit_id in unit_ids:
            own = queries.scope_series(conn, code, UnitFilter(unit_ids=(unit_id,)))
            mine = every[every["unit_id"] == unit_id].drop(columns="unit_id")
            pd.testing.assert_frame_equal(
                _comparable(mine.reset_index(drop=True)), _comparable(own), obj=unit_id
            )
    engine.dispose()


def test_a_city_indicator_has_no_unit_series(demo_warehouse_url: str) -> None:
    engine = create_engine(demo_warehouse_url)
    with engine.connect() as conn, pytest.raises(ValueError, match="city only"):
        queries.every_unit_series(conn, "digital_economy_share_grdp")
    engine.dispose()


def test_a_units_cached_series_is_its_own_kept_apart_and_in_scope(
    demo_warehouse_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    code = "satisfaction_rate"
    mine = cached.unit_series(code, WARD, scope=WARD).frame
    other = cached.unit_series(code, OTHER_WARD, scope=None).frame
    engine = create_engine(demo_warehouse_url)
    with engine.connect() as conn:
        own = queries.scope_series(conn, code, UnitFilter(unit_ids=(WARD,)))
    engine.dispose()
    pd.testing.assert_frame_equal(_comparable(mine), _comparable(own))
    # Same shape, other numbers: the figures computed from them are kept apart.
    assert mine.shape == other.shape and not mine["value"].equals(other["value"])
    assert cached.frame_key(mine) != cached.frame_key(other)
    assert cached.frame_key(mine) == cached.frame_key(
        cached.unit_series(code, WARD, scope=WARD).frame
    )
    with pytest.raises(OutOfScopeError):
        cached.unit_series(code, OTHER_WARD, scope=WARD)
