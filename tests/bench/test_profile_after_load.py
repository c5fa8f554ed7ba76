"""``bench.profile --after-load``: after the cold and warm runs, one batch is loaded, the
caches told, the warm-up run again (with ``--warm-up``) and the first run after the load
profiled, then a warm one; without the flag nothing is loaded. No page is run: the app,
the warm-up and the load are stand-ins that log what ran, in order."""

from __future__ import annotations

from typing import Any

import pytest

from bench import profile, script


def _stand_ins(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from app_pages import _warm_up
    from data_access import cached

    log: list[str] = []

    def run(app: Any) -> float:
        log.append("run")
        return 0.125

    monkeypatch.setattr(_warm_up, "warm_up", lambda: log.append("warm-up") or object())
    monkeypatch.setattr(cached, "data_changed", lambda: log.append("data changed"))
    monkeypatch.setattr(script, "_load_one_batch", lambda url: log.append(f"load {url}"))
    monkeypatch.setattr(script, "_test_app", lambda page: log.append(f"app {page}") or object())
    monkeypatch.setattr(script, "_run", run)
    # main() sets both: restored after the test
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:///unused")
    monkeypatch.setenv("DASHBOARD_WARM_UP", "1")
    return log


def test_after_load_profiles_the_first_run_after_a_load(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _stand_ins(monkeypatch)
    url = "sqlite:///copy.db"
    assert profile.main([url, "briefing", "--warm-up", "--after-load", "--top", "3"]) == 0
    assert log == [
        "warm-up",
        "app briefing",
        "run",
        "run",
        f"load {url}",
        "data changed",
        "warm-up",
        "run",
        "run",
    ]
    headers = [line for line in capsys.readouterr().out.splitlines() if line.startswith("===")]
    assert headers == [
        "=== briefing cold run: 0.12 s ===",
        "=== briefing warm run: 0.12 s ===",
        "=== briefing first after the load run: 0.12 s ===",
        "=== briefing warm after the load run: 0.12 s ===",
    ]


def test_without_the_flag_nothing_is_loaded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _stand_ins(monkeypatch)
    assert profile.main(["sqlite:///w.db", "economy", "--top", "3"]) == 0
    assert log == ["app economy", "run", "run"]
    assert capsys.readouterr().out.count("=== economy") == 2
