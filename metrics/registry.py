"""The indicator registry: every indicator the dashboard shows, defined once.

Labels, units, formats, directions, roll-up rules, freshness promises, status rules and
targets all come from here. Pages, queries, the demo generator and the tests read this
module; nothing else defines an indicator.

Targets are copied from the published reference file
(``reference_data/hcmc_published_indicators.csv``, rows with ``kind == "target"``); a
contract test checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

Direction = Literal["higher", "lower"]
Comparator = Literal[">=", "<="]


class Frequency(StrEnum):
    """How often an indicator is observed."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    WEEKLY = "weekly"


class TimeRollup(StrEnum):
    """How months combine into a year.

    ``FLOW``: numerators and denominators are monthly flows; a period's value is the
    ratio of their sums over the months (dossiers, satisfaction ratings).
    ``CUMULATIVE``: the numerator is already a year-to-date total and the denominator
    the plan in force; a period's value is its last month's (disbursement).
    """

    FLOW = "flow"
    CUMULATIVE = "cumulative"


class Grain(StrEnum):
    """The units an indicator is observed for."""

    COMMUNE_AND_DEPARTMENT = "commune_and_department"
    INVESTOR = "investor"
    CITY = "city"


@dataclass(frozen=True, slots=True)
class Target:
    """One published target of an indicator.

    ``due_date`` is the day by which ``value`` must be reached; for the quarterly
    disbursement milestones it is the quarter's last day. ``is_year_end`` marks the
    target a year's result is judged against.
    """

    year: int
    value: float
    comparator: Comparator
    due_date: dt.date
    source_vi: str
    source_en: str
    source_url: str
    is_year_end: bool = True
    label_vi: str = ""
    label_en: str = ""
    batch_id: int | None = None
    """The load batch that entered the target by decision (``python -m ingest``, the Data
    page); None for a target published in this registry."""


@dataclass(frozen=True, slots=True)
class StatusRule:
    """The at-risk rule, from the probability of reaching the year-end target.

    on track   : probability >= ``on_track_min_probability``
    off track  : probability <  ``off_track_below_probability``
    at risk    : in between
    not yet assessable: fewer than ``min_points`` observations this series, or no target.

    Boundaries are inclusive on the on-track side: exactly 0.75 is on track, exactly
    0.25 is at risk.
    """

    on_track_min_probability: float = 0.75
    off_track_below_probability: float = 0.25
    min_points: int = 6
    stable_band: float = 0.5
    """Trend: a change in the last three months' mean against the three before of
    less than this (in the indicator's unit) is stable."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """Everything the dashboard knows about one indicator."""

    code: str
    name_vi: str
    name_en: str
    short_vi: str
    short_en: str
    definition_vi: str
    definition_en: str
    formula_vi: str
    formula_en: str
    unit: str
    """Key into the i18n unit labels: ``percent``, ``count``, ``billion_vnd``, ``rank``,
    ``points``, ``services``."""
    direction: Direction
    frequency: Frequency
    grain: Grain
    time_rollup: TimeRollup | None
    is_rate: bool
    numerator_vi: str
    numerator_en: str
    denominator_vi: str
    denominator_en: str
    basis_vi: str
    basis_en: str
    source_system_vi: str
    source_system_en: str
    owner_vi: str
    owner_en: str
    legal_basis_vi: str
    legal_basis_en: str
    freshness_vi: str
    freshness_en: str
    freshness_due_day: int
    """Data for a period are due by this day of the following month (or following
    quarter's first month, or following year's March for annual indicators)."""
    is_headline: bool = False
    decimals: int = 1
    targets: tuple[Target, ...] = ()
    status_rule: StatusRule = field(default_factory=StatusRule)
    published_code: str | None = None
    """Indicator code in the published reference file, when it differs."""
    published_basis_prefix: str | None = None
    """Only published rows whose basis starts with this belong to the series."""
    max_value: float | None = None
    """The top of the indicator's scale, when it has one (a Decision 766 group's points)."""
    note_vi: str = ""
    note_en: str = ""
    """What a reader must know beside the definition (e.g. how a published group is joined)."""

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def short(self, lang: str) -> str:
        return self.short_vi if lang == "vi" else self.short_en

    def text(self, attribute: str, lang: str) -> str:
        """The ``<attribute>_vi`` or ``<attribute>_en`` text."""
        return str(getattr(self, f"{attribute}_{'vi' if lang == 'vi' else 'en'}"))

    def year_end_target(self, year: int) -> TargetInForce | None:
        """The year-end target that applies to ``year``.

        A year after the last published target keeps the latest earlier one
        (``is_carried_forward``); a year before the first has none.
        """
        year_end = sorted((t for t in self.targets if t.is_year_end), key=lambda t: t.year)
        for target in year_end:
            if target.year == year:
                return TargetInForce(target, is_carried_forward=False)
        earlier = [t for t in year_end if t.year < year]
        if earlier:
            return TargetInForce(earlier[-1], is_carried_forward=True)
        return None

    def milestones(self, year: int) -> tuple[Target, ...]:
        """Intermediate milestones of ``year`` (and its year-end target), by due date.

        A year without its own milestones keeps the latest year's, moved to this year.
        """
        own = [t for t in self.targets if t.year == year]
        if not own:
            years = [t.year for t in self.targets if t.year < year]
            if not years:
                return ()
            last = max(years)
            own = [
                Target(
                    year=year,
                    value=t.value,
                    comparator=t.comparator,
                    due_date=t.due_date.replace(year=year),
                    source_vi=t.source_vi,
                    source_en=t.source_en,
                    source_url=t.source_url,
                    is_year_end=t.is_year_end,
                    label_vi=t.label_vi,
                    label_en=t.label_en,
                    batch_id=t.batch_id,
                )
                for t in self.targets
                if t.year == last
            ]
        return tuple(sorted(own, key=lambda t: t.due_date))


@dataclass(frozen=True, slots=True)
class TargetInForce:
    """A target applied to a year, and whether it was carried forward from an earlier one."""

    target: Target
    is_carried_forward: bool


_PROGRAMME_VI = "Chương trình chuyển đổi số TP.HCM (Quyết định 2393/QĐ-UBND năm 2020)"
_PROGRAMME_EN = "HCMC digital-transformation programme (Decision 2393/QD-UBND, 2020)"
_PROGRAMME_URL = (
    "https://m.saigondautu.com.vn/kinh-te/"
    "den-nam-2030-tphcm-phan-dau-tro-thanh-do-thi-thong-minh-82027.html"
)
_DE_URL = "https://vneconomy.vn/quy-mo-kinh-te-so-tp-hcm-nam-2021-dat-gan-8-3-ty-usd.htm"
_MILESTONE_VI = "Mốc giải ngân theo quý năm 2025 của UBND TP.HCM"
_MILESTONE_EN = "HCMC quarterly disbursement milestones for 2025"
_MILESTONE_URL = (
    "https://news.laodong.vn/xa-hoi/tphcm-siet-ky-luat-giai-ngan-dat-muc-tieu-but-pha-1487730.ldo"
)
_DOSSIER_SYSTEM_VI = "Hệ thống thông tin giải quyết thủ tục hành chính TP.HCM"
_DOSSIER_SYSTEM_EN = "HCMC administrative-procedure information system"
_DOSSIER_OWNER_VI = "Văn phòng UBND Thành phố"
_DOSSIER_OWNER_EN = "Office of the City People's Committee"
_MONTHLY_VI = "Hằng tháng, trước ngày 5 tháng sau"
_MONTHLY_EN = "Monthly, by the 5th of the following month"


def _year_target(year: int, value: float, source_vi: str, source_en: str, url: str) -> Target:
    return Target(
        year=year,
        value=value,
        comparator=">=",
        due_date=dt.date(year, 12, 31),
        source_vi=source_vi,
        source_en=source_en,
        source_url=url,
    )


def _milestone(month: int, day: int, value: float, label_vi: str, label_en: str) -> Target:
    return Target(
        year=2025,
        value=value,
        comparator=">=",
        due_date=dt.date(2025, month, day),
        source_vi=_MILESTONE_VI,
        source_en=_MILESTONE_EN,
        source_url=_MILESTONE_URL,
        is_year_end=month == 12,
        label_vi=label_vi,
        label_en=label_en,
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="online_dossier_share",
        name_vi="Tỷ lệ hồ sơ giải quyết theo dịch vụ công trực tuyến (trên tổng số hồ sơ)",
        name_en="Online dossier share",
        short_vi="Tỷ lệ hồ sơ trực tuyến",
        short_en="Online dossier share",
        definition_vi=(
            "Số hồ sơ thủ tục hành chính tiếp nhận qua dịch vụ công trực tuyến (toàn trình "
            "hoặc một phần) chia cho tổng số hồ sơ tiếp nhận trong kỳ."
        ),
        definition_en=(
            "Administrative-procedure dossiers received through online public services "
            "(full-process or partial) divided by all dossiers received in the period."
        ),
        formula_vi="Σ hồ sơ trực tuyến ÷ Σ hồ sơ tiếp nhận × 100 (tỷ lệ của tổng, không lấy bình quân các tỷ lệ)",
        formula_en="Σ online dossiers ÷ Σ dossiers received × 100 (ratio of sums, never a mean of ratios)",
        unit="percent",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.COMMUNE_AND_DEPARTMENT,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Hồ sơ tiếp nhận trực tuyến",
        numerator_en="Dossiers received online",
        denominator_vi="Hồ sơ tiếp nhận",
        denominator_en="Dossiers received",
        basis_vi="Hồ sơ tiếp nhận trong tháng, theo đơn vị tiếp nhận",
        basis_en="Dossiers received in the month, by receiving unit",
        source_system_vi=_DOSSIER_SYSTEM_VI,
        source_system_en=_DOSSIER_SYSTEM_EN,
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi=_PROGRAMME_VI,
        legal_basis_en=_PROGRAMME_EN,
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
        is_headline=True,
        targets=(_year_target(2025, 50.0, _PROGRAMME_VI, _PROGRAMME_EN, _PROGRAMME_URL),),
    ),
    Indicator(
        code="satisfaction_rate",
        name_vi="Mức độ hài lòng của người dân, doanh nghiệp",
        name_en="Citizen and business satisfaction",
        short_vi="Mức độ hài lòng của người dân, doanh nghiệp",
        short_en="Citizen and business satisfaction",
        definition_vi=(
            "Số hồ sơ được người dân, doanh nghiệp đánh giá hài lòng chia cho số hồ sơ "
            "được đánh giá trong kỳ."
        ),
        definition_en=(
            "Dossiers rated satisfied by citizens and businesses divided by dossiers "
            "rated in the period."
        ),
        formula_vi="Σ hồ sơ đánh giá hài lòng ÷ Σ hồ sơ được đánh giá × 100",
        formula_en="Σ dossiers rated satisfied ÷ Σ dossiers rated × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.COMMUNE_AND_DEPARTMENT,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Hồ sơ đánh giá hài lòng",
        numerator_en="Dossiers rated satisfied",
        denominator_vi="Hồ sơ được đánh giá",
        denominator_en="Dossiers rated",
        basis_vi="Đánh giá của người dân, doanh nghiệp trên Cổng dịch vụ công (Quyết định 766/QĐ-TTg)",
        basis_en="Ratings by citizens and businesses on the public-service portal (Decision 766)",
        source_system_vi=_DOSSIER_SYSTEM_VI,
        source_system_en=_DOSSIER_SYSTEM_EN,
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi=_PROGRAMME_VI,
        legal_basis_en=_PROGRAMME_EN,
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
        is_headline=True,
        targets=(_year_target(2025, 90.0, _PROGRAMME_VI, _PROGRAMME_EN, _PROGRAMME_URL),),
        status_rule=StatusRule(stable_band=0.3),
    ),
    Indicator(
        code="public_investment_disbursement",
        name_vi="Tỷ lệ giải ngân kế hoạch vốn đầu tư công",
        name_en="Public investment disbursement rate",
        short_vi="Tỷ lệ giải ngân kế hoạch vốn đầu tư công",
        short_en="Public investment disbursement rate",
        definition_vi=(
            "Vốn đầu tư công đã giải ngân từ ngày 1 tháng 1 chia cho kế hoạch vốn năm đang "
            "có hiệu lực. Năm kế hoạch kéo dài đến 31 tháng 1 năm sau (tháng gia hạn); kế "
            "hoạch vốn có thể được điều chỉnh trong năm và mỗi lần điều chỉnh đều được ghi lại."
        ),
        definition_en=(
            "Public-investment capital disbursed since 1 January divided by the capital "
            "plan in force for the year. A plan year runs to 31 January of the next year "
            "(the extension month); the plan can change during the year and each change "
            "is recorded."
        ),
        formula_vi="Σ vốn đã giải ngân lũy kế từ đầu năm ÷ Σ kế hoạch vốn năm × 100",
        formula_en="Σ capital disbursed year to date ÷ Σ annual capital plan × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.INVESTOR,
        time_rollup=TimeRollup.CUMULATIVE,
        is_rate=True,
        numerator_vi="Đã giải ngân (lũy kế từ đầu năm, tỷ đồng)",
        numerator_en="Disbursed (year to date, billion VND)",
        denominator_vi="Kế hoạch vốn năm (tỷ đồng)",
        denominator_en="Annual capital plan (billion VND)",
        basis_vi="Kế hoạch vốn năm HĐND Thành phố giao, theo chủ đầu tư",
        basis_en="Annual capital plan assigned by the City People's Council, by project owner",
        source_system_vi="Hệ thống quản lý đầu tư công – Sở Tài chính",
        source_system_en="Public-investment management system – Department of Finance",
        owner_vi="Sở Tài chính",
        owner_en="Department of Finance",
        legal_basis_vi="Luật Đầu tư công 2024; " + _MILESTONE_VI,
        legal_basis_en="Law on Public Investment 2024; " + _MILESTONE_EN,
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
        is_headline=True,
        targets=(
            _milestone(3, 31, 7.5, "Quý I", "Q1"),
            _milestone(6, 30, 25.0, "Quý II", "Q2"),
            _milestone(9, 30, 50.0, "Quý III", "Q3"),
            _milestone(12, 31, 95.0, "Cả năm", "Full year"),
        ),
        status_rule=StatusRule(stable_band=1.0),
    ),
    Indicator(
        code="digital_economy_share_grdp",
        name_vi="Tỷ trọng kinh tế số trong GRDP",
        name_en="Digital economy share of GRDP",
        short_vi="Tỷ trọng kinh tế số trong GRDP",
        short_en="Digital economy share of GRDP",
        definition_vi=(
            "Giá trị tăng thêm của kinh tế số chia cho tổng sản phẩm trên địa bàn (GRDP), "
            "theo phương pháp của Bộ TT&TT (nay là Bộ KH&CN) — phương pháp Thành phố dùng "
            "để báo cáo tiến độ. Không ghép với số liệu theo phương pháp của Cục Thống kê."
        ),
        definition_en=(
            "Value added of the digital economy divided by gross regional domestic product "
            "(GRDP), on the ICT ministry method (now the Ministry of Science and "
            "Technology) — the basis the city reports progress on. Never joined with the "
            "statistics office method's series."
        ),
        formula_vi="Σ giá trị tăng thêm kinh tế số ÷ Σ GRDP (giá hiện hành) × 100",
        formula_en="Σ digital-economy value added ÷ Σ GRDP (current prices) × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.ANNUAL,
        grain=Grain.CITY,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Giá trị tăng thêm kinh tế số (tỷ đồng)",
        numerator_en="Digital-economy value added (billion VND)",
        denominator_vi="GRDP, giá hiện hành (tỷ đồng)",
        denominator_en="GRDP, current prices (billion VND)",
        basis_vi="Phương pháp của Bộ TT&TT (nay là Bộ KH&CN)",
        basis_en="ICT ministry method (now the Ministry of Science and Technology)",
        source_system_vi="Sở Khoa học và Công nghệ; Thống kê TP.HCM",
        source_system_en="Department of Science and Technology; HCMC statistics office",
        owner_vi="Sở Khoa học và Công nghệ",
        owner_en="Department of Science and Technology",
        legal_basis_vi=_PROGRAMME_VI + "; Kế hoạch 127/KH-UBND",
        legal_basis_en=_PROGRAMME_EN + "; Plan 127/KH-UBND",
        freshness_vi="Ước tính hằng quý, trước ngày 20 tháng đầu quý sau",
        freshness_en="Quarterly estimate, by the 20th of the next quarter's first month",
        freshness_due_day=20,
        is_headline=True,
        decimals=1,
        targets=(
            _year_target(2022, 15.0, _PROGRAMME_VI, _PROGRAMME_EN, _DE_URL),
            _year_target(2025, 25.0, _PROGRAMME_VI, _PROGRAMME_EN, _DE_URL),
            _year_target(
                2026,
                30.0,
                "Kế hoạch 127/KH-UBND",
                "Plan 127/KH-UBND",
                "https://www.vietnam.vn/en/bien-du-lieu-thanh-nguon-luc",
            ),
            _year_target(2030, 40.0, _PROGRAMME_VI, _PROGRAMME_EN, _DE_URL),
        ),
        status_rule=StatusRule(min_points=4, stable_band=0.5),
        published_basis_prefix="ICT ministry method",
    ),
    Indicator(
        code="digital_economy_share_grdp_statistics",
        name_vi="Tỷ trọng kinh tế số trong GRDP (phương pháp của Cục Thống kê)",
        name_en="Digital economy share of GRDP (statistics office method)",
        short_vi="Kinh tế số / GRDP (Cục Thống kê)",
        short_en="Digital economy / GRDP (statistics office)",
        definition_vi=(
            "Như trên, theo phương pháp của Cục Thống kê (nay thuộc Bộ Tài chính). Là một "
            "chuỗi riêng, không ghép với phương pháp của Bộ TT&TT."
        ),
        definition_en=(
            "As above, on the statistics office method (now part of the Ministry of "
            "Finance). A separate series, never joined with the ICT ministry method."
        ),
        formula_vi="Σ giá trị tăng thêm kinh tế số ÷ Σ GRDP (giá hiện hành) × 100",
        formula_en="Σ digital-economy value added ÷ Σ GRDP (current prices) × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.ANNUAL,
        grain=Grain.CITY,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Giá trị tăng thêm kinh tế số (tỷ đồng)",
        numerator_en="Digital-economy value added (billion VND)",
        denominator_vi="GRDP, giá hiện hành (tỷ đồng)",
        denominator_en="GRDP, current prices (billion VND)",
        basis_vi="Phương pháp của Cục Thống kê (Bộ Tài chính)",
        basis_en="Statistics office method",
        source_system_vi="Thống kê TP.HCM",
        source_system_en="HCMC statistics office",
        owner_vi="Thống kê TP.HCM",
        owner_en="HCMC statistics office",
        legal_basis_vi="Phương pháp thống kê kinh tế số của Cục Thống kê",
        legal_basis_en="Statistics office method for the digital economy",
        freshness_vi="Hằng năm, trước tháng 3 năm sau",
        freshness_en="Annual, by March of the following year",
        freshness_due_day=31,
        published_code="digital_economy_share_grdp",
        published_basis_prefix="statistics office method",
    ),
    Indicator(
        code="dossiers_received",
        name_vi="Số hồ sơ tiếp nhận",
        name_en="Dossiers received",
        short_vi="Hồ sơ tiếp nhận",
        short_en="Dossiers received",
        definition_vi="Tổng số hồ sơ thủ tục hành chính tiếp nhận trong kỳ (trực tuyến và trực tiếp).",
        definition_en="All administrative-procedure dossiers received in the period (online and in person).",
        formula_vi="Σ hồ sơ tiếp nhận",
        formula_en="Σ dossiers received",
        unit="count",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.COMMUNE_AND_DEPARTMENT,
        time_rollup=TimeRollup.FLOW,
        is_rate=False,
        numerator_vi="Hồ sơ tiếp nhận",
        numerator_en="Dossiers received",
        denominator_vi="",
        denominator_en="",
        basis_vi="Hồ sơ tiếp nhận trong tháng, theo đơn vị tiếp nhận",
        basis_en="Dossiers received in the month, by receiving unit",
        source_system_vi=_DOSSIER_SYSTEM_VI,
        source_system_en=_DOSSIER_SYSTEM_EN,
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi="Nghị định 61/2018/NĐ-CP về cơ chế một cửa",
        legal_basis_en="Decree 61/2018 on the one-stop-shop mechanism",
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
        decimals=0,
    ),
    Indicator(
        code="on_time_rate",
        name_vi="Tỷ lệ hồ sơ giải quyết đúng hạn",
        name_en="Dossiers resolved on time",
        short_vi="Giải quyết đúng hạn",
        short_en="Resolved on time",
        definition_vi="Số hồ sơ giải quyết đúng hạn chia cho số hồ sơ đã giải quyết trong kỳ.",
        definition_en="Dossiers resolved on time divided by dossiers resolved in the period.",
        formula_vi="Σ hồ sơ giải quyết đúng hạn ÷ Σ hồ sơ đã giải quyết × 100",
        formula_en="Σ dossiers resolved on time ÷ Σ dossiers resolved × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.COMMUNE_AND_DEPARTMENT,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Hồ sơ giải quyết đúng hạn",
        numerator_en="Dossiers resolved on time",
        denominator_vi="Hồ sơ đã giải quyết",
        denominator_en="Dossiers resolved",
        basis_vi="Hồ sơ đã giải quyết trong tháng",
        basis_en="Dossiers resolved in the month",
        source_system_vi=_DOSSIER_SYSTEM_VI,
        source_system_en=_DOSSIER_SYSTEM_EN,
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi="Quyết định 766/QĐ-TTg (nhóm Tiến độ giải quyết)",
        legal_basis_en="Decision 766 (timeliness group)",
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
    ),
    Indicator(
        code="e_result_rate",
        name_vi="Tỷ lệ hồ sơ trả kết quả điện tử",
        name_en="Electronic results issued",
        short_vi="Trả kết quả điện tử",
        short_en="Electronic results",
        definition_vi="Số hồ sơ trả kết quả điện tử chia cho số hồ sơ đã giải quyết trong kỳ.",
        definition_en="Dossiers whose result was issued electronically divided by dossiers resolved.",
        formula_vi="Σ hồ sơ trả kết quả điện tử ÷ Σ hồ sơ đã giải quyết × 100",
        formula_en="Σ electronic results issued ÷ Σ dossiers resolved × 100",
        unit="percent",
        direction="higher",
        frequency=Frequency.MONTHLY,
        grain=Grain.COMMUNE_AND_DEPARTMENT,
        time_rollup=TimeRollup.FLOW,
        is_rate=True,
        numerator_vi="Hồ sơ trả kết quả điện tử",
        numerator_en="Electronic results issued",
        denominator_vi="Hồ sơ đã giải quyết",
        denominator_en="Dossiers resolved",
        basis_vi="Hồ sơ đã giải quyết trong tháng",
        basis_en="Dossiers resolved in the month",
        source_system_vi=_DOSSIER_SYSTEM_VI,
        source_system_en=_DOSSIER_SYSTEM_EN,
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi="Nghị định 45/2020/NĐ-CP về thủ tục hành chính trên môi trường điện tử",
        legal_basis_en="Decree 45/2020 on administrative procedures in the electronic environment",
        freshness_vi=_MONTHLY_VI,
        freshness_en=_MONTHLY_EN,
        freshness_due_day=5,
    ),
    Indicator(
        code="grdp_current_prices",
        name_vi="Tổng sản phẩm trên địa bàn (GRDP), giá hiện hành",
        name_en="Gross regional domestic product (GRDP), current prices",
        short_vi="GRDP",
        short_en="GRDP",
        definition_vi="Tổng giá trị tăng thêm của các ngành kinh tế trên địa bàn, giá hiện hành.",
        definition_en="Total value added of all sectors on the territory, at current prices.",
        formula_vi="Σ giá trị tăng thêm theo ngành + thuế sản phẩm trừ trợ cấp",
        formula_en="Σ value added by sector + product taxes less subsidies",
        unit="billion_vnd",
        direction="higher",
        frequency=Frequency.ANNUAL,
        grain=Grain.CITY,
        time_rollup=TimeRollup.FLOW,
        is_rate=False,
        numerator_vi="GRDP (tỷ đồng)",
        numerator_en="GRDP (billion VND)",
        denominator_vi="",
        denominator_en="",
        basis_vi="Thống kê TP.HCM",
        basis_en="HCMC statistics office",
        source_system_vi="Thống kê TP.HCM",
        source_system_en="HCMC statistics office",
        owner_vi="Thống kê TP.HCM",
        owner_en="HCMC statistics office",
        legal_basis_vi="Luật Thống kê",
        legal_basis_en="Law on Statistics",
        freshness_vi="Ước tính hằng quý, chính thức hằng năm",
        freshness_en="Quarterly estimate, annual official figure",
        freshness_due_day=20,
        decimals=0,
    ),
)

_INDEX_766_VI = "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"
_INDEX_766_EN = "Service index for citizens and businesses (Decision 766)"
_INDEX_766_SYSTEM_VI = "Cổng Dịch vụ công quốc gia – Bộ chỉ số 766"
_INDEX_766_SYSTEM_EN = "National Public Service Portal – Decision 766 index"
_INDEX_766_OWNER_VI = "Văn phòng Chính phủ (chấm điểm); Văn phòng UBND Thành phố (theo dõi)"
_INDEX_766_OWNER_EN = (
    "Government Office (scoring); Office of the City People's Committee (follow-up)"
)
_WEEKLY_VI = "Hằng tuần, theo công bố trên Cổng Dịch vụ công quốc gia"
_WEEKLY_EN = "Weekly, as published on the National Public Service Portal"


def _index_766(
    code: str,
    name_vi: str,
    name_en: str,
    points: float,
    definition_vi: str,
    definition_en: str,
    note_vi: str = "",
    note_en: str = "",
) -> Indicator:
    """A group (or the total) of the Decision 766 service index: points out of ``points``."""
    return Indicator(
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        short_vi=name_vi,
        short_en=name_en,
        definition_vi=definition_vi,
        definition_en=definition_en,
        formula_vi=f"Điểm do Cổng Dịch vụ công quốc gia chấm, tối đa {points:g} điểm",
        formula_en=f"Points scored by the National Public Service Portal, out of {points:g}",
        unit="points",
        direction="higher",
        frequency=Frequency.WEEKLY,
        grain=Grain.CITY,
        time_rollup=None,
        is_rate=False,
        numerator_vi="Điểm",
        numerator_en="Points",
        denominator_vi="",
        denominator_en="",
        basis_vi=_INDEX_766_VI,
        basis_en=_INDEX_766_EN,
        source_system_vi=_INDEX_766_SYSTEM_VI,
        source_system_en=_INDEX_766_SYSTEM_EN,
        owner_vi=_INDEX_766_OWNER_VI,
        owner_en=_INDEX_766_OWNER_EN,
        legal_basis_vi="Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ",
        legal_basis_en="Prime Minister's Decision 766/QD-TTg of 23 June 2022",
        freshness_vi=_WEEKLY_VI,
        freshness_en=_WEEKLY_EN,
        freshness_due_day=7,
        decimals=2,
        max_value=points,
        note_vi=note_vi,
        note_en=note_en,
    )


def _services_count(code: str, name_vi: str, name_en: str, what_vi: str, what_en: str) -> Indicator:
    """A count of online public services the city offers (as published)."""
    return Indicator(
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        short_vi=name_vi,
        short_en=name_en,
        definition_vi=f"Số {what_vi} Thành phố cung cấp trên Cổng Dịch vụ công tại ngày công bố.",
        definition_en=f"The number of {what_en} the city offers on the public-service portal on the day published.",
        formula_vi=f"Đếm số {what_vi}",
        formula_en=f"Count of {what_en}",
        unit="services",
        direction="higher",
        frequency=Frequency.ANNUAL,
        grain=Grain.CITY,
        time_rollup=None,
        is_rate=False,
        numerator_vi="Dịch vụ",
        numerator_en="Services",
        denominator_vi="",
        denominator_en="",
        basis_vi="Báo cáo của UBND Thành phố",
        basis_en="City report",
        source_system_vi="Cổng Dịch vụ công TP.HCM",
        source_system_en="HCMC public-service portal",
        owner_vi=_DOSSIER_OWNER_VI,
        owner_en=_DOSSIER_OWNER_EN,
        legal_basis_vi="Nghị định 42/2022/NĐ-CP về cung cấp dịch vụ công trực tuyến",
        legal_basis_en="Decree 42/2022 on online public services",
        freshness_vi="Khi Thành phố công bố",
        freshness_en="When the city publishes it",
        freshness_due_day=31,
        decimals=0,
    )


INDICATORS += (
    _index_766(
        "service_index_766_total",
        "Bộ chỉ số phục vụ người dân, doanh nghiệp (tổng điểm)",
        "Service index for citizens and businesses (total)",
        100.0,
        "Tổng điểm của sáu nhóm chỉ số theo Quyết định 766/QĐ-TTg: công khai, minh bạch (18); "
        "tiến độ giải quyết (20); dịch vụ công trực tuyến (12); thanh toán trực tuyến (10); "
        "mức độ hài lòng (18); số hóa hồ sơ (22).",
        "The total of the six groups of Decision 766: transparency (18), timeliness (20), "
        "online service (12), online payment (10), satisfaction (18), digitisation (22).",
    ),
    _index_766(
        "service_index_766_transparency",
        "Công khai, minh bạch",
        "Transparency",
        18.0,
        "Nhóm chỉ số về công khai, minh bạch thông tin thủ tục hành chính và hồ sơ.",
        "The group on the transparency of procedures and dossier information.",
    ),
    _index_766(
        "service_index_766_progress",
        "Tiến độ giải quyết",
        "Timeliness",
        20.0,
        "Nhóm chỉ số về tiến độ giải quyết hồ sơ (đúng hạn, quá hạn).",
        "The group on how promptly dossiers are resolved (on time, overdue).",
    ),
    _index_766(
        "service_index_766_online",
        "Dịch vụ công trực tuyến và thanh toán trực tuyến",
        "Online service and online payment",
        22.0,
        "Hai nhóm chỉ số dịch vụ công trực tuyến (12 điểm) và thanh toán trực tuyến (10 điểm).",
        "The online service (12 points) and online payment (10 points) groups.",
        "Số liệu Thành phố công bố hằng tuần gộp hai nhóm này thành một nhóm 22 điểm.",
        "The city's weekly figure publishes these two groups as one 22-point group.",
    ),
    _index_766(
        "service_index_766_satisfaction",
        "Mức độ hài lòng",
        "Satisfaction",
        18.0,
        "Nhóm chỉ số về mức độ hài lòng của người dân, doanh nghiệp khi giải quyết thủ tục.",
        "The group on the satisfaction of citizens and businesses with procedures.",
    ),
    _index_766(
        "service_index_766_digitisation",
        "Số hóa hồ sơ",
        "Digitisation",
        22.0,
        "Nhóm chỉ số về số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.",
        "The group on the digitisation of dossiers and procedure results.",
        "Số liệu tuần 47/2025 của nhóm này được tính bằng cách lấy tổng điểm trừ các nhóm còn lại.",
        "The week-47 2025 figure of this group was derived by subtracting the other groups from the total.",
    ),
    _services_count(
        "online_services_count",
        "Số dịch vụ công trực tuyến",
        "Online public services offered",
        "dịch vụ công trực tuyến (toàn trình và một phần)",
        "online public services (full-process and partial)",
    ),
    _services_count(
        "online_services_full_process",
        "Dịch vụ công trực tuyến toàn trình",
        "Full-process online services",
        "dịch vụ công trực tuyến toàn trình",
        "full-process online services",
    ),
    _services_count(
        "online_services_partial",
        "Dịch vụ công trực tuyến một phần",
        "Partial online services",
        "dịch vụ công trực tuyến một phần",
        "partial online services",
    ),
)

SERVICE_INDEX_766_GROUPS: tuple[tuple[str, str, str, float, str], ...] = (
    (
        "transparency",
        "Công khai, minh bạch",
        "Transparency",
        18.0,
        "service_index_766_transparency",
    ),
    ("timeliness", "Tiến độ giải quyết", "Timeliness", 20.0, "service_index_766_progress"),
    (
        "online_service",
        "Dịch vụ công trực tuyến",
        "Online service",
        12.0,
        "service_index_766_online",
    ),
    ("online_payment", "Thanh toán trực tuyến", "Online payment", 10.0, "service_index_766_online"),
    ("satisfaction", "Mức độ hài lòng", "Satisfaction", 18.0, "service_index_766_satisfaction"),
    ("digitisation", "Số hóa hồ sơ", "Digitisation", 22.0, "service_index_766_digitisation"),
)
"""The six groups of Decision 766 (code, names, points) and the published series each is
reported in: online service and online payment share one published 22-point figure."""

_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
HEADLINE_CODES: tuple[str, ...] = tuple(i.code for i in INDICATORS if i.is_headline)


def get_indicator(code: str) -> Indicator:
    """The registry entry for ``code``.

    Raises
    ------
    KeyError
        With the list of known codes, when ``code`` is not one of them.
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        known = ", ".join(sorted(_BY_CODE))
        raise KeyError(f"unknown indicator code {code!r}; known codes: {known}") from None


def headline_indicators() -> tuple[Indicator, ...]:
    """The four headline indicators, in the order the Overview shows them."""
    return tuple(_BY_CODE[code] for code in HEADLINE_CODES)
