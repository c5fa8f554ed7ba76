"""A declared source with a breakdown by procedure, in a tiny SQLite file, shared by the
sources rule tests (``test_sources_sampled_rules.py``, ``test_sources_fifth_sample_rules.py``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from data_access import sources

HEAD = "version: 1\nindicators:\n"
ONLINE = "  online_dossier_share:\n    connection: city_dw\n    freshness_days: 36\n"
BREAKDOWN = (
    "    sql: SELECT 1\n    breakdowns:\n      procedure:\n        table: ho_so\n"
    "        columns: {unit_code: ma_dv, month: thang, key: ma_tthc, label: ten_tthc,"
    " numerator: a, denominator: b}\n"
)


def procedures_source(
    folder: Path, p2_october: tuple[float | None, float]
) -> tuple[sources.Source, str]:
    """The source and its database URL: unit P-1 reported procedure P1 in September 2026
    (2 of 2) and October (3 of 4), and P2 in October (``p2_october``: numerator and
    denominator)."""
    database = folder / "city.sqlite"
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE ho_so (ma_dv TEXT, thang TEXT, ma_tthc TEXT, "
                          "ten_tthc TEXT, a REAL, b REAL)"))  # fmt: skip
        conn.execute(
            text("INSERT INTO ho_so VALUES (:u, :m, :k, :k, :a, :b)"),
            [
                {"u": "P-1", "m": "2026-09-01", "k": "P1", "a": 2, "b": 2},
                {"u": "P-1", "m": "2026-10-01", "k": "P1", "a": 3, "b": 4},
                {"u": "P-1", "m": "2026-10-01", "k": "P2", "a": p2_october[0], "b": p2_october[1]},
            ],
        )
    engine.dispose()
    path = folder / "sources.yaml"
    path.write_text(HEAD + ONLINE + BREAKDOWN, encoding="utf-8")
    (source,) = sources.load_mapping(path).sources
    return source, f"sqlite:///{database}"
