"""Sector tariff tables for the models."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tradewinds.core import dims
from tradewinds.measures import etr
from tradewinds.measures.shocks import as_shock_records, sector_tariffs
from tradewinds.scenarios.schema import TariffShock

DATE = dt.date(2025, 11, 15)


@pytest.mark.parametrize("country", ["CAN", "MEX"])
def test_one_sector_equals_overall_effective_rate(country):
    table = sector_tariffs(DATE, sectors="one")
    overall = etr.point(country, DATE)["effective_rate"]
    value = float(table.sel({dims.EXPORTER: country, dims.IMPORTER: "USA"}).squeeze())
    assert value == pytest.approx(overall, abs=1e-6)


@pytest.mark.parametrize(("sectors", "n"), [("gtap", 40), ("wiod", 15), ("cp2015", 20)])
def test_sector_sets_have_labels_and_rates_in_range(sectors, n):
    table = sector_tariffs(DATE, sectors=sectors)
    assert table.dims == (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    assert table.sizes[dims.SECTOR] >= n
    values = table.values[~np.isnan(table.values)]
    assert (values >= 0).all()
    assert (values < 1).all()


def test_cp2015_autos_face_higher_tariff_than_agriculture():
    table = sector_tariffs(DATE, sectors="cp2015").sel(exporter="MEX", importer="USA")
    assert float(table.sel(sector="Auto")) > float(table.sel(sector="Agriculture"))


def test_records_are_valid_scenario_tariff_shocks():
    table = sector_tariffs(DATE, sectors="cp2015")
    records = as_shock_records(table)
    assert len(records) == 40
    shocks = [TariffShock.model_validate(r) for r in records]
    assert {s.exporter for s in shocks} == {"CAN", "MEX"}
