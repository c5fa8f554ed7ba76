"""The warm-up gives way to visitors (issue 12): before each page step it waits while any
session's script runs, until none has run for a second (at most 30 s), and a visitor's run
never waits for it. Whether a script runs is read from Streamlit's script threads."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _warm_up
from data_access import cached


class Clock:
    """A monotonic clock the test moves by hand (each sleep moves it)."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    made = Clock()
    monkeypatch.setattr(
        _warm_up, "time", SimpleNamespace(monotonic=made.monotonic, sleep=made.sleep)
    )
    return made


def test_with_no_script_running_it_goes_on_at_once(clock: Clock) -> None:
    assert _warm_up.give_way(running=lambda: False) == 0.0
    assert clock.now == 100.0


def test_it_waits_until_no_script_has_run_for_a_second(clock: Clock) -> None:
    # A script runs for 2.5 s from now: the warm-up goes on 1 s after it ended.
    waited = _warm_up.give_way(running=lambda: clock.now < 102.5)
    assert 3.45 <= waited <= 3.6, waited


def test_a_script_that_stops_and_starts_again_keeps_it_waiting(clock: Clock) -> None:
    # Runs at 100-101 and 101.5-103 (a gap of 0.5 s, shorter than a second).
    def running() -> bool:
        return clock.now < 101 or 101.5 <= clock.now < 103

    waited = _warm_up.give_way(running=running)
    assert 3.95 <= waited <= 4.1, waited


def test_it_waits_30_s_at_most(clock: Clock) -> None:
    waited = _warm_up.give_way(running=lambda: True)
    assert 30.0 <= waited <= 30.1, waited


def test_a_load_or_a_stop_ends_the_wait_in_the_thread(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached, "warm_up_interrupted", lambda: clock.now >= 105)
    waited = _warm_up.give_way(running=lambda: True)
    assert 5.0 <= waited <= 5.1, waited


def test_only_the_warm_up_thread_is_interrupted_by_a_load() -> None:
    """Woken by a load, the thread drops its pass (the next is for the new version); a
    warm-up run directly (the benchmark, the tests) is never interrupted."""
    cached._wake_up.set()
    try:
        assert not cached.warm_up_interrupted()
        seen: list[bool] = []

        def in_thread() -> None:
            cached._in_warm_up_thread.yes = True
            seen.append(cached.warm_up_interrupted())

        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join(5)
        assert seen == [True]
    finally:
        cached._wake_up.clear()


def test_a_thread_named_as_streamlit_names_its_script_threads_is_a_script_running() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait, args=(10,), name=_warm_up.SCRIPT_THREAD_NAME)
    assert not _warm_up.script_running()
    thread.start()
    try:
        assert _warm_up.script_running()
    finally:
        release.set()
        thread.join(10)
    assert not _warm_up.script_running()


def test_a_real_streamlit_script_run_is_seen_running() -> None:
    """Streamlit's own runner (AppTest uses it, as the server does): while a script sleeps,
    :func:`script_running` says so; after the run, not."""
    app = AppTest.from_string("import time\ntime.sleep(1.5)\n", default_timeout=30)
    seen: list[bool] = []
    runner = threading.Thread(target=app.run)
    runner.start()
    deadline = time.monotonic() + 10
    while runner.is_alive() and time.monotonic() < deadline:
        seen.append(_warm_up.script_running())
        time.sleep(0.05)
    runner.join(30)
    assert any(seen), "the script's run was never seen"
    assert not _warm_up.script_running()
