"""Build the text tables: HTS descriptions (``measures/data``), GTAP sector names (``web/data``).

HTSUS descriptions are a tree: a 10-digit line often says only "Other", and means it under its
indented ancestors ("Motor cars ...", "With only spark-ignition ...", "Other"). The table keeps
each row's own text and indent in file order (headings without a number included), so the
dashboard rebuilds the full path of any line. Chapters 98 and 99 are left out, as in the
packaged MFN table.

The GTAP sector names (``gtap_sectors.csv``: code, name) label the effective-rate page's
sector breakdown; they come from the Budget Lab's ``mappings/gtap_sectors.csv``.

Inputs: USITC HTSUS 2025 Basic Edition CSV and the GTAP sector table in
``../shared/data/budgetlab_yale`` (see its SOURCES.md). Run from the repository root::

    python scripts/build_hts_text.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path

import pandas as pd

SOURCE = Path("../shared/data/budgetlab_yale/tariff_etrs/resources/hts_2025_basic_edition.csv")
OUT = Path("src/tradewinds/measures/data/hts_text.csv.gz")
GTAP_OUT = Path("src/tradewinds/web/data/gtap_sectors.csv")
GTAP = Path("../shared/data/budgetlab_yale/tariff_model/resources/mappings/gtap_sectors.csv")


def build_gtap(source: Path, out: Path) -> dict[str, object]:
    """Write ``code,name`` of the GTAP sectors (codes upper case); return its provenance."""
    table = pd.read_csv(source, dtype=str)
    names = pd.DataFrame(
        {"code": table["gtap_code"].str.upper(), "name": table["description"].str.strip()}
    )
    names.to_csv(out, index=False)
    return {
        "output": out.name,
        "output_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "rows": len(names),
        "source_file": str(source),
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
    }


def build(source: Path, out: Path) -> dict[str, object]:
    """Write the table and its provenance record; return the record."""
    raw = pd.read_csv(source, dtype=str, encoding="utf-8-sig").fillna("")
    digits = raw["HTS Number"].map(lambda s: re.sub(r"\D", "", s))
    chapter = digits.str[:2].replace("", pd.NA).ffill().fillna("")
    keep = ~chapter.isin(["98", "99"])
    table = pd.DataFrame(
        {
            "code": digits[keep],
            "indent": raw.loc[keep, "Indent"].astype(int),
            "description": raw.loc[keep, "Description"].str.strip(),
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, compression={"method": "gzip", "mtime": 0})
    record: dict[str, object] = {
        "output": out.name,
        "output_sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "rows": len(table),
        "source": "USITC HTSUS 2025 Basic Edition (CSV export), via Yale Budget Lab tariff-ETR "
        "resources",
        "source_file": str(source),
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "licence": "US government work (public domain)",
        "command": "python scripts/build_hts_text.py",
        "gtap_sectors": build_gtap(GTAP, GTAP_OUT),
    }
    out.with_name("hts_text.provenance.json").write_text(
        json.dumps(record, indent=2) + "\n", encoding="utf-8"
    )
    return record


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    record = build(args.source, args.out)
    print(f"wrote {args.out}: {record['rows']} rows")


if __name__ == "__main__":
    main()
