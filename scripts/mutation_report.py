"""Print the mutation score of `make mutation`, per package and per module.

Reads mutmut's results (``mutmut results --all true``) and the list of equivalent mutants
in README.md (the table between ``<!-- equivalent mutants -->`` and
``<!-- /equivalent mutants -->``). Score = killed ÷ (all − equivalent); a mutant no test
reaches ("no tests") or that survived counts against it; a timeout counts as killed (the
mutant made the tests hang). Mutants not run yet are shown apart and left out.

    .venv/bin/python scripts/mutation_report.py [--survivors]
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {"killed", "timeout"}
NOT_RUN = {"not checked", "skipped"}
_LINE = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")
_EQUIVALENT = re.compile(r"^\|\s*`(?P<name>[^`]+__mutmut_\d+)`\s*\|")


def results() -> dict[str, str]:
    """Every mutant's name and status, from mutmut."""
    mutmut = Path(sys.executable).with_name("mutmut")
    out = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = _LINE.match(line)
        if match:
            found[match["name"]] = match["status"]
    return found


def equivalent_mutants() -> set[str]:
    """The mutants README.md lists as equivalent (with the reason beside each)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.find("<!-- equivalent mutants -->")
    end = text.find("<!-- /equivalent mutants -->")
    if start < 0 or end < 0:
        return set()
    return {
        match["name"] for line in text[start:end].splitlines() if (match := _EQUIVALENT.match(line))
    }


def module_of(name: str) -> str:
    """``metrics.clock.x_city_today__mutmut_3`` → ``metrics.clock``."""
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]


def package_of(module: str) -> str:
    return module if module.startswith("i18n") else module.split(".")[0]


def score(counts: Counter[str]) -> str:
    counted = counts["total"] - counts["equivalent"]
    if counted <= 0:
        return "—"
    return f"{100 * counts['killed'] / counted:5.1f} %"


def main(argv: list[str]) -> int:
    statuses = results()
    equivalent = equivalent_mutants()
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[str] = []
    for name, status in sorted(statuses.items()):
        counts = by_module[module_of(name)]
        if status in NOT_RUN:
            counts["not run"] += 1
            continue
        counts["total"] += 1
        if name in equivalent:
            counts["equivalent"] += 1
        elif status in KILLED:
            counts["killed"] += 1
        else:
            counts[status] += 1
            survivors.append(f"{name}: {status}")
    by_package: dict[str, Counter[str]] = defaultdict(Counter)
    for module, counts in by_module.items():
        by_package[package_of(module)].update(counts)
    header = f"{'':28} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9} "
    header += f"{'no tests':>9} {'not run':>8} {'score':>8}"
    for title, table in (("package", by_package), ("module", by_module)):
        print(f"\nmutation score by {title}")
        print(header)
        for key in sorted(table):
            c = table[key]
            print(
                f"{key:28} {c['total']:8} {c['killed']:7} {c['equivalent']:7} "
                f"{c['survived']:9} {c['no tests']:9} {c['not run']:8} {score(c):>8}"
            )
    everything = Counter[str]()
    for counts in by_package.values():
        everything.update(counts)
    print(f"\nall: {score(everything)} of {everything['total'] - everything['equivalent']} ")
    if "--survivors" in argv:
        print("\n".join(["", "not killed:", *survivors]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
