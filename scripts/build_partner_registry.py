"""Generate the IEEPA reciprocal registry records of every partner from the sourced rate table.

Usage: ``python scripts/build_partner_registry.py [--shared PATH]``.

Reads ``../shared/facts/reciprocal_rates_by_country.csv`` (the rate of every partner on every
regime date, with its Chapter 99 heading, sources and confidence) and writes
``src/tradewinds/measures/data/registry/ieepa_reciprocal.yaml``: one record per partner and
window in which its rate, heading and stacking form stay the same, plus a record for the
partners the table does not name (the 10% of heading 9903.01.25, fact sheet row RC-01). It also
adds the source keys of ``../shared/facts/tariff_measures_all_partners.md`` that
``data/sources.yaml`` lacks. Rerunning it with the same inputs reproduces the files; the header
of the YAML file records the input hashes and the command.

Rules read from the fact sheet (rows RC-01 to RC-08, DL-02 to DL-05):

* ``change`` rows with status ``announced_not_implemented`` (Taiwan 2026-01-15, India
  2026-02-07) do not change the rate; the record keeps the heading rate and carries a ``choice``.
* Japan from 2025-08-07: heading 9903.02.30 (15% stacking, as published) was replaced
  retroactively by the all-in floor of 9903.02.72/.73 (EO 14345); the record uses the heading
  in force after the revision of 2025-09-16 and says so (the heading wins over the sheet's first
  reading, with its revision date).
* All-in rows (EU members, Japan, Korea, Switzerland, Liechtenstein) are ``floor: true``.
* Column 2 countries (Cuba, North Korea, Russia, Belarus) and Canada and Mexico get no record.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "tradewinds" / "measures" / "data"
END = "2026-02-24"  # first day without IEEPA collection (row RC-08, LG-01)
NO_RECORD = {"not_subject", "exempt_other_regime"}
COMMAND = "python scripts/build_partner_registry.py"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(row: dict[str, str]) -> tuple[float, bool, str] | None:
    """(rate, floor, heading) a row sets, or None where the partner has no reciprocal duty."""
    if row["status"] in NO_RECORD or row["status"] == "ended":
        return None
    rate = float(row["rate_pct"]) / 100
    heading = row["hts_heading"]
    basis = row["rate_basis"]
    floor = basis.startswith("all-in floor") or "retroactively replaced by all-in floor" in basis
    if "retroactively replaced" in basis:  # Japan: the revised headings apply from 2025-08-07
        heading = "9903.02.72 (column 1 rate >= 15%) / 9903.02.73 (< 15%)"
    return rate, floor, heading


def _keys(row: dict[str, str]) -> list[str]:
    return [k.strip() for k in row["sources"].split(";") if k.strip()]


def _source(entry: str) -> dict[str, str]:
    """``{"key": ...}`` from a table entry such as ``HTS-R6 note 2(v)(xviii)`` (key, then note)."""
    key, _, note = entry.strip().partition(" ")
    return {"key": key, "note": note} if note else {"key": key}


def build(shared: Path) -> tuple[dict[str, object], list[str]]:
    """The YAML document and the source keys it cites."""
    table = shared / "facts" / "reciprocal_rates_by_country.csv"
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    by_country: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_country.setdefault(row["iso3"], []).append(row)
    measures: list[dict[str, object]] = []
    cited: set[str] = set()
    named = sorted(c for c in by_country if re.fullmatch(r"[A-Z]{3}", c))
    for iso3 in named:
        entries = sorted(by_country[iso3], key=lambda r: r["regime_date"])
        windows: list[tuple[str, tuple[float, bool, str] | None, dict[str, str], list[str]]] = []
        for row in entries:
            if row["status"] == "announced_not_implemented":
                if windows:
                    windows[-1][3].append(row["note"] or row["rate_basis"])
                    windows[-1][2]["_announced"] = (
                        f"{row['regime_date']}: {row['rate_basis']} ({row['confidence']})"
                    )
                continue
            state = _state(row)
            if windows and windows[-1][1] == state:
                windows[-1][2]["sources"] += "; " + row["sources"]
                continue
            windows.append((row["regime_date"], state, dict(row), []))
        for k, (start, state, row, notes) in enumerate(windows):
            if state is None:
                continue
            end = windows[k + 1][0] if k + 1 < len(windows) else END
            rate, floor, heading = state
            keys = list(dict.fromkeys(k2.strip() for k2 in row["sources"].split(";") if k2.strip()))
            cited.update(_source(k2)["key"] for k2 in keys)
            record: dict[str, object] = {
                "id": f"ieepa-recip-{iso3.lower()}-{start}",
                "title": (
                    f"IEEPA reciprocal {rate:.0%} {'all-in (MFN + duty)' if floor else ''} "
                    f"on {row['country']}"
                ).replace("  ", " "),
                "authority": "ieepa",
                "programme": "ieepa_recip",
                "legal_basis": f"IEEPA; {row['legal_instrument']}",
                "heading": heading,
                "imposing": "USA",
                "targets": [iso3],
                "scope": {
                    "hts_prefixes": [""],
                    "exclude_prefixes": ["98"],
                    "exclude_lists": ["ieepa_recip_annex2"],
                    "description": (
                        "all products except the Annex II exceptions of heading 9903.01.32 "
                        "(Budget Lab product table) and chapter 98"
                    ),
                    "approximate": True,
                },
                "rate": round(rate, 4),
                "effective_from": dt.date.fromisoformat(start),
                "effective_to": dt.date.fromisoformat(end),
                "usmca": "none",
                "sources": [_source(k2) for k2 in keys]
                + [{"key": "RATES-CSV", "note": f"row {iso3} {start}"}],
            }
            if floor:
                record["floor"] = True
                record["regime"] = "all-in floor: MFN + reciprocal = 15%"
            choices = []
            if "retroactively replaced" in row["rate_basis"]:
                choices.append(
                    {
                        "field": "floor",
                        "chosen": "all-in 15% (9903.02.72/.73) from 2025-08-07",
                        "alternative": "15% stacking on MFN (9903.02.30 as published)",
                        "reason": (
                            "EO 14345 made the all-in rate retroactive to 2025-08-07; the HTS "
                            "revision effective 2025-09-16 (90 FR 44638) terminated 9903.02.30. "
                            "The heading wins over the first published reading."
                        ),
                    }
                )
            if (
                start == "2025-04-09"
                and heading.startswith("9903.01.")
                and heading[:10]
                not in (
                    "9903.01.25",
                    "9903.01.63",
                )
            ):
                choices.append(
                    {
                        "field": "effective_from",
                        "chosen": "2025-04-09 (one day; CBP CSMS 64680374 and every other source)",
                        "alternative": (
                            "2025-04-10, as U.S. note 2(v)(xviii) reads in HTS 2026 Rev. 6"
                        ),
                        "reason": (
                            "the note's date is the wording after later amendment (the sheet's "
                            "row RC-03): from 2025-04-10 the Annex I rates were suspended, so the "
                            "printed date would never have applied; kept against the note"
                        ),
                    }
                )
            if "_announced" in row:
                choices.append(
                    {
                        "field": "rate",
                        "chosen": (
                            f"{rate:.2f} (heading {heading}, no termination note in HTS 2026 "
                            "Rev. 6)"
                        ),
                        "alternative": row["_announced"],
                        "reason": (
                            "announced cut not implemented in the HTS before IEEPA collection "
                            "ended (fact sheet RC-07)"
                        ),
                    }
                )
            if choices:
                record["choice"] = choices
            note = "; ".join(x for x in [row["note"], *notes] if x)
            confidence = row["confidence"]
            record["notes"] = f"Confidence: {confidence}." + (f" {note}" if note else "")
            measures.append(record)
    # Partners the table does not name (its rows "*"): 10% under 9903.01.25 from 2025-04-05.
    rest = sorted(set(named) | {"CAN", "MEX"})
    star = [r for r in rows if r["iso3"] == "*" and r["status"] == "in_force"]
    if {r["rate_pct"] for r in star} != {"10"}:
        raise SystemExit("the table's rows for all other countries are no longer 10%")
    cited.update(_source(k)["key"] for r in star for k in _keys(r))
    trans = [r for r in rows if r["iso3"] == "*TRANSSHIP"]
    measures.append(
        {
            "id": "ieepa-recip-rest-of-world",
            "title": "IEEPA reciprocal 10% baseline on every partner without a country rate",
            "authority": "ieepa",
            "programme": "ieepa_recip",
            "legal_basis": (
                "IEEPA; EO 14257 (90 FR 15041) s.3, heading 9903.01.25; ended by EO 14389"
            ),
            "heading": "9903.01.25",
            "imposing": "USA",
            "targets": ["*"],
            "exclude_targets": rest,
            "scope": {
                "hts_prefixes": [""],
                "exclude_prefixes": ["98"],
                "exclude_lists": ["ieepa_recip_annex2"],
                "description": "all products except Annex II (9903.01.32) and chapter 98",
                "approximate": True,
            },
            "rate": 0.1,
            "effective_from": dt.date(2025, 4, 5),
            "effective_to": dt.date.fromisoformat(END),
            "usmca": "none",
            "sources": [
                {"key": "FR-14257"},
                {"key": "FR-14326", "note": "unlisted countries stay at 10% (row RC-04)"},
                {"key": "HTS-R6"},
                {"key": "MONDAQ-END"},
            ],
            "notes": (
                "Every origin not in reciprocal_rates_by_country.csv (territories, small "
                "economies); the table's own rows cover the named partners, Canada and Mexico are "
                "under the fentanyl regime, and the column 2 countries (CUB, PRK, RUS, BLR) are "
                "not subject."
            ),
        }
    )
    for row in trans:  # RC-05: 40% in lieu of the origin's rate when CBP finds transshipment
        cited.update(_source(k)["key"] for k in _keys(row))
        measures.append(
            {
                "id": "ieepa-recip-transshipment-40",
                "title": "IEEPA 40% on goods found transshipped to evade the reciprocal duty",
                "authority": "ieepa",
                "programme": "ieepa_recip_transship",
                "legal_basis": f"IEEPA; {row['legal_instrument']}",
                "heading": row["hts_heading"],
                "imposing": "USA",
                "targets": ["*"],
                "exclude_targets": ["CAN", "MEX", "CUB", "PRK", "RUS", "BLR"],
                "scope": {
                    "hts_prefixes": [""],
                    "description": "any product CBP finds transshipped",
                },
                "rate": float(row["rate_pct"]) / 100,
                "effective_from": dt.date.fromisoformat(row["regime_date"]),
                "effective_to": dt.date.fromisoformat(END),
                "condition": "transshipment",
                "sources": [_source(k2) for k2 in _keys(row)],
                "notes": "In lieu of the origin's reciprocal rate (rule recip-transshipment). No "
                "published determination was found (RC-05): applies only when declared.",
            }
        )
    doc = {
        "programme": "ieepa_recip",
        "description": (
            "IEEPA 'reciprocal' duties on every partner except Canada and Mexico (fact sheet "
            "tariff_measures_all_partners.md rows RC-01 to RC-08, tables 1a and 1b), generated by "
            f"{COMMAND} from reciprocal_rates_by_country.csv (sha256 {_sha(table)[:16]}). "
            "Do not edit by hand."
        ),
        "measures": measures,
    }
    return doc, sorted(cited | {"FR-14257", "FR-14326", "HTS-R6", "MONDAQ-END"})


def _sheet_sources(sheet: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in sheet.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^- ([A-Z0-9][A-Z0-9-]*): (\S+)", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def update_sources(shared: Path) -> int:
    """Append the sheet's source keys missing from ``sources.yaml``; the number added."""
    path = DATA / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    known = set(yaml.safe_load(text))
    sheet = _sheet_sources(shared / "facts" / "tariff_measures_all_partners.md")
    sheet["RATES-CSV"] = "../shared/facts/reciprocal_rates_by_country.csv"
    new = {k: v for k, v in sorted(sheet.items()) if k not in known}
    if new:
        block = "".join(f"{k}: {json.dumps(v)}\n" for k, v in new.items())
        marker = (
            "# From ../shared/facts/tariff_measures_all_partners.md (build_partner_registry.py)\n"
        )
        if marker not in text:
            text += marker
        path.write_text(text + block, encoding="utf-8")
    return len(new)


def main() -> None:
    """Write the reciprocal registry file and the missing source keys."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    shared = args.shared.resolve()
    doc, _ = build(shared)
    out = DATA / "registry" / "ieepa_reciprocal.yaml"
    header = f"# Generated by {COMMAND}; do not edit.\n"
    out.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=100), encoding="utf-8")
    added = update_sources(shared)
    print(f"wrote {out}: {len(doc['measures'])} records; {added} source keys added")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
