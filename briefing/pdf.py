"""The briefing as a PDF (fpdf2), made on this server with a bundled font.

Layout (A4 portrait, 18 mm margins): a title block (scope, year, data date, "as of" day, the day
it was made, the demo notice when demo), the written summary (:mod:`metrics.summary`), the four
headline indicators as a table and their charts, the units needing attention, then one section
per chosen page (its indicator's figures, chart, units holding it back, published figures and
sources). Every page carries the title, the data date and, when demo, the demo label in its
header, and its number in the footer.

DejaVu Sans (``briefing/fonts``, with its licence) is embedded: it has every precomposed
Vietnamese letter, so the text keeps its diacritics when printed, copied or searched.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from briefing.charts import export_png, print_figure
from briefing.collect import PAGE_INDICATORS, BriefingData
from data_access.sources import failure_text
from i18n import (
    basis_text,
    fmt_date,
    fmt_number,
    fmt_percent,
    fmt_pp,
    fmt_probability,
    fmt_value,
    t,
)
from i18n.escape import strip_invisible
from metrics import reference
from metrics.clock import month_end
from metrics.overview import combine_attention, published_for_year
from metrics.registry import Grain, Indicator, get_indicator, headline_indicators
from metrics.summary import WrittenSummary, period_text, write_summary
from metrics.tiles import Tile

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
INK = (27, 31, 36)
MUTED = (86, 96, 110)
RULE = (205, 211, 219)
ACCENT = (31, 78, 140)
DEMO_FILL = (255, 243, 224)
HEADER_FILL = (236, 240, 245)
MARGIN_MM = 18.0
INDICATOR_TOP_UNITS = 5
OVERVIEW_CHART_SIZE = (440, 205)
"""CSS pixels of each of the Overview's four charts (two a row on A4)."""
PAGE_CHART_SIZE = (900, 380)
"""CSS pixels of a page's chart (the text column's width)."""

_SLUG = re.compile(r"[^a-z0-9]+")


def scope_text(data: BriefingData, lang: str) -> str:
    """``toàn Thành phố``, or the chosen former provinces and unit types (as the pages say)."""
    return reference.scope_text(data.unit_filter, lang)


def _slug(text: str) -> str:
    """ASCII, lower case, words joined by hyphens (``Bình Dương`` → ``binh-duong``)."""
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return _SLUG.sub("-", ascii_text).strip("-")


def file_name(data: BriefingData, lang: str) -> str:
    """``bao-cao-tom-tat_toan-thanh-pho_2026_2026-10-31.pdf``: the scope, the year and the date
    the figures stand at (the "as of" day when one is chosen, else the day the data run to),
    in the briefing's language, ASCII only."""
    unit_filter = data.unit_filter
    if unit_filter.is_whole_city:
        scope = t("briefing_scope_slug_city", lang)
    else:
        scope = "-".join(
            [
                _slug(reference.former_province_name(code, lang))
                for code in unit_filter.former_provinces
            ]
            + [_slug(t(f"unit_type_{code}", lang)) for code in unit_filter.unit_types]
        )
    stem = t("briefing_file_stem", lang)
    return f"{stem}_{scope}_{data.year}_{data.date_for_name.isoformat()}.pdf"


class _Document(FPDF):
    """A4 with the briefing's running header and numbered footer."""

    def __init__(self, header_left: str, header_right: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._header_left = header_left
        self._header_right = header_right
        self._footer_text = footer_text
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN_MM, MARGIN_MM + 4, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM)
        self.set_text_color(*INK)

    def normalize_text(self, text: str) -> str:
        """Every text the document writes (cells, paragraphs, table cells, header and
        footer) passes here: control, format and bidirectional characters are taken out
        (a unit's name comes from outside; a right-to-left override would turn the rest
        of its line around)."""
        return super().normalize_text(strip_invisible(text))

    def set_title(self, title: str) -> None:
        """The document's title (its metadata), cleaned as its text."""
        super().set_title(strip_invisible(title))

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(9)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self._header_left, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.cell(0, 4, self._header_right, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(MARGIN_MM, 14.5, self.w - MARGIN_MM, 14.5)
        self.set_text_color(*INK)
        self.set_y(MARGIN_MM + 4)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, self._footer_text, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="R")
        self.set_text_color(*INK)

    # --- building blocks ---------------------------------------------------------------

    def heading(self, text: str, size: float = 14, *, keep_with_next_mm: float = 30) -> None:
        """A heading, moved to the next page when too little room is left under it."""
        if self.get_y() + keep_with_next_mm > self.h - MARGIN_MM:
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 10.5, *, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.2)

    def note(self, text: str, size: float = 8.5) -> None:
        self.set_text_color(*MUTED)
        self.paragraph(text, size)
        self.set_text_color(*INK)

    def boxed(self, text: str, fill: tuple[int, int, int]) -> None:
        self.set_fill_color(*fill)
        self.set_font(FONT, "", 9.5)
        self.multi_cell(
            0, 5, text, fill=True, padding=2, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_fill_color(255, 255, 255)
        self.ln(2)

    def grid(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 9,
        header: bool = True,
        align: Sequence[str] | None = None,
        padding: float = 1.2,
    ) -> None:
        self.set_font(FONT, "", size)
        self.set_draw_color(*RULE)
        self.set_fill_color(255, 255, 255)
        with self.table(
            col_widths=tuple(widths),
            first_row_as_headings=header,
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            line_height=size * 0.52,
            padding=padding,
            text_align=tuple(align) if align else "LEFT",
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for row in rows:
                line = table.row()
                for cell in row:
                    line.cell(cell)
        self.ln(2)

    def picture(self, png: bytes, width: float, x: float | None = None) -> None:
        self.image(io.BytesIO(png), x=x, w=width)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _target_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    in_force = tile.target_in_force
    if in_force is None:
        return t("tile_no_target", lang)
    target = in_force.target
    decimals = 0 if float(target.value).is_integer() else indicator.decimals
    symbol = (target.comparator or ">=").replace(">=", "≥").replace("<=", "≤")
    text = f"{symbol} {fmt_value(target.value, indicator.unit, lang, decimals)}"
    if in_force.is_carried_forward:
        text += " " + t("tile_target_carried", lang, year=target.year)
    return text


def _projection_text(tile: Tile, indicator: Indicator, lang: str) -> str:
    projection = tile.projection
    if projection.method == "complete":
        return "—"
    if projection.central is None:
        return t("tile_no_projection", lang)
    return t(
        "tile_projection_value",
        lang,
        value=fmt_value(projection.central, indicator.unit, lang, indicator.decimals),
        low=fmt_value(projection.lower_80, indicator.unit, lang, indicator.decimals),
        high=fmt_value(projection.upper_80, indicator.unit, lang, indicator.decimals),
    )


def _status_text(tile: Tile, lang: str) -> str:
    if tile.projection.method == "complete" and tile.year_result is not None:
        met = tile.year_result.is_met
        if met is not None:
            return t("result_met_short" if met else "result_missed_short", lang)
    return t(f"status_{tile.status.value}", lang)


def _headline_rows(data: BriefingData, lang: str) -> list[list[str]]:
    rows = [
        [
            t("briefing_col_indicator", lang),
            t("briefing_col_result", lang),
            t("briefing_col_target", lang),
            t("briefing_col_gap", lang),
            t("briefing_col_status", lang),
            t("briefing_col_probability", lang),
        ]
    ]
    for indicator in headline_indicators():
        tile = data.tiles[indicator.code]
        report = data.failing.get(indicator.code)
        if tile is None:
            status = (
                t("status_not_assessable", lang) if report is None else failure_text(report, lang)
            )
            rows.append([indicator.short(lang), "—", "—", "—", status, "—"])
            continue
        headline = tile.headline
        value = fmt_value(headline.value, indicator.unit, lang, indicator.decimals)
        rows.append(
            [
                indicator.short(lang),
                f"{value}\n{period_text(tile, lang)}",
                _target_text(tile, indicator, lang),
                fmt_pp(headline.gap, lang) if headline.gap is not None else "—",
                _status_text(tile, lang),
                fmt_probability(tile.projection.probability, lang),
            ]
        )
    return rows


def _attention_rows(frame: pd.DataFrame, lang: str, *, with_indicator: bool) -> list[list[str]]:
    name_column = "name_vi" if lang == "vi" else "name_en"
    heading = [t("briefing_col_unit", lang)]
    if with_indicator:
        heading.append(t("briefing_col_indicator", lang))
    heading += [
        t("briefing_col_value", lang),
        t("briefing_col_benchmark", lang),
        t("briefing_col_impact", lang),
    ]
    rows = [heading]
    for _, row in frame.iterrows():
        line = [str(row[name_column])]
        if with_indicator:
            line.append(_capital(t(f"headline_name_{row['indicator_code']}", lang)))
        line += [
            fmt_percent(float(row["value"]), lang),
            fmt_percent(float(row["benchmark"]), lang),
            fmt_number(float(row["impact_pp"]), lang, 2),
        ]
        rows.append(line)
    return rows


def _published_lines(data: BriefingData, indicator: Indicator, lang: str) -> list[str]:
    if indicator.grain is not Grain.CITY and not data.unit_filter.is_whole_city:
        return []  # the city's published figures are not the filtered scope's
    rows = published_for_year(data.published, indicator, None)
    rows = rows[rows["period_end"].dt.year >= data.year - 1]
    lines = []
    for row in rows.itertuples():
        start, end = row.period_start.date(), row.period_end.date()
        period = (
            fmt_date(end, lang)
            if start == end
            else t("period_range", lang, start=fmt_date(start, lang), end=fmt_date(end, lang))
        )
        kind = t(f"published_kind_{row.kind}", lang) if row.kind in ("actual", "estimate") else ""
        value = fmt_value(float(row.value), indicator.unit, lang, indicator.decimals)
        source = str(row.source_url or "").strip() or t("source_missing", lang)
        lines.append(f"{value} — {period}; {basis_text(str(row.basis), lang)}; {kind} — {source}")
    return lines


def _sources(indicator: Indicator, lang: str) -> str:
    return t(
        "briefing_source_line",
        lang,
        indicator=indicator.short(lang),
        source=f"{indicator.text('source_system', lang)}; {indicator.text('legal_basis', lang)}",
    )


def _fact_rows(tile: Tile, indicator: Indicator, lang: str) -> list[list[str]]:
    headline = tile.headline
    rows = [
        [
            t("briefing_fact_result", lang, period=period_text(tile, lang)),
            fmt_value(headline.value, indicator.unit, lang, indicator.decimals),
        ],
        [t("briefing_fact_target", lang, year=tile.year), _target_text(tile, indicator, lang)],
        [
            t("briefing_fact_gap", lang),
            fmt_pp(headline.gap, lang) if headline.gap is not None else "—",
        ],
        [t("briefing_fact_status", lang), _status_text(tile, lang)],
    ]
    if tile.projection.method != "complete":
        rows += [
            [
                t(
                    "briefing_fact_projection",
                    lang,
                    date=fmt_date(tile.projection.judgement_date, lang),
                ),
                _projection_text(tile, indicator, lang),
            ],
            [
                t("briefing_fact_probability", lang),
                fmt_probability(tile.projection.probability, lang),
            ],
            [t("briefing_fact_trend", lang), t(f"trend_{tile.trend.value}", lang)],
        ]
    return rows


def render_pdf(
    data: BriefingData,
    pages: Sequence[str],
    lang: str,
    *,
    made_on: dt.date,
    summary: WrittenSummary | None = None,
) -> bytes:
    """The briefing of ``data`` with the Overview and ``pages`` (codes of
    :data:`briefing.collect.PAGES`), in ``lang``.

    Raises
    ------
    briefing.charts.ChartExportError
        When the charts cannot be drawn (the PDF is not made without them).
    ValueError
        An unknown page code.
    """
    unknown = [page for page in pages if page not in PAGE_INDICATORS]
    if unknown:
        raise ValueError(f"unknown page(s): {', '.join(unknown)}")
    summary = summary if summary is not None else write_summary(data.shown, data.attention, lang)
    scope = scope_text(data, lang)
    data_to = data.data_to
    # The charts first: a failed export makes no half a document.
    figures = []
    overview_codes = [code for code, tile in data.tiles.items() if tile is not None]
    for code in overview_codes:
        indicator = get_indicator(code)
        tile = data.tiles[code]
        assert tile is not None
        figures.append(
            print_figure(
                data.series[code],
                indicator,
                tile,
                lang,
                _published_frame(data, indicator),
                title=indicator.short(lang),
                width=OVERVIEW_CHART_SIZE[0],
                height=OVERVIEW_CHART_SIZE[1],
                axis_title=False,
            )
        )
    page_codes = [
        PAGE_INDICATORS[page] for page in pages if data.tiles[PAGE_INDICATORS[page]] is not None
    ]
    for code in page_codes:
        indicator = get_indicator(code)
        tile = data.tiles[code]
        assert tile is not None
        figures.append(
            print_figure(
                data.series[code],
                indicator,
                tile,
                lang,
                _published_frame(data, indicator),
                title=t(
                    "trend_title",
                    lang,
                    indicator=indicator.short(lang),
                    scope=scope,
                    year=data.year,
                ),
                width=PAGE_CHART_SIZE[0],
                height=PAGE_CHART_SIZE[1],
            )
        )
    pictures = export_png(figures)
    overview_pictures = dict(zip(overview_codes, pictures[: len(overview_codes)], strict=True))
    page_pictures = dict(zip(page_codes, pictures[len(overview_codes) :], strict=True))

    title = t("briefing_title", lang)
    date_line = t("briefing_data_to", lang, date=fmt_date(data_to, lang)) if data_to else ""
    footer = t("briefing_made", lang, date=fmt_date(made_on, lang))
    if data.is_demo:
        footer += " · " + t("briefing_demo_short", lang)
    pdf = _Document(
        t("briefing_header", lang, title=title, scope=scope, year=data.year), date_line, footer
    )
    pdf.set_title(f"{title} — {scope} — {data.year}")
    pdf.set_author(t("app_title", lang))
    pdf.set_lang(lang)
    pdf.set_creation_date(dt.datetime.combine(made_on, dt.time(0, 0), tzinfo=dt.UTC))
    pdf.add_page()

    # --- title block --------------------------------------------------------------------
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 12, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.paragraph(t("briefing_subtitle", lang), 11)
    pdf.paragraph(t("briefing_scope_filters", lang, year=data.year, scope=scope), 10.5, bold=True)
    lines = [date_line] if date_line else []
    if data.as_of_day is not None:
        lines.append(t("briefing_as_of", lang, date=fmt_date(data.as_of_day, lang)))
    lines.append(t("briefing_made", lang, date=fmt_date(made_on, lang)))
    pdf.note(" · ".join(lines), 9.5)
    if data.is_demo:
        pdf.boxed(t("briefing_demo", lang), DEMO_FILL)
    pdf.set_draw_color(*RULE)
    pdf.line(MARGIN_MM, pdf.get_y(), pdf.w - MARGIN_MM, pdf.get_y())

    # --- summary ------------------------------------------------------------------------
    pdf.heading(t("summary_label", lang))
    if not summary.sentences:
        pdf.paragraph(t("briefing_no_data", lang, year=data.year))
    for sentence in summary.sentences:
        pdf.paragraph(sentence.text, 10.5)

    # --- the four headlines -------------------------------------------------------------
    pdf.heading(t("briefing_headlines", lang))
    pdf.grid(_headline_rows(data, lang), (44, 32, 30, 26, 24, 18), size=8.5)
    if overview_codes:
        pdf.add_page()
        pdf.heading(t("briefing_charts", lang))
    width = (pdf.w - 2 * MARGIN_MM - 6) / 2
    height = width * OVERVIEW_CHART_SIZE[1] / OVERVIEW_CHART_SIZE[0]
    for index, code in enumerate(overview_codes):
        column = index % 2
        if column == 0:
            if pdf.get_y() + height > pdf.h - MARGIN_MM:
                pdf.add_page()
            top = pdf.get_y()
        x = MARGIN_MM + column * (width + 6)
        pdf.image(io.BytesIO(overview_pictures[code]), x=x, y=top, w=width)
        if column == 1 or index == len(overview_codes) - 1:
            pdf.set_y(top + height + 2)
    pdf.note(t("briefing_chart_caption", lang, year=data.year))

    # --- attention ----------------------------------------------------------------------
    pdf.heading(t("briefing_attention", lang))
    if data.attention.empty:
        pdf.paragraph(t("briefing_attention_none", lang))
    else:
        pdf.grid(
            _attention_rows(data.attention, lang, with_indicator=True),
            (94, 22, 18, 18, 22),
            size=8,
            padding=0.9,
        )

    # --- sources ------------------------------------------------------------------------
    pdf.heading(t("briefing_sources", lang), 12)
    for indicator in headline_indicators():
        pdf.note(_sources(indicator, lang), 7.5)

    # --- the chosen pages ---------------------------------------------------------------
    for page in pages:
        code = PAGE_INDICATORS[page]
        indicator = get_indicator(code)
        tile = data.tiles[code]
        pdf.add_page()
        pdf.heading(t(f"page_{page}", lang), 18)
        pdf.note(t("briefing_scope_filters", lang, year=data.year, scope=scope))
        if tile is None:
            report = data.failing.get(code)
            pdf.paragraph(
                t("briefing_no_tile", lang, year=data.year)
                if report is None
                else failure_text(report, lang)
            )
            continue
        pdf.note(
            t("briefing_data_to", lang, date=fmt_date(month_end(tile.as_of_month.date()), lang))
        )
        pdf.grid(_fact_rows(tile, indicator, lang), (90, 84), size=9.5, header=False)
        pdf.picture(page_pictures[code], pdf.w - 2 * MARGIN_MM)
        pdf.note(t("briefing_chart_caption", lang, year=data.year))
        ranking = data.rankings.get(code)
        if ranking is not None:
            first = combine_attention({code: ranking}, INDICATOR_TOP_UNITS)
            pdf.heading(t("briefing_attention_indicator", lang), 12)
            if first.empty:
                pdf.paragraph(t("briefing_attention_none", lang))
            else:
                pdf.grid(
                    _attention_rows(first, lang, with_indicator=False), (96, 26, 26, 26), size=9
                )
        published = _published_lines(data, indicator, lang)
        if published:
            pdf.heading(t("briefing_published", lang), 12)
            for line in published:
                pdf.note(line, 8.5)
        pdf.heading(t("briefing_sources", lang), 12)
        pdf.note(f"{t('briefing_fact_definition', lang)}: {indicator.text('definition', lang)}")
        pdf.note(f"{t('briefing_fact_formula', lang)}: {indicator.text('formula', lang)}")
        pdf.note(_sources(indicator, lang))
    return bytes(pdf.output())


def _published_frame(data: BriefingData, indicator: Indicator) -> pd.DataFrame:
    """The published figures drawn on the chart: the city's own, only when the scope is."""
    if indicator.grain is Grain.CITY or data.unit_filter.is_whole_city:
        return published_for_year(data.published, indicator, None)
    return data.published.iloc[0:0]
