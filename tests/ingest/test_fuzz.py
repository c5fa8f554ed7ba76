"""Property-based tests (hypothesis) of the validator: random files and random edits of good
files. It never raises, every refusal names a rule with a message in both languages, and
a file it reported an error for is never loaded.

Derandomised, so CI runs the same examples every time; raise ``max_examples`` locally to
search further (``HYPOTHESIS_PROFILE=deep``).
"""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.engine import make_engine
from data_access.submissions import Reference, reference
from ingest import problems as p
from ingest import service
from ingest.read import Limits, Submitted
from ingest.validate import check
from tests.ingest.warehouse import TODAY, WARD_A, WARD_B, fingerprint, small_warehouse

settings.register_profile(
    "ci",
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

LIMITS = Limits(max_bytes=256 * 1024, max_rows=2_000, max_field_chars=500)
GOOD_LINES = [
    "indicator_code,unit_code,period,numerator,denominator,value",
    f"online_dossier_share,{WARD_A},2026-09,60,100,",
    f"online_dossier_share,{WARD_B},2026-09,45.5,91,50",
    f"satisfaction_rate,{WARD_A},2026-09,9,10,",
    f"dossiers_received,{WARD_B},2026-09,,,1234",
]
PLAN_LINES = [
    "unit_code,plan_year,effective_date,plan_billion_vnd,source_document",
    f"{WARD_A},2026,2026-01-01,120.5,Quyết định 12/QĐ-UBND",
    f"{WARD_B},2026,2026-07-01,80,Quyết định 34/QĐ-UBND điều chỉnh",
]
NASTY = [
    "",
    " ",
    "=1+1",
    "+SUM(A1)",
    "-2",
    "@x",
    "\t1",
    "<b>x</b>",
    "**x**",
    "[a](javascript:x)",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "1,5",
    "1.234,5",
    "2026-13",
    "2026-00",
    "9999-12",
    "1999-01",
    "2026-11",
    "2026-10-01",
    "99999",
    "city",
    '"',
    '""',
    "a\nb",
    "\x00",
    "\x1b[31m",
    "Phường Bến Thành",
    "Quye\u0302\u0301t",  # decomposed: normalised to NFC
    "x" * 600,
    "١٢",  # Arabic-Indic digits
    "１２",  # full-width digits
    "\u202e",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("fuzz") / "warehouse.sqlite"
    return small_warehouse(f"sqlite:///{path}")


@pytest.fixture(scope="module")
def known(warehouse: str) -> Reference:
    engine = make_engine(warehouse)
    try:
        with engine.connect() as conn:
            return reference(conn)
    finally:
        engine.dispose()


def _judged(submitted: Submitted, known: Reference) -> None:
    """Check one file: it must not raise, and a refusal must be said in both languages."""
    checked = check(submitted, known, TODAY, LIMITS)
    if checked.is_ok:
        assert not checked.rows.empty
        assert len(checked.rows) == checked.row_count
        return
    assert checked.rows.empty
    assert set(checked.problems.columns) == set(p.PROBLEM_COLUMNS)
    for problem in checked.problems.to_dict("records"):
        for lang in ("vi", "en"):
            line = p.line(problem, lang)
            assert line.startswith(submitted.name) and "{" not in line


names = st.sampled_from(["f.csv", "f.xlsx", "f.CSV", "f.txt", "f", "ảnh.csv"])


@given(name=names, data=st.binary(max_size=4096))
def test_random_bytes_never_crash(known, name, data):
    _judged(Submitted(name, data), known)


@given(text=st.text(max_size=2000), encoding=st.sampled_from(["utf-8", "utf-16", "cp1258"]))
def test_random_text_never_crashes(known, text, encoding):
    _judged(Submitted("f.csv", text.encode(encoding, errors="replace")), known)


cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


@st.composite
def edited_csv(draw: st.DrawFn) -> bytes:
    """A good file with a few random edits: a cell replaced, a line dropped or doubled,
    lines swapped, bytes cut off, a BOM, CRLF endings."""
    lines = list(draw(st.sampled_from([GOOD_LINES, PLAN_LINES])))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        edit = draw(st.sampled_from(["cell", "drop", "double", "swap", "cut", "blank"]))
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if edit == "cell":
            cells = lines[at].split(",")
            where = draw(st.integers(min_value=0, max_value=len(cells) - 1))
            value = draw(cell)
            cells[where] = '"' + value.replace('"', '""') + '"' if "," in value else value
            lines[at] = ",".join(cells)
        elif edit == "drop" and len(lines) > 1:
            del lines[at]
        elif edit == "double":
            lines.insert(at, lines[at])
        elif edit == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "cut":
            lines[at] = lines[at][: draw(st.integers(min_value=0, max_value=len(lines[at])))]
        else:
            lines.insert(at, "")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + newline.join(lines) + newline).encode("utf-8")


@given(data=edited_csv())
def test_edited_good_files_never_crash(known, data):
    _judged(Submitted("edited.csv", data), known)


@st.composite
def edited_xlsx(draw: st.DrawFn) -> bytes:
    """A good file as a workbook, some of its cells replaced by random values."""
    header, *rows = (line.split(",") for line in GOOD_LINES)
    frame = pd.DataFrame(rows, columns=header).astype(object)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        row = draw(st.integers(min_value=0, max_value=len(frame) - 1))
        column = draw(st.sampled_from(header))
        value = draw(st.one_of(cell, st.floats(allow_nan=True), st.integers(), st.none()))
        frame.loc[row, column] = value
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


@given(data=edited_xlsx())
def test_edited_workbooks_never_crash(known, data):
    _judged(Submitted("edited.xlsx", data), known)


LOG_TABLES = {"submission_checks", "submission_check_units", "audit_log"}


@settings(max_examples=40)
@given(data=edited_csv())
def test_a_file_reported_in_error_is_never_loaded(warehouse, data):
    engine = make_engine(warehouse)
    try:
        submitted = Submitted("edited.csv", data)
        checked = service.check_files(engine, [submitted], today=TODAY, limits=LIMITS)
        before = fingerprint(warehouse)
        loaded = service.load_files(
            engine, [submitted], actor="fuzz", channel="cli", today=TODAY, limits=LIMITS
        )
    finally:
        engine.dispose()
    after = fingerprint(warehouse)
    assert loaded.is_ok == checked.is_ok
    if not checked.is_ok:
        assert loaded.batches == ()
        assert {t: v for t, v in after.items() if t not in LOG_TABLES} == {
            t: v for t, v in before.items() if t not in LOG_TABLES
        }
    else:
        assert len(loaded.batches) == 1
        assert loaded.batches[0].rows_loaded == checked.checked[0].row_count
