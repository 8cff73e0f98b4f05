"""Baseline construction, validation, loaders and aggregation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tests.conftest import small_baseline
from tradewinds.core import dims
from tradewinds.core.errors import DataError, UnknownLabelError
from tradewinds.data import aggregate, expenditure, income, load_baseline, tariff_revenue
from tradewinds.data.loaders import load_baci, read_netcdf, save_baseline


def test_identities_hold_on_small_baseline() -> None:
    ds = small_baseline(5, tariff=0.1)
    d = ds[dims.DEFICIT]
    y = income(ds).rename({dims.EXPORTER: dims.IMPORTER})
    np.testing.assert_allclose(d, expenditure(ds) - y - tariff_revenue(ds))
    assert abs(float(d.sum())) < 1e-9


def test_negative_flow_is_named() -> None:
    ds = small_baseline(3)
    ds[dims.TRADE][1, 2, 0] = -5.0
    from tradewinds.data.baseline import validate_baseline

    with pytest.raises(DataError, match=r"trade\[exporter=C01, importer=C02, sector=TOTAL\]"):
        validate_baseline(ds)


def test_mismatched_labels_rejected() -> None:
    ds = small_baseline(3)
    ds = ds.assign_coords({dims.IMPORTER: ["C00", "C01", "XXX"]})
    from tradewinds.data.baseline import validate_baseline

    with pytest.raises(DataError, match="labels differ"):
        validate_baseline(ds)


def test_deficits_must_sum_to_zero() -> None:
    ds = small_baseline(3)
    ds[dims.DEFICIT][0] += 100.0
    from tradewinds.data.baseline import validate_baseline

    with pytest.raises(DataError, match="Deficits sum to"):
        validate_baseline(ds)


def test_liberation_day_loader(full_baseline: xr.Dataset) -> None:
    ds = full_baseline
    assert ds.sizes[dims.EXPORTER] == 194
    assert ds.attrs["units"] == "millions of current US dollars"
    # SOURCES.md verifies MEX->USA 459.1 bn and CAN->USA 417.0 bn in BACI 2023.
    assert ds[dims.TRADE].sel(exporter="MEX", importer="USA").item() == pytest.approx(
        459.1e3, rel=1e-3
    )
    assert ds[dims.TRADE].sel(exporter="CAN", importer="USA").item() == pytest.approx(
        417.0e3, rel=1e-3
    )
    # Income equals GDP where domestic absorption was not clipped.
    prov = json.loads(ds.attrs["provenance"])
    assert sorted(prov["domestic_absorption_clipped_to_zero"]) == ["GMB", "MHL"]
    assert ds[dims.TRADE].sel(exporter="GMB", importer="GMB").item() == 0.0
    assert float(ds[dims.TARIFF].max()) == 0.0


def test_canada_mexico_two_way_trade(full_baseline: xr.Dataset) -> None:
    """Two-way Canada–Mexico trade in the 2023 baseline is about US$40 bn.

    BACI 2023 (SOURCES.md): MEX->CAN 33.2 bn + CAN->MEX 7.1 bn = 40.3 bn. The partners' own
    figure for 2024 is C$56 bn (Canada–Mexico Action Plan, September 2025), about US$40.5 bn at
    the 2024 average rate of 1.3698 C$/US$ (Bank of Canada). The tolerance of 2% covers the year
    difference and the FOB/CIF and rounding gaps between the two sources.
    """
    t = full_baseline[dims.TRADE].sum(dims.SECTOR)
    two_way = float(t.sel(exporter="CAN", importer="MEX") + t.sel(exporter="MEX", importer="CAN"))
    assert two_way == pytest.approx(40.3e3, rel=2e-3)
    assert two_way == pytest.approx(56e3 / 1.3698, rel=0.02)


def test_default_baseline_keeps_required_regions() -> None:
    ds = load_baseline("default")
    labels = set(map(str, ds[dims.EXPORTER].values))
    assert {"CAN", "MEX", "USA", "CHN", "JPN", "KOR", "IND", "BRA", "GBR", "EU27", "ROW"} <= labels
    prov = json.loads(ds.attrs["provenance"])
    assert len(prov["aggregation"]["EU27"]) == 27
    assert "trade_cepii.csv" in " ".join(prov["raw_files"])


def test_default_matches_full_after_aggregation(full_baseline: xr.Dataset) -> None:
    default = load_baseline("default")
    world_full = float(full_baseline[dims.TRADE].sum())
    world_default = float(default[dims.TRADE].sum())
    assert world_default == pytest.approx(world_full, rel=1e-12)
    t = default[dims.TRADE].sum(dims.SECTOR)
    assert float(t.sel(exporter="CAN", importer="MEX") + t.sel(exporter="MEX", importer="CAN")) == (
        pytest.approx(40.3e3, rel=2e-3)
    )


def test_aggregation_preserves_income_expenditure_and_revenue() -> None:
    ds = small_baseline(6, seed=3, tariff=0.2)
    grouping = pd.DataFrame({"country": ["C00", "C01", "C02"], "region": ["A", "A", "B"]})
    agg = aggregate(ds, grouping, rest="ROW")
    assert list(agg[dims.EXPORTER].values) == ["A", "B", "ROW"]
    assert float(income(agg).sum()) == pytest.approx(float(income(ds).sum()))
    assert float(tariff_revenue(agg).sum()) == pytest.approx(float(tariff_revenue(ds).sum()))
    assert float(expenditure(agg).sel(importer="A")) == pytest.approx(
        float(expenditure(ds).sel(importer=["C00", "C01"]).sum())
    )
    np.testing.assert_allclose(
        agg[dims.DEFICIT].sel(importer="ROW"),
        ds[dims.DEFICIT].sel(importer=["C03", "C04", "C05"]).sum(),
    )


def test_aggregation_rejects_unknown_country() -> None:
    ds = small_baseline(3)
    with pytest.raises(UnknownLabelError, match="Did you mean 'C01'"):
        aggregate(ds, {"C1": "A"})


def test_netcdf_roundtrip(tmp_path: Path) -> None:
    ds = small_baseline(4, tariff=0.05)
    save_baseline(ds, tmp_path / "b.nc")
    back = read_netcdf(tmp_path / "b.nc")
    xr.testing.assert_allclose(back[dims.TRADE], ds[dims.TRADE])
    assert back.attrs["units"] == "test units"


def _write_baci(folder: Path) -> Path:
    """A tiny BACI HS6 file in CEPII's layout, with its country-code table."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "country_codes_V202501.csv").write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        "124,Canada,CA,CAN\n484,Mexico,MX,MEX\n842,USA,US,USA\n"
    )
    rows = [
        # t, i, j, k, v (thousand USD), q
        (2023, 124, 484, "870323", 1500.0, 10.0),
        (2023, 124, 484, "720851", 500.0, 200.0),
        (2023, 484, 124, "870323", 4000.0, 30.0),
        (2023, 124, 842, "270900", 9000.0, 1000.0),
        (2023, 842, 124, "870323", 7000.0, 50.0),
        (2023, 842, 484, "870323", 3000.0, 20.0),
        (2023, 484, 842, "870323", 8000.0, 60.0),
    ]
    lines = ["t,i,j,k,v,q"] + [f"{t},{i},{j},{k},{v},{q}" for t, i, j, k, v, q in rows]
    path = folder / "BACI_HS22_Y2023_V202501.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_baci_loader_aggregates_products(tmp_path: Path) -> None:
    path = _write_baci(tmp_path / "baci")
    gdp = pd.Series({"CAN": 100e6, "MEX": 80e6, "USA": 500e6})
    ds = load_baci(path, gdp=gdp)
    t = ds[dims.TRADE].isel(sector=0)
    assert float(t.sel(exporter="CAN", importer="MEX")) == pytest.approx(2.0)  # 2,000 k$ = 2 m$
    assert float(t.sel(exporter="CAN", importer="CAN")) == pytest.approx(100 - 11.0)
    assert ds.attrs["year"] == 2023
    assert json.loads(ds.attrs["provenance"])["products"] == 3


def test_baci_loader_errors(tmp_path: Path) -> None:
    path = _write_baci(tmp_path / "baci")
    with pytest.raises(DataError, match="pass gdp="):
        load_baci(path)
    bad = tmp_path / "bad.csv"
    bad.write_text("year,exporter,importer\n2023,1,2\n")
    with pytest.raises(DataError, match="not a BACI file"):
        load_baci(bad, gdp=pd.Series(dtype=float))


def test_unknown_baseline_name() -> None:
    with pytest.raises(DataError, match="neither a bundled name"):
        load_baseline("no-such-baseline")
