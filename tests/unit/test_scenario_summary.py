"""The written summary: one sentence per changed figure, each figure computed here by hand."""

from __future__ import annotations

import numpy as np

from i18n import fmt_percent
from scenarios import engine
from scenarios.summary import sentences
from tests.unit.scenario_fixtures import synthetic_baseline

BASE = synthetic_baseline(n_paths=2000)


def test_a_plan_cut_is_told_from_its_figures_in_both_languages() -> None:
    neutral = engine.simulate(BASE, engine.scenario(BASE, "base", {}))
    cut = engine.simulate(
        BASE, engine.scenario(BASE, "cut", {"capital_plan_change": {"change_pct": -20}})
    )
    december = BASE.indicators["public_investment_disbursement"].paths[1]
    before = float(np.mean(december >= 95.0))
    after = float(np.mean(np.minimum(december * 1.25, 100.0) >= 95.0))
    median_before = float(np.median(december))
    median_after = float(np.median(np.minimum(december * 1.25, 100.0)))
    assert after > before
    vi = sentences(neutral, cut, "vi")
    assert vi[0] == (
        "Với kịch bản này, khả năng đạt chỉ tiêu tỷ lệ giải ngân kế hoạch vốn đầu tư công "
        f"(95%) tăng từ {fmt_percent(100 * before, 'vi', 0)} lên "
        f"{fmt_percent(100 * after, 'vi', 0)}."
    )
    assert fmt_percent(median_before, "vi", 1) in vi[1]
    assert fmt_percent(median_after, "vi", 1) in vi[1]
    en = sentences(neutral, cut, "en")
    assert en[0].startswith("Under this scenario, the probability of reaching the ")
    assert len(vi) == len(en) == 2


def test_a_closure_tells_the_grdp_loss() -> None:
    neutral = engine.simulate(BASE, engine.scenario(BASE, "base", {}))
    closed = engine.simulate(
        BASE,
        engine.scenario(
            BASE,
            "closed",
            {
                "sector_closure": {
                    "sectors": ["X"],
                    "start_month": "2026-03",
                    "reopen_month": "2026-05",
                }
            },
        ),
    )
    # 66.67 billion VND lost of 1,200: 0.07 trillion VND, 5.6 %.
    assert sentences(neutral, closed, "en")[-1] == (
        "GRDP 2026 at current prices falls by 0.1 trillion VND (5.6%), from 1.2 to 1.1 "
        "trillion VND."
    )


def test_nothing_changed_is_said_so() -> None:
    neutral = engine.simulate(BASE, engine.scenario(BASE, "base", {}))
    assert sentences(neutral, neutral, "en") == [
        "With every assumption at its neutral value, the scenario is the baseline: no figure "
        "changes."
    ]
