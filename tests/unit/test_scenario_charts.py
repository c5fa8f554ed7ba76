"""The scenario figures: a fan per run opening from the last observed value, the target
drawn, and the tornado's bars measured from the scenario's own outcome."""

from __future__ import annotations

import pandas as pd

from charts.scenarios import make_fan_figure, make_tornado_figure
from scenarios import engine
from tests.unit.scenario_fixtures import synthetic_baseline

BASE = synthetic_baseline(n_paths=400)


def test_fan_has_three_bands_and_a_median_per_run_and_the_target() -> None:
    base = engine.simulate(BASE, engine.scenario(BASE, "base", {}))
    more = engine.simulate(
        BASE, engine.scenario(BASE, "more", {"online_extra_growth": {"pp_per_month": 2}})
    )
    figure = make_fan_figure(
        [
            (label, r.indicators["online_dossier_share"].bands())
            for label, r in (("Baseline", base), ("More online", more))
        ],
        "en",
        title="Online",
        y_title="Online dossier share (%)",
        target=50.0,
        target_label="Target 50%",
        anchor=(pd.Timestamp("2026-10-01"), 49.7),
    )
    names = [trace.name for trace in figure.data]
    assert names.count("More online — median") == 1
    assert sum(1 for n in names if n.startswith("More online — ")) == 4
    median = next(t for t in figure.data if t.name == "More online — median")
    assert median.x[0] == pd.Timestamp("2026-10-01") and median.y[0] == 49.7
    bands = more.indicators["online_dossier_share"].bands()
    assert list(median.y[1:]) == bands["central"].tolist()
    assert [shape.y0 for shape in figure.layout.shapes] == [50.0]


def test_tornado_bars_start_at_the_centre() -> None:
    bars = pd.DataFrame(
        {
            "label": ["Plan", "Curve"],
            "low_label": ["−50", "0"],
            "high_label": ["50", "1"],
            "outcome_at_low": [100.0, 70.0],
            "outcome_at_high": [50.0, 90.0],
        }
    )
    figure = make_tornado_figure(76.0, bars, "en", title="T", x_title="Median (%)")
    low, high = figure.data
    assert list(low.y) == ["Curve", "Plan"]  # largest swing drawn on top
    assert list(low.x) == [-6.0, 24.0] and list(high.x) == [14.0, -26.0]
    assert low.base == 76.0


def test_a_target_far_from_the_paths_is_named_not_drawn() -> None:
    bands = (
        engine.simulate(BASE, engine.scenario(BASE, "base", {}))
        .indicators["satisfaction_rate"]
        .bands()
    )
    figure = make_fan_figure(
        [("Baseline", bands)], "en", title="T", y_title="%", target=50.0, target_label="50%"
    )
    assert not figure.layout.shapes
    assert [a.text for a in figure.layout.annotations] == ["↓ Target 50% (off the chart, below)"]
    assert figure.layout.yaxis.range[0] > 80
