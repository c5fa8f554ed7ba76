"""The declared-sources rules (``data_access.sources``) that the sixth sample (seed 20261205)
of the sampled mutation reading (README) brought up, no earlier test stating them: the check
command's message when the project's own unit list cannot be read, the field named when a
table's schema is not a plain name, and a reachable breakdown's message. Tiny mapping and
SQLite files written here; each expected message by hand from ``i18n/en/sources.json`` and
``i18n/vi/sources.json``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data_access import sources
from tests.unit.procedure_breakdown import HEAD, ONLINE, procedures_source

# --- the check command without the project's unit list ----------------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The project's unit list cannot be read from its own warehouse: "),
        ("vi", "Không đọc được danh sách đơn vị từ cơ sở dữ liệu riêng của hệ thống: "),
    ],
)
def test_the_check_command_says_why_the_project_s_unit_list_cannot_be_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    said: str,
) -> None:
    # The home connection names an SQLite file that does not exist: the units are not read
    # (connecting would create an empty file), the command stops with exit code 1 and says
    # why on stderr, the missing file being the detail; nothing is printed on stdout.
    path = tmp_path / "sources.yaml"
    path.write_text(HEAD + ONLINE + "    sql: SELECT 1\n", encoding="utf-8")
    missing = tmp_path / "no-warehouse.sqlite"
    monkeypatch.setenv(
        sources.SOURCE_URL_PREFIX + sources.HOME_CONNECTION.upper(), f"sqlite:///{missing}"
    )
    assert sources.main(["check", "--mapping", str(path), "--lang", lang]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{said}{missing}\n"
    assert not missing.exists()


# --- a table's schema that is not a plain name ------------------------------------------------


def test_a_tables_schema_that_is_not_a_plain_name_is_refused_in_the_table_field(
    tmp_path: Path,
) -> None:
    # "dw-1.ho_so": two parts, the schema "dw-1" has a hyphen; the field named is "table"
    # (the table was given as one dotted string).
    path = tmp_path / "sources.yaml"
    with pytest.raises(sources.MappingError) as raised:
        sources._table(path, "online_dossier_share", "dw-1.ho_so")
    assert raised.value.text("en") == (
        f"{path}: indicator online_dossier_share, field table: 'dw-1' is not a plain table or "
        "column name. How to fix: use letters, digits and _ only, starting with a letter; "
        "rename it in a view if needed"
    )


# --- a reachable breakdown says which connection answered -------------------------------------


def test_a_reachable_breakdown_names_the_connection_that_answered(tmp_path: Path) -> None:
    # The procedure breakdown of online_dossier_share, declared on connection city_dw, read
    # from a tiny SQLite file: its first contract passes and says "connection city_dw answers".
    source, url = procedures_source(tmp_path, (1, 2))
    (breakdown,) = source.breakdowns
    found = sources.check_breakdown(source, breakdown, url, {"P-1": "ward"}, dt.date(2026, 11, 20))
    reachable = found.report.results[0]
    assert (reachable.code, reachable.passed) == ("reachable", True)
    assert reachable.values == {"connection": "city_dw"}
    assert reachable.message("en") == "connection city_dw answers"
