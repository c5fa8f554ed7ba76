"""The numbers the demo is calibrated to, and the demo's own assumptions, as data.

Published figures (``reference_data/hcmc_published_indicators.csv``) are copied here as
anchors; ``tests/unit/test_demo_generator.py`` checks that every ``actual`` row of the
calibrated indicators has its anchor, so the file and this module cannot drift apart.
Everything marked *demo* was never published and is the project's own invention.

Percentages are in percent (0–100), money in billion VND.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

D = dt.date

FIRST_MONTH = D(2020, 1, 1)
"""The first month the demo generates."""

LAST_CALIBRATED_MONTH = D(2026, 1, 1)
"""The last month any published figure covers (the 2025 disbursement extension month).
Missing submissions are only ever simulated after it, so calibration never depends on
them."""

MERGER_MONTH = D(2025, 7, 1)


@dataclass(frozen=True, slots=True)
class Knot:
    """A point a cumulative disbursement curve passes through, exactly.

    ``day`` is inclusive: the curve's value at the end of that day, in percent of the
    plan the knot refers to. ``is_published`` marks a published figure (the rest is
    demo shape).
    """

    day: dt.date
    percent: float
    is_published: bool = False


# --- online dossier share (merged city, every commune-level unit and department) -----------

ONLINE_SHARE_PATH: tuple[tuple[dt.date, float], ...] = (
    # demo: the slow rise before the merger
    (D(2020, 1, 1), 16.0),
    (D(2020, 12, 1), 21.5),
    (D(2021, 12, 1), 29.0),
    (D(2022, 12, 1), 34.5),
    (D(2023, 12, 1), 39.5),
    (D(2024, 12, 1), 44.0),
    (D(2025, 6, 1), 47.0),
    # 2026 onwards: the post-merger level holds and creeps up
    (D(2026, 1, 1), 86.0),
    (D(2026, 12, 1), 90.0),
    (D(2030, 12, 1), 93.0),
)
ONLINE_SHARE_Q3_2025_SHAPE = {D(2025, 7, 1): -2.0, D(2025, 8, 1): 0.0, D(2025, 9, 1): 2.5}
"""Jul–Sep 2025 around a level solved so that the 1 Jul–10 Sep window gives
``ONLINE_SHARE_WINDOW_1_AIM``."""
ONLINE_SHARE_WINDOW_1 = (D(2025, 7, 1), D(2025, 9, 10))
ONLINE_SHARE_WINDOW_1_AIM = 52.9
"""Published: "over 52 %" (at_least 52.0); aimed at the middle of [52, 54]."""
ONLINE_SHARE_Q4_2025_SHAPE = {D(2025, 10, 1): -1.5, D(2025, 11, 1): 0.0, D(2025, 12, 1): 1.0}
"""Oct–Dec 2025 (the post-merger push) around a level solved so that the 27 Jun–14 Dec
window gives ``ONLINE_SHARE_WINDOW_2_AIM``."""
ONLINE_SHARE_WINDOW_2 = (D(2025, 6, 27), D(2025, 12, 14))
ONLINE_SHARE_WINDOW_2_AIM = 67.6
"""Published (derived): over 1.7 million online of over 2.513 million received."""
DOSSIERS_WINDOW_2_TOTAL = 2_530_000
"""Demo volume: dossiers received in window 2 (published: "over 2.513 million")."""

# --- satisfaction (national service index, Decision 766) ------------------------------------

SATISFACTION_PATH: tuple[tuple[dt.date, float], ...] = (
    (D(2020, 1, 1), 82.0),
    (D(2021, 12, 1), 85.0),
    (D(2023, 12, 1), 87.5),
    (D(2025, 6, 1), 89.6),
    (D(2025, 10, 1), 93.2),
    (D(2025, 12, 1), 94.2),
    (D(2026, 12, 1), 95.4),
    (D(2030, 12, 1), 96.5),
)
SATISFACTION_Q3_2025_SHAPE = {D(2025, 7, 1): -0.7, D(2025, 8, 1): 0.0, D(2025, 9, 1): 0.7}
SATISFACTION_Q3_2025 = 91.72
"""Published: Q3 2025, national service index."""
SATISFACTION_NOVEMBER_2025 = 93.93
"""Published for week 47 (17–23 Nov 2025); the demo's November equals it."""

ON_TIME_PATH: tuple[tuple[dt.date, float], ...] = (
    (D(2020, 1, 1), 90.5),
    (D(2022, 12, 1), 94.0),
    (D(2024, 12, 1), 96.5),
    (D(2025, 6, 1), 97.2),
    (D(2025, 7, 1), 98.6),  # published with window 1: "98.6 % on time" (not calibrated)
    (D(2025, 9, 1), 98.6),
    (D(2025, 12, 1), 98.8),
    (D(2030, 12, 1), 99.0),
)
E_RESULT_PATH: tuple[tuple[dt.date, float], ...] = (
    (D(2020, 1, 1), 6.0),
    (D(2021, 12, 1), 18.0),
    (D(2023, 12, 1), 38.0),
    (D(2025, 6, 1), 60.0),
    (D(2025, 9, 1), 78.0),
    (D(2025, 12, 1), 86.0),
    (D(2026, 12, 1), 93.0),
    (D(2030, 12, 1), 96.0),
)

# --- public-investment disbursement ---------------------------------------------------------

OLD_CITY = "ho_chi_minh_old"
BINH_DUONG = "binh_duong"
BA_RIA_VUNG_TAU = "ba_ria_vung_tau"
MERGED = "merged"

PLANS: dict[str, dict[int, float]] = {
    # published: 2020, 2022, 2023, 2024, 2025 (old city, before July); demo: 2021
    OLD_CITY: {2020: 41_980, 2021: 40_600, 2022: 37_300, 2023: 70_518, 2024: 79_200, 2025: 84_149},
    # demo: the former provinces' own plans, until the merger
    BINH_DUONG: {
        2020: 11_500,
        2021: 12_100,
        2022: 13_800,
        2023: 15_700,
        2024: 17_600,
        2025: 20_500,
    },
    BA_RIA_VUNG_TAU: {
        2020: 7_600,
        2021: 8_200,
        2022: 9_900,
        2023: 10_800,
        2024: 11_900,
        2025: 12_800,
    },
    # published: 2025 from July (the merged city); demo: 2026
    MERGED: {2025: 120_353, 2026: 136_000},
}
MERGED_PLAN_GROWTH = 1.06
"""Demo: the merged plan of years after the last one above grows by this much a year."""

_PUB = True
DISBURSEMENT_KNOTS: dict[tuple[str, int], tuple[Knot, ...]] = {
    (OLD_CITY, 2020): (
        Knot(D(2020, 3, 31), 6.0),
        Knot(D(2020, 6, 30), 24.0),
        Knot(D(2020, 9, 30), 47.0),
        Knot(D(2020, 12, 31), 83.6, _PUB),
        Knot(D(2021, 1, 31), 88.4),
    ),
    (OLD_CITY, 2021): (  # demo year (the lockdown of Q3 2021)
        Knot(D(2021, 3, 31), 4.0),
        Knot(D(2021, 6, 30), 19.0),
        Knot(D(2021, 9, 30), 29.0),
        Knot(D(2021, 12, 31), 66.0),
        Knot(D(2022, 1, 31), 72.0),
    ),
    (OLD_CITY, 2022): (
        Knot(D(2022, 3, 31), 2.8),
        Knot(D(2022, 6, 30), 14.5),
        Knot(D(2022, 9, 30), 33.0),
        Knot(D(2022, 12, 31), 71.3, _PUB),
        Knot(D(2023, 1, 31), 76.0),
    ),
    (OLD_CITY, 2023): (
        Knot(D(2023, 3, 31), 3.5),
        Knot(D(2023, 6, 30), 12.5),
        Knot(D(2023, 10, 19), 34.0, _PUB),
        Knot(D(2023, 12, 31), 70.0, _PUB),
        Knot(D(2024, 1, 31), 74.5),
    ),
    (OLD_CITY, 2024): (
        Knot(D(2024, 3, 31), 4.2),
        Knot(D(2024, 5, 31), 8.3, _PUB),
        Knot(D(2024, 8, 31), 15.5),
        Knot(D(2024, 10, 11), 21.2, _PUB),
        Knot(D(2024, 12, 31), 62.0),
        Knot(D(2025, 1, 31), 73.7, _PUB),
    ),
    # 2025: the merged city's curve, in percent of the merged plan (120 353). Before July
    # the three territories keep fixed shares of it (their pre-July plans), so the old
    # city's 3.0 % of 84 149 on 14 March is 3.0 × 117 449 / 120 353 here (computed in the
    # generator, see ``pre_merger_knot``).
    (MERGED, 2025): (
        Knot(D(2025, 6, 30), 24.0),
        Knot(D(2025, 8, 31), 43.3),
        Knot(D(2025, 9, 11), 45.2, _PUB),
        Knot(D(2025, 10, 31), 54.3),
        Knot(D(2025, 11, 28), 59.6, _PUB),
        Knot(D(2025, 12, 31), 80.5),
        Knot(D(2026, 1, 31), 91.4, _PUB),
    ),
    (MERGED, 2026): (  # demo: behind the carried-forward milestones 7.5 / 25 / 50 / 95
        Knot(D(2026, 3, 31), 5.6),
        Knot(D(2026, 6, 30), 18.5),
        Knot(D(2026, 9, 30), 39.5),
        Knot(D(2026, 12, 31), 78.0),
        Knot(D(2027, 1, 31), 88.0),
    ),
}
PRE_MERGER_2025_ANCHOR = Knot(D(2025, 3, 14), 3.0, _PUB)
"""Published: 3.0 % of the old city's plan (84 149) by 14 March 2025."""

DEFAULT_SHAPE: tuple[tuple[int, int, float], ...] = (
    # demo: (month, day, percent) for any year or territory without its own knots
    (3, 31, 6.0),
    (6, 30, 22.0),
    (9, 30, 45.0),
    (12, 31, 82.0),
)
DEFAULT_EXTENSION_PERCENT = 89.0
FORMER_PROVINCE_SHAPE: dict[str, tuple[float, float, float, float, float]] = {
    # demo: end of Q1, Q2, Q3, Dec 31, Jan 31 (extension) for the former provinces
    BINH_DUONG: (9.0, 30.0, 54.0, 86.0, 92.0),
    BA_RIA_VUNG_TAU: (7.5, 27.0, 51.0, 84.0, 90.0),
}

# --- GRDP and the digital economy (annual city figures; quarters are demo) ------------------

GRDP_ANNUAL: dict[int, float] = {
    # published (2020–2023 pre-merger, 2024 estimate pre-merger, 2025 merged estimate)
    2020: 1_372_272,
    2021: 1_298_791,
    2022: 1_479_227,
    2023: 1_621_191,
    2024: 1_780_000,
    2025: 2_740_000,
    # demo: 8 % real growth and 3 % deflator
    2026: 3_047_000,
}
GRDP_GROWTH_AFTER = 1.11
"""Demo: nominal growth of years after the last one above."""
GRDP_QUARTER_SHARES: dict[int, tuple[float, float, float, float]] = {
    2020: (0.236, 0.226, 0.254, 0.284),  # the spring 2020 social distancing
    2021: (0.262, 0.266, 0.196, 0.276),  # the Q3 2021 lockdown
}
GRDP_QUARTER_SHARES_DEFAULT = (0.229, 0.245, 0.252, 0.274)

DIGITAL_ECONOMY_ICT_SHARE: dict[int, float] = {
    2020: 14.2,  # demo (the statistics office published 12.62 for 2020)
    2021: 15.38,
    2022: 18.86,
    2023: 21.5,
    2024: 22.0,  # published estimate
    2025: 25.0,  # published estimate, merged city
    2026: 27.4,  # demo: short of the ≥ 30 % target
}
DIGITAL_ECONOMY_STATISTICS_SHARE: dict[int, float] = {
    2020: 12.62,
    2021: 13.84,
    2022: 13.51,
    2023: 14.65,
    2024: 15.4,  # demo
    2025: 16.3,  # demo
    2026: 17.0,  # demo
}
DIGITAL_ECONOMY_SHARE_GROWTH_AFTER = 1.2
"""Demo: percentage points a year added after the last year above."""
DIGITAL_ECONOMY_QUARTER_OFFSETS = (-0.45, -0.15, 0.15, 0.45)
"""Demo: a quarter's share against its year's (the share rises through the year)."""

PUBLISHED_CALIBRATED_INDICATORS = (
    "online_dossier_share",
    "satisfaction_rate",
    "public_investment_disbursement",
)

# --- breakdowns: procedures and GRDP sectors ------------------------------------------------

PROCEDURE_FIRST_MONTH = D(2025, 1, 1)
"""Demo: units report their dossiers by procedure from January 2025 (the procedure split is
a breakdown of the same dossiers, so its parts add up to each unit's monthly total)."""
PROCEDURE_SHARE_SPREAD = 0.25
"""Demo: lognormal spread of a unit's procedure mix around the shares in
``demo.dimensions``."""

SECTOR_GROUP_SHARES: dict[int, dict[str, float]] = {
    # Percent of GRDP at current prices by group: agriculture, industry and construction,
    # services, product taxes less subsidies. The old city (2020–2024) and the merged city
    # (2025 on) follow the structures the statistics office published; the demo smooths
    # them into one structure a year:
    # - Q1 2022, old city: 0.5 / 21.6 / 64.6 / 13.3 (thoibaotaichinhvietnam.vn,
    #   "TP. Hồ Chí Minh: GRDP quý I ước đạt 350.421,6 tỷ đồng");
    # - 2023, old city: 0.5 / 21.9 / … (Report 783/BC-CTK, 28/12/2023, as quoted by
    #   tintuc.thuvienphapluat.com);
    # - H1 2025, old city: 0.4 / 20.1 / 66.3 / 13.2 (baomoi.net.vn, "GRDP đạt mức tăng
    #   trưởng cao nhất giai đoạn 2020 - 2025");
    # - 9 months 2025, merged city: 1.7 / 35.6 / 51.6 / 11.1 (vietnamnet.vn, "Kinh tế
    #   TPHCM tăng tốc với thương mại dịch vụ giữ vai trò dẫn dắt").
    # 2020, 2021, 2024 and 2026 are demo.
    2020: {
        "agriculture": 0.6,
        "industry_construction": 22.8,
        "services": 62.3,
        "product_taxes": 14.3,
    },
    2021: {
        "agriculture": 0.6,
        "industry_construction": 23.4,
        "services": 62.2,
        "product_taxes": 13.8,
    },
    2022: {
        "agriculture": 0.5,
        "industry_construction": 21.6,
        "services": 64.6,
        "product_taxes": 13.3,
    },
    2023: {
        "agriculture": 0.5,
        "industry_construction": 21.9,
        "services": 64.3,
        "product_taxes": 13.3,
    },
    2024: {
        "agriculture": 0.4,
        "industry_construction": 20.4,
        "services": 66.0,
        "product_taxes": 13.2,
    },
    2025: {
        "agriculture": 1.7,
        "industry_construction": 35.6,
        "services": 51.6,
        "product_taxes": 11.1,
    },
    2026: {
        "agriculture": 1.6,
        "industry_construction": 35.5,
        "services": 51.9,
        "product_taxes": 11.0,
    },
}
"""Each year's four group shares sum to 100; later years keep the last one."""

SECTOR_SPLIT: dict[str, dict[str, float]] = {
    # Demo: how a group divides among its sectors (weights within the group), before and
    # after the merger. The old city's services follow the Q1 2022 report (trade 17.3 %,
    # transport 10.2 %, finance 8.9 %, professional services 5.2 %, ICT 5.1 % of GRDP);
    # the merged city adds the former provinces' manufacturing (Bình Dương) and mining
    # (Bà Rịa – Vũng Tàu's oil and gas).
    "pre_merger": {
        "A": 1.0,
        "B": 0.5,
        "C": 15.5,
        "D-E": 2.2,
        "F": 3.6,
        "G": 17.3,
        "H": 10.2,
        "I": 2.6,
        "J": 5.1,
        "K": 8.9,
        "L": 6.6,
        "M-N": 6.4,
        "O-U": 7.5,
        "TAX": 1.0,
    },
    "merged": {
        "A": 1.0,
        "B": 4.0,
        "C": 24.0,
        "D-E": 2.6,
        "F": 5.0,
        "G": 14.0,
        "H": 8.6,
        "I": 2.2,
        "J": 4.2,
        "K": 7.0,
        "L": 5.2,
        "M-N": 5.0,
        "O-U": 5.4,
        "TAX": 1.0,
    },
}
SECTOR_QUARTER_FACTORS: dict[tuple[int, int], dict[str, float]] = {
    # Demo: the quarters when distancing and lockdown hit some sectors harder than others
    # (their weight in the quarter's GRDP, before the quarter's lines are rescaled to it).
    (2020, 2): {"I": 0.55, "G": 0.9, "H": 0.85, "K": 1.05, "J": 1.05},
    (2021, 3): {"I": 0.35, "G": 0.78, "H": 0.8, "C": 0.82, "F": 0.7, "K": 1.08, "J": 1.1},
    (2021, 4): {"I": 0.7, "G": 0.92, "H": 0.93},
}
