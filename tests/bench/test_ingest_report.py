"""The ingest promise is judged against COPY into the same table (its keys and indexes), with
the bare-table COPY shown beside it, in the promise row and in the ingest table."""

from __future__ import annotations

from typing import Any

from bench.report import promises, table


def _results(load_s: float, bare_s: float, same_s: float | None) -> dict[str, Any]:
    ingest: dict[str, Any] = {
        "rows": 1_000_000,
        "file_mib": 69.0,
        "floor_kind": "COPY (FORMAT csv)",
        "check_median_s": 10.0,
        "load_s": load_s,
        "floor_median_s": bare_s,
        "load_ratio_to_floor": load_s / bare_s,
    }
    if same_s is not None:
        ingest |= {
            "same_table_floor_kind": "COPY into observations",
            "same_table_floor_median_s": same_s,
            "load_ratio_to_same_table_floor": load_s / same_s,
        }
    return {
        "machine": {
            "date_utc": "d",
            "commit": "c",
            "cores": 2,
            "cpu": "x",
            "memory_gib": 1,
            "python": "3",
            "streamlit": "1",
        },
        "settings": {"engines": ["postgresql"], "tiers": ["S"], "rounds": 1, "browser_rounds": 1},
        "not_measured": {},
        "runs": [],
        "ingest": {"postgresql": ingest},
    }


def _ingest_row(results: dict[str, Any]) -> tuple[str, str, str, str]:
    (row,) = [r for r in promises(results) if r[0] == "ingest_1m"]
    return row


def test_the_promise_is_met_against_the_same_table_though_not_the_bare_one() -> None:
    # 30 s against 12 s into observations (2.5×) and 2 s into a bare table (15×).
    _, _, figures, verdict = _ingest_row(_results(30.0, 2.0, 12.0))
    assert verdict == "**met**"
    assert "2.50×" in figures and "15.00×" in figures


def test_the_promise_is_not_met_above_three_times_the_same_table() -> None:
    _, _, figures, verdict = _ingest_row(_results(40.0, 2.0, 12.0))
    assert verdict == "**not met**"
    assert "3.33×" in figures


def test_without_the_same_table_floor_the_promise_is_not_judged() -> None:
    # An older result (bare floor only) is not judged by the bare ratio any more.
    assert _ingest_row(_results(4.0, 2.0, None))[3] == "not measured"


def test_the_ingest_table_shows_both_floors_and_both_ratios() -> None:
    lines = table(_results(30.0, 2.0, 12.0)).splitlines()
    header = next(line for line in lines if line.startswith("| engine | rows |"))
    assert "floor: same table" in header and "floor: bare table" in header
    (row,) = [line for line in lines if line.startswith("| postgresql | 1,000,000 |")]
    assert "(COPY into observations) | 2.50× |" in row
    assert "(COPY (FORMAT csv)) | 15.00× |" in row
