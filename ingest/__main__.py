"""``python -m ingest``: check, load, export, history, undo and templates of submissions.

    python -m ingest check FILE…              validate only; writes nothing
    python -m ingest load FILE…               validate all, then load all in one transaction
    python -m ingest export --indicator CODE --period YYYY-MM [--unit CODE] -o FILE
    python -m ingest history [--limit N] [--all]
    python -m ingest undo BATCH_ID
    python -m ingest template KIND -o FILE    KIND: observations, capital_plans, targets

Options common to all: ``--lang vi|en`` (messages; Vietnamese by default), ``--by NAME``
(who acts; default the system user). The warehouse is the configured one
(``DASHBOARD_DB_URL``, else the embedded SQLite file), as for the app.

Exit codes: 0 done; 1 refused with reasons (every problem on its own line: file, row,
column, value, rule); 2 usage error. Never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access import submissions
from data_access.engine import database_url, describe_url, make_engine, url_problem
from data_access.writes import UndoRefusedError
from i18n import LANGUAGES, fmt_number, t, t_count
from ingest import problems as p
from ingest import service
from ingest.layouts import Kind
from ingest.read import Limits, Submitted
from metrics.clock import city_today, to_city_time

PROGRAM = "python -m ingest"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROGRAM}: {message}; see `{PROGRAM} --help`\n")


def _month(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise argparse.ArgumentTypeError(f"--period must look like 2026-10 (YYYY-MM); got {text!r}")
    return dt.date(int(text[:4]), int(text[5:]), 1)


def _positive(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text) or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number; got {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default="vi", help="language of messages")
    common.add_argument("--by", metavar="NAME", help="who acts (default: the system user)")
    limits = _Parser(add_help=False)
    limits.add_argument("--max-mb", type=_positive, default=20, help="file size limit (MB)")
    limits.add_argument(
        "--max-rows", type=_positive, default=200_000, help="data rows per file limit"
    )
    result = _Parser(
        prog=PROGRAM,
        description="Check, load, export and undo monthly submissions, capital plans and "
        "targets in the configured warehouse (DASHBOARD_DB_URL).",
    )
    commands = result.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser(
        "check", parents=[common, limits], help="validate files; write nothing"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    load = commands.add_parser(
        "load", parents=[common, limits], help="validate, then load all in one transaction"
    )
    load.add_argument("files", nargs="+", metavar="FILE")
    load.add_argument("--note", help="a note kept with the batches")
    export = commands.add_parser(
        "export", parents=[common], help="write a month's current figures in the layout"
    )
    export.add_argument("--indicator", required=True, metavar="CODE")
    export.add_argument("--period", required=True, type=_month, metavar="YYYY-MM")
    export.add_argument("--unit", metavar="CODE")
    export.add_argument("-o", "--output", required=True, metavar="FILE", type=Path)
    history = commands.add_parser("history", parents=[common], help="the latest load batches")
    history.add_argument("--limit", type=_positive, default=30)
    history.add_argument("--all", action="store_true", help="include the demo's batches")
    undo = commands.add_parser("undo", parents=[common], help="undo a batch")
    undo.add_argument("batch_id", type=_positive, metavar="BATCH_ID")
    template = commands.add_parser(
        "template", parents=[common], help="write a blank template with a worked example"
    )
    template.add_argument("kind", choices=[k.value for k in Kind], metavar="KIND")
    template.add_argument("-o", "--output", required=True, metavar="FILE", type=Path)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parser().parse_args(argv)
    lang: str = args.lang
    actor = args.by or _system_user()
    if args.command == "template":
        return _template(args.kind, args.output, lang)
    url = database_url()
    problem = url_problem(url)
    if problem is not None:
        state, detail = problem
        _fail(t("cli_bad_warehouse", lang, url=describe_url(url), detail=detail or state.value))
        return EXIT_USAGE
    engine = make_engine(url)
    try:
        return _run(args, engine, lang, actor)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        _fail(t("cli_warehouse_failed", lang, url=describe_url(url), detail=reason[:300]))
        return EXIT_REFUSED
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, engine: Engine, lang: str, actor: str) -> int:
    if args.command in ("check", "load"):
        files = _read_files(args.files, lang)
        if files is None:
            return EXIT_USAGE
        limits = Limits(max_bytes=args.max_mb * 1024 * 1024, max_rows=args.max_rows)
        if args.command == "check":
            report = service.check_files(engine, files, limits=limits)
            return _print_report(report, lang, loaded=False)
        try:
            report = service.load_files(
                engine, files, actor=actor, channel="cli", limits=limits, note=args.note
            )
        except service.LoadFailedError as error:
            _fail(t("cli_load_failed", lang, detail=str(error)))
            return EXIT_REFUSED
        return _print_report(report, lang, loaded=True)
    if args.command == "export":
        return _export(engine, args, lang)
    if args.command == "history":
        return _history(engine, args.limit, args.all, lang)
    return _undo(engine, args.batch_id, actor, lang)


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _fail(message: str) -> None:
    print(f"{PROGRAM}: {message}", file=sys.stderr)


def _read_files(names: Sequence[str], lang: str) -> list[Submitted] | None:
    files: list[Submitted] = []
    for name in names:
        path = Path(name)
        try:
            files.append(Submitted(path.name, path.read_bytes()))
        except OSError as error:
            _fail(t("cli_cannot_read", lang, file=name, detail=error.strerror or str(error)))
            return None
    return files


def _rows(count: int, lang: str) -> str:
    """``1 row`` / ``1.234 dòng``: a count of rows in the reader's format and plural."""
    return t_count("count_rows", lang, count)


def _print_report(report: service.Report, lang: str, *, loaded: bool) -> int:
    for checked, preview in zip(report.checked, report.previews, strict=True):
        if checked.is_ok:
            print(
                t("cli_file_passed", lang, file=checked.name, rows=_rows(checked.row_count, lang))
            )
            if preview is not None:
                print(
                    "  "
                    + t(
                        "cli_preview",
                        lang,
                        new=t_count("count_new_rows", lang, preview.rows_new),
                        replacing=_rows(preview.rows_replacing, lang),
                        changing=_rows(preview.rows_changing, lang),
                    )
                )
                for left in preview.left_as_is.itertuples():
                    print(
                        "  "
                        + t_count(
                            "count_cli_left_as_is",
                            lang,
                            int(float(str(left.rows))),
                            batch=left.batch_id,
                            file=left.source_name,
                        )
                    )
            continue
        print(
            t(
                "cli_file_refused",
                lang,
                file=checked.name,
                problems=t_count("count_problems", lang, len(checked.problems)),
                rows=_rows(checked.error_row_count, lang),
            )
        )
        for problem in checked.problems.to_dict("records"):
            print("  " + p.line(problem, lang))
    if not report.is_ok:
        print(t("cli_nothing_loaded" if loaded else "cli_refused", lang))
        return EXIT_REFUSED
    for batch in report.batches:
        print(
            t(
                "cli_batch_loaded",
                lang,
                batch=batch.batch_id,
                rows=_rows(batch.rows_loaded, lang),
                replaced=_rows(batch.rows_replaced, lang),
            )
        )
    return EXIT_OK


def _export(engine: Engine, args: argparse.Namespace, lang: str) -> int:
    output: Path = args.output
    file_format = output.suffix.lower().lstrip(".")
    if file_format not in ("csv", "xlsx"):
        _fail(t("cli_output_format", lang, file=str(output)))
        return EXIT_USAGE
    try:
        frame = service.export_month(engine, args.indicator, args.period, args.unit)
    except service.ExportError as error:
        _fail(str(error))
        return EXIT_USAGE if "unknown indicator" in str(error) else EXIT_REFUSED
    if not _write(output, service.table_bytes(frame, file_format), lang):
        return EXIT_USAGE
    print(t("cli_exported", lang, rows=_rows(len(frame), lang), file=str(output)))
    return EXIT_OK


def _template(kind: str, output: Path, lang: str) -> int:
    file_format = output.suffix.lower().lstrip(".")
    if file_format not in ("csv", "xlsx"):
        _fail(t("cli_output_format", lang, file=str(output)))
        return EXIT_USAGE
    if not _write(output, service.template_bytes(Kind(kind), file_format), lang):
        return EXIT_USAGE
    print(t("cli_template_written", lang, file=str(output)))
    return EXIT_OK


def _write(output: Path, data: bytes, lang: str) -> bool:
    try:
        output.write_bytes(data)
    except OSError as error:
        _fail(t("cli_cannot_write", lang, file=str(output), detail=error.strerror or str(error)))
        return False
    return True


def _history(engine: Engine, limit: int, include_demo: bool, lang: str) -> int:
    with engine.connect() as conn:
        frame = submissions.history(conn, limit=limit, include_demo=include_demo)
    if frame.empty:
        print(t("cli_history_empty", lang))
        return EXIT_OK
    for row in frame.itertuples():
        when = to_city_time(pd.Timestamp(str(row.loaded_at)).to_pydatetime()).strftime(
            "%Y-%m-%d %H:%M"
        )
        status = t(f"batch_status_{row.status}", lang)
        print(
            t(
                "cli_history_line",
                lang,
                batch=row.batch_id,
                when=when,
                kind=t(f"batch_kind_{row.batch_kind}", lang),
                file=p.shown_value(row.source_name),
                who=p.shown_value(row.submitted_by),
                rows=_rows(int(float(str(row.row_count))), lang),
                current=fmt_number(int(float(str(row.rows_current))), lang),
                status=status,
            )
        )
    return EXIT_OK


def _undo(engine: Engine, batch_id: int, actor: str, lang: str) -> int:
    try:
        result = service.undo(engine, batch_id, actor=actor)
    except UndoRefusedError as error:
        if error.reason == "replaced_later":
            later = ", ".join(
                t("cli_later_batch", lang, batch=b.batch_id, file=p.shown_value(b.source_name))
                for b in error.later
            )
            _fail(t("undo_refused_replaced_later", lang, batch=batch_id, later=later))
        else:
            _fail(t(f"undo_refused_{error.reason}", lang, batch=batch_id))
        return EXIT_REFUSED
    print(
        t(
            "cli_undone",
            lang,
            batch=batch_id,
            withdrawn=_rows(result.rows_withdrawn, lang),
            restored=_rows(result.rows_restored, lang),
        )
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["EXIT_OK", "EXIT_REFUSED", "EXIT_USAGE", "city_today", "main", "parser"]
