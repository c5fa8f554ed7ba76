"""The Data and data-governance pages in AppTest, in both languages: a good file uploaded,
previewed, loaded and undone; a bad file refused with its exact messages and nothing
loaded; the governance scores against this suite's own SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.clock import add_months, city_today
from metrics.freshness import expected_latest_period
from metrics.registry import get_indicator
from tests.app.pages import frame, open_page
from tests.app.reading import html_tables
from tests.ingest.warehouse import copy_sqlite

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
WARD = "25747"
GOOD = (HEADER + f"online_dossier_share,{WARD},2026-09,61,100\n").encode()
BAD = (
    HEADER
    + f"online_dossier_share,{WARD},2026-09,120,100\n"
    + "online_dossier_share,99999,2026-09,<b>1</b>,100\n"
).encode()
CURRENT = (
    "SELECT numerator, denominator FROM observations WHERE indicator_id = "
    "'online_dossier_share' AND unit_id = :unit AND period_month = :month "
    "AND breakdown_key = '' AND superseded_at IS NULL"
)


@pytest.fixture
def url(demo_warehouse_url, tmp_path) -> str:
    return copy_sqlite(demo_warehouse_url, str(tmp_path / "copy.sqlite"))


def _september(url: str) -> list[tuple[float, float]]:
    rows = frame(url, CURRENT, unit=WARD, month="2026-09-01")
    return [(float(n), float(d)) for n, d in rows.itertuples(index=False)]


def _text(app) -> str:  # type: ignore[no-untyped-def]
    parts = [m.value for m in app.markdown] + [m.value for m in app.success]
    parts += [m.value for m in app.error] + [m.value for m in app.info]
    parts += [m.value for m in app.warning] + [m.value for m in app.caption]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_data_page_says_local_mode_and_offers_every_part(monkeypatch, url, lang):
    app = open_page(monkeypatch, url, "data", lang=lang)
    assert app.title[0].value == ("Dữ liệu" if lang == "vi" else "Data")
    # Local mode is said once, by the notice every page carries, with the name actions go under.
    notices = [
        c.value
        for c in app.caption
        if ("Chế độ cục bộ" if lang == "vi" else "Local mode") in c.value
    ]
    assert len(notices) == 1, notices
    assert "«local»" in notices[0]
    assert not [i.value for i in app.info if "local" in i.value.lower()]
    assert [tab.label for tab in app.tabs] == (
        [
            "Tải lên số liệu tháng",
            "Lịch sử tải lên",
            "Xuất số liệu tháng",
            "Mẫu tải lên",
            "Nhật ký thao tác",  # local mode's user is an admin
        ]
        if lang == "vi"
        else [
            "Upload monthly data",
            "Upload history",
            "Export a month",
            "Upload templates",
            "Audit log",
        ]
    )
    uploader = app.get("file_uploader")[0]
    # The widget's own "Limit … MB per file" is the loader's limit (20 MB), as the hint says.
    assert uploader.proto.max_upload_size_mb == 20
    assert "20 MB" in _text(app)
    # Six template downloads (three kinds, CSV and XLSX) and the load button, disabled
    # without a file, is not drawn at all.
    assert not [b for b in app.button if b.key == "data-load"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_good_file_is_previewed_loaded_and_undone(monkeypatch, url, lang):
    before = _september(url)
    app = open_page(monkeypatch, url, "data", lang=lang)
    app.get("file_uploader")[0].set_value(("september.csv", GOOD, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    text = _text(app)
    assert "**september\\.csv**" in text  # the file's name as text, escaped for Markdown
    assert ("hợp lệ, 1 dòng số liệu" if lang == "vi" else "valid, 1 data row.") in text
    load = app.button(key="data-load")
    assert not load.disabled
    assert _september(url) == before, "checking a file loaded it"

    load.click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert _september(url) == [(61.0, 100.0)]
    banner = app.success[0].value
    batch = int(
        frame(url, "SELECT MAX(batch_id) AS b FROM load_batches WHERE submitted_by = 'local'")["b"][
            0
        ]
    )
    assert f"#{batch}" in banner and "september\\.csv" in banner
    # Only the open tab is built (issue 12): the history is read once its tab is opened.
    app.session_state["data-tabs"] = "Lịch sử tải lên" if lang == "vi" else "Upload history"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    history = app.dataframe[0].value
    assert int(history.iloc[0, 0]) == batch

    app.button(key="data-undo-open").click().run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="data-undo-confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert _september(url) == before
    assert f"#{batch}" in app.success[0].value
    assert frame(url, "SELECT status, undone_by FROM load_batches WHERE batch_id = :b", b=batch)[
        ["status", "undone_by"]
    ].values.tolist() == [["undone", "local"]]


def test_a_bad_file_lists_every_problem_and_loads_nothing(monkeypatch, url):
    before = _september(url)
    batches = frame(url, "SELECT COUNT(*) AS n FROM load_batches")["n"][0]
    app = open_page(monkeypatch, url, "data", lang="vi")
    app.get("file_uploader")[0].set_value(("bad.csv", BAD, "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    problems = app.dataframe[0].value
    assert problems.values.tolist() == [
        [
            "bad.csv",
            2,
            "numerator",
            "120",
            "tử số lớn hơn mẫu số (100); tỷ lệ sẽ vượt 100%",
        ],
        [
            "bad.csv",
            3,
            "unit_code",
            "99999",
            "mã đơn vị không tồn tại trong kho dữ liệu; xem danh sách mã đơn vị ở trang Dữ liệu",
        ],
        [
            "bad.csv",
            3,
            "numerator",
            "<b>1</b>",
            "không phải số; viết số không có dấu phân cách hàng nghìn, dùng dấu chấm cho phần "
            "thập phân (ví dụ 1234.5)",
        ],
    ]
    assert list(problems.columns) == ["Tệp", "Dòng", "Cột", "Giá trị", "Lỗi"]
    assert app.button(key="data-load").disabled
    assert "3 lỗi ở 2 dòng" in _text(app)
    assert _september(url) == before
    assert frame(url, "SELECT COUNT(*) AS n FROM load_batches")["n"][0] == batches
    # The file was submitted, and its refusal recorded (the "correct" measure).
    assert frame(
        url, "SELECT source_name, outcome, error_row_count FROM submission_checks"
    ).values.tolist() == [["bad.csv", "refused", 2]]


def test_the_export_gives_a_month_in_the_upload_layout(monkeypatch, url):
    app = open_page(monkeypatch, url, "data", lang="en")
    app.session_state["data-tabs"] = "Export a month"  # only the open tab is built (issue 12)
    app.run()
    boxes = {b.label: b for b in app.selectbox}
    boxes["Indicator"].set_value("online_dossier_share")
    boxes["Month"].set_value(dt.date(2026, 10, 1))
    boxes["Unit"].set_value(WARD)
    next(b for b in app.button if b.label == "Make the export file").click().run()
    assert not app.exception, [e.value for e in app.exception]
    # Every current row of the ward's October, total and breakdowns, by plain SQL.
    rows = frame(
        url,
        "SELECT COUNT(*) AS n FROM observations WHERE indicator_id = 'online_dossier_share' "
        "AND unit_id = :unit AND period_month = '2026-10-01' AND superseded_at IS NULL",
        unit=WARD,
    )["n"][0]
    assert rows >= 1
    assert f"The file has {rows} rows in the upload layout" in _text(app)


def _people_complete(url: str, today: dt.date) -> float:
    """The people group's completeness by this suite's own SQL: the current unit totals of
    its five indicators in the twelve months due, over every commune-level unit and
    department × 12 months × 5 indicators."""
    last = expected_latest_period(get_indicator("online_dossier_share"), today)
    first = add_months(last, -11)
    codes = ("online_dossier_share", "on_time_rate", "dossiers_received", "e_result_rate")
    codes += ("satisfaction_rate",)
    present = frame(
        url,
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT o.indicator_id, o.unit_id, o.period_month "
        "FROM observations o JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.superseded_at IS NULL AND o.breakdown_key = '' "
        "AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department') "
        f"AND o.indicator_id IN {codes} "
        "AND o.period_month >= :first AND o.period_month <= :last) AS present",
        first=first.isoformat(),
        last=last.isoformat(),
    )["n"][0]
    units = frame(
        url,
        "SELECT COUNT(*) AS n FROM units "
        "WHERE unit_type IN ('ward', 'commune', 'special_zone', 'department')",
    )["n"][0]
    return 100.0 * present / (units * 12 * 5)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_governance_page_shows_the_groups_and_their_scores(monkeypatch, url, lang):
    app = open_page(monkeypatch, url, "governance", lang=lang)
    assert app.title[0].value == ("Quản trị dữ liệu" if lang == "vi" else "Data governance")
    groups = (
        [
            "Nhóm dữ liệu về người dân",
            "Nhóm dữ liệu tài chính – doanh nghiệp",
            "Nhóm dữ liệu về đất đai – đô thị",
        ]
        if lang == "vi"
        else ["Citizen data group", "Finance and business data group", "Land and urban data group"]
    )
    subheaders = [s.value for s in app.subheader]
    assert all(g in subheaders for g in groups)
    text = _text(app)
    assert ("dữ liệu minh họa" if lang == "vi" else "demo data") in text
    # The people card's "complete", to the tenth shown, against the suite's own SQL.
    expected = _people_complete(url, city_today())
    shown = f"{expected:.1f}".replace(".", "," if lang == "vi" else ".")
    word = "Đủ" if lang == "vi" else "Complete"
    assert f"{word}: **{shown}%**" in text
    # The demo's figures were never sent through the loader, so "correct" cannot be measured:
    # it says so in words on each card (it was a bare "—").
    correct, none_sent = (
        ("Đúng", "Chưa có tệp nào được gửi")
        if lang == "vi"
        else (
            "Correct",
            "No file sent yet",
        )
    )
    assert text.count(f"{correct}: **{none_sent}**") == 3
    assert f"{correct}: **—**" not in text
    # Ten datasets in the catalogue, in three tables: plain HTML tables, no data grid (its
    # 1.4 MB of table code made this the slowest page to draw, issue 12).
    assert not app.dataframe
    tables = html_tables(app)
    assert set(groups) <= set(tables)
    dataset_column = "Bộ dữ liệu" if lang == "vi" else "Dataset"
    listed = sum(len(tables[g]) for g in groups if dataset_column in tables[g].columns)
    assert listed == 10


def test_late_and_missing_submitters_come_first(monkeypatch, url):
    app = open_page(monkeypatch, url, "governance", lang="en")
    late = next(t for t in html_tables(app).values() if "Period due" in t.columns)
    statuses = [s.split(" ", 1)[1] for s in late["Status"]]
    assert set(statuses) <= {"Not reported", "Reported late"}
    # Not reported first, then the most days late first.
    order = [0 if s == "Not reported" else 1 for s in statuses]
    assert order == sorted(order)
    days = [
        int(d.replace(",", ""))
        for d, s in zip(late["Days late"], statuses, strict=True)
        if s != "Not reported"
    ]
    assert days == sorted(days, reverse=True)


@pytest.mark.parametrize(
    ("page", "code"),
    [("overview", "online_dossier_share"), ("satisfaction", "satisfaction_rate")],
)
def test_a_figures_info_drawer_opens_its_load_batches(monkeypatch, demo_warehouse_url, page, code):
    app = open_page(monkeypatch, demo_warehouse_url, page, lang="en")
    app.session_state[f"info-{code}"] = True  # the drawer is built once opened (issue 12)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    switch = next(b for b in app.toggle if str(b.key).startswith(f"lineage-{code}-"))
    month = str(switch.key).rsplit("-", 2)
    first_day = f"{month[-2]}-{month[-1]}-01"
    assert not [d for d in app.dataframe if "Loaded by" in d.value.columns]
    switch.set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = next(d.value for d in app.dataframe if "Loaded by" in d.value.columns)
    # Independently: the batches of the month's current unit totals, by plain SQL.
    expected = frame(
        demo_warehouse_url,
        "SELECT o.batch_id, COUNT(*) AS n FROM observations o "
        "JOIN units u ON u.unit_id = o.unit_id "
        "WHERE o.indicator_id = :code AND o.period_month = :month AND o.breakdown_key = '' "
        "AND o.superseded_at IS NULL "
        "AND u.unit_type IN ('ward', 'commune', 'special_zone', 'department', 'investor') "
        "GROUP BY o.batch_id ORDER BY o.batch_id",
        code=code,
        month=first_day,
    )
    assert sorted(zip(shown["Batch"], shown["Rows in the figure"], strict=True)) == [
        (int(b), int(n)) for b, n in expected.itertuples(index=False)
    ]
    assert "demo generator" in set(shown["File"])


def test_the_templates_are_made_when_clicked_and_hold_their_layout(monkeypatch, url):
    # The six template files (three kinds, CSV and XLSX) cost about 0.1 s of every run of
    # the page when they were made eagerly; each is now made only when its button is
    # clicked (a deferred file), and what it makes is still the template.
    import io

    import pandas as pd
    from streamlit.testing.v1 import app_test as app_test_module

    from tests.app.reading import _RecordingManager, _RecordingStorage, download

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _RecordingStorage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingManager)
    app = open_page(monkeypatch, url, "data", lang="vi")
    app.session_state["data-tabs"] = "Mẫu tải lên"  # only the open tab is built (issue 12)
    app.run()
    keys = [
        f"template-{kind}-{fmt}"
        for kind in ("observations", "capital_plans", "targets")
        for fmt in ("csv", "xlsx")
    ]
    buttons = {
        key: [b for b in app.get("download_button") if b.proto.id.endswith(f"-{key}")]
        for key in keys
    }
    assert {key: len(found) for key, found in buttons.items()} == dict.fromkeys(keys, 1)
    assert all(found[0].proto.HasField("deferred_file_id") for found in buttons.values())
    csv = pd.read_csv(io.BytesIO(download(app, "template-capital_plans-csv")), dtype=str)
    assert list(csv.columns) == [
        "unit_code",
        "plan_year",
        "effective_date",
        "plan_billion_vnd",
        "source_document",
    ]
    assert csv.iloc[0, 0] == "#dept-transport"  # the worked example, commented out
    sheets = pd.read_excel(
        io.BytesIO(download(app, "template-observations-xlsx")), sheet_name=None, dtype=str
    )
    assert list(sheets) == ["data", "guide"]
    assert list(sheets["data"].columns)[:3] == ["indicator_code", "unit_code", "period"]


def test_the_dataset_of_the_units_table_is_chosen_behind_a_button_that_names_it(monkeypatch, url):
    """Issue 12: the choice was a select box on the first screen (its bundles loaded after
    the page's last message); it is a button naming the dataset shown, whose popover holds
    the choice."""
    from i18n.escape import escape_markdown
    from tests.app.reading import find_block

    app = open_page(monkeypatch, url, "governance", lang="en")
    menu = find_block(app, "menu-governance-dataset")
    assert menu.proto.HasField("popover")
    # The label is Markdown: the catalogue's title escaped (it comes from outside).
    assert menu.proto.popover.label == "Dataset: Administrative\\-procedure dossiers"
    assert "Quality by unit: Administrative-procedure dossiers" in html_tables(app)
    picker = app.selectbox(key="governance-dataset")
    other = picker.options[1]
    picker.select(picker.options[1]).run()
    assert not app.exception
    label = find_block(app, "menu-governance-dataset").proto.popover.label
    assert label == f"Dataset: {escape_markdown(other)}"
    assert f"Quality by unit: {other}" in html_tables(app)
