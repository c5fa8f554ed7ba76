"""The indicator registry: every indicator fully described, targets as published."""

import datetime as dt
import unicodedata

import pandas as pd
import pytest

from data_access.writes import PUBLISHED_FILE
from metrics.registry import (
    HEADLINE_CODES,
    INDICATORS,
    Frequency,
    get_indicator,
    headline_indicators,
)

TEXT_FIELDS = (
    "name",
    "short",
    "definition",
    "formula",
    "basis",
    "source_system",
    "owner",
    "legal_basis",
    "freshness",
)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_indicator_is_fully_described_in_both_languages(indicator, field, lang):
    text = indicator.text(field, lang)
    assert text.strip(), f"{indicator.code}.{field}_{lang} is empty"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.code)
def test_rates_name_numerator_and_denominator(indicator):
    if indicator.is_rate:
        for lang in ("vi", "en"):
            assert indicator.text("numerator", lang).strip()
            assert indicator.text("denominator", lang).strip()
        assert indicator.unit == "percent"


def test_codes_are_unique_and_four_headlines():
    codes = [i.code for i in INDICATORS]
    assert len(codes) == len(set(codes))
    assert HEADLINE_CODES == (
        "online_dossier_share",
        "satisfaction_rate",
        "public_investment_disbursement",
        "digital_economy_share_grdp",
    )
    assert [i.code for i in headline_indicators()] == list(HEADLINE_CODES)


def test_unknown_code_names_the_known_ones():
    with pytest.raises(KeyError, match=r"known codes: .*online_dossier_share"):
        get_indicator("online_share")


def _published_targets() -> pd.DataFrame:
    frame = pd.read_csv(PUBLISHED_FILE, dtype=str)
    return frame[frame["kind"] == "target"]


@pytest.mark.parametrize(
    "row",
    [r for _, r in _published_targets().iterrows() if r["indicator"] != "egov_rank"],
    ids=lambda r: f"{r['indicator']}-{r['period_end']}",
)
def test_registry_targets_match_the_published_targets(row):
    indicator = get_indicator(row["indicator"])
    due = dt.date.fromisoformat(row["period_end"])
    matches = [t for t in indicator.targets if t.due_date == due]
    assert len(matches) == 1, f"no registry target due {due} for {indicator.code}"
    assert matches[0].value == pytest.approx(float(row["value"]))
    assert matches[0].comparator == ">="


def test_every_registry_target_is_published():
    published = _published_targets()
    for indicator in headline_indicators():
        for target in indicator.targets:
            same = published[
                (published["indicator"] == indicator.code)
                & (published["period_end"] == target.due_date.isoformat())
            ]
            assert len(same) == 1, f"{indicator.code} {target.due_date} not in the published file"


@pytest.mark.parametrize(
    ("code", "year", "value", "carried"),
    [
        ("online_dossier_share", 2024, None, None),
        ("online_dossier_share", 2025, 50.0, False),
        ("online_dossier_share", 2026, 50.0, True),
        ("satisfaction_rate", 2026, 90.0, True),
        ("public_investment_disbursement", 2025, 95.0, False),
        ("public_investment_disbursement", 2026, 95.0, True),
        ("digital_economy_share_grdp", 2021, None, None),
        ("digital_economy_share_grdp", 2022, 15.0, False),
        ("digital_economy_share_grdp", 2024, 15.0, True),
        ("digital_economy_share_grdp", 2026, 30.0, False),
        ("digital_economy_share_grdp", 2027, 30.0, True),
        ("digital_economy_share_grdp", 2030, 40.0, False),
    ],
)
def test_year_end_target_in_force(code, year, value, carried):
    in_force = get_indicator(code).year_end_target(year)
    if value is None:
        assert in_force is None
    else:
        assert in_force is not None
        assert in_force.target.value == value
        assert in_force.is_carried_forward is carried


def test_disbursement_milestones_carry_forward_to_a_later_year():
    milestones = get_indicator("public_investment_disbursement").milestones(2026)
    assert [(m.due_date, m.value) for m in milestones] == [
        (dt.date(2026, 3, 31), 7.5),
        (dt.date(2026, 6, 30), 25.0),
        (dt.date(2026, 9, 30), 50.0),
        (dt.date(2026, 12, 31), 95.0),
    ]


def test_headline_frequencies():
    assert get_indicator("digital_economy_share_grdp").frequency is Frequency.ANNUAL
    assert get_indicator("online_dossier_share").frequency is Frequency.MONTHLY
