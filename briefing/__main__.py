"""``python -m briefing``: make the briefing PDF from the command line.

Examples::

    python -m briefing --lang vi -o bao-cao.pdf
    python -m briefing --lang en --pages online,disbursement --as-of 2026-11-10
    python -m briefing --province binh_duong --type ward --type commune --year 2026

It reads the configured warehouse (``DASHBOARD_DB_URL``, else the embedded demo warehouse), or
``--url``. Exit codes: 0 made, 1 refused or failed (the reason is printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from briefing.charts import ChartExportError
from briefing.collect import PAGES, collect, configured_source, default_year_for
from briefing.pdf import file_name, render_pdf
from data_access import queries
from data_access.engine import database_url, describe_url, make_engine, url_problem
from data_access.queries import UnitFilter
from i18n import LANGUAGES, fmt_date, t
from metrics.clock import city_today, to_city_time
from metrics.links import parse_as_of, plain_text
from metrics.reference import FORMER_PROVINCES, LEAF_UNIT_TYPES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m briefing",
        description="Make the briefing (Báo cáo tóm tắt) PDF: the written summary, the "
        "Overview and the chosen indicator pages.",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="vi", help="language (default vi)")
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help=f"indicator pages after the Overview, comma-separated: {', '.join(PAGES)} "
        "(default all; 'none' for the Overview alone)",
    )
    parser.add_argument("--year", type=int, help="the year (default: as the Overview opens)")
    parser.add_argument(
        "--province",
        action="append",
        choices=tuple(FORMER_PROVINCES),
        default=[],
        help="a former province (repeat for several; default the whole city)",
    )
    parser.add_argument(
        "--type",
        action="append",
        choices=LEAF_UNIT_TYPES,
        default=[],
        dest="unit_types",
        help="a unit type (repeat for several)",
    )
    parser.add_argument(
        "--as-of", help="the figures as they stood at the end of this day (YYYY-MM-DD)"
    )
    parser.add_argument("-o", "--output", help="the PDF to write (default: its own name, here)")
    parser.add_argument("--url", help="the warehouse URL (default: the configured one)")
    return parser


def _pages(text: str) -> list[str] | None:
    if text.strip().lower() == "none":
        return []
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    if not chosen or any(page not in PAGES for page in chosen):
        return None
    return list(dict.fromkeys(chosen))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    lang = args.lang
    pages = _pages(args.pages)
    if pages is None:
        parser.error(
            t("briefing_cli_bad_pages", lang, value=plain_text(args.pages), pages=", ".join(PAGES))
        )
    url = args.url or database_url()
    today = city_today()
    problem = url_problem(url)
    if problem is not None:
        state, detail = problem
        print(
            t("briefing_cli_warehouse", lang, url=describe_url(url), detail=detail or state.value),
            file=sys.stderr,
        )
        return 1
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            first = queries.first_load_at(conn)
        first_day = to_city_time(first).date() if first is not None else None
        as_of_day = None
        if args.as_of is not None:
            as_of_day, refusal = parse_as_of(args.as_of, first_day, today)
            if refusal is not None:
                print(
                    t(
                        f"briefing_cli_as_of_{refusal.problem.value}",
                        lang,
                        value=refusal.value,
                        first=fmt_date(first_day, lang),
                        today=fmt_date(today, lang),
                    ),
                    file=sys.stderr,
                )
                return 1
        day = as_of_day or today
        year = args.year if args.year is not None else default_year_for(engine, day, as_of_day)
        data = collect(
            configured_source(engine, url, today),
            year,
            UnitFilter(tuple(args.province), tuple(args.unit_types)),
            day,
            as_of_day,
        )
    except SQLAlchemyError as error:
        detail = (str(error).strip().splitlines() or [""])[0][:300]
        print(
            t("briefing_cli_warehouse", lang, url=describe_url(url), detail=detail),
            file=sys.stderr,
        )
        return 1
    if not data.shown:
        print(t("briefing_no_data", lang, year=year), file=sys.stderr)
        return 1
    try:
        pdf = render_pdf(data, pages, lang, made_on=today)
    except ChartExportError as error:
        print(t("briefing_chart_failed", lang, reason=str(error)), file=sys.stderr)
        return 1
    path = Path(args.output) if args.output else Path(file_name(data, lang))
    try:
        path.write_bytes(pdf)
    except OSError as error:
        print(
            t("briefing_cli_cannot_write", lang, path=str(path), reason=error.strerror or error),
            file=sys.stderr,
        )
        return 1
    print(t("briefing_cli_done", lang, path=str(path), size=len(pdf) // 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
