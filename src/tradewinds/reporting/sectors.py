"""Readable sector names for tables, reports and exported records.

Multi-sector baselines label sectors with short codes (the WIOD 2013 release's ``c1`` … ``c35``).
People read names, so every table and every exported record shows a ``sector_name`` beside the
code. The names come from the packaged sector table (``tradewinds/defaults/wiod2011_sectors.csv``,
built by ``scripts/build_defaults.py`` from the WIOD industry list), with the underscores of its
short names turned into words.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources
from typing import TYPE_CHECKING

from tradewinds.core import dims

if TYPE_CHECKING:
    import pandas as pd

#: Packaged tables with columns ``wiod_code`` and ``name``.
SECTOR_TABLES = ("wiod2011_sectors.csv",)

#: Short names whose words need more than a space between them.
_SPELLED = {
    "basic_fabricated_metals": "basic & fabricated metals",
    "electrical_optical": "electrical & optical equipment",
    "leather_footwear": "leather & footwear",
    "manufacturing_nec": "manufacturing n.e.c.",
    "nonmetallic_minerals": "non-metallic minerals",
    "paper_printing": "paper & printing",
    "post_telecom": "post & telecom",
    "rubber_plastics": "rubber & plastics",
    "hotels_restaurants": "hotels & restaurants",
}

#: Names of labels that are not codes of a table.
_SPECIAL = {dims.TOTAL_SECTOR: "all sectors", "all": "all sectors", "": ""}


@functools.cache
def sector_names() -> dict[str, str]:
    """Readable name of each sector code in the packaged tables (``c15`` -> ``transport …``)."""
    names: dict[str, str] = {}
    base = resources.files("tradewinds.defaults")
    for table in SECTOR_TABLES:
        with base.joinpath(table).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                short = row["name"]
                names[row["wiod_code"]] = _SPELLED.get(short, short.replace("_", " "))
    return names


def sector_name(label: str) -> str:
    """Readable name of one sector label; a label without a known name is its own name."""
    label = str(label)
    if label in _SPECIAL:
        return _SPECIAL[label]
    return sector_names().get(label, label)


def with_sector_names(records: pd.DataFrame) -> pd.DataFrame:
    """``records`` with a ``sector_name`` column right after ``sector`` (a copy).

    Records without a ``sector`` column, or that already carry names, come back unchanged.
    """
    if "sector" not in records.columns or "sector_name" in records.columns:
        return records
    codes = records["sector"].astype(str)
    lookup = {code: sector_name(code) for code in codes.unique()}
    out = records.copy()
    at = list(records.columns).index("sector") + 1
    out.insert(at, "sector_name", codes.map(lookup))
    return out


#: Sector metrics of the movers table: (column, record metric).
SECTOR_METRICS = (("output_pct", "gross_output_pct"), ("price_pct", "price_pct"))


def sector_changes(records: pd.DataFrame, country: str) -> pd.DataFrame:
    """Percent changes of one country's sectors: gross output, exports and prices.

    Output and prices are the model's sector records; exports are the sector's sales to other
    countries, summed from the bilateral records (baseline level = new level / (1 + change)).
    Columns that the records cannot give are left out.
    """
    import pandas as pd

    own = records[(records["country"] == country) & (records["partner"] == "")]
    own = own[own["sector"] != dims.TOTAL_SECTOR]
    cols: dict[str, pd.Series] = {}
    for column, metric in SECTOR_METRICS:
        rows = own[own["metric"] == metric]
        if len(rows):
            cols[column] = rows.set_index("sector")["value"].astype(float)
    sales = records[
        (records["country"] == country)
        & (records["partner"] != "")
        & (records["partner"] != country)
    ]
    new = sales[sales["metric"] == "trade"].set_index(["partner", "sector"])["value"]
    pct = sales[sales["metric"] == "trade_pct"].set_index(["partner", "sector"])["value"]
    if len(new) and len(pct):
        before = new / (1 + pct.reindex(new.index) / 100)
        totals = pd.DataFrame({"new": new, "before": before}).groupby(level="sector").sum()
        cols["exports_pct"] = (totals["new"] / totals["before"] - 1) * 100
    frame = pd.DataFrame(cols)
    frame.index.name = "sector"
    order = [c for c in ("output_pct", "exports_pct", "price_pct") if c in frame.columns]
    return frame[order]


def sector_movers(
    records: pd.DataFrame, countries: list[str] | tuple[str, ...], top: int = 3
) -> pd.DataFrame:
    """The ``top`` sectors whose gross output gains most and loses most, for each country.

    Rows: ``country, move (gains|loses), sector, sector_name`` and the columns of
    :func:`sector_changes`. Empty when the records have no sector results (one-sector runs).
    """
    import pandas as pd

    # Without sector output records (a one-sector run) no country has movers: say so before
    # summing the bilateral flows into sector exports, which costs more than the rest of a run.
    output = records[
        (records["metric"] == "gross_output_pct")
        & (records["partner"] == "")
        & (records["sector"] != dims.TOTAL_SECTOR)
    ]
    if output.empty:
        return pd.DataFrame()
    frames = []
    for country in countries:
        changes = sector_changes(records, country)
        if "output_pct" not in changes.columns or len(changes) < 2:
            continue
        ranked = changes.sort_values("output_pct", ascending=False)
        k = min(top, len(ranked) // 2)
        for move, part in (("gains", ranked.head(k)), ("loses", ranked.tail(k).iloc[::-1])):
            part = part.reset_index()
            part.insert(0, "move", move)
            part.insert(0, "country", country)
            part.insert(3, "sector_name", [sector_name(s) for s in part["sector"]])
            frames.append(part)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
