"""``tariffs_as_of`` taxes every exporter: regions from their members, ``only`` keeps CAN/MEX."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.data.loaders import load_baseline
from tradewinds.measures.etr import EU27, partners, snapshot
from tradewinds.measures.registry import load_registry
from tradewinds.measures.shocks import sector_tariffs
from tradewinds.scenarios.registry_shocks import exporter_members, scenario_registry_tariffs
from tradewinds.scenarios.schema import parse_scenario

DAY = dt.date(2025, 9, 1)
REGIONS = ["ROW", "EU27", "BRA", "CAN", "CHN", "GBR", "IND", "JPN", "KOR", "MEX", "USA"]


def _spec(shocks: dict[str, object]) -> object:
    return parse_scenario({"title": "t", "baseline": "default", "shocks": shocks})


def test_region_labels_stand_for_their_members():
    groups = exporter_members(REGIONS)
    assert "USA" not in groups
    assert set(groups["EU27"]) == set(EU27)
    assert groups["CAN"] == ("CAN",)
    row = set(groups["ROW"])
    assert not row & ({"CAN", "MEX", "CHN", "BRA", "GBR", "IND", "JPN", "KOR", "USA"} | set(EU27))
    # every partner of the weights is in exactly one label
    assert sorted(c for g in groups.values() for c in g) == sorted(set(partners()) - {"USA"})


def test_a_region_rate_is_its_members_duties_over_their_imports():
    registry = load_registry()
    table = sector_tariffs(
        DAY, sectors="one", exporters=["XX"], registry=registry, members={"XX": ("DEU", "VNM")}
    )
    snaps = [snapshot(c, DAY, "2025h2", registry) for c in ("DEU", "VNM")]
    duty = sum(float(s.duty.to_numpy().sum()) for s in snaps)
    value = sum(float(s.imports.sum()) for s in snaps)
    rate = float(table.sel({dims.EXPORTER: "XX", dims.IMPORTER: "USA"}).item())
    assert rate == pytest.approx(duty / value, rel=1e-12)
    alone = [float(s.duty.to_numpy().sum() / s.imports.sum()) for s in snaps]
    assert min(alone) < rate < max(alone)  # weighted, not the plain mean unless equal imports


def test_every_region_is_taxed_on_2025_09_01():
    baseline = load_baseline("default")
    table = scenario_registry_tariffs(_spec({"tariffs_as_of": DAY.isoformat()}), baseline)
    rates = table.sel({dims.IMPORTER: "USA"}).to_series()
    assert set(table[dims.EXPORTER].values) == set(REGIONS) - {"USA"}
    assert (rates > 0.02).all()  # MFN plus additional duties on every region
    assert float(rates["CHN"].item()) > float(rates["CAN"].item())  # USMCA goods exempt


def test_only_reproduces_the_canada_mexico_rates():
    baseline = load_baseline("default")
    both = scenario_registry_tariffs(
        _spec({"tariffs_as_of": {"date": DAY.isoformat(), "only": ["CAN", "MEX"]}}), baseline
    )
    assert list(both[dims.EXPORTER].values) == ["CAN", "MEX"]
    everyone = scenario_registry_tariffs(_spec({"tariffs_as_of": DAY.isoformat()}), baseline)
    np.testing.assert_allclose(
        both.values, everyone.sel({dims.EXPORTER: ["CAN", "MEX"]}).values, rtol=1e-12
    )
    for code in ("CAN", "MEX"):
        snap = snapshot(code, DAY, "2025h2", load_registry())
        expected = float(snap.duty.to_numpy().sum() / snap.imports.sum())
        assert float(both.sel({dims.EXPORTER: code}).item()) == pytest.approx(expected)


def test_only_and_its_nested_form_agree():
    nested = _spec({"tariffs_as_of": {"date": "2025-09-01", "only": ["can", "MEX"]}})
    flat = _spec({"tariffs_as_of": "2025-09-01", "tariffs_only": ["CAN", "MEX"]})
    assert nested.shocks == flat.shocks  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("shocks", "message"),
    [
        ({"tariffs_only": ["CAN"]}, "give the date too"),
        ({"tariffs_as_of": "2025-09-01", "tariffs_only": []}, "is empty"),
        ({"tariffs_as_of": "2025-09-01", "tariffs_only": ["USA"]}, "USA imposes"),
        ({"tariffs_as_of": {"date": "2025-09-01", "exporters": ["CAN"]}}, "unknown key"),
        ({"tariffs_as_of": {"only": ["CAN"]}}, "'date' is missing"),
        (
            {"tariffs_as_of": {"date": "2025-09-01", "only": ["CAN"]}, "tariffs_only": ["MEX"]},
            "not both",
        ),
    ],
)
def test_bad_only_is_refused(shocks, message):
    with pytest.raises(ScenarioError, match=message):
        _spec(shocks)


def test_only_names_a_baseline_exporter():
    from tradewinds.core.errors import UnknownLabelError

    with pytest.raises(UnknownLabelError, match="tariffs_only"):
        scenario_registry_tariffs(
            _spec({"tariffs_as_of": "2025-09-01", "tariffs_only": ["VNM"]}),
            load_baseline("default"),
        )
