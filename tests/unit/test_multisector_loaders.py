"""Loaders of multi-sector baselines: CP2015, WIOD (2013 and 2016 releases), OECD ICIO 2023."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewinds.core import dims
from tradewinds.core.errors import DataError
from tradewinds.data.loaders import load_baseline
from tradewinds.data.multisector_loaders import load_cp2015, load_icio, load_wiod2016
from tradewinds.models.multisector import MultiSectorModel

COUNTRIES = ["AUS", "CAN", "ROW"]
SECTORS = ["A01", "C24", "U"]


def toy_table(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 3-country x 3-industry table: intermediates and 5 final uses per destination."""
    rng = np.random.default_rng(seed)
    n, j = len(COUNTRIES), len(SECTORS)
    z = rng.uniform(0, 10, (n * j, n * j))
    final = rng.uniform(5, 50, (n * j, n, 5))
    final[:, :, 4] = rng.uniform(-3, 3, (n * j, n))  # inventory changes, some negative
    final[0, 1, :] = [0, 0, 0, 0, -4]  # one cell with negative total final demand
    return z, final


def expected_trade(z: np.ndarray, final: np.ndarray) -> np.ndarray:
    n, j = len(COUNTRIES), len(SECTORS)
    f = np.maximum(final.sum(axis=2), 0).reshape(n, j, n)
    return z.reshape(n, j, n, j).sum(axis=3).transpose(0, 2, 1) + f.transpose(0, 2, 1)


def write_wiod2016(path: Path, z: np.ndarray, final: np.ndarray) -> None:
    rows = []
    for a, country in enumerate(COUNTRIES):
        for b, sector in enumerate(SECTORS):
            r = a * len(SECTORS) + b
            row = {
                "IndustryCode": sector,
                "IndustryDescription": f"industry {sector}",
                "Country": country,
                "RNr": b + 1,
                "Year": 2014,
            }
            for c, user in enumerate(COUNTRIES):
                for k in range(len(SECTORS)):
                    row[f"{user}{k + 1}"] = z[r, c * len(SECTORS) + k]
            for c, user in enumerate(COUNTRIES):
                for f in range(5):
                    row[f"{user}{len(SECTORS) + 1 + f}"] = final[r, c, f]
            rows.append(row)
    table = pd.DataFrame(rows)
    table["TOT"] = table.iloc[:, 5:].sum(axis=1)
    summary = table.iloc[[0]].copy()
    summary[["IndustryCode", "Country", "RNr"]] = ["VA", "TOT", 70]
    # Rows come in a scrambled order plus a summary row, as a careless export might give.
    pd.concat([table.iloc[::-1], summary]).to_csv(path, index=False)


def test_wiod2016_layout(tmp_path: Path) -> None:
    z, final = toy_table()
    path = tmp_path / "WIOT2014_October16_ROW.csv"
    write_wiod2016(path, z, final)
    ds = load_wiod2016(path, theta=5.0)
    assert [str(s) for s in ds[dims.SECTOR].values] == SECTORS
    assert ds.attrs["year"] == 2014
    np.testing.assert_allclose(
        ds[dims.TRADE].transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).values,
        expected_trade(z, final),
    )
    prov = json.loads(ds.attrs["provenance"])
    assert prov["negative_final_demand_set_to_zero"]["cells"] >= 1
    assert float(ds[dims.DEFICIT].sum()) == pytest.approx(0.0, abs=1e-8)
    eq = MultiSectorModel().solve(ds, ds[dims.TARIFF] + 0.1)
    assert eq.report.max_residual <= 1e-10


def write_icio(path: Path, z: np.ndarray, final: np.ndarray, *, split_can: bool) -> None:
    countries = ["AUS", "CN1", "CN2"] if split_can else COUNTRIES
    labels = [f"{c}_{s}" for c in countries for s in SECTORS]
    fd = ["HFCE", "NPISH", "GGFC", "GFCF", "INVNT", "DPABR"]
    cols = labels + [f"{c}_{f}" for c in countries for f in fd] + ["OUT"]
    n, j = len(countries), len(SECTORS)
    fin6 = np.concatenate([final, np.zeros((n * j, n, 1))], axis=2).reshape(n * j, n * 6)
    body = np.hstack([z, fin6, np.zeros((n * j, 1))])
    extra = np.zeros((3, len(cols)))
    table = pd.DataFrame(
        np.vstack([body, extra]), index=[*labels, "TLS", "VA", "OUT"], columns=cols
    )
    table.index.name = "V1"
    table.to_csv(path)


def test_icio_layout(tmp_path: Path) -> None:
    z, final = toy_table(1)
    path = tmp_path / "2020.csv"
    write_icio(path, z, final, split_can=False)
    ds = load_icio(path, year=2020, theta={"A01": 9.0, "C24": 4.0, "U": 8.0})
    np.testing.assert_allclose(
        ds[dims.TRADE].transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).values,
        expected_trade(z, final),
    )
    assert list(ds[dims.TRADE_ELASTICITY].values) == [9.0, 4.0, 8.0]


def test_icio_merges_split_china(tmp_path: Path) -> None:
    z, final = toy_table(2)
    path = tmp_path / "2020.csv"
    write_icio(path, z, final, split_can=True)
    ds = load_icio(path, year=2020, theta=4.0)
    assert [str(c) for c in ds[dims.EXPORTER].values] == ["AUS", "CHN"]
    # Final demand is merged first (rows and destinations), then negative cells are zeroed.
    f = final.sum(axis=2).reshape(3, 3, 3)  # origin country, sector, destination
    merged = np.stack([f[0], f[1] + f[2]])  # origin AUS, CHN
    merged = np.stack([merged[:, :, 0], merged[:, :, 1] + merged[:, :, 2]], axis=2)
    total = z.sum() + np.maximum(merged, 0).sum()
    assert float(ds[dims.TRADE].sum()) == pytest.approx(total)


def test_icio_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="COU_IND"):
        load_icio(path, year=2020)


def test_wiod2016_rejects_missing_columns(tmp_path: Path) -> None:
    z, final = toy_table()
    path = tmp_path / "w.csv"
    write_wiod2016(path, z, final)
    pd.read_csv(path).drop(columns=["CAN2"]).to_csv(path, index=False)
    with pytest.raises(DataError, match="CAN2"):
        load_wiod2016(path)


def test_cp2015_loader(shared_data: Path) -> None:
    baseline, tariff_2005 = load_cp2015(shared_data / "data" / "cp2015_nafta" / "csv")
    assert baseline.sizes == {"exporter": 31, "importer": 31, "sector": 40, "input_sector": 40}
    # Orientation: the US ran a deficit of about $123 bn in 1993; Mexico's tariffs on US goods
    # were far above US tariffs on Mexican goods.
    assert float(baseline[dims.DEFICIT].sel(importer="USA")) == pytest.approx(123318.7, rel=1e-5)
    t = baseline[dims.TARIFF]
    w = baseline[dims.TRADE]
    mex_on_us = float(
        (t * w).sel(exporter="USA", importer="MEX").sum()
        / w.sel(exporter="USA", importer="MEX").sum()
    )
    us_on_mex = float(
        (t * w).sel(exporter="MEX", importer="USA").sum()
        / w.sel(exporter="MEX", importer="USA").sum()
    )
    assert mex_on_us > 2 * us_on_mex
    changed = (tariff_2005 != baseline[dims.TARIFF]).sum()
    assert int(changed) == 116
    services = baseline[dims.TRADE].sel(sector="Finance").values
    assert np.count_nonzero(services - np.diag(np.diag(services))) == 0


def test_bundled_wiod2011() -> None:
    ds = load_baseline("wiod2011")
    assert ds.sizes["exporter"] == 41
    assert ds.sizes["sector"] == 35
    assert {"CAN", "MEX", "USA", "CHN", "ROW"} <= {str(c) for c in ds[dims.EXPORTER].values}
    assert float(ds[dims.TARIFF].max()) == 0.0
    theta = ds[dims.TRADE_ELASTICITY]
    assert float(theta.sel(sector="c8")) == pytest.approx(64.85)
    prov = json.loads(ds.attrs["provenance"])
    assert "raw_files" in prov
    assert "built_by" in prov
