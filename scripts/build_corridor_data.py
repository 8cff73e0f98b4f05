"""Build the compact port and product tables of ``tradewinds.integration`` from ../shared/data.

Usage: ``python scripts/build_corridor_data.py [--shared PATH]``.

Outputs (each listed with its SHA-256 in ``provenance.json`` beside it, with the raw files' hashes
and the command):

- ``integration/corridors/data/ports.csv``: the ports the compared routes use, with their
  World Port Index (NGA Pub. 150) attributes;
- ``integration/corridors/data/us_ports.csv``: every US port of the World Port Index (number,
  name, position), used to tell when a sea path sails through US coastal waters;
- ``integration/diversify/data/hs_descriptions.csv.gz``: HS 2022 chapter (2-digit) and
  subheading (6-digit) descriptions for the chapters and subheadings of US imports from Canada
  and Mexico in 2024 (the packaged import weights).

The raw files are not copied; rerunning the script with the same inputs reproduces the outputs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORRIDORS = ROOT / "src" / "tradewinds" / "integration" / "corridors" / "data"
DIVERSIFY = ROOT / "src" / "tradewinds" / "integration" / "diversify" / "data"
WEIGHTS = ROOT / "src" / "tradewinds" / "measures" / "data" / "derived" / "weights_2024.csv.gz"

#: Port id (UN/LOCODE without the space) -> (World Port Index number, ISO3, display name,
#: coast). The coast groups a country's gateways: ``pacific`` and ``atlantic`` (the Gulf of
#: Mexico and the St Lawrence count as Atlantic) in North America, ``overseas`` elsewhere.
#: Singapore is the WPI's Keppel entry (East Singapore), the container terminals' harbour.
PORTS = {
    "CAVAN": (18150, "CAN", "Vancouver", "pacific"),
    "CAPRR": (18950, "CAN", "Prince Rupert", "pacific"),
    "CAHAL": (6340, "CAN", "Halifax", "atlantic"),
    "CAMTR": (2235, "CAN", "Montreal", "atlantic"),
    "MXZLO": (15770, "MEX", "Manzanillo", "pacific"),
    "MXLZC": (15765, "MEX", "Lázaro Cárdenas", "pacific"),
    "MXVER": (9380, "MEX", "Veracruz", "atlantic"),
    "MXATM": (9355, "MEX", "Altamira", "atlantic"),
    "USLAX": (16080, "USA", "Los Angeles", "pacific"),
    "USSEA": (17730, "USA", "Seattle", "pacific"),
    "USHOU": (9240, "USA", "Houston", "atlantic"),
    "CNSHA": (59970, "CHN", "Shanghai", "overseas"),
    "KRPUS": (60390, "KOR", "Busan", "overseas"),
    "JPYOK": (61390, "JPN", "Yokohama", "overseas"),
    "SGSIN": (50000, "SGP", "Singapore", "overseas"),
    "VNSGN": (57580, "VNM", "Ho Chi Minh City", "overseas"),
}

#: WPI columns kept for the ports table, renamed.
ATTRIBUTES = {
    "World Port Index Number": "wpi_number",
    "Main Port Name": "wpi_name",
    "UN/LOCODE": "wpi_locode",
    "Latitude": "lat",
    "Longitude": "lon",
    "Harbor Size": "harbor_size",
    "Harbor Type": "harbor_type",
    "Channel Depth (m)": "channel_depth_m",
    "Cargo Pier Depth (m)": "cargo_pier_depth_m",
    "Maximum Vessel Length (m)": "max_vessel_length_m",
    "Facilities - Container": "container_facilities",
    "Railway": "railway",
}


def sha256(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_ports(wpi: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compared routes' ports and every US port, from the World Port Index."""
    wpi = wpi.assign(number=wpi["World Port Index Number"].astype(float).astype(int))
    by_number = wpi.set_index("number")
    rows = []
    for port, (number, iso3, name, coast) in PORTS.items():
        if number not in by_number.index:
            raise SystemExit(f"WPI number {number} ({name}) not in the World Port Index file")
        raw = by_number.loc[number, list(ATTRIBUTES)].rename(ATTRIBUTES)
        rows.append({"port": port, "name": name, "country": iso3, "coast": coast, **raw.to_dict()})
    ports = pd.DataFrame(rows)
    ports["wpi_number"] = ports["wpi_number"].astype(float).astype(int)
    ports["wpi_locode"] = ports["wpi_locode"].str.strip()
    ports[["lat", "lon"]] = ports[["lat", "lon"]].astype(float).round(5)
    us = wpi[wpi["Country Code"] == "United States"]
    us_ports = pd.DataFrame(
        {
            "wpi_number": us["number"],
            "name": us["Main Port Name"].str.split().str.join(" "),
            "lat": us["Latitude"].astype(float).round(5),
            "lon": us["Longitude"].astype(float).round(5),
        }
    ).sort_values("wpi_number")
    return ports, us_ports


def build_hs(hs: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """HS chapter and subheading descriptions for the codes of the 2024 import weights."""
    codes = weights["hts10"].astype(str).str.zfill(10)
    wanted = set(codes.str[:2]) | set(codes.str[:6])
    hs = hs.assign(hscode=hs["hscode"].astype(str))
    out = hs[hs["hscode"].isin(wanted) & hs["level"].isin([2, 6])]
    return out[["hscode", "description"]].rename(columns={"hscode": "code"}).sort_values("code")


def main() -> None:
    """Build the tables and their provenance record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    data = args.shared / "data"
    wpi_file = data / "ports_world_port_index" / "UpdatedPub150.csv"
    hs_file = data / "harmonized_system" / "harmonized-system.csv"
    wpi = pd.read_csv(wpi_file, dtype=str, encoding="utf-8-sig")
    ports, us_ports = build_ports(wpi)
    CORRIDORS.mkdir(parents=True, exist_ok=True)
    DIVERSIFY.mkdir(parents=True, exist_ok=True)
    ports.to_csv(CORRIDORS / "ports.csv", index=False)
    us_ports.to_csv(CORRIDORS / "us_ports.csv", index=False)
    weights = pd.read_csv(WEIGHTS, dtype={"hts10": str})
    hs = build_hs(pd.read_csv(hs_file, dtype={"hscode": str}), weights)
    hs_out = DIVERSIFY / "hs_descriptions.csv.gz"
    hs.to_csv(hs_out, index=False, compression={"method": "gzip", "mtime": 0})
    command = "python scripts/build_corridor_data.py"
    for folder, outputs, raw in (
        (CORRIDORS, ["ports.csv", "us_ports.csv"], [wpi_file]),
        (DIVERSIFY, ["hs_descriptions.csv.gz"], [hs_file]),
    ):
        record = {
            "built_by": command,
            "built_on": dt.date.today().isoformat(),
            "raw_files": {str(p.relative_to(args.shared)): sha256(p) for p in raw},
            "package_inputs": {"measures/data/derived/weights_2024.csv.gz": sha256(WEIGHTS)}
            if folder == DIVERSIFY
            else {},
            "outputs": {name: sha256(folder / name) for name in outputs},
            "notes": "Compact derived tables; the raw files are not copied. "
            "See docs/corridors.md and docs/diversify.md.",
        }
        (folder / "provenance.json").write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {len(ports)} ports, {len(us_ports)} US ports, {len(hs)} HS descriptions")


if __name__ == "__main__":
    sys.exit(main())
