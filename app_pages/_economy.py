"""The digital-economy page's sections: the figures of the year, both bases side by side,
GRDP by sector, and the path to the targets with the growth it needs.

Everything a section shows is derived from the page's reads once per view (filters,
language, reader's scope, data version) and kept (:func:`view`, through
``_ui.built_once``): the metrics, the figures prepared for drawing, the tables as HTML,
the sentences and the download tables. A run of the page reads its frames from the caches,
looks the view up and draws it (issue 12: a warm run spent 47 ms deriving them again
against a 10 ms floor). The warm-up builds the default view in both languages
(:func:`default_figures`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import _html_table, _page, _ui
from app_pages._auth import reader_scope
from charts.economy import make_basis_figure, make_grdp_figure, make_path_figure
from data_access import cached
from data_access.queries import UnitFilter
from i18n import basis_text, fmt_number, fmt_percent, fmt_value, t, t_count
from metrics.digital import (
    annual_values,
    nominal_growth,
    observed_relative_growth,
    path_to_targets,
)
from metrics.overview import published_for_year
from metrics.registry import Indicator, get_indicator

ICT = get_indicator("digital_economy_share_grdp")
STATISTICS = get_indicator("digital_economy_share_grdp_statistics")
GRDP = get_indicator("grdp_current_prices")
SECTOR_GROUPS: tuple[str, ...] = (
    "agriculture",
    "industry_construction",
    "services",
    "product_taxes",
)


def annual(indicator: Indicator, filters: _ui.Filters) -> tuple[pd.DataFrame, bool]:
    """An indicator's annual values (quarters summed) and whether they are demo data."""
    return read_annual(indicator, filters, scope=reader_scope())


def read_annual(
    indicator: Indicator, filters: _ui.Filters, *, scope: cached.Scope
) -> tuple[pd.DataFrame, bool]:
    """:func:`annual` for a reader limited to ``scope`` (the city's figures either way)."""
    return _annual(_series(indicator, filters, scope=scope), filters.year)


def _series(indicator: Indicator, filters: _ui.Filters, *, scope: cached.Scope) -> pd.DataFrame:
    """The city's series of ``indicator`` as read (its source key kept)."""
    return cached.scope_series(indicator.code, UnitFilter(), filters.as_of, scope=scope).frame


def sector_rows(filters: _ui.Filters, *, scope: cached.Scope) -> pd.DataFrame:
    """GRDP by sector, year by year, for a reader limited to ``scope``."""
    return cached.breakdown_by_year(
        GRDP.code, "sector", UnitFilter(), filters.as_of, scope=scope
    ).frame


def default_reads(filters: _ui.Filters, *, scope: cached.Scope) -> None:
    """What the Digital economy page reads and computes, whatever the language, for
    ``filters``, for a reader limited to ``scope``: the warm-up's step for that page
    (``app_pages._warm_up``), through the functions the page calls."""
    for indicator in (STATISTICS, ICT, GRDP):
        if indicator is not ICT or _page.assessable(ICT):
            read_annual(indicator, filters, scope=scope)
    _page.published_now(filters)
    if _page.breakdown_readable(GRDP, "sector"):
        sector_rows(filters, scope=scope)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs={pd.DataFrame: cached.frame_key})
def _annual(series: pd.DataFrame, year: int) -> tuple[pd.DataFrame, bool]:
    """:func:`annual` of a series read, kept on the series' source key (query, parameters,
    data version; :func:`data_access.cached.frame_key`) and the year."""
    series = series[series["period_year"] <= year]
    return annual_values(series), bool(series["is_demo"].any()) if not series.empty else False


def _published_points(indicator: Indicator, published: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = published_for_year(published, indicator, None)
    records = [
        {
            "year": int(pd.Timestamp(row["period_start"]).year),
            "value": float(row["value"]),
            "text": fmt_value(
                float(row["value"]),
                indicator.unit,
                lang,
                2 if round(float(row["value"]), 1) != round(float(row["value"]), 2) else 1,
            ),
            "label": basis_text(str(row["basis"]), lang)
            + " — "
            + t(f"published_kind_{row['kind']}", lang),
        }
        for row in rows.to_dict("records")
    ]
    return pd.DataFrame(records, columns=["year", "value", "text", "label"])


def _targets(lang: str, last_year: int) -> pd.DataFrame:
    records = [
        {
            "year": target.year,
            "value": target.value,
            "text": f"≥ {fmt_percent(target.value, lang, 0)}",
            "label": target.source_vi if lang == "vi" else target.source_en,
        }
        for target in ICT.targets
        if target.is_year_end and target.year <= max(last_year, 2030)
    ]
    return pd.DataFrame(records, columns=["year", "value", "text", "label"])


# --- the view: what the page shows, derived once per view and data version ---------------------

Figure = tuple[_ui.PreparedFigure, str]
"""A figure prepared for drawing (``_ui.prepare_spec``) and its element key."""


@dataclass(frozen=True, slots=True)
class PathWords:
    """The path section: its figure, the table (shown as HTML, downloaded as numbers), the
    sentence on the growth needed and the download's header lines."""

    figure: Figure
    table: pd.DataFrame
    table_html: str
    text: str
    lines: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class SectorWords:
    """The GRDP section: its figure, the shown year's heading, its table (HTML and numbers),
    the note under it and the download's header lines."""

    figure: Figure
    heading: str
    table: pd.DataFrame
    table_html: str
    note: str
    lines: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class View:
    """What the page shows for one view, built once (:func:`view`) and shared by every run:
    never changed. ``sectors`` is None when the sector rows are not read (their source
    says why, :func:`app_pages._page.breakdown_unavailable`) or hold no year to show."""

    statistics: pd.DataFrame
    ict: pd.DataFrame
    is_demo: bool
    published: pd.DataFrame
    metrics: tuple[tuple[int, dict[str, Any]], ...] = ()
    bases: tuple[Figure, ...] = ()
    path: PathWords | None = None
    sectors: SectorWords | None = None

    @property
    def figures(self) -> int:
        """How many figures the view holds."""
        return len(self.bases) + (self.path is not None) + (self.sectors is not None)


def view(filters: _ui.Filters, *, ict_failing: bool, scope: cached.Scope) -> View:
    """The page's :class:`View` for ``filters`` (in their language), for a reader limited to
    ``scope``; ``ict_failing``: the ICT basis's declared source fails a contract (its
    figures are not read). The frames are read here, every run (cache hits once read); what
    is derived from them is built once per view, keyed on their source keys (query,
    parameters, data version), the filters, the day and the scope."""
    statistics = _series(STATISTICS, filters, scope=scope)
    ict = None if ict_failing else _series(ICT, filters, scope=scope)
    grdp = _series(GRDP, filters, scope=scope)
    published = cached.published().frame
    rows = sector_rows(filters, scope=scope) if _page.breakdown_readable(GRDP, "sector") else None
    declared = cached.declared_breakdown(GRDP.code, "sector") is not None
    return _ui.built_once(
        lambda: _build_view(filters, statistics, ict, grdp, published, rows, declared, scope),
        name="economy-view",
        inputs=(filters, filters.today, scope, declared, statistics, ict, grdp, published, rows),
    )


def _build_view(
    filters: _ui.Filters,
    statistics_series: pd.DataFrame,
    ict_series: pd.DataFrame | None,
    grdp_series: pd.DataFrame,
    published_table: pd.DataFrame,
    rows: pd.DataFrame | None,
    declared: bool,
    scope: cached.Scope,
) -> View:
    statistics, statistics_demo = _annual(statistics_series, filters.year)
    ict, is_demo = (
        (statistics.iloc[0:0], statistics_demo)
        if ict_series is None
        else _annual(ict_series, filters.year)
    )
    published = _page.published_now(filters)
    if ict.empty and statistics.empty:
        return View(statistics, ict, is_demo, published)
    grdp, _ = _annual(grdp_series, filters.year)
    lang = filters.lang
    bases = tuple(
        (_ui.prepare_spec(spec, lang), spec.key)
        for spec in basis_figures(filters, ict, statistics, scope=scope)
    )
    return View(
        statistics,
        ict,
        is_demo,
        published,
        metrics=_metrics(filters, ict, statistics, grdp),
        bases=bases,
        path=_path_words(filters, ict, grdp, scope=scope),
        sectors=(
            None if rows is None else _sector_words(filters, rows, is_demo, declared, scope=scope)
        ),
    )


def _metrics(
    filters: _ui.Filters, ict: pd.DataFrame, statistics: pd.DataFrame, grdp: pd.DataFrame
) -> tuple[tuple[int, dict[str, Any]], ...]:
    """The headline's metrics as (column, ``st.metric``'s arguments): the year's share (to
    date, preliminary), the last complete year against its own target, the statistics
    office's latest figure and GRDP — never mixed."""
    lang, year = filters.lang, filters.year
    this = ict[ict["year"] == year]
    complete = ict[ict["is_complete"].astype(bool)]
    out: list[tuple[int, dict[str, Any]]] = []
    if not this.empty:
        row = this.iloc[-1]
        in_force = ICT.year_end_target(year)
        target = in_force.target.value if in_force else None
        label = (
            t("economy_year_label", lang, year=year)
            if bool(row["is_complete"])
            else t(
                "economy_ytd_label",
                lang,
                year=year,
                quarters=t_count("count_quarters", lang, int(row["quarters"])),
            )
        )
        out.append(
            (
                0,
                {
                    "label": label,
                    "value": fmt_value(float(row["value"]), ICT.unit, lang, ICT.decimals),
                    **_ui.delta_args(float(row["value"]) - target if target else None, lang),
                    "delta_description": t("economy_vs_target", lang, year=year),
                    "border": True,
                },
            )
        )
    if not complete.empty:
        last = complete.iloc[-1]
        last_year = int(last["year"])
        if last_year != year:
            in_force = ICT.year_end_target(last_year)
            target = in_force.target.value if in_force else None
            out.append(
                (
                    1,
                    {
                        "label": t("economy_year_label", lang, year=last_year),
                        "value": fmt_value(float(last["value"]), ICT.unit, lang, ICT.decimals),
                        **_ui.delta_args(float(last["value"]) - target if target else None, lang),
                        "delta_description": t("economy_vs_target", lang, year=last_year),
                        "border": True,
                    },
                )
            )
    done = statistics[statistics["is_complete"].astype(bool)]
    if not done.empty:
        out.append(
            (
                2,
                {
                    "label": t("economy_statistics_label", lang, year=int(done.iloc[-1]["year"])),
                    "value": fmt_value(float(done.iloc[-1]["value"]), STATISTICS.unit, lang, 1),
                    "border": True,
                    "help": STATISTICS.text("definition", lang),
                },
            )
        )
    grdp_done = grdp[grdp["is_complete"].astype(bool)]
    if not grdp_done.empty:
        latest = int(grdp_done.iloc[-1]["year"])
        growth = nominal_growth(grdp_done, latest)
        out.append(
            (
                3,
                {
                    "label": t("economy_grdp_label", lang, year=latest),
                    "value": fmt_number(float(grdp_done.iloc[-1]["numerator"]) / 1000, lang, 0),
                    **_ui.delta_args(100 * growth if growth is not None else None, lang),
                    "delta_description": t("economy_nominal_growth", lang),
                    "border": True,
                },
            )
        )
    return tuple(out)


def headline(shown: View) -> None:
    """The view's metrics, in four columns."""
    columns = st.columns(4)
    for column, metric in shown.metrics:
        with columns[column]:
            st.metric(**metric)


def bases(filters: _ui.Filters, shown: View) -> None:
    """Both published bases side by side, each its own chart labelled with its method."""
    lang = filters.lang
    (ict_figure, ict_key), (statistics_figure, statistics_key) = shown.bases
    left, right = st.columns(2)
    with left:
        _ui.show_prepared(ict_figure, ict_key)
        st.caption(t("economy_ict_help", lang))
    with right:
        _ui.show_prepared(statistics_figure, statistics_key)
        st.caption(t("economy_statistics_help", lang))


def basis_figures(
    filters: _ui.Filters,
    ict: pd.DataFrame,
    statistics: pd.DataFrame,
    *,
    scope: cached.Scope,
) -> tuple[_ui.FigureSpec, _ui.FigureSpec]:
    """The two figures of :func:`bases` (in the filters' language), not drawn, for a reader
    limited to ``scope``."""
    published = _page.published_now(filters)
    return (
        _basis_figure(filters, ICT, ict, published, scope=scope),
        _basis_figure(filters, STATISTICS, statistics, published, scope=scope),
    )


def _basis_figure(
    filters: _ui.Filters,
    indicator: Indicator,
    frame: pd.DataFrame,
    published: pd.DataFrame,
    *,
    scope: cached.Scope,
) -> _ui.FigureSpec:
    """One basis's figure: the ICT basis with the city's targets, the statistics office's
    without (no target is set on it)."""
    lang, with_targets = filters.lang, indicator is ICT
    key = "basis-ict" if with_targets else "basis-statistics"
    return _ui.FigureSpec(
        lambda: make_basis_figure(
            frame,
            indicator,
            lang,
            title=t("economy_basis_title", lang, basis=indicator.text("basis", lang)),
            published=_published_points(indicator, published, lang),
            targets=_targets(lang, filters.year) if with_targets else None,
        ),
        key,
        (filters, filters.today, scope, frame, published),
    )


def _group(attributes: object) -> str:
    try:
        return str(json.loads(str(attributes)).get("group", "services"))
    except (json.JSONDecodeError, AttributeError):
        return "services"


def grdp_figure(filters: _ui.Filters, rows: pd.DataFrame, *, scope: cached.Scope) -> _ui.FigureSpec:
    """The figure of :func:`sectors` (in the filters' language), not drawn, from the sector
    rows to the year with their groups, for a reader limited to ``scope``."""
    lang = filters.lang
    grouped = (
        rows.groupby(["period_year", "group"])["amount"]
        .sum()
        .reset_index()
        .rename(columns={"period_year": "year"})
    )
    published = published_for_year(_page.published_now(filters), GRDP, None)
    points = pd.DataFrame(
        {
            "year": published["period_start"].dt.year,
            "value": published["value"],
            "label": [
                basis_text(str(b), lang) + " — " + t(f"published_kind_{k}", lang)
                for b, k in zip(published["basis"], published["kind"], strict=True)
            ],
        }
    )
    quarters_by_year = rows.groupby("period_year")["n_periods"].max()
    partial = {
        year: t(
            "economy_partial_year",
            lang,
            year=year,
            quarters=t_count("count_quarters", lang, quarters),
        )
        for year, quarters in zip(
            quarters_by_year.index.astype(int), quarters_by_year.astype(int), strict=True
        )
        if quarters < 4
    }
    return _ui.FigureSpec(
        lambda: make_grdp_figure(
            grouped,
            lang,
            title=t("economy_grdp_title", lang),
            groups={g: t(f"sector_group_{g}", lang) for g in SECTOR_GROUPS},
            published=points,
            year_labels=partial,
        ),
        "grdp",
        (filters, filters.today, scope, grouped, points, partial),
    )


def _sector_words(
    filters: _ui.Filters,
    rows: pd.DataFrame,
    is_demo: bool,
    declared: bool,
    *,
    scope: cached.Scope,
) -> SectorWords | None:
    """The GRDP section of the view; None when no year up to the filters' has rows."""
    lang = filters.lang
    rows = rows[rows["period_year"] <= filters.year]
    if rows.empty:
        return None
    rows = rows.assign(group=rows["attributes_json"].map(_group))
    spec = grdp_figure(filters, rows, scope=scope)
    shown_year = int(rows["period_year"].max())
    year_rows = rows[rows["period_year"] == shown_year]
    quarters = int(year_rows["n_periods"].max())
    name = "name_vi" if lang == "vi" else "name_en"
    frame = pd.DataFrame(
        {
            t("col_sector", lang): year_rows[name],
            t("col_sector_group", lang): [t(f"sector_group_{g}", lang) for g in year_rows["group"]],
            t("col_amount_bvnd", lang): year_rows["amount"].round(0),
            t("col_share_pct", lang): year_rows["share_pct"].round(1),
        }
    )
    return SectorWords(
        (_ui.prepare_spec(spec, lang), spec.key),
        t("economy_sectors_year", lang, year=shown_year)
        + (" " + t_count("count_economy_quarters_so_far", lang, quarters) if quarters < 4 else ""),
        frame,
        # A plain HTML table, not a data grid (issue 12): a handful of rows, read, not sorted.
        _html_table.table_html(
            frame, lang, caption=t("economy_sectors_table", lang, year=shown_year), max_height=460
        ),
        # A declared breakdown is the city's own: the demo's note on its split does not apply.
        t("economy_sectors_help_declared" if declared else "economy_sectors_help", lang),
        _page.about(
            filters,
            "page_economy",
            scope=t("scope_whole_city", lang),
            data_as_of=None,
            is_demo=is_demo,
        ),
    )


def sectors(filters: _ui.Filters, shown: View) -> None:
    """GRDP by sector group over the years, and the selected year's sectors (their shares
    add up to 100 %, with the product taxes less subsidies as their own line)."""
    lang = filters.lang
    if _page.breakdown_unavailable(GRDP, "sector", lang, "sectors"):
        return
    words = shown.sectors
    if words is None:
        _ui.empty_state(lang, t("economy_sectors_empty", lang))
        return
    _ui.show_prepared(*words.figure)
    st.markdown(words.heading)
    st.html(words.table_html)
    st.caption(words.note)
    _page.download(
        words.table,
        filters,
        stem="grdp-nganh",
        scope=t("scope_whole_city", lang),
        key="sectors",
        lines=words.lines,
    )


def path_figure(filters: _ui.Filters, ict: pd.DataFrame, *, scope: cached.Scope) -> _ui.FigureSpec:
    """The figure of :func:`path` (in the filters' language), not drawn, for a reader
    limited to ``scope``; ``ict`` must have a complete year."""
    lang = filters.lang
    complete = ict[ict["is_complete"].astype(bool)]
    base = complete.iloc[-1]
    base_year, base_value = int(base["year"]), float(base["value"])
    ahead = path_to_targets(ICT, base_year, base_value)
    return _ui.FigureSpec(
        lambda: make_path_figure(
            ict,
            ICT,
            lang,
            title=t("economy_path_title", lang, year=base_year),
            path=ahead,
            base_year=base_year,
            base_value=base_value,
        ),
        "path",
        (filters, filters.today, scope, ict),
    )


def default_figures(filters: _ui.Filters, *, scope: cached.Scope) -> int:
    """The Digital economy page's view for ``filters``, in the filters' language, for a
    reader limited to ``scope`` (:func:`view`: its metrics, tables, sentences and figures
    prepared as the page shows them): the warm-up's step for that page's figures. Returns
    how many figures."""
    return view(filters, ict_failing=not _page.assessable(ICT), scope=scope).figures


def _path_words(
    filters: _ui.Filters, ict: pd.DataFrame, grdp: pd.DataFrame, *, scope: cached.Scope
) -> PathWords | None:
    """The path section of the view; None when the ICT basis has no complete year."""
    lang = filters.lang
    complete = ict[ict["is_complete"].astype(bool)]
    if complete.empty:
        return None
    base = complete.iloc[-1]
    base_year, base_value = int(base["year"]), float(base["value"])
    ahead = path_to_targets(ICT, base_year, base_value)
    spec = path_figure(filters, ict, scope=scope)
    growth = nominal_growth(grdp, base_year)
    history = observed_relative_growth(complete)
    table = pd.DataFrame(
        {
            t("col_target_year", lang): ahead["year"].astype(int).astype(str),
            t("col_target_pct", lang): ahead["target"],
            t("col_gap_pp", lang): ahead["gap_pp"].round(1),
            t("col_years_left", lang): ahead["years"],
            t("col_pp_per_year", lang): ahead["pp_per_year"].round(2),
            t("col_relative_growth_pct", lang): (100 * ahead["relative_growth"]).round(1),
        }
    )
    if growth is not None:
        table[t("col_digital_growth_pct", lang)] = (
            100 * ((1 + growth) * (1 + ahead["relative_growth"]) - 1)
        ).round(1)
    recent = (
        t(
            "economy_recent_relative",
            lang,
            years=", ".join(
                f"{int(r['year'])}: {fmt_number(100 * r['relative_growth'], lang, 1)}%"
                for r in history.tail(3).to_dict("records")
            ),
        )
        if not history.empty
        else ""
    )
    text = (
        t("economy_growth_explained", lang, year=base_year, value=fmt_percent(base_value, lang))
        + (" " + recent if recent else "")
        + (
            " "
            + t(
                "economy_growth_assumed",
                lang,
                growth=fmt_number(100 * growth, lang, 1),
                year=base_year,
            )
            if growth is not None
            else ""
        )
    )
    return PathWords(
        (_ui.prepare_spec(spec, lang), spec.key),
        table,
        # One row per target: a plain HTML table, not a data grid (issue 12). The target
        # year, its first column, stays in view while the long-headed columns are scrolled
        # (a phone).
        _html_table.table_html(table, lang, caption=t("economy_path_table", lang, year=base_year)),
        text,
        _page.about(
            filters,
            "page_economy",
            scope=t("scope_whole_city", lang),
            data_as_of=None,
            is_demo=True,
        ),
    )


def path(filters: _ui.Filters, shown: View) -> None:
    """The path to 25 / 30 / 40 % from the latest complete year, and the growth the
    digital economy needs relative to the rest of GRDP."""
    lang = filters.lang
    words = shown.path
    if words is None:
        _ui.empty_state(lang, t("economy_path_empty", lang))
        return
    _ui.show_prepared(*words.figure)
    st.html(words.table_html)
    st.markdown(words.text)
    _page.download(
        words.table,
        filters,
        stem="kinh-te-so-lo-trinh",
        scope=t("scope_whole_city", lang),
        key="path",
        lines=words.lines,
    )
