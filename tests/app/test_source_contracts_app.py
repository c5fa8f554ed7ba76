"""Each contract of a declared source failing as it should (issue 14, "Done when"): for a
missing column, a numerator above its denominator, a rate below 0, a future month and a
stale source, the exact message on the data-governance page's source health, on the
Overview tile of that indicator, and from ``python -m data_access.sources check``, with a
non-zero exit; the other headline tiles keep their golden figures.

(Duplicate unit-months, unknown unit codes, an unreachable source and a malformed mapping
are in test_governance_sources_app.py and test_overview_sources_app.py.) A rate outside
0–100 is not a contract of its own: a declared rate is a numerator and a denominator, so it
is the "numerator within denominator" contract (above 100: numerator above the denominator;
below 0: a negative figure); both are checked here.

The satisfaction rate's source is broken in each case (tests/app/broken_sources.py). The
clock is pinned to the golden day, 2026-11-28 10:00 in the city. Its declared rows number
14,996 (this suite's own SQL, asserted below); the demo's last month is 2026-10.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_access import sources
from i18n.escape import escape_markdown
from metrics.registry import HEADLINE_CODES
from tests.app.broken_sources import SATISFACTION_FROM, contract_mapping
from tests.app.pages import frame, open_page
from tests.app.reading import GOLDEN_MOMENT, read_view, run_overview
from tests.app.test_governance_sources_app import _contracts

GOLDEN = yaml.safe_load(
    (Path(__file__).parents[1] / "golden" / "overview_demo.yaml").read_text(encoding="utf-8")
)["views"]
ROWS = 14996
"""The satisfaction rate's declared rows in the demo warehouse (checked by
:func:`test_the_declared_rows_are_counted_by_hand`)."""

# case: (language, contract's position, its name on screen, the exact message)
CASES = {
    "missing_column": (
        "en",
        1,
        "Columns and types",
        "1 of 4 promised columns are missing: denominator",
    ),
    "numerator_above_denominator": (
        "vi",
        4,
        "Tử số không vượt mẫu số",
        "1 trên 14.996 dòng có tử số lớn hơn mẫu số hoặc số âm (tỷ lệ ngoài khoảng 0–100%): "
        "unit_code=26737 month=2026-01-01 numerator=1001 denominator=1000",
    ),
    "rate_below_zero": (
        "en",
        4,
        "Numerator within denominator",
        "1 of 14,996 rows have a numerator above the denominator or a negative figure (a rate "
        "outside 0–100%): unit_code=26737 month=2026-01-01 numerator=-5 denominator=1403",
    ),
    "future_month": (
        "vi",
        5,
        "Không có tháng tương lai",
        "1 trên 14.997 dòng thuộc tháng sau tháng hiện tại (hôm nay 28/11/2026): "
        "unit_code=26737 month=2026-12-01",
    ),
    "stale": (
        "en",
        6,
        "Up to date",
        # 2026-10-31 + 2 days = 2026-11-02, and 2026-11-28 is 26 days after it.
        "stale: last month Oct 2026, promised within 2 days of a month's end, 26 days late",
    ),
}
WORDS = {
    "vi": {
        "tile": "Chưa đủ dữ liệu để đánh giá: nguồn số liệu không đạt kiểm tra “{}”: {}.",
        "pass": "✓ Đạt",
        "fail": "✕ Không đạt",
        "skip": "– Chưa kiểm tra",
        "cli": "  KHÔNG ĐẠT {}: {}",
        "cli_last": "1 nguồn không đạt kiểm tra: satisfaction_rate",
    },
    "en": {
        "tile": "Not yet assessable: the data source fails the check “{}”: {}.",
        "pass": "✓ Pass",
        "fail": "✕ Fail",
        "skip": "– Not checked",
        "cli": "  FAIL {}: {}",
        "cli_last": "1 sources fail their contracts: satisfaction_rate",
    },
}


def test_the_declared_rows_are_counted_by_hand(demo_warehouse_url):
    counted = frame(demo_warehouse_url, "SELECT COUNT(*) AS n " + SATISFACTION_FROM)
    assert int(counted.loc[0, "n"]) == ROWS
    figures = frame(
        demo_warehouse_url,
        "SELECT o.numerator, o.denominator "
        + SATISFACTION_FROM
        + " AND o.unit_id = '26737' AND o.period_month = '2026-01-01'",
    )
    assert list(figures.iloc[0]) == [1357.0, 1403.0]  # the row the broken cases change
    last = frame(demo_warehouse_url, "SELECT MAX(o.period_month) AS m " + SATISFACTION_FROM)
    assert str(last.loc[0, "m"])[:10] == "2026-10-01"


@pytest.mark.parametrize("case", list(CASES))
def test_each_contract_fails_as_it_should(
    monkeypatch, time_machine, tmp_path, capsys, demo_warehouse_url, case
):
    lang, at, contract, message = CASES[case]
    words = WORDS[lang]
    time_machine.move_to(GOLDEN_MOMENT)
    mapping = contract_mapping(tmp_path, case)
    monkeypatch.setenv(sources.SOURCES_FILE_VARIABLE, str(mapping))
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)

    # The check command: the failing contract's line, the summary, exit code 1.
    code = sources.main(["check", "--mapping", str(mapping), "--lang", lang])
    printed = capsys.readouterr().out.splitlines()
    assert code == 1
    assert words["cli"].format(sources.CONTRACTS[at], message) in printed
    assert printed[-1] == words["cli_last"]

    # Source health on the data-governance page.
    app = open_page(monkeypatch, demo_warehouse_url, "governance", lang=lang)
    table = _contracts(app, "satisfaction_rate")
    assert list(table.iloc[at]) == [contract, words["fail"], message]
    assert list(table.iloc[:at, 1]) == [words["pass"]] * at
    if case == "missing_column":  # the later checks need the columns
        assert list(table.iloc[at + 1 :, 1]) == [words["skip"]] * (len(sources.CONTRACTS) - 2)
    for other in ("online_dossier_share", "digital_economy_share_grdp"):
        assert list(_contracts(app, other).iloc[:, 1]) == [words["pass"]] * 7, other

    # The Overview: that tile says why; the other headline tiles show their figures.
    golden = GOLDEN[f"2026 {lang}"]
    overview = run_overview(monkeypatch, demo_warehouse_url, **golden["query"])
    seen = read_view(overview, HEADLINE_CODES)
    tile = seen["tiles"]["satisfaction_rate"]
    assert tile[1] == "warning: " + escape_markdown(words["tile"].format(contract, message))
    for other in HEADLINE_CODES:
        if other != "satisfaction_rate":
            assert seen["tiles"][other] == golden["tiles"][other], other
