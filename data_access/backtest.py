"""``python -m data_access.backtest``: the forecast backtest of the configured warehouse.

    python -m data_access.backtest [--indicator CODE ...] [--markdown] [--replay]

For each indicator (default: the four headline ones, whole city), runs
:func:`metrics.backtest.backtest` on the series the Overview reads and prints, per
candidate method: the test years and origins, MAE and bias (percentage points),
coverage of the 50 / 80 / 95 % intervals, and the Brier score of P(target). The method
marked ``*`` is the one the projection uses (lowest MAE); the info drawer of each tile
shows the same figures. Disbursement gets a second table for its value at 31 January.

With ``--replay`` it instead replays the Overview in real time (:mod:`metrics.replay`):
at the end of every month of every past year it reads the figures as they stood that day
(the app's ``as_of``), builds the tile as the app would have shown it, and scores the
projection against how the year ended — per indicator, the method in use and each
candidate: origins with a projection, MAE, bias, coverage of the 50 / 80 / 95 %
intervals and the Brier score of P(target). Nothing known after a day is used for it.

The warehouse is ``DASHBOARD_DB_URL`` (else the embedded demo warehouse), as for the
app. Exit codes: 0 printed; 1 the warehouse cannot be read; 2 bad arguments or URL.
"""

from __future__ import annotations

import argparse
import decimal
import math
import sys
import time
from collections.abc import Sequence
from typing import NoReturn

import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from data_access import queries
from data_access.engine import (
    WarehouseState,
    database_url,
    describe_url,
    inspect_warehouse,
    make_engine,
)
from metrics.backtest import RULE, BacktestSummary, MethodScore, backtest
from metrics.forecasting import METHODS, MethodCode
from metrics.links import as_of_moment
from metrics.registry import INDICATORS, get_indicator, headline_indicators
from metrics.replay import IN_USE, ReplayScore, ReportCache, replay, scores

PROGRAM = "python -m data_access.backtest"
COLUMNS = ("method", "model", "n", "MAE pp", "bias pp", "cover 50%", "cover 80%", "cover 95%")
BRIER = "Brier (n)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROGRAM}: {message}; see `{PROGRAM} --help`\n")


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    rates = sorted(i.code for i in INDICATORS if i.is_rate and i.time_rollup is not None)
    result = _Parser(
        prog=PROGRAM,
        description=(
            "Rolling-origin backtest of the forecasting methods on the configured warehouse "
            "(DASHBOARD_DB_URL, else the embedded demo warehouse), whole city."
        ),
    )
    result.add_argument(
        "--indicator",
        action="append",
        choices=rates,
        metavar="CODE",
        help="an indicator to backtest (repeatable; default: the four headline indicators)",
    )
    result.add_argument(
        "--markdown", action="store_true", help="print Markdown tables (for the README)"
    )
    result.add_argument(
        "--replay",
        action="store_true",
        help="replay the app's projections at the end of every past month, with only the "
        "figures known that day, and score them against how each year ended",
    )
    return result


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, halves rounded up as on screen (62.5 → 63)."""
    step = decimal.Decimal(1).scaleb(-decimals)
    return str(decimal.Decimal(str(value)).quantize(step, rounding=decimal.ROUND_HALF_UP))


def _signed(value: float) -> str:
    """``+0.25``, ``-1.68``; a value that rounds to zero has no sign (as on screen)."""
    text = _fixed(abs(value), 2)
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "-") + text


def _share(value: float) -> str:
    """``81%``; ``—`` when there is none (no test year before the first one has a band)."""
    return "—" if math.isnan(value) else _fixed(100 * value, 0) + "%"


def score_cells(score: MethodScore, chosen: str | None) -> list[str]:
    """One table row, formatted as printed (and as the info drawer shows the numbers)."""
    brier = "—" if score.brier is None else f"{_fixed(score.brier, 3)} ({score.n_brier})"
    return [
        score.method + (" *" if score.method == chosen else ""),
        score.model,
        str(score.n_origins),
        _fixed(score.mae, 2),
        _signed(score.bias),
        _share(score.coverage_50),
        _share(score.coverage_80),
        _share(score.coverage_95),
        brier,
    ]


def _table(rows: list[list[str]], markdown: bool, header: list[str] | None = None) -> str:
    header = header or [*COLUMNS, BRIER]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))]
    out += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in out)


REPLAY_COLUMNS = (
    "method",
    "n",
    "years",
    "MAE pp",
    "bias pp",
    "cover 50%",
    "cover 80%",
    "cover 95%",
)


def replay_cells(score: ReplayScore) -> list[str]:
    """One replay table row, formatted as printed."""
    brier = "—" if score.brier is None else f"{_fixed(score.brier, 3)} ({score.n_brier})"
    years = f"{score.years[0]}–{score.years[-1]}" if score.years else "—"
    if score.n == 0:
        return [score.method, "0", years, "—", "—", "—", "—", "—", brier]
    return [
        score.method,
        str(score.n),
        years,
        _fixed(score.mae, 2),
        _signed(score.bias),
        _fixed(100 * score.coverage_50, 0) + "%",
        _fixed(100 * score.coverage_80, 0) + "%",
        _fixed(100 * score.coverage_95, 0) + "%",
        brier,
    ]


def format_replay(code: str, frame: pd.DataFrame, *, markdown: bool = False) -> str:
    """The printed replay block of one indicator."""
    indicator = get_indicator(code)
    title = f"{indicator.code} ({indicator.name_en}): real-time replay"
    lines = [f"### {title}" if markdown else title]
    found = scores(frame)
    lines.append(_table([replay_cells(s) for s in found], markdown, [*REPLAY_COLUMNS, BRIER]))
    in_use = next(s for s in found if s.method == IN_USE)
    if in_use.n_without:
        lines.append(
            f"  {in_use.n_without} origins without a projection (too little history: "
            "the tile says so)"
        )
    rule = replay_rule_comparison(frame)
    if rule is not None:
        n, used, plain = rule
        lines.append(
            f"  on the {n} origins where the seasonal rule could forecast: MAE in use "
            f"{_fixed(used, 2)} pp, rule {_fixed(plain, 2)} pp"
        )
    return "\n".join(lines)


def replay_rule_comparison(frame: pd.DataFrame) -> tuple[int, float, float] | None:
    """(origins, MAE of the method in use, MAE of the seasonal rule) on the origins where
    both gave a projection; None when there are none."""
    used = frame.loc[(frame["method"] == IN_USE) & frame["central"].notna()]
    plain = frame.loc[(frame["method"] == RULE) & frame["central"].notna()]
    both = used.merge(plain, on=["year", "day"], suffixes=("_used", "_rule"))
    if both.empty:
        return None
    used_mae = float((both["central_used"] - both["actual_used"]).abs().mean())
    rule_mae = float((both["central_rule"] - both["actual_rule"]).abs().mean())
    return len(both), used_mae, rule_mae


def format_summary(summary: BacktestSummary, *, markdown: bool = False) -> str:
    """The printed block of one indicator."""
    indicator = get_indicator(summary.indicator_code)
    years = f"{summary.years[0]}–{summary.years[-1]}" if summary.years else "none"
    title = f"{indicator.code} ({indicator.name_en}): test years {years}"
    lines = [f"### {title}" if markdown else title]
    if not summary.scores:
        lines.append("  not enough history for a backtest (needs 2 test years)")
    else:
        rows = [score_cells(score, summary.chosen) for score in summary.scores]
        lines.append(_table(rows, markdown))
    for excluded in summary.excluded:
        lines.append(
            f"  {excluded.method}: not compared ({excluded.reason}: needs {excluded.needed}, "
            f"got {excluded.got})"
        )
    if summary.extension_scores:
        lines.append("")
        lines.append("value at 31 January (end of the extension month):")
        rows = [score_cells(score, summary.chosen) for score in summary.extension_scores]
        lines.append(_table(rows, markdown))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Backtest the configured warehouse and print the tables."""
    arguments = parser().parse_args(argv)
    codes = arguments.indicator or [indicator.code for indicator in headline_indicators()]
    url = database_url()
    state, detail = inspect_warehouse(url)
    if state is WarehouseState.INVALID_URL:
        print(
            f"error: {describe_url(url)} is not a usable database URL ({detail}); "
            "set DASHBOARD_DB_URL to e.g. postgresql+psycopg://user@host:5432/db",
            file=sys.stderr,
        )
        return 2
    if state is not WarehouseState.READY:
        hints = {
            WarehouseState.MISSING_FILE: "build it with `python -m demo` or set DASHBOARD_DB_URL",
            WarehouseState.UNREACHABLE: "check that the server is running and the URL is right",
            WarehouseState.NOT_MIGRATED: "run `python -m data_access.migrate` first",
            WarehouseState.EMPTY: "load data first (or `python -m demo` for the demo data)",
        }
        print(
            f"error: the warehouse at {describe_url(url)} cannot be backtested: {state.value}"
            f"{f' ({detail})' if detail else ''}; {hints.get(state, '')}",
            file=sys.stderr,
        )
        return 1
    engine = make_engine(url)
    blocks = []
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            for code in codes:
                series = queries.scope_series(conn, code)
                if arguments.replay:
                    frame = replay_frame(conn, code, series)
                    blocks.append(format_replay(code, frame, markdown=arguments.markdown))
                    continue
                summary = backtest(series, get_indicator(code)).summary()
                blocks.append(format_summary(summary, markdown=arguments.markdown))
    except SQLAlchemyError as error:
        first = str(error.orig if hasattr(error, "orig") else error).strip().splitlines()[0]
        print(f"error: cannot read the warehouse at {describe_url(url)}: {first}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if arguments.replay:
        print(f"Real-time replay of the projections on {describe_url(url)} (whole city)")
        print(
            "Origins: the end of every month of every past year, with the figures as they "
            "stood that day (the app's as_of); truth: the year's value at the judgement date. "
            "in_use = what the app showed; the others: each method's own projection. MAE and "
            "bias in percentage points (bias = forecast − actual); cover = share of origins "
            "whose actual value lay in the interval; Brier score of P(target)."
        )
    else:
        print(f"Forecast backtest of {describe_url(url)} (whole city)")
        print(
            "MAE and bias in percentage points at the judgement date (bias = forecast − "
            "actual); cover = share of origins whose actual value lay in the interval "
            "(bands from earlier test years only); * = the method used."
        )
    print()
    print("\n\n".join(blocks))
    print()
    print(f"({len(codes)} indicators in {time.perf_counter() - started:.1f} s)")
    return 0


def replay_frame(
    conn: Connection,
    code: str,
    final: pd.DataFrame,
    *,
    methods: tuple[MethodCode, ...] = METHODS,
) -> pd.DataFrame:
    """:func:`metrics.replay.replay` of one indicator (whole city) on a warehouse."""
    indicator = get_indicator(code)
    return replay(
        lambda day: queries.scope_series(conn, code, as_of=as_of_moment(day)),
        final,
        indicator,
        methods=methods,
        cache=ReportCache(),
    )


if __name__ == "__main__":
    sys.exit(main())
