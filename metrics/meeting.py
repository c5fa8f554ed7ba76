"""Meeting mode (Chế độ trình chiếu): the agenda of slides, its timing, and the shared link.

The agenda is made of sections, in the order a meeting reads them (what is behind first):

* ``not_on_track`` — one slide per headline indicator that is not on track, the one most
  behind first, as the Overview's first line picks it (:func:`metrics.tiles.summarize`):
  off track before at risk, then the largest shortfall of the big number;
* ``headlines`` — one slide with the four headline indicators;
* ``units`` — the units holding the city back (the attention ranking), a few per slide.

Everything here is pure: the page hands in the tiles' statuses and the number of units
ranked, and gets back the slides to show. Statuses and rankings are the engine's
(:mod:`metrics.tiles`, :mod:`metrics.attention`); nothing is re-derived here.
"""

from __future__ import annotations

import io
import math
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import segno

from metrics.links import plain_text
from metrics.status import Status


class Section(StrEnum):
    """A part of the agenda, as written in the address (``?agenda=not_on_track,units``)."""

    NOT_ON_TRACK = "not_on_track"
    HEADLINES = "headlines"
    UNITS = "units"


class SlideKind(StrEnum):
    """What one slide shows."""

    ITEM = "item"
    """One headline indicator that is not on track, full screen."""
    HEADLINES = "headlines"
    """The four headline indicators together."""
    UNITS = "units"
    """A page of the units holding the city back."""


class SettingProblem(StrEnum):
    """Why a meeting-mode parameter of the address was refused."""

    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_SECTION = "unknown_section"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class SettingRefusal:
    """One refused parameter: its name, what it held (cleaned, cut short), and why."""

    parameter: str
    value: str
    problem: SettingProblem


@dataclass(frozen=True, slots=True)
class Slide:
    """One slide of the agenda."""

    kind: SlideKind
    indicator_code: str | None = None
    """The indicator of an ``ITEM`` slide."""
    first: int = 0
    """``UNITS``: the position (from 0) of the first unit on the slide."""
    count: int = 0
    """``UNITS``: how many units the slide shows."""


@dataclass(frozen=True, slots=True)
class Standing:
    """What the agenda needs of one headline tile (taken from the tile, never recomputed)."""

    indicator_code: str
    status: Status
    gap: float | None
    """The tile's big number against what applies now (``tile.headline.gap``), percentage
    points, negative when short; None when there is nothing to compare with."""


DEFAULT_INTERVAL_S = 20
MIN_INTERVAL_S = 3
MAX_INTERVAL_S = 600
DEFAULT_AGENDA: tuple[Section, ...] = (Section.NOT_ON_TRACK, Section.HEADLINES, Section.UNITS)
UNITS_PER_SLIDE = 5
"""Lines a tablet shows at arm's length without scrolling."""
MAX_UNITS = 10
"""The attention ranking's top ten (two slides)."""
UNITS_PER_INDICATOR = 2
"""Each headline indicator's units on the slides (units not reported come first, in the
room the indicators leave)."""
REFRESH_S = 60
"""How often the data are checked for a new load (the cache expires after five minutes)."""
PAGE_PATH = "meeting"
"""The page's address below the app's root (``st.Page(url_path=...)``)."""

_SEVERITY = {Status.OFF_TRACK: 0, Status.AT_RISK: 1}
_WHOLE_NUMBER = re.compile(r"\s*[0-9]{1,6}\s*")  # ASCII digits only: int() reads others too


def parse_interval(text: str | None) -> tuple[int, SettingRefusal | None]:
    """The seconds between slides asked for by ``?interval=``, or the default and why.

    A whole number of seconds from :data:`MIN_INTERVAL_S` to :data:`MAX_INTERVAL_S`;
    None (no parameter) is the default without complaint.

    Examples
    --------
    >>> parse_interval("30")
    (30, None)
    >>> parse_interval(None)
    (20, None)
    >>> parse_interval("2")[1].problem.value, parse_interval("abc")[1].problem.value
    ('out_of_range', 'not_a_whole_number')
    """
    if text is None:
        return DEFAULT_INTERVAL_S, None
    if not _WHOLE_NUMBER.fullmatch(text):
        return DEFAULT_INTERVAL_S, SettingRefusal(
            "interval", plain_text(text), SettingProblem.NOT_A_WHOLE_NUMBER
        )
    seconds = int(text)
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        return DEFAULT_INTERVAL_S, SettingRefusal(
            "interval", plain_text(text), SettingProblem.OUT_OF_RANGE
        )
    return seconds, None


def parse_agenda(text: str | None) -> tuple[tuple[Section, ...], SettingRefusal | None]:
    """The sections asked for by ``?agenda=`` (comma-separated codes, in that order), or
    the default agenda and why.

    A section named twice is shown once, where it first appears. Any unknown code refuses
    the whole parameter: a half-understood agenda would surprise the room.

    Examples
    --------
    >>> parse_agenda("units,headlines,units")
    ((<Section.UNITS: 'units'>, <Section.HEADLINES: 'headlines'>), None)
    >>> parse_agenda("units,red")[1].problem.value
    'unknown_section'
    >>> parse_agenda(" , ")[1].problem.value
    'empty'
    """
    if text is None:
        return DEFAULT_AGENDA, None
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        return DEFAULT_AGENDA, SettingRefusal("agenda", plain_text(text), SettingProblem.EMPTY)
    known = {section.value: section for section in Section}
    if any(code not in known for code in codes):
        return DEFAULT_AGENDA, SettingRefusal(
            "agenda", plain_text(text), SettingProblem.UNKNOWN_SECTION
        )
    return tuple(dict.fromkeys(known[code] for code in codes)), None


def agenda_text(sections: Sequence[Section]) -> str:
    """The agenda as written in the address (the inverse of :func:`parse_agenda`).

    Examples
    --------
    >>> agenda_text((Section.UNITS, Section.HEADLINES))
    'units,headlines'
    """
    return ",".join(section.value for section in sections)


def not_on_track_order(standings: Sequence[Standing]) -> list[str]:
    """The headline indicators that are not on track, worst first.

    Off track before at risk; within a status, the largest shortfall (the most negative
    gap) first, a tile with no gap last; ties keep the registry's order. The first is the
    tile :func:`metrics.tiles.summarize` calls the worst. On track and not yet assessable
    are left out.

    Examples
    --------
    >>> order = not_on_track_order([Standing("a", Status.AT_RISK, -1.0),
    ...     Standing("b", Status.ON_TRACK, 5.0), Standing("c", Status.OFF_TRACK, -0.5)])
    >>> order
    ['c', 'a']
    """
    behind = [(i, s) for i, s in enumerate(standings) if s.status in _SEVERITY]
    behind.sort(
        key=lambda pair: (
            _SEVERITY[pair[1].status],
            math.inf if pair[1].gap is None else pair[1].gap,
            pair[0],
        )
    )
    return [s.indicator_code for _, s in behind]


def build_agenda(
    sections: Sequence[Section],
    standings: Sequence[Standing],
    n_units: int,
    *,
    units_per_slide: int = UNITS_PER_SLIDE,
    max_units: int = MAX_UNITS,
) -> tuple[Slide, ...]:
    """The slides of a meeting, in the order of ``sections``.

    Parameters
    ----------
    sections
        The agenda (:func:`parse_agenda`).
    standings
        One per headline tile that could be built, in the registry's order.
    n_units
        How many units the attention ranking holds (the first ``max_units`` are shown).
    units_per_slide, max_units
        How the units are paged.

    Returns
    -------
    tuple of Slide
        Never empty: when the chosen sections have nothing to show (every indicator on
        track, no unit behind), the agenda is the four headlines, so the screen never goes
        blank.

    Examples
    --------
    >>> slides = build_agenda(DEFAULT_AGENDA, [Standing("a", Status.OFF_TRACK, -3.0)], 7)
    >>> [(s.kind.value, s.indicator_code, s.first, s.count) for s in slides]
    [('item', 'a', 0, 0), ('headlines', None, 0, 0), ('units', None, 0, 5), ('units', None, 5, 2)]
    """
    slides: list[Slide] = []
    shown_units = max(0, min(n_units, max_units))
    for section in sections:
        if section is Section.NOT_ON_TRACK:
            slides += [Slide(SlideKind.ITEM, code) for code in not_on_track_order(standings)]
        elif section is Section.HEADLINES and standings:
            slides.append(Slide(SlideKind.HEADLINES))
        elif section is Section.UNITS:
            for first in range(0, shown_units, units_per_slide):
                count = min(units_per_slide, shown_units - first)
                slides.append(Slide(SlideKind.UNITS, first=first, count=count))
    return tuple(slides) or (Slide(SlideKind.HEADLINES),)


def step(index: int, n_slides: int, delta: int) -> int:
    """The slide ``delta`` slides on from ``index``, wrapping round at either end.

    An ``index`` beyond the agenda (it shrank after a data refresh) wraps the same way.

    Examples
    --------
    >>> step(4, 5, 1), step(0, 5, -1), step(7, 5, 0), step(0, 0, 1)
    (0, 4, 2, 0)
    """
    if n_slides <= 0:
        return 0
    return (index + delta) % n_slides


def should_advance(elapsed_s: float, interval_s: float, *, is_paused: bool) -> bool:
    """Whether a timer tick moves to the next slide.

    The timer ticks every ``interval_s``; a slide chosen by hand between two ticks is not
    cut short: the next tick moves on only once the slide has been up for at least half
    the interval (a tick's own delay, a fraction of a second, never holds a slide back).

    Examples
    --------
    >>> should_advance(20.2, 20, is_paused=False), should_advance(9.9, 20, is_paused=False)
    (True, False)
    >>> should_advance(60, 20, is_paused=True)
    False
    """
    return not is_paused and elapsed_s >= interval_s / 2


def app_root(url: str) -> str | None:
    """The app's root address (ending in ``/``) from a page's address or a configured
    public address; None when ``url`` is not an ``http(s)`` address with a host.

    The query and fragment are dropped, and so is this page's own path, so both the
    browser's address of this page and the app's public root give the same root.

    Examples
    --------
    >>> app_root("http://10.0.0.5:8501/meeting?interval=5")
    'http://10.0.0.5:8501/'
    >>> app_root("https://dashboard.example.vn/hcmc")
    'https://dashboard.example.vn/hcmc/'
    >>> app_root("javascript:alert(1)") is None, app_root("") is None
    (True, True)
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path.rstrip("/")
    if path.endswith("/" + PAGE_PATH) or path == PAGE_PATH:
        path = path[: -len(PAGE_PATH)].rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def share_url(root: str, params: Mapping[str, str | Sequence[str]]) -> str:
    """The address of this meeting view on another device: the page under ``root`` with
    ``params`` (interval, agenda, language, filters) as the query.

    Examples
    --------
    >>> share_url("http://h:8501/", {"lang": "en", "interval": "10", "type": ["ward", "commune"]})
    'http://h:8501/meeting?lang=en&interval=10&type=ward&type=commune'
    """
    query = urllib.parse.urlencode(
        [
            (key, value)
            for key, values in params.items()
            for value in ([values] if isinstance(values, str) else values)
        ]
    )
    return f"{root}{PAGE_PATH}" + (f"?{query}" if query else "")


def qr_png(url: str, *, scale: int = 6) -> bytes:
    """A QR code of ``url`` as a PNG, drawn here (segno), with no outside service.

    Error correction ``M`` (15 % of the code can be lost: a screen's glare, a finger);
    a quiet zone of four modules, as the standard asks, so phones find it.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
