"""Every setting is valid and documented.

``.streamlit/config.toml`` uses only options the installed Streamlit knows, with allowed
values and no web fonts; the secrets example parses; every ``DASHBOARD_*`` environment
variable the project reads is explained in the README, as is every ``make`` target.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from data_access.engine import PROJECT_ROOT

CONFIG_PATH = PROJECT_ROOT / ".streamlit" / "config.toml"
SECRETS_EXAMPLE_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml.example"
README_PATH = PROJECT_ROOT / "README.md"
SKIPPED_FOLDERS = {".venv", ".git", "artifacts", "var", "__pycache__", "node_modules"}
SKIPPED_FOLDERS |= {".pytest_cache", ".ruff_cache", ".mypy_cache", "mutants"}
ENVIRONMENT_VARIABLE = re.compile(r"\bDASHBOARD_[A-Z][A-Z0-9_]*\b")

# Options whose value must be one of a fixed set, per Streamlit's documentation.
ALLOWED_VALUES = {
    "client.toolbarMode": {"auto", "developer", "viewer", "minimal"},
    "client.showErrorDetails": {"full", "stacktrace", "type", "none"},
    "theme.base": {"light", "dark"},
}


def flatten(table: dict[str, object], prefix: str = "") -> dict[str, object]:
    """``{"client": {"toolbarMode": "viewer"}}`` -> ``{"client.toolbarMode": "viewer"}``."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def project_files() -> list[Path]:
    """The project's own source, scripts and build files (not the venv or outputs)."""
    found = []
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        for name in files:
            path = Path(folder) / name
            if path.suffix in {".py", ".sh", ".toml", ".ini"} or name in {"Makefile", "run"}:
                found.append(path)
    return found


CONFIG = flatten(tomllib.loads(CONFIG_PATH.read_text(encoding="utf-8")))


@pytest.mark.parametrize("option", sorted(CONFIG))
def test_config_option_is_known_to_streamlit(option: str) -> None:
    from streamlit import config as streamlit_config

    known = streamlit_config._config_options_template  # the only list of every option
    assert option in known, f".streamlit/config.toml sets {option}, unknown to Streamlit"
    if option in ALLOWED_VALUES:
        assert CONFIG[option] in ALLOWED_VALUES[option], f"{option} = {CONFIG[option]!r}"


def test_config_hides_developer_chrome_and_error_details() -> None:
    # "minimal": not even the viewer menu (print, record screen, "made with Streamlit").
    assert CONFIG["client.toolbarMode"] == "minimal"
    assert CONFIG["client.showErrorDetails"] == "none"
    assert CONFIG["browser.gatherUsageStats"] is False


def test_config_loads_nothing_from_the_internet() -> None:
    remote = {key: value for key, value in CONFIG.items() if "://" in str(value)}
    assert remote == {}, f"config.toml points at the internet (web fonts, themes): {remote}"


def test_secrets_example_parses_and_names_a_warehouse_url() -> None:
    secrets = tomllib.loads(SECRETS_EXAMPLE_PATH.read_text(encoding="utf-8"))

    url = make_url(secrets["warehouse"]["url"])

    assert url.get_backend_name() == "postgresql"


def test_real_secrets_are_ignored_by_git() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored


def test_every_environment_variable_is_documented() -> None:
    readme = README_PATH.read_text(encoding="utf-8")
    used: dict[str, str] = {}
    for path in project_files():
        for name in ENVIRONMENT_VARIABLE.findall(
            path.read_text(encoding="utf-8", errors="replace")
        ):
            used.setdefault(name, str(path.relative_to(PROJECT_ROOT)))

    undocumented = {name: where for name, where in used.items() if name not in readme}

    assert "DASHBOARD_DB_URL" in used
    assert undocumented == {}, f"explain these in README.md: {undocumented}"


def test_every_make_target_is_documented() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, flags=re.MULTILINE)
    assert phony is not None
    readme = README_PATH.read_text(encoding="utf-8")

    undocumented = [target for target in phony.group(1).split() if f"make {target}" not in readme]

    assert undocumented == [], f"explain these make targets in README.md: {undocumented}"


PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _packages() -> set[str]:
    """The project's own top-level Python packages (folders with an ``__init__.py``)."""
    return {
        path.parent.name
        for path in PROJECT_ROOT.glob("*/__init__.py")
        if path.parent.name not in SKIPPED_FOLDERS
    }


def test_first_party_packages_are_the_projects_own() -> None:
    """Regression: ruff's first-party list named packages that do not exist."""
    named = set(PYPROJECT["tool"]["ruff"]["lint"]["isort"]["known-first-party"])
    assert named == _packages()


def test_mypy_covers_every_package() -> None:
    """Regression: mypy checked metrics/ and data_access/ only (19 errors hid elsewhere)."""
    files = set(PYPROJECT["tool"]["mypy"]["files"])
    assert _packages() - {"tests"} <= files
    assert {"app.py", "migrations/env.py"} <= files


def test_no_comment_points_outside_the_repository() -> None:
    """A comment stands on its own: it names no document the repository does not hold, and
    no page the app does not have."""
    named_documents = re.compile(r"\b([A-Z][A-Z_]+\.md)\b")
    absent_page = "meeting" + " mode"  # split, so this file does not name it
    pointers: list[str] = []
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        where = str(path.relative_to(PROJECT_ROOT))
        for name in set(named_documents.findall(text)):
            if not any(PROJECT_ROOT.rglob(name)):
                pointers.append(f"{where}: {name}")
        if absent_page in text.lower() and not any((PROJECT_ROOT / "app_pages").glob("*meeting*")):
            pointers.append(f"{where}: {absent_page}")
    assert pointers == []


def test_the_doctests_run_with_the_suite() -> None:
    """Regression: the docstrings' examples never ran under `make test`."""
    options = PYPROJECT["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in options["addopts"].split()
    with_examples = {
        path.relative_to(PROJECT_ROOT).parts[0]
        for path in PROJECT_ROOT.glob("*/*.py")
        if path.parts[-2] not in SKIPPED_FOLDERS | {"tests"}
        and ">>> " in path.read_text(encoding="utf-8")
    }
    assert with_examples <= set(options["testpaths"])


def _commented_table(name: str) -> dict[str, object]:
    """A table the secrets example shows commented out (``# [auth]`` …), uncommented."""
    lines = SECRETS_EXAMPLE_PATH.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"# [{name}]")
    block = []
    for line in lines[start:]:
        if not line.startswith("# ") or (block and line.startswith("# [")):
            break
        block.append(line[2:])
    table = tomllib.loads("\n".join(block))[name]
    assert isinstance(table, dict)
    return table


def test_secrets_example_shows_a_complete_sign_in_provider() -> None:
    auth = _commented_table("auth")
    # What st.login needs for the default provider (Streamlit's documentation).
    required = {"redirect_uri", "cookie_secret", "client_id", "client_secret"}
    assert required | {"server_metadata_url"} == set(auth)
    assert str(auth["redirect_uri"]).endswith("/oauth2callback")
    assert str(auth["server_metadata_url"]).endswith("/.well-known/openid-configuration")
    assert set(_commented_table("sign_in")) == {"require", "roles_file"}
