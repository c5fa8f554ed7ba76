"""The submission layouts: one per kind of file, their columns, and the blank templates.

A file's kind is told by its header row. Column names are the codes below (lower case,
as in the template); each file holds one kind. Lines whose first cell starts with ``#``
are comments and are skipped (the template's worked example is one: delete the ``#`` to
use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import pandas as pd


class Kind(StrEnum):
    """What a submitted file holds (``load_batches.batch_kind``)."""

    OBSERVATIONS = "observations"
    CAPITAL_PLANS = "capital_plans"
    TARGETS = "targets"


FieldType = Literal["code", "period", "year", "number", "date", "text", "comparator", "flag", "url"]


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a layout."""

    name: str
    type: FieldType
    required: bool
    max_chars: int
    example: str
    help_vi: str
    help_en: str


OBSERVATION_FIELDS: tuple[Field, ...] = (
    Field(
        "indicator_code",
        "code",
        True,
        60,
        "online_dossier_share",
        "Mã chỉ tiêu (xem danh sách mã ở trang Dữ liệu hoặc trong mẫu)",
        "Indicator code (listed on the Data page and in the template)",
    ),
    Field(
        "unit_code",
        "code",
        True,
        40,
        "25747",
        "Mã đơn vị: mã 5 chữ số của phường, xã, đặc khu; mã sở, ban, ngành; city cho Thành phố",
        "Unit code: the five-digit code of a ward, commune or special zone; a department's "
        "code; city for the city",
    ),
    Field(
        "period",
        "period",
        True,
        10,
        "2026-10",
        "Tháng báo cáo, dạng YYYY-MM; tháng phải đã kết thúc",
        "Month reported, as YYYY-MM; the month must have ended",
    ),
    Field(
        "plan_year",
        "year",
        False,
        4,
        "",
        "Chỉ cho giải ngân: năm kế hoạch của số liệu tháng 1 thuộc thời gian kéo dài (để trống: "
        "năm của tháng báo cáo)",
        "Disbursement only: the plan year of a January figure in the extension month (empty: "
        "the year of the month)",
    ),
    Field(
        "breakdown",
        "code",
        False,
        80,
        "",
        "Để trống cho tổng số của đơn vị; hoặc mã phân tổ, ví dụ procedure:1.001612",
        "Empty for the unit's total; or a breakdown code, e.g. procedure:1.001612",
    ),
    Field(
        "numerator",
        "number",
        False,
        30,
        "1234",
        "Tử số của tỷ lệ (ví dụ hồ sơ trực tuyến); số không có dấu phân cách hàng nghìn, "
        "dấu chấm cho phần thập phân",
        "The rate's numerator (e.g. online dossiers); a number without thousands "
        "separators, with a point for decimals",
    ),
    Field(
        "denominator",
        "number",
        False,
        30,
        "2345",
        "Mẫu số của tỷ lệ (ví dụ tổng hồ sơ tiếp nhận)",
        "The rate's denominator (e.g. all dossiers received)",
    ),
    Field(
        "value",
        "number",
        False,
        30,
        "",
        "Chỉ tiêu không phải tỷ lệ: giá trị (ví dụ số hồ sơ). Với tỷ lệ: có thể ghi % để đối "
        "chiếu với tử số/mẫu số",
        "An indicator that is not a rate: its value (e.g. a count). For a rate: the % may "
        "be given, and is checked against numerator/denominator",
    ),
)

CAPITAL_PLAN_FIELDS: tuple[Field, ...] = (
    Field(
        "unit_code",
        "code",
        True,
        40,
        "dept-transport",
        "Mã chủ đầu tư (sở, ban quản lý dự án, phường, xã)",
        "The project owner's code (department, project board, ward, commune)",
    ),
    Field(
        "plan_year",
        "year",
        True,
        4,
        "2026",
        "Năm kế hoạch vốn",
        "The plan year",
    ),
    Field(
        "effective_date",
        "date",
        True,
        10,
        "2026-07-01",
        "Ngày kế hoạch (hoặc điều chỉnh) có hiệu lực, dạng YYYY-MM-DD",
        "The day the plan (or its revision) takes effect, as YYYY-MM-DD",
    ),
    Field(
        "plan_billion_vnd",
        "number",
        True,
        30,
        "1250.5",
        "Kế hoạch vốn năm, tỷ đồng",
        "The annual capital plan, billion VND",
    ),
    Field(
        "source_document",
        "text",
        True,
        300,
        "Quyết định 1234/QĐ-UBND ngày 01/07/2026",
        "Quyết định giao hoặc điều chỉnh kế hoạch vốn",
        "The decision that assigns or revises the plan",
    ),
)

TARGET_FIELDS: tuple[Field, ...] = (
    Field(
        "indicator_code",
        "code",
        True,
        60,
        "online_dossier_share",
        "Mã chỉ tiêu",
        "Indicator code",
    ),
    Field("target_year", "year", True, 4, "2026", "Năm của chỉ tiêu", "The target's year"),
    Field(
        "due_date",
        "date",
        False,
        10,
        "2026-12-31",
        "Hạn phải đạt, dạng YYYY-MM-DD (để trống: 31/12 của năm)",
        "The day by which it must be reached, as YYYY-MM-DD (empty: 31 December of the year)",
    ),
    Field(
        "comparator",
        "comparator",
        False,
        2,
        ">=",
        "«>=» (đạt khi bằng hoặc cao hơn) hoặc «<=»; để trống: theo chiều đánh giá của chỉ tiêu",
        "'>=' (met at or above) or '<='; empty: from the indicator's direction",
    ),
    Field(
        "target_value",
        "number",
        True,
        30,
        "60",
        "Giá trị chỉ tiêu, theo đơn vị tính của chỉ tiêu (với tỷ lệ: %)",
        "The target value, in the indicator's unit (a rate: %)",
    ),
    Field(
        "is_year_end",
        "flag",
        False,
        5,
        "",
        "Có phải chỉ tiêu cả năm không (có/không); để trống: có khi hạn là 31/12",
        "Whether it is the year's target (yes/no); empty: yes when due on 31 December",
    ),
    Field(
        "label",
        "text",
        False,
        100,
        "",
        "Nhãn của mốc, ví dụ Quý I (để trống với chỉ tiêu cả năm)",
        "A milestone's label, e.g. Q1 (empty for a year's target)",
    ),
    Field(
        "source_document",
        "text",
        True,
        300,
        "Quyết định 123/QĐ-UBND ngày 15/01/2026",
        "Quyết định hoặc văn bản giao chỉ tiêu",
        "The decision or document that sets the target",
    ),
    Field(
        "source_url",
        "url",
        False,
        500,
        "",
        "Địa chỉ (https://…) của văn bản, nếu có",
        "The document's address (https://…), if any",
    ),
)

LAYOUTS: dict[Kind, tuple[Field, ...]] = {
    Kind.OBSERVATIONS: OBSERVATION_FIELDS,
    Kind.CAPITAL_PLANS: CAPITAL_PLAN_FIELDS,
    Kind.TARGETS: TARGET_FIELDS,
}

KEY_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.OBSERVATIONS: ("indicator_code", "unit_code", "plan_year", "period", "breakdown"),
    Kind.CAPITAL_PLANS: ("unit_code", "plan_year", "effective_date"),
    Kind.TARGETS: ("indicator_code", "target_year", "due_date"),
}
"""The columns that identify a row: two rows with the same key are duplicates."""

_SIGNATURES: dict[Kind, frozenset[str]] = {
    Kind.OBSERVATIONS: frozenset({"period"}),
    Kind.CAPITAL_PLANS: frozenset({"plan_billion_vnd", "effective_date"}),
    Kind.TARGETS: frozenset({"target_value", "target_year"}),
}

COMMENT_PREFIX = "#"


def kind_of(columns: list[str]) -> Kind | None:
    """The kind a header belongs to: the one whose distinctive columns it has most of;
    None when it has none of any.

    Examples
    --------
    >>> kind_of(["indicator_code", "unit_code", "period", "numerator", "denominator"])
    <Kind.OBSERVATIONS: 'observations'>
    >>> kind_of(["a", "b"]) is None
    True
    """
    present = set(columns)
    scores = {kind: len(signature & present) for kind, signature in _SIGNATURES.items()}
    best = max(scores.values())
    if best == 0:
        return None
    return next(kind for kind, score in scores.items() if score == best)


def field_names(kind: Kind) -> list[str]:
    """The columns of ``kind``'s layout, in template order."""
    return [field.name for field in LAYOUTS[kind]]


def template_frame(kind: Kind) -> pd.DataFrame:
    """The template's data sheet: the header and the worked example row, commented out.

    The example's first cell starts with ``#``: the loader skips it until the ``#`` is
    removed, so a template sent back untouched loads nothing by mistake.
    """
    fields = LAYOUTS[kind]
    example = [field.example for field in fields]
    example[0] = COMMENT_PREFIX + example[0]
    return pd.DataFrame([example], columns=[field.name for field in fields])


def guide_frame(kind: Kind) -> pd.DataFrame:
    """The template's guide: one row per column, whether it is required, what it holds."""
    return pd.DataFrame(
        {
            "cột / column": [f.name for f in LAYOUTS[kind]],
            "bắt buộc / required": [
                "có / yes" if f.required else "không / no" for f in LAYOUTS[kind]
            ],
            "hướng dẫn": [f.help_vi for f in LAYOUTS[kind]],
            "guide": [f.help_en for f in LAYOUTS[kind]],
        }
    )
