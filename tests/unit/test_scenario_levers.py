"""Bad levers and bad lever files are refused whole, each with its exact message; the
assumptions file describes every lever fully; a lever file round-trips."""

from __future__ import annotations

import pytest

from i18n import t
from scenarios import engine
from scenarios.leverfile import MAX_BYTES, read_csv, to_csv
from scenarios.levers import ScenarioError, load_catalogue
from tests.unit.scenario_fixtures import synthetic_baseline

BASE = synthetic_baseline(n_paths=200)

INVALID = [
    (
        "out of bounds",
        "Closure",
        {"online_extra_growth": {"pp_per_month": 7.5}},
        "Lever online_extra_growth, pp_per_month: 7.5 is outside its bounds 0 to 5.",
    ),
    (
        "unknown unit",
        "Lowest wards",
        {"online_extra_growth": {"pp_per_month": 1, "units": ["u1", "p-999"]}},
        "Lever online_extra_growth, units: unit p-999 does not exist; use unit codes from the "
        "unit list.",
    ),
    (
        "end before start",
        "Closure",
        {"sector_closure": {"sectors": ["X"], "start_month": "2026-05", "reopen_month": "2026-03"}},
        "Lever sector_closure: the reopening month 2026-03 is not after the closing month 2026-05.",
    ),
    (
        "wrong type",
        "Closure",
        {"capital_plan_change": {"change_pct": "a lot"}},
        "Lever capital_plan_change, change_pct: a lot is not a number.",
    ),
    (
        "a boolean is not a number",
        "Closure",
        {"processing_time": {"on_time_pp": True}},
        "Lever processing_time, on_time_pp: True is not a number.",
    ),
    (
        "empty name",
        "   ",
        {"online_extra_growth": {"pp_per_month": 1}},
        "The scenario needs a name.",
    ),
    (
        "unknown lever",
        "Closure",
        {"tax_cut": {"pct": 1}},
        "Lever tax_cut does not exist; use one of: online_extra_growth, processing_time, "
        "disbursement_curve, capital_plan_change, sector_growth, sector_closure.",
    ),
    (
        "unknown sector",
        "Closure",
        {"sector_closure": {"sectors": ["Z"], "reopen_month": "2026-05"}},
        "Lever sector_closure, sectors: sector Z does not exist; use sector codes of GRDP by "
        "sector.",
    ),
    (
        "month outside the year",
        "Closure",
        {"capital_plan_change": {"change_pct": 5, "from_month": "2025-12"}},
        "Lever capital_plan_change, from_month: 2025-12 is outside the scenario year 2026.",
    ),
    (
        "not a month",
        "Closure",
        {"capital_plan_change": {"change_pct": 5, "from_month": "December"}},
        "Lever capital_plan_change, from_month: December is not a month; write it as YYYY-MM, "
        "e.g. 2026-11.",
    ),
    (
        "unknown curve year",
        "Curve",
        {"disbursement_curve": {"mode": "earlier_year", "curve_year": 2019}},
        "Lever disbursement_curve, curve_year: no disbursement curve is known for 2019; use one "
        "of: 2024.",
    ),
    (
        "whole number expected",
        "Lowest",
        {"online_extra_growth": {"pp_per_month": 1, "lowest_n": 2.5}},
        "Lever online_extra_growth, lowest_n: 2.5 is not a whole number.",
    ),
]


@pytest.mark.parametrize(
    ("name", "overrides", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_scenarios_are_refused_with_their_message(
    name: str, overrides: dict, message: str
) -> None:
    with pytest.raises(ScenarioError) as raised:
        engine.scenario(BASE, name, overrides)
    assert str(raised.value) == message
    # Every message exists in Vietnamese too.
    assert all(raised.value.messages("vi"))


def test_every_problem_is_reported_together() -> None:
    with pytest.raises(ScenarioError) as raised:
        engine.scenario(
            BASE,
            "",
            {"online_extra_growth": {"pp_per_month": -1}, "capital_plan_change": {"x": 1}},
        )
    assert [p.code for p in raised.value.problems] == [
        "empty_name",
        "out_of_bounds",
        "unknown_parameter",
    ]


def test_the_vietnamese_message_names_the_lever() -> None:
    with pytest.raises(ScenarioError) as raised:
        engine.scenario(BASE, "x", {"online_extra_growth": {"pp_per_month": 7.5}})
    assert raised.value.messages("vi") == [
        "Giả định online_extra_growth, pp_per_month: 7.5 nằm ngoài giới hạn từ 0 đến 5."
    ]


def test_every_lever_is_fully_described() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.levers) >= 6
    for lever in catalogue.levers:
        for field in ("name", "description", "source"):
            assert lever.text(field, "vi").strip() and lever.text(field, "en").strip()
        assert lever.indicators
        for parameter in lever.parameters:
            assert parameter.unit
            if parameter.type in ("number", "integer"):
                assert parameter.minimum is not None and parameter.maximum is not None
                assert parameter.minimum <= float(parameter.default) <= parameter.maximum
        if lever.primary is not None:
            assert lever.parameter(lever.primary).type in ("number", "integer")
        # The page labels each parameter from the i18n catalogue, in both languages.
        for parameter in lever.parameters:
            for lang in ("vi", "en"):
                assert t(f"scenario_parameter_{lever.code}_{parameter.name}", lang)


def test_lever_file_round_trips() -> None:
    overrides = {
        "online_extra_growth": {"pp_per_month": 1.5, "lowest_n": 2},
        "capital_plan_change": {"change_pct": -10.0, "from_month": "2026-12"},
        "sector_closure": {
            "sectors": ["X", "Y"],
            "start_month": "2026-11",
            "reopen_month": "2027-01",
            "activity_pct": 30,
        },
    }
    chosen = engine.scenario(BASE, "=Đóng cửa hai tháng", overrides, 42)
    data = to_csv(chosen, 2026)
    assert b"'=\xc4\x90" in data  # the name that starts like a formula is neutralised
    loaded = read_csv(data)
    assert (loaded.name, loaded.year, loaded.seed) == ("=Đóng cửa hai tháng", 2026, 42)
    again = engine.scenario(BASE, loaded.name, loaded.overrides, loaded.seed)
    assert again.levers == chosen.levers


LEVER_FILE_CASES = [
    (
        "10 MB",
        b"lever,parameter,value\n" + b"online_extra_growth,pp_per_month,1\n" * 290_000,
        f"The lever file is 10150022 bytes; a lever file may be at most {MAX_BYTES} bytes.",
    ),
    (
        "formula",
        b"lever,parameter,value\nscenario,name,ok\nonline_extra_growth,pp_per_month,"
        b'"=HYPERLINK(""http://x"",""1"")"\n',
        'Lever file row 3, column value: =HYPERLINK("http://x","1") looks like a spreadsheet '
        "formula; lever files hold numbers, months and codes only.",
    ),
    (
        "formula in the lever column",
        b"lever,parameter,value\n@SUM(A1),pp_per_month,1\n",
        "Lever file row 2, column lever: @SUM(A1) looks like a spreadsheet formula; lever "
        "files hold numbers, months and codes only.",
    ),
    (
        "no header",
        b"online_extra_growth,pp_per_month,1\n",
        "The lever file must start with the header lever,parameter,value.",
    ),
    (
        "not UTF-8",
        "lever,parameter,value\nscenario,name,Đóng\n".encode("utf-16"),
        "The lever file is not UTF-8 text; save it as CSV UTF-8.",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"),
    [case[1:] for case in LEVER_FILE_CASES],
    ids=[case[0] for case in LEVER_FILE_CASES],
)
def test_bad_lever_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        read_csv(data)
    assert str(raised.value) == message


def test_a_negative_number_is_not_a_formula() -> None:
    loaded = read_csv(b"lever,parameter,value\ncapital_plan_change,change_pct,-12.5\n")
    assert loaded.overrides == {"capital_plan_change": {"change_pct": -12.5}}


def test_a_lever_file_with_a_wrong_value_is_refused_by_validation() -> None:
    loaded = read_csv(b"lever,parameter,value\nscenario,name,X\nprocessing_time,on_time_pp,abc\n")
    with pytest.raises(ScenarioError) as raised:
        engine.scenario(BASE, loaded.name, loaded.overrides)
    assert str(raised.value) == "Lever processing_time, on_time_pp: abc is not a number."
