"""The drill-down of the online-services page: city → former province → unit → procedure.

Each level lists the next one; choosing a row goes down a level (the breadcrumbs go back
up), and the address keeps the level (``?province=…&unit=…&procedure=…``).
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from app_pages import _html_table, _page, _rankings, _sections, _ui
from app_pages._auth import reader_scope
from data_access import cached
from i18n import escape_markdown, fmt_date, fmt_number, safe_link, t
from metrics.reference import FORMER_PROVINCES
from metrics.registry import get_indicator

ONLINE = get_indicator("online_dossier_share")
ONLINE_COMPANIONS = ("on_time_rate", "e_result_rate")
"""The Online services page's indicator and the rates shown beside it."""

AVAILABILITY = ("full_process", "partial", "mixed")


def _select_group(key: str) -> None:
    """A row of the groups table chosen: filter to that former province (or to the
    departments), and list its units."""
    if key in FORMER_PROVINCES:
        _ui.request_filters(province=[key], type=[])
    else:
        _ui.request_filters(province=[], type=[key])


def _through(view: _sections.View) -> dt.date:
    if view.through is None:
        raise ValueError("the view has no complete month to read to")
    return view.through


def group_standing(view: _sections.View, *, scope: cached.Scope) -> pd.DataFrame:
    """The former provinces' and the departments' figures to the month the view is read to
    (its ``through`` must be set), for a reader limited to ``scope``."""
    return cached.group_standing(
        view.indicator.code,
        view.filters.year,
        _through(view),
        view.filters.unit_filter,
        view.filters.as_of,
        scope=scope,
    ).frame


def procedure_standing(view: _sections.View, *, scope: cached.Scope) -> pd.DataFrame:
    """The scope's procedures to the month the view is read to (its ``through`` must be
    set), for a reader limited to ``scope``."""
    return cached.breakdown_standing(
        view.indicator.code,
        view.filters.year,
        _through(view),
        "procedure",
        view.scope,
        view.filters.as_of,
        scope=scope,
    ).frame


def procedure_names(code: str) -> pd.DataFrame:
    """The procedures of ``code`` by their code (names in both languages)."""
    return cached.breakdown_parts(code, "procedure").frame.set_index("code")


def default_reads(filters: _ui.Filters, *, scope: cached.Scope) -> _sections.View:
    """What the Online services page reads and computes, whatever the language, for
    ``filters`` with no unit nor procedure chosen, for a reader limited to ``scope``: the
    warm-up's step for that page (``app_pages._warm_up``), through the functions the page
    and its sections call."""
    procedure_names(ONLINE.code)
    view = _sections.read_view(filters, ONLINE, scope=scope)
    _sections.view_reads(view, ONLINE_COMPANIONS, scope=scope)
    if view.through is not None:
        if _page.breakdown_readable(ONLINE, "procedure"):
            procedure_standing(view, scope=scope)
        if filters.unit_filter.is_whole_city:
            group_standing(view, scope=scope)
    return view


def default_figures(filters: _ui.Filters, *, scope: cached.Scope) -> int:
    """The Online services page's figures for ``filters`` with no unit nor procedure
    chosen, in the filters' language, prepared as the page shows them
    (``_ui.prepare_spec``) for a reader limited to ``scope``: the warm-up's step for that
    page's figures. Returns how many."""
    view = _sections.read_view(filters, ONLINE, scope=scope)
    if view.series.empty or view.tile is None:
        return 0
    companions = tuple(code for code in ONLINE_COMPANIONS if _page.assessable(get_indicator(code)))
    specs = _sections.default_figures(view, "online", companions)
    for spec in specs:
        _ui.prepare_spec(spec, filters.lang)
    return len(specs)


def groups_table(view: _sections.View, key: str) -> None:
    """City level: the three former provinces and the departments; a row drills down."""
    lang = view.filters.lang
    if view.through is None:
        return
    groups = group_standing(view, scope=reader_scope())
    names = _sections.group_names(lang)
    groups = (
        groups[groups["group_key"].isin(list(names))]
        .assign(order=lambda f: f["group_key"].map({k: i for i, k in enumerate(names)}))
        .sort_values("order")
        .reset_index(drop=True)
    )
    frame = pd.DataFrame(
        {
            t("drill_group", lang): groups["group_key"].map(names),
            t("col_value_pct", lang): groups["value"].round(1),
            t("col_dossiers_received", lang): groups["denominator"],
            t("col_units", lang): groups["n_units"],
        }
    )
    # A light list first (one HTML table, no data grid) and a picker for the choice a row
    # click made; the grid, its sorting and row choice are built and mounted only once its
    # expander is opened (issue 12: heavy widgets only when opened).
    st.caption(t("drill_groups_list_help", lang))
    _html_table.show_table(frame, lang, caption=t("drill_groups_title", lang))
    chosen = _ui.choice_behind_button(
        t("drill_group_picker", lang),
        list(groups["group_key"].astype(str)),
        index=None,
        format_func=names.__getitem__,
        placeholder=t("drill_group_placeholder", lang),
        key=f"drill-group-{key}",
        icon=":material/zoom_in:",
    )
    if chosen:
        _select_group(str(chosen))
    event = _ui.grid_when_opened(
        _rankings._styled(frame, lang),
        lang,
        opened_key=f"groups-table-{key}",
        grid_key=f"groups-{key}",
        caption=t("drill_groups_help", lang),
    )
    rows = _ui.selected_rows(event)
    if rows:
        _select_group(str(groups.loc[rows[0], "group_key"]))


def unit_picker(view: _sections.View, table: pd.DataFrame | None, key: str) -> None:
    """Province (or any filter) level: choose one of the units to see its procedures."""
    if table is None or table.empty:
        return
    lang = view.filters.lang
    name = "name_vi" if lang == "vi" else "name_en"
    options = table.sort_values(name)
    names = dict(zip(options["unit_id"].astype(str), options[name].astype(str), strict=True))
    chosen = _ui.choice_behind_button(
        t("drill_unit_picker", lang),
        list(names),
        index=None,
        format_func=names.__getitem__,
        placeholder=t("drill_unit_placeholder", lang),
        key=f"drill-unit-{key}",
        icon=":material/zoom_in:",
    )
    if chosen:
        _ui.set_focus(str(chosen))
        st.rerun()


def _availability(text: object) -> str:
    try:
        value = json.loads(str(text)).get("online_availability", "mixed")
    except (json.JSONDecodeError, AttributeError):
        value = "mixed"
    return value if value in AVAILABILITY else "mixed"


def procedures_table(view: _sections.View, key: str) -> None:
    """The scope's most common procedures: online availability, dossiers, online share; a
    row opens that procedure's own figures."""
    lang = view.filters.lang
    if view.through is None:
        return
    if _page.breakdown_unavailable(view.indicator, "procedure", lang, key):
        return
    parts = procedure_standing(view, scope=reader_scope())
    if parts.empty:
        _ui.empty_state(lang, t("procedures_empty", lang, year=view.filters.year))
        return
    name = "name_vi" if lang == "vi" else "name_en"
    availability = parts["attributes_json"].map(_availability)
    frame = pd.DataFrame(
        {
            t("col_procedure", lang): parts[name],
            t("col_availability", lang): [t(f"availability_{a}", lang) for a in availability],
            t("col_dossiers_received", lang): parts["denominator"],
            t("col_dossiers_online", lang): parts["numerator"],
            t("col_value_pct", lang): parts["value"].round(1),
            t("col_share_of_dossiers_pct", lang): (
                100 * parts["denominator"] / parts["denominator"].sum()
            ).round(1),
        }
    )
    full = parts.loc[availability == "full_process", "denominator"].sum()
    share = fmt_number(100 * full / parts["denominator"].sum(), lang, 1)
    # One picker and one grid per drill-down level: a choice made at one level is not
    # carried to the next.
    unit_filter = view.filters.unit_filter
    level = "-".join(
        [
            *unit_filter.former_provinces,
            *unit_filter.unit_types,
            str(view.unit["unit_id"]) if view.unit else "",
            view.procedure[0] if view.procedure else "",
        ]
    )
    # A light list first (one HTML table, no data grid) and a picker for the choice a row
    # click made; the grid is built and mounted only once its expander is opened (issue 12).
    st.caption(t("procedures_list_help", lang, full=share))
    _html_table.show_table(
        frame, lang, caption=t("procedures_title", lang, scope=view.words), max_height=420
    )
    codes = dict(zip(parts["code"].astype(str), parts[name].astype(str), strict=True))
    # Behind a button (issue 12: a select box on the first screen costs the page its script
    # bundles). At a procedure's own level the button names it (a name from the warehouse:
    # escaped, the label reads Markdown) and the box holds it; above, the button says what
    # it does and the box is empty.
    current = view.procedure[0] if view.procedure and view.procedure[0] in codes else None
    picked = _ui.choice_behind_button(
        t("procedure_picker", lang),
        list(codes),
        index=None if current is None else list(codes).index(current),
        format_func=codes.__getitem__,
        placeholder=t("procedure_placeholder", lang),
        key=f"procedure-pick-{key}-{level}",
        button=None
        if current is None
        else t("procedure_picker_current", lang, procedure=escape_markdown(codes[current])),
        icon=":material/zoom_in:",
    )
    event = _ui.grid_when_opened(
        _rankings._styled(frame, lang),
        lang,
        opened_key=f"procedures-table-{key}",
        grid_key=f"procedures-{key}-{level}",
        caption=t("procedures_help", lang, full=share),
    )
    _page.download(
        frame,
        view.filters,
        stem="dich-vu-cong-thu-tuc",
        scope=view.words,
        key=f"procedures-{key}",
        lines=_sections.about_lines(view, "page_online"),
    )
    rows = _ui.selected_rows(event)
    chosen = [str(parts.loc[rows[0], "code"])] if rows else []
    # The list stays on screen at the procedure's own level: only a different procedure,
    # chosen in the grid or the picker, is a new choice (else each run would ask again).
    for code in [*chosen, *([str(picked)] if picked else [])]:
        if code != st.session_state.get("procedure"):
            st.session_state["procedure"] = code
            st.rerun()


def services_offered(filters: _ui.Filters) -> None:
    """The online services the city offers (full-process and partial), as published."""
    lang = filters.lang
    published = _page.published_now(filters)
    rows = published[
        published["indicator_code"].isin(
            ["online_services_count", "online_services_full_process", "online_services_partial"]
        )
    ]
    values = dict(zip(rows["indicator_code"], rows["value"].astype(float), strict=True))
    if "online_services_count" not in values:
        return
    total = rows[rows["indicator_code"] == "online_services_count"].iloc[0]
    st.markdown(
        t(
            "services_offered",
            lang,
            total=fmt_number(values["online_services_count"], lang, 0),
            full=fmt_number(values.get("online_services_full_process"), lang, 0),
            partial=fmt_number(values.get("online_services_partial"), lang, 0),
            date=fmt_date(pd.Timestamp(str(total["period_end"])).date(), lang),
        )
    )
    url = safe_link(str(total["source_url"]))
    st.caption(
        t("published_figure", lang)
        + " — "
        + (f"[{t('source', lang)}]({url})" if url else t("source_missing", lang))
    )


def procedure_facts(view: _sections.View) -> None:
    """At the procedure level: how it is offered online, in words."""
    if view.procedure is None:
        return
    lang = view.filters.lang
    rows = cached.breakdown_parts(view.indicator.code, "procedure").frame
    row = rows[rows["code"] == view.procedure[0]]
    if row.empty:
        return
    availability = _availability(row.iloc[0]["attributes_json"])
    st.markdown(
        t("procedure_availability", lang, availability=t(f"availability_{availability}", lang))
    )
    if bool(row.iloc[0]["is_demo"]):
        st.caption(t("procedure_demo_note", lang))
