"""The benchmark's Markdown table, from its JSON results.

``write(results, path)`` replaces the part of ``path`` between ``<!-- bench:begin -->`` and
``<!-- bench:end -->`` (the whole file when it has no markers), so the analysis written
around the table stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.pages import PAGES

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
PROMISES = (
    "overview_drawn",
    "pages_drawn",
    "warm_within_floor",
    "overview_300ms_L_postgres",
    "first_visit",
    "memory_flat",
    "meeting_memory_flat",
    "paths_10000",
    "ingest_1m",
)


def _s(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def _partial(verdict: str, measured: list[tuple[str, float]], left_out: int) -> str:
    """The verdict, saying so when it covers only some of the app's pages."""
    pages = {name.split(" ")[0] for name, _ in measured}
    expected = len(PAGES) - left_out
    if measured and verdict == "**met**" and len(pages) < expected:
        return f"**met** for the {len(pages)} of {expected} pages measured"
    return verdict


def first_visits(runs: list[dict[str, Any]]) -> tuple[list[tuple[str, float]], bool, int]:
    """Each page's first visit ÷ its warm visits (median): after a restart (``cold_s``)
    and, where measured, after a load (``after_load_first_s``, named "… after a load"),
    each the median over fresh processes in results with ``cold_runs_s`` (one process in
    results of a harness from before ``--first-rounds``);
    whether any after a load was measured; how many pages' cold runs came without the
    warm-up (``warm_up_s`` missing or None: results of a harness from before it ran it).

    >>> first_visits([{"tier": "S", "engine": "sqlite", "script": [{"page": "data",
    ...     "cold_s": 0.5, "warm_median_s": 0.25, "warm_up_s": 2.0,
    ...     "after_load_first_s": 0.75, "after_load_warm_median_s": 0.25}]}])
    ([('data S/sqlite', 2.0), ('data S/sqlite after a load', 3.0)], True, 0)
    """
    found: list[tuple[str, float]] = []
    after_load = False
    without_warm_up = 0
    for run in runs:
        for page in run.get("script") or []:
            if "warm_median_s" not in page:
                continue
            name = f"{page['page']} {run['tier']}/{run['engine']}"
            found.append((name, page["cold_s"] / page["warm_median_s"]))
            if page.get("warm_up_s") is None:
                without_warm_up += 1
            if page.get("after_load_first_s") is not None:
                after_load = True
                found.append(
                    (
                        f"{name} after a load",
                        page["after_load_first_s"] / page["after_load_warm_median_s"],
                    )
                )
    return found, after_load, without_warm_up


def promises(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(promise id, promise, what was measured, met / not met / not measured)."""
    runs: list[dict[str, Any]] = results["runs"]
    rows: list[tuple[str, str, str, str]] = []

    def browser_ratios(page_filter: Any) -> list[tuple[str, float]]:
        found = []
        for run in runs:
            for page, data in (run.get("browser") or {}).get("pages", {}).items():
                if page_filter(page):
                    found.append((f"{page} {run['tier']}/{run['engine']}", data["ratio_to_empty"]))
        return found

    over = browser_ratios(lambda p: p == "overview")
    worst = max(over, key=lambda r: r[1]) if over else None
    rows.append(
        (
            "overview_drawn",
            "Overview drawn in headless Chromium ≤ 1.5× the empty page",
            ", ".join(f"{n}: {_x(r)}" for n, r in over) or "—",
            _verdict(None if worst is None else worst[1] <= 1.5),
        )
    )
    others = browser_ratios(lambda p: p != "overview")
    worst = max(others, key=lambda r: r[1]) if others else None
    rows.append(
        (
            "pages_drawn",
            "every other page drawn ≤ 2× the empty page",
            f"worst: {worst[0]} {_x(worst[1])}; over 2×: {sum(r > 2 for _, r in others)} "
            f"of {len(others)}"
            if worst
            else "—",
            _partial(_verdict(None if worst is None else worst[1] <= 2.0), others, 1),
        )
    )
    ratios = []
    for run in runs:
        for page in run.get("script") or []:
            if "warm_median_s" in page:
                ratio = page["warm_median_s"] / (
                    page["sql_floor_median_s"] + page["empty_median_s"]
                )
                ratios.append((f"{page['page']} {run['tier']}/{run['engine']}", ratio))
    worst = max(ratios, key=lambda r: r[1]) if ratios else None
    rows.append(
        (
            "warm_within_floor",
            "every page's warm script run ≤ 2× (its SQL floor + the empty-page floor)",
            f"worst: {worst[0]} {_x(worst[1])}; over 2×: {sum(r > 2 for _, r in ratios)} "
            f"of {len(ratios)}"
            if worst
            else "—",
            _partial(_verdict(None if worst is None else worst[1] <= 2.0), ratios, 0),
        )
    )
    l_pg = [
        p
        for run in runs
        if run["tier"] == "L" and run["engine"] == "postgresql"
        for p in run.get("script") or []
        if p.get("page") == "overview" and "warm_median_s" in p
    ]
    rows.append(
        (
            "overview_300ms_L_postgres",
            "the Overview's warm script run under 300 ms at tier L on PostgreSQL",
            _s(l_pg[0]["warm_median_s"]) if l_pg else "tier L not run",
            _verdict(l_pg[0]["warm_median_s"] < 0.3 if l_pg else None),
        )
    )
    cold, after_load, without_warm_up = first_visits(runs)
    worst = max(cold, key=lambda r: r[1]) if cold else None
    first_said = (
        f"worst: {worst[0]} {_x(worst[1])}; over 1.2×: {sum(r > 1.2 for _, r in cold)} "
        f"of {len(cold)}"
        if worst
        else "—"
    )
    if without_warm_up:
        first_said += f" ({without_warm_up} measured without the warm-up the server runs)"
    rows.append(
        (
            "first_visit",
            "first visit after a restart ≤ 1.2× a warm visit, and after a load"
            + ("" if after_load else " (after a load: not measured)"),
            first_said,
            _verdict(None if worst is None else worst[1] <= 1.2),
        )
    )
    memory: dict[str, dict[str, float]] = {}
    for run in runs:
        if run.get("browser"):
            memory.setdefault(run["engine"], {})[run["tier"]] = run["browser"]["app_peak_rss_mib"]
    flat = None
    said = []
    for engine, tiers in memory.items():
        said.append(f"{engine}: " + ", ".join(f"{t} {v:.0f} MiB" for t, v in tiers.items()))
        if len(tiers) > 1:
            values = list(tiers.values())
            ok = max(values) <= 1.1 * min(values)
            flat = ok if flat is None else flat and ok
    verdict = _verdict(flat)
    compared = {t for tiers in memory.values() if len(tiers) > 1 for t in tiers}
    missing = [t for t in ("S", "M", "L") if t not in compared]
    if flat and missing:
        # The promise is S → M → L: flat over fewer tiers is met only for those measured.
        shown = " → ".join(t for t in ("S", "M", "L") if t in compared)
        verdict = f"**met** for {shown} (tier {', '.join(missing)} not run)"
    rows.append(
        (
            "memory_flat",
            "app peak memory flat across tiers (within 10 %)",
            "; ".join(said) or "—",
            verdict,
        )
    )
    rows.append(("meeting_memory_flat", MEETING_PROMISE, *meeting_verdict(results.get("meeting"))))
    paths = [
        (f"{run['tier']}/{run['engine']}", run["scenario"]["scenario_median_s"])
        for run in runs
        if run.get("scenario")
    ]
    worst = max(paths, key=lambda r: r[1]) if paths else None
    rows.append(
        (
            "paths_10000",
            "a scenario of 10,000 paths for the four headline indicators under 1 s",
            ", ".join(f"{n}: {_s(v)}" for n, v in paths) or "—",
            _verdict(None if worst is None else worst[1] < 1.0),
        )
    )
    ingest = results.get("ingest", {}).get("postgresql")
    same = ingest.get("load_ratio_to_same_table_floor") if ingest else None
    rows.append(
        (
            "ingest_1m",
            "a 1M-row observation file loaded (with full validation) ≤ 3× COPY on PostgreSQL "
            "into the same table (its foreign keys and indexes); the bare-table COPY beside it",
            (
                f"{ingest['rows']:,} rows: load {_s(ingest['load_s'])}; COPY into "
                + (
                    f"observations {_s(ingest['same_table_floor_median_s'])}, {_x(same)}; "
                    if same is not None
                    else "observations not measured; "
                )
                + f"into a bare table {_s(ingest['floor_median_s'])}, "
                f"{_x(ingest['load_ratio_to_floor'])}"
            )
            if ingest
            else "—",
            _verdict(
                None if not ingest or ingest["rows"] < 1_000_000 or same is None else same <= 3.0
            ),
        )
    )
    return rows


MEETING_PROMISE = (
    "memory flat over a one-hour meeting-mode run: the app's RSS, and the tab's JS heap, at "
    "the end within 10 % of their values after the first 5 minutes"
)
MEETING_SETTLED_S = 300
"""The meeting run's baseline: its first sample at or after five minutes. The first
minutes fill the caches, load the charts' code in the tab and draw every slide once; a
leak is growth after that, so the end is compared with this rather than with the start."""


def _mib(value: float) -> str:
    return f"{value:.0f} MiB" if value >= 10 else f"{value:.1f} MiB"


def meeting_verdict(meeting: dict[str, Any] | None) -> tuple[str, str]:
    """(what was measured, verdict) of the meeting-mode run (``bench.meeting``).

    >>> samples = [{"t_s": t, "rss_mib": r, "js_heap_mib": 20.0}
    ...            for t, r in ((0, 300.0), (300, 400.0), (3600, 430.0))]
    >>> meeting_verdict({"minutes": 60, "samples": samples, "rotations": 1100,
    ...                  "app_peak_rss_mib": 440.0, "interval_s": 3})[1]
    '**met**'
    >>> samples[-1]["rss_mib"] = 600.0
    >>> meeting_verdict({"minutes": 60, "samples": samples, "rotations": 1100,
    ...                  "app_peak_rss_mib": 600.0, "interval_s": 3})[1]
    '**not met** (app RSS grew over 10 %)'
    """
    if not meeting:
        return "—", _verdict(None)
    samples = meeting["samples"]
    first, last = samples[0], samples[-1]
    settled = next((s for s in samples if s["t_s"] >= MEETING_SETTLED_S), None)
    said = (
        f"{meeting['minutes']:g} min at {meeting['interval_s']} s a slide, "
        f"{meeting['rotations']} rotations; app RSS {_mib(first['rss_mib'])} at the start"
        + (f", {_mib(settled['rss_mib'])} at {settled['t_s'] / 60:.0f} min" if settled else "")
        + f", {_mib(last['rss_mib'])} at the end, peak (VmHWM) "
        f"{_mib(meeting['app_peak_rss_mib'])}; JS heap {_mib(first['js_heap_mib'])} → "
        f"{_mib(last['js_heap_mib'])}"
    )
    if meeting.get("tracebacks_on_screen"):
        said += f"; {meeting['tracebacks_on_screen']} error box(es) on screen at the end"
    if not meeting["rotations"]:
        return said, "not measured (no slide changed)"
    if settled is None or settled is last:
        return said, f"not measured (a run of {meeting['minutes']:g} min: under 5 min to compare)"
    rss_ok = last["rss_mib"] <= 1.1 * settled["rss_mib"]
    heap_ok = last["js_heap_mib"] <= 1.1 * settled["js_heap_mib"]
    if not rss_ok or not heap_ok:
        grew = [what for what, ok in (("app RSS", rss_ok), ("JS heap", heap_ok)) if not ok]
        return said, f"**not met** ({' and '.join(grew)} grew over 10 %)"
    if meeting["minutes"] < 60:
        return said, f"**met** over {meeting['minutes']:g} min (not the full hour)"
    return said, _verdict(True)


def meeting_table(meeting: dict[str, Any] | None) -> list[str]:
    """The meeting-mode run's section: its samples at the start, after five minutes,
    every ten minutes and at the end (all of them are in the JSON)."""
    if not meeting:
        return []
    samples = meeting["samples"]
    settled = next((s for s in samples if s["t_s"] >= MEETING_SETTLED_S), None)
    shown: list[dict[str, Any]] = []
    for sample in samples:
        mark = sample["t_s"] // 600
        if (
            sample is samples[0]
            or sample is settled
            or sample is samples[-1]
            or not any(s["t_s"] // 600 == mark for s in shown)
        ):
            shown.append(sample)
    out = [
        "",
        "### Meeting mode left running",
        "",
        f"Tier {meeting['tier']} on {meeting['engine']}: `{meeting['page']}` in headless "
        f"Chromium at 1366×1024 for {meeting['minutes']:g} min, the slides moved by the page's "
        f"own timer every {meeting['interval_s']} s ({meeting['rotations']} rotations seen, "
        f"{meeting['slides']} slides; {meeting.get('tracebacks_on_screen', 0)} error boxes on "
        f"screen at the end). The app's peak RSS (VmHWM): {_mib(meeting['app_peak_rss_mib'])}. "
        "The JS heap is read after a garbage collection.",
        "",
        "| minute | app RSS | tab JS heap | rotations | load average |",
        "|---|---|---|---|---|",
    ]
    for sample in shown:
        out.append(
            f"| {sample['t_s'] / 60:.1f} | {_mib(sample['rss_mib'])} | "
            f"{_mib(sample['js_heap_mib'])} | {sample['rotations']} | "
            f"{_triple(sample.get('load_average'))} |"
        )
    return out


def _triple(values: Any) -> str:
    return ", ".join(f"{v:.2f}" for v in values) if values else "not recorded"


def _load_averages(results: dict[str, Any]) -> str:
    """Each run's load averages, as "start → end", one run after another for merged runs.

    >>> _load_averages({"machine": {"load_average_at_start": [1, 2, 3],
    ...                             "load_average_at_end": [4, 5, 6.5]}})
    '1.00, 2.00, 3.00 → 4.00, 5.00, 6.50'
    >>> _load_averages({"machine": {}, "merged_from": [
    ...     {"date_utc": "d1", "load_average_at_start": [1, 1, 1], "load_average_at_end": None},
    ...     {"date_utc": "d2", "load_average_at_start": [2, 2, 2],
    ...      "load_average_at_end": [3, 3, 3]}]})
    'd1: 1.00, 1.00, 1.00 → not recorded; d2: 2.00, 2.00, 2.00 → 3.00, 3.00, 3.00'
    """
    runs = results.get("merged_from")
    if not runs:
        m = results["machine"]
        return (
            f"{_triple(m.get('load_average_at_start'))} → {_triple(m.get('load_average_at_end'))}"
        )
    return "; ".join(
        f"{run.get('date_utc')}: {_triple(run.get('load_average_at_start'))} → "
        f"{_triple(run.get('load_average_at_end'))}"
        for run in runs
    )


def _processes(page: dict[str, Any], key: str) -> int:
    """How many fresh processes the first visit ``key`` of ``page`` is the median of: the
    length of its list (``cold_runs_s``, ``after_load_first_runs_s``); 1 in results of a
    harness from before ``--first-rounds``, which timed it in one process."""
    return len(page.get(key) or ()) or 1


def _first(text: str, processes: int, failed: int) -> str:
    """A first visit's cell: "(n)" after it when it is the median of n processes, "(n of m)"
    when m were run and m - n failed.

    >>> _first("240 ms", 1, 0), _first("240 ms", 3, 0), _first("1.20×", 2, 1)
    ('240 ms', '240 ms (3)', '1.20× (2 of 3)')
    """
    if failed:
        return f"{text} ({processes} of {processes + failed})"
    return text if processes == 1 else f"{text} ({processes})"


FIRST_VISITS_SAID = (
    "First visit: the median over n fresh processes, n in brackets after it: one full run "
    "of the page, then n − 1 that time the first visits only (`bench.script --first-only`); "
    '"(n of m)": m were run and m − n failed (their errors: the page\'s `first_errors` in '
    "the JSON); no brackets: one process. The first visit after a load is the median over "
    "the same processes (their number follows its ratio where it differs). Every other "
    "figure is the full run's; both first ÷ warm ratios divide a median first visit by the "
    "full run's warm median."
)


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["settings"]
    out = [
        f"Measured {m['date_utc']} at commit `{m['commit']}` on {m['cores']} cores "
        f"({m['cpu']}), {m['memory_gib']} GiB RAM; Python {m['python']}, Streamlit "
        f"{m['streamlit']}. Load average (1, 5, 15 min) at the start and the end: "
        f"{_load_averages(results)}: the "
        "machine is shared, so ratios measured in the same run are the figures to read. "
        f"Tiers {', '.join(s['tiers'])}; engines {', '.join(s['engines']) or '—'}"
        + (
            f"; {s['rounds']} warm script runs and {s['browser_rounds']} interleaved browser "
            "loads per page (medians)."
            if "rounds" in s
            else " (a meeting-mode run only)."
        ),
        "",
    ]
    for part, why in results.get("not_measured", {}).items():
        out.append(f"- Not measured: {part}: {why}")
    if results.get("not_measured"):
        out.append("")
    out += ["### Promises (issue 12)", ""]
    out += ["| promise | measured | verdict |", "|---|---|---|"]
    for _, promise, measured, verdict in promises(results):
        out.append(f"| {promise} | {measured} | {verdict} |")
    if not results["runs"] and not results.get("ingest"):
        # A meeting-mode run alone (python -m bench.meeting): no empty tables of the rest.
        return "\n".join(out + meeting_table(results.get("meeting"))) + "\n"
    out += ["", "### Warehouses", ""]
    out += [
        "| tier | engine | observations | dossier rows | indicators | build |",
        "|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        b = run["build"]
        build = _s(b.get("build_s"))
        if b.get("reused"):
            build = f"{build} (built {b['built_utc']}, reused)" if "built_utc" in b else "reused"
        out.append(
            f"| {run['tier']} | {run['engine']} | {b['observations']:,} | "
            f"{b['dossier_rows']:,} | {b['indicators']} | {build} |"
        )
    out += ["", "### Server-side script (AppTest)", ""]
    medians = any(
        _processes(p, "cold_runs_s") > 1 or p.get("first_errors")
        for run in results["runs"]
        for p in run.get("script") or []
    )
    if medians:
        out += [FIRST_VISITS_SAID, ""]
    first_head = "first visit (median of n processes)" if medians else "first visit"
    out += [
        f"| tier | engine | page | warm-up | {first_head} | warm | SQL floor (statements) | "
        "empty page | warm ÷ (SQL + empty) | first ÷ warm | after a load: first ÷ warm |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        for p in run.get("script") or []:
            if "error" in p:
                out.append(
                    f"| {run['tier']} | {run['engine']} | {p['page']} | failed: "
                    f"{p['error'][-120:].replace('|', '/').replace(chr(10), ' ')} |||||||"
                )
                continue
            floor = p["sql_floor_median_s"] + p["empty_median_s"]
            loaded = (
                None
                if p.get("after_load_first_s") is None
                else p["after_load_first_s"] / p["after_load_warm_median_s"]
            )
            processes = _processes(p, "cold_runs_s")
            failed = len(p.get("first_errors") or ())
            loaded_said = _x(loaded)
            if loaded is not None and _processes(p, "after_load_first_runs_s") != processes:
                loaded_said = _first(loaded_said, _processes(p, "after_load_first_runs_s"), 0)
            out.append(
                f"| {run['tier']} | {run['engine']} | {p['page']} | "
                f"{_s(p.get('warm_up_s')) if p.get('warm_up_s') is not None else 'not run'} | "
                f"{_first(_s(p['cold_s']), processes, failed)} | "
                f"{_s(p['warm_median_s'])} | {_s(p['sql_floor_median_s'])} "
                f"({p['sql_statements']}) | {_s(p['empty_median_s'])} | "
                f"{_x(p['warm_median_s'] / floor)} | {_x(p['cold_s'] / p['warm_median_s'])} | "
                f"{loaded_said} |"
            )
    out += ["", "### Drawn in headless Chromium (1366×1024)", ""]
    out += [
        "| tier | engine | page | drawn | empty page | ratio |",
        "|---|---|---|---|---|---|",
    ]
    extra = []
    for run in results["runs"]:
        b = run.get("browser")
        if not b:
            continue
        for page, data in b["pages"].items():
            out.append(
                f"| {run['tier']} | {run['engine']} | {page} | {_s(data['drawn_median_s'])} | "
                f"{_s(b['empty_median_s'])} | {_x(data['ratio_to_empty'])} |"
            )
        extra.append(
            f"| {run['tier']} | {run['engine']} | {_s(b['server_start_s'])} | "
            f"{_s(b['overview_cold_start_s'])} | {b['app_peak_rss_mib']:.0f} MiB |"
        )
    out += ["", "### Server start, first Overview, memory", ""]
    out += [
        "| tier | engine | server start | first Overview drawn after start | app peak RSS |",
        "|---|---|---|---|---|",
        *extra,
    ]
    out += meeting_table(results.get("meeting"))
    out += ["", "### Scenario engine", ""]
    out += [
        "| tier | engine | baseline (once per data load) | 10,000 paths | tornado sweep |",
        "|---|---|---|---|---|",
    ]
    for run in results["runs"]:
        sc = run.get("scenario")
        if sc:
            out.append(
                f"| {run['tier']} | {run['engine']} | {_s(sc['baseline_s'])} | "
                f"{_s(sc['scenario_median_s'])} | {_s(sc['tornado_median_s'])} |"
            )
    out += ["", "### Ingest", ""]
    out += [
        "| engine | rows | file | check | load | floor: same table | load ÷ same-table floor "
        "| floor: bare table | load ÷ bare floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for engine, i in results.get("ingest", {}).items():
        same = i.get("load_ratio_to_same_table_floor")
        out.append(
            f"| {engine} | {i['rows']:,} | {i['file_mib']:.0f} MiB | "
            f"{_s(i['check_median_s'])} | {_s(i['load_s'])} | "
            + (
                f"{_s(i['same_table_floor_median_s'])} ({i['same_table_floor_kind']}) | "
                f"{_x(same)} | "
                if same is not None
                else "not measured | — | "
            )
            + f"{_s(i['floor_median_s'])} ({i['floor_kind']}) | "
            f"{_x(i['load_ratio_to_floor'])} |"
        )
    return "\n".join(out) + "\n"


def write(results: dict[str, Any], path: Path) -> None:
    body = f"{BEGIN}\n{table(results)}{END}"
    if path.exists():
        text = path.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + body + tail)
            return
    path.write_text(f"# Benchmarks\n\nWritten by `make bench` (`python -m bench`).\n\n{body}\n")


def _runs_of(part: dict[str, Any]) -> list[dict[str, Any]]:
    if part.get("merged_from"):
        return list(part["merged_from"])
    keys = ("date_utc", "commit", "load_average_at_start", "load_average_at_end")
    return [{k: part["machine"].get(k) for k in keys} | {"engines": part["settings"]["engines"]}]


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Results of harness runs made side by side (e.g. one per engine) as one result: runs
    and ingest together; the machine of the first, with every run's load averages."""
    merged: dict[str, Any] = {
        "machine": dict(parts[0]["machine"]),
        "settings": dict(parts[0]["settings"]),
        "not_measured": {},
        "runs": [],
        "ingest": {},
        # One entry per harness run, flattened: a part that is itself a merge brings its runs.
        "merged_from": [run for p in parts for run in _runs_of(p)],
    }
    # Each engine and tier once, in the order the parts name them (a list of every part's
    # own once printed "engines sqlite, postgresql, postgresql, postgresql").
    for key in ("engines", "tiers"):
        merged["settings"][key] = list(
            dict.fromkeys(x for p in parts for x in p["settings"].get(key, []))
        )
    for key in ("load_average_at_start", "load_average_at_end"):
        merged["machine"].pop(key, None)  # per run, in merged_from
    for part in parts:
        if part.get("meeting"):
            merged["meeting"] = part["meeting"]  # a later run's replaces an earlier one's
        merged["not_measured"].update(part.get("not_measured", {}))
        merged["runs"].extend(part["runs"])
        merged["ingest"].update(part.get("ingest", {}))
    return merged


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.report OUT_DIR RESULTS.json …``: merge runs made side by side and
    write ``OUT_DIR/benchmarks.json`` and the table of ``OUT_DIR/benchmarks.md``."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    out = Path(args[0])
    results = merge([json.loads(Path(a).read_text()) for a in args[1:]])
    out.mkdir(parents=True, exist_ok=True)
    (out / "benchmarks.json").write_text(json.dumps(results, indent=1) + "\n")
    write(results, out / "benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
