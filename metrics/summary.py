"""The written summary of the headline indicators (Báo cáo tóm tắt), made from the numbers.

Every sentence is one template of ``i18n/<lang>/briefing.json`` filled with figures the
Overview's tiles and attention list already hold — nothing is recomputed here:

* ``summary_count`` / ``summary_count_closed`` — how many tiles are on track (met), as
  :func:`metrics.tiles.summarize` counts them, and the data's date;
* ``summary_behind`` — per tile off track or at risk (worst first, as the Overview's first
  line and meeting mode order them: :func:`metrics.meeting.not_on_track_order`): its
  projection, 80 % interval, target and probability of reaching it;
  ``summary_why_milestone`` / ``summary_why_target`` — why: the big number's shortfall
  against the milestone path or the target (``tile.headline``), when it is short;
* ``summary_missed`` — a closed year's target missed (``tile.headline``: the judged value);
* ``summary_none_behind`` — nothing off track or at risk;
* ``summary_not_assessable`` — the tiles without enough history to judge;
* ``summary_improved`` / ``summary_worsened`` (or ``summary_none_improved`` /
  ``summary_none_worsened``) — the tiles whose trend (``tile.trend``) improves or worsens,
  with their big number;
* ``summary_holding_back`` (or ``summary_holding_back_none``) — the first units of the
  Overview's attention list (:func:`metrics.overview.combine_attention`) with their value,
  what they need and their impact on the city's figure.

Numbers are formatted with the project's Babel formatters (:mod:`i18n`). The summary is plain
text: unit names come from the warehouse, so a page that shows it escapes it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from i18n import fmt_date, fmt_month, fmt_percent, fmt_pp, fmt_probability, fmt_value, t
from metrics.clock import month_end
from metrics.meeting import Standing, not_on_track_order
from metrics.overview import SECTION_BEHIND
from metrics.registry import get_indicator
from metrics.status import Status, Trend
from metrics.tiles import Tile, summarize

TOP_UNITS = 3
"""How many units of the attention list the summary names."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: the template it was made from, its text, and the figures in it."""

    template: str
    text: str
    figures: tuple[float, ...]
    """The raw numbers the sentence shows, in the order written (for checking)."""


@dataclass(frozen=True, slots=True)
class WrittenSummary:
    """The summary, sentence by sentence."""

    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """The whole summary as one paragraph."""
        return " ".join(sentence.text for sentence in self.sentences)

    def lead(self, n: int = 2) -> str:
        """The first ``n`` sentences (what a page shows before "read more")."""
        return " ".join(sentence.text for sentence in self.sentences[:n])

    def rest(self, n: int = 2) -> str:
        """The sentences after the first ``n``."""
        return " ".join(sentence.text for sentence in self.sentences[n:])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(code: str, lang: str) -> str:
    """The indicator's short name inside a sentence (``tỷ lệ hồ sơ trực tuyến``)."""
    return t(f"headline_name_{code}", lang)


def _value(value: float | None, code: str, lang: str) -> str:
    indicator = get_indicator(code)
    return fmt_value(value, indicator.unit, lang, indicator.decimals)


def _target(tile: Tile, lang: str) -> str:
    """``≥ 50%``: the target as published (no trailing ``,0``)."""
    in_force = tile.target_in_force
    if in_force is None:
        return "—"
    target = in_force.target
    indicator = get_indicator(tile.indicator_code)
    decimals = 0 if float(target.value).is_integer() else indicator.decimals
    symbol = (target.comparator or ">=").replace(">=", "≥").replace("<=", "≤")
    return f"{symbol} {fmt_value(target.value, indicator.unit, lang, decimals)}"


def period_text(tile: Tile, lang: str) -> str:
    """What the big number covers: ``tháng 10/2026``, ``lũy kế đến 31/10/2026``,
    ``9 tháng năm 2026 (sơ bộ)``, ``năm 2025``."""
    headline = tile.headline
    period = headline.period.date() if headline.period is not None else None
    if period is None:
        return t("summary_period_year", lang, year=tile.year)
    if headline.kind == "month":
        return fmt_month(period, lang)
    if headline.kind == "year_to_date":
        return t("summary_period_ytd", lang, date=fmt_date(month_end(period), lang))
    if headline.kind == "year_so_far":
        text = t("summary_period_year_so_far", lang, months=period.month, year=period.year)
        return text + (", " + t("summary_preliminary", lang) if headline.is_preliminary else "")
    if headline.kind == "judged" and headline.reference_date is not None:
        return t("summary_period_to", lang, date=fmt_date(headline.reference_date, lang))
    return t("summary_period_year", lang, year=period.year)


def _gap(gap: float, lang: str) -> str:
    """A shortfall without its sign: ``14,0 điểm phần trăm``."""
    return fmt_pp(abs(gap), lang).lstrip("+")


def _latest_data_day(tiles: Sequence[Tile]) -> dt.date:
    return max(month_end(tile.as_of_month.date()) for tile in tiles)


def count_sentence(tiles: Sequence[Tile], lang: str) -> Sentence:
    """``Số liệu đến 31/10/2026: 2/4 chỉ tiêu đúng tiến độ.`` (a closed year: met)."""
    summary = summarize(list(tiles))
    if summary.is_closed:
        text = t(
            "summary_count_closed", lang, year=summary.year, n=summary.n_good, total=summary.n_total
        )
    else:
        text = t(
            "summary_count",
            lang,
            date=fmt_date(_latest_data_day(tiles), lang),
            n=summary.n_good,
            total=summary.n_total,
        )
    return Sentence(
        "summary_count_closed" if summary.is_closed else "summary_count",
        text,
        (float(summary.n_good), float(summary.n_total)),
    )


def behind_sentence(tile: Tile, lang: str) -> Sentence:
    """A tile off track or at risk: its projection against the target and its probability."""
    projection = tile.projection
    code = tile.indicator_code
    if projection.central is None or projection.probability is None:
        raise ValueError(f"{code}: a tile without a projection is not assessable, not behind")
    status = t(f"status_{tile.status.value}", lang).lower()
    text = t(
        "summary_behind",
        lang,
        name=_capital(_name(code, lang)),
        status=status,
        date=fmt_date(projection.judgement_date, lang),
        value=_value(projection.central, code, lang),
        low=_value(projection.lower_80, code, lang),
        high=_value(projection.upper_80, code, lang),
        target=_target(tile, lang),
        probability=fmt_probability(projection.probability, lang),
    )
    figures = (
        projection.central,
        projection.lower_80 if projection.lower_80 is not None else math.nan,
        projection.upper_80 if projection.upper_80 is not None else math.nan,
        projection.probability,
    )
    return Sentence("summary_behind", text, tuple(float(f) for f in figures))


def why_sentence(tile: Tile, lang: str) -> Sentence | None:
    """Why a tile is behind: its big number short of the milestone path or of the target;
    None when the big number is not short (the projection alone is the reason)."""
    headline = tile.headline
    code = tile.indicator_code
    if headline.value is None or headline.gap is None or headline.gap >= 0:
        return None
    if headline.reference is None:
        return None
    if headline.reference_kind == "milestone" and headline.reference_date is not None:
        text = t(
            "summary_why_milestone",
            lang,
            date=fmt_date(headline.reference_date, lang),
            value=_value(headline.value, code, lang),
            gap=_gap(headline.gap, lang),
            reference=_value(headline.reference, code, lang),
        )
        template = "summary_why_milestone"
    else:
        text = t(
            "summary_why_target",
            lang,
            period=period_text(tile, lang),
            value=_value(headline.value, code, lang),
            gap=_gap(headline.gap, lang),
            year=headline.reference_year,
        )
        template = "summary_why_target"
    return Sentence(template, text, (headline.value, headline.gap))


def missed_sentence(tile: Tile, lang: str) -> Sentence:
    """A closed year's target missed: the judged value against the target."""
    headline = tile.headline
    code = tile.indicator_code
    text = t(
        "summary_missed",
        lang,
        name=_capital(_name(code, lang)),
        year=tile.year,
        value=_value(headline.value, code, lang),
        period=period_text(tile, lang),
        target=_target(tile, lang),
    )
    value = headline.value if headline.value is not None else math.nan
    return Sentence("summary_missed", text, (float(value),))


def none_behind_sentence(year: int, lang: str) -> Sentence:
    """Nothing off track or at risk."""
    return Sentence("summary_none_behind", t("summary_none_behind", lang, year=year), ())


def not_assessable_sentence(tiles: Sequence[Tile], lang: str) -> Sentence:
    """The tiles without enough history to judge."""
    names = ", ".join(_name(tile.indicator_code, lang) for tile in tiles)
    return Sentence("summary_not_assessable", t("summary_not_assessable", lang, names=names), ())


def _trend_item(tile: Tile, lang: str) -> str:
    return t(
        "summary_trend_item",
        lang,
        name=_name(tile.indicator_code, lang),
        value=_value(tile.headline.value, tile.indicator_code, lang),
        period=period_text(tile, lang),
    )


def trend_sentence(tiles: Sequence[Tile], trend: Trend, lang: str) -> Sentence:
    """The tiles whose trend improves (worsens), each with its big number."""
    word = "improved" if trend is Trend.IMPROVING else "worsened"
    if not tiles:
        return Sentence(f"summary_none_{word}", t(f"summary_none_{word}", lang), ())
    items = "; ".join(_trend_item(tile, lang) for tile in tiles)
    figures = tuple(
        float(tile.headline.value) if tile.headline.value is not None else math.nan
        for tile in tiles
    )
    return Sentence(f"summary_{word}", t(f"summary_{word}", lang, items=items), figures)


def holding_back_sentence(attention: pd.DataFrame, lang: str, top: int = TOP_UNITS) -> Sentence:
    """The first ``top`` units of the attention list that are short of their benchmark:
    value, what they need, impact. Units that have not reported the month (the list's first
    section) and the lowest of each group where every unit is past the target are not
    "holding the city back" and are left to the list itself."""
    if "section" in attention.columns:
        attention = attention[attention["section"] == SECTION_BEHIND]
    if attention.empty:
        return Sentence("summary_holding_back_none", t("summary_holding_back_none", lang), ())
    name_column = "name_vi" if lang == "vi" else "name_en"
    rows = attention.head(top)
    items = "; ".join(
        t(
            "summary_unit_item",
            lang,
            unit=str(row[name_column]),
            indicator=_name(str(row["indicator_code"]), lang),
            value=fmt_percent(float(row["value"]), lang),
            benchmark=fmt_percent(float(row["benchmark"]), lang),
            impact=fmt_pp(float(row["impact_pp"]), lang, 2).lstrip("+"),
        )
        for _, row in rows.iterrows()
    )
    figures = tuple(
        float(number)
        for _, row in rows.iterrows()
        for number in (row["value"], row["benchmark"], row["impact_pp"])
    )
    return Sentence("summary_holding_back", t("summary_holding_back", lang, items=items), figures)


def write_summary(
    tiles: Sequence[Tile], attention: pd.DataFrame, lang: str, *, top_units: int = TOP_UNITS
) -> WrittenSummary:
    """The summary of the Overview's tiles (in the registry's order) and attention list.

    Parameters
    ----------
    tiles
        The tiles shown (``None`` tiles left out), as the Overview builds them.
    attention
        :func:`metrics.overview.combine_attention`'s output (may be empty).
    lang
        ``vi`` or ``en``.
    top_units
        How many units to name.

    Returns
    -------
    WrittenSummary
        Empty when there is no tile.
    """
    tiles = list(tiles)
    if not tiles:
        return WrittenSummary(())
    sentences = [count_sentence(tiles, lang)]
    by_code = {tile.indicator_code: tile for tile in tiles}
    open_tiles = [tile for tile in tiles if tile.projection.method != "complete"]
    closed_tiles = [tile for tile in tiles if tile.projection.method == "complete"]
    order = not_on_track_order(
        [Standing(tile.indicator_code, tile.status, tile.headline.gap) for tile in open_tiles]
    )
    for code in order:
        tile = by_code[code]
        if tile.projection.central is None or tile.projection.probability is None:
            continue
        sentences.append(behind_sentence(tile, lang))
        why = why_sentence(tile, lang)
        if why is not None:
            sentences.append(why)
    missed = [
        tile
        for tile in closed_tiles
        if tile.year_result is not None and tile.year_result.is_met is False
    ]
    sentences += [missed_sentence(tile, lang) for tile in missed]
    if not order and not missed:
        sentences.append(none_behind_sentence(tiles[0].year, lang))
    unassessed = [tile for tile in open_tiles if tile.status is Status.NOT_ASSESSABLE]
    if unassessed:
        sentences.append(not_assessable_sentence(unassessed, lang))
    if open_tiles:  # a closed year has no trend left to tell
        for trend in (Trend.IMPROVING, Trend.WORSENING):
            sentences.append(
                trend_sentence([tile for tile in open_tiles if tile.trend is trend], trend, lang)
            )
    sentences.append(holding_back_sentence(attention, lang, top_units))
    return WrittenSummary(tuple(sentences))
