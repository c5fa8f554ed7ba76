"""The demo's breakdown dimensions: administrative procedures and GRDP sectors.

Both are stored as observation breakdowns (``observations.breakdown_key``, named in the
``breakdowns`` table); a unit's total is never the sum the queries read, so breakdown rows
must add up to it exactly, and the generator makes sure they do.

**Procedures.** The most common administrative procedures of commune-level units and of a
few departments, with their online availability (``full_process``: the whole procedure can
be done online, "dịch vụ công trực tuyến toàn trình"; ``partial``: part of it needs the
applicant in person, "một phần"). The names are the procedures' names in the national
procedure database; the codes are the demo's own (not the database's codes), and every
number about them (volume shares, online uptake) is demo data. What is left of a unit's
dossiers is "other procedures", so the parts always add up to the unit's total.

**Sectors.** GRDP at current prices by economic sector (sections of the Vietnamese standard
industrial classification VSIC 2018, grouped as the city's statistics office publishes
them), plus the product taxes less subsidies that GRDP adds to value added — kept as its
own explicit line, because it is not a sector that can close or reopen. The shares of the
four groups follow the structures the city published (see ``demo.calibration``); the split
within a group is the demo's assumption.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

import pandas as pd

PROCEDURE = "procedure"
SECTOR = "sector"
OTHER_PROCEDURE = "other"

Availability = Literal["full_process", "partial", "mixed"]
SectorGroup = Literal["agriculture", "industry_construction", "services", "product_taxes"]


def breakdown_key(dimension: str, code: str) -> str:
    """``<dimension>:<code>``, the key of a breakdown row (``procedure:dang-ky-khai-sinh``)."""
    return f"{dimension}:{code}"


@dataclass(frozen=True, slots=True)
class Procedure:
    """One administrative procedure and the demo's assumptions about it."""

    code: str
    name_vi: str
    name_en: str
    availability: Availability
    share: float
    """Demo: its share of the dossiers of a unit that handles it (before unit noise)."""
    online_effect: float
    """Demo: its online uptake against the unit's average, on the logit scale."""


COMMUNE_PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "chung-thuc-ban-sao",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Certified copy of an original document",
        "partial",
        0.30,
        -0.2,
    ),
    Procedure(
        "chung-thuc-chu-ky",
        "Chứng thực chữ ký trong giấy tờ, văn bản",
        "Certification of a signature",
        "partial",
        0.08,
        -1.0,
    ),
    Procedure(
        "chung-thuc-hop-dong",
        "Chứng thực hợp đồng, giao dịch",
        "Certification of a contract or transaction",
        "partial",
        0.05,
        -0.8,
    ),
    Procedure(
        "dang-ky-khai-sinh",
        "Đăng ký khai sinh",
        "Birth registration",
        "full_process",
        0.07,
        1.2,
    ),
    Procedure(
        "dang-ky-ket-hon",
        "Đăng ký kết hôn",
        "Marriage registration",
        "partial",
        0.025,
        -0.3,
    ),
    Procedure(
        "dang-ky-khai-tu",
        "Đăng ký khai tử",
        "Death registration",
        "full_process",
        0.02,
        0.9,
    ),
    Procedure(
        "trich-luc-ho-tich",
        "Cấp bản sao trích lục hộ tịch",
        "Copy of a civil-status extract",
        "full_process",
        0.08,
        1.5,
    ),
    Procedure(
        "xac-nhan-tinh-trang-hon-nhan",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Certificate of marital status",
        "full_process",
        0.05,
        1.0,
    ),
    Procedure(
        "dang-ky-ho-kinh-doanh",
        "Đăng ký thành lập hộ kinh doanh",
        "Registration of a household business",
        "full_process",
        0.03,
        0.8,
    ),
    Procedure(
        "giay-phep-xay-dung-nha-o",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Construction permit for a detached house",
        "partial",
        0.03,
        -0.4,
    ),
)
"""The most common procedures of wards, communes and the special zone (demo shares)."""

DEPARTMENT_PROCEDURES: dict[str, tuple[Procedure, ...]] = {
    "dept-justice": (
        Procedure(
            "ly-lich-tu-phap",
            "Cấp Phiếu lý lịch tư pháp",
            "Criminal record certificate",
            "full_process",
            0.55,
            0.6,
        ),
    ),
    "dept-finance": (
        Procedure(
            "dang-ky-thanh-lap-doanh-nghiep",
            "Đăng ký thành lập doanh nghiệp",
            "Registration of a new enterprise",
            "full_process",
            0.25,
            1.2,
        ),
        Procedure(
            "thay-doi-dang-ky-doanh-nghiep",
            "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
            "Change of an enterprise's registration details",
            "full_process",
            0.45,
            1.0,
        ),
    ),
    "dept-agriculture-environment": (
        Procedure(
            "dang-ky-bien-dong-dat-dai",
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "Registration of changes to land-use and attached-asset rights",
            "partial",
            0.55,
            -0.5,
        ),
    ),
    "dept-construction": (
        Procedure(
            "giay-phep-xay-dung-cong-trinh",
            "Cấp giấy phép xây dựng công trình",
            "Construction permit for a building project",
            "partial",
            0.35,
            -0.3,
        ),
    ),
    "dept-health": (
        Procedure(
            "giay-phep-hanh-nghe-kham-chua-benh",
            "Cấp giấy phép hành nghề khám bệnh, chữa bệnh",
            "Licence to practise medicine",
            "partial",
            0.30,
            -0.2,
        ),
    ),
}
"""Departments' most common procedures (departments not listed report "other" only)."""

OTHER = Procedure(
    OTHER_PROCEDURE,
    "Các thủ tục hành chính khác",
    "Other administrative procedures",
    "mixed",
    0.0,
    0.0,
)
"""The rest of a unit's dossiers, so that the parts add up to the unit's total."""


def all_procedures() -> tuple[Procedure, ...]:
    """Every procedure of the demo, communes' first, then departments', then "other"."""
    seen: dict[str, Procedure] = {}
    for procedure in COMMUNE_PROCEDURES:
        seen.setdefault(procedure.code, procedure)
    for procedures in DEPARTMENT_PROCEDURES.values():
        for procedure in procedures:
            seen.setdefault(procedure.code, procedure)
    seen[OTHER.code] = OTHER
    return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class Sector:
    """One line of GRDP at current prices."""

    code: str
    """VSIC 2018 section(s); ``TAX`` for product taxes less subsidies."""
    name_vi: str
    name_en: str
    group: SectorGroup


SECTORS: tuple[Sector, ...] = (
    Sector("A", "Nông, lâm nghiệp và thủy sản", "Agriculture, forestry and fishing", "agriculture"),
    Sector("B", "Khai khoáng", "Mining and quarrying", "industry_construction"),
    Sector("C", "Công nghiệp chế biến, chế tạo", "Manufacturing", "industry_construction"),
    Sector(
        "D-E",
        "Sản xuất, phân phối điện, khí đốt, nước; xử lý rác thải",
        "Electricity, gas and water supply; waste management",
        "industry_construction",
    ),
    Sector("F", "Xây dựng", "Construction", "industry_construction"),
    Sector(
        "G",
        "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy",
        "Wholesale and retail trade; repair of motor vehicles",
        "services",
    ),
    Sector("H", "Vận tải, kho bãi", "Transport and storage", "services"),
    Sector("I", "Dịch vụ lưu trú và ăn uống", "Accommodation and food services", "services"),
    Sector("J", "Thông tin và truyền thông", "Information and communication", "services"),
    Sector(
        "K",
        "Hoạt động tài chính, ngân hàng và bảo hiểm",
        "Financial, banking and insurance activities",
        "services",
    ),
    Sector("L", "Hoạt động kinh doanh bất động sản", "Real estate activities", "services"),
    Sector(
        "M-N",
        "Hoạt động chuyên môn, khoa học và công nghệ; hành chính và dịch vụ hỗ trợ",
        "Professional, scientific and technical; administrative and support services",
        "services",
    ),
    Sector(
        "O-U",
        "Các ngành dịch vụ khác (quản lý nhà nước, giáo dục, y tế, văn hóa, dịch vụ khác)",
        "Other services (public administration, education, health, arts, other services)",
        "services",
    ),
    Sector(
        "TAX",
        "Thuế sản phẩm trừ trợ cấp sản phẩm",
        "Product taxes less subsidies on products",
        "product_taxes",
    ),
)
"""GRDP's lines: thirteen sectors and the product taxes less subsidies."""

SECTOR_GROUP_NAMES: dict[SectorGroup, tuple[str, str]] = {
    "agriculture": ("Nông, lâm nghiệp và thủy sản", "Agriculture, forestry and fishing"),
    "industry_construction": ("Công nghiệp và xây dựng", "Industry and construction"),
    "services": ("Dịch vụ", "Services"),
    "product_taxes": ("Thuế sản phẩm trừ trợ cấp sản phẩm", "Product taxes less subsidies"),
}


def breakdown_rows() -> pd.DataFrame:
    """The ``breakdowns`` rows of both dimensions (``data_access.writes.BREAKDOWN_COLUMNS``).

    A procedure's ``attributes_json`` holds its online availability; a sector's its group,
    and whether it is a sector of production and business (the product taxes are not: the
    scenario workspace closes and reopens sectors, and the taxes follow the rest).
    """
    rows: list[dict[str, object]] = []
    for order, procedure in enumerate(all_procedures(), start=1):
        rows.append(
            {
                "breakdown_key": breakdown_key(PROCEDURE, procedure.code),
                "dimension": PROCEDURE,
                "code": procedure.code,
                "name_vi": procedure.name_vi,
                "name_en": procedure.name_en,
                "sort_order": order,
                "attributes_json": json.dumps({"online_availability": procedure.availability}),
                "is_demo": True,
            }
        )
    for order, sector in enumerate(SECTORS, start=1):
        rows.append(
            {
                "breakdown_key": breakdown_key(SECTOR, sector.code),
                "dimension": SECTOR,
                "code": sector.code,
                "name_vi": sector.name_vi,
                "name_en": sector.name_en,
                "sort_order": order,
                "attributes_json": json.dumps(
                    {
                        "group": sector.group,
                        "is_production_sector": sector.group != "product_taxes",
                    }
                ),
                # Real classification lines; only the demo's figures for them are invented.
                "is_demo": False,
            }
        )
    return pd.DataFrame(rows)
