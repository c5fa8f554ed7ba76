"""The data-governance page's pieces: the group scores, the late and missing submitters,
the catalogue by group and the measures per unit, as shown (text in the reader's language)
and as downloaded (numbers as numbers)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import _html_table
from data_access.sources import BREAKDOWN_CONTRACTS, CONTRACTS, SourceHealth, SourceReport
from i18n import MISSING, fmt_date, fmt_days, fmt_month, fmt_number, fmt_percent, t
from i18n.escape import escape_markdown
from metrics.clock import to_city_time
from metrics.governance import MEASURES, GovernanceReport, SubmitterStatus
from metrics.registry import get_indicator

STATUS_ICONS = {
    SubmitterStatus.MISSING.value: ":material/block:",
    SubmitterStatus.LATE.value: ":material/hourglass_bottom:",
    SubmitterStatus.ON_TIME.value: ":material/check_circle:",
}
STATUS_SYMBOLS = {
    SubmitterStatus.MISSING.value: "✕",
    SubmitterStatus.LATE.value: "▲",
    SubmitterStatus.ON_TIME.value: "✓",
}
"""Beside the word, never instead of it; characters every font here has (no emoji)."""


def _round(value: object, decimals: int = 1) -> float | None:
    number = float(str(value)) if value is not None else math.nan
    return None if math.isnan(number) else round(number, decimals)


def dataset_name(row: Mapping[Any, Any], lang: str, field: str = "name") -> str:
    """A catalogue field in the reader's language (``name``, ``owner`` …)."""
    return str(row[f"{field}_vi" if lang == "vi" else f"{field}_en"])


def unit_names(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Unit id → name in the reader's language."""
    column = "name_vi" if lang == "vi" else "name_en"
    return dict(zip(units["unit_id"].astype(str), units[column].astype(str), strict=True))


def status_word(status: str, lang: str) -> str:
    """Missing / late / on time, with a symbol (never colour alone)."""
    return f"{STATUS_SYMBOLS[status]} {t(f'governance_status_{status}', lang)}"


def group_cards(report: GovernanceReport, lang: str) -> None:
    """One card per data group: the city's score and its four measures."""
    # Columns: side by side on a tablet or desktop, one under another on a phone.
    columns = st.columns(len(report.groups), gap="medium")
    for column, group in zip(columns, report.groups.to_dict("records"), strict=True):
        with column, st.container(border=True, key=f"governance-group-{group['data_group']}"):
            title = t(f"governance_group_{group['data_group']}", lang)
            st.markdown(f"**{title}**")
            score = _round(group["score_pct"])
            st.metric(
                t("governance_city_score", lang),
                fmt_percent(score, lang, 1) if score is not None else "—",
            )
            lines = [
                f"{t(f'governance_measure_{m}', lang)}: **{_measure(m, group[f'{m}_pct'], lang)}**"
                for m in MEASURES
            ]
            st.markdown("  \n".join(lines))
            st.caption(
                t(
                    "governance_datasets_measured",
                    lang,
                    measured=group["datasets_measured"],
                    total=group["datasets"],
                )
            )


def attention(
    report: GovernanceReport, catalogue: pd.DataFrame, names: dict[str, str], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The late and missing submitters (already first in the report), as shown and as
    downloaded."""
    behind = report.per_unit[report.per_unit["status"] != SubmitterStatus.ON_TIME.value]
    titles = dataset_titles(catalogue, lang)
    shown = pd.DataFrame(
        {
            t("governance_col_unit", lang): [names.get(u, u) for u in behind["unit_id"]],
            t("governance_col_status", lang): [status_word(s, lang) for s in behind["status"]],
            t("governance_col_days_late", lang): [
                fmt_number(float(d), lang) for d in behind["days_late"]
            ],
            t("governance_col_dataset", lang): [titles.get(d, d) for d in behind["dataset_id"]],
            t("governance_col_latest", lang): [_month(p, lang) for p in behind["latest_period"]],
            t("governance_col_expected", lang): [
                _month(p, lang) for p in behind["expected_period"]
            ],
        }
    )
    download = pd.DataFrame(
        {
            t("governance_col_unit_code", lang): behind["unit_id"].astype(str),
            t("governance_col_unit", lang): [names.get(u, u) for u in behind["unit_id"]],
            t("governance_col_dataset", lang): [titles.get(d, d) for d in behind["dataset_id"]],
            t("governance_col_status", lang): [
                t(f"governance_status_{s}", lang) for s in behind["status"]
            ],
            t("governance_col_days_late", lang): behind["days_late"].astype("int64"),
            t("governance_col_latest", lang): [_iso(p) for p in behind["latest_period"]],
            t("governance_col_expected", lang): [_iso(p) for p in behind["expected_period"]],
        }
    )
    return shown, download


def dataset_titles(catalogue: pd.DataFrame, lang: str) -> dict[str, str]:
    """Dataset id → name in the reader's language."""
    column = "name_vi" if lang == "vi" else "name_en"
    return dict(zip(catalogue["dataset_id"], catalogue[column].astype(str), strict=True))


def _month(value: object, lang: str) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return fmt_month(pd.Timestamp(str(value)).date(), lang)


def _iso(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    return pd.Timestamp(str(value)).strftime("%Y-%m")


def _pct(value: object, lang: str) -> str:
    return fmt_percent(_round(value), lang, 1)


def _measure(measure: str, value: object, lang: str) -> str:
    """A measure in words: "correct" cannot be computed before any file was sent (the demo's
    figures were not sent through the loader), and says so rather than a bare "—"."""
    rounded = _round(value)
    if rounded is None and measure == "correct":
        return t("governance_no_files", lang)
    return fmt_percent(rounded, lang, 1)


def datasets_table(
    report: GovernanceReport, catalogue: pd.DataFrame, group: str, lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A group's datasets: the catalogue's fields and the four measures."""
    mine = catalogue[catalogue["data_group"] == group]
    quality = report.datasets.set_index("dataset_id")
    shown_rows: list[dict[str, object]] = []
    download_rows: list[dict[str, object]] = []
    for entry in mine.to_dict("records"):
        is_measured = entry["dataset_id"] in quality.index and bool(
            quality.loc[entry["dataset_id"], "is_measured"]
        )
        measured: Mapping[str, Any] = (
            quality.loc[entry["dataset_id"]].to_dict() if is_measured else {}
        )
        name: dict[str, object] = {t("governance_col_dataset", lang): dataset_name(entry, lang)}
        base: dict[str, object] = {
            t("governance_col_owner", lang): dataset_name(entry, lang, "owner"),
            t("governance_col_source", lang): dataset_name(entry, lang, "source_system"),
            t("governance_col_promise", lang): dataset_name(entry, lang, "update_promise"),
            t("governance_col_sharing", lang): t(
                f"governance_sharing_{entry['sharing_status']}", lang
            ),
            t("governance_col_standard", lang): t(
                f"governance_standard_{entry['standardisation_status']}", lang
            ),
        }
        behind = int(measured["units_late"]) + int(measured["units_missing"]) if measured else 0
        shown = dict(name)
        download = dict(name)
        for m in MEASURES:
            value = measured[f"{m}_pct"] if measured else math.nan
            shown[t(f"governance_measure_{m}", lang)] = (
                _measure(m, value, lang) if measured else t("governance_not_measured", lang)
            )
            download[t(f"governance_measure_{m}_pct", lang)] = _round(value)
        shown[t("governance_col_behind", lang)] = (
            t(
                "governance_behind_of",
                lang,
                behind=fmt_number(float(behind), lang),
                total=fmt_number(float(measured["units_expected"]), lang),
            )
            if measured
            else "—"
        )
        download[t("governance_col_behind", lang)] = behind if measured else None
        shown |= base
        download |= base
        shown_rows.append(shown)
        download_rows.append(download)
    return pd.DataFrame(shown_rows), pd.DataFrame(download_rows)


def units_table(
    report: GovernanceReport, dataset_id: str, names: dict[str, str], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every expected unit of one dataset: status first, then the four measures."""
    rows = report.per_unit[report.per_unit["dataset_id"] == dataset_id]
    unit = [names.get(u, u) for u in rows["unit_id"]]
    live = [
        t(
            "governance_days_since",
            lang,
            days=fmt_days(float(d), lang),
            promise=fmt_days(float(p), lang),
        )
        for d, p in zip(rows["days_since_load"], rows["promise_days"], strict=True)
    ]
    shown = pd.DataFrame(
        {
            t("governance_col_unit", lang): unit,
            t("governance_col_status", lang): [status_word(s, lang) for s in rows["status"]],
            t("governance_col_days_late", lang): [
                # On time: no days late to count, a dash as in every table (was blank).
                fmt_number(float(d), lang) if d else MISSING
                for d in rows["days_late"]
            ],
            t("governance_measure_correct", lang): [
                _measure("correct", v, lang) for v in rows["correct_pct"]
            ],
            t("governance_measure_complete", lang): [_pct(v, lang) for v in rows["complete_pct"]],
            t("governance_measure_clean", lang): [_pct(v, lang) for v in rows["clean_pct"]],
            t("governance_measure_live", lang): live,
        }
    )
    download = pd.DataFrame(
        {
            t("governance_col_unit_code", lang): rows["unit_id"].astype(str),
            t("governance_col_unit", lang): unit,
            t("governance_col_status", lang): [
                t(f"governance_status_{s}", lang) for s in rows["status"]
            ],
            t("governance_col_days_late", lang): rows["days_late"].astype("int64"),
            t("governance_col_present", lang): rows["present_periods"].astype("int64"),
            t("governance_col_expected_periods", lang): rows["expected_periods"].astype("int64"),
            t("governance_measure_complete_pct", lang): [_round(v) for v in rows["complete_pct"]],
            t("governance_col_submitted", lang): rows["submitted_rows"].astype("int64"),
            t("governance_col_passed", lang): rows["passed_rows"].astype("int64"),
            t("governance_measure_correct_pct", lang): [_round(v) for v in rows["correct_pct"]],
            t("governance_col_duplicates", lang): rows["duplicate_rows"].astype("int64"),
            t("governance_col_out_of_range", lang): rows["out_of_range_rows"].astype("int64"),
            t("governance_measure_clean_pct", lang): [_round(v) for v in rows["clean_pct"]],
            t("governance_col_days_since", lang): [_round(v, 0) for v in rows["days_since_load"]],
            t("governance_col_promise_days", lang): rows["promise_days"].astype("int64"),
        }
    )
    return shown, download


# --- declared sources: their health (issue 14) ------------------------------------------------

RESULT_SYMBOLS = {True: "✓", False: "✕", None: "–"}
"""Beside the word, never instead of it (as :data:`STATUS_SYMBOLS`)."""


def result_word(passed: bool | None, lang: str) -> str:
    """Passed / failed / not checked, with a symbol."""
    word = {True: "pass", False: "fail", None: "skip"}[passed]
    return f"{RESULT_SYMBOLS[passed]} {t(f'sources_result_{word}', lang)}"


def checked_at_text(health: SourceHealth, lang: str, minutes: int) -> str:
    """When the sources were last checked (city time), and when they will be again."""
    moment = to_city_time(health.checked_at)
    return t(
        "sources_health_checked",
        lang,
        time=f"{moment:%H:%M}",
        date=fmt_date(moment.date(), lang),
        minutes=minutes,
    )


def source_facts(report: SourceReport, lang: str) -> str:
    """Connection, rows, last new month and the query's time of one source."""
    return t(
        "sources_health_facts",
        lang,
        connection=report.connection,
        rows="—" if report.rows is None else fmt_number(float(report.rows), lang),
        last="—" if report.last_month is None else fmt_month(report.last_month, lang),
        seconds="—" if report.query_seconds is None else fmt_number(report.query_seconds, lang, 2),
    )


def contracts_table(report: SourceReport, lang: str) -> pd.DataFrame:
    """Each contract of one source: its name, its result and its message (text from the
    mapping or the warehouse stays plain text in a table cell)."""
    return pd.DataFrame(
        {
            t("sources_col_contract", lang): [
                t(f"sources_contract_{r.code}", lang) for r in report.results
            ],
            t("sources_col_result", lang): [result_word(r.passed, lang) for r in report.results],
            t("sources_col_detail", lang): [r.message(lang) for r in report.results],
        }
    )


def source_title(code: str, lang: str) -> str:
    """An indicator's short name and its code."""
    return f"{get_indicator(code).short(lang)} ({code})"


def source_health(health: SourceHealth, lang: str) -> None:
    """Every declared source: its status, facts and contracts; or why none was checked.

    Everything that comes from the mapping file or a warehouse is shown as plain text
    (escaped in Markdown, or a table cell)."""
    st.caption(t("sources_health_file", lang, file=escape_markdown(str(health.path))))
    if health.mapping_problem:
        st.error(escape_markdown(health.mapping_problem[lang]), icon=":material/error:")
        return
    if health.units_problem is not None:
        st.error(
            escape_markdown(t("sources_cli_no_units", lang, detail=health.units_problem)),
            icon=":material/error:",
        )
        return
    for report in health.reports:
        with st.container(border=True, key=f"source-{report.indicator}"):
            st.markdown(f"**{escape_markdown(source_title(report.indicator, lang))}**")
            failed = [r for r in report.results if r.passed is False]
            if failed:
                # A warning, not an error: the page works, the source needs attention (a
                # month late is common); the table below says which check and why.
                st.warning(
                    escape_markdown(
                        t("sources_health_failed", lang, count=len(failed), total=len(CONTRACTS))
                    ),
                    icon=":material/warning:",
                )
            else:
                st.success(t("sources_health_passed", lang), icon=":material/check_circle:")
            st.caption(escape_markdown(source_facts(report, lang)))
            _html_table.show_table(
                contracts_table(report, lang),
                lang,
                caption=source_title(report.indicator, lang),
            )


def breakdown_health(health: SourceHealth, lang: str) -> None:
    """Every declared breakdown below the unit totals (procedures, sectors): its status,
    facts and contracts, as :func:`source_health` shows a source's; nothing when the mapping
    could not be checked (:func:`source_health` said why)."""
    if health.mapping_problem or health.units_problem is not None:
        return
    if not health.breakdowns:
        if not health.is_default:
            st.caption(t("breakdowns_health_none", lang))
        return
    for part in health.breakdowns:
        key = f"breakdown-{part.indicator}-{part.dimension}"
        with st.container(border=True, key=key):
            title = t(
                "breakdowns_health_title",
                lang,
                indicator=source_title(part.indicator, lang),
                dimension=t(f"breakdown_{part.dimension}", lang),
            )
            st.markdown(f"**{escape_markdown(title)}**")
            failed = [r for r in part.report.results if r.passed is False]
            if failed:
                total = len(BREAKDOWN_CONTRACTS)
                text = t("sources_health_failed", lang, count=len(failed), total=total)
                st.warning(escape_markdown(text), icon=":material/warning:")
            else:
                st.success(t("sources_health_passed", lang), icon=":material/check_circle:")
            st.caption(escape_markdown(source_facts(part.report, lang)))
            _html_table.show_table(contracts_table(part.report, lang), lang, caption=title)
