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
    assert markup.startswith('<div tabindex="0" role="region" aria-label="GRDP &lt;script&gt;')
    assert "<caption" in markup and f'class="{TABLE_CLASS}"' in markup


def test_the_first_column_heads_each_row_and_stays_in_view_when_scrolled_sideways() -> None:
    markup = table_html(_frame(), "vi", caption="Bảng")
    body = markup.split("<tbody>")[1]
    firsts = re.findall(r"<tr><(t[hd]) ([^>]*)>", body)
    assert [tag for tag, _ in firsts] == ["th", "th", "th"]
    assert all('scope="row"' in attrs and "position:sticky;left:0" in attrs for _, attrs in firsts)
    assert "overflow-x:auto" in markup.split(">")[0]
    # The other columns keep a least width: a wide table scrolls rather than squeezes.
    heads = re.findall(r'<th scope="col" style="([^"]*)"', markup)
    assert all("min-width:5.5rem" in style for style in heads[1:]), heads


def test_numbers_keep_their_value_and_a_missing_one_is_empty() -> None:
    markup = table_html(_frame(), "vi", caption="Bảng")
    assert 'data-value="1234.0">1.234<' in markup
    assert 'data-value="12.25">12,3<' in markup
    assert 'data-value="">—<' in markup
    # Right aligned; text cells left as they are, a short one kept on one line.
    assert re.search(r'text-align:right;white-space:nowrap" data-value="56.0"', markup)
    assert re.search(r'white-space:nowrap">tháng 9/2026<', markup)


def test_a_long_table_scrolls_inside_its_box_only_when_asked() -> None:
    assert "max-height" not in table_html(_frame(), "vi", caption="Bảng")
    assert "max-height:300px;overflow-y:auto" in table_html(
        _frame(), "vi", caption="Bảng", max_height=300
    )


def test_the_headers_of_a_table_scrolling_in_its_box_stay_in_view() -> None:
    """A long list (Online's procedures, Disbursement's investors) scrolls inside a box of
    420 px: its header row stays at the top, the first header above the row headers."""

    def heads(markup: str) -> list[str]:
        return re.findall(r'<th scope="col" style="([^"]*)"', markup)

    scrolling = heads(table_html(_frame(), "vi", caption="Bảng", max_height=300))
    assert len(scrolling) == 5
    assert all("position:sticky;top:0" in style for style in scrolling), scrolling
    # The last z-index written is the one the browser keeps.
    layers = [re.findall(r"z-index:(\d+)", style)[-1] for style in scrolling]
    assert layers == ["3", "2", "2", "2", "2"]
    assert not [s for s in heads(table_html(_frame(), "vi", caption="Bảng")) if "top:0" in s]


def test_a_wider_first_column_when_asked() -> None:
    """Disbursement's investors (long names) ask for a first column of 10 rem; the later
    ``min-width`` of the style is the one the browser keeps."""
    markup = table_html(_frame(), "vi", caption="Bảng", first_width=10)
    firsts = re.findall(r'<tr><t[hd] [^>]*style="([^"]*)"', markup)
    assert len(firsts) == 4  # the header row and three rows
    assert all(re.findall(r"min-width:([\d.]+rem)", s)[-1] == "10rem" for s in firsts), firsts
    plain = re.findall(r'<tr><t[hd] [^>]*style="([^"]*)"', table_html(_frame(), "vi", caption="B"))
    assert all(re.findall(r"min-width:([\d.]+rem)", s)[-1] == "7rem" for s in plain), plain
