"""Build the dashboard's world map (``src/tradewinds/web/static/map/world_110m.json``).

The geometry is Natural Earth's 1:110m admin-0 countries (public domain) as pre-built TopoJSON
in the npm package ``world-atlas``; country ids there are ISO 3166-1 numeric codes, which this
script rewrites to ISO3 alpha codes (from the ISO table in the npm package
``i18n-iso-countries``) because Plotly's geo charts look countries up by ISO3 feature id. The
file is named as plotly.js expects for ``scope: world, resolution: 110`` so the dashboard points
plotly's ``topojsonURL`` at the local folder and nothing is fetched from a CDN.

Run from the repository root with npm on the PATH (it downloads the two packages with
``npm pack`` into a temporary folder)::

    python scripts/build_map.py

A provenance record (packages, versions, licences, SHA-256 of the inputs and of the output)
is written next to the map.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

WORLD_ATLAS = "world-atlas@2.0.2"
ISO_CODES = "i18n-iso-countries@7.14.0"
OUT_DIR = Path("src/tradewinds/web/static/map")


def _pack(spec: str, folder: Path) -> Path:
    """``npm pack SPEC`` into ``folder``; the tarball's path."""
    done = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=folder, check=True, capture_output=True, text=True
    )
    return folder / done.stdout.strip().splitlines()[-1]


def _member(tarball: Path, name: str) -> bytes:
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(f"package/{name}")
        if handle is None:
            raise SystemExit(f"{name} is missing from {tarball.name}")
        return handle.read()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(out_dir: Path) -> dict[str, object]:
    """Write the map and its provenance; return the provenance record."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        atlas_tgz = _pack(WORLD_ATLAS, folder)
        codes_tgz = _pack(ISO_CODES, folder)
        atlas_raw = _member(atlas_tgz, "countries-110m.json")
        codes_raw = _member(codes_tgz, "codes.json")
        atlas_pkg = json.loads(_member(atlas_tgz, "package.json"))
        codes_pkg = json.loads(_member(codes_tgz, "package.json"))
    numeric_to_iso3 = {row[2]: row[1] for row in json.loads(codes_raw)}
    topo = json.loads(atlas_raw)
    kept, dropped = [], []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom.get("properties", {}).get("name", "")
        iso3 = numeric_to_iso3.get(str(geom.get("id", "")))
        if iso3 is None:
            dropped.append(name)  # e.g. Kosovo, N. Cyprus, Somaliland: no ISO numeric code
            continue
        geom["id"] = iso3
        geom["properties"] = {"name": name}
        kept.append(geom)
    topo["objects"] = {"countries": {"type": "GeometryCollection", "geometries": kept}}
    text = json.dumps(topo, separators=(",", ":"))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "world_110m.json").write_text(text, encoding="utf-8")
    provenance: dict[str, object] = {
        "output": "world_110m.json",
        "output_sha256": _sha256(text.encode()),
        "geometry": {
            "package": f"npm {atlas_pkg['name']} {atlas_pkg['version']}",
            "file": "countries-110m.json",
            "sha256": _sha256(atlas_raw),
            "licence": f"package {atlas_pkg.get('license')}; Natural Earth data: public domain",
            "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries",
        },
        "iso_codes": {
            "package": f"npm {codes_pkg['name']} {codes_pkg['version']}",
            "file": "codes.json",
            "sha256": _sha256(codes_raw),
            "licence": str(codes_pkg.get("license")),
        },
        "countries": len(kept),
        "dropped_without_iso_code": sorted(dropped),
        "command": "python scripts/build_map.py",
    }
    (out_dir / "world_110m.provenance.json").write_text(
        json.dumps(provenance, indent=2) + "\n", encoding="utf-8"
    )
    return provenance


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="Output folder.")
    args = parser.parse_args()
    record = build(args.out)
    print(f"wrote {args.out / 'world_110m.json'}: {record['countries']} countries")


if __name__ == "__main__":
    main()
