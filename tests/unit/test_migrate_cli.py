"""`python -m data_access.migrate` answers a bad address in one line, never a traceback."""

import subprocess
import sys

import pytest

from data_access.engine import PROJECT_ROOT


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("not a url", 2, "not a usable database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", 1, "cannot reach the warehouse"),
    ],
)
def test_bad_addresses_get_one_clear_line(url, code, words):
    result = subprocess.run(
        [sys.executable, "-m", "data_access.migrate"],
        cwd=PROJECT_ROOT,
        env={"DASHBOARD_DB_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == code
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_migration_disposes_its_engine(monkeypatch, tmp_path):
    """Regression: the engine was disposed only when the migration succeeded."""
    from sqlalchemy.exc import DatabaseError

    import data_access.engine
    from data_access.migrate import upgrade

    made = []
    disposed = []
    original = data_access.engine.make_engine

    def recording(url):
        engine = original(url)
        made.append(engine)
        dispose = engine.dispose
        engine.dispose = lambda *args, **kwargs: (disposed.append(engine), dispose(*args, **kwargs))
        return engine

    monkeypatch.setattr(data_access.engine, "make_engine", recording)
    broken = tmp_path / "not-a-database.sqlite"
    broken.write_bytes(b"this is not an SQLite file" * 100)

    with pytest.raises(DatabaseError):
        upgrade(f"sqlite:///{broken}")

    assert made and disposed == made


def test_the_command_in_process_says_each_outcome_in_one_line(monkeypatch, capsys, tmp_path):
    from data_access.migrate import main

    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert main() == 0
    assert capsys.readouterr().out == f"warehouse at {url} is at the latest schema\n"

    monkeypatch.setenv("DASHBOARD_DB_URL", "nosuchdb://user:secret@host/db")
    assert main() == 2
    err = capsys.readouterr().err
    assert err.startswith("error: nosuchdb://user:***@host/db is not a usable database URL (")
    assert err.endswith("); set DASHBOARD_DB_URL to e.g. postgresql+psycopg://user@host:5432/db\n")
    assert "secret" not in err

    monkeypatch.setenv("DASHBOARD_DB_URL", "postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    assert main() == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "error: cannot reach the warehouse at postgresql+psycopg://nobody:***@127.0.0.1:1/none: "
    )
    assert len(err.strip().splitlines()) == 1


def test_a_url_with_percent_escapes_reaches_alembic_unchanged(tmp_path):
    from data_access.migrate import alembic_config

    url = "postgresql+psycopg://user:p%40ss@host/db"
    config = alembic_config(url)
    assert config.get_main_option("sqlalchemy.url") == url
    assert config.get_main_option("script_location").endswith("migrations")
