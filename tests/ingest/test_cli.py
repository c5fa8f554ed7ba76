"""``python -m ingest``: exit codes 0/1/2, one line per problem, never a traceback."""

from __future__ import annotations

import pytest

from ingest.__main__ import main
from tests.ingest.warehouse import WARD_A, current, small_warehouse

HEADER = "indicator_code,unit_code,period,numerator,denominator\n"


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = small_warehouse(f"sqlite:///{tmp_path / 'w.sqlite'}")
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    return url


def _file(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_check_writes_nothing_and_load_loads(url, tmp_path, capsys):
    good = _file(tmp_path, "good.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,61,100\n")
    batches = "SELECT COUNT(*) FROM load_batches"

    assert main(["check", good]) == 0
    assert current(url, batches) == [(1,)]
    assert "good.csv: 1 dòng, hợp lệ" in capsys.readouterr().out

    assert main(["load", good, "--by", "ward-steward", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Loaded batch 2: 1 row (replacing 1 row of an earlier version)" in out
    who = "SELECT submitted_by, source_name FROM load_batches WHERE batch_id = 2"
    assert current(url, who) == [("ward-steward", "good.csv")]

    assert main(["history", "--lang", "en"]) == 0
    assert "batch 2 ·" in capsys.readouterr().out


def test_a_bad_file_is_exit_1_with_one_line_per_problem(url, tmp_path, capsys):
    bad = _file(
        tmp_path,
        "bad.csv",
        HEADER + "online_dossier_share,99999,2026-10,61,100\n"
        f"online_dossier_share,{WARD_A},2026-10,120,100\n",
    )
    assert main(["load", bad]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "bad.csv: 2 lỗi ở 2 dòng"
    assert out[1].startswith("  bad.csv, dòng 2, cột «unit_code», giá trị «99999»: ")
    assert out[2].startswith("  bad.csv, dòng 3, cột «numerator», giá trị «120»: ")
    assert out[3] == "Có lỗi nên không tải vào tệp nào; đã ghi nhận lần nộp này."
    assert current(url, "SELECT COUNT(*) FROM load_batches") == [(1,)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "/no/such/file.csv"], "không đọc được tệp /no/such/file.csv"),
        (["export", "--indicator", "x", "--period", "2026-13", "-o", "x.csv"], "--period"),
        (["undo", "abc"], "expected a positive whole number"),
        (["template", "people", "-o", "x.csv"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_are_exit_2_without_a_traceback(url, argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as stopped:  # argparse stops on a malformed command line
        code = stopped.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_undo_refused_is_exit_1_and_names_the_later_batch(url, tmp_path, capsys):
    first = _file(tmp_path, "a.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,61,100\n")
    second = _file(tmp_path, "b.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,62,100\n")
    assert main(["load", first]) == 0
    assert main(["load", second]) == 0
    capsys.readouterr()
    assert main(["undo", "2"]) == 1
    assert "lô 3 (b.csv)" in capsys.readouterr().err
    assert main(["undo", "3"]) == 0
    assert main(["undo", "2"]) == 0


def test_a_template_sent_back_untouched_loads_nothing(url, tmp_path, capsys):
    path = tmp_path / "mau.csv"
    assert main(["template", "observations", "-o", str(path)]) == 0
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "indicator_code,unit_code,period,plan_year,breakdown,numerator,denominator,value"
    )
    assert lines[1].startswith("#online_dossier_share,25747,2026-10,")
    assert main(["load", str(path)]) == 1
    assert "không có dòng số liệu nào" in capsys.readouterr().out
    path.write_text("\n".join([lines[0], lines[1].lstrip("#")]) + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0


def test_an_unreachable_warehouse_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DB_URL", f"sqlite:///{tmp_path / 'missing.sqlite'}")
    good = _file(tmp_path, "good.csv", HEADER + f"online_dossier_share,{WARD_A},2026-10,61,100\n")
    assert main(["check", good]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
