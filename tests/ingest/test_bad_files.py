"""The loader refuses bad files with exact messages, and a refused file changes no table.

The cases that are attacks (size, type, encoding, NUL bytes, HTML) are rows of the security
table, ``tests/security/test_security_table.py``, with the same checks.

Each case is a file and the exact lines the loader must say (Vietnamese; a few in English
too). ``check`` must leave every table of the warehouse as it was (row counts and
checksums); a refused ``load`` too, except the record of submitted files and the audit
log, which gain exactly the refusal.
"""

from __future__ import annotations

import io
import random
import zipfile

import pandas as pd
import pytest

from data_access.engine import make_engine
from ingest import problems as p
from ingest import service
from ingest.read import Submitted
from tests.ingest.warehouse import TODAY, current, fingerprint, small_warehouse

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
ROW = "online_dossier_share,25747,2026-10,60,100\n"
PLAN_HEADER = "unit_code,plan_year,effective_date,plan_billion_vnd,source_document\n"
ALLOWED = "indicator_code, unit_code, period, plan_year, breakdown, numerator, denominator, value"
NUMBER_HINT = (
    "không phải số; viết số không có dấu phân cách hàng nghìn, dùng dấu chấm cho phần "
    "thập phân (ví dụ 1234.5)"
)
MARKUP = (
    "chứa ký tự định dạng (<, >, `, [, ], *, |, \\); hãy chỉ ghi chữ, số và dấu câu thông thường"
)
FORMULA = (
    "bắt đầu bằng =, +, -, @ hoặc ký tự tab: bảng tính sẽ chạy như một công thức; hãy bỏ ký tự đầu"
)
UTF8_HINT = "hãy lưu lại dạng «CSV UTF-8 (phân tách bằng dấu phẩy)»"


def _junk() -> bytes:
    return random.Random(42).randbytes(4096)


def _first_control(data: bytes) -> int:
    """Independently of the loader: the first byte below 32 that is not a tab or newline."""
    return next(i for i, b in enumerate(data) if b < 32 and b not in (9, 10, 13))


def _zip_of(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"indicator_code": ["online_dossier_share"]}).to_excel(buffer, index=False)
    return buffer.getvalue()


def _plan_workbook(document: str) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(
        {
            "unit_code": ["25747"],
            "plan_year": [2026],
            "effective_date": ["2026-07-01"],
            "plan_billion_vnd": [100],
            "source_document": [document],
        }
    ).to_excel(buffer, index=False)
    return buffer.getvalue()


def _plan_workbook_with_formula_number() -> bytes:
    """A plan whose amount is a formula (xlsxwriter stores 0 as its result, never computed)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_plan_workbook("QĐ 1/QĐ-UBND")))
    book.active["D2"] = "=40+60"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_HUGE = "x" * 100_000

CASES = [
    (
        "wrong columns",
        "bad.csv",
        ("indicator_code,unit,period,numerator,denominator\n" + ROW).encode(),
        [
            f"bad.csv, dòng 1, cột «unit»: cột này không có trong mẫu tải lên; các cột được "
            f"nhận: {ALLOWED}",
            "bad.csv, dòng 1, cột «unit_code»: thiếu cột bắt buộc; hãy dùng dòng tiêu đề của "
            "mẫu tải lên",
        ],
    ),
    (
        "wrong types",
        "bad.csv",
        (HEADER + "online_dossier_share,25747,10/2026,sáu mươi,1.234,5\n").encode(),
        [
            "bad.csv: dòng 2 có 6 ô, dòng tiêu đề có 5 ô; kiểm tra dấu phẩy thừa hoặc thiếu "
            "(ô có dấu phẩy phải đặt trong ngoặc kép)",
        ],
    ),
    (
        "wrong types in their cells",
        "bad.csv",
        (HEADER + 'online_dossier_share,25747,10/2026,sáu mươi,"1.234,5"\n').encode(),
        [
            "bad.csv, dòng 2, cột «period», giá trị «10/2026»: kỳ báo cáo phải có dạng YYYY-MM "
            "(ví dụ 2026-10)",
            f"bad.csv, dòng 2, cột «numerator», giá trị «sáu mươi»: {NUMBER_HINT}",
            f"bad.csv, dòng 2, cột «denominator», giá trị «1.234,5»: {NUMBER_HINT}",
        ],
    ),
    (
        "unknown unit",
        "bad.csv",
        (HEADER + "online_dossier_share,99999,2026-10,60,100\n").encode(),
        [
            "bad.csv, dòng 2, cột «unit_code», giá trị «99999»: mã đơn vị không tồn tại trong "
            "kho dữ liệu; xem danh sách mã đơn vị ở trang Dữ liệu",
        ],
    ),
    (
        "unknown indicator",
        "bad.csv",
        (HEADER + "online_share,25747,2026-10,60,100\n").encode(),
        [
            "bad.csv, dòng 2, cột «indicator_code», giá trị «online_share»: mã chỉ tiêu không "
            "tồn tại; xem danh sách mã chỉ tiêu ở trang Dữ liệu",
        ],
    ),
    (
        "future period",
        "bad.csv",
        (HEADER + "online_dossier_share,25747,2026-11,60,100\n").encode(),
        [
            "bad.csv, dòng 2, cột «period», giá trị «2026-11»: tháng này chưa kết thúc; chỉ "
            "nộp số liệu của các tháng đã qua",
        ],
    ),
    (
        "a rate over 100",
        "bad.csv",
        (
            HEADER.replace("\n", ",value\n") + "online_dossier_share,25747,2026-10,60,100,160\n"
        ).encode(),
        [
            "bad.csv, dòng 2, cột «value», giá trị «160»: tỷ lệ phải nằm trong khoảng 0–100",
        ],
    ),
    (
        "numerator above denominator",
        "bad.csv",
        (HEADER + "online_dossier_share,25747,2026-10,120,100\n").encode(),
        [
            "bad.csv, dòng 2, cột «numerator», giá trị «120»: tử số lớn hơn mẫu số (100); tỷ "
            "lệ sẽ vượt 100%",
        ],
    ),
    (
        "duplicate keys",
        "bad.csv",
        (HEADER + ROW + "satisfaction_rate,25747,2026-10,9,10\n" + ROW).encode(),
        [
            "bad.csv, dòng 4, cột «indicator_code», giá trị «online_dossier_share»: trùng với "
            "dòng 2 (cùng indicator_code, unit_code, period); mỗi khóa chỉ được ghi một lần",
        ],
    ),
    (
        "an empty file",
        "bad.csv",
        b"",
        ["bad.csv: tệp rỗng, không có dữ liệu; hãy điền số liệu vào mẫu tải lên rồi gửi lại"],
    ),
    (
        "a header and nothing else",
        "bad.csv",
        HEADER.encode(),
        [
            "bad.csv: tệp chỉ có dòng tiêu đề, không có dòng số liệu nào (dòng bắt đầu bằng # "
            "được bỏ qua)"
        ],
    ),
    (
        "binary junk",
        "bad.csv",
        _junk(),
        [
            f"bad.csv: tệp không phải văn bản (có byte nhị phân từ vị trí {_first_control(_junk())}"
            "); hãy gửi tệp CSV hoặc XLSX theo mẫu tải lên"
        ],
    ),
    (
        "formula injection",
        "plans.csv",
        (
            PLAN_HEADER + '25747,2026,2026-07-01,100,"=HYPERLINK(""http://x"",""bấm"")"\n'
            "25747,2026,2026-08-01,100,@SUM(A1)\n"
        ).encode(),
        [
            'plans.csv, dòng 2, cột «source_document», giá trị «=HYPERLINK("http://x","bấm")»: '
            + FORMULA,
            f"plans.csv, dòng 3, cột «source_document», giá trị «@SUM(A1)»: {FORMULA}",
        ],
    ),
    (
        "formula injection in a workbook",
        "plans.xlsx",
        _plan_workbook("=cmd|' /C calc'!A0"),
        [
            "plans.xlsx, dòng 2, cột «source_document», giá trị «=cmd|' /C calc'!A0»: ô chứa "
            "công thức của bảng tính; hãy thay bằng giá trị (sao chép, rồi «Dán giá trị») và "
            "lưu lại"
        ],
    ),
    (
        "a computed number in a workbook",
        "plans.xlsx",
        _plan_workbook_with_formula_number(),
        [
            "plans.xlsx, dòng 2, cột «plan_billion_vnd», giá trị «=40+60»: ô chứa công thức "
            "của bảng tính; hãy thay bằng giá trị (sao chép, rồi «Dán giá trị») và lưu lại"
        ],
    ),
    (
        "HTML in a workbook",
        "plans.xlsx",
        _plan_workbook('<img src=x onerror="alert(1)">'),
        [
            "plans.xlsx, dòng 2, cột «source_document», giá trị «<img src=x "
            'onerror="alert(1)">»: ' + MARKUP
        ],
    ),
    (
        "Markdown in a text field",
        "plans.csv",
        (PLAN_HEADER + "25747,2026,2026-07-01,100,**QĐ 1** [xem](javascript:x)\n").encode(),
        [
            "plans.csv, dòng 2, cột «source_document», giá trị «**QĐ 1** [xem](javascript:x)»: "
            + MARKUP
        ],
    ),
    (
        "a huge field",
        "plans.csv",
        (PLAN_HEADER + f"25747,2026,2026-07-01,100,{_HUGE}\n").encode(),
        [
            f"plans.csv, dòng 2, cột «source_document», giá trị «{'x' * 60}…»: dài 100.000 ký "
            "tự, vượt giới hạn 300 ký tự của cột này"
        ],
    ),
    (
        "an XLSX that is really another zip",
        "bad.xlsx",
        _zip_of("notes.txt", b"hello"),
        [
            "bad.xlsx: tệp có đuôi .xlsx nhưng không phải bảng tính Excel (có thể là tệp khác "
            "được đổi tên); hãy mở bằng Excel và lưu lại dạng .xlsx"
        ],
    ),
    (
        "a CSV that is really an XLSX",
        "bad.csv",
        _xlsx(),
        [
            "bad.csv: tệp có đuôi .csv nhưng là bảng tính Excel (.xlsx); hãy đổi đuôi thành "
            ".xlsx hoặc lưu lại dạng «CSV UTF-8»"
        ],
    ),
    (
        "semicolons",
        "bad.csv",
        (HEADER + ROW).replace(",", ";").encode(),
        [f"bad.csv: tệp dùng dấu chấm phẩy (;) để phân cách các cột; {UTF8_HINT}"],
    ),
    (
        "no known header",
        "bad.csv",
        b"a,b\n1,2\n",
        [
            "bad.csv: không nhận ra loại tệp từ dòng tiêu đề (a, b); hãy dùng mẫu tải lên (số "
            "liệu tháng, kế hoạch vốn hoặc chỉ tiêu)"
        ],
    ),
    (
        "a rate without its denominator, a count with one",
        "bad.csv",
        (
            HEADER.replace("\n", ",value\n")
            + "online_dossier_share,25747,2026-10,60,,\n"
            + "dossiers_received,25747,2026-10,,100,100\n"
        ).encode(),
        [
            "bad.csv, dòng 2, cột «denominator»: chỉ tiêu này là tỷ lệ: phải có cả tử số và mẫu số",
            "bad.csv, dòng 3, cột «denominator», giá trị «100»: chỉ tiêu này không phải tỷ lệ: "
            "để trống tử số, mẫu số và ghi giá trị vào cột value",
        ],
    ),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("bad-files") / "warehouse.sqlite"
    return small_warehouse(f"sqlite:///{path}")


LOGS = {"submission_checks", "submission_check_units", "audit_log"}


@pytest.mark.parametrize(("case", "name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_file_is_refused_with_its_exact_messages(warehouse, case, name, data, expected):
    engine = make_engine(warehouse)
    before = fingerprint(warehouse)
    try:
        report = service.check_files(engine, [Submitted(name, data)], today=TODAY)
        assert fingerprint(warehouse) == before, "check wrote to the warehouse"
        lines = [p.line(row, "vi") for row in report.problems.to_dict("records")]
        assert lines == expected

        refused = service.load_files(
            engine, [Submitted(name, data)], actor="tester", channel="cli", today=TODAY
        )
    finally:
        engine.dispose()
    assert not refused.is_ok and refused.batches == ()
    after = fingerprint(warehouse)
    assert {t: v for t, v in after.items() if t not in LOGS} == {
        t: v for t, v in before.items() if t not in LOGS
    }
    assert after["submission_checks"][0] == before["submission_checks"][0] + 1
    assert after["audit_log"][0] == before["audit_log"][0] + 1
    last = current(
        warehouse,
        "SELECT source_name, outcome, problem_count, actor FROM submission_checks "
        "ORDER BY check_id DESC LIMIT 1",
    )
    assert last == [(name, "refused", len(expected), "tester")]


def test_messages_are_in_english_too(warehouse):
    engine = make_engine(warehouse)
    try:
        data = (HEADER + "online_dossier_share,25747,2026-10,120,100\n").encode()
        report = service.check_files(engine, [Submitted("bad.csv", data)], today=TODAY)
    finally:
        engine.dispose()
    assert [p.line(r, "en") for r in report.problems.to_dict("records")] == [
        "bad.csv, row 2, column 'numerator', value '120': the numerator is above the "
        "denominator (100); the rate would exceed 100%"
    ]


def test_every_problem_is_listed_at_once(warehouse):
    units = ("25747", "25750", "25760")
    rows = "".join(f"online_dossier_share,{unit},2026-10,120,100\n" for unit in units)
    engine = make_engine(warehouse)
    try:
        report = service.check_files(engine, [Submitted("many.csv", (HEADER + rows).encode())])
    finally:
        engine.dispose()
    assert [int(r) for r in report.problems["row"]] == [2, 3, 4]
    assert report.checked[0].error_row_count == 3
