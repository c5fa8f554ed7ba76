"""The ranking's light list (app_pages/_rankings.ranking_list_html): the rows in the order
given, each figure written by hand below, warehouse text escaped, the status in its colour,
symbol and word."""

from __future__ import annotations

import re

import pandas as pd

from app_pages._rankings import ranking_list_html
from metrics.registry import get_indicator

ONLINE = get_indicator("online_dossier_share")
DISBURSEMENT = get_indicator("public_investment_disbursement")


def _shown() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_id": ["1", "2", "3"],
            "name_vi": ["Phường <b>Một</b>", "Phường Hai & Ba", "Xã Bốn"],
            "name_en": ["Ward <b>One</b>", "Ward Two & Three", "Commune Four"],
            "peer_rank": [1, 2, 3],
            "peer_count": [3, 3, 3],
            "value": [62.4, 48.0, float("nan")],
            "benchmark": [50.0, 50.0, 50.0],
            "unit_status": ["on_track", "off_track", "not_assessable"],
            "is_small_denominator": [False, True, False],
        }
    )


def _cells(markup: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", markup.split("<tbody>")[1])
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_each_row_reads_rank_unit_result_gap_and_status_in_vietnamese() -> None:
    cells = _cells(ranking_list_html(_shown(), ONLINE, "vi", "Phường"))
    # 62,4 − 50 = +12,4 points; 48,0 − 50 = −2,0 points (a small denominator: 48,0*);
    # no value: no gap. Bare numbers: the headers carry the units.
    assert [row[:4] for row in cells] == [
        ["1/3", "Phường &lt;b&gt;Một&lt;/b&gt;", "62,4", "+12,4"],
        ["2/3", "Phường Hai &amp; Ba", "48,0*", "−2,0"],
        ["3/3", "Xã Bốn", "—", "—"],
    ]
    assert cells[0][4] == '<span style="color:#0072B2;font-weight:700">✓</span> Đúng tiến độ'
    assert cells[1][4] == '<span style="color:#D55E00;font-weight:700">✕</span> Chậm tiến độ'
    assert cells[2][4].endswith("?</span> Chưa đủ dữ liệu để đánh giá")


def test_english_names_headers_and_the_group_in_the_caption() -> None:
    markup = ranking_list_html(_shown(), DISBURSEMENT, "en", "Wards")
    assert [row[1] for row in _cells(markup)] == [
        "Ward &lt;b&gt;One&lt;/b&gt;",
        "Ward Two &amp; Three",
        "Commune Four",
    ]
    headers = re.findall(r"<th [^>]*>(.*?)</th>", markup)
    assert headers == ["Rank", "Unit", "Result (%)", "Gap (pp)", "Status"]
    assert "Ranked within the group: Wards</caption>" in markup
    # The box scrolls, so the keyboard reaches it and it is named (axe: WCAG 2.1.1).
    assert '<div tabindex="0" role="region" aria-label="Ranked within the group: Wards"' in markup
    assert "<b>" not in markup


def test_no_cell_carries_an_inline_style_the_rules_are_written_once() -> None:
    """Issue 12: the list's rules come once, in a ``<style>`` block before it, not on every
    cell; only the status mark keeps its colour inline (one per row)."""
    markup = ranking_list_html(_shown(), ONLINE, "vi", "Phường")
    assert markup.startswith("<style>") and markup.count("<style>") == 1
    assert not re.findall(r"<t[hdr][^>]*style=", markup)
    assert re.findall(r"<td( class=\"[rn]\")?>", markup.split("<tbody>")[1].split("</tr>")[0]) == [
        ' class="r"',
        "",
        ' class="n"',
        ' class="n"',
        "",
    ]
    block = markup.split("</style>")[0]
    assert ".dash-rank th{text-align:left;position:sticky;top:0;background:#fff}" in block
    assert ".dash-rank .n{white-space:nowrap}" in block
    assert '<table class="dash-rank">' in markup
