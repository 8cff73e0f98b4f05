"""What ``tradewinds baseline info`` (and the API) say about a baseline, as plain data."""

from __future__ import annotations

import json
from typing import Any


def baseline_summary(ds: Any, name: str) -> dict[str, Any]:
    """The facts ``baseline info`` prints, as plain data (also its ``--json`` output)."""
    from tradewinds.core import dims
    from tradewinds.data import countries, expenditure, income

    labels = countries(ds)
    multi = dims.IO_SHARE in ds and dims.VALUE_ADDED in ds
    y = income(ds)
    trade = ds[dims.TRADE].sum(dims.SECTOR)
    domestic = {c: float(trade.sel({dims.EXPORTER: c, dims.IMPORTER: c})) for c in labels}
    exports = trade.sum(dims.IMPORTER)
    imports = trade.sum(dims.EXPORTER)
    if multi:
        size = ds[dims.VALUE_ADDED].sum(dims.SECTOR)
        columns = ["value_added", "gross_output", "exports", "imports", "deficit"]
    else:
        size = y
        spend = expenditure(ds)
        columns = ["income", "expenditure", "exports", "imports", "deficit"]
    order = sorted(labels, key=lambda c: -float(size.sel({dims.EXPORTER: c})))
    rows = []
    for c in order[:12]:
        row: dict[str, Any] = {"country": c}
        if multi:
            row["value_added"] = float(size.sel({dims.EXPORTER: c}))
            row["gross_output"] = float(y.sel({dims.EXPORTER: c}))
        else:
            row["income"] = float(y.sel({dims.EXPORTER: c}))
            row["expenditure"] = float(spend.sel({dims.IMPORTER: c}))
        row["exports"] = float(exports.sel({dims.EXPORTER: c})) - domestic[c]
        row["imports"] = float(imports.sel({dims.IMPORTER: c})) - domestic[c]
        row["deficit"] = float(ds[dims.DEFICIT].sel({dims.IMPORTER: c}))
        rows.append(row)
    provenance = json.loads(ds.attrs.get("provenance", "{}"))
    two_way = None
    if {"CAN", "MEX"} <= set(labels):
        two_way = float(trade.sel({dims.EXPORTER: "CAN", dims.IMPORTER: "MEX"})) + float(
            trade.sel({dims.EXPORTER: "MEX", dims.IMPORTER: "CAN"})
        )
    return {
        "name": name,
        "source": ds.attrs.get("source", name),
        "year": _plain(ds.attrs.get("year")),
        "units": ds.attrs.get("units"),
        "kind": "multi-sector" if multi else "one-sector",
        "countries": len(labels),
        "sectors": int(ds.sizes[dims.SECTOR]),
        "variables": sorted(map(str, ds.data_vars)),
        "columns": columns,
        "largest_economies": rows,
        "canada_mexico_two_way_trade": two_way,
        "data_notes": data_notes(provenance),
        "raw_files": len(provenance.get("raw_files", provenance.get("files", {}))),
        "built_by": provenance.get("built_by"),
        "balancing": balancing_report(provenance),
    }


#: What each balancing target of a GRAS-updated baseline is (``wiod2023``), for people.
TARGET_LABELS = {
    "goods_trade": "bilateral goods trade, BACI 2023 (country pairs)",
    "us_imports": "US imports by partner and goods industry, Census 2024 mix",
    "value_added": "value added = GDP 2023, WDI (countries)",
    "output_sales": "industry output = intermediate + final use (industries)",
    "output_costs": "industry output = inputs + value added (industries)",
}


def balancing_report(provenance: dict[str, Any]) -> dict[str, Any] | None:
    """The balancing record of a baseline updated by GRAS, or None for any other baseline.

    One row per kind of target: how many sets, their total, and the largest relative distance
    to them in the balanced table and in the baseline as stored (after negative final-use
    totals are set to zero).
    """
    record = provenance.get("balancing")
    if not isinstance(record, dict):
        return None
    rows = []
    for kind, values in record.get("targets", {}).items():
        rows.append(
            {
                "target": kind,
                "what": TARGET_LABELS.get(kind, kind),
                "sets": values.get("sets"),
                "total": values.get("total_musd"),
                "balanced_gap": values.get("balanced_table_max_relative_gap"),
                "baseline_gap": values.get("baseline_max_relative_gap"),
                "baseline_worst": values.get("baseline_worst"),
                "baseline_total_gap": values.get("baseline_total_relative_gap"),
            }
        )
    mapped = (provenance.get("us_imports_2024") or {}).get("share_mapped_to_wiod")
    return {
        "method": record.get("method"),
        "iterations": record.get("iterations"),
        "converged": record.get("converged"),
        "tolerance": record.get("tolerance"),
        "sign_flips": record.get("sign_flips"),
        "us_imports_share_mapped": mapped,
        "targets_file": provenance.get("targets_file"),
        "targets": rows,
    }


def bundled_catalogue() -> list[dict[str, Any]]:
    """Every bundled baseline: name, source, year, regions, sectors, kind and file.

    Read from each baseline's cached identity (labels and attrs), so listing does not decode
    the arrays; names that share a file (``default`` and ``ld2023-regions``) say so.
    """
    from tradewinds.data.arrays import BUNDLED, bundled_identity

    rows = []
    for name in sorted(BUNDLED):
        identity = bundled_identity(name)
        if identity is None:  # pragma: no cover - every BUNDLED name has one
            continue
        attrs = identity.attrs
        same = sorted(n for n, f in BUNDLED.items() if f == BUNDLED[name] and n != name)
        rows.append(
            {
                "name": name,
                "source": attrs.get("source", name),
                "year": _plain(attrs.get("year")),
                "regions": len(identity.countries),
                "sectors": len(identity.sectors),
                "kind": "multi-sector" if len(identity.sectors) > 1 else "one-sector",
                "file": BUNDLED[name],
                "same_as": same,
            }
        )
    return rows


def data_notes(provenance: dict[str, Any]) -> list[str]:
    """Adjustments recorded in a provenance record, one readable line each."""
    notes = []
    clipped = provenance.get("domestic_absorption_clipped_to_zero") or {}
    if clipped:
        parts = ", ".join(f"{c} by US${-v:,.0f} m" for c, v in clipped.items())
        notes.append(
            f"exports exceed GDP for {', '.join(clipped)} ({parts}); their domestic "
            "absorption is set to zero"
        )
    for key, value in provenance.items():
        if (key.endswith(("_set_to_zero", "_set_to_zero_musd"))) and value:
            what = key.replace("_musd", "").replace("_", " ")
            if isinstance(value, dict) and {"cells", "total"} <= set(value):
                text = f"{value['cells']} cells, total {value['total']:,.0f}"
            elif isinstance(value, dict):
                text = ", ".join(f"{k} {v:,.0f}" for k, v in list(value.items())[:6])
                if len(value) > 6:
                    text += f" … ({len(value)} cells)"
            else:
                text = str(value)
            notes.append(f"{what}: {text}")
    return notes


def _plain(value: Any) -> Any:
    """A numpy scalar from netCDF attributes as a plain Python value (for JSON)."""
    return value.item() if hasattr(value, "item") else value
