"""Product-level alternative markets: world import demand by HS6 outside the US (BACI).

World import demand by HS6 needs CEPII's BACI flows, which the repository does not ship: the user
downloads a BACI HS6 file and names it with ``--baci FILE`` or the ``TRADEWINDS_BACI`` environment
variable (the country-code table CEPII ships beside it is found next to the file). Without one,
:func:`baci_path` returns None and the command says so.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from tradewinds.core.errors import DataError

#: Environment variable naming a BACI HS6 file.
BACI_ENV = "TRADEWINDS_BACI"
#: What to tell a user who has no BACI file configured.
NO_BACI = (
    "No BACI HS6 file configured: product-level world import demand is not shown. Download a "
    "BACI HS6 file (t,i,j,k,v,q) and its country_codes table from CEPII and pass --baci FILE "
    f"or set {BACI_ENV}. See docs/diversify.md."
)
#: The same, for the HTTP API (which never takes a file path from a request).
NO_BACI_SERVER = (
    "No BACI HS6 file is configured on this server: product-level world import demand is not "
    f"shown. The server's operator can set {BACI_ENV} to a BACI HS6 file before starting it; "
    "a request cannot name a file. See docs/diversify.md."
)


def baci_path(given: Path | None = None) -> Path | None:
    """The BACI file: ``given``, else ``$TRADEWINDS_BACI``, else None (missing file: error)."""
    path = given or (Path(os.environ[BACI_ENV]) if os.environ.get(BACI_ENV) else None)
    if path is not None and not path.exists():
        raise DataError(f"BACI file {str(path)!r} does not exist (from --baci or ${BACI_ENV}).")
    if path is not None:
        from tradewinds.core.inputs import check_input_file

        check_input_file(path, "BACI file")
    return path


def world_demand(
    flows: pd.DataFrame, hs6: list[str], country: str, *, exclude: tuple[str, ...] = ("USA",)
) -> pd.DataFrame:
    """Imports of each HS6 code by the world outside ``exclude``, and who buys them.

    For each code: the total, the top three importers with their shares, and ``country``'s
    exports to those importers and its share. Columns ``hs6, world_imports_usd,
    top_importers, country_exports_usd, country_share``.
    """
    country = country.upper()
    sel = flows[flows["hs6"].isin(hs6) & ~flows["importer"].isin(exclude)]
    sel = sel[sel["exporter"] != sel["importer"]]
    total = sel.groupby("hs6")["value_usd"].sum()
    own = sel[sel["exporter"] == country].groupby("hs6")["value_usd"].sum()
    by_importer = sel.groupby(["hs6", "importer"])["value_usd"].sum().reset_index()
    by_importer = by_importer.sort_values(["hs6", "value_usd"], ascending=[True, False])
    top: dict[str, str] = {}
    for code, group in by_importer.groupby("hs6"):
        whole = float(total.get(code, 0.0)) or 1.0
        head = group.head(3)
        pairs = zip(head["importer"], head["value_usd"], strict=True)
        top[str(code)] = ", ".join(f"{imp} {100 * v / whole:.0f}%" for imp, v in pairs)
    out = pd.DataFrame({"hs6": list(dict.fromkeys(hs6))})
    out["world_imports_usd"] = out["hs6"].map(total).fillna(0.0)
    out["top_importers"] = out["hs6"].map(top).fillna("")
    out["country_exports_usd"] = out["hs6"].map(own).fillna(0.0)
    out["country_share"] = (out["country_exports_usd"] / out["world_imports_usd"]).where(
        out["world_imports_usd"] > 0
    )
    return out


def exposed_products(
    country: str,
    date: dt.date,
    *,
    top: int = 20,
    usmca_shares: str = "2025h2",
    baci: Path | None = None,
) -> pd.DataFrame:
    """The ``top`` HS6 products of ``country`` by US duty on ``date``, with world demand.

    Columns ``hs6, description, imports_usd, duty_usd`` (summed over HTS10 lines), plus the
    columns of :func:`world_demand` when ``baci`` names a BACI file. ``tradewinds diversify
    products`` and ``GET /api/v1/diversify/products`` both call this.
    """
    from tradewinds.data.loaders import read_baci_flows
    from tradewinds.integration.diversify.exposure import exposure

    frame = exposure(country, date, usmca_shares=usmca_shares)
    hs6 = frame.groupby(["hs6", "description"], as_index=False)[["imports_usd", "duty_usd"]].sum()
    hs6 = hs6.sort_values("duty_usd", ascending=False, ignore_index=True).head(top)
    if baci is not None:
        demand = world_demand(read_baci_flows(baci), hs6["hs6"].tolist(), country)
        hs6 = hs6.merge(demand, on="hs6", how="left")
    return hs6
