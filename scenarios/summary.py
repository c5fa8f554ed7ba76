"""The written summary of a scenario against the baseline, in the reader's language.

Every sentence is built from one figure of the results (a probability, a median, GRDP),
so each can be traced to a number on the page; nothing is said that was not computed.
"""

from __future__ import annotations

from i18n import fmt_number, fmt_percent, fmt_pp, t
from scenarios.baseline import indicator_name
from scenarios.engine import Result


def _mid_sentence(name: str) -> str:
    """An indicator's name inside a sentence: its first letter in lower case."""
    return name[:1].lower() + name[1:]


def sentences(baseline: Result, scenario: Result, lang: str) -> list[str]:
    """One sentence per figure that the scenario changes as shown (to the decimals on
    screen), or one saying nothing changed.

    Examples
    --------
    See ``tests/unit/test_scenario_summary.py``.
    """
    out: list[str] = []
    for code, after in scenario.indicators.items():
        before = baseline.indicators.get(code)
        if before is None:
            continue
        name = _mid_sentence(indicator_name(code, lang))
        p0, p1 = before.probability, after.probability
        shown = (
            p0 is not None
            and p1 is not None
            and fmt_percent(100 * p0, lang, 0) != fmt_percent(100 * p1, lang, 0)
        )
        if shown and after.target is not None and p0 is not None and p1 is not None:
            out.append(
                t(
                    "scenario_sentence_probability_" + ("up" if p1 > p0 else "down"),
                    lang,
                    indicator=name,
                    target=fmt_percent(after.target, lang, 0 if after.target.is_integer() else 1),
                    before=fmt_percent(100 * p0, lang, 0),
                    after=fmt_percent(100 * p1, lang, 0),
                )
            )
        if fmt_percent(before.median, lang, 1) != fmt_percent(after.median, lang, 1):
            out.append(
                t(
                    "scenario_sentence_median",
                    lang,
                    indicator=name,
                    year=scenario.year,
                    before=fmt_percent(before.median, lang, 1),
                    after=fmt_percent(after.median, lang, 1),
                    change=fmt_pp(after.median - before.median, lang, 1),
                )
            )
    grdp = scenario.grdp
    if grdp is not None and grdp.change != 0:
        out.append(
            t(
                "scenario_sentence_grdp_" + ("up" if grdp.change > 0 else "down"),
                lang,
                year=scenario.year,
                before=fmt_number(grdp.baseline / 1000, lang, 1),
                after=fmt_number(grdp.scenario / 1000, lang, 1),
                change=fmt_number(abs(grdp.change) / 1000, lang, 1),
                change_pct=fmt_percent(abs(grdp.change_pct), lang, 1),
            )
        )
    if not out:
        out.append(t("scenario_sentence_unchanged", lang))
    return out
