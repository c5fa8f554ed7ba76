"""What a link carries stays text (issue 7, item 8): every address parameter the app reads
(``lang``, ``year``, ``province``, ``type``, ``as_of``, ``unit``, ``procedure``), given a
Markdown link, an image, raw HTML, a bidirectional override or 10,000 characters, is refused
by name, and its value is repeated only inside inline code, cleaned and cut short.

AppTest sees the Markdown source of a warning, not what the browser draws; the browser
test ``tests/browser/test_url_escaping_browser.py`` checks the drawn page. Here the source
is read as CommonMark reads it: outside the code spans nothing of the value may appear, and
inside them exactly :func:`metrics.links.plain_text` of it.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from streamlit.testing.v1 import AppTest

from data_access.engine import PROJECT_ROOT
from tests.app.reading import tile_metrics

APP = str(PROJECT_ROOT / "app.py")
PARAMETERS = ("lang", "year", "province", "type", "as_of", "unit", "procedure")
CASES = {
    "markdown-link": "[Bấm vào đây](https://evil.example)",
    "markdown-image": "![ảnh](https://evil.example/a.png)",
    "raw-html": "<b>đậm</b><img src=x onerror=alert(1)><script>alert(1)</script>",
    "bidi-override": "26737\u202egnp.exe\u2066",
    "ten-thousand-characters": ("[x](https://evil.example)" * 400),
}
# What each case must not leave anywhere outside inline code.
DANGEROUS = ("evil", "http", "](", "<", "alert", ".exe")
# A code span as CommonMark reads it: a run of backticks, anything, the same run.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.*?)(?<!`)\1(?!`)", re.DOTALL)


def _expected_shown(value: str) -> str:
    """What the message may repeat, computed here: NFC, no character of Unicode
    category C, at most 60 characters then an ellipsis."""
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFC", value)
        if not unicodedata.category(ch).startswith("C")
    )
    return kept if len(kept) <= 60 else kept[:60] + "…"


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_every_parameter_refuses_the_value_by_name_and_shows_it_only_as_code(
    monkeypatch, demo_warehouse_url, case
):
    value = CASES[case]
    monkeypatch.setenv("DASHBOARD_DB_URL", demo_warehouse_url)
    app = AppTest.from_file(APP, default_timeout=300)
    for key in PARAMETERS:
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    warnings = [w.value for w in app.warning]
    source = "\n".join(warnings)
    for key in PARAMETERS:
        assert f"{key} = `" in source, f"{key} is not named in {warnings}"
    outside = CODE_SPAN.sub("", source)
    for piece in DANGEROUS:
        assert piece not in outside, (piece, outside)
    shown = [match.group(2)[1:-1] for match in CODE_SPAN.finditer(source)]
    assert shown and set(shown) == {_expected_shown(value)}
    assert not any(unicodedata.category(ch).startswith("C") and ch != "\n" for ch in source)
    assert len(source) < 3_000  # 10,000 characters are not repeated
    # The page still works, for the whole city, in the default language and year.
    assert len(tile_metrics(app)) == 4
    assert app.title[0].value == "Tổng quan"
    assert not set(PARAMETERS) & set(app.query_params)
