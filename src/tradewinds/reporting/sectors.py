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
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

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


def display_names(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Human names of sector codes, each shown once: a name two codes share gets its code.

    ``c12`` shows as ``basic & fabricated metals``; a code without a known name shows as
    itself; were two codes to share a name (``Metal products`` from two tables), each becomes
    ``name (code)`` so no label is duplicated.
    """
    names = [sector_name(c) for c in codes]
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return [
        f"{name} ({code})" if counts[name] > 1 and name != code else name
        for code, name in zip(codes, names, strict=True)
    ]


#: Words for the sector metrics of heatmaps.
METRIC_LABELS = {
    "output_pct": "gross output, % change",
    "gross_output_pct": "gross output, % change",
    "value_added_pct": "value added, % change",
    "exports_pct": "exports, % change",
    "price_pct": "prices, % change",
}


def metric_label(metric: str) -> str:
    """``gross output, % change`` for ``gross_output_pct``; unknown metrics as they are."""
    return METRIC_LABELS.get(metric, metric)


#: Percentile of the absolute cell values at which sector colour scales are clipped.
CLIP_PERCENTILE = 98.0


@dataclass(frozen=True)
class SectorGrid:
    """A sector metric by country and sector, ready for a heatmap with a robust colour scale.

    ``values`` (countries x sectors) holds the true values (NaN where undefined); the colour
    scale runs over ``[-limit, limit]``, with ``limit`` the :data:`CLIP_PERCENTILE` percentile
    of the absolute values, so one extreme cell does not wash out the rest; ``clipped`` marks
    the cells beyond it. ``hidden`` lists the sectors left out because they have no trade.
    """

    metric: str
    countries: list[str]
    codes: list[str]
    names: list[str]
    values: Any
    limit: float
    clipped: Any
    hidden: list[str]

    def marks(self) -> list[list[str]]:
        """``▲``/``▼`` on cells above/below the colour scale, empty elsewhere."""
        return [
            [("▲" if v > 0 else "▼") if c else "" for v, c in zip(row, crow, strict=True)]
            for row, crow in zip(self.values.tolist(), self.clipped.tolist(), strict=True)
        ]

    def scale_note(self) -> str:
        """One sentence on the colour scale and the hidden sectors."""
        n = int(self.clipped.sum())
        note = (
            f"Colours run over ±{self.limit:.1f}% (the {CLIP_PERCENTILE:g}th percentile of "
            "absolute changes)"
        )
        note += f"; {n} cell{'s' if n != 1 else ''} beyond it marked ▲/▼." if n else "."
        if self.hidden:
            names = ", ".join(display_names(self.hidden))
            note += f" Sectors with no trade are hidden: {names}."
        return note


def sector_grid(
    records: pd.DataFrame,
    metrics: tuple[str, ...],
    *,
    first: tuple[str, ...] = (),
    max_countries: int = 25,
    clip_percentile: float = CLIP_PERCENTILE,
) -> SectorGrid | None:
    """The first of ``metrics`` the records hold, by country and sector, as a :class:`SectorGrid`.

    Countries: ``first``, then those with the largest absolute changes, up to
    ``max_countries``. Sectors with no trade are hidden: no finite value in any country, or
    (when the records hold bilateral flows) no international flow before or after.
    """
    import numpy as np

    rows = records[(records["partner"] == "") & (records["sector"] != dims.TOTAL_SECTOR)]
    if rows.empty:
        return None
    present = set(rows["metric"])
    metric = next((m for m in metrics if m in present), None)
    if metric is None:
        return None
    chosen = rows[rows["metric"] == metric]
    wide = chosen.pivot_table(
        index="country", columns="sector", values="value", aggfunc="first", dropna=False
    )
    # the sectors in the order of the records (c1, c2, ... rather than c1, c10, ...)
    wide = wide[[s for s in dict.fromkeys(chosen["sector"]) if s in wide.columns]]
    traded = _traded_sectors(records)
    keep: list[Any] = []
    hidden: list[Any] = []
    for code in wide.columns:
        column = wide[code].to_numpy(dtype=float)
        none = not np.isfinite(column).any() or (traded is not None and str(code) not in traded)
        (hidden if none else keep).append(code)
    wide = wide[keep]
    order = [c for c in first if c in wide.index]
    spread = wide.drop(index=order).abs().max(axis=1).sort_values(ascending=False)
    countries = order + [str(c) for c in spread.index[: max(0, max_countries - len(order))]]
    wide = wide.loc[countries]
    values = wide.to_numpy(dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    limit = float(np.percentile(finite, clip_percentile)) if finite.size else 1.0
    if not limit > 0:
        limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    with np.errstate(invalid="ignore"):
        clipped = np.abs(values) > limit
    codes = [str(c) for c in wide.columns]
    return SectorGrid(
        metric=metric,
        countries=countries,
        codes=codes,
        names=display_names(codes),
        values=values,
        limit=limit,
        clipped=clipped,
        hidden=[str(c) for c in hidden],
    )


def _traded_sectors(records: pd.DataFrame) -> set[str] | None:
    """Sectors with an international flow in the bilateral records; None without them.

    The records hold a bilateral flow only where its baseline level is positive.
    """
    flows = records[
        (records["metric"] == "trade")
        & (records["partner"] != "")
        & (records["partner"] != records["country"])
    ]
    if flows.empty:
        return None
    sums = flows.groupby("sector", observed=True)["value"].apply(lambda v: float(v.abs().sum()))
    return {str(s) for s, total in sums.items() if total > 0}
