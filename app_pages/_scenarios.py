"""The scenario workspace's sections: the baseline (with progress), the lever form, the
results (summary, fan charts, goal seek, tornado, figures and downloads), the saved
scenarios (open, duplicate, re-run, delete) and the side-by-side comparison."""

from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app_pages import _auth, _page, _rankings, _ui
from charts.scenarios import make_fan_figure, make_tornado_figure
from data_access import cached, saved_scenarios
from data_access.saved_scenarios import SavedScenario, SavedScenarioError
from i18n import (
    MISSING,
    code_span,
    escape_markdown,
    fmt_date,
    fmt_month,
    fmt_number,
    fmt_percent,
    fmt_signed,
    t,
)
from i18n.escape import strip_invisible
from metrics.clock import add_months, to_city_time
from metrics.export import file_stem
from metrics.links import plain_text
from metrics.projection import DEFAULT_SEED
from metrics.registry import get_indicator
from scenarios import engine, workspace
from scenarios.analysis import goal_seek, tornado
from scenarios.baseline import SIMULATED_CODES, Baseline, indicator_name
from scenarios.engine import ENGINE_VERSION, Result
from scenarios.leverfile import MAX_BYTES, read_csv, to_csv
from scenarios.levers import Lever, Parameter, ScenarioError, load_catalogue
from scenarios.summary import sentences

N_PATHS = 10_000
CATALOGUE = load_catalogue()


def baseline(filters: _ui.Filters, seed: int) -> Baseline:
    """The year's baseline, with a progress bar while the backtests run (the only step
    that can take more than a second; a warm cache returns at once)."""
    lang = filters.lang
    series, units, sectors = cached.scenario_inputs(filters.year)
    progress = st.progress(0.0)
    codes = [code for code, frame in series.items() if not frame.empty]
    for done, code in enumerate(codes):
        progress.progress(
            done / (len(codes) + 1),
            text=t(
                "scenario_building_baseline",
                lang,
                indicator=indicator_name(code, lang),
                done=done + 1,
                total=len(codes),
            ),
        )
        cached.backtest_report(series[code], code)
    built = cached.scenario_baseline(series, units, sectors, filters.year, N_PATHS, seed)
    progress.empty()
    return built


def _scope() -> dict[str, Any]:
    """The reader's unit scope for :mod:`data_access.saved_scenarios` (which enforces it)."""
    scope = _auth.reader_scope()
    return {"scope": scope, "scope_ids": cached.scope_units(scope)}


def widget_key(lever: str, parameter: str) -> str:
    return f"scn_{lever}_{parameter}"


def _month_options(baseline_: Baseline, parameter: Parameter) -> list[str | None]:
    first = dt.date(baseline_.year, 1, 1)
    count = 24 if parameter.allow_next_year else 12
    months: list[str | None] = [
        f"{m.year}-{m.month:02d}" for m in (add_months(first, i) for i in range(count))
    ]
    return ([None] if parameter.default is None else []) + months


def _as_widget(value: Any, parameter: Parameter) -> Any:
    if parameter.type == "month":
        return None if value is None else f"{value.year}-{value.month:02d}"
    if parameter.type == "units":
        return [] if value == "all" else list(value)
    if parameter.type == "sectors":
        return list(value)
    return value


def defaults(baseline_: Baseline) -> dict[str, dict[str, Any]]:
    """Every lever's neutral values, as the form's widgets hold them."""
    neutral = engine.scenario(baseline_, "defaults", {})
    return {
        lever.code: {
            p.name: _as_widget(neutral.levers[lever.code][p.name], p) for p in lever.parameters
        }
        for lever in CATALOGUE.levers
    }


def fill_form(baseline_: Baseline, name: str, overrides: dict[str, Any], seed: int) -> None:
    """Put a scenario's values in the form (before its widgets are drawn)."""
    neutral = defaults(baseline_)
    for lever in CATALOGUE.levers:
        given = overrides.get(lever.code, {})
        for parameter in lever.parameters:
            value = given.get(parameter.name, neutral[lever.code][parameter.name])
            if parameter.type == "units" and value == "all":
                value = []
            if parameter.type == "number" and isinstance(value, int | float):
                value = float(value)
            st.session_state[widget_key(lever.code, parameter.name)] = value
    # A name typed by someone else: into the field as plain text (no bidi or control).
    st.session_state["scn_name"] = strip_invisible(name)
    st.session_state["scn_seed"] = int(seed)


def _overrides(baseline_: Baseline) -> dict[str, dict[str, Any]]:
    """What the form changes from the neutral values, lever by lever."""
    neutral = defaults(baseline_)
    out: dict[str, dict[str, Any]] = {}
    for lever in CATALOGUE.levers:
        changed = {}
        for parameter in lever.parameters:
            value = st.session_state.get(widget_key(lever.code, parameter.name))
            if value != neutral[lever.code][parameter.name]:
                changed[parameter.name] = (
                    "all" if parameter.type == "units" and not value else value
                )
        if changed:
            out[lever.code] = changed
    return out


def _lowest_out_of_scope(parameter_name: str) -> bool:
    """The "N lowest units" are chosen among the whole city's units: for a unit-scoped user
    the city result for N = 1, 2, … would tell other units' rates, so it is not theirs."""
    return parameter_name == "lowest_n" and _auth.reader_scope() is not None


def _parameter_widget(baseline_: Baseline, lever: Lever, parameter: Parameter, lang: str) -> None:
    if _lowest_out_of_scope(parameter.name):
        return  # not offered (see _lowest_out_of_scope)
    key = widget_key(lever.code, parameter.name)
    label = t(f"scenario_parameter_{lever.code}_{parameter.name}", lang)
    if parameter.type in ("number", "integer"):
        is_integer = parameter.type == "integer"
        st.number_input(
            label,
            min_value=int(parameter.minimum or 0) if is_integer else parameter.minimum,
            max_value=(int(parameter.maximum or 0) if is_integer else parameter.maximum),
            step=1 if is_integer else 0.1,
            key=key,
        )
    elif parameter.type == "month":
        _ui.selectbox(
            label,
            _month_options(baseline_, parameter),
            format_func=lambda m: (
                t("scenario_no_choice", lang)
                if m is None
                else fmt_month(dt.date(int(m[:4]), int(m[5:]), 1), lang)
            ),
            key=key,
        )
    elif parameter.type == "choice":
        _ui.selectbox(
            label,
            list(parameter.choices),
            format_func=lambda c: t(f"scenario_mode_{c}", lang),
            key=key,
        )
    elif parameter.type == "year":
        _ui.selectbox(
            label,
            [None, *sorted(baseline_.curves, reverse=True)],
            format_func=lambda y: t("scenario_no_choice", lang) if y is None else str(y),
            key=key,
        )
    elif parameter.type == "units":
        # The choices come from a scoped read: a unit-scoped user chooses their own unit
        # (or all units), and no other unit's name is offered.
        units = cached.scenario_units(baseline_.year, scope=_auth.reader_scope())
        names = dict(zip(units["unit_id"], units[f"name_{lang}"], strict=True))
        _ui.multiselect(
            label,
            list(names),
            format_func=lambda u: names.get(u, u),
            placeholder=t("scenario_units_all", lang),
            key=key,
        )
    elif parameter.type == "sectors":
        economy = baseline_.economy
        codes = list(economy.sector_codes) if economy else []
        names = (
            dict(
                zip(
                    codes,
                    economy.sector_names_vi if lang == "vi" else economy.sector_names_en,
                    strict=True,
                )
            )
            if economy
            else {}
        )
        _ui.multiselect(
            label,
            codes,
            format_func=lambda c: f"{c} – {names.get(c, c)}",
            key=key,
            placeholder=t("scenario_no_choice", lang),
        )


LEVER_UPLOAD_MB = max(1, math.ceil(MAX_BYTES / 1_000_000))
"""What the lever file widget takes: the loader's own limit rounded up to whole megabytes
(at least 1), so its "Limit … MB per file" no longer says Streamlit's 200 MB."""


def lever_file(baseline_: Baseline, lang: str) -> None:
    """Load a lever file into the form (refused whole, with its messages, when bad)."""
    _ui.uploader_words("scn_file", lang, limit_mb=LEVER_UPLOAD_MB, types="CSV")
    uploaded = st.file_uploader(
        t("scenario_load_file", lang),
        type=["csv"],
        help=t("scenario_load_file_help", lang),
        key="scn_file",
        max_upload_size=LEVER_UPLOAD_MB,
    )
    if uploaded is None or st.session_state.get("scn_file_done") == uploaded.file_id:
        return
    st.session_state["scn_file_done"] = uploaded.file_id
    try:
        loaded = read_csv(uploaded.getvalue())
        if loaded.year is not None and loaded.year != baseline_.year:
            st.error(
                t(
                    "scenario_problem_lever_file_year",
                    lang,
                    file_year=loaded.year,
                    year=baseline_.year,
                ),
                icon=":material/error:",
            )
            return
        outside = cached.units_outside_scope(
            saved_scenarios.named_units(loaded.overrides), scope=_auth.reader_scope()
        )
        if outside:
            st.error(
                t("scenario_units_out_of_scope", lang, units=escape_markdown(", ".join(outside))),
                icon=":material/block:",
            )
            return
        engine.scenario(baseline_, loaded.name, loaded.overrides, loaded.seed or DEFAULT_SEED)
    except ScenarioError as error:
        problems(error, lang)
        return
    fill_form(baseline_, loaded.name, dict(loaded.overrides), loaded.seed or DEFAULT_SEED)
    st.success(t("scenario_file_loaded", lang, name=escape_markdown(loaded.name)))
    st.rerun()


def problems(error: ScenarioError, lang: str) -> None:
    """Every problem of a refused scenario or file, in plain text."""
    st.error(
        t("scenario_invalid", lang)
        + "\n"
        + "\n".join("- " + escape_markdown(m) for m in error.messages(lang)),
        icon=":material/error:",
    )


def form(baseline_: Baseline, lang: str) -> tuple[str, bool] | None:
    """The lever form; returns (what was pressed, official?) when submitted."""
    st.session_state.setdefault("scn_name", "")
    st.session_state.setdefault("scn_seed", DEFAULT_SEED)
    neutral = defaults(baseline_)
    for code, params in neutral.items():
        for name, value in params.items():
            st.session_state.setdefault(widget_key(code, name), value)
    changed = _overrides(baseline_)  # levers moved from neutral open expanded
    with st.form("scenario-form", border=True):
        st.caption(t("scenario_build_help", lang))
        left, right = st.columns([3, 1])
        left.text_input(t("scenario_name", lang), max_chars=120, key="scn_name")
        right.number_input(
            t("scenario_seed", lang), min_value=0, max_value=2**32 - 1, step=1, key="scn_seed"
        )
        for lever in CATALOGUE.levers:
            applies = all(i in baseline_.indicators for i in lever.indicators)
            with st.expander(lever.text("name", lang), expanded=lever.code in changed):
                st.caption(escape_markdown(lever.text("description", lang)))
                if not applies:
                    st.caption(
                        ":material/block: "
                        + t(
                            "scenario_not_simulated",
                            lang,
                            year=baseline_.year,
                            indicators=", ".join(indicator_name(i, lang) for i in lever.indicators),
                        )
                    )
                halves = st.columns(2)
                for index, parameter in enumerate(lever.parameters):
                    with halves[index % 2]:
                        _parameter_widget(baseline_, lever, parameter, lang)
                st.caption(
                    t(
                        "scenario_lever_source",
                        lang,
                        source=escape_markdown(lever.text("source", lang)),
                    )
                )
        official = st.checkbox(
            t("scenario_official", lang, year=baseline_.year),
            key="scn_official",
            # Only an admin saves the official scenario (the data layer refuses it too).
            disabled=not _auth.current_user().is_admin,
        )
        with st.container(horizontal=True):
            run = st.form_submit_button(
                t("scenario_run", lang), type="primary", icon=":material/play_arrow:"
            )
            run_save = st.form_submit_button(
                t("scenario_run_and_save", lang),
                icon=":material/save:",
                disabled=not _auth.current_user().is_analyst,
            )
    if run or run_save:
        return ("save" if run_save else "run"), bool(official)
    return None


def submitted(baseline_: Baseline, pressed: str, official: bool, lang: str) -> None:
    """Validate the form's scenario whole; run it; save it when asked."""
    name = str(st.session_state.get("scn_name") or "")
    seed = st.session_state.get("scn_seed")
    overrides = _overrides(baseline_)
    if any(
        _lowest_out_of_scope(parameter) and value
        for params in overrides.values()
        for parameter, value in params.items()
    ):
        # Asked for all the same (a lever file, a saved scenario's form): refused, not run.
        st.error(t("scenario_lowest_out_of_scope", lang), icon=":material/block:")
        return
    try:
        result = workspace.run(baseline_, name, overrides, seed)
    except ScenarioError as error:
        problems(error, lang)
        return
    chosen = result.scenario
    st.session_state["scn_current"] = {"name": name, "overrides": overrides, "seed": chosen.seed}
    if pressed == "save":
        save(baseline_, result, official, lang)


def save(baseline_: Baseline, result: Result, official: bool, lang: str) -> None:
    try:
        with cached.warehouse_engine().begin() as conn:
            scenario_id = workspace.save_run(
                conn, _auth.current_user(), baseline_, result, is_official=official
            )
    except SavedScenarioError as error:
        st.error(t(f"saved_scenario_{error.code}", lang, **error.parts), icon=":material/lock:")
        return
    except SQLAlchemyError:
        st.error(t("scenario_store_unavailable", lang), icon=":material/database:")
        return
    st.session_state["scn_open_id"] = scenario_id
    if st.session_state.get("scn_current"):
        st.session_state["scn_current"]["saved_id"] = scenario_id
    st.query_params["scenario"] = str(scenario_id)
    st.success(t("scenario_saved_toast", lang, scenario_id=scenario_id), icon=":material/save:")


def _percent(value: float | None, lang: str) -> str:
    return "—" if value is None else fmt_percent(100 * value, lang, 0)


def results(filters: _ui.Filters, baseline_: Baseline, current: dict[str, Any]) -> None:
    """The current scenario against the baseline."""
    lang = filters.lang
    try:
        result = workspace.run(baseline_, current["name"], current["overrides"], current["seed"])
    except ScenarioError as error:
        problems(error, lang)
        return
    base = workspace.run(baseline_, t("scenario_baseline_label", lang), {}, current["seed"])
    st.subheader(t("scenario_results_title", lang, name=escape_markdown(current["name"])))
    _page.demo_notice(lang, baseline_.is_demo)
    with st.container(border=True, key="scenario-summary"):
        st.markdown("**" + t("scenario_summary_title", lang) + "**")
        st.markdown("\n".join("- " + escape_markdown(s) for s in sentences(base, result, lang)))
    figures(
        filters,
        baseline_,
        [(t("scenario_baseline_label", lang), base), (current["name"], result)],
        key="current",
    )
    goal(baseline_, result, lang)
    sensitivity(baseline_, result, lang)
    table(
        filters,
        baseline_,
        [(t("scenario_baseline_label", lang), base), (current["name"], result)],
        result,
        key="current",
    )
    if current.get("saved_id") is None and st.button(
        t("scenario_save", lang), icon=":material/save:", key="scn-save"
    ):
        save(baseline_, result, False, lang)


def figures(
    filters: _ui.Filters,
    baseline_: Baseline,
    runs: list[tuple[str, Result]],
    key: str,
    with_metrics: bool = True,
) -> None:
    """Per indicator: the probability and median against the baseline, and the fan chart.

    One tab an indicator, and only the open tab's figures are built and sent (issue 12: the
    three hidden fan charts were drawn on every run); the tabs are keyed
    (``scn-figures-<key>``), so a rerun (the tornado's choice, a save) keeps the open one."""
    lang = filters.lang
    codes = [c for c in SIMULATED_CODES if c in baseline_.indicators]
    tabs = st.tabs(
        [get_indicator(c).short(lang) for c in codes],
        key=f"scn-figures-{key}",
        on_change="rerun",
    )
    for tab, code in zip(tabs, codes, strict=True):
        if not tab.open:
            continue
        with tab:
            first = runs[0][1].indicators[code]
            if with_metrics and len(runs) > 1:
                mine = runs[1][1].indicators[code]
                delta = (
                    None
                    if mine.probability is None or first.probability is None
                    else 100 * (mine.probability - first.probability)
                )
                left, right = st.columns(2)
                left.metric(
                    t("scenario_probability_label", lang),
                    _percent(mine.probability, lang),
                    **_ui.delta_args(delta, lang),
                    delta_description=t("scenario_vs_baseline", lang),
                    border=True,
                )
                right.metric(
                    t("scenario_median_label", lang, year=baseline_.year),
                    fmt_percent(mine.median, lang, 1),
                    **_ui.delta_args(mine.median - first.median, lang),
                    delta_description=t("scenario_vs_baseline", lang),
                    border=True,
                )
            anchor = (
                (pd.Timestamp(first.anchor_month), float(first.anchor_value))
                if first.anchor_month is not None and first.anchor_value is not None
                else None
            )
            target = first.target
            _ui.show_figure(
                make_fan_figure(
                    [(label, run_.indicators[code].bands()) for label, run_ in runs],
                    lang,
                    title=t("scenario_fan_title", lang, indicator=indicator_name(code, lang)),
                    y_title=f"{get_indicator(code).short(lang)} (%)",
                    target=target,
                    target_label=t(
                        "scenario_target_label",
                        lang,
                        value=fmt_percent(target, lang, 0 if target and target.is_integer() else 1),
                    )
                    if target is not None
                    else "",
                    anchor=anchor,
                ),
                key=f"fan-{key}-{code}",
            )
    grdp = runs[-1][1].grdp
    if grdp is not None and baseline_.economy is not None and grdp.change != 0:
        change = grdp.change / 1000
        st.metric(
            t("scenario_grdp_label", lang, year=baseline_.year),
            fmt_number(grdp.scenario / 1000, lang, 1),
            delta=t("scenario_grdp_delta", lang, change=fmt_signed(change, lang, 1)),
            delta_arrow="up" if change > 0 else "down",
            delta_color="green" if change > 0 else "red",
            delta_description=t("scenario_vs_baseline", lang),
            border=True,
            help=t("scenario_grdp_help", lang, shares_year=baseline_.economy.shares_year),
        )


def goal(baseline_: Baseline, result: Result, lang: str) -> None:
    """Goal seek: a lever's value reaching a target with a chosen probability."""
    st.subheader(t("scenario_goal_title", lang))
    pairs = [
        (lever, code)
        for lever in CATALOGUE.levers
        if lever.primary is not None and lever.code != "sector_growth"
        for code in lever.indicators
        if code in baseline_.indicators and baseline_.indicators[code].target is not None
    ]
    if not pairs:
        st.caption(t("scenario_goal_none", lang))
        return
    with st.form("scenario-goal", border=True):
        st.caption(t("scenario_goal_help", lang))
        choice = _ui.selectbox(
            t("scenario_goal_lever", lang),
            range(len(pairs)),
            format_func=lambda i: (
                f"{pairs[i][0].text('name', lang)} → {indicator_name(pairs[i][1], lang)}"
            ),
            key="scn_goal_pair",
        )
        wanted = st.slider(t("scenario_goal_probability", lang), 50, 95, 80, 5, key="scn_goal_p")
        pressed = st.form_submit_button(t("scenario_goal_run", lang), icon=":material/target:")
    if not pressed or choice is None:
        return
    lever, code = pairs[choice]
    answer = goal_seek(baseline_, result.scenario, lever.code, code, wanted / 100)
    label = t(f"scenario_parameter_{lever.code}_{lever.primary}", lang)
    parts = {
        "lever": label,
        "indicator": indicator_name(code, lang),
        "wanted": fmt_percent(wanted, lang, 0),
        "probability": _percent(answer.probability, lang),
        "value": fmt_number(answer.value, lang, 2) if answer.value is not None else "—",
        "best_value": fmt_number(answer.best_value, lang, 2),
        "best_probability": _percent(answer.best_probability, lang),
    }
    message = t(f"scenario_goal_{answer.status}", lang, **parts)
    if answer.status == "unreachable":
        st.warning(message, icon=":material/block:")
    else:
        st.success(message, icon=":material/target:")


def sensitivity(baseline_: Baseline, result: Result, lang: str) -> None:
    """The tornado chart of one indicator."""
    st.subheader(t("scenario_tornado_title", lang))
    codes = [c for c in SIMULATED_CODES if c in baseline_.indicators]
    left, right = st.columns(2)
    code = left.selectbox(
        t("scenario_tornado_indicator", lang),
        codes,
        format_func=lambda c: indicator_name(c, lang),
        key="scn_tornado_code",
    )
    outcome = right.segmented_control(
        t("scenario_tornado_outcome", lang),
        ["median", "probability"],
        format_func=lambda o: t(f"scenario_outcome_{o}", lang),
        key="scn_tornado_outcome",
        default="median",
        required=True,
    )
    if code is None:
        return
    centre, bars = tornado(
        baseline_, result.scenario, code, "probability" if outcome == "probability" else "median"
    )
    if not bars:
        st.caption(t("scenario_tornado_empty", lang))
        return
    rows = []
    for bar in bars:
        lever = CATALOGUE.lever(bar.lever)
        name = lever.text("name", lang)
        if bar.sectors:
            name = t("scenario_tornado_sectors", lang, lever=name, sectors=", ".join(bar.sectors))
        rows.append(
            {
                "label": name,
                "low_label": fmt_number(bar.low_value, lang, 1),
                "high_label": fmt_number(bar.high_value, lang, 1),
                "outcome_at_low": bar.outcome_at_low,
                "outcome_at_high": bar.outcome_at_high,
            }
        )
    _ui.show_figure(
        make_tornado_figure(
            centre,
            pd.DataFrame(rows),
            lang,
            title=t(
                "scenario_tornado_chart",
                lang,
                indicator=indicator_name(code, lang),
                outcome=t(f"scenario_outcome_{outcome}", lang).lower(),
            ),
            x_title=t(f"scenario_outcome_{outcome}", lang),
        ),
        key=f"tornado-{code}",
    )


def table(
    filters: _ui.Filters,
    baseline_: Baseline,
    runs: list[tuple[str, Result]],
    result: Result | None,
    key: str,
) -> None:
    """The comparison's figures, downloadable, and the lever file of the current run."""
    lang = filters.lang
    st.subheader(t("scenario_table_title", lang))
    frame = workspace.results_table(runs, lang)
    _ui.dataframe(_styled(frame, lang), hide_index=True, width="stretch", placeholder=MISSING)
    lines = _page.about(
        filters,
        "page_scenarios",
        scope=t("scope_whole_city", lang),
        data_as_of=None,
        is_demo=baseline_.is_demo,
    )
    _page.download(
        frame,
        filters,
        stem="kich-ban",
        scope=t("scope_whole_city", lang),
        key=f"scenario-{key}",
        lines=lines,
    )
    if result is not None:
        st.download_button(
            t("scenario_download_levers", lang),
            to_csv(result.scenario, baseline_.year),
            file_name=file_stem("gia-dinh", result.scenario.name or "kich-ban", str(baseline_.year))
            + ".csv",
            mime="text/csv",
            icon=":material/tune:",
            on_click="ignore",
            key=f"levers-{key}",
        )


def _styled(frame: pd.DataFrame, lang: str) -> object:
    """Numbers in the reader's format; a figure that does not apply (GRDP has no target or
    band) shown as a dash."""
    formats = {
        column: partial(_rankings._number_text, lang=lang, decimals=decimals)
        for column, decimals in _rankings._decimals(frame).items()
    }
    return frame.style.format(formats, na_rep="—")  # type: ignore[arg-type]


# --- saved scenarios ---------------------------------------------------------------------


def _created(moment: dt.datetime, lang: str) -> str:
    local = to_city_time(moment)
    return f"{local:%H:%M} {fmt_date(local.date(), lang)}"


def saved_list(filters: _ui.Filters, baseline_: Baseline) -> pd.DataFrame | None:
    """The year's saved scenarios; None (and a message) when the warehouse cannot give them."""
    try:
        with cached.warehouse_engine().connect() as conn:
            return saved_scenarios.list_saved(conn, baseline_.year, **_scope())
    except SQLAlchemyError:
        st.warning(t("scenario_store_unavailable", filters.lang), icon=":material/database:")
        return None


def open_saved(baseline_: Baseline, scenario_id: int, *, copy: bool, lang: str) -> None:
    """Load a saved scenario into the form and run it (a copy gets a new name)."""
    with cached.warehouse_engine().connect() as conn:
        saved = saved_scenarios.get(conn, scenario_id, **_scope())
    if saved is None:
        st.session_state["scn_flash"] = (
            "error",
            t("saved_scenario_not_found", lang, scenario_id=scenario_id),
        )
        return
    name = t("scenario_copy_name", lang, name=saved.name) if copy else saved.name
    fill_form(baseline_, name, dict(saved.overrides), saved.seed)
    st.session_state["scn_current"] = {
        "name": name,
        "overrides": dict(saved.overrides),
        "seed": saved.seed,
        "saved_id": None if copy else saved.scenario_id,
    }
    st.session_state["scn_open_id"] = None if copy else saved.scenario_id


def saved_section(filters: _ui.Filters, baseline_: Baseline) -> None:
    """The year's saved scenarios: open, duplicate, re-run, delete; and compare."""
    lang = filters.lang
    st.subheader(t("scenario_saved_title", lang, year=baseline_.year))
    listed = saved_list(filters, baseline_)
    if listed is None:
        return
    if listed.empty:
        _ui.empty_state(lang, t("scenario_saved_empty", lang, year=baseline_.year))
        return
    shown = pd.DataFrame(
        {
            t("scenario_col_id", lang): listed["scenario_id"],
            t("scenario_col_name", lang): listed["name"],
            t("scenario_col_author", lang): listed["author"],
            t("scenario_col_created", lang): [_created(m, lang) for m in listed["created_at"]],
            t("scenario_col_kind", lang): [
                t("scenario_kind_official" if o else "scenario_kind_sandbox", lang)
                for o in listed["is_official"]
            ],
            t("scenario_col_data", lang): [
                t(
                    "scenario_data_current"
                    if f == baseline_.fingerprint
                    else "scenario_data_changed",
                    lang,
                )
                for f in listed["baseline_fingerprint"]
            ],
        }
    )
    _ui.dataframe(shown, hide_index=True, width="stretch", placeholder=MISSING)
    ids = listed["scenario_id"].tolist()
    names = dict(zip(ids, listed["name"], strict=True))
    if st.session_state.get("scn_pick") not in ids:
        st.session_state["scn_pick"] = ids[0]
    picked = _ui.selectbox(
        t("scenario_pick", lang),
        ids,
        format_func=lambda i: f"{i} · {names[i]}",
        key="scn_pick",
    )
    if picked is None:
        return
    with cached.warehouse_engine().connect() as conn:
        saved = saved_scenarios.get(conn, int(picked), **_scope())
    if saved is None:
        return
    may_change = saved.can_change(_auth.current_user())
    with st.container(horizontal=True, key="scenario-actions"):
        st.button(
            t("scenario_open", lang),
            icon=":material/folder_open:",
            key="scn-open",
            on_click=open_saved,
            args=(baseline_, saved.scenario_id),
            kwargs={"copy": False, "lang": lang},
        )
        st.button(
            t("scenario_duplicate", lang),
            icon=":material/content_copy:",
            key="scn-dup",
            on_click=open_saved,
            args=(baseline_, saved.scenario_id),
            kwargs={"copy": True, "lang": lang},
        )
        rerun = st.button(
            t("scenario_rerun", lang),
            icon=":material/refresh:",
            key="scn-rerun",
            disabled=not may_change,
        )
        delete = st.button(
            t("scenario_delete", lang),
            icon=":material/delete:",
            key="scn-delete",
            disabled=not may_change,
        )
    stale_notes(saved, baseline_, lang)
    if rerun:
        with cached.warehouse_engine().begin() as conn:
            workspace.rerun(conn, _auth.current_user(), saved, baseline_)
        st.session_state["scn_flash"] = (
            "success",
            t("scenario_rerun_toast", lang, scenario_id=saved.scenario_id),
        )
        st.rerun()
    if delete:
        try:
            with cached.warehouse_engine().begin() as conn:
                saved_scenarios.delete_saved(conn, _auth.current_user(), saved.scenario_id)
        except SavedScenarioError as error:
            st.error(t(f"saved_scenario_{error.code}", lang, **error.parts))
            return
        if st.session_state.get("scn_open_id") == saved.scenario_id:
            st.session_state["scn_open_id"] = None
        st.session_state["scn_flash"] = (
            "success",
            t("scenario_deleted_toast", lang, scenario_id=saved.scenario_id),
        )
        st.rerun()
    compare(filters, baseline_, listed)


def stale_notes(saved: SavedScenario, baseline_: Baseline, lang: str) -> None:
    """Whether a saved scenario's figures still hold on today's data and engine."""
    state = workspace.staleness(saved, baseline_)
    if state.other_year and saved.year is not None:
        st.info(t("scenario_other_year", lang, year=saved.year), icon=":material/event:")
    if state.data_changed:
        moment = saved.rerun_at or saved.created_at
        st.warning(
            t("scenario_stale", lang, date=fmt_date(to_city_time(moment).date(), lang)),
            icon=":material/update:",
        )
    if state.engine_changed:
        st.caption(
            t(
                "scenario_engine_changed",
                lang,
                saved=saved.engine_version or "—",
                current=ENGINE_VERSION,
            )
        )


def compare(filters: _ui.Filters, baseline_: Baseline, listed: pd.DataFrame) -> None:
    """Two or more saved scenarios side by side, each run again on the current baseline."""
    lang = filters.lang
    st.subheader(t("scenario_compare_title", lang))
    ids = listed["scenario_id"].tolist()
    names = dict(zip(ids, listed["name"], strict=True))
    st.session_state["scn_compare"] = [
        i for i in st.session_state.get("scn_compare", []) if i in ids
    ]
    chosen = _ui.multiselect(
        t("scenario_compare_pick", lang),
        ids,
        format_func=lambda i: f"{i} · {names[i]}",
        key="scn_compare",
        help=t("scenario_compare_help", lang),
        placeholder=t("scenario_choose", lang),
    )
    if len(chosen) < 2:
        return
    runs: list[tuple[str, Result]] = [
        (
            t("scenario_baseline_label", lang),
            workspace.run(baseline_, "baseline", {}, baseline_.seed),
        ),
    ]
    with cached.warehouse_engine().connect() as conn:
        for scenario_id in chosen:
            saved = saved_scenarios.get(conn, int(scenario_id), **_scope())
            if saved is None:
                continue
            own = baseline_ if saved.seed == baseline_.seed else baseline(filters, saved.seed)
            try:
                runs.append(
                    (
                        f"{saved.scenario_id} · {saved.name}",
                        workspace.run(own, saved.name, saved.overrides, saved.seed),
                    )
                )
            except ScenarioError as error:
                problems(error, lang)
    figures(filters, baseline_, runs, key="compare", with_metrics=False)
    table(filters, baseline_, runs, None, key="compare")


def flash(lang: str) -> None:
    """A message left by the previous run (a deletion, a re-run)."""
    kind, text = st.session_state.pop("scn_flash", (None, None))
    if kind == "error":
        st.error(text, icon=":material/error:")
    elif kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "info":
        st.info(text, icon=":material/folder_open:")


def open_link(baseline_: Baseline, lang: str) -> None:
    """``?scenario=ID`` opens a saved scenario once; a bad ID is said plainly."""
    text = st.session_state.pop("scenario_link", None)
    if text is None:
        return
    scenario_id = int(text) if text.isdigit() and len(text) < 19 else None
    found = None
    if scenario_id is not None:
        with cached.warehouse_engine().connect() as conn:
            found = saved_scenarios.get(conn, scenario_id, **_scope())
    if found is None:
        st.session_state["scn_open_id"] = None
        st.error(
            # The address's value, cleaned of control and bidirectional characters and
            # cut short, as every other refused link value (metrics.links.plain_text).
            t("scenario_link_bad", lang, value=code_span(plain_text(text))),
            icon=":material/link_off:",
        )
        return
    open_saved(baseline_, found.scenario_id, copy=False, lang=lang)
    st.session_state["scn_pick"] = found.scenario_id
    st.session_state["scn_flash"] = (
        "info",
        t(
            "scenario_opened",
            lang,
            scenario_id=found.scenario_id,
            name=escape_markdown(found.name),
            author=escape_markdown(found.author),
            created=_created(found.created_at, lang),
        ),
    )
    st.rerun()  # again, on the baseline of the scenario's own seed
