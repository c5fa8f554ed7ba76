"""A missing number in a table reads "—", never Streamlit's "None" (every page's tables).

Regression: the Unit scorecard showed "None" in the target and gap columns of an
indicator not yet assessable (Vietnamese page included), because ``st.dataframe`` draws a
missing cell as the word "None" unless it is given a ``placeholder``. The pages that draw
tables when opened are checked as rendered, on the unit 26737 so the scorecard's missing
targets are drawn; the data grids mounted only when asked for (the indicator pages' grids
behind their expanders, satisfaction, scenarios) are covered by the source check below,
which reads every ``st.dataframe`` call of the app. The light lists drawn instead of grids
(Online's procedures; Disbursement's investors, whose pace is missing in a closed year:
``tests/app/test_disbursement_app.py``) are read as shown.
"""

from __future__ import annotations

import ast
import math

import pytest

from data_access.engine import PROJECT_ROOT
from tests.app.pages import each_data_tab, open_page
from tests.app.reading import html_table_texts, html_tables

PAGES = [None, "online", "economy", "unit", "governance", "data"]
"""The pages that draw tables when opened (None: the Overview, the default page)."""


@pytest.mark.parametrize("page", PAGES, ids=[p or "overview" for p in PAGES])
def test_every_table_draws_a_missing_number_as_a_dash(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str, page: str | None
) -> None:
    app = open_page(monkeypatch, demo_warehouse_url, page, year="2026", unit="26737")
    if page is None:  # the Overview's tables are built once their expander is opened
        app.session_state["attention-tables"] = True
        app.run()
    tables = list(app.dataframe)
    # A plain HTML table (app_pages/_html_table.py) writes "—" itself: no cell of it reads
    # as a missing value's spelling.
    plain = html_tables(app)
    # As shown, not as read back (html_tables reads a missing number as NaN).
    cells = html_table_texts(app)
    if page == "data":  # only the open tab is built (issue 12): each tab in turn
        for _tab in each_data_tab(app):
            tables += list(app.dataframe)
            plain |= html_tables(app)
            cells |= html_table_texts(app)
    assert tables or plain, f"{page}: no table drawn"
    placeholders = {table.proto.placeholder for table in tables}
    assert placeholders <= {"—"}, f"{page}: {placeholders}"
    assert not cells & {"None", "nan", "NaN", "<NA>", "NaT", ""}, f"{page}: {cells}"


def test_the_unit_scorecard_has_missing_numbers_to_show(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    """The case the rule is for exists: the scorecard of 26737 has a target-less row (an
    indicator not yet assessable), whose target and gap cells are missing."""
    app = open_page(monkeypatch, demo_warehouse_url, "unit", year="2026", unit="26737")
    scorecard = html_tables(app)["Các chỉ số năm 2026"]
    target = scorecard["Chỉ tiêu hoặc mốc tiến độ (%)"]
    assert any(math.isnan(value) for value in target), list(target)


def test_every_table_call_of_the_app_passes_the_dash() -> None:
    """Every ``st.dataframe(…)`` in the app's code, and every ``_ui.dataframe(…)`` (which
    draws text cells as plain text, then calls ``st.dataframe`` with the same arguments),
    says ``placeholder=MISSING``; a light list's grid (``_ui.grid_when_opened``) gets it
    from that helper's own call."""
    calls = []
    for path in sorted([PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "app_pages").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"st", "_ui"}
                and node.func.attr in {"dataframe", "data_editor"}
            ) or (
                path.name == "_ui.py"
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "dataframe"
            ):
                given = {k.arg: k.value for k in node.keywords}
                if None in given and "placeholder" not in given:
                    continue  # _ui.dataframe's own st.dataframe(data, **kwargs): a pass-through
                placeholder = given.get("placeholder")
                ok = isinstance(placeholder, ast.Name) and placeholder.id == "MISSING"
                calls.append((f"{path.name}:{node.lineno}", ok))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "grid_when_opened"
            ):
                # A light list's grid (_ui.grid_when_opened): the helper passes the dash
                # itself (its own dataframe call is checked above, in _ui.py).
                given = {k.arg for k in node.keywords}
                calls.append((f"{path.name}:{node.lineno}", "placeholder" not in given))
    # The walk finds the calls (a floor, not a count: read-only tables became plain HTML).
    assert len(calls) >= 10, calls
    assert [where for where, ok in calls if not ok] == []
