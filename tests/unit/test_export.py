"""Downloads (metrics/export.py): exactly the table shown, safe to open in a spreadsheet."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from metrics.export import (
    FORMULA_PREFIXES,
    file_stem,
    neutralise_formulas,
    to_csv_bytes,
    to_xlsx_bytes,
)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(prefix: str) -> None:
    """Regression: the formula guard was never called by a test; a no-op survived."""
    frame = pd.DataFrame({"name": [f'{prefix}HYPERLINK("http://x")', "Phường Tân Định"]})
    out = neutralise_formulas(frame)
    assert out["name"].tolist() == [f'\'{prefix}HYPERLINK("http://x")', "Phường Tân Định"]
    assert frame["name"].iloc[0].startswith(prefix)  # the input is untouched


def test_the_prefixes_are_the_spreadsheet_ones() -> None:
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


def test_numbers_and_text_inside_are_left_alone() -> None:
    frame = pd.DataFrame({"value": [-1.5, 2.0], "note": ["a=b", "x-1"], "n": [-3, 4]})
    out = neutralise_formulas(frame)
    assert out["value"].tolist() == [-1.5, 2.0]
    assert out["n"].tolist() == [-3, 4]
    assert out["note"].tolist() == ["a=b", "x-1"]


def test_a_text_column_with_gaps_keeps_them() -> None:
    out = neutralise_formulas(pd.DataFrame({"name": ["=1", None, 3]}, dtype=object))
    assert out["name"].tolist() == ["'=1", None, 3]


def test_csv_is_utf8_with_a_byte_order_mark_and_guarded() -> None:
    frame = pd.DataFrame(
        {"Đơn vị": ["=cmd|' /C calc'!A0", "Xã Bình Mỹ"], "Tỷ lệ (%)": [-2.5, 61.0]}
    )
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "Đơn vị,Tỷ lệ (%)",
        "'=cmd|' /C calc'!A0,-2.5",
        "Xã Bình Mỹ,61.0",
    ]


def test_xlsx_holds_the_same_cells_guarded_in_one_named_sheet() -> None:
    frame = pd.DataFrame({"Đơn vị": ["@SUM(A1)", "Phường Sài Gòn"], "Tỷ lệ (%)": [-2.5, 61.0]})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, "tong-quan")))
    assert book.sheetnames == ["tong-quan"]
    rows = list(book["tong-quan"].iter_rows(values_only=True))
    assert rows == [("Đơn vị", "Tỷ lệ (%)"), ("'@SUM(A1)", -2.5), ("Phường Sài Gòn", 61.0)]


def test_xlsx_sheet_names_are_cut_to_31_characters_and_default_to_data() -> None:
    frame = pd.DataFrame({"a": [1]})
    long_name = "x" * 40
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, long_name))).sheetnames == [
        "x" * 31
    ]
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).sheetnames == ["data"]


def test_xlsx_columns_are_as_wide_as_their_longest_cell_up_to_60() -> None:
    frame = pd.DataFrame({"ab": ["x" * 10, "y"], "c": ["z" * 100, "w"], "long header": [1, 2]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    # longest of header and cells, + 2; capped at 60 (xlsxwriter stores widths + 0.71)
    assert [round(w) for w in widths] == [round(12 + 0.71), round(60 + 0.71), round(13 + 0.71)]


ABOUT = [
    ("Trang", "Tổng quan"),
    ("Bộ lọc", "Năm 2026,\n  toàn   Thành phố"),
    ("Nguồn", "=HYPERLINK(1)"),
]


def test_csv_about_lines_come_first_each_after_a_hash() -> None:
    data = to_csv_bytes(pd.DataFrame({"a": [1]}), ABOUT).decode("utf-8-sig")
    assert data.splitlines() == [
        "# Trang: Tổng quan",
        "# Bộ lọc: Năm 2026, toàn Thành phố",
        "# Nguồn: =HYPERLINK(1)",
        "a",
        "1",
    ]
    assert pd.read_csv(io.StringIO(data), comment="#")["a"].tolist() == [1]


def test_xlsx_about_is_a_second_sheet_of_label_and_value_guarded() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), "t", ABOUT)))
    assert book.sheetnames == ["t", "about"]
    rows = list(book["about"].iter_rows(values_only=True))
    assert rows == [
        ("Trang", "Tổng quan"),
        ("Bộ lọc", "Năm 2026,\n  toàn   Thành phố"),
        ("Nguồn", "'=HYPERLINK(1)"),
    ]
    widths = [round(book["about"].column_dimensions[c].width) for c in "AB"]
    assert widths == [round(28 + 0.71), round(100 + 0.71)]
    assert openpyxl.load_workbook(
        io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]})))
    ).sheetnames == ["data"]


def test_xlsx_about_sheet_name_is_cut_to_31_characters_and_only_two_columns_are_widened() -> None:
    about_sheet = "Thông tin " + "y" * 30
    data = to_xlsx_bytes(pd.DataFrame({"a": [1]}), about=ABOUT, about_sheet=about_sheet)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["data", about_sheet[:31]]
    sheet = book[about_sheet[:31]]
    # label 28 wide, value 100 (xlsxwriter stores widths + 0.71); each exactly one column
    widths = {
        letter: (d.min, d.max, round(d.width)) for letter, d in sheet.column_dimensions.items()
    }
    assert widths == {"A": (1, 1, 29), "B": (2, 2, 101)}


def test_xlsx_column_width_reads_only_the_first_200_rows() -> None:
    """A long cell after the 200th row does not widen its column."""
    frame = pd.DataFrame({"a": ["x"] * 200 + ["y" * 30] + ["x"] * 4})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert round(sheet.column_dimensions["A"].width) == round(1 + 2 + 0.71)
    frame = pd.DataFrame({"a": ["x"] * 199 + ["y" * 30] + ["x"] * 4})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert round(sheet.column_dimensions["A"].width) == round(30 + 2 + 0.71)


@pytest.mark.parametrize(
    ("parts", "stem"),
    [
        (("Đồng Nai", "đường Điện Biên Phủ"), "dong-nai-duong-dien-bien-phu"),
        (("ĐÀ LẠT",), "da-lat"),
        (("  Phường 1 (cũ) ", "", "2026"), "phuong-1-cu-2026"),
        (("-Bình Dương-",), "binh-duong"),
        (("a" * 130,), "a" * 120),
    ],
)
def test_file_stem_is_ascii_lower_case_and_hyphens(parts: tuple[str, ...], stem: str) -> None:
    """đ and Đ have no accent to strip: they become d, not nothing."""
    assert file_stem(*parts) == stem


HIDDEN_FORMULAS = ['\u202e=HYPERLINK("https://evil.example","x")', "\u200b=1+1", "\u2066\x07+1"]
"""A formula behind an invisible character: stripped, it would run."""


@pytest.mark.parametrize("cell", HIDDEN_FORMULAS)
def test_a_formula_behind_an_invisible_character_is_stripped_then_neutralised(cell: str) -> None:
    bare = cell.lstrip("\u202e\u200b\u2066\x07")
    frame = pd.DataFrame({"Đơn vị\u200f": [cell, "Phường\u202e Tân\x1b Định"]})
    assert neutralise_formulas(frame)["Đơn vị"].tolist() == ["'" + bare, "Phường Tân Định"]
    csv_rows = to_csv_bytes(frame, [("Phạm vi", "Phường\u202e A")]).decode("utf-8-sig")
    assert csv_rows.splitlines() == [
        "# Phạm vi: Phường A",
        "Đơn vị",
        "\"'" + bare.replace('"', '""') + '"' if '"' in bare else "'" + bare,
        "Phường Tân Định",
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, about=[("x", "\u202e=1")])))
    assert list(book["data"].iter_rows(values_only=True)) == [
        ("Đơn vị",),
        ("'" + bare,),
        ("Phường Tân Định",),
    ]
    assert list(book["about"].iter_rows(values_only=True)) == [("x", "'=1")]


def test_line_breaks_and_tabs_stay_in_a_download_cell() -> None:
    frame = pd.DataFrame({"note": ["a\r\nb\tc", "\r=1"]})
    assert neutralise_formulas(frame)["note"].tolist() == ["a\r\nb\tc", "'\r=1"]


def _sheet_xml(workbook: bytes) -> tuple[str, list[str]]:
    """The first sheet's XML and the names of the workbook's parts (a hyperlink adds a
    ``_rels`` part to the sheet)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(workbook)) as parts:
        return parts.read("xl/worksheets/sheet1.xml").decode("utf-8"), parts.namelist()


def test_xlsx_writes_array_formulas_and_links_as_plain_text() -> None:
    """Regression (review of 29 November): xlsxwriter's defaults turned ``{=HYPERLINK(…)}``
    into an array formula and a cell looking like a link into a live hyperlink, whatever
    the apostrophe guard did (it guards = + - @ at the start, not ``{``)."""
    cells = ['{=HYPERLINK("http://evil.example","x")}', "http://evil.example/a"]
    xml, names = _sheet_xml(to_xlsx_bytes(pd.DataFrame({"name": cells})))
    assert "<f" not in xml
    assert "hyperlink" not in xml.lower()
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in names
    read = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"name": cells})))).active
    assert [read.cell(row=r, column=1).value for r in (2, 3)] == cells


def test_a_header_behind_an_invisible_character_is_guarded_too() -> None:
    """Regression (review of 29 November): headers were stripped of invisible characters
    but not guarded, so "\\u200b=HYPERLINK(…)" became a bare formula."""
    header = '\u200b=HYPERLINK("http://evil.example","x")'
    frame = pd.DataFrame({header: [1]})
    assert list(neutralise_formulas(frame).columns) == ['\'=HYPERLINK("http://evil.example","x")']
    xml, _ = _sheet_xml(to_xlsx_bytes(frame))
    assert "<f" not in xml
    # Quoted, since it holds commas: the cell reads '=HYPERLINK(…), text.
    assert to_csv_bytes(frame).decode("utf-8-sig").splitlines()[0].startswith("\"'=HYPERLINK")
