"""Build the ``wiod2023`` default: the WIOD 2011 world input-output table moved to 2023-2024.

Usage: ``python scripts/build_wiod2023.py [--shared PATH]``. Writes
``src/tradewinds/defaults/wiod2023.nc`` (the baseline), ``wiod2023.provenance.json`` (files,
hashes, command, the balancing report) and ``wiod2023_targets.csv.gz`` (every target, its
value and the balanced table's value). See ``docs/baselines.md``.

Method. The prior is the full WIOD 2013-release WIOT 2011 (41 regions x 35 industries,
intermediate block plus five final-use categories per country, inventory changes negative)
with its value-added row, every cell scaled by its country's nominal GDP growth (producing
country for rows, using country for value added). GRAS (:mod:`tradewinds.data.gras`) then
rescales the cells, keeping their signs, until

1. ``output_sales``: each industry's row sum (intermediate plus final use) and
2. ``output_costs``: its column sum (inputs plus value added) equal its 2011 output times its
   country's GDP growth (the 2011 industry mix, for lack of 2023 output data);
3. ``value_added``: each country's value added equals its 2023 GDP (WDI, the file of the
   default one-sector baseline; Taiwan, absent there, grows with the world);
4. ``goods_trade``: each country pair's goods exports (industries c1-c16, intermediate and
   final use) equal BACI 2023 (the 194-country matrix of the default baseline, summed to
   WIOD's regions; Taiwan is not in it and its pairs are not targeted);
5. ``us_imports``: US imports by goods industry and partner have the 2024 Census composition
   (HS10 -> ISIC Rev.3 -> WIOD), scaled to each partner's BACI 2023 total so that 4 and 5
   agree (Taiwan: scaled by the ratio of the BACI and Census US totals).

Everything else (who buys what, input mixes, final-demand mixes, services trade) keeps the 2011
structure as far as these sums allow. The balanced table is then turned into a baseline as
``wiod2011`` is (:func:`~tradewinds.data.multisector_loaders.baseline_from_iot`), with the same
trade elasticities.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradewinds.core import dims  # noqa: E402
from tradewinds.data.gras import Constraint, gras  # noqa: E402
from tradewinds.data.liberation_day import read_liberation_day  # noqa: E402
from tradewinds.data.loaders import file_sha256, load_baseline, save_baseline  # noqa: E402
from tradewinds.data.multisector_loaders import (  # noqa: E402
    WIOD2013_FINAL,
    baseline_from_iot,
    read_wiot2013_blocks,
)

OUT = ROOT / "src" / "tradewinds" / "defaults"
NAME = "wiod2023"
#: WIOD industries whose trade BACI and the Census count: agriculture, mining, manufacturing.
GOODS = tuple(f"c{k}" for k in range(1, 17))
#: Relative tolerance of the balancing (largest gap over every target set).
TOLERANCE = 1e-7
#: WIOD labels that are not ISO3 codes (the baseline keeps WIOD's, as wiod2011 does).
WIOD_LABEL = {"ROU": "ROM"}

Array = np.ndarray[Any, Any]


def wiod_of_hs10(shared: Path, codes: pd.Series) -> pd.Series:
    """WIOD industry of each HS10 code: HS6 (HS2022) -> ISIC Rev.3 4-digit -> WIOD 2013."""
    conc = shared / "data" / "concordances" / "insongkim_concordance"
    isic = pd.read_csv(conc / "hs6_isic3.csv", dtype=str).drop_duplicates("HS6_6d")
    wiod = pd.read_csv(conc / "wiod_2013.csv", dtype=str).dropna(subset=["WIOT2013_n"])
    wiod["wiod"] = "c" + wiod["WIOT2013_n"].astype(float).astype(int).astype(str)
    if wiod.groupby("ISIC3_4d")["wiod"].nunique().max() > 1:
        raise SystemExit("wiod_2013.csv maps an ISIC Rev.3 class to two WIOD industries")
    hs6 = isic.merge(wiod.drop_duplicates("ISIC3_4d")[["ISIC3_4d", "wiod"]], on="ISIC3_4d")
    return codes.str[:6].map(hs6.set_index("HS6_6d")["wiod"])


def us_imports(shared: Path, regions: list[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """US imports 2024 by WIOD region and goods industry (US$ millions) and the mapping report."""
    by = shared / "data" / "budgetlab_yale"
    raw = pd.read_csv(
        by / "tariff_model" / "us_imports_2024" / "us_imports_2024_hs10_country.csv.gz",
        dtype={"hs10": str, "cty_code": str},
    )
    census = pd.read_csv(
        by / "tariff_etrs" / "resources" / "census_to_iso3.csv", dtype={"cty_code": str}
    )
    iso = dict(zip(census["cty_code"], census["iso3"].str.upper(), strict=True))
    iso = {k: WIOD_LABEL.get(v, v) for k, v in iso.items()}
    raw["iso3"] = raw["cty_code"].map(iso)
    raw["region"] = raw["iso3"].where(raw["iso3"].isin(regions), "ROW")
    raw["wiod"] = wiod_of_hs10(shared, raw["hs10"])
    total = float(raw["imports"].sum())
    mapped = raw.dropna(subset=["wiod"])
    goods = mapped[mapped["wiod"].isin(GOODS)]
    unmapped = raw[raw["wiod"].isna()].groupby(raw["hs10"].str[:2])["imports"].sum()
    report = {
        "total_usd": total,
        "share_mapped_to_wiod": float(mapped["imports"].sum()) / total,
        "share_mapped_to_goods_industries": float(goods["imports"].sum()) / total,
        "share_partner_without_iso3_sent_to_row": float(
            raw.loc[raw["iso3"].isna(), "imports"].sum()
        )
        / total,
        "unmapped_by_hs2_usd": {k: float(v) for k, v in unmapped.nlargest(8).items()},
        "concordance": "HS10 -> HS6 (HS2022) -> ISIC Rev.3 (hs6_isic3.csv) -> WIOD "
        "(wiod_2013.csv); unmapped value is spread over the partner's mapped industries",
    }
    table = goods.groupby(["region", "wiod"])["imports"].sum().astype(float).unstack(fill_value=0.0)
    return table.reindex(index=regions, columns=list(GOODS), fill_value=0.0) / 1e6, report


def regional(labels: list[str], regions: list[str]) -> Array:
    """0/1 matrix mapping the 194 BACI countries onto WIOD's regions (the rest to ROW)."""
    index = {r: k for k, r in enumerate(regions)}
    named = [WIOD_LABEL.get(c, c) for c in labels]
    missing = sorted(set(regions) - set(named) - {"ROW", "TWN"})
    if missing:
        raise SystemExit(f"WIOD regions {missing} are not in the BACI country list")
    m = np.zeros((len(labels), len(regions)))
    for k, c in enumerate(named):
        m[k, index.get(c, index["ROW"])] = 1.0
    return m


def build(shared: Path, command: str) -> None:
    """Balance the 2023 table, write the default, its targets and provenance."""
    wiod_dir = shared / "data" / "wiod2013_release_2011"
    ld_dir = shared / "data" / "liberation_day_ignatenko2025"
    z, final, regions, sectors, wiod_files = read_wiot2013_blocks(wiod_dir)
    n, j, q = len(regions), len(sectors), len(WIOD2013_FINAL)
    nj = n * j
    goods = np.array([s in GOODS for s in sectors])
    twn = regions.index("TWN")
    usa = regions.index("USA")

    # --- targets --------------------------------------------------------------------------
    ld = read_liberation_day(ld_dir)
    if "TWN" in ld.labels:
        raise SystemExit("BACI matrix now lists Taiwan; revisit the Taiwan rules")
    agg = regional(ld.labels, regions)
    baci = agg.T @ ld.trade @ agg  # (exporter region, importer region), US$ millions
    gdp = agg.T @ ld.gdp
    output_2011 = z.sum(axis=1) + final.sum(axis=(1, 2))
    va_2011 = output_2011 - z.sum(axis=0)
    va_country_2011 = va_2011.reshape(n, j).sum(axis=1)
    known = np.arange(n) != twn
    world_growth = gdp[known].sum() / va_country_2011[known].sum()
    gdp[twn] = va_country_2011[twn] * world_growth
    growth = gdp / va_country_2011
    output = output_2011 * np.repeat(growth, j)

    census, census_report = us_imports(shared, regions)
    us = census.to_numpy()  # (region, goods industry), 2024, US$ millions
    totals = us.sum(axis=1, keepdims=True)
    share = np.divide(us, totals, out=np.zeros_like(us), where=totals > 0)
    scale_twn = baci[known, usa].sum() / us[known].sum()
    partner_total = baci[:, usa].copy()
    partner_total[twn] = us[twn].sum() * scale_twn
    us_target = share * partner_total[:, None]
    census_report["us_total_census_2024_musd"] = float(us.sum())
    census_report["us_total_baci_2023_musd"] = float(baci[:, usa].sum())

    # --- the matrix: rows (origin industry | value added), columns (user industry | final) --
    prior = np.zeros((nj + 1, nj + n * q))
    prior[:nj, :nj] = z
    prior[:nj, nj:] = final.reshape(nj, n * q)
    prior[nj, :nj] = va_2011
    prior[:nj] *= np.repeat(growth, j)[:, None]
    prior[nj, :nj] *= np.repeat(growth, j)
    row = np.repeat(np.arange(nj + 1), nj + n * q).reshape(prior.shape)
    col = np.tile(np.arange(nj + n * q), (nj + 1, 1))
    origin_country = np.where(row < nj, row // j, -1)
    origin_industry = np.where(row < nj, row % j, -1)
    user_country = np.where(col < nj, col // j, (col - nj) // q)
    is_va = row == nj

    def cells(label: Array) -> Array:
        return label.ravel().astype(np.int64)

    minus = -np.ones(prior.shape, dtype=np.int64)
    constraints = [
        Constraint("output_sales", cells(np.where(row < nj, row, -1)), output.copy()),
        Constraint("output_costs", cells(np.where(col < nj, col, minus)), output.copy()),
        Constraint("value_added", cells(np.where(is_va & (col < nj), col // j, -1)), gdp.copy()),
    ]
    pair_ok = np.ones((n, n), dtype=bool)
    np.fill_diagonal(pair_ok, False)
    pair_ok[twn, :] = pair_ok[:, twn] = False
    pairs = np.flatnonzero(pair_ok.ravel())
    pair_id = -np.ones(n * n, dtype=np.int64)
    pair_id[pairs] = np.arange(len(pairs))
    goods_row = (origin_industry >= 0) & goods[np.maximum(origin_industry, 0)]
    trade_label = np.where(goods_row, pair_id[origin_country * n + user_country], -1)
    trade_cells = cells(trade_label)
    trade_mass = np.bincount(
        trade_cells[trade_cells >= 0],
        weights=np.abs(prior).ravel()[trade_cells >= 0],
        minlength=len(pairs),
    )
    empty_pairs = pairs[(trade_mass == 0) & (baci.ravel()[pairs] > 0)]
    dropped_pairs = {
        f"{regions[p // n]}->{regions[p % n]}": float(baci.ravel()[p]) for p in empty_pairs
    }
    # an empty BACI cell is a zero *or missing* flow (SOURCES.md); where the 2011 table has
    # goods trade (Russia with Korea and Poland, Korea with Poland) it is taken as missing
    missing_pairs = pairs[(trade_mass > 0) & (baci.ravel()[pairs] == 0)]
    missing = [f"{regions[p // n]}->{regions[p % n]}" for p in missing_pairs]
    pair_ok.ravel()[np.concatenate([empty_pairs, missing_pairs])] = False
    pairs = np.flatnonzero(pair_ok.ravel())
    pair_id = -np.ones(n * n, dtype=np.int64)
    pair_id[pairs] = np.arange(len(pairs))
    trade_label = np.where(goods_row, pair_id[origin_country * n + user_country], -1)
    constraints.append(Constraint("goods_trade", cells(trade_label), baci.ravel()[pairs]))
    goods_idx = -np.ones(j, dtype=np.int64)
    goods_idx[goods] = np.arange(goods.sum())
    us_ok = (origin_country >= 0) & (origin_country != usa) & (user_country == usa) & goods_row
    us_label = np.where(
        us_ok, origin_country * goods.sum() + goods_idx[np.maximum(origin_industry, 0)], -1
    )
    # a partner-industry the 2011 table has no US imports of cannot be targeted: its value
    # goes to the partner's other industries (recorded in the provenance)
    us_cells = cells(us_label)
    mass = np.bincount(
        us_cells[us_cells >= 0],
        weights=np.abs(prior).ravel()[us_cells >= 0],
        minlength=us_target.size,
    ).reshape(us_target.shape)
    empty = (mass == 0) & (us_target > 0)
    dropped_us = {
        f"{regions[a]}/{GOODS[g]}": float(us_target[a, g])
        for a, g in zip(*np.nonzero(empty), strict=True)
    }
    kept = np.where(empty, 0.0, us_target)
    with np.errstate(invalid="ignore", divide="ignore"):
        kept = np.nan_to_num(kept * (us_target.sum(axis=1) / kept.sum(axis=1))[:, None])
    us_target = kept
    us_target[usa] = 0.0
    constraints.append(Constraint("us_imports", us_cells, us_target.ravel()))

    start = time.perf_counter()
    result = gras(
        prior, constraints, tol=TOLERANCE, max_iter=20000, tied=("output_sales", "output_costs")
    )
    seconds = time.perf_counter() - start
    x = result.matrix
    flips = int(((x > 0) & (prior < 0)).sum() + ((x < 0) & (prior > 0)).sum())
    if flips:
        raise SystemExit(f"GRAS changed the sign of {flips} cells")
    print(f"GRAS: {result.iterations} sweeps, {seconds:.1f} s, gap {result.max_relative_gap:.2g}")

    # --- the baseline ------------------------------------------------------------------------
    z23 = x[:nj, :nj]
    final23 = x[:nj, nj:].reshape(nj, n, q)
    theta = load_baseline("wiod2011")[dims.TRADE_ELASTICITY]
    ds = baseline_from_iot(
        z23,
        final23.sum(axis=2),
        regions,
        sectors,
        year=2023,
        source="WIOD 2011 world input-output table moved to 2023-2024 by GRAS "
        "(BACI 2023 goods trade, US imports 2024, WDI GDP 2023)",
        provenance={
            "loader": "scripts/build_wiod2023.py",
            "files": wiod_files,
            "tariffs": "zero (the WIOT has no tariff matrix)",
        },
        theta=theta,
    )

    # --- targets against the baseline as stored -------------------------------------------
    trade = ds[dims.TRADE].transpose(dims.EXPORTER, dims.IMPORTER, dims.SECTOR).to_numpy()
    rows = []
    for a, b in zip(*np.nonzero(pair_ok), strict=True):
        rows.append(
            ("goods_trade", regions[a], regions[b], "goods", baci[a, b], trade[a, b, goods].sum())
        )
    for a in range(n):
        for g, s in enumerate(GOODS):
            if a != usa and f"{regions[a]}/{s}" not in dropped_us:
                rows.append(("us_imports", regions[a], "USA", s, us_target[a, g], trade[a, usa, g]))
    va = ds[dims.VALUE_ADDED].sum(dims.SECTOR).to_numpy()
    for a in range(n):
        rows.append(("value_added", regions[a], "", "all", gdp[a], va[a]))
    targets = pd.DataFrame(
        rows, columns=["target", "exporter", "importer", "sector", "value", "baseline"]
    )
    targets["value"] = targets["value"].round(6)
    targets["baseline"] = targets["baseline"].round(6)
    targets.to_csv(
        OUT / f"{NAME}_targets.csv.gz",
        index=False,
        compression={"method": "gzip", "mtime": 0},
    )
    gap = (targets["baseline"] - targets["value"]).abs() / targets["value"].abs().clip(lower=1.0)
    report = {}
    for kind, part in targets.assign(gap=gap).groupby("target"):
        worst = part.loc[part["gap"].idxmax()]
        report[str(kind)] = {
            "sets": len(part),
            "total_musd": float(part["value"].sum()),
            "balanced_table_max_relative_gap": result.gaps.get(str(kind)),
            "baseline_max_relative_gap": float(worst["gap"]),
            "baseline_worst": ""
            if worst["gap"] == 0
            else worst["exporter"]
            if kind == "value_added"
            else f"{worst['exporter']}->{worst['importer']} {worst['sector']}",
            "baseline_total_relative_gap": float(
                abs(part["baseline"].sum() - part["value"].sum()) / part["value"].sum()
            ),
        }
    for kind in ("output_sales", "output_costs"):
        report[kind] = {
            "sets": nj,
            "total_musd": float(result.targets[kind].sum()),
            "start_total_musd": float(output.sum()),
            "balanced_table_max_relative_gap": result.gaps[kind],
        }

    shared_files = (
        [wiod_dir / f for f in wiod_files]
        + [ld_dir / f for f in ("trade_cepii.csv", "gdp.csv", "country_labels.csv")]
        + [
            shared / "data/budgetlab_yale/tariff_model/us_imports_2024/"
            "us_imports_2024_hs10_country.csv.gz",
            shared / "data/budgetlab_yale/tariff_etrs/resources/census_to_iso3.csv",
            shared / "data/concordances/insongkim_concordance/hs6_isic3.csv",
            shared / "data/concordances/insongkim_concordance/wiod_2013.csv",
        ]
    )
    provenance = json.loads(ds.attrs["provenance"])
    provenance.update(
        {
            "built_by": command,
            "built_on": dt.date.today().isoformat(),
            "raw_files": {str(p.relative_to(shared)): file_sha256(p) for p in shared_files},
            "source": "WIOD 2013 release WIOT 2011 (Timmer et al. 2015) updated by GRAS "
            "(Junius and Oosterhaven 2003; Lenzen et al. 2007) to BACI 2023, US imports 2024 "
            "and WDI GDP 2023",
            "method": __doc__.split("Method. ", 1)[1].strip() if __doc__ else "",
            "balancing": {
                "method": "GRAS over constraint groups (tradewinds.data.gras)",
                "iterations": result.iterations,
                "converged": result.converged,
                "tolerance": TOLERANCE,
                "sign_flips": flips,
                "targets": report,
            },
            "targets_file": f"{NAME}_targets.csv.gz",
            "us_imports_2024": census_report,
            "us_imports_without_a_2011_cell_not_targeted_musd": dropped_us,
            "goods_trade_without_a_2011_cell_not_targeted_musd": dropped_pairs,
            "goods_trade_empty_in_baci_taken_as_missing": missing,
            "gdp_growth_2011_2023": dict(
                zip(regions, (round(float(g), 4) for g in growth), strict=True)
            ),
            "taiwan": "not in the BACI matrix or the WDI file: its GDP grows with the other "
            f"regions ({world_growth:.4f}), its trade with others than the US is not targeted, "
            "its US imports are the Census 2024 values scaled by BACI 2023 / Census 2024 for "
            f"all US imports ({scale_twn:.4f})",
            "sector_file": "wiod2011_sectors.csv",
            "trade_elasticity": "as wiod2011 (CP2015 sector estimates mapped to WIOD "
            "industries, wiod2011_sectors.csv)",
            "romania": "keeps WIOD's label ROM, as in wiod2011",
        }
    )
    ds.attrs["provenance"] = json.dumps(provenance, sort_keys=True)
    # stored in double precision: rounded to single, the table's identities no longer hold
    # to the solver's tolerance (the balanced-closure equilibrium stalls at 5e-9)
    save_baseline(ds, OUT / f"{NAME}.nc")
    (OUT / f"{NAME}.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(json.dumps(provenance["balancing"], indent=1))


def main() -> None:
    """Parse the arguments and build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(args.shared.resolve(), "python scripts/build_wiod2023.py")


if __name__ == "__main__":
    main()
