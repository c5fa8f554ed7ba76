"""The registry's own rules and the texts its builders write (metrics/registry.py): the
Decision 766 groups and the service counts as a reader sees them (names, formula, unit,
scale, due day, decimals), the published targets and milestones, the language switch.
Every expected text and figure is written out here from the published sources; the
registry is read through the module at call time."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import metrics.registry as registry

_766_VI = "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)"
_766_EN = "Service index for citizens and businesses (Decision 766)"


def _get(code: str) -> registry.Indicator:
    return registry.get_indicator(code)


def test_a_decision_766_group_reads_as_points_out_of_its_scale() -> None:
    got = dataclasses.asdict(_get("service_index_766_online"))
    assert got.pop("status_rule") == {
        "on_track_min_probability": 0.75,
        "off_track_below_probability": 0.25,
        "min_points": 6,
        "stable_band": 0.5,
    }
    assert got == {
        "code": "service_index_766_online",
        "name_vi": "Dịch vụ công trực tuyến và thanh toán trực tuyến",
        "name_en": "Online service and online payment",
        "short_vi": "Dịch vụ công trực tuyến và thanh toán trực tuyến",
        "short_en": "Online service and online payment",
        "definition_vi": "Hai nhóm chỉ số dịch vụ công trực tuyến (12 điểm) và thanh toán "
        "trực tuyến (10 điểm).",
        "definition_en": "The online service (12 points) and online payment (10 points) groups.",
        "formula_vi": "Điểm do Cổng Dịch vụ công quốc gia chấm, tối đa 22 điểm",
        "formula_en": "Points scored by the National Public Service Portal, out of 22",
        "unit": "points",
        "direction": "higher",
        "frequency": "weekly",
        "grain": "city",
        "time_rollup": None,
        "is_rate": False,
        "numerator_vi": "Điểm",
        "numerator_en": "Points",
        "denominator_vi": "",
        "denominator_en": "",
        "basis_vi": _766_VI,
        "basis_en": _766_EN,
        "source_system_vi": "Cổng Dịch vụ công quốc gia – Bộ chỉ số 766",
        "source_system_en": "National Public Service Portal – Decision 766 index",
        "owner_vi": "Văn phòng Chính phủ (chấm điểm); Văn phòng UBND Thành phố (theo dõi)",
        "owner_en": "Government Office (scoring); Office of the City People's Committee "
        "(follow-up)",
        "legal_basis_vi": "Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ",
        "legal_basis_en": "Prime Minister's Decision 766/QD-TTg of 23 June 2022",
        "freshness_vi": "Hằng tuần, theo công bố trên Cổng Dịch vụ công quốc gia",
        "freshness_en": "Weekly, as published on the National Public Service Portal",
        "freshness_due_day": 7,
        "is_headline": False,
        "decimals": 2,
        "targets": (),
        "published_code": None,
        "published_basis_prefix": None,
        "max_value": 22.0,
        "note_vi": "Số liệu Thành phố công bố hằng tuần gộp hai nhóm này thành một nhóm 22 điểm.",
        "note_en": "The city's weekly figure publishes these two groups as one 22-point group.",
    }
    # A group without a note has none; the total is out of 100.
    transparency = _get("service_index_766_transparency")
    assert (transparency.note_vi, transparency.note_en, transparency.max_value) == ("", "", 18.0)
    assert _get("service_index_766_total").formula_en == (
        "Points scored by the National Public Service Portal, out of 100"
    )


def test_a_service_count_reads_as_a_count_of_what_the_city_offers() -> None:
    got = dataclasses.asdict(_get("online_services_partial"))
    got.pop("status_rule")
    assert got == {
        "code": "online_services_partial",
        "name_vi": "Dịch vụ công trực tuyến một phần",
        "name_en": "Partial online services",
        "short_vi": "Dịch vụ công trực tuyến một phần",
        "short_en": "Partial online services",
        "definition_vi": "Số dịch vụ công trực tuyến một phần Thành phố cung cấp trên Cổng "
        "Dịch vụ công tại ngày công bố.",
        "definition_en": "The number of partial online services the city offers on the "
        "public-service portal on the day published.",
        "formula_vi": "Đếm số dịch vụ công trực tuyến một phần",
        "formula_en": "Count of partial online services",
        "unit": "services",
        "direction": "higher",
        "frequency": "annual",
        "grain": "city",
        "time_rollup": None,
        "is_rate": False,
        "numerator_vi": "Dịch vụ",
        "numerator_en": "Services",
        "denominator_vi": "",
        "denominator_en": "",
        "basis_vi": "Báo cáo của UBND Thành phố",
        "basis_en": "City report",
        "source_system_vi": "Cổng Dịch vụ công TP.HCM",
        "source_system_en": "HCMC public-service portal",
        "owner_vi": "Văn phòng UBND Thành phố",
        "owner_en": "Office of the City People's Committee",
        "legal_basis_vi": "Nghị định 42/2022/NĐ-CP về cung cấp dịch vụ công trực tuyến",
        "legal_basis_en": "Decree 42/2022 on online public services",
        "freshness_vi": "Khi Thành phố công bố",
        "freshness_en": "When the city publishes it",
        "freshness_due_day": 31,
        "is_headline": False,
        "decimals": 0,
        "targets": (),
        "published_code": None,
        "published_basis_prefix": None,
        "max_value": None,
        "note_vi": "",
        "note_en": "",
    }


def test_a_year_target_is_reached_by_31_december_as_published() -> None:
    target = _get("digital_economy_share_grdp").year_end_target(2025)
    assert target is not None and target.is_carried_forward is False
    assert dataclasses.asdict(target.target) == {
        "year": 2025,
        "value": 25.0,
        "comparator": ">=",
        "due_date": dt.date(2025, 12, 31),
        "source_vi": "Chương trình chuyển đổi số TP.HCM (Quyết định 2393/QĐ-UBND năm 2020)",
        "source_en": "HCMC digital-transformation programme (Decision 2393/QD-UBND, 2020)",
        "source_url": "https://vneconomy.vn/quy-mo-kinh-te-so-tp-hcm-nam-2021-dat-gan-8-3-ty-usd.htm",
        "is_year_end": True,
        "label_vi": "",
        "label_en": "",
        "batch_id": None,
    }
    online = _get("online_dossier_share").year_end_target(2025)
    assert online is not None and (online.target.value, online.target.due_date) == (
        50.0,
        dt.date(2025, 12, 31),
    )


def test_the_disbursement_milestones_are_the_quarters_of_2025() -> None:
    milestones = _get("public_investment_disbursement").milestones(2025)
    assert [
        (m.year, m.value, m.comparator, m.due_date, m.is_year_end, m.label_vi, m.label_en)
        for m in milestones
    ] == [
        (2025, 7.5, ">=", dt.date(2025, 3, 31), False, "Quý I", "Q1"),
        (2025, 25.0, ">=", dt.date(2025, 6, 30), False, "Quý II", "Q2"),
        (2025, 50.0, ">=", dt.date(2025, 9, 30), False, "Quý III", "Q3"),
        (2025, 95.0, ">=", dt.date(2025, 12, 31), True, "Cả năm", "Full year"),
    ]
    first = milestones[0]
    assert (first.source_vi, first.source_en) == (
        "Mốc giải ngân theo quý năm 2025 của UBND TP.HCM",
        "HCMC quarterly disbursement milestones for 2025",
    )
    assert first.source_url == (
        "https://news.laodong.vn/xa-hoi/tphcm-siet-ky-luat-giai-ngan-dat-muc-tieu-but-pha-1487730.ldo"
    )
    assert first.batch_id is None


def test_a_later_year_keeps_the_last_milestones_moved_to_it() -> None:
    base = _get("public_investment_disbursement")
    loaded = dataclasses.replace(base.targets[1], batch_id=7)
    indicator = dataclasses.replace(base, targets=(base.targets[0], loaded, *base.targets[2:]))
    moved = indicator.milestones(2027)
    assert [m.due_date for m in moved] == [
        dt.date(2027, 3, 31),
        dt.date(2027, 6, 30),
        dt.date(2027, 9, 30),
        dt.date(2027, 12, 31),
    ]
    for old, new in zip(indicator.targets, moved, strict=True):
        assert dataclasses.replace(new, year=2025, due_date=old.due_date) == old
        assert new.year == 2027
    assert moved[1].batch_id == 7
    # Before the first year with milestones: none.
    assert indicator.milestones(2024) == ()
    # The moved ones come from the latest year only, in due-date order.
    later = dataclasses.replace(
        indicator,
        targets=(
            *indicator.targets,
            dataclasses.replace(base.targets[3], year=2026, due_date=dt.date(2026, 12, 31)),
            dataclasses.replace(base.targets[0], year=2026, due_date=dt.date(2026, 3, 31)),
        ),
    )
    assert [(m.year, m.due_date, m.value) for m in later.milestones(2028)] == [
        (2028, dt.date(2028, 3, 31), 7.5),
        (2028, dt.date(2028, 12, 31), 95.0),
    ]


def test_the_year_end_target_in_force_is_the_years_own_or_the_latest_earlier_one() -> None:
    digital = _get("digital_economy_share_grdp")  # 2022, 2025, 2026, 2030
    got = digital.year_end_target(2024)
    assert got is not None and (got.target.year, got.is_carried_forward) == (2022, True)
    got = digital.year_end_target(2026)
    assert got is not None and (got.target.year, got.is_carried_forward) == (2026, False)
    got = digital.year_end_target(2029)
    assert got is not None and (got.target.year, got.target.value) == (2026, 30.0)
    assert digital.year_end_target(2021) is None
    # Milestones are not year-end targets: 2025's year-end target is the 95 %.
    disbursement = _get("public_investment_disbursement").year_end_target(2026)
    assert disbursement is not None and disbursement.target.value == 95.0


@pytest.mark.parametrize(("lang", "expected"), [("vi", "vi"), ("en", "en"), ("fr", "en")])
def test_texts_follow_the_readers_language_english_for_any_other(lang: str, expected: str) -> None:
    indicator = _get("online_dossier_share")
    assert indicator.name(lang) == getattr(indicator, f"name_{expected}")
    assert indicator.short(lang) == getattr(indicator, f"short_{expected}")
    assert indicator.text("definition", lang) == getattr(indicator, f"definition_{expected}")
    assert indicator.name_vi != indicator.name_en and indicator.short_vi != indicator.short_en


def test_an_unknown_code_names_every_known_one_in_order() -> None:
    with pytest.raises(KeyError) as raised:
        registry.get_indicator("nope")
    message = raised.value.args[0]
    known = sorted(i.code for i in registry.INDICATORS)
    assert message == f"unknown indicator code 'nope'; known codes: {', '.join(known)}"
    assert registry.get_indicator("satisfaction_rate").code == "satisfaction_rate"


def test_the_headline_indicators_in_the_overviews_order() -> None:
    assert [i.code for i in registry.headline_indicators()] == [
        "online_dossier_share",
        "satisfaction_rate",
        "public_investment_disbursement",
        "digital_economy_share_grdp",
    ]
