"""The five shipments of issue 4 (section 2) must come out as stated.

Each test names the legal basis of the expected result. "Additional" excludes MFN.
"""

from __future__ import annotations

import pytest

from tradewinds.measures import calculate

# A cotton T-shirt (chapter 61): outside every Section 232 programme, the energy/potash lists and
# the Section 122 exemptions; MFN 16.5% (HTS 2025 basic edition).
PLAIN = "6109.10.0012"


def ids(result) -> set[str]:
    return {layer.measure_id for layer in result.layers}


def test_non_usmca_canadian_article_pays_35_percent_ieepa():
    """EO 14325 (9903.01.10 at 35% from 2025-08-01) on a non-USMCA Canadian good."""
    r = calculate(PLAIN, "CAN", "2025-08-15", 1000.0)
    assert r.additional_duty / r.customs_value == pytest.approx(0.35)
    assert ids(r) == {"ieepa-ca-35", "us-mfn-hts2025"}
    assert r.mfn_duty == pytest.approx(165.0)


def test_usmca_claim_removes_ieepa():
    """EO 14231 / 9903.01.14: goods entered under USMCA are exempt from 2025-03-07."""
    r = calculate(PLAIN, "CAN", "2025-08-15", 1000.0, usmca=True)
    assert r.additional_duty == 0.0
    assert r.mfn_duty == 0.0  # USMCA (program S) is free on this line


def test_hot_rolled_steel_pays_232_only():
    """Proclamation 10947: 50% on steel content from 2025-06-04, ahead of IEEPA Canada."""
    r = calculate("7208.10.1500", "CAN", "2025-07-01", 1000.0)
    assert r.additional_duty / r.customs_value == pytest.approx(0.50)
    assert "s232-steel-50" in ids(r)
    assert not any(layer.authority == "ieepa" for layer in r.layers)


def test_hot_rolled_steel_before_june_pays_ieepa_only():
    """EO 14289 as first issued: IEEPA Canada took precedence over 232 steel until 2025-06-03."""
    r = calculate("7208.10.1500", "CAN", "2025-05-01", 1000.0)
    assert ids(r) - {"us-mfn-hts2025"} == {"ieepa-ca-25"}


def test_usmca_mexican_vehicle_pays_on_non_us_content():
    """Proclamation 10908, 9903.94.03: 25% on the 60% non-US value of a USMCA vehicle = 15%."""
    r = calculate("8703.23.0190", "MEX", "2025-05-01", 30000.0, usmca=True, us_content=0.4)
    assert r.additional_duty / r.customs_value == pytest.approx(0.15)
    (autos,) = [layer for layer in r.layers if layer.measure_id == "s232-autos-25"]
    assert autos.base_value == pytest.approx(18000.0)
    assert autos.amount == pytest.approx(4500.0)


def test_after_ieepa_only_section_122_applies():
    """IEEPA collection ended 2026-02-24; Section 122 surcharge 10% (9903.03.01) for non-USMCA."""
    r = calculate(PLAIN, "CAN", "2026-03-01", 1000.0)
    assert ids(r) - {"us-mfn-hts2025"} == {"s122-10"}
    assert r.additional_duty / r.customs_value == pytest.approx(0.10)
