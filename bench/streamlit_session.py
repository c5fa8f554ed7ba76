"""A Streamlit session over the websocket, as a browser tab holds it: ask for a page run,
read the server's messages until the run ends, and say what went wrong.

Used by the load test (:mod:`bench.load`). Kept apart from it because importing locust patches
the standard library for gevent, which a test process must not get by importing this.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any

import websocket
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = {
    ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
    ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


class RunFailedError(Exception):
    """A script run that ended in an error; the message says which."""


class Session:
    """One Streamlit session over the websocket, as one browser tab holds it."""

    def __init__(self, host: str, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.socket = websocket.create_connection(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            timeout=timeout_s,
            origin=f"http://{host}",
        )
        self.timers: dict[str, float] = {}
        """Fragment timers the server announced (``auto_rerun``): fragment id → interval."""
        self.widgets: dict[str, Any] = {}
        """The widgets of the last run by id: the element's widget message (a button's,
        a number input's…), to send values back as a browser does."""

    def run(
        self,
        page: str,
        query: str,
        fragment_id: str = "",
        widget_states: Sequence[WidgetState] = (),
    ) -> tuple[float, int]:
        """Ask for a run of ``page`` (or one of its fragments) and wait for its end.

        Returns the seconds it took and the number of elements drawn; raises
        :class:`RunFailedError` for an exception element, an error box, a page not found or a
        run that does not finish in time.
        """
        message = BackMsg()
        state = message.rerun_script
        state.query_string = query
        state.page_name = page
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        state.widget_states.widgets.extend(widget_states)
        start = time.perf_counter()
        self.socket.send_binary(message.SerializeToString())
        elements = 0
        problem = ""
        while True:
            if time.perf_counter() - start > self.timeout_s:
                raise RunFailedError(f"{page}: no end of run after {self.timeout_s:.0f} s")
            data = self.socket.recv()
            forward = ForwardMsg()
            forward.ParseFromString(data if isinstance(data, bytes) else data.encode())
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                elements += 1
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                widget_id = getattr(getattr(element, which or ""), "id", "") if which else ""
                if isinstance(widget_id, str) and widget_id:
                    self.widgets[widget_id] = getattr(element, str(which))
                if which == "exception" and not problem:
                    problem = f"exception {element.exception.type}: {element.exception.message}"
                elif which == "alert" and element.alert.format == Alert.ERROR and not problem:
                    problem = f"error box: {element.alert.body[:160]}"
            elif kind == "auto_rerun":
                self.timers[forward.auto_rerun.fragment_id] = forward.auto_rerun.interval
            elif kind == "page_not_found":
                problem = f"page not found: {page}"
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun of the same session took over; wait for its end
                took = time.perf_counter() - start
                if status not in FINISHED:
                    problem = problem or f"{page}: the script did not compile"
                if problem:
                    raise RunFailedError(f"{page}: {problem}")
                return took, elements

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()
