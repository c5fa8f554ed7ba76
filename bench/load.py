"""Many users at once: a load test of the served app over Streamlit's websocket, with locust.

``python -m bench.load --users 20 --minutes 10`` (``--help`` for every option; ``make load``)
serves the app (``python -m serve``, the production entry point and settings) on a warehouse, then
locust drives that many concurrent sessions against it. Each session speaks Streamlit's own
protocol over ``/_stcore/stream``, as a browser tab does: it asks for a page run
(``BackMsg.rerun_script`` with the page's address and query string) and reads the answers
(``ForwardMsg``) until the script run finishes. The sessions are of three kinds:

- **leaders** (the rest of ``--users``): the Overview, then an indicator page (online
  services, satisfaction, disbursement, digital economy, in turn), a few seconds apart;
- **analysts** (``--analysts``, default 4): the scenario workspace, then its lever form
  submitted with a new random seed, as an analyst presses "run": the baseline and the
  scenario are simulated afresh (10,000 paths of the four headline indicators);
- **meeting displays** (``--meeting``, default 4): meeting mode, then its timers as a tablet
  runs them: each ``auto_rerun`` the server announces (the slide timer, the clock) is sent back
  at its interval, as the browser does.

Recorded per page: script runs, the median, 95th percentile and longest time from the request
to the end of the run, and errors. An error is an exception element or an error box in the
run, a run that does not finish within ``--timeout`` seconds, a page not found, or a socket
that closes. The app server's resident memory is sampled every 5 seconds. The results go to
``docs/load.json`` and to the part of ``docs/benchmarks.md`` between the ``load:begin`` and
``load:end`` markers. Timing never enters ``make test``: ``tests/bench/test_load_smoke.py``
runs two sessions for a few seconds and checks that the report is written, not the times.

The warehouse: ``--url`` (any SQLAlchemy URL), or by default the benchmark's tier ``--tier``
(S, the demo, or M) on PostgreSQL (``bench_<tier>`` on ``--postgres``), built by the benchmark
when it is missing and reused when it holds data (``bench/warehouses.py``).
"""

# locust patches the standard library for gevent when imported: it comes first.
from locust import User, between, events, task  # isort: skip

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import gevent
import websocket
from locust.env import Environment
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench import warehouses
from bench.__main__ import add_last_month, machine
from bench.streamlit_session import RunFailedError, Session

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"
INDICATOR_PAGES = ("online-services", "satisfaction", "disbursement", "digital-economy")
RSS_EVERY_S = 5.0


def _fire(name: str, took: float, elements: int, error: Exception | None) -> None:
    events.request.fire(
        request_type="run",
        name=name,
        response_time=took * 1000.0,
        response_length=elements,
        exception=error,
        context={},
    )


class _StreamlitUser(User):
    abstract = True
    query: ClassVar[str] = "lang=vi"
    timeout_s: ClassVar[float] = 120.0

    def on_start(self) -> None:
        self.session = Session(str(self.host).removeprefix("http://"), self.timeout_s)

    def on_stop(self) -> None:
        self.session.close()

    def open(
        self,
        page: str,
        name: str | None = None,
        fragment_id: str = "",
        widget_states: Sequence[WidgetState] = (),
    ) -> None:
        start = time.perf_counter()
        try:
            took, elements = self.session.run(page, self.query, fragment_id, widget_states)
        except (RunFailedError, websocket.WebSocketException, OSError) as error:
            _fire(name or page, time.perf_counter() - start, 0, error)
            # A broken socket is replaced, as a browser reconnects.
            self.session.close()
            self.session = Session(str(self.host).removeprefix("http://"), self.timeout_s)
            return
        _fire(name or page, took, elements, None)


class Leader(_StreamlitUser):
    """The Overview, then an indicator page, in turn."""

    wait_time = between(2, 5)
    turn = 0

    @task
    def leader_round(self) -> None:
        self.open("", "overview")  # the default page's address is the app's root
        self.wait()
        self.open(INDICATOR_PAGES[self.turn % len(INDICATOR_PAGES)], "indicator page")
        self.turn += 1


class Analyst(_StreamlitUser):
    """The scenario workspace: opened, then the lever form submitted with a new random seed,
    so that every run simulates the baseline and the scenario afresh (no cached paths)."""

    wait_time = between(3, 8)
    fixed_count = 4

    @task
    def scenario_run(self) -> None:
        self.open("scenarios", "scenario workspace")
        widgets = self.session.widgets
        seed = next((i for i in widgets if i.endswith("-scn_seed")), None)
        name = next((i for i in widgets if i.endswith("-scn_name")), None)
        submit = next(
            (i for i, w in widgets.items() if getattr(w, "is_form_submitter", False)), None
        )
        if seed is None or name is None or submit is None:
            _fire("scenario run", 0.0, 0, RunFailedError("the lever form was not drawn"))
            return
        self.wait()
        number = random.randrange(1, 2**31)
        states = [
            WidgetState(id=name, string_value=f"Load test {number}"),
            WidgetState(id=seed, int_value=number),
            WidgetState(id=submit, trigger_value=True),
        ]
        self.open("scenarios", "scenario run", widget_states=states)


class MeetingDisplay(_StreamlitUser):
    """Meeting mode on a tablet: opened once, then its timers run it."""

    wait_time = between(0, 0)
    fixed_count = 4

    def on_start(self) -> None:
        super().on_start()
        self.open("meeting", "meeting mode")
        self.next_tick: dict[str, float] = {}

    @task
    def tick(self) -> None:
        now = time.monotonic()
        for fragment_id, interval in list(self.session.timers.items()):
            due = self.next_tick.setdefault(fragment_id, now + interval)
            if now >= due:
                self.open("meeting", "meeting mode (timer)", fragment_id=fragment_id)
                self.next_tick[fragment_id] = time.monotonic() + interval
        if not self.session.timers:  # the page announced none (an error): open it again
            self.open("meeting", "meeting mode")
        gevent.sleep(0.5)


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    from bench.browser import _serve as serve

    env = {**os.environ, "DASHBOARD_DB_URL": url}
    return serve("app.py", PROJECT_ROOT, port, env)


def _rss_mib(pid: int, key: str = "VmRSS:") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def drive(
    host: str,
    pid: int,
    users: int,
    analysts: int,
    meeting: int,
    seconds: float,
    timeout_s: float,
) -> dict[str, Any]:
    """Run the sessions for ``seconds`` against the app at ``host`` (server ``pid``)."""
    leaders = users - analysts - meeting
    Analyst.fixed_count, MeetingDisplay.fixed_count = analysts, meeting
    for kind in (Leader, Analyst, MeetingDisplay):
        kind.timeout_s = timeout_s
    runs: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}

    def record(name: str, response_time: float, exception: Exception | None, **_: Any) -> None:
        if exception is None:
            runs.setdefault(name, []).append(response_time / 1000.0)
        else:
            errors.setdefault(name, []).append(str(exception)[:300])

    events.request.add_listener(record)
    env = Environment(
        # A kind with no session is left out: locust reads a fixed_count of 0 as "not
        # fixed" and would share the other users with it by weight.
        user_classes=[
            kind
            for kind, count in ((Leader, leaders), (Analyst, analysts), (MeetingDisplay, meeting))
            if count > 0
        ],
        host=f"http://{host}",
        events=events,
    )
    runner = env.create_local_runner()
    rss: list[tuple[float, float]] = []
    started = time.monotonic()

    def sample() -> None:
        while True:
            rss.append((round(time.monotonic() - started, 1), round(_rss_mib(pid), 1)))
            gevent.sleep(RSS_EVERY_S)

    sampler = gevent.spawn(sample)
    runner.start(users, spawn_rate=max(1.0, users / 10.0))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    sampler.kill()
    rss.append((round(time.monotonic() - started, 1), round(_rss_mib(pid), 1)))
    names = sorted(set(runs) | set(errors))
    return {
        "pages": {
            name: {
                "runs": len(runs.get(name, [])),
                "errors": len(errors.get(name, [])),
                "median_s": statistics.median(runs[name]) if runs.get(name) else None,
                "p95_s": _quantile(runs[name], 0.95) if runs.get(name) else None,
                "max_s": max(runs[name]) if runs.get(name) else None,
            }
            for name in names
        },
        "errors": {name: messages[:5] for name, messages in errors.items()},
        "error_count": sum(len(m) for m in errors.values()),
        "rss_mib": {
            "start": rss[0][1],
            "end": rss[-1][1],
            "peak": round(_rss_mib(pid, "VmHWM:"), 1),
            "samples": rss,
        },
        "sessions": {"leaders": leaders, "analysts": analysts, "meeting": meeting},
    }


def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def table(results: dict[str, Any]) -> str:
    m, s, r = results["machine"], results["settings"], results["results"]
    sessions = r["sessions"]
    out = [
        f"Measured {m['date_utc']} at commit `{m['commit']}` on {m['cores']} cores "
        f"({m['cpu']}); load average at the start "
        f"{', '.join(f'{v:.2f}' for v in m['load_average_at_start'])}. "
        f"{s['users']} concurrent sessions for {s['seconds'] / 60:.1f} minutes "
        f"({sessions['leaders']} leaders, {sessions['analysts']} analysts, "
        f"{sessions['meeting']} meeting displays) on {s['warehouse']}. "
        f"**{r['error_count']} errors.**",
        "",
        "| page | script runs | errors | median | 95th percentile | longest |",
        "|---|---|---|---|---|---|",
    ]
    for name, p in r["pages"].items():
        out.append(
            f"| {name} | {p['runs']:,} | {p['errors']} | {_s(p['median_s'])} | "
            f"{_s(p['p95_s'])} | {_s(p['max_s'])} |"
        )
    rss = r["rss_mib"]
    out += [
        "",
        f"App server resident memory: {rss['start']:.0f} MiB when the sessions started, "
        f"{rss['end']:.0f} MiB at the end, peak {rss['peak']:.0f} MiB "
        f"({len(rss['samples'])} samples, every {RSS_EVERY_S:.0f} s, in `docs/load.json`).",
    ]
    for name, messages in r["errors"].items():
        out.append(f"- {name}: {messages[0]}")
    return "\n".join(out)


def write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=1) + "\n")
    path = out / "benchmarks.md"
    body = f"{BEGIN}\n{table(results)}\n{END}"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + body + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Many users at once (`python -m bench.load`)\n\n"
        text += body + "\n"
    path.write_text(text)


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=(__doc__ or "").split("\n\n")[0],
    )
    result.add_argument("--users", type=int, default=20, help="concurrent sessions")
    result.add_argument("--analysts", type=int, default=4, help="of which in the scenarios")
    result.add_argument("--meeting", type=int, default=4, help="of which meeting displays")
    result.add_argument("--minutes", type=float, default=10.0)
    result.add_argument("--seconds", type=float, help="instead of --minutes (smoke tests)")
    result.add_argument("--timeout", type=float, default=120.0, help="longest run, seconds")
    result.add_argument("--url", help="the warehouse (default: the benchmark's tier)")
    result.add_argument("--tier", choices=("S", "M"), default="S")
    result.add_argument("--postgres", default=warehouses.DEFAULT_POSTGRES)
    result.add_argument("--port", type=int, default=8640)
    result.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs")
    add_last_month(result)
    return result


def _warehouse(args: argparse.Namespace) -> tuple[str, str]:
    """The warehouse's URL and how the report names it."""
    if args.url:
        from sqlalchemy.engine import make_url

        return args.url, make_url(args.url).render_as_string(hide_password=True)
    problem = warehouses.postgres_available(args.postgres)
    if problem is not None:
        raise SystemExit(f"PostgreSQL at {args.postgres} does not answer: {problem}")
    url = warehouses.postgres_url(args.postgres, args.tier)
    from bench.__main__ import _has_data

    if not _has_data(url):
        print(f"building tier {args.tier} on PostgreSQL ({url})", file=sys.stderr, flush=True)
        warehouses.build(url, args.tier, args.last_month)
    described = warehouses.describe(url)
    return url, (
        f"tier {args.tier} on PostgreSQL ({described['observations']:,} observations, "
        f"{described['dossier_rows']:,} dossier rows)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.users < 1 or min(args.analysts, args.meeting) < 0:
        raise SystemExit("--users must be 1 or more, --analysts and --meeting 0 or more")
    if args.analysts + args.meeting > args.users:
        # Equal is allowed: a meeting display alone is the one-hour memory run.
        raise SystemExit("--analysts + --meeting must not be more than --users")
    seconds = args.seconds if args.seconds is not None else args.minutes * 60.0
    url, name = _warehouse(args)
    about = machine()
    server = _serve(url, args.port)
    try:
        results = drive(
            f"127.0.0.1:{args.port}",
            server.pid,
            args.users,
            args.analysts,
            args.meeting,
            seconds,
            args.timeout,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "machine": about,
        "settings": {"users": args.users, "seconds": seconds, "warehouse": name},
        "results": results,
    }
    write(report, args.out)
    print(table(report))
    return 1 if results["error_count"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
