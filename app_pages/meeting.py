"""Chế độ trình chiếu / Meeting mode: full-screen slides that advance by themselves.

The agenda and the seconds per slide come from the address (``?interval=20&agenda=
not_on_track,headlines,units``) or the settings panel, which writes them back to the
address, so the QR code opens the same view elsewhere. Two fragments rerun on their own
schedules without reloading the page: the slide (every interval) and the refresh clock
(every minute). Session state holds four small values, whatever the number of slides.
"""

import time

import streamlit as st

from app_pages import _meeting, _ui
from data_access import cached
from i18n import code_span, t
from metrics.meeting import (
    DEFAULT_AGENDA,
    DEFAULT_INTERVAL_S,
    MAX_INTERVAL_S,
    MIN_INTERVAL_S,
    REFRESH_S,
    Section,
    SettingRefusal,
    agenda_text,
    build_agenda,
    parse_agenda,
    parse_interval,
    should_advance,
    step,
)

filters = _ui.current_filters()
lang = filters.lang
state = st.session_state
st.html(_meeting.STYLE)

interval, interval_refusal = parse_interval(st.query_params.get("interval"))
agenda, agenda_refusal = parse_agenda(st.query_params.get("agenda"))
# The settings in use go back into the address (a refused value is replaced by the
# default), so the link and the QR code always open what this screen shows.
st.query_params["interval"] = str(interval)
st.query_params["agenda"] = agenda_text(agenda)


def _interval_changed() -> None:
    st.query_params["interval"] = str(int(state["meeting-interval"]))


def _agenda_changed() -> None:
    chosen = [Section(code) for code in state["meeting-agenda"]]
    st.query_params["agenda"] = agenda_text(chosen or DEFAULT_AGENDA)


with st.container(horizontal=True, vertical_alignment="center", key="meeting-bar", gap="small"):
    st.markdown(f"**:material/slideshow: {t('meeting_title', lang)}**")
    state["meeting-interval"] = interval
    state["meeting-agenda"] = [section.value for section in agenda]
    with st.popover(t("meeting_settings", lang), icon=":material/tune:"):
        st.number_input(
            t("meeting_interval_label", lang),
            min_value=MIN_INTERVAL_S,
            max_value=MAX_INTERVAL_S,
            step=1,
            key="meeting-interval",
            on_change=_interval_changed,
        )
        _ui.multiselect(
            t("meeting_agenda_label", lang),
            [section.value for section in Section],
            format_func=lambda code: _meeting.section_label(Section(code), lang),
            key="meeting-agenda",
            on_change=_agenda_changed,
        )
        st.caption(t("meeting_settings_help", lang))
    _meeting.share_panel({key: st.query_params.get_all(key) for key in st.query_params}, lang)
    st.page_link("app_pages/overview.py", label=t("meeting_exit", lang), icon=":material/close:")


def _refusal_message(refusal: SettingRefusal) -> str:
    known = ", ".join(code_span(section.value) for section in Section)
    return t(
        f"meeting_bad_{refusal.parameter}_{refusal.problem.value}",
        lang,
        value=code_span(refusal.value),
        default=DEFAULT_INTERVAL_S,
        low=MIN_INTERVAL_S,
        high=MAX_INTERVAL_S,
        known=known,
    )


for refusal in (interval_refusal, agenda_refusal):
    if refusal is not None:
        st.warning(_refusal_message(refusal), icon=":material/link_off:")
_ui.url_warning(lang)
_ui.link_warning(lang)
st.fragment(run_every=REFRESH_S)(_meeting.refresh_clock)(filters)

state.setdefault("meeting_slide", 0)
state.setdefault("meeting_paused", False)
state["meeting_full_run"] = True  # a full run (language, settings) never moves the slide


def _move(delta: int, n_slides: int) -> None:
    state["meeting_slide"] = step(state["meeting_slide"], n_slides, delta)
    state["meeting_shown_at"] = time.monotonic()


def _toggle_pause() -> None:
    state["meeting_paused"] = not state["meeting_paused"]
    state["meeting_shown_at"] = time.monotonic()


@st.fragment(run_every=interval)
def slideshow() -> None:
    """The slide on screen; each tick of the timer moves on unless paused."""
    try:
        data = _meeting.load(filters)
    except cached.WarehouseUnavailableError as error:
        _ui.warehouse_lost(lang, error)
        return
    slides = build_agenda(agenda, data.standings, len(data.units))
    now = time.monotonic()
    is_full_run = bool(state.pop("meeting_full_run", False))
    index = step(state["meeting_slide"], len(slides), 0)
    shown_at = state.get("meeting_shown_at")
    if shown_at is None:
        shown_at = now
    elif not is_full_run and should_advance(
        now - shown_at, interval, is_paused=state["meeting_paused"]
    ):
        index, shown_at = step(index, len(slides), 1), now
    state["meeting_slide"], state["meeting_shown_at"] = index, shown_at
    paused = state["meeting_paused"]
    with st.container(horizontal=True, vertical_alignment="center", key="meeting-controls"):
        st.button(
            t("meeting_previous", lang),
            icon=":material/skip_previous:",
            key="meeting-previous",
            on_click=_move,
            args=(-1, len(slides)),
        )
        st.button(
            t("meeting_resume" if paused else "meeting_pause", lang),
            icon=":material/play_arrow:" if paused else ":material/pause:",
            key="meeting-pause",
            type="primary",
            on_click=_toggle_pause,
        )
        st.button(
            t("meeting_next", lang),
            icon=":material/skip_next:",
            key="meeting-next",
            on_click=_move,
            args=(1, len(slides)),
        )
        note = (
            ":material/pause_circle: " + t("meeting_paused_note", lang)
            if paused
            else t("meeting_auto_note", lang, seconds=interval)
        )
        st.markdown(
            f"**{t('meeting_position', lang, n=index + 1, total=len(slides))}** · {note}",
            width="content",
        )
    _meeting.draw_slide(slides[index], slides, data, filters.year, lang)


slideshow()
