"""The benchmark removes only its own warehouses: a SQLite file it names, or a PostgreSQL
database whose name starts with ``bench_``; any other database is refused before anything
is sent to the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import warehouses


@pytest.mark.parametrize("remove", [warehouses.drop, warehouses.fresh])
@pytest.mark.parametrize("name", ["test", "warehouse", "postgres", "xbench_s"])
def test_a_database_not_named_bench_is_refused(remove, name: str) -> None:
    # Port 9 (discard) answers nothing: reaching the server would fail differently.
    with pytest.raises(ValueError, match=f"refusing to drop '{name}'"):
        remove(f"postgresql+psycopg://postgres@127.0.0.1:9/{name}")


@pytest.mark.parametrize("remove", [warehouses.drop, warehouses.fresh])
def test_a_sqlite_warehouse_goes_with_its_journal_files_and_nothing_else(
    tmp_path: Path, remove
) -> None:
    files = [tmp_path / f"tier.sqlite{extra}" for extra in ("", "-wal", "-shm", "-journal")]
    neighbour = tmp_path / "tier.sqlite.bak"
    for path in [*files, neighbour]:
        path.write_text("x")
    remove(f"sqlite:///{files[0]}")
    assert [p.name for p in tmp_path.iterdir()] == ["tier.sqlite.bak"]


@pytest.mark.parametrize("prefix", ["", "te", "test", "bench", "Bench_", "x-bench_", "bench_;"])
def test_a_database_prefix_that_could_name_another_database_is_refused(prefix: str) -> None:
    # With "" or "te" the refusal above would let the harness drop "test" or any database.
    with pytest.raises(ValueError, match="ending in bench_"):
        warehouses.database_prefix(prefix)


def test_the_harness_refuses_such_a_prefix_before_it_builds_anything() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "bench", "--db-prefix", "", "--tiers", "S"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(warehouses.PROJECT_ROOT),
    )
    assert done.returncode == 2
    assert "--db-prefix must be letters, digits and underscores ending in bench_" in done.stderr
