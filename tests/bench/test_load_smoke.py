"""The load test (``python -m bench.load``) drives sessions over Streamlit's websocket, counts
what a leader would see as a failure, and writes its report.

A smoke test, not a timed test: no time is compared with any limit. The unit tests feed the
session reader the messages a server sends and check what it counts as an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.streamlit_session import RunFailedError, Session
from data_access.engine import PROJECT_ROOT
from tests.conftest import _free_port

Status = ForwardMsg.ScriptFinishedStatus
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"


class FakeSocket:
    """Gives the reader the server's messages in turn; keeps what the client sent."""

    def __init__(self, messages: list[ForwardMsg]) -> None:
        self.messages: list[bytes] = [m.SerializeToString() for m in messages]
        self.sent: list[bytes] = []

    def send_binary(self, data: bytes) -> None:
        self.sent.append(data)

    def recv(self) -> bytes:
        return self.messages.pop(0)


def _session(messages: list[ForwardMsg]) -> Session:
    session = Session.__new__(Session)
    session.timeout_s = 60.0
    session.timers, session.widgets = {}, {}
    session.socket = FakeSocket(messages)  # type: ignore[assignment]
    return session


def _element(kind: str, **fields: Any) -> ForwardMsg:
    message = ForwardMsg()
    element = message.delta.new_element
    if kind == "markdown":
        element.markdown.body = fields["body"]
    elif kind == "alert":
        element.alert.body, element.alert.format = fields["body"], fields["format"]
    elif kind == "exception":
        element.exception.type, element.exception.message = "KeyError", fields["message"]
    elif kind == "button":
        element.button.id, element.button.label = fields["id"], "Chạy"
        element.button.is_form_submitter = True
    return message


def _finished(status: int = Status.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    message = ForwardMsg()
    message.script_finished = status  # type: ignore[assignment]
    return message


def test_the_test_process_is_not_patched_for_gevent() -> None:
    """Importing locust (bench/load.py) patches threading and sockets for gevent; the test
    process must never get that by collecting or importing it (it froze the suite once)."""
    from gevent import monkey

    assert not monkey.is_module_patched("threading")
    assert not monkey.is_module_patched("socket")


def test_a_run_that_draws_and_finishes_is_counted_with_its_elements() -> None:
    session = _session(
        [
            _element("markdown", body="Tổng quan"),
            _element("alert", body="Dữ liệu minh họa", format=Alert.WARNING),
            _element("button", id="$$ID-abc-FormSubmitter:f-Chạy"),
            _finished(),
        ]
    )
    took, elements = session.run("", "lang=vi")
    assert elements == 3 and took >= 0
    assert list(session.widgets) == ["$$ID-abc-FormSubmitter:f-Chạy"]
    sent = session.socket.sent  # type: ignore[attr-defined]
    from streamlit.proto.BackMsg_pb2 import BackMsg

    back = BackMsg()
    back.ParseFromString(sent[0])
    assert back.rerun_script.query_string == "lang=vi" and back.rerun_script.page_name == ""


@pytest.mark.parametrize(
    ("messages", "said"),
    [
        ([_element("exception", message="'x'"), _finished()], "exception KeyError: 'x'"),
        (
            [
                _element("alert", body="Không kết nối được kho dữ liệu", format=Alert.ERROR),
                _finished(),
            ],
            "error box: Không kết nối được kho dữ liệu",
        ),
        ([_finished(Status.FINISHED_WITH_COMPILE_ERROR)], "did not compile"),
    ],
    ids=["exception", "error-box", "compile-error"],
)
def test_an_exception_an_error_box_or_a_broken_script_is_an_error(
    messages: list[ForwardMsg], said: str
) -> None:
    with pytest.raises(RunFailedError, match=said):
        _session(messages).run("overview", "lang=vi")


def test_a_run_cut_short_by_a_rerun_waits_for_the_rerun_to_end() -> None:
    session = _session(
        [
            _finished(Status.FINISHED_EARLY_FOR_RERUN),
            _element("exception", message="late"),
            _finished(),
        ]
    )
    with pytest.raises(RunFailedError, match="late"):
        session.run("meeting", "lang=vi")


def test_a_page_not_found_is_an_error() -> None:
    missing = ForwardMsg()
    missing.page_not_found.page_name = "overview"
    with pytest.raises(RunFailedError, match="page not found"):
        _session([missing, _finished()]).run("overview", "lang=vi")


def test_the_timers_the_server_announces_are_kept() -> None:
    timer = ForwardMsg()
    timer.auto_rerun.fragment_id, timer.auto_rerun.interval = "slides", 20.0
    session = _session([timer, _finished()])
    session.run("meeting", "lang=vi")
    assert session.timers == {"slides": 20.0}


def test_a_short_run_against_the_demo_writes_its_report(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    """Three sessions (a leader, an analyst, a meeting display) for 40 seconds on a copy of
    the demo: every kind of run happens, none fails, the report and the table are written."""
    import shutil

    copy = tmp_path / "warehouse.sqlite"
    shutil.copyfile(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    out = tmp_path / "docs"
    out.mkdir()
    (out / "benchmarks.md").write_text("# Benchmarks\n\nText kept.\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--url",
            f"sqlite:///{copy}",
            "--users",
            "3",
            "--analysts",
            "1",
            "--meeting",
            "1",
            "--seconds",
            "40",
            "--port",
            str(_free_port()),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((out / "load.json").read_text())
    pages = report["results"]["pages"]
    for name in ("overview", "indicator page", "scenario workspace", "meeting mode"):
        assert pages[name]["runs"] >= 1, (name, pages)
    assert report["results"]["error_count"] == 0
    assert all(page["errors"] == 0 for page in pages.values())
    rss = report["results"]["rss_mib"]
    assert len(rss["samples"]) >= 2 and rss["peak"] >= rss["start"] > 0
    table = (out / "benchmarks.md").read_text()
    assert table.startswith("# Benchmarks\n\nText kept.\n")
    assert BEGIN in table and END in table and "| overview |" in table


@pytest.mark.parametrize(
    ("users", "analysts", "meeting", "refused"),
    [
        (2, 1, 2, "must not be more than --users"),
        (0, 0, 0, "--users must be 1 or more"),
        (1, 0, -1, "--users must be 1 or more"),
    ],
)
def test_the_load_test_refuses_more_special_sessions_than_users_before_serving(
    tmp_path: Path, users: int, analysts: int, meeting: int, refused: str
) -> None:
    # Refused at once (no server, no warehouse: the URL is not even read); a meeting display
    # alone (users = meeting) is the one-hour memory run of meeting mode and is allowed.
    command = [sys.executable, "-m", "bench.load", "--url", "sqlite:///nowhere.sqlite"]
    command += ["--users", str(users), "--analysts", str(analysts), "--meeting", str(meeting)]
    done = subprocess.run(
        [*command, "--seconds", "1", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert refused in done.stderr
    assert not list(tmp_path.iterdir())


def test_a_kind_asked_for_zero_times_gets_no_session(
    demo_warehouse_url: str, tmp_path: Path
) -> None:
    """``--analysts 0``: no scenario run at all. Locust reads a ``fixed_count`` of 0 as "not
    fixed" and shared the other users between the leaders and the analysts by weight, so
    the report said 0 analysts while scenario runs were being made."""
    import shutil

    copy = tmp_path / "warehouse.sqlite"
    shutil.copyfile(demo_warehouse_url.removeprefix("sqlite:///"), copy)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "bench.load", "--url", f"sqlite:///{copy}"]
    command += ["--users", "4", "--analysts", "0", "--meeting", "1", "--seconds", "60"]
    command += ["--port", str(_free_port()), "--out", str(tmp_path / "docs")]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    # Errors (a slow first run on a loaded machine) are the smoke test's business; what
    # matters here is which kinds of session ran.
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((tmp_path / "docs" / "load.json").read_text())
    assert report["results"]["sessions"] == {"leaders": 3, "analysts": 0, "meeting": 1}
    pages = report["results"]["pages"]
    assert not {"scenario workspace", "scenario run"} & set(pages), pages
    assert (
        pages.get("overview", {}).get("runs", 0) + pages.get("indicator page", {}).get("runs", 0)
        >= 1
    ), pages
