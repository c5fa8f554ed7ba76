"""The info drawer's forecast section shows the figures `python -m data_access.backtest`
prints, in the reader's language (issue 7: "the figures on screen equal what the
backtest command prints")."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from data_access.backtest import main
from data_access.engine import PROJECT_ROOT
from i18n import t
from metrics.forecasting import METHODS
from metrics.registry import headline_indicators

APP = str(PROJECT_ROOT / "app.py")
YEAR = "2026"


def _printed(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """{(indicator, method): (MAE, bias, cover 50, cover 80, cover 95, Brier)} as printed."""
    monkeypatch.setenv("DASHBOARD_DB_URL", url)
    assert main([]) == 0
    out = capsys.readouterr().out
    figures = {}
    for indicator in headline_indicators():
        block = out.split(f"{indicator.code} (")[1].split("\n\n")[0]
        for line in block.splitlines()[2:]:
            cells = re.split(r"\s{2,}", line.strip())
            method = cells[0].removesuffix(" *")
            brier = cells[8].split(" ")[0]
            figures[(indicator.code, method)] = (
                cells[3],
                cells[4],
                cells[5].rstrip("%"),
                cells[6].rstrip("%"),
                cells[7].rstrip("%"),
                brier,
            )
    return figures


def _as_printed(text: str) -> str:
    """A figure as the drawer shows it (1.234,5 / −0,12 / 81%) → as printed (0.12, -0.12)."""
    text = text.strip().replace("−", "-")
    return text.replace(".", "").replace(",", ".") if "," in text else text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_drawer_shows_the_backtest_figures_the_command_prints(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    demo_warehouse_url: str,
    lang: str,
) -> None:
    printed = _printed(demo_warehouse_url, monkeypatch, capsys)
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    app = AppTest.from_file(APP, default_timeout=180)
    app.query_params["year"] = YEAR
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # The drawers are built only once opened (issue 12): open all four, as a reader would.
    for indicator in headline_indicators():
        app.session_state[f"info-{indicator.code}"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    names = {t(f"method_{method}", lang): method for method in METHODS}
    header = "| " + t("backtest_column_method", lang) + " |"
    tables = [m.value for m in app.markdown if m.value.startswith(header)]
    assert len(tables) == len(headline_indicators())
    shown = 0
    for indicator, table in zip(headline_indicators(), tables, strict=True):
        for line in table.splitlines()[2:]:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            used = f" ({t('backtest_used_mark', lang)})"
            name = cells[0].removesuffix(used).replace("**", "").strip()
            method = names[name]
            covers = [_as_printed(c).rstrip("%").strip() for c in cells[3].split("/")]
            brier = "—" if cells[4] == "—" else _as_printed(cells[4])
            bias = _as_printed(cells[2]).lstrip("+")
            on_screen = (_as_printed(cells[1]), bias, *covers, brier)
            expected = printed[(indicator.code, method)]
            assert on_screen == (*expected[:1], expected[1].lstrip("+"), *expected[2:]), (
                indicator.code,
                method,
            )
            shown += 1
    assert shown == len(printed)
    text = "\n".join(m.value for m in app.markdown)
    assert t("forecast_accuracy_title", lang) in text


def test_a_closed_drawer_sends_nothing_and_an_opened_one_its_contents(
    monkeypatch: pytest.MonkeyPatch, demo_warehouse_url: str
) -> None:
    """Closed, the Overview's four drawers hold no element (they were five or six each,
    drawn for nothing); opening one builds that one only."""
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    app = AppTest.from_file(APP, default_timeout=180)
    app.query_params["year"] = YEAR
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    title = t("forecast_accuracy_title", "en")
    assert not [m for m in app.markdown if title in m.value]
    assert not [b for b in app.toggle if str(b.key).startswith("lineage-")]
    app.session_state["info-satisfaction_rate"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len([m for m in app.markdown if title in m.value]) == 1
    (switch,) = [b for b in app.toggle if str(b.key).startswith("lineage-")]
    assert str(switch.key).startswith("lineage-satisfaction_rate-")
