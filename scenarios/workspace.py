"""The workspace's steps that touch the warehouse: run-and-save, open, re-run, and the
results table for export. Everything is validated before anything is written, so a
scenario with a problem leaves the warehouse as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from data_access import saved_scenarios
from data_access.saved_scenarios import SavedScenario, User
from i18n import t
from metrics.registry import get_indicator
from scenarios.baseline import Baseline
from scenarios.engine import ENGINE_VERSION, Result, scenario, simulate
from scenarios.levers import Scenario


def run(baseline: Baseline, name: Any, overrides: Any, seed: Any = None) -> Result:
    """Validate (raising :class:`scenarios.levers.ScenarioError`) and simulate."""
    return simulate(baseline, scenario(baseline, name, overrides, seed))


def save_run(
    conn: Connection, user: User, baseline: Baseline, result: Result, *, is_official: bool = False
) -> int:
    """Save a simulated (hence validated) scenario with its summary; return its id."""
    chosen: Scenario = result.scenario
    return saved_scenarios.save(
        conn,
        user,
        name=chosen.name,
        year=baseline.year,
        overrides=chosen.overrides,
        seed=chosen.seed,
        n_paths=baseline.n_paths,
        engine_version=ENGINE_VERSION,
        baseline_fingerprint=baseline.fingerprint,
        summary=result.summary(),
        is_demo=baseline.is_demo,
        is_official=is_official,
    )


def run_and_save(
    conn: Connection,
    user: User,
    baseline: Baseline,
    name: Any,
    overrides: Any,
    seed: Any = None,
    *,
    is_official: bool = False,
) -> int:
    """Validate, simulate and save in one step (nothing is written when it is invalid)."""
    return save_run(
        conn, user, baseline, run(baseline, name, overrides, seed), is_official=is_official
    )


@dataclass(frozen=True, slots=True)
class Staleness:
    """Why a saved scenario's stored results may no longer be what a run gives today."""

    data_changed: bool
    engine_changed: bool
    other_year: bool

    @property
    def is_stale(self) -> bool:
        return self.data_changed or self.engine_changed


def staleness(saved: SavedScenario, baseline: Baseline) -> Staleness:
    """Compare a saved scenario with the baseline it would be run on today."""
    return Staleness(
        data_changed=saved.baseline_fingerprint != baseline.fingerprint,
        engine_changed=saved.engine_version != ENGINE_VERSION,
        other_year=saved.year != baseline.year,
    )


def rerun(conn: Connection, user: User, saved: SavedScenario, baseline: Baseline) -> Result:
    """Run a saved scenario again on today's baseline (same levers and seed) and store
    the new results on it."""
    result = run(baseline, saved.name, saved.overrides, saved.seed)
    saved_scenarios.rerun(
        conn,
        user,
        saved.scenario_id,
        n_paths=baseline.n_paths,
        engine_version=ENGINE_VERSION,
        baseline_fingerprint=baseline.fingerprint,
        summary=result.summary(),
        is_demo=baseline.is_demo,
    )
    return result


def results_table(runs: Sequence[tuple[str, Result]], lang: str) -> pd.DataFrame:
    """One row per run and indicator: the median, the 80 % and 95 % bands and the
    probability of the target at the judgement date (and GRDP, when simulated) — the
    figures of the comparison, for the screen and the CSV/XLSX export."""
    rows: list[dict[str, object]] = []
    for label, result in runs:
        for code, indicator in result.indicators.items():
            bands = indicator.judgement_bands()
            probability = indicator.probability
            rows.append(
                {
                    t("scenario_col_scenario", lang): label,
                    t("scenario_col_indicator", lang): get_indicator(code).short(lang),
                    t("scenario_col_target", lang): indicator.target,
                    t("scenario_col_median", lang): round(bands["central"], 2),
                    t("scenario_col_low80", lang): round(bands["lower_80"], 2),
                    t("scenario_col_high80", lang): round(bands["upper_80"], 2),
                    t("scenario_col_low95", lang): round(bands["lower_95"], 2),
                    t("scenario_col_high95", lang): round(bands["upper_95"], 2),
                    t("scenario_col_probability", lang): (
                        None if probability is None else round(100 * probability, 1)
                    ),
                }
            )
        if result.grdp is not None:
            rows.append(
                {
                    t("scenario_col_scenario", lang): label,
                    t("scenario_col_indicator", lang): t("scenario_grdp_name", lang),
                    t("scenario_col_target", lang): None,
                    t("scenario_col_median", lang): round(result.grdp.scenario, 0),
                    t("scenario_col_low80", lang): None,
                    t("scenario_col_high80", lang): None,
                    t("scenario_col_low95", lang): None,
                    t("scenario_col_high95", lang): None,
                    t("scenario_col_probability", lang): None,
                }
            )
    frame = pd.DataFrame(rows)
    text_columns = [t("scenario_col_scenario", lang), t("scenario_col_indicator", lang)]
    return frame.astype({c: "float64" for c in frame.columns if c not in text_columns})


def summary_figures(summary: Mapping[str, Any], code: str) -> tuple[float | None, float | None]:
    """A stored summary's median and probability of one indicator (None when absent)."""
    entry = summary.get("indicators", {}).get(code)
    if not entry:
        return None, None
    return entry.get("median"), entry.get("probability")
