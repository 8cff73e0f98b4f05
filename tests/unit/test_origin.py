"""USMCA origin checks against worked examples computed by hand from the Agreement's formulas.

Formulas (USMCA Chapter 4): transaction-value method RVC = (TV - VNM) / TV (Art. 4.5.2); net-cost
method RVC = (NC - VNM) / NC (Art. 4.5.3); de minimis 10% of the adjusted TV or of the total
cost (Art. 4.12.1). Automotive thresholds from the appendix to Annex 4-B (Art. 3.1, 3.2, 4.1, 6.1,
7). Every number asserted below is worked out in the test's docstring.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.measures.origin import (
    DE_MINIMIS,
    check_origin,
    de_minimis_exception,
    regional_value_content,
)
from tradewinds.measures.origin_schema import load_bom, parse_bom

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "origin"


def general(**over: Any) -> dict[str, Any]:
    """A non-automotive good with two non-originating materials (30,000 and 12,000)."""
    bom: dict[str, Any] = {
        "good": {"hts": "8479.89", "description": "machine", "category": "other"},
        "claim_date": "2025-06-01",
        "transaction_value": 100_000,
        "net_cost": 90_000,
        "rule": {"rvc_transaction_value": 0.60, "rvc_net_cost": 0.50},
        "materials": [
            {"name": "motor", "value": 30_000, "originating": False},
            {"name": "controller", "value": 12_000, "originating": False},
            {"name": "frame", "value": 20_000, "originating": True},
        ],
    }
    bom.update(over)
    return bom


def vehicle(**over: Any) -> dict[str, Any]:
    """A passenger vehicle that passes every test on 2025-05-01 (numbers in the docstrings)."""
    bom: dict[str, Any] = {
        "good": {"hts": "8703.23", "category": "passenger_vehicle"},
        "claim_date": "2025-05-01",
        "net_cost": 10_000,
        "core_parts_method": "net_cost",
        "materials": [
            {
                "name": "engine",
                "value": 2_000,
                "originating": True,
                "role": "core_part",
                "non_originating_content": 200,
                "plant_wage": 25,
            },
            {
                "name": "gearbox",
                "value": 1_000,
                "originating": True,
                "role": "core_part",
                "non_originating_content": 100,
                "plant_wage": 16.0,
            },
            {"name": "imported electronics", "value": 1_500, "originating": False},
            {"name": "seats", "value": 1_000, "originating": True, "plant_wage": 15.99},
        ],
        "labour": {
            "lines": [
                {"name": "assembly", "hours": 50, "wage": 20},
                {"name": "R&D", "kind": "technology", "value": 1_500, "wage": 40},
            ],
            "high_wage_assembly_credit": True,
        },
        "steel_aluminium": {
            "steel": {"total": 1_000, "originating": 700},
            "aluminium": {"total": 1_000, "originating": 800},
        },
    }
    bom.update(over)
    return bom


def run(data: dict[str, Any]) -> Any:
    return check_origin(parse_bom(data, "test BOM"))


def test_rvc_formulas_article_4_5() -> None:
    """TV 100, VNM 40: (100 - 40) / 100 = 0.60. NC 80, VNM 40: (80 - 40) / 80 = 0.50."""
    assert regional_value_content(100, 40) == pytest.approx(0.60)
    assert regional_value_content(80, 40) == pytest.approx(0.50)
    with pytest.raises(DataError):
        regional_value_content(0, 0)


def test_passes_under_net_cost_but_fails_under_transaction_value() -> None:
    """VNM = 30,000 + 12,000 = 42,000.

    TV method: (100,000 - 42,000) / 100,000 = 58.00% < 60%: fails by 2 points, i.e. VNM must
    fall by 0.02 x 100,000 = 2,000; the smallest material that covers it is the controller
    (12,000). NC method: (90,000 - 42,000) / 90,000 = 53.33% >= 50%: passes by 3.33 points,
    slack 0.0333 x 90,000 = 3,000. Either method suffices, so the good qualifies.
    """
    result = run(general())
    tv, nc = result.check("rvc_transaction_value"), result.check("rvc_net_cost")
    assert tv.value == pytest.approx(0.58)
    assert tv.margin == pytest.approx(-0.02)
    assert tv.passed is False
    assert tv.details["change_needed"] == pytest.approx(-2_000)
    assert tv.details["flip"]["name"] == "controller"
    assert nc.value == pytest.approx(48 / 90)
    assert nc.margin == pytest.approx(48 / 90 - 0.5)
    assert nc.details["slack"] == pytest.approx(3_000)
    assert nc.passed is True
    assert result.qualifies


def test_fails_both_methods_and_names_the_material() -> None:
    """NC lowered to 80,000: (80,000 - 42,000) / 80,000 = 47.50% < 50% (short 2,000 of VNM).

    TV still 58% < 60% (short 2,000). Neither passes, so the good does not qualify; the pivot
    names the method closest to its threshold (TV, -2.0 points vs NC, -2.5 points) and the
    controller (12,000), the smallest non-originating material whose switch would pass.
    """
    result = run(general(net_cost=80_000))
    assert result.check("rvc_net_cost").value == pytest.approx(0.475)
    assert not result.qualifies
    assert "transaction-value" in result.pivot
    assert "'controller'" in result.pivot


def test_no_single_material_flips() -> None:
    """Rule at 90% TV: needs VNM <= 10,000, short by 32,000; motor (30,000) closes 94%."""
    bom = general(rule={"rvc_transaction_value": 0.90})
    result = run(bom)
    tv = result.check("rvc_transaction_value")
    assert tv.details["change_needed"] == pytest.approx(-32_000)
    assert "flip" not in tv.details
    assert "94%" in tv.lever
    assert tv.details["largest_non_originating"] == {"name": "motor", "value": 30_000}


def shift_bom(drum: float, **over: Any) -> dict[str, Any]:
    """A tariff-shift-only rule; one non-originating material ('drum') fails the shift."""
    bom = general(
        rule={"tariff_shift": True},
        materials=[
            {
                "name": "drum",
                "hts": "8402.90",
                "value": drum,
                "originating": False,
                "meets_tariff_shift": False,
            },
            {"name": "burner", "value": 30_000, "originating": False, "meets_tariff_shift": True},
        ],
        transaction_value=50_000,
        net_cost=45_000,
    )
    bom.update(over)
    return bom


@pytest.mark.parametrize(
    ("drum", "share", "qualifies"),
    [(4_800, 0.096, True), (5_000, 0.100, True), (5_200, 0.104, False)],
)
def test_de_minimis_rescues_a_material_that_fails_the_shift(
    drum: float, share: float, qualifies: bool
) -> None:
    """De minimis, Art. 4.12.1: non-shifting value over TV 50,000.

    4,800 / 50,000 = 9.6% <= 10% (rescued); 5,000 / 50,000 = 10% (at the limit, rescued);
    5,200 / 50,000 = 10.4% > 10% (not rescued, so the tariff shift is not met).
    """
    result = run(shift_bom(drum))
    dm = result.check("de_minimis")
    assert dm.value == pytest.approx(share)
    assert dm.threshold == DE_MINIMIS
    assert result.check("tariff_shift").passed is False
    assert result.qualifies is qualifies


def test_de_minimis_either_base_total_cost() -> None:
    """TV 45,000, total cost 52,000, drum 5,000: 11.1% of TV but 9.6% of total cost.

    Art. 4.12.1 allows either base, so the good is rescued on total cost (5,000 / 52,000).
    """
    result = run(shift_bom(5_000, transaction_value=45_000, total_cost=52_000))
    dm = result.check("de_minimis")
    assert dm.value == pytest.approx(5_000 / 52_000)
    assert dm.details["basis"] == "total_cost"
    assert result.qualifies


def test_de_minimis_materials_still_count_in_vnm() -> None:
    """Shift AND RVC 50% NC: drum 5,000 rescued by de minimis, but VNM = 5,000 + 30,000.

    NC method: (45,000 - 35,000) / 45,000 = 22.2% < 50%, so the good fails on RVC although
    de minimis saves the tariff shift (Art. 4.12: the value stays in VNM).
    """
    bom = shift_bom(5_000)
    bom["rule"] = {"tariff_shift": True, "rvc_net_cost": 0.5}
    result = run(bom)
    assert result.check("de_minimis").passed
    assert result.check("rvc_net_cost").value == pytest.approx(10 / 45)
    assert not result.qualifies


def test_de_minimis_dairy_exception() -> None:
    """Milk (0401.20) in a cheese (0406.10) cannot use de minimis (GN 11(e)(ii)(A)).

    1,000 / 50,000 = 2% would be within de minimis, but the exception bars it. The same milk in
    a bread of heading 1905 is not excepted and is rescued.
    """
    assert de_minimis_exception("0401.20", "0406.10") is not None
    assert de_minimis_exception("0401.20", "1905.90") is None
    assert de_minimis_exception("2009.11", "2202.90") is not None
    assert de_minimis_exception(None, "0406.10") is None
    bom = shift_bom(1_000)
    bom["good"] = {"hts": "0406.10", "category": "other"}
    bom["materials"][0]["hts"] = "0401.20"
    result = run(bom)
    assert result.check("de_minimis").value == pytest.approx(0.02)
    assert result.check("de_minimis").passed is False
    assert not result.qualifies
    bom["good"] = {"hts": "1905.90", "category": "other"}
    assert run(bom).qualifies


def test_tariff_shift_finding_required() -> None:
    """With rule.tariff_shift, every non-originating material needs meets_tariff_shift."""
    bom = shift_bom(1_000)
    del bom["materials"][1]["meets_tariff_shift"]
    with pytest.raises(DataError, match=r"materials\[1\]\.meets_tariff_shift"):
        run(bom)


def test_vehicle_passes_every_test() -> None:
    """Passenger vehicle, 2025-05-01, NC 10,000.

    RVC (NC, Appendix Art. 3.1, 75%): VNM 1,500; (10,000 - 1,500) / 10,000 = 85%.
    Core parts (NC basis, 75%): base 3,000, VNM 200 + 100; (3,000 - 300) / 3,000 = 90%.
    LVC (Art. 7, 40%): high-wage materials 2,000 (US$25) + 1,000 (US$16.00, at the line) = 3,000;
    assembly 50 h x US$20 = 1,000; M&M = 4,000 / 10,000 = 40%; technology 1,500 / 10,000 = 15%,
    capped at 10%; assembly credit 5%; LVC = 55%. Seats (US$15.99) do not count.
    Steel 700 / 1,000 = 70% (at the line, passes); aluminium 80%.
    """
    result = run(vehicle())
    assert result.check("rvc_net_cost").value == pytest.approx(0.85)
    assert result.check("rvc_net_cost").threshold == pytest.approx(0.75)
    assert result.check("core_parts_rvc").value == pytest.approx(0.90)
    lvc = result.check("lvc")
    assert lvc.details["material_and_manufacturing"] == pytest.approx(0.40)
    assert lvc.details["technology"] == pytest.approx(0.10)
    assert lvc.details["technology_uncapped"] == pytest.approx(0.15)
    assert lvc.value == pytest.approx(0.55)
    assert result.check("steel_purchases").value == pytest.approx(0.70)
    assert result.check("steel_purchases").passed
    assert result.qualifies
    with pytest.raises(KeyError):
        result.check("rvc_transaction_value")  # vehicles use the net-cost method only


def test_lvc_high_wage_line_at_16_dollars() -> None:
    """The US$16/hour line: the gearbox plant at US$15.99 instead of US$16.00.

    M&M = (2,000 + 1,000 assembly) / 10,000 = 30%; without the assembly credit and with no
    technology: LVC = 30% < 40%; short by max(40 - 30, 25 - 30) = 10 points = 1,000, and the
    gearbox (1,000) from a high-wage plant would close it exactly.
    """
    bom = vehicle()
    bom["materials"][1]["plant_wage"] = 15.99
    bom["labour"] = {"lines": [{"name": "assembly", "hours": 50, "wage": 20}]}
    result = run(bom)
    lvc = result.check("lvc")
    assert lvc.value == pytest.approx(0.30)
    assert lvc.passed is False
    assert lvc.details["change_needed"] == pytest.approx(1_000)
    assert lvc.details["flip"]["name"] == "gearbox"
    assert not result.qualifies
    bom["materials"][1]["plant_wage"] = 16.0
    assert run(bom).check("lvc").value == pytest.approx(0.40)
    assert run(bom).check("lvc").passed


def test_lvc_light_truck_45_percent_and_stated_shares() -> None:
    """Light truck: 45% with 30 points of M&M (Art. 7). Stated shares 0.28 + 0.10 + 0.05 = 0.43."""
    bom = vehicle(good={"hts": "8704.31", "category": "light_truck"})
    bom["labour"] = {
        "high_wage_material_and_manufacturing_share": 0.28,
        "high_wage_technology_share": 0.12,
        "high_wage_assembly_credit": True,
    }
    lvc = run(bom).check("lvc")
    assert lvc.threshold == pytest.approx(0.45)
    assert lvc.value == pytest.approx(0.43)
    assert lvc.passed is False


def test_steel_and_aluminium_purchases() -> None:
    """Aluminium 699 / 1,000 = 69.9% < 70%: fails, short by 0.7 x 1,000 - 699 = 1."""
    bom = vehicle()
    bom["steel_aluminium"]["aluminium"]["originating"] = 699
    result = run(bom)
    al = result.check("aluminium_purchases")
    assert al.value == pytest.approx(0.699)
    assert al.passed is False
    assert al.details["change_needed"] == pytest.approx(1)
    assert not result.qualifies
    assert "aluminium" in result.pivot


def test_steel_from_materials() -> None:
    """No steel_aluminium block: steel from materials marked metal, 600 / (600 + 400) = 60%.

    Short by 0.7 x 1,000 - 600 = 100; the imported coil (400) bought originating would pass.
    Aluminium has no data, so it is not evaluated and the vehicle cannot be shown to qualify.
    """
    bom = vehicle()
    del bom["steel_aluminium"]
    bom["materials"] += [
        {"name": "NA sheet", "value": 600, "originating": True, "metal": "steel"},
        {"name": "imported coil", "value": 400, "originating": False, "metal": "steel"},
    ]
    result = run(bom)
    steel = result.check("steel_purchases")
    assert steel.value == pytest.approx(0.6)
    assert steel.details["flip"]["name"] == "imported coil"
    assert result.check("aluminium_purchases").passed is None
    assert not result.qualifies


def test_core_parts_rvc() -> None:
    """Core parts at 85% TV basis (Table A.2, from 2023-07-01): engine turned non-originating.

    Base 3,000; VNM = 2,000 (whole engine) + 100 = 2,100; (3,000 - 2,100) / 3,000 = 30% < 85%.
    """
    bom = vehicle(core_parts_method="transaction_value")
    bom["materials"][0] = {**bom["materials"][0], "originating": False}
    del bom["materials"][0]["non_originating_content"]
    result = run(bom)
    core = result.check("core_parts_rvc")
    assert core.threshold == pytest.approx(0.85)
    assert core.value == pytest.approx(0.30)
    assert not result.qualifies


@pytest.mark.parametrize(
    ("date", "rvc", "lvc"),
    [
        ("2020-07-01", 0.66, 0.30),
        ("2021-06-30", 0.66, 0.30),
        ("2021-07-01", 0.69, 0.33),
        ("2022-07-01", 0.72, 0.36),
        ("2023-06-30", 0.72, 0.36),
        ("2023-07-01", 0.75, 0.40),
        ("2026-01-01", 0.75, 0.40),
    ],
)
def test_passenger_vehicle_phase_in(date: str, rvc: float, lvc: float) -> None:
    """Appendix Art. 3.1 (66/69/72/75) and Art. 7 (30/33/36/40), stages from 1 July 2020-2023."""
    result = run(vehicle(claim_date=date))
    assert result.check("rvc_net_cost").threshold == pytest.approx(rvc)
    assert result.check("lvc").threshold == pytest.approx(lvc)


def test_phase_in_flips_a_vehicle_at_2023_07_01() -> None:
    """VNM 2,700 on NC 10,000: RVC = 73%, above 72% on 2023-06-30, below 75% on 2023-07-01."""
    bom = vehicle(claim_date="2023-06-30")
    bom["materials"][2]["value"] = 2_700
    assert run(bom).check("rvc_net_cost").value == pytest.approx(0.73)
    assert run(bom).qualifies
    bom["claim_date"] = "2023-07-01"
    assert not run(bom).qualifies


@pytest.mark.parametrize(
    ("date", "rvc"), [("2024-06-30", 0.60), ("2024-07-01", 0.64), ("2027-07-01", 0.70)]
)
def test_heavy_truck_phase_in(date: str, rvc: float) -> None:
    """Heavy trucks, Appendix Art. 4.1: 60% from 2020, 64% from 2024, 70% from 2027 (NC)."""
    bom = vehicle(good={"hts": "8701.21", "category": "heavy_truck"}, claim_date=date)
    result = run(bom)
    assert result.check("rvc_net_cost").threshold == pytest.approx(rvc)
    lvc = result.check("lvc")
    assert (lvc.threshold is None) is (date < "2027-07-01")
    assert (lvc.outcome == "not applicable") is (date < "2027-07-01")


def test_auto_part_tables() -> None:
    """Table B principal part on 2022-08-01: 67.5% NC / 77.5% TV (Appendix Art. 3.4)."""
    bom = general(
        good={"hts": "8708.30", "category": "auto_part", "auto_part_table": "principal"},
        rule={},
        claim_date="2022-08-01",
    )
    result = run(bom)
    assert result.check("rvc_net_cost").threshold == pytest.approx(0.675)
    assert result.check("rvc_transaction_value").threshold == pytest.approx(0.775)
    bom["rule"] = {"transaction_value_method": False}
    with pytest.raises(KeyError):
        run(bom).check("rvc_transaction_value")


def test_no_rule_means_all_originating() -> None:
    """Without a stated rule the good must be made only of originating materials (Art. 4.2(c))."""
    result = run(general(rule={}))
    assert result.check("all_originating").passed is False
    assert not result.qualifies
    assert "'motor'" in result.pivot


def test_before_entry_into_force() -> None:
    with pytest.raises(ScenarioError, match="2020-07-01"):
        run(general(claim_date="2020-06-30"))


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"transaction_value": 50_000}, DataError, "more than transaction_value"),
        ({"net_cost": 40_000}, DataError, "more than net_cost"),
        ({"colour": "red"}, ScenarioError, "unknown key 'colour'"),
        ({"rule": {"rvc_net_cost": 50}}, ScenarioError, "looks like a percentage"),
        ({"good": {"hts": "87x3"}}, ScenarioError, "good.hts"),
        ({"transaction_value": None, "net_cost": None}, ScenarioError, "transaction_value"),
        ({"materials": []}, ScenarioError, "materials"),
        ({"claim_date": "someday"}, ScenarioError, "claim_date"),
    ],
)
def test_malformed_bom(change: dict[str, Any], error: type[Exception], match: str) -> None:
    bom = general()
    bom.update(change)
    with pytest.raises(error, match=match):
        parse_bom(bom)


def test_misspelt_key_reported_with_the_missing_one() -> None:
    bom = general()
    bom["materials"][0]["valu"] = bom["materials"][0].pop("value")
    with pytest.raises(ScenarioError, match=r"unknown key 'materials\.0\.valu' \(required key"):
        parse_bom(bom)


def test_missing_key_and_duplicate_names() -> None:
    bom = general()
    del bom["materials"][0]["value"]
    with pytest.raises(ScenarioError, match=r"materials\.0\.value"):
        parse_bom(bom)
    bom = general()
    bom["materials"][1]["name"] = "motor"
    with pytest.raises(DataError, match="duplicate"):
        parse_bom(bom)


def test_vehicle_rejects_stated_rvc() -> None:
    with pytest.raises(ScenarioError, match="appendix"):
        run(vehicle(rule={"rvc_net_cost": 0.6}))


def test_purchases_and_labour_validation() -> None:
    bom = vehicle()
    bom["steel_aluminium"]["steel"]["originating"] = 2_000
    with pytest.raises(ScenarioError, match=r"steel_aluminium\.steel"):
        parse_bom(bom)
    bom = vehicle()
    bom["labour"]["lines"][0]["value"] = 10
    with pytest.raises(ScenarioError, match="exactly one"):
        parse_bom(bom)


def test_load_bom_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="does not exist"):
        load_bom(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("good: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="malformed YAML"):
        load_bom(bad)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="mapping"):
        load_bom(listy)


@pytest.mark.parametrize(
    ("name", "qualifies", "failing"),
    [
        ("passenger_vehicle.yaml", True, set()),
        ("light_truck_fails.yaml", False, {"lvc", "aluminium_purchases"}),
        ("auto_part_gearbox.yaml", True, {"rvc_transaction_value"}),
        ("water_boiler.yaml", True, {"tariff_shift"}),
    ],
)
def test_examples(name: str, qualifies: bool, failing: set[str]) -> None:
    """The documented examples come out as their comments state."""
    result = check_origin(load_bom(EXAMPLES / name))
    assert result.qualifies is qualifies
    assert {c.name for c in result.checks if c.passed is False} == failing


def test_examples_worked_numbers() -> None:
    """Numbers written in the example files' comments."""
    pv = check_origin(load_bom(EXAMPLES / "passenger_vehicle.yaml"))
    assert pv.check("rvc_net_cost").value == pytest.approx(25_500 / 30_000)
    assert pv.check("core_parts_rvc").value == pytest.approx(10_950 / 12_800)
    assert pv.check("lvc").value == pytest.approx((15_300 + 640 + 600) / 30_000)
    lt = check_origin(load_bom(EXAMPLES / "light_truck_fails.yaml"))
    assert lt.check("rvc_net_cost").value == pytest.approx(0.79875)
    assert lt.check("lvc").value == pytest.approx(0.29375)
    gb = check_origin(load_bom(EXAMPLES / "auto_part_gearbox.yaml"))
    assert gb.check("rvc_transaction_value").value == pytest.approx(1_900 / 2_400)
    assert gb.check("rvc_net_cost").value == pytest.approx(1_600 / 2_100)
    wb = check_origin(load_bom(EXAMPLES / "water_boiler.yaml"))
    assert wb.check("de_minimis").value == pytest.approx(0.075)


def test_result_to_dict_round_trip() -> None:
    data = run(general()).to_dict()
    assert data["qualifies"] is True
    assert data["claim_date"] == dt.date(2025, 6, 1).isoformat()
    names = [c["name"] for c in data["checks"]]
    assert names == ["rvc_transaction_value", "rvc_net_cost"]
    assert any("out of scope" in n for n in data["notes"])
    assert copy.deepcopy(data) == data
