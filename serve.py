"""Serve the app: ``python -m serve [streamlit run options]`` (what ``make run`` does).

The same server as ``streamlit run app.py`` (the options are Streamlit's own, e.g.
``--server.port 8501``), in this process, with one thing first: the background warm-up
(:func:`app_pages._warm_up.start`) is started at server start, not with the first session
(Streamlit has no start-up hook). The thread waits until the server's runtime exists (so
the figures land in the caches the pages read), then computes the default views; a first
visitor either finds them ready or waits for the one computation in progress (Streamlit's
per-key cache locks), never computing a second copy. ``app.py`` still starts it when the
app is served by plain ``streamlit run`` (then with the first session).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from data_access.engine import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"


def main(argv: Sequence[str] | None = None) -> int:
    """Start the warm-up, then run Streamlit's server on ``app.py`` (blocks until it stops)."""
    from streamlit.web import cli

    from app_pages import _warm_up

    options = list(sys.argv[1:] if argv is None else argv)
    _warm_up.start(when_served=True)
    # Streamlit's own command line, so every option and config file means what it means
    # for `streamlit run` (streamlit.web.cli.main_run loads the config, then
    # streamlit.web.bootstrap.run starts the server).
    cli.main.main(args=["run", str(APP), *options], prog_name="streamlit")  # exits itself
    return 0


if __name__ == "__main__":
    sys.exit(main())
