"""The 2026 measures (2026 update sheet): metals on full value in tiers, semiconductors,
pharmaceuticals, Section 301, the end of Section 122, and the coverage date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tradewinds.measures import calculate
from tradewinds.measures.batch import calculate_batch
from tradewinds.measures.registry import load_registry
from tradewinds.measures.warnings import CoverageWarning
from tradewinds.scenarios.registry_shocks import apply_overrides
from tradewinds.scenarios.schema import RegistryOverrides


def _layers(result):
    return {x.measure_id: x for x in result.layers}


def test_steel_pays_on_content_before_and_full_value_after_2026_04_06():
    before = calculate("7208.10.1500", "CAN", "2026-04-05", 1000, metal_content={"steel": 0.8})
    after = calculate("7208.10.1500", "CAN", "2026-04-06", 1000, metal_content={"steel": 0.8})
    assert _layers(before)["s232-steel-50"].amount == pytest.approx(400.0)
    assert _layers(after)["s232-metals-annex-1a-50"].amount == pytest.approx(500.0)
    assert "s232-steel-50" not in _layers(after)


def test_duty_shows_which_regime_applied():
    before = calculate("7208.10.1500", "CAN", "2026-04-05", 1000, metal_content={"steel": 1.0})
    after = calculate("7208.10.1500", "CAN", "2026-04-06", 1000)
    assert "2025 metal-content regime" in _layers(before)["s232-steel-50"].basis
    assert "2026 full-value regime, Annex I-A" in _layers(after)["s232-metals-annex-1a-50"].basis
    assert any("Regime applied: 2026 full-value regime" in n for n in after.notes)


def test_metal_content_at_or_below_15_percent_takes_a_derivative_out():
    hts = "8479.89.9599"  # Annex III machinery
    undeclared = calculate(hts, "MEX", "2026-05-01", 1000)
    low = calculate(hts, "MEX", "2026-05-01", 1000, metal_content={"steel": 0.15})
    high = calculate(hts, "MEX", "2026-05-01", 1000, metal_content={"steel": 0.16})
    assert "s232-metals-annex-3-15" in _layers(undeclared)
    assert "s232-metals-annex-3-15" not in _layers(low)
    assert "s122-10" in _layers(low)  # outside 232, so the surcharge applies
    assert any("at or below 15%" in n for n in low.notes)
    assert "s232-metals-annex-3-15" in _layers(high)


def test_threshold_does_not_apply_to_chapter_72():
    r = calculate("7208.10.1500", "CAN", "2026-05-01", 1000, metal_content={"steel": 0.1})
    assert "s232-metals-annex-1a-50" in _layers(r)


def test_annex_iii_is_a_15_percent_floor_on_mfn():
    r = calculate("8504.34.0000", "MEX", "2026-05-01", 1000)
    mfn = _layers(r)["us-mfn-hts2025"].amount
    assert mfn + _layers(r)["s232-metals-annex-3-15"].amount == pytest.approx(150.0)


def test_us_metal_declaration_selects_the_10_percent_tier():
    r = calculate("8504.34.0000", "MEX", "2026-05-01", 1000, us_metal=True)
    layers = _layers(r)
    assert "s232-metals-annex-3-15" not in layers
    assert layers["us-mfn-hts2025"].amount + layers["s232-metals-us-metal-10"].amount == (
        pytest.approx(100.0)
    )


def test_vehicles_are_not_also_under_the_2026_metals_tiers():
    r = calculate("8703.23.0190", "MEX", "2026-05-01", 1000)
    assert not [k for k in _layers(r) if k.startswith("s232-metals")]


def test_no_section_122_on_full_value_metal_articles():
    r = calculate("7308.90.9590", "MEX", "2026-05-01", 1000)
    layers = _layers(r)
    assert any(k.startswith("s232-metals") for k in layers)
    assert "s122-10" not in layers


def test_semiconductors_apply_only_when_declared():
    plain = calculate("8471.50.0150", "MEX", "2026-05-01", 1000)
    declared = calculate("8471.50.0150", "MEX", "2026-05-01", 1000, semiconductor=True)
    assert "s232-semiconductors-25" not in _layers(plain)
    layers = _layers(declared)
    assert layers["s232-semiconductors-25"].amount == pytest.approx(250.0)
    assert "s122-10" not in layers
    assert not [k for k in layers if k.startswith("s232-metals")]


def test_pharmaceuticals_recorded_but_not_collected_by_default():
    registry = load_registry()
    scheduled = [m for m in registry.measures if m.id.startswith("s232-pharma-100-")]
    starts = sorted(m.effective_from for m in scheduled if m.status == "announced")
    assert starts == [dt.date(2026, 7, 31), dt.date(2026, 9, 29)]
    with pytest.warns(CoverageWarning):
        r = calculate("3004.90.9291", "CAN", "2026-10-01", 1000)
    assert not [k for k in _layers(r) if k.startswith("s232-pharma")]


def test_scenario_override_turns_pharmaceutical_duties_on():
    registry = apply_overrides(
        load_registry(), RegistryOverrides(activate=["s232-pharma-100-all-companies"]), None
    )
    with pytest.warns(CoverageWarning):
        r = calculate("3004.90.9291", "CAN", "2026-10-01", 1000, registry=registry)
    assert _layers(r)["s232-pharma-100-all-companies"].amount == pytest.approx(1000.0)


def test_section_301_investigation_of_mexico_is_not_in_force():
    registry = load_registry()
    m = registry.get("s301-excess-capacity-mx-investigation")
    assert m.status == "investigation"
    assert m not in registry.in_force(dt.date(2026, 7, 1), target="MEX")


def test_section_122_ends_on_its_statutory_date():
    m = load_registry().get("s122-10")
    assert m.effective_to == dt.date(2026, 7, 24)
    assert "150 days" in m.notes
    on = calculate("6109.10.0012", "CAN", "2026-07-01", 1000)
    assert "s122-10" in _layers(on)
    off = calculate("6109.10.0012", "CAN", "2026-07-24", 1000)  # within coverage since 2026-08-07
    assert "s122-10" not in _layers(off)
    # from 2026-07-24 the Section 301 forced-labour action takes over (non-USMCA goods of Canada)
    assert "s301-fl-10-usmca" in _layers(off)


def test_batch_accepts_the_declaration_columns():
    lines = pd.DataFrame(
        {
            "hts": ["8471.50.0150", "8471.50.0150", "3926.90.9989"],
            "origin": ["MEX", "MEX", "CAN"],
            "date": ["2026-05-01"] * 3,
            "value": [1000, 1000, 1000],
            "semiconductor": ["1", "0", "0"],
            "civil_aircraft": ["0", "0", "1"],
        }
    )
    out = calculate_batch(lines)
    assert "s232-semiconductors-25" in out["layers"][0]
    assert "s232-semiconductors-25" not in out["layers"][1]
    assert "s122-10" not in out["layers"][2]
