"""``bench.script --first-only``: a process that times the first visits alone (after the
warm-up, and after a load) and its warm runs, for the harness's median over fresh
processes; it leaves out the statement recording, the SQL floor and the empty page. The
normal mode's output stays as it was.

No page is run: the app, the clock, the warm-up and the load are stand-ins, each run taking
the time it is given (fractions of two, so that sums and differences are exact)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from bench import script


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def perf_counter(self) -> float:
        return self.now


class _App:
    """An AppTest stand-in: each run takes the next of ``durations`` on ``clock``."""

    def __init__(self, name: str, durations: list[float], clock: _Clock, log: list[str]):
        self.name, self.durations, self.clock, self.log = name, durations, clock, log
        self.exception: list[Any] = []

    def run(self) -> None:
        self.log.append(self.name)
        self.clock.now += self.durations.pop(0)


def _stand_ins(
    monkeypatch: pytest.MonkeyPatch, page: list[float], empty: list[float]
) -> tuple[list[str], list[list[tuple[str, Any, bool]]]]:
    """The stand-ins, with the log of what ran, in order, and the statements replayed."""
    from streamlit.testing.v1 import AppTest

    from app_pages import _warm_up
    from data_access import cached

    clock, log = _Clock(), []
    replayed: list[list[tuple[str, Any, bool]]] = []
    warm_ups = [2.0, 1.0]  # at start-up, after the load

    def warm_up() -> object:
        log.append("warm-up")
        clock.now += warm_ups.pop(0)
        return object()

    def replay(url: str, statements: list[tuple[str, Any, bool]]) -> float:
        log.append("replay")
        replayed.append(statements)
        return [0.0625, 0.1875][len(replayed) - 1]

    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:///unused")
    monkeypatch.setenv("DASHBOARD_WARM_UP", "1")
    monkeypatch.setattr(script, "time", SimpleNamespace(perf_counter=clock.perf_counter))
    monkeypatch.setattr(script, "event", SimpleNamespace(listen=lambda *args: None))
    monkeypatch.setattr(_warm_up, "warm_up", warm_up)
    monkeypatch.setattr(cached, "data_changed", lambda: log.append("data changed"))
    monkeypatch.setattr(script, "_load_one_batch", lambda url: log.append(f"load {url}"))
    monkeypatch.setattr(script, "_test_app", lambda name: _App("page", page, clock, log))
    monkeypatch.setattr(script, "_with_components", lambda app: app)
    monkeypatch.setattr(
        AppTest, "from_string", lambda *args, **kwargs: _App("empty", empty, clock, log)
    )
    monkeypatch.setattr(script, "_record_page_statements", lambda app: log.append("record"))
    monkeypatch.setattr(script, "_replay", replay)
    monkeypatch.setattr(
        script,
        "_RECORDED",
        [
            ("SELECT 1", {}, False),
            ("  with x as (select 1) select * from x", {}, False),
            ("INSERT INTO t VALUES (1)", {}, False),
            ("SELECT * FROM stored_reports", {}, False),
        ],
    )
    return log, replayed


def test_first_only_times_the_first_visits_and_its_warm_runs_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Page runs: cold 0.5, warm 0.25; after the load: first 0.75, warm 0.125.
    log, replayed = _stand_ins(monkeypatch, page=[0.5, 0.25, 0.75, 0.125], empty=[])
    found = script.measure("sqlite:///copy", "unit", 1, True, True, first_only=True)
    assert log == [
        "warm-up",
        "page",  # cold
        "page",  # the one warm round
        "load sqlite:///copy",
        "data changed",
        "warm-up",
        "page",  # the first visit after the load
        "page",
    ]
    assert replayed == []
    assert found == {
        "page": "unit",
        "first_only": True,
        "warm_up_s": 2.0,
        "cold_s": 0.5,
        "warm_s": [0.25],
        "warm_median_s": 0.25,
        "after_load_warm_up_s": 1.0,
        "after_load_first_s": 0.75,
        "after_load_warm_s": [0.125],
        "after_load_warm_median_s": 0.125,
    }


def test_the_full_run_keeps_its_output(monkeypatch: pytest.MonkeyPatch) -> None:
    # Page: cold 0.5, warm 0.25 and 0.75 (median 0.5), after the load first 1.5 and warm
    # 0.25, 0.25. Empty page: an untimed run, then 0.125 and 0.375 (median 0.25). SQL floor
    # 0.0625 and 0.1875 (median 0.125) of the two SELECTs not on stored_reports.
    log, replayed = _stand_ins(
        monkeypatch, page=[0.5, 0.25, 0.75, 1.5, 0.25, 0.25], empty=[1.0, 0.125, 0.375]
    )
    found = script.measure("sqlite:///copy", "unit", 2, True, True)
    assert log == [
        "warm-up",
        "page",
        "record",
        "empty",
        *["page", "replay", "empty"] * 2,
        "load sqlite:///copy",
        "data changed",
        "warm-up",
        "page",
        "page",
        "page",
    ]
    assert [s for s, _, _ in replayed[0]] == [
        "SELECT 1",
        "  with x as (select 1) select * from x",
    ]
    assert found == {
        "page": "unit",
        "after_load_warm_up_s": 1.0,
        "after_load_first_s": 1.5,
        "after_load_warm_s": [0.25, 0.25],
        "after_load_warm_median_s": 0.25,
        "warm_up_s": 2.0,
        "cold_s": 0.5,
        "warm_s": [0.25, 0.75],
        "warm_median_s": 0.5,
        "sql_statements": 2,
        "sql_floor_s": [0.0625, 0.1875],
        "sql_floor_median_s": 0.125,
        "empty_s": [0.125, 0.375],
        "empty_median_s": 0.25,
    }


@pytest.mark.parametrize(
    ("flags", "first_only"), [(["--first-only"], True), ([], False)], ids=["first-only", "full"]
)
def test_the_command_line_passes_first_only_on(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    first_only: bool,
) -> None:
    asked: list[tuple[object, ...]] = []

    def measure(*args: object) -> dict[str, object]:
        asked.append(args)
        return {"page": "unit", "first_only": args[-1]}

    monkeypatch.setattr(script, "measure", measure)
    argv = ["sqlite:///copy", "unit", "--rounds", "1", "--warm-up", "--after-load", *flags]
    assert script.main(argv) == 0
    assert asked == [("sqlite:///copy", "unit", 1, True, True, first_only)]
    assert json.loads(capsys.readouterr().out) == {"page": "unit", "first_only": first_only}


def test_first_only_is_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        script.main(["sqlite:///copy", "unit", "--first-only", "yes"])
    assert "unrecognized arguments: yes" in capsys.readouterr().err
