"""The city departments and project-management boards the demo adds to the units table.

Departments are the city's specialised agencies after the 2025 reorganisation (real
bodies, so ``is_demo`` is false); their figures are demo data all the same. Project boards
of the old city are real boards; the boards of the former provinces are modelled on theirs
and their names are not verified, so they are marked ``is_demo``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from demo.calibration import BA_RIA_VUNG_TAU, BINH_DUONG, OLD_CITY


@dataclass(frozen=True, slots=True)
class Department:
    """A city department and the demo's assumptions about its dossiers."""

    unit_id: str
    slug: str
    name_vi: str
    name_en: str
    monthly_dossiers: float
    """Demo: dossiers received a month around 2025."""
    online_effect: float
    """Demo: its online share against an average unit, on the logit scale."""


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "dept-finance", "so-tai-chinh", "Sở Tài chính", "Department of Finance", 38_000, 1.4
    ),
    Department("dept-justice", "so-tu-phap", "Sở Tư pháp", "Department of Justice", 30_000, 0.5),
    Department(
        "dept-construction", "so-xay-dung", "Sở Xây dựng", "Department of Construction", 14_000, 0.2
    ),
    Department(
        "dept-agriculture-environment",
        "so-nong-nghiep-va-moi-truong",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        16_000,
        -0.3,
    ),
    Department(
        "dept-science-technology",
        "so-khoa-hoc-va-cong-nghe",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
        2_500,
        1.0,
    ),
    Department(
        "dept-industry-trade",
        "so-cong-thuong",
        "Sở Công Thương",
        "Department of Industry and Trade",
        9_000,
        0.8,
    ),
    Department("dept-health", "so-y-te", "Sở Y tế", "Department of Health", 6_000, 0.3),
    Department(
        "dept-education",
        "so-giao-duc-va-dao-tao",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
        3_500,
        0.4,
    ),
    Department(
        "dept-home-affairs", "so-noi-vu", "Sở Nội vụ", "Department of Home Affairs", 5_000, 0.0
    ),
    Department(
        "dept-culture-sports",
        "so-van-hoa-va-the-thao",
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
        1_800,
        0.1,
    ),
    Department("dept-tourism", "so-du-lich", "Sở Du lịch", "Department of Tourism", 900, 0.6),
    Department(
        "dept-ethnic-religious",
        "so-dan-toc-va-ton-giao",
        "Sở Dân tộc và Tôn giáo",
        "Department of Ethnic and Religious Affairs",
        300,
        -0.6,
    ),
    Department(
        "dept-foreign-affairs",
        "so-ngoai-vu",
        "Sở Ngoại vụ",
        "Department of Foreign Affairs",
        600,
        0.2,
    ),
    Department(
        "dept-food-safety",
        "so-an-toan-thuc-pham",
        "Sở An toàn thực phẩm",
        "Department of Food Safety",
        1_500,
        0.3,
    ),
    Department(
        "dept-planning-architecture",
        "so-quy-hoach-kien-truc",
        "Sở Quy hoạch – Kiến trúc",
        "Department of Planning and Architecture",
        1_200,
        -0.2,
    ),
)


@dataclass(frozen=True, slots=True)
class Board:
    """A project-management board (an investor) and the demo's assumptions about it."""

    unit_id: str
    slug: str
    name_vi: str
    name_en: str
    former_province: str
    plan_share: float
    """Demo: its share of its territory's capital plan."""
    pace: float
    """Demo: multiplier on its territory's cumulative rate (above 1 leads, below 1 lags)."""
    is_demo: bool


BOARDS: tuple[Board, ...] = (
    Board(
        "inv-transport",
        "ban-qlda-giao-thong",
        "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông",
        "Transport works construction investment project management board",
        OLD_CITY,
        0.24,
        0.88,
        False,
    ),
    Board(
        "inv-civil-industrial",
        "ban-qlda-dan-dung-cong-nghiep",
        "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp",
        "Civil and industrial works construction investment project management board",
        OLD_CITY,
        0.12,
        1.08,
        False,
    ),
    Board(
        "inv-urban-infrastructure",
        "ban-qlda-ha-tang-do-thi",
        "Ban Quản lý dự án đầu tư xây dựng hạ tầng đô thị",
        "Urban infrastructure construction investment project management board",
        OLD_CITY,
        0.14,
        0.95,
        False,
    ),
    Board(
        "inv-agriculture",
        "ban-qlda-nong-nghiep",
        "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn",
        "Agriculture and rural development works construction investment project management board",
        OLD_CITY,
        0.06,
        1.1,
        False,
    ),
    Board(
        "inv-urban-railway",
        "ban-quan-ly-duong-sat-do-thi",
        "Ban Quản lý đường sắt đô thị",
        "Management Authority for Urban Railways",
        OLD_CITY,
        0.10,
        0.68,
        False,
    ),
    Board(
        "inv-binh-duong-construction",
        "ban-qlda-dtxd-binh-duong",
        "Ban Quản lý dự án đầu tư xây dựng tỉnh Bình Dương (cũ)",
        "Construction investment project management board of former Bình Dương province",
        BINH_DUONG,
        0.62,
        1.03,
        True,
    ),
    Board(
        "inv-brvt-transport",
        "ban-qlda-giao-thong-ba-ria-vung-tau",
        "Ban Quản lý dự án chuyên ngành giao thông tỉnh Bà Rịa – Vũng Tàu (cũ)",
        "Transport project management board of former Bà Rịa–Vũng Tàu province",
        BA_RIA_VUNG_TAU,
        0.38,
        0.94,
        True,
    ),
    Board(
        "inv-brvt-civil-industrial",
        "ban-qlda-dan-dung-cong-nghiep-ba-ria-vung-tau",
        "Ban Quản lý dự án chuyên ngành dân dụng và công nghiệp tỉnh Bà Rịa – Vũng Tàu (cũ)",
        "Civil and industrial project management board of former Bà Rịa–Vũng Tàu province",
        BA_RIA_VUNG_TAU,
        0.24,
        1.06,
        True,
    ),
)

DEPARTMENT_PLAN_SHARE = 0.08
"""Demo: the departments' joint share of the old city's capital plan."""


def demo_unit_rows() -> pd.DataFrame:
    """The departments and project boards, as ``units`` rows (parent: the city)."""
    common = {
        "unit_code": None,
        "parent_unit_id": "city",
        "latitude": None,
        "longitude": None,
        "coord_source": None,
    }
    rows = [
        common
        | {
            "unit_id": d.unit_id,
            "name_vi": d.name_vi,
            "name_en": d.name_en,
            "unit_type": "department",
            "former_province": OLD_CITY,
            "slug": d.slug,
            "is_demo": False,
        }
        for d in DEPARTMENTS
    ] + [
        common
        | {
            "unit_id": b.unit_id,
            "name_vi": b.name_vi,
            "name_en": b.name_en,
            "unit_type": "investor",
            "former_province": b.former_province,
            "slug": b.slug,
            "is_demo": b.is_demo,
        }
        for b in BOARDS
    ]
    return pd.DataFrame(rows)
