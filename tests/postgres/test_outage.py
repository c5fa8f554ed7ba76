"""The warehouse goes away and comes back: the Overview keeps the last good figures under a
banner, then recovers by itself. A local TCP proxy in front of PostgreSQL plays the outage.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT
from demo.build import build_demo_warehouse
from tests.app.reading import tile_metrics
from tests.conftest import DEMO_LAST_MONTH


class Proxy:
    """Forwards a local port to PostgreSQL; ``stop`` drops every connection at once."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.running = False

    def start(self) -> None:
        if self.running:
            return
        if self.listener.fileno() == -1:
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.running = False
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets.clear()


@pytest.fixture
def proxied_demo_url(postgres_url):
    build_demo_warehouse(postgres_url, last_month=DEMO_LAST_MONTH)
    proxy = Proxy()
    proxy.start()
    database = postgres_url.rsplit("/", 1)[1]
    yield f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/{database}", proxy
    proxy.stop()


def _clear_caches() -> None:
    """Clear Streamlit's caches where AppTest runs the app (its own runtime)."""

    def clear() -> None:
        from data_access import cached

        cached.forget_reads()

    AppTest.from_function(clear).run()


def _run(url: str, monkeypatch, **params: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=180)
    app.query_params["year"] = "2026"
    app.query_params["lang"] = "en"
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_outage_keeps_the_last_good_figures_and_recovers(proxied_demo_url, monkeypatch):
    url, proxy = proxied_demo_url
    before = _run(url, monkeypatch)
    # The Overview's four tiles, each one HTML block (tests/app/reading.py).
    values = [m.value for m in tile_metrics(before)]
    assert len(values) == 4
    assert not before.warning

    proxy.stop()
    _clear_caches()  # as if the cached results had expired during the outage
    during = _run(url, monkeypatch)
    assert [m.value for m in tile_metrics(during)] == values
    assert len(during.warning) == 1, "one banner for the whole page"
    banner = during.warning[0].value
    assert "cannot be reached" in banner and "last read at" in banner

    # A view never read before the outage has nothing stale to show: a clear message.
    unseen = _run(url, monkeypatch, province="binh_duong")
    assert "cannot be reached" in "\n".join(e.value for e in unseen.error)

    proxy.start()
    _clear_caches()
    after = _run(url, monkeypatch)
    assert [m.value for m in tile_metrics(after)] == values
    assert not after.warning
