"""Unit scope on the Data page's reads and writes (issue 13, item 2), in ``data_access`` and
``ingest.service`` (not only in the page), on SQLite and PostgreSQL.

The small warehouse starts with one real batch of two wards (WARD_A 50/100, WARD_B 25/100,
October 2026). A steward limited to WARD_A sees, loads, undoes and exports WARD_A's rows
only; a batch or a file naming WARD_B is WARD_B's detail (its file name included). Expected
rows are written by hand from the files the tests send, and checked with plain SQL.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data_access import submissions
from data_access.engine import make_engine
from data_access.submissions import WHOLE_CITY
from ingest import service
from ingest.read import Submitted
from tests.ingest.warehouse import BACKENDS, TODAY, WARD_A, WARD_B, backend_warehouse, current

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"
ONLINE = "online_dossier_share"
OCTOBER = dt.date(2026, 10, 1)
CURRENT = (
    "SELECT unit_id, numerator, denominator FROM observations "
    "WHERE indicator_id = 'online_dossier_share' AND superseded_at IS NULL ORDER BY unit_id"
)


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path) -> str:
    return backend_warehouse(request, tmp_path)


@pytest.fixture
def engine(url):
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _file(name: str, *lines: str) -> Submitted:
    return Submitted(name, (HEADER + "".join(f"{line}\n" for line in lines)).encode())


def _load(engine, file: Submitted, scope=None) -> service.Report:
    return service.load_files(engine, [file], actor="steward", today=TODAY, scope=scope)


def _base_batch(url: str) -> int:
    return int(
        current(url, "SELECT batch_id FROM load_batches WHERE source_name = 'base.csv'")[0][0]
    )


def test_a_scoped_steward_loads_only_their_own_units_rows(url, engine):
    mixed = _file(
        "both.csv", f"{ONLINE},{WARD_A},2026-10,60,100", f"{ONLINE},{WARD_B},2026-10,30,100"
    )
    refused = _load(engine, mixed, scope=(WARD_A,))
    assert not refused.is_ok and not refused.batches
    rules = list(refused.problems["rule"])
    assert rules == ["unit_out_of_scope"]
    assert refused.problems["params"].iloc[0] == {"units": WARD_B}
    # Nothing loaded: the base batch's rows are still the current ones.
    assert current(url, CURRENT) == [(WARD_A, 50.0, 100.0), (WARD_B, 25.0, 100.0)]
    # The same file checked city-wide passes (the refusal is the scope's, not the file's).
    assert service.check_files(engine, [mixed], today=TODAY).is_ok
    own = _load(engine, _file("own.csv", f"{ONLINE},{WARD_A},2026-10,70,100"), scope=(WARD_A,))
    assert own.is_ok and len(own.batches) == 1
    assert current(url, CURRENT) == [(WARD_A, 70.0, 100.0), (WARD_B, 25.0, 100.0)]


def test_the_upload_check_refuses_another_unit_too(engine):
    report = service.submit_files(
        engine,
        [_file("b.csv", f"{ONLINE},{WARD_B},2026-10,30,100")],
        actor="steward",
        today=TODAY,
        scope=(WARD_A,),
    )
    assert not report.is_ok and list(report.problems["rule"]) == ["unit_out_of_scope"]
    assert report.checked[0].rows.empty


def test_the_load_history_of_a_scoped_steward_holds_only_their_units_batches(url, engine):
    own = _load(engine, _file("own-a.csv", f"{ONLINE},{WARD_A},2026-10,70,100"))
    other = _load(engine, _file("own-b.csv", f"{ONLINE},{WARD_B},2026-10,40,100"))
    a, b = own.batches[0].batch_id, other.batches[0].batch_id
    base = _base_batch(url)
    with engine.connect() as conn:
        city = submissions.history(conn)
        scoped_a = submissions.history(conn, unit_ids=(WARD_A,))
        scoped_b = submissions.history(conn, unit_ids=(WARD_B,))
        nobody = submissions.history(conn, unit_ids=())
    assert set(city["batch_id"]) == {base, a, b}
    # The base batch holds both wards' rows: neither ward sees it.
    assert list(scoped_a["batch_id"]) == [a] and list(scoped_a["source_name"]) == ["own-a.csv"]
    assert list(scoped_b["batch_id"]) == [b]
    assert nobody.empty


def test_the_checked_files_of_a_scoped_steward_hold_only_their_units_files(engine):
    for file in (
        _file("a.csv", f"{ONLINE},{WARD_A},2026-10,70,100"),
        _file("b.csv", f"{ONLINE},{WARD_B},2026-10,40,100"),
        _file("ab.csv", f"{ONLINE},{WARD_A},2026-10,1,2", f"{ONLINE},{WARD_B},2026-10,1,2"),
    ):
        service.submit_files(engine, [file], actor="steward", today=TODAY)
    with engine.connect() as conn:
        city = submissions.checks(conn)
        scoped = submissions.checks(conn, unit_ids=(WARD_A,))
    assert set(city["source_name"]) == {"a.csv", "b.csv", "ab.csv"}
    assert list(scoped["source_name"]) == ["a.csv"]


def test_a_scoped_steward_undoes_only_their_units_batches(url, engine):
    with pytest.raises(service.OutOfScopeBatchError):
        service.undo(engine, _base_batch(url), actor="steward", scope=(WARD_A,))
    assert current(url, CURRENT) == [(WARD_A, 50.0, 100.0), (WARD_B, 25.0, 100.0)]
    own = _load(engine, _file("own.csv", f"{ONLINE},{WARD_A},2026-10,70,100"))
    with pytest.raises(service.OutOfScopeBatchError):
        service.undo(engine, own.batches[0].batch_id, actor="steward", scope=(WARD_B,))
    service.undo(engine, own.batches[0].batch_id, actor="steward", scope=(WARD_A,))
    assert current(url, CURRENT) == [(WARD_A, 50.0, 100.0), (WARD_B, 25.0, 100.0)]


def test_a_scoped_export_is_the_own_units_month_only(engine):
    for unit in (None, WARD_B):
        with pytest.raises(service.ExportError, match="outside your unit scope"):
            service.export_month(engine, ONLINE, OCTOBER, unit, scope=(WARD_A,))
    frame = service.export_month(engine, ONLINE, OCTOBER, WARD_A, scope=(WARD_A,))
    assert frame[["unit_code", "numerator", "denominator"]].values.tolist() == [
        [WARD_A, "50", "100"]
    ]
    assert len(service.export_month(engine, ONLINE, OCTOBER)) == 2  # city-wide: both wards


def test_lineage_of_a_city_figure_names_no_other_units_file(engine, url):
    own = _load(engine, _file("own-a.csv", f"{ONLINE},{WARD_A},2026-10,70,100"))
    a, base = own.batches[0].batch_id, _base_batch(url)
    with engine.connect() as conn:
        city = submissions.lineage(conn, ONLINE, OCTOBER, WHOLE_CITY)
        scoped = submissions.lineage(conn, ONLINE, OCTOBER, WHOLE_CITY, unit_ids=(WARD_A,))
    # The October city figure: WARD_A's row from own-a.csv, WARD_B's from base.csv.
    assert dict(zip(city["batch_id"], city["source_name"], strict=True)) == {
        a: "own-a.csv",
        base: "base.csv",
    }
    shown = dict(zip(scoped["batch_id"], scoped["source_name"], strict=True))
    assert shown[a] == "own-a.csv"
    assert shown[base] is None
    assert scoped.set_index("batch_id").loc[base, "submitted_by"] is None
    assert list(scoped["rows"]) == list(city["rows"])  # counts stay: the figure's make-up
