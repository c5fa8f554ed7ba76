"""Serve the app: ``python -m serve [streamlit run options]`` (what ``make run`` does).

The same server as ``streamlit run app.py`` (the options are Streamlit's own, e.g.
``--server.port 8501``), in this process, with one thing first: the background warm-up
(:func:`app_pages._warm_up.start`) is started at server start, not with the first session
(Streamlit has no start-up hook). A small thread waits until the server's runtime exists (so
the figures land in the caches the pages read), then starts the warm-up, which computes
the default views; a first visitor either finds them ready or waits for the one computation
in progress (Streamlit's per-key cache locks), never computing a second copy. ``app.py``
still starts it when the app is served by plain ``streamlit run`` (then with the first
session).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Sequence

from data_access.engine import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"


LOGGERS = ("app_pages", "data_access")
"""The app's loggers whose INFO lines (the warm-up's "data version … computed in …") go to
the server's log; Streamlit configures only its own."""


def _start_warm_up() -> None:
    """Wait for Streamlit's runtime (the figures must land in the caches the pages read),
    then import the app's modules and start the warm-up: importing them earlier would
    declare their caches before the runtime exists (a warning per cache in the log)."""
    from streamlit import runtime

    while not runtime.exists():
        time.sleep(SERVER_WAIT_SECONDS)
    from app_pages import _warm_up

    _warm_up.start()


SERVER_WAIT_SECONDS = 0.05


def main(argv: Sequence[str] | None = None) -> int:
    """Start the warm-up, then run Streamlit's server on ``app.py`` (blocks until it stops)."""
    from streamlit.web import cli

    options = list(sys.argv[1:] if argv is None else argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
    threading.Thread(target=_start_warm_up, name="dashboard-warm-up-start", daemon=True).start()
    # Streamlit's own command line, so every option and config file means what it means
    # for `streamlit run` (streamlit.web.cli.main_run loads the config, then
    # streamlit.web.bootstrap.run starts the server).
    cli.main.main(args=["run", str(APP), *options], prog_name="streamlit")  # exits itself
    return 0


if __name__ == "__main__":
    sys.exit(main())
