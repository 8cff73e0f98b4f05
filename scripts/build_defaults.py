"""Build the bundled default baselines from ../shared/data into src/tradewinds/defaults.

Usage: ``python scripts/build_defaults.py [--shared PATH]``. Rerunning it with the same inputs
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


def main() -> None:
    """Build every bundled default."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    command = "python scripts/build_defaults.py"
    build_regions(args.shared.resolve(), command)


if __name__ == "__main__":
    main()
