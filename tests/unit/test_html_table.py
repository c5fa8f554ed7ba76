"""A small table as one plain HTML block (app_pages/_html_table.table_html): every cell as
written by hand below, text from outside escaped and stripped of invisible characters, numbers
in the reader's language with their value kept for reading back, the first column each row's
header and held in view on a phone, the scrolling box named and reachable by keyboard."""

from __future__ import annotations

import re

import pandas as pd

from app_pages._html_table import TABLE_CLASS, table_html


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Đơn vị <i>": ["Phường <b>Một</b>", "Xã Hai & Ba\u202e", "Xã Bốn"],
            "Giá trị (tỷ đồng)": [1234.0, 56.0, float("nan")],
            "Tỷ trọng (%)": [12.25, 3.5, 84.25],
            "Hạng": pd.array([1, 2, None], dtype="Int64"),
            "Tháng": ["tháng 10/2026", "tháng 9/2026", None],
        }
    )


def _rows(markup: str) -> list[list[str]]:
    body = markup.split("<tbody>")[1]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_cells_read_as_written_by_hand_in_vietnamese_and_english() -> None:
    assert _rows(table_html(_frame(), "vi", caption="Bảng")) == [
        ["Phường &lt;b&gt;Một&lt;/b&gt;", "1.234", "12,3", "1", "tháng 10/2026"],
        ["Xã Hai &amp; Ba", "56", "3,5", "2", "tháng 9/2026"],
        ["Xã Bốn", "—", "84,3", "—", "—"],
    ]
    assert _rows(table_html(_frame(), "en", caption="Table"))[0][1:3] == ["1,234", "12.3"]


def test_headers_and_caption_are_escaped_and_the_box_is_named_and_focusable() -> None:
    markup = table_html(_frame(), "en", caption='GRDP <script>alert("x")</script>')
    assert "<script>" not in markup and "<i>" not in markup and "<b>" not in markup
    assert "\u202e" not in markup
    assert '<th scope="col"' in markup and "Đơn vị &lt;i&gt;" in markup
    box = markup[markup.index("</style>") + len("</style>") :]
    assert box.startswith('<div tabindex="0" role="region" aria-label="GRDP &lt;script&gt;')
    assert "<caption" in markup and f'class="{TABLE_CLASS}"' in markup


def _rules(markup: str) -> dict[str, str]:
    """The class rules of the ``<style>`` blocks in ``markup``: selector -> declarations (a
    selector list split, a later rule for the same selector appended, as the browser reads
    them in order)."""
    rules: dict[str, str] = {}
    for block in re.findall(r"<style>(.*?)</style>", markup, flags=re.S):
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", block):
            for selector in selectors.split(","):
                key = selector.strip()
                rules[key] = f"{rules[key]};{body}" if key in rules else body
    return rules


def test_no_cell_carries_an_inline_style_the_rules_are_written_once() -> None:
    """Issue 12: the same inline style on every cell made Disbursement's 191 investors 165 KB
    of HTML. Each cell now carries at most a one-letter class; the rules come once, in one
    ``<style>`` block before the table."""
    markup = table_html(_frame(), "vi", caption="Bảng", max_height=300, first_width=10)
    assert not re.findall(r"<t[hdr][^>]*style=", markup)
    assert set(re.findall(r'<t[hd][^>]* class="([^"]*)"', markup)) <= {"n", "s", "r"}
    assert markup.count("<style>") == 2  # the table's rules and its wider first column
    assert markup.index("</style>") < markup.index("<div")


def test_the_first_column_heads_each_row_and_stays_in_view_when_scrolled_sideways() -> None:
    markup = table_html(_frame(), "vi", caption="Bảng")
    body = markup.split("<tbody>")[1]
    firsts = re.findall(r"<tr><(t[hd]) ([^>]*)>", body)
    assert [tag for tag, _ in firsts] == ["th", "th", "th"]
    assert all('scope="row"' in attrs for _, attrs in firsts)
    rules = _rules(markup)
    for held in (f".{TABLE_CLASS} tbody th", f".{TABLE_CLASS} thead th:first-child"):
        assert "position:sticky;left:0" in rules[held], held
        assert "min-width:7rem" in rules[held], held
    assert "background:#fff" in rules[f".{TABLE_CLASS} tbody th"]
    assert "overflow-x:auto" in markup.split("<div")[1].split(">")[0]
    # The other columns keep a least width: a wide table scrolls rather than squeezes.
    assert "min-width:5.5rem" in rules[f".{TABLE_CLASS} thead th"]


def test_numbers_keep_their_value_and_a_missing_one_is_empty() -> None:
    markup = table_html(_frame(), "vi", caption="Bảng")
    assert 'data-value="1234.0">1.234<' in markup
    assert 'data-value="12.25">12,3<' in markup
    assert 'data-value="">—<' in markup
    # Right aligned on one line; text cells left as they are, a short one kept on one line.
    assert '<td class="n" data-value="56.0">56<' in markup
    assert '<td class="s">tháng 9/2026<' in markup
    assert '<th scope="row">Phường &lt;b&gt;Một&lt;/b&gt;<' in markup  # long: may wrap
    assert '<th scope="row" class="s">Xã Bốn<' in markup
    assert re.findall(r'<th scope="col"( class="r")?>', markup) == ["", *[' class="r"'] * 3, ""]
    rules = _rules(markup)
    assert "text-align:right;white-space:nowrap" in rules[f".{TABLE_CLASS} td.n"]
    assert "white-space:nowrap" in rules[f".{TABLE_CLASS} .s"]
    assert "text-align:right" in rules[f".{TABLE_CLASS} thead th.r"]


def test_a_long_table_scrolls_inside_its_box_only_when_asked() -> None:
    assert "max-height" not in table_html(_frame(), "vi", caption="Bảng")
    assert "max-height:300px;overflow-y:auto" in table_html(
        _frame(), "vi", caption="Bảng", max_height=300
    )


def test_the_headers_of_a_table_scrolling_in_its_box_stay_in_view() -> None:
    """A long list (Online's procedures, Disbursement's investors) scrolls inside a box of
    420 px: its header row stays at the top, the first header above the row headers."""
    scrolling = table_html(_frame(), "vi", caption="Bảng", max_height=300)
    assert f'<table class="{TABLE_CLASS} dash-scroll">' in scrolling
    rules = _rules(scrolling)
    heads = f".{TABLE_CLASS}.dash-scroll thead th"
    assert "position:sticky;top:0;z-index:2" in rules[heads]
    assert "z-index:3" in rules[f"{heads}:first-child"]
    assert "z-index:1" in rules[f".{TABLE_CLASS} tbody th"]
    assert f'<table class="{TABLE_CLASS}">' in table_html(_frame(), "vi", caption="Bảng")


def test_a_wider_first_column_when_asked() -> None:
    """Disbursement's investors (long names) ask for a first column of 10 rem: a rule of the
    table's own class, more specific than the 7 rem of every table."""
    markup = table_html(_frame(), "vi", caption="Bảng", first_width=10)
    assert f'<table class="{TABLE_CLASS} dash-first-10">' in markup
    rules = _rules(markup)
    for held in ("tbody th", "thead th:first-child"):
        assert rules[f".{TABLE_CLASS}.dash-first-10 {held}"] == "min-width:10rem", held
    plain = table_html(_frame(), "vi", caption="B")
    assert "dash-first" not in plain and plain.count("<style>") == 1
    assert "dash-first-7-5" in table_html(_frame(), "vi", caption="B", first_width=7.5)
