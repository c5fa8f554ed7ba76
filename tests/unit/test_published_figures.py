"""Published figures: the city's own series and the comparisons published beside it."""

from __future__ import annotations

import pandas as pd

from data_access.writes import read_published_figures
from metrics.overview import published_for_year
from metrics.registry import get_indicator


def _frame() -> pd.DataFrame:
    frame = read_published_figures()
    return frame.assign(
        period_start=pd.to_datetime(frame["period_start"]),
        period_end=pd.to_datetime(frame["period_end"]),
    )


def test_a_national_average_is_never_the_citys_own_figure() -> None:
    """Regression: the national average published beside the city's 2023 figure (51.38 %)
    would have been shown as the city's published 2023 disbursement."""
    disbursement = get_indicator("public_investment_disbursement")
    rows = published_for_year(_frame(), disbursement, 2023)
    assert 51.38 not in rows["value"].tolist()
    assert sorted(rows["value"].tolist()) == [34.0, 70.0]


def test_the_reference_file_holds_the_national_average_as_its_own_territory() -> None:
    frame = _frame()
    national = frame[frame["territory"] == "national"]
    assert national[["indicator_code", "value"]].values.tolist() == [
        ["public_investment_disbursement", 51.38]
    ]


def test_the_online_services_split_adds_up_to_the_published_total() -> None:
    frame = _frame().set_index("indicator_code")
    assert (
        frame.loc["online_services_full_process", "value"]
        + frame.loc["online_services_partial", "value"]
        == frame.loc["online_services_count", "value"]
    )
