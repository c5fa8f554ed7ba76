"""The Data page's pieces: the upload (check, preview, the full list of problems, load),
the load history with undo, the export of a month and the templates.

Everything taken from a file or the warehouse is shown as plain text: in tables, or
escaped before it enters a Markdown line. The loader's operations are
:mod:`ingest.service`, the same as the command line's; nothing here raises to the page:
a refusal is a message.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app_pages import _auth, _page, _ui
from app_pages._auth import reader_scope
from data_access import audit, cached, submissions
from data_access.writes import UndoRefusedError
from i18n import MISSING, catalogue, escape_markdown, fmt_date, fmt_month, fmt_number, t, t_count
from ingest import problems as p
from ingest import service
from ingest.layouts import Kind, guide_frame
from ingest.read import DEFAULT_LIMITS, Submitted
from ingest.validate import Checked
from metrics.clock import add_months, last_complete_month, to_city_time
from metrics.export import file_stem
from metrics.registry import INDICATORS, Frequency, get_indicator

MAX_UPLOAD_MB = round(DEFAULT_LIMITS.max_mb)
"""What the upload widget takes: the loader's own limit, so the widget's "Limit … MB per
file" and the hint below it name the same size (it said 60 MB beside a 20 MB hint)."""
HISTORY_LIMIT = 100
AUDIT_LIMIT = 200
"""The audit log's newest entries shown to an admin."""
PREVIEW_ROWS = 20
TABS_KEY = "data-tabs"
"""The page's tabs (upload, history, export, templates, audit log): the open tab's label in
the session; only that tab is built (issue 12)."""
_UPLOAD_PENDING = "_data_upload_pending"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _state() -> Any:
    return st.session_state


def _warehouse_failed(error: SQLAlchemyError, lang: str) -> None:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    st.error(
        t("data_warehouse_failed", lang, detail=escape_markdown(detail)), icon=":material/error:"
    )


def outcome_banner(lang: str) -> None:
    """What the last load or undo did (kept across the rerun that follows it)."""
    result = _state().pop("_data_outcome", None)
    if result is None:
        return
    kind, text = result
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    else:
        st.error(text, icon=":material/error:")


def upload_pending() -> bool:
    """Whether the upload widget held files, chosen and not yet loaded, when it was last
    drawn: the page then builds the upload tab even while another is open, since a file
    widget left out of a run forgets its files."""
    return bool(_state().get(_UPLOAD_PENDING, False))


def _scope_units() -> tuple[str, ...] | None:
    """The unit ids a unit-scoped data steward is limited to (None: the whole city); every
    read and write of this page passes them to :mod:`data_access.submissions` and
    :mod:`ingest.service`, which enforce them."""
    return cached.scope_units(reader_scope())


# --- upload ---------------------------------------------------------------------------------


def upload(lang: str) -> None:
    """Upload, check (recorded as a submission), preview, problems, and load."""
    round_ = int(_state().get("_upload_round", 0))
    _ui.uploader_words("data-upload-", lang, limit_mb=MAX_UPLOAD_MB, types="CSV, XLSX")
    uploaded = st.file_uploader(
        t("data_upload_label", lang),
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        max_upload_size=MAX_UPLOAD_MB,
        key=f"data-upload-{round_}",
        help=t("data_upload_help", lang, limit=fmt_number(DEFAULT_LIMITS.max_mb, lang, 0)),
    )
    _state()[_UPLOAD_PENDING] = bool(uploaded)
    if not uploaded:
        st.caption(t("data_upload_hint", lang, limit=fmt_number(DEFAULT_LIMITS.max_mb, lang, 0)))
        return
    files = [Submitted(f.name, f.getvalue()) for f in uploaded]
    signature = tuple((f.name, f.sha256) for f in files)
    state = _state()
    if state.get("_data_signature") != signature:
        try:
            report = service.submit_files(
                cached.warehouse_engine(),
                files,
                actor=_auth.current_user(),
                channel="page",
                scope=_scope_units(),
            )
        except SQLAlchemyError as error:
            _warehouse_failed(error, lang)
            return
        state["_data_signature"] = signature
        state["_data_report"] = report
    report = state["_data_report"]
    for checked, preview in zip(report.checked, report.previews, strict=True):
        _file_result(checked, preview, lang)
    if not report.is_ok:
        st.error(t("data_nothing_loadable", lang), icon=":material/block:")
    if st.button(
        t("data_load_button", lang, files=t_count("count_files", lang, len(files))),
        type="primary",
        icon=":material/upload:",
        disabled=not report.is_ok,
        key="data-load",
    ):
        _load(files, report, lang)


def _file_result(checked: Checked, preview: service.Preview | None, lang: str) -> None:
    name = escape_markdown(checked.name)
    with st.container(border=True):
        if checked.is_ok:
            st.markdown(
                ":material/check_circle: "
                + t(
                    "data_file_passed",
                    lang,
                    file=name,
                    rows=t_count("count_data_rows", lang, checked.row_count),
                )
            )
            if preview is not None:
                st.markdown(
                    t(
                        "data_preview_counts",
                        lang,
                        new=t_count("count_new_rows", lang, preview.rows_new),
                        replacing=t_count("count_rows", lang, preview.rows_replacing),
                        changing=t_count("count_rows", lang, preview.rows_changing),
                    )
                )
                for left in preview.left_as_is.to_dict("records"):
                    st.warning(
                        t_count(
                            "count_data_left_as_is",
                            lang,
                            int(left["rows"]),
                            batch=int(left["batch_id"]),
                            file=escape_markdown(str(left["source_name"])),
                        ),
                        icon=":material/info:",
                    )
            shown = min(PREVIEW_ROWS, checked.row_count)
            st.caption(t_count("count_data_preview_rows", lang, shown))
            _ui.dataframe(_preview_rows(checked, lang), hide_index=True, placeholder=MISSING)
            return
        st.markdown(
            ":material/error: "
            + t(
                "data_file_refused",
                lang,
                file=name,
                problems=t_count("count_errors", lang, len(checked.problems)),
                rows=t_count("count_rows", lang, checked.error_row_count),
            )
        )
        table = p.table(checked.problems, lang)
        _ui.dataframe(
            table,
            hide_index=True,
            height=min(38 + 35 * len(table), 420),
            column_config={t("ingest_col_error", lang): st.column_config.TextColumn(width="large")},
            placeholder=MISSING,
        )
        stem = file_stem("loi", checked.name.rsplit(".", 1)[0][:40])
        _ui.download_buttons(table, stem, lang, f"problems-{checked.sha256[:12]}")


def _preview_rows(checked: Checked, lang: str) -> pd.DataFrame:
    rows = checked.rows.head(PREVIEW_ROWS)
    shown = rows.rename(columns={"file_row": t("ingest_col_row", lang)})
    first = [t("ingest_col_row", lang)] + [
        c for c in shown.columns if c != t("ingest_col_row", lang)
    ]
    return shown[first].astype(str).replace({"nan": "", "None": "", "NaT": ""})


def _load(files: list[Submitted], report: service.Report, lang: str) -> None:
    known = {c.sha256: i for c, i in zip(report.checked, report.check_ids, strict=True)}
    try:
        loaded = service.load_files(
            cached.warehouse_engine(),
            files,
            actor=_auth.current_user(),
            channel="page",
            check_ids=known,
            scope=_scope_units(),
        )
    except service.LoadFailedError as error:
        st.error(
            t("data_load_failed", lang, detail=escape_markdown(str(error))), icon=":material/error:"
        )
        return
    except SQLAlchemyError as error:
        _warehouse_failed(error, lang)
        return
    state = _state()
    if not loaded.is_ok:
        # The warehouse changed between the check and the load (a unit removed, say).
        state["_data_report"] = loaded
        st.rerun()
    lines = [
        t(
            "data_batch_loaded",
            lang,
            batch=b.batch_id,
            file=escape_markdown(c.name),
            rows=t_count("count_rows", lang, b.rows_loaded),
            replaced=t_count("count_rows", lang, b.rows_replaced),
        )
        for b, c in zip(loaded.batches, loaded.checked, strict=True)
    ]
    state["_data_outcome"] = ("success", "  \n".join(lines))
    state["_upload_round"] = int(state.get("_upload_round", 0)) + 1
    state[_UPLOAD_PENDING] = False  # the next run's widget is a new, empty one
    state.pop("_data_signature", None)
    state.pop("_data_report", None)
    cached.data_changed()
    st.rerun()


# --- history and undo -----------------------------------------------------------------------


def _when(moment: object, lang: str) -> str:
    if moment is None or pd.isna(moment):  # type: ignore[call-overload]
        return ""
    local = to_city_time(pd.Timestamp(str(moment)).to_pydatetime())
    return f"{local:%H:%M} {fmt_date(local.date(), lang)}"


def history(lang: str) -> None:
    """The latest load batches, newest first, and the undo of one (with confirmation)."""
    # Kept while another tab is open (only the open tab is built, issue 12).
    include_demo = st.toggle(
        t("data_history_demo", lang), value=False, key="data-history-demo", persist_state="page"
    )
    try:
        scope = _scope_units()
        with cached.warehouse_engine().connect() as conn:
            frame = submissions.history(
                conn, limit=HISTORY_LIMIT, include_demo=include_demo, unit_ids=scope
            )
            files = submissions.checks(conn, limit=HISTORY_LIMIT, unit_ids=scope)
    except SQLAlchemyError as error:
        _warehouse_failed(error, lang)
        return
    if frame.empty:
        _ui.empty_state(lang, t("data_history_empty", lang))
    else:
        table = _history_table(frame, lang)
        _ui.dataframe(
            table, hide_index=True, height=min(38 + 35 * len(table), 420), placeholder=MISSING
        )
        _ui.download_buttons(table, "lich-su-tai-len", lang, "history")
        _undo_choice(frame, lang)
    st.markdown(f"**{t('data_checks_title', lang)}**")
    if files.empty:
        st.caption(t("data_checks_empty", lang))
    else:
        _ui.dataframe(_checks_table(files, lang), hide_index=True, placeholder=MISSING)


def _history_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("data_col_batch", lang): frame["batch_id"].astype("int64"),
            t("data_col_when", lang): [_when(m, lang) for m in frame["loaded_at"]],
            t("data_col_kind", lang): [t(f"batch_kind_{k}", lang) for k in frame["batch_kind"]],
            t("ingest_col_file", lang): frame["source_name"].astype(str),
            t("data_col_who", lang): frame["submitted_by"].astype(str),
            t("data_col_rows", lang): frame["row_count"].astype("int64"),
            t("data_col_replaced", lang): frame["rows_replaced"].astype("int64"),
            t("data_col_current", lang): frame["rows_current"].astype("int64"),
            t("data_col_status", lang): [
                t(f"batch_status_{s}", lang)
                + (f" ({_when(u, lang)})" if s == "undone" and not pd.isna(u) else "")
                for s, u in zip(frame["status"], frame["undone_at"], strict=True)
            ],
            t("data_col_demo", lang): [
                t("demo_badge", lang) if d else "" for d in frame["is_demo"]
            ],
        }
    )


def _checks_table(files: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("data_col_when", lang): [_when(m, lang) for m in files["checked_at"]],
            t("ingest_col_file", lang): files["source_name"].astype(str),
            t("data_col_who", lang): files["actor"].astype(str),
            t("data_col_rows", lang): files["row_count"].astype("int64"),
            t("data_col_error_rows", lang): files["error_row_count"].astype("int64"),
            t("data_col_outcome", lang): [t(f"data_outcome_{o}", lang) for o in files["outcome"]],
            t("data_col_batch", lang): [
                "" if pd.isna(b) else str(int(b)) for b in files["batch_id"]
            ],
        }
    )


def _undo_choice(frame: pd.DataFrame, lang: str) -> None:
    loaded = frame[frame["status"] == "loaded"]
    if loaded.empty:
        return
    records = {
        int(r["batch_id"]): {str(k): v for k, v in r.items()} for r in loaded.to_dict("records")
    }
    with st.container(horizontal=True, vertical_alignment="bottom", key="data-undo"):
        chosen = _ui.selectbox(
            t("data_undo_choose", lang),
            list(records),
            format_func=lambda b: t(
                "data_undo_option",
                lang,
                batch=b,
                file=str(records[b]["source_name"]),
                when=_when(records[b]["loaded_at"], lang),
            ),
            key="data-undo-batch",
        )
        if st.button(t("data_undo_button", lang), icon=":material/undo:", key="data-undo-open"):
            _state()["_undo_pending"] = int(chosen)
    # Kept in the session until confirmed, cancelled or dismissed, so the dialog stays open
    # across the run its own buttons start.
    pending = _state().get("_undo_pending")
    if pending in records:
        _confirm_undo(records[pending], lang)
    else:
        _state().pop("_undo_pending", None)


def _confirm_undo(record: dict[str, Any], lang: str) -> None:
    def body() -> None:
        st.markdown(
            t(
                "data_undo_confirm_text",
                lang,
                batch=int(record["batch_id"]),
                file=escape_markdown(str(record["source_name"])),
                rows=t_count("count_rows", lang, int(record["rows_current"])),
                when=_when(record["loaded_at"], lang),
            )
        )
        with st.container(horizontal=True):
            if st.button(
                t("data_undo_confirm", lang),
                type="primary",
                icon=":material/undo:",
                key="data-undo-confirm",
            ):
                _state().pop("_undo_pending", None)
                _undo(int(record["batch_id"]), lang)
            if st.button(t("data_undo_cancel", lang), key="data-undo-cancel"):
                _state().pop("_undo_pending", None)
                st.rerun()

    st.dialog(t("data_undo_title", lang), icon=":material/undo:", on_dismiss=_dismissed)(body)()


def _dismissed() -> None:
    _state().pop("_undo_pending", None)


def _undo(batch_id: int, lang: str) -> None:
    state = _state()
    try:
        result = service.undo(
            cached.warehouse_engine(),
            batch_id,
            actor=_auth.current_user(),
            scope=_scope_units(),
        )
    except service.OutOfScopeBatchError:
        state["_data_outcome"] = ("error", t("data_undo_out_of_scope", lang))
        st.rerun()
    except UndoRefusedError as error:
        if error.reason == "replaced_later":
            later = ", ".join(
                t("cli_later_batch", lang, batch=b.batch_id, file=escape_markdown(b.source_name))
                for b in error.later
            )
            text = t("undo_refused_replaced_later", lang, batch=batch_id, later=later)
        else:
            text = t(f"undo_refused_{error.reason}", lang, batch=batch_id)
        state["_data_outcome"] = ("error", text)
        st.rerun()
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
        state["_data_outcome"] = (
            "error",
            t("data_warehouse_failed", lang, detail=escape_markdown(detail)),
        )
        st.rerun()
    state["_data_outcome"] = (
        "success",
        t(
            "data_undone",
            lang,
            batch=batch_id,
            withdrawn=t_count("count_rows", lang, result.rows_withdrawn),
            restored=t_count("count_rows", lang, result.rows_restored),
        ),
    )
    cached.data_changed()
    st.rerun()


# --- the audit log (admins) ------------------------------------------------------------------


def _label(prefix: str, code: object, lang: str) -> str:
    """``prefix + code``'s words; the code itself for one the catalogue does not know (an
    older or newer action kept in the warehouse)."""
    key = f"{prefix}{code}"
    return t(key, lang) if key in catalogue(lang) else str(code)


def audit_log(lang: str) -> None:
    """The newest audit entries, filterable by action; admins only (the page offers the tab
    to admins; this checks again). Everything is shown in a table, as plain text."""
    if not _auth.current_user().is_admin:
        return
    st.caption(t("audit_caption", lang, limit=fmt_number(AUDIT_LIMIT, lang)))
    action = _ui.selectbox(
        t("audit_filter_action", lang),
        [None, *audit.ACTIONS],
        format_func=lambda a: (
            t("audit_all_actions", lang) if a is None else _label("audit_action_", a, lang)
        ),
        key="audit-action",
        persist_state="page",  # kept while another tab is open (issue 12)
    )
    try:
        with cached.warehouse_engine().connect() as conn:
            frame = audit.latest(conn, action=action, limit=AUDIT_LIMIT)
    except SQLAlchemyError as error:
        _warehouse_failed(error, lang)
        return
    if frame.empty:
        _ui.empty_state(lang, t("audit_empty", lang))
        return
    table = _audit_table(frame, lang)
    _ui.dataframe(
        table, hide_index=True, height=min(38 + 35 * len(table), 560), placeholder=MISSING
    )


def _audit_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def text(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(value)  # type: ignore[call-overload]

    def roles(value: object) -> str:
        codes = text(value)
        return ", ".join(_label("role_", c, lang) for c in codes.split(",")) if codes else ""

    return pd.DataFrame(
        {
            t("audit_col_time", lang): [_when(m, lang) for m in frame["occurred_at"]],
            t("audit_col_actor", lang): [text(v) for v in frame["actor"]],
            t("audit_col_roles", lang): [roles(v) for v in frame["actor_roles"]],
            t("audit_col_unit", lang): [
                text(u) or (t("audit_whole_city", lang) if text(r) else "")
                for u, r in zip(frame["actor_unit"], frame["actor_roles"], strict=True)
            ],
            t("audit_col_action", lang): [
                _label("audit_action_", a, lang) for a in frame["action"]
            ],
            t("audit_col_object", lang): [
                " ".join(x for x in (text(k), text(i)) if x)
                for k, i in zip(frame["object_type"], frame["object_id"], strict=True)
            ],
            t("audit_col_outcome", lang): [
                _label("audit_outcome_", o, lang) for o in frame["outcome"]
            ],
            t("audit_col_detail", lang): [text(d) for d in frame["detail_json"]],
        }
    )


# --- export and templates -------------------------------------------------------------------


def export(lang: str, today: dt.date) -> None:
    """A month of an indicator's current figures in the submission layout."""
    monthly = [i for i in INDICATORS if i.frequency is Frequency.MONTHLY]
    last = last_complete_month(today)
    months = [add_months(last, -k) for k in range(36)]
    units = cached.unit_list(scope=reader_scope()).frame
    leaf = units[units["unit_type"] != "former_province"]
    names = dict(
        zip(
            leaf["unit_id"].astype(str), leaf["name_vi" if lang == "vi" else "name_en"], strict=True
        )
    )
    # The choices are kept while another tab is open (only the open tab is built, issue 12),
    # so they still name the file made below when the reader comes back.
    with st.form("data-export", border=True):
        code = _ui.selectbox(
            t("data_export_indicator", lang),
            [i.code for i in monthly],
            format_func=lambda c: f"{get_indicator(c).name(lang)} ({c})",
            key="data-export-indicator",
            persist_state="page",
        )
        month = _ui.selectbox(
            t("data_export_month", lang),
            months,
            format_func=lambda m: fmt_month(m, lang),
            key="data-export-month",
            persist_state="page",
        )
        unit = _ui.selectbox(
            t("data_export_unit", lang),
            # A unit-scoped steward exports their own unit only, never "every unit".
            [*names] if reader_scope() is not None else [None, *names],
            format_func=lambda u: (
                t("data_export_all_units", lang) if u is None else f"{names[u]} ({u})"
            ),
            key="data-export-unit",
            persist_state="page",
        )
        asked = st.form_submit_button(t("data_export_button", lang), icon=":material/download:")
    if asked and _page.source_failure_in(
        get_indicator(str(code)), lang, f"not-assessable-export-{code}"
    ):
        # Its declared source fails a contract (issue 14): no figures of it leave the app.
        _state()["_data_export"] = None
        return
    if asked:
        try:
            frame = service.export_month(
                cached.warehouse_engine(), str(code), month, unit, scope=_scope_units()
            )
        except service.ExportError:
            _state()["_data_export"] = None
            st.info(
                t("data_export_none", lang, month=fmt_month(month, lang)), icon=":material/inbox:"
            )
            return
        except SQLAlchemyError as error:
            _warehouse_failed(error, lang)
            return
        _state()["_data_export"] = (str(code), month, unit, frame)
    kept = _state().get("_data_export")
    if kept is None:
        return
    code, month, unit, frame = kept
    stem = file_stem(code, f"{month:%Y-%m}", unit or "")
    st.caption(t("data_export_ready", lang, rows=t_count("count_rows", lang, len(frame))))
    with st.container(horizontal=True, key="data-export-files"):
        st.download_button(
            t("download_csv", lang),
            partial(service.table_bytes, frame, "csv"),
            file_name=f"{stem}.csv",
            mime="text/csv",
            icon=":material/download:",
            # A month of every unit's (or one unit's) figures: unit detail, audited.
            on_click=_auth.record_download,
            args=(f"{stem}.csv", "data-export"),
            key="data-export-csv",
        )
        st.download_button(
            t("download_xlsx", lang),
            partial(service.table_bytes, frame, "xlsx"),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            icon=":material/table_view:",
            on_click=_auth.record_download,
            args=(f"{stem}.xlsx", "data-export"),
            key="data-export-xlsx",
        )


def templates(lang: str) -> None:
    """Each kind's blank template (CSV, XLSX) with its worked example, its columns, and
    the codes a file may use."""
    for kind in Kind:
        with st.container(border=True):
            st.markdown(f"**{t(f'data_template_{kind.value}', lang)}**")
            st.caption(t(f"data_template_{kind.value}_help", lang))
            with st.container(horizontal=True, key=f"data-template-{kind.value}"):
                for file_format, label, icon, mime in (
                    ("csv", "download_csv", ":material/download:", "text/csv"),
                    ("xlsx", "download_xlsx", ":material/table_view:", XLSX_MIME),
                ):
                    st.download_button(
                        t(label, lang),
                        # Made when clicked (Streamlit calls it then): the six files cost
                        # about 0.1 s of every run of the page when made eagerly.
                        partial(service.template_bytes, kind, file_format),
                        file_name=f"mau-{kind.value.replace('_', '-')}.{file_format}",
                        mime=mime,
                        icon=icon,
                        on_click="ignore",
                        key=f"template-{kind.value}-{file_format}",
                    )
            # Each table is built and mounted only once its expander is opened (issue 12:
            # five data grids were built, folded away, on every run of the tab).
            columns = st.expander(
                t("data_template_columns", lang),
                key=f"data-template-columns-{kind.value}",
                on_change="rerun",
            )
            with columns:
                if columns.open:
                    _ui.dataframe(_guide(kind, lang), hide_index=True, placeholder=MISSING)
    indicators = st.expander(
        t("data_codes_indicators", lang),
        icon=":material/list:",
        key="data-codes-indicators",
        on_change="rerun",
    )
    with indicators:
        if indicators.open:
            _ui.dataframe(_indicator_codes(lang), hide_index=True, placeholder=MISSING)
    units = st.expander(
        t("data_codes_units", lang),
        icon=":material/list:",
        key="data-codes-units",
        on_change="rerun",
    )
    with units:
        if units.open:
            codes = _unit_codes(lang)
            _ui.dataframe(codes, hide_index=True, height=420, placeholder=MISSING)
            _ui.download_buttons(codes, "ma-don-vi", lang, "unit-codes")


def _guide(kind: Kind, lang: str) -> pd.DataFrame:
    guide = guide_frame(kind)
    return pd.DataFrame(
        {
            t("ingest_col_column", lang): guide.iloc[:, 0],
            t("data_col_required", lang): [
                t("yes", lang) if "yes" in str(v) else t("no", lang) for v in guide.iloc[:, 1]
            ],
            t("data_col_guide", lang): guide.iloc[:, 2 if lang == "vi" else 3],
        }
    )


def _indicator_codes(lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("data_col_code", lang): [i.code for i in INDICATORS],
            t("data_col_name", lang): [i.name(lang) for i in INDICATORS],
            t("data_col_is_rate", lang): [
                t("yes" if i.is_rate else "no", lang) for i in INDICATORS
            ],
            t("data_col_frequency", lang): [
                t(f"data_frequency_{i.frequency.value}", lang) for i in INDICATORS
            ],
        }
    )


def _unit_codes(lang: str) -> pd.DataFrame:
    units = cached.unit_list(scope=reader_scope()).frame
    units = units[units["unit_type"] != "former_province"]
    return pd.DataFrame(
        {
            t("data_col_code", lang): units["unit_id"].astype(str),
            t("data_col_name", lang): units["name_vi" if lang == "vi" else "name_en"].astype(str),
            t("data_col_type", lang): [t(f"unit_type_{u}", lang) for u in units["unit_type"]],
        }
    )
