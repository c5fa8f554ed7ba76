"""Pieces every indicator page shares: the scope of a view, the facts line under a title
(data as of, freshness, demo, definition), the drill-down breadcrumbs, and downloads that
carry their scope, filters, date and sources with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

import pandas as pd
import streamlit as st

from app_pages import _tiles, _ui
from app_pages._auth import reader_scope, record_download
from data_access import cached
from data_access.queries import UnitFilter
from data_access.sources import breakdown_failure_text
from i18n import escape_markdown, fmt_date, t
from metrics.clock import city_today, month_end
from metrics.comparisons import published_known_by
from metrics.export import file_stem, to_csv_bytes, to_xlsx_bytes
from metrics.freshness import FreshnessCheck
from metrics.projection import Projection
from metrics.reference import former_province_name
from metrics.registry import Indicator


def unit_row(unit_id: str | None) -> dict[str, object] | None:
    """The warehouse's row of a unit (names, type, former province, point), or None."""
    if not unit_id:
        return None
    units = cached.unit_list(scope=reader_scope()).frame
    rows = units[units["unit_id"].astype(str) == unit_id]
    return {str(k): v for k, v in rows.iloc[0].to_dict().items()} if not rows.empty else None


def unit_name(row: dict[str, object] | None, lang: str) -> str:
    """A unit's name in the reader's language ("" without a unit)."""
    if row is None:
        return ""
    return str(row["name_vi"] if lang == "vi" else row["name_en"])


def unit_label(row: dict[str, object] | None, lang: str) -> str:
    """A unit's name, safe inside Markdown (it comes from the warehouse)."""
    return escape_markdown(unit_name(row, lang))


def scope_filter(filters: _ui.Filters, unit_id: str | None) -> UnitFilter:
    """The units a view sums over: the sidebar's filters, or the one unit chosen."""
    if unit_id:
        return UnitFilter(unit_ids=(unit_id,))
    return filters.unit_filter


def scope_words(filters: _ui.Filters, unit: dict[str, object] | None) -> str:
    """What the figures cover, in words: ``Phường Tân Định`` or ``toàn Thành phố``."""
    if unit is not None:
        return unit_name(unit, filters.lang)
    return _ui.scope_text(filters.unit_filter, filters.lang)


def published_now(filters: _ui.Filters) -> pd.DataFrame:
    """The published figures, as far as they were out on the "as of" day."""
    published = cached.published()
    return published_known_by(published.frame, filters.as_of_day)


def facts(
    indicator: Indicator,
    lang: str,
    *,
    as_of_month: pd.Timestamp | None,
    freshness: FreshnessCheck | None,
    is_demo: bool,
    published: pd.DataFrame,
    projection: Projection | None = None,
    source: _ui.FigureSource | None = None,
) -> None:
    """One line under a section title: data as of, freshness, demo data, and the info
    drawer (definition, sources, the projection's method and backtest figures, and the
    load batches behind the figure)."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if as_of_month is not None:
            st.caption(t("as_of", lang, date=fmt_date(month_end(as_of_month.date()), lang)))
        if freshness is not None:
            _ui.freshness_badge(freshness, lang, indicator)
        if is_demo:
            st.badge(t("demo_badge", lang), icon=":material/science:", color="violet")
        _ui.indicator_info(indicator, lang, published, projection, source)


def source_failure(indicator: Indicator, lang: str) -> bool:
    """When a deployment's declared source of ``indicator`` fails a contract (issue 14): say
    "Chưa đủ dữ liệu để đánh giá" with the reason, as its Overview tile does, and return True
    so that the page reads none of its figures. False (nothing shown) otherwise; the project's
    own default mapping is never checked on the way (:func:`cached.failing_sources`)."""
    return source_failure_in(indicator, lang, f"not-assessable-{indicator.code}")


def source_failure_in(indicator: Indicator, lang: str, key: str) -> bool:
    """:func:`source_failure` in a container keyed ``key`` (for a companion indicator shown
    more than once on a page)."""
    report = cached.failing_sources(city_today()).get(indicator.code)
    if report is None:
        return False
    _tiles.render_source_failure(indicator, report, lang, key)
    return True


def breakdown_unavailable(indicator: Indicator, dimension: str, lang: str, key: str) -> bool:
    """When ``indicator`` is read through a deployment's declared source (issue 14) whose
    breakdown by ``dimension`` (procedures, sectors) is not declared, or fails a contract:
    say so plainly in place of the breakdown (never the project's empty table as if it
    were data) and return True, so the page reads none of it. False (nothing shown)
    otherwise."""
    words = t(f"breakdown_{dimension}", lang)
    if cached.breakdown_missing(indicator.code, dimension):
        with st.container(key=f"breakdown-missing-{key}"):
            text = t("breakdown_not_declared", lang, dimension=words)
            st.info(text, icon=":material/table_rows:")
        return True
    report = cached.breakdown_failure(indicator.code, dimension, city_today())
    if report is None:
        return False
    with st.container(key=f"breakdown-failed-{key}"):
        text = escape_markdown(breakdown_failure_text(report, lang))
        st.warning(text, icon=":material/rule:")
    return True


def breakdown_readable(indicator: Indicator, dimension: str) -> bool:
    """Whether the page reads ``indicator``'s breakdown by ``dimension`` (the opposite of
    :func:`breakdown_unavailable`, which says why not), with nothing drawn."""
    if cached.breakdown_missing(indicator.code, dimension):
        return False
    return cached.breakdown_failure(indicator.code, dimension, city_today()) is None


def assessable(indicator: Indicator) -> bool:
    """Whether ``indicator``'s figures are read at all: False when its declared source
    fails a contract (:func:`source_failure` says so on the page), with nothing drawn."""
    return indicator.code not in cached.failing_sources(city_today())


def demo_notice(lang: str, is_demo: bool) -> None:
    """The one-line demo notice, wherever demo figures are shown."""
    if is_demo:
        st.caption(":material/science: " + t("demo_notice_line", lang))


def about(
    filters: _ui.Filters,
    page_key: str,
    *,
    scope: str,
    data_as_of: dt.date | None,
    is_demo: bool,
    sources: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """What a download covers, as (label, value) lines for its header or second sheet."""
    lang = filters.lang
    lines = [
        (t("about_page", lang), t(page_key, lang)),
        (t("about_scope", lang), scope),
        (t("filter_year", lang), str(filters.year)),
    ]
    if filters.unit_filter.former_provinces:
        names = [former_province_name(c, lang) for c in filters.unit_filter.former_provinces]
        lines.append((t("filter_former_province", lang), ", ".join(names)))
    if filters.unit_filter.unit_types:
        types = [t(f"unit_type_{c}", lang) for c in filters.unit_filter.unit_types]
        lines.append((t("filter_unit_type", lang), ", ".join(types)))
    if data_as_of is not None:
        lines.append((t("about_data_as_of", lang), fmt_date(data_as_of, lang)))
    if filters.as_of_day is not None:
        lines.append((t("as_of_label", lang), fmt_date(filters.as_of_day, lang)))
    lines.append((t("about_demo", lang), t("demo_badge", lang) if is_demo else t("no", lang)))
    lines += [(t("source", lang), source) for source in sources]
    return lines


def download(
    frame: pd.DataFrame,
    filters: _ui.Filters,
    *,
    stem: str,
    scope: str,
    key: str,
    lines: list[tuple[str, str]],
) -> None:
    """CSV and XLSX of exactly the table shown (numbers as numbers), with ``lines`` in the
    file and the scope and date in its name. Unit detail: each download goes into the
    audit log (who, which file) when clicked. The bytes are made only when the reader
    clicks (Streamlit calls ``data`` then), as :func:`app_pages._ui.download_buttons` does."""
    day = filters.as_of_day or filters.today
    name = file_stem(stem, scope, str(filters.year), day.isoformat())
    lang = filters.lang
    with st.container(horizontal=True, key=f"downloads-{key}"):
        st.download_button(
            t("download_csv", lang),
            partial(to_csv_bytes, frame, tuple(lines)),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click=record_download,
            args=(f"{name}.csv", key),
            key=f"csv-{key}",
        )
        st.download_button(
            t("download_xlsx", lang),
            partial(to_xlsx_bytes, frame, about=tuple(lines)),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            on_click=record_download,
            args=(f"{name}.xlsx", key),
            key=f"xlsx-{key}",
        )


def _to_city() -> None:
    st.session_state["province"] = []
    st.session_state["type"] = []
    _ui.set_focus(None)


def _to_province(code: str) -> None:
    st.session_state["province"] = [code]
    _ui.set_focus(None)


def _to_unit(unit_id: str) -> None:
    _ui.set_focus(unit_id)


def breadcrumbs(
    filters: _ui.Filters,
    unit: dict[str, object] | None,
    procedure: tuple[str, str] | None,
    key: str,
) -> None:
    """City › former province › unit › procedure; every level above the last is a button
    back to it."""
    lang = filters.lang
    crumbs: list[tuple[str, object, tuple[object, ...]]] = [
        (t("scope_city_name", lang), _to_city, ())
    ]
    provinces = (
        (str(unit["former_province"]),)
        if unit is not None
        and unit.get("former_province")
        and unit["unit_type"]
        in (
            "ward",
            "commune",
            "special_zone",
        )
        else filters.unit_filter.former_provinces
    )
    if len(provinces) == 1:
        code = provinces[0]
        crumbs.append((former_province_name(code, lang), _to_province, (code,)))
    if unit is not None:
        crumbs.append((unit_name(unit, lang), _to_unit, (str(unit["unit_id"]),)))
    if procedure is not None:
        crumbs.append((procedure[1], None, ()))
    with st.container(
        horizontal=True, vertical_alignment="center", gap="small", key=f"crumbs-{key}"
    ):
        for index, (label, action, args) in enumerate(crumbs):
            last = index == len(crumbs) - 1
            if index:
                st.markdown(":material/chevron_right:")
            if last or action is None:
                st.markdown(f"**{escape_markdown(label)}**")
            else:
                st.button(
                    escape_markdown(label),
                    on_click=action,  # type: ignore[arg-type]
                    args=args,
                    type="tertiary",
                    key=f"crumb-{key}-{index}",
                )
