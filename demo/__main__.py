"""``python -m demo``: build the demo warehouse.

    python -m demo [--url URL] [--last-month YYYY-MM] [--seed N] [--size S]
                   [--if-missing] [--replace]

Exit codes: 0 built (or, with ``--if-missing``, already there); 1 the build failed (the
warehouse is left as it was); 2 bad arguments. Messages are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from data_access.engine import URL_ENVIRONMENT_VARIABLE, database_url, describe_url
from demo.build import (
    build_demo_warehouse,
    count_observations,
    default_last_month,
    validate_options,
)
from demo.generator import SIZES
from metrics.clock import utc_now

PROGRAM = "python -m demo"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROGRAM}: {message}; see `{PROGRAM} --help`\n")


def _month(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", text) or not 1 <= int(text[5:]) <= 12:
        raise argparse.ArgumentTypeError(
            f"--last-month must look like 2026-10 (YYYY-MM); got {text!r}"
        )
    return dt.date(int(text[:4]), int(text[5:]), 1)


def _seed(text: str) -> int:
    if not re.fullmatch(r"\d{1,18}", text):
        raise argparse.ArgumentTypeError(
            f"--seed must be a non-negative whole number; got {text!r}"
        )
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    result = _Parser(
        prog=PROGRAM,
        description=(
            "Build the demo warehouse (demo data, calibrated to the city's published figures): "
            "run the migrations, then load units, the indicator registry, the published "
            "figures and monthly demo observations from January 2020."
        ),
    )
    result.add_argument(
        "--url",
        help=f"SQLAlchemy URL of the warehouse (default: ${URL_ENVIRONMENT_VARIABLE}, "
        "else the embedded SQLite file var/warehouse.sqlite)",
    )
    result.add_argument(
        "--last-month",
        type=_month,
        metavar="YYYY-MM",
        help="last month generated (default: the last complete month in Asia/Ho_Chi_Minh)",
    )
    result.add_argument(
        "--seed", type=_seed, default=20251, metavar="N", help="random seed (default 20251)"
    )
    result.add_argument(
        "--size",
        choices=SIZES,
        default="S",
        help="data size: S is the demo; M and L add the benchmark tiers' synthetic bulk "
        "(demo/tiers.py)",
    )
    group = result.add_mutually_exclusive_group()
    group.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing (exit 0) when the warehouse already has observations",
    )
    group.add_argument(
        "--replace",
        action="store_true",
        help="remove the demo data of a warehouse that holds only demo data, then build "
        "(a warehouse with any other data is refused, unchanged)",
    )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = parser().parse_args(argv)
    url = args.url or database_url()
    try:
        make_url(url)
    except ArgumentError:
        print(
            f"{PROGRAM}: --url {url!r} is not a database URL; use e.g. "
            "sqlite:///var/warehouse.sqlite or postgresql+psycopg://user@host/db",
            file=sys.stderr,
        )
        return 2
    last_month = args.last_month or default_last_month()
    try:
        validate_options(last_month, args.seed, args.size, utc_now())
    except ValueError as error:
        print(f"{PROGRAM}: {error}; choose another --last-month", file=sys.stderr)
        return 2
    shown = describe_url(url)
    try:
        if args.if_missing and count_observations(url):
            print(f"warehouse at {shown} already has data; nothing to do")
            return 0
        report = build_demo_warehouse(
            url, last_month=last_month, seed=args.seed, size=args.size, replace=args.replace
        )
    except ValueError as error:
        print(f"{PROGRAM}: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(f"{PROGRAM}: the warehouse at {shown} failed: {reason}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
