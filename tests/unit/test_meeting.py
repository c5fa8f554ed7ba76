"""Meeting mode's agenda, timing and shared link (metrics/meeting.py).

Every expected value is written out by hand from the rules in the module's docstring.
"""

from __future__ import annotations

import pytest

from metrics.meeting import (
    DEFAULT_AGENDA,
    DEFAULT_INTERVAL_S,
    Section,
    SettingProblem,
    Slide,
    SlideKind,
    Standing,
    agenda_text,
    app_root,
    build_agenda,
    not_on_track_order,
    parse_agenda,
    parse_interval,
    qr_png,
    share_url,
    should_advance,
    step,
)
from metrics.status import Status

ON, RISK, OFF, NA = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NOT_ASSESSABLE


@pytest.mark.parametrize(
    ("text", "seconds", "problem"),
    [
        (None, 20, None),
        ("20", 20, None),
        ("3", 3, None),  # the lower bound is allowed
        ("600", 600, None),  # so is the upper one
        (" 45 ", 45, None),
        ("2", 20, SettingProblem.OUT_OF_RANGE),
        ("601", 20, SettingProblem.OUT_OF_RANGE),
        ("0", 20, SettingProblem.OUT_OF_RANGE),
        ("-5", 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("2.5", 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("abc", 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("", 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("1e3", 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("9" * 40, 20, SettingProblem.NOT_A_WHOLE_NUMBER),
        ("٣٠", 20, SettingProblem.NOT_A_WHOLE_NUMBER),  # Arabic-Indic digits are not ours
    ],
)
def test_interval_parsing(text, seconds, problem):
    parsed, refusal = parse_interval(text)
    assert parsed == seconds
    assert (refusal.problem if refusal else None) == problem
    if refusal is not None:
        assert refusal.parameter == "interval"


def test_a_refused_interval_is_cleaned_and_cut_for_the_message():
    _, refusal = parse_interval("**x**\u202e" + "y" * 100)
    assert refusal is not None
    assert "\u202e" not in refusal.value
    assert refusal.value == "**x**" + "y" * 55 + "…"  # 60 characters kept, then an ellipsis


@pytest.mark.parametrize(
    ("text", "sections", "problem"),
    [
        (None, ("not_on_track", "headlines", "units"), None),
        ("units", ("units",), None),
        ("units,headlines", ("units", "headlines"), None),
        (" headlines , not_on_track ", ("headlines", "not_on_track"), None),
        ("units,units,headlines,units", ("units", "headlines"), None),
        ("units,,headlines", ("units", "headlines"), None),
        ("units,red", ("not_on_track", "headlines", "units"), SettingProblem.UNKNOWN_SECTION),
        ("Units", ("not_on_track", "headlines", "units"), SettingProblem.UNKNOWN_SECTION),
        ("", ("not_on_track", "headlines", "units"), SettingProblem.EMPTY),
        (" , ,", ("not_on_track", "headlines", "units"), SettingProblem.EMPTY),
    ],
)
def test_agenda_parsing(text, sections, problem):
    parsed, refusal = parse_agenda(text)
    assert tuple(section.value for section in parsed) == sections
    assert (refusal.problem if refusal else None) == problem


def test_agenda_text_round_trips():
    for sections in [DEFAULT_AGENDA, (Section.UNITS,), (Section.HEADLINES, Section.UNITS)]:
        assert parse_agenda(agenda_text(sections)) == (sections, None)


def test_not_on_track_order_is_off_track_first_then_largest_shortfall():
    standings = [
        Standing("online", ON, 40.6),
        Standing("satisfaction", RISK, -0.4),
        Standing("disbursement", OFF, -14.0),
        Standing("digital", RISK, -2.5),
        Standing("extra", OFF, -20.0),
        Standing("unknown", NA, None),
    ]
    # Off track: extra (−20 pp) before disbursement (−14 pp); at risk: digital (−2.5 pp)
    # before satisfaction (−0.4 pp); on track and not assessable are not "not on track".
    assert not_on_track_order(standings) == ["extra", "disbursement", "digital", "satisfaction"]


def test_a_tile_with_no_gap_comes_last_in_its_status_and_ties_keep_the_registry_order():
    standings = [
        Standing("a", OFF, -1.0),
        Standing("b", OFF, None),
        Standing("c", OFF, -1.0),
        Standing("d", RISK, -9.0),
    ]
    assert not_on_track_order(standings) == ["a", "c", "b", "d"]


def test_default_agenda_order_and_unit_pages():
    standings = [
        Standing("online", ON, 40.6),
        Standing("satisfaction", RISK, -1.0),
        Standing("disbursement", OFF, -14.0),
        Standing("digital", OFF, -5.0),
    ]
    slides = build_agenda(DEFAULT_AGENDA, standings, 12)
    assert slides == (
        Slide(SlideKind.ITEM, "disbursement"),
        Slide(SlideKind.ITEM, "digital"),
        Slide(SlideKind.ITEM, "satisfaction"),
        Slide(SlideKind.HEADLINES),
        # 12 units ranked, ten shown, five a slide.
        Slide(SlideKind.UNITS, first=0, count=5),
        Slide(SlideKind.UNITS, first=5, count=5),
    )


def test_agenda_follows_the_chosen_order_and_pages_a_short_ranking():
    standings = [Standing("online", OFF, -3.0)]
    slides = build_agenda((Section.UNITS, Section.NOT_ON_TRACK), standings, 7)
    assert slides == (
        Slide(SlideKind.UNITS, first=0, count=5),
        Slide(SlideKind.UNITS, first=5, count=2),
        Slide(SlideKind.ITEM, "online"),
    )
    assert build_agenda((Section.UNITS,), standings, 3, units_per_slide=2) == (
        Slide(SlideKind.UNITS, first=0, count=2),
        Slide(SlideKind.UNITS, first=2, count=1),
    )


def test_an_agenda_with_nothing_to_show_falls_back_to_the_headlines():
    all_on_track = [Standing("online", ON, 40.6), Standing("satisfaction", ON, 4.9)]
    assert build_agenda((Section.NOT_ON_TRACK, Section.UNITS), all_on_track, 0) == (
        Slide(SlideKind.HEADLINES),
    )
    assert build_agenda(DEFAULT_AGENDA, [], 0) == (Slide(SlideKind.HEADLINES),)


@pytest.mark.parametrize(
    ("index", "n", "delta", "expected"),
    [
        (0, 5, 1, 1),
        (4, 5, 1, 0),  # wraps round after the last slide
        (0, 5, -1, 4),  # and before the first
        (2, 5, 0, 2),
        (7, 5, 0, 2),  # the agenda shrank: 7 mod 5
        (9, 3, 1, 1),  # (9 + 1) mod 3
        (0, 1, 1, 0),
        (3, 0, 1, 0),  # no slides at all
    ],
)
def test_step_wraps_round(index, n, delta, expected):
    assert step(index, n, delta) == expected


def test_a_whole_agenda_goes_round_and_back_to_its_first_slide():
    index, seen = 0, []
    for _ in range(7):
        seen.append(index)
        index = step(index, 3, 1)
    assert seen == [0, 1, 2, 0, 1, 2, 0]


@pytest.mark.parametrize(
    ("elapsed", "interval", "paused", "expected"),
    [
        (20.0, 20, False, True),
        (19.7, 20, False, True),  # a tick that fires a little early still moves on
        (10.0, 20, False, True),  # exactly half the interval
        (9.99, 20, False, False),  # a slide chosen by hand 10 s ago is not cut short
        (0.1, 20, False, False),
        (3.0, 3, False, True),
        (500.0, 20, True, False),  # paused: never
    ],
)
def test_should_advance(elapsed, interval, paused, expected):
    assert should_advance(elapsed, interval, is_paused=paused) is expected


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://localhost:8516/meeting", "http://localhost:8516/"),
        ("http://localhost:8516/meeting/", "http://localhost:8516/"),
        ("http://10.1.2.3:8501/", "http://10.1.2.3:8501/"),
        ("https://dash.example.vn", "https://dash.example.vn/"),
        ("https://dash.example.vn/hcmc/meeting?x=1#top", "https://dash.example.vn/hcmc/"),
        ("https://dash.example.vn/meetings", "https://dash.example.vn/meetings/"),
        ("ftp://dash.example.vn/", None),
        ("javascript:alert(1)", None),
        ("dash.example.vn", None),
        ("http:///meeting", None),
        ("", None),
    ],
)
def test_app_root(url, root):
    assert app_root(url) == root


def test_share_url_carries_the_view_and_encodes_it():
    url = share_url(
        "https://dash.example.vn/",
        {"lang": "en", "interval": "5", "agenda": "units,headlines", "type": ["ward", "commune"]},
    )
    assert url == (
        "https://dash.example.vn/meeting?lang=en&interval=5"
        "&agenda=units%2Cheadlines&type=ward&type=commune"
    )
    assert share_url("http://h/", {}) == "http://h/meeting"


def test_qr_code_is_a_png_that_grows_with_the_address():
    short = qr_png("http://h/meeting")
    long = qr_png("https://dash.example.vn/meeting?" + "&".join(f"p{i}=v{i}" for i in range(40)))
    assert short.startswith(b"\x89PNG\r\n\x1a\n") and long.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(long) > len(short)  # more modules for more data
    assert qr_png("http://h/meeting") == short  # drawn the same every time


def test_defaults_are_the_documented_ones():
    assert DEFAULT_INTERVAL_S == 20
    assert DEFAULT_AGENDA == (Section.NOT_ON_TRACK, Section.HEADLINES, Section.UNITS)


def test_every_message_key_built_at_run_time_exists():
    from i18n import catalogue

    keys = {f"meeting_section_{section.value}" for section in Section}
    keys |= {
        "meeting_bad_interval_not_a_whole_number",
        "meeting_bad_interval_out_of_range",
        "meeting_bad_agenda_unknown_section",
        "meeting_bad_agenda_empty",
    }
    # Every refusal the parsers can give has its message.
    refusals = [
        parse_interval("x")[1],
        parse_interval("1")[1],
        parse_agenda("x")[1],
        parse_agenda(",")[1],
    ]
    assert {f"meeting_bad_{r.parameter}_{r.problem.value}" for r in refusals if r} <= keys
    for lang in ("vi", "en"):
        assert keys <= set(catalogue(lang)), lang
