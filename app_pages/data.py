"""Dữ liệu / Data: upload a monthly submission, capital plans or targets (checked, previewed,
every problem listed and downloadable, loaded in one transaction only when there is none),
the load history with undo, the export of a month in the submission layout, the
templates with the codes a file may use, and (admins only) the audit log.

Only the open tab is built and sent (issue 12: every tab's grids, forms and downloads were
built on every run, hidden, and the page took 2.15–2.39× an empty page to draw). The tabs
are keyed, so a load or an undo, which rerun the page, leave the reader on the same tab."""

import streamlit as st

from app_pages import _auth, _data, _ui
from i18n import t
from metrics.clock import city_today

lang = _ui.current_language()
# The frame keeps this page from other roles; the page checks too (it writes).
_auth.stop_unless_allowed(lang, "data", t("page_data", lang))
st.title(t("page_data", lang))
st.caption(t("data_subtitle", lang))
_data.outcome_banner(lang)

# The audit log is for admins only: other roles are not offered its tab at all.
is_admin = _auth.current_user().is_admin
upload, history, export, templates, *audit = st.tabs(
    [
        t("data_tab_upload", lang),
        t("data_tab_history", lang),
        t("data_tab_export", lang),
        t("data_tab_templates", lang),
        *([t("audit_tab", lang)] if is_admin else []),
    ],
    key=_data.TABS_KEY,
    on_change="rerun",
)
# The upload is also built, out of sight, while it holds files chosen and not yet loaded:
# a file widget left out of one run forgets its files, and a look at the templates or the
# history would otherwise drop them.
if upload.open or _data.upload_pending():
    with upload:
        _data.upload(lang)
if history.open:
    with history:
        _data.history(lang)
if export.open:
    with export:
        _data.export(lang, city_today())
if templates.open:
    with templates:
        _data.templates(lang)
for tab in audit:
    if tab.open:
        with tab:
            _data.audit_log(lang)
