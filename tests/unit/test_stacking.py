"""Stacking semantics: content basis, precedence changes over time, MFN forms, transshipment."""

from __future__ import annotations

import pytest

from tradewinds.core.errors import MeasureConflictError, ScenarioError
from tradewinds.measures import calculate
from tradewinds.measures.mfn import parse_rate
from tradewinds.measures.schema import PrecedenceRule, Source
from tradewinds.measures.stacking import programme_order


def test_derivative_pays_ieepa_on_non_steel_value_after_june():
    """Proclamation 10947 + CBP FAQ: steel content 50%, the rest 25% IEEPA (non-USMCA Canada)."""
    r = calculate("7308.90.9590", "CAN", "2025-07-01", 1000.0, metal_content={"steel": 0.6})
    amounts = {x.measure_id: x.amount for x in r.layers}
    assert amounts["s232-steel-50"] == pytest.approx(300.0)
    assert amounts["ieepa-ca-25"] == pytest.approx(100.0)


def test_transshipment_replaces_ieepa_rate():
    """EO 14325: 40% (9903.01.16) replaces 35% on transshipped goods."""
    r = calculate("6109.10.0012", "CAN", "2025-09-01", 100.0, transshipped=True)
    ids = {x.measure_id for x in r.layers}
    assert "ieepa-ca-transship-40" in ids
    assert "ieepa-ca-35" not in ids


def test_usmca_was_not_exempt_before_march_7():
    r = calculate("6109.10.0012", "MEX", "2025-03-05", 100.0, usmca=True)
    assert r.additional_duty == pytest.approx(25.0)


def test_energy_rate_for_canada():
    r = calculate("2709.00.2010", "CAN", "2025-08-15", 100.0)
    assert {x.measure_id for x in r.layers} >= {"ieepa-ca-energy-10"}
    assert r.additional_duty == pytest.approx(10.0)


def test_softwood_lumber_stacks_232_and_adcvd():
    """Row CA-11: 232 timber 10% + AD 20.56% + CVD 14.63%; wood 232 replaces IEEPA (ST-05)."""
    r = calculate("4407.11.0001", "CAN", "2025-11-01", 100.0)
    ids = {x.measure_id for x in r.layers}
    assert {"s232-softwood-10", "adcvd-softwood-ad-ar6", "adcvd-softwood-cvd-ar6"} <= ids
    assert not any(x.authority == "ieepa" for x in r.layers)
    assert r.additional_duty == pytest.approx(10 + 20.56 + 14.63)


def test_specific_mfn_needs_quantity():
    r = calculate("0702.00.2002", "MEX", "2025-08-01", 1000.0)
    assert any(x.amount is None for x in r.layers)
    assert any("--quantity" in n for n in r.notes)
    r = calculate("0702.00.2002", "MEX", "2025-08-01", 1000.0, quantity=100, unit="kg")
    specific = [x for x in r.layers if isinstance(x.rate, str)]
    assert specific[0].amount == pytest.approx(3.9)


def test_quantity_in_wrong_unit_is_refused():
    with pytest.raises(ScenarioError, match="unit"):
        calculate("0702.00.2002", "MEX", "2025-08-01", 1000.0, quantity=5, unit="liter")


@pytest.mark.parametrize(
    ("text", "kind", "adval", "spec", "unit"),
    [
        ("Free", "free", 0, 0, None),
        ("2.5%", "ad_valorem", 0.025, 0, None),
        ("3.9¢/kg", "specific", 0, 0.039, "kg"),
        ("$1.05/doz.", "specific", 0, 1.05, "doz."),
        ("14¢ each + 3%", "compound", 0.03, 0.14, "each"),
        ("The rate applicable to the article", "other", 0, 0, None),
    ],
)
def test_parse_rate(text, kind, adval, spec, unit):
    r = parse_rate(text)
    assert (r.kind, r.unit) == (kind, unit)
    assert r.ad_valorem == pytest.approx(adval)
    assert r.specific == pytest.approx(spec)


def test_cyclic_precedence_is_a_conflict():
    import datetime as dt

    src = (Source(key="X"),)
    rules = [
        PrecedenceRule(
            id="a",
            winner="p",
            losers=("q",),
            level="article",
            effective_from=dt.date(2025, 1, 1),
            legal_basis="x",
            sources=src,
        ),
        PrecedenceRule(
            id="b",
            winner="q",
            losers=("p",),
            level="article",
            effective_from=dt.date(2025, 1, 1),
            legal_basis="x",
            sources=src,
        ),
    ]
    with pytest.raises(MeasureConflictError, match="'a', 'b'"):
        programme_order(rules, ["p", "q"])


def test_canada_surtax_on_us_vehicle_cusma_content_rule():
    """Canada's auto surtax (C-04): CUSMA vehicles pay 25% on non-Canadian, non-Mexican content."""
    r = calculate(
        "8703.23.0190", "USA", "2025-05-01", 40000.0, importer="CAN", usmca=True, us_content=0.5
    )
    assert {x.measure_id for x in r.layers} == {"ca-surtax-autos-25"}
    assert r.additional_duty == pytest.approx(5000.0)


def test_mexico_nonfta_car_tariff_2026():
    r = calculate("8703.23.0190", "CHN", "2026-02-01", 10000.0, importer="MEX")
    assert r.additional_duty == pytest.approx(5000.0)
    r = calculate("8703.23.0190", "CHN", "2025-12-31", 10000.0, importer="MEX")
    assert r.additional_duty == 0.0
