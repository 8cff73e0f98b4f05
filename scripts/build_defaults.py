"""Build the bundled default baselines from ../shared/data into src/tradewinds/defaults.

Usage: ``python scripts/build_defaults.py [--shared PATH] [--only NAME]`` (NAME: regions,
wiod2011). Rerunning it with the same inputs
reproduces the files; each output gets a provenance record (raw file hashes, command, date) in
its attributes and in a JSON file beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tradewinds.data.baseline import aggregate  # noqa: E402
from tradewinds.data.loaders import file_sha256, load_liberation_day, save_baseline  # noqa: E402
from tradewinds.data.multisector_loaders import load_wiod2013  # noqa: E402

OUT = ROOT / "src" / "tradewinds" / "defaults"

#: Countries the default keeps on their own; the EU27 is a bloc and the rest is ROW.
KEEP = ("CAN", "MEX", "USA", "CHN", "JPN", "KOR", "IND", "BRA", "GBR")


def eu27(folder: Path) -> list[str]:
    """The 27 EU members, from the replication package's ``ids.txt`` (1-based row ids)."""
    text = (folder / "ids.txt").read_text()
    match = re.search(r"id_EU\s*=\s*\[([^\]]*)\]", text)
    if match is None:
        raise SystemExit(f"no id_EU list in {folder / 'ids.txt'}")
    ids = [int(x) for x in match.group(1).split()]
    labels = pd.read_csv(folder / "country_labels.csv")
    members = labels.set_index("iso_code").loc[ids, "iso3"].str.upper().tolist()
    if len(members) != 27:
        raise SystemExit(f"expected 27 EU members, found {len(members)}")
    return sorted(members)


def build_regions(shared: Path, command: str) -> None:
    """The 11-region one-sector default from the 194-country BACI 2023 aggregate."""
    folder = shared / "data" / "liberation_day_ignatenko2025"
    full = load_liberation_day(folder)
    grouping = {c: c for c in KEEP} | dict.fromkeys(eu27(folder), "EU27")
    table = pd.DataFrame(sorted(grouping.items()), columns=["country", "region"])
    table.to_csv(OUT / "regions_ld2023.csv", index=False)
    regional = aggregate(full, table, rest="ROW")
    provenance = json.loads(regional.attrs["provenance"])
    provenance.update(
        built_by=command,
        built_on=dt.date.today().isoformat(),
        raw_files={
            str(p.relative_to(shared)): file_sha256(p)
            for p in sorted(folder.glob("*"))
            if p.is_file()
        },
        grouping_file="regions_ld2023.csv",
    )
    regional.attrs["provenance"] = json.dumps(provenance, sort_keys=True)
    regional.attrs["source"] = "BACI 2023 via Ignatenko et al. (2025), 11 regions"
    save_baseline(regional, OUT / "ld2023_regions.nc")
    (OUT / "ld2023_regions.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(f"wrote {OUT / 'ld2023_regions.nc'}: {regional.sizes['exporter']} regions")


#: WIOD 2013-release industries: code, label used in tradewinds, and the CP2015 sectors whose
#: trade elasticities apply (several: their trade-weighted mean; none: CP2015's 8.22, the value
#: the CP2015 data assign to every sector without an estimate of its own).
WIOD_SECTORS = (
    ("c1", "agriculture", ("Agriculture",)),
    ("c2", "mining", ("Mining",)),
    ("c3", "food", ("Food",)),
    ("c4", "textiles", ("Textile",)),
    ("c5", "leather_footwear", ("Textile",)),
    ("c6", "wood", ("Wood",)),
    ("c7", "paper_printing", ("Paper",)),
    ("c8", "petroleum", ("Petroleum",)),
    ("c9", "chemicals", ("Chemicals",)),
    ("c10", "rubber_plastics", ("Plastic",)),
    ("c11", "nonmetallic_minerals", ("Minerals",)),
    ("c12", "basic_fabricated_metals", ("Basic metals", "Metal products")),
    ("c13", "machinery", ("Machinery n.e.c",)),
    ("c14", "electrical_optical", ("Office", "Electrical", "Communication", "Medical")),
    ("c15", "transport_equipment", ("Auto", "Other Transport")),
    ("c16", "manufacturing_nec", ("Other",)),
    ("c17", "utilities", ()),
    ("c18", "construction", ()),
    ("c19", "motor_vehicle_trade", ()),
    ("c20", "wholesale_trade", ()),
    ("c21", "retail_trade", ()),
    ("c22", "hotels_restaurants", ()),
    ("c23", "inland_transport", ()),
    ("c24", "water_transport", ()),
    ("c25", "air_transport", ()),
    ("c26", "transport_services", ()),
    ("c27", "post_telecom", ()),
    ("c28", "finance", ()),
    ("c29", "real_estate", ()),
    ("c30", "business_services", ()),
    ("c31", "public_administration", ()),
    ("c32", "education", ()),
    ("c33", "health", ()),
    ("c34", "other_services", ()),
    ("c35", "private_households", ()),
)

#: CP2015's elasticity for sectors without their own estimate (all services in their data).
CP2015_DEFAULT_THETA = 8.22


def cp2015_thetas(shared: Path) -> pd.DataFrame:
    """CP2015 theta mapped to WIOD industries, with the weights used where sectors merge.

    Weights are each CP2015 sector's 1993 world international trade (off-diagonal flows of
    ``cp2015_nafta/csv/trade.csv``).
    """
    folder = shared / "data" / "cp2015_nafta" / "csv"
    theta = pd.read_csv(folder / "theta.csv").set_index("sector")["value"]
    trade = pd.read_csv(folder / "trade.csv")
    foreign = trade[trade["exporter"] != trade["importer"]]
    weight = foreign.groupby("sector")["value"].sum()
    rows = []
    for code, label, cp in WIOD_SECTORS:
        if cp:
            w = weight.reindex(list(cp)).to_numpy(dtype=float)
            value = float((theta.reindex(list(cp)).to_numpy() * w).sum() / w.sum())
            note = " + ".join(
                f"{s} ({t:g}, weight {x / w.sum():.3f})"
                for s, t, x in zip(cp, theta.reindex(list(cp)), w, strict=True)
            )
        else:
            value, note = CP2015_DEFAULT_THETA, "CP2015 value for sectors without an estimate"
        rows.append({"wiod_code": code, "sector": label, "theta": round(value, 4), "cp2015": note})
    return pd.DataFrame(rows)


def build_wiod2011(shared: Path, command: str) -> None:
    """The 41-region x 35-industry multi-sector default from the WIOD 2013-release WIOT 2011."""
    folder = shared / "data" / "wiod2013_release_2011"
    thetas = cp2015_thetas(shared)
    thetas.to_csv(OUT / "wiod2011_sectors.csv", index=False)
    raw = load_wiod2013(folder, theta=dict(zip(thetas["wiod_code"], thetas["theta"], strict=True)))
    labels = dict(zip(thetas["wiod_code"], thetas["sector"], strict=True))
    ds = raw.assign_coords(
        sector=[labels[s] for s in raw["sector"].values],
        input_sector=[labels[s] for s in raw["input_sector"].values],
    )
    provenance = json.loads(ds.attrs["provenance"])
    provenance.update(
        built_by=command,
        built_on=dt.date.today().isoformat(),
        raw_files={
            str(p.relative_to(shared)): file_sha256(p)
            for p in sorted(folder.glob("*"))
            if p.is_file()
        }
        | {
            "data/cp2015_nafta/csv/theta.csv": file_sha256(
                shared / "data" / "cp2015_nafta" / "csv" / "theta.csv"
            ),
            "data/cp2015_nafta/csv/trade.csv": file_sha256(
                shared / "data" / "cp2015_nafta" / "csv" / "trade.csv"
            ),
        },
        sector_file="wiod2011_sectors.csv",
        trade_elasticity="CP2015 sector estimates mapped to WIOD industries (wiod2011_sectors.csv)",
        final_demand="households + NPISH + government + GFCF + inventory changes; "
        "negative (origin, destination) totals set to zero",
        value_added="gross output (row sums, matching the trade flows) minus intermediate "
        "column sums, floored at zero",
    )
    ds.attrs["provenance"] = json.dumps(provenance, sort_keys=True)
    save_baseline(ds, OUT / "wiod2011.nc")
    (OUT / "wiod2011.provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(f"wrote {OUT / 'wiod2011.nc'}: {ds.sizes['exporter']} regions x {ds.sizes['sector']}")


def main() -> None:
    """Build the defaults named on the command line (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--only", choices=("regions", "wiod2011"), default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python scripts/build_defaults.py"
    if args.only in (None, "regions"):
        build_regions(args.shared.resolve(), command)
    if args.only in (None, "wiod2011"):
        build_wiod2011(args.shared.resolve(), command)


if __name__ == "__main__":
    main()
