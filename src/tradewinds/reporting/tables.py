"""Rich tables of results."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich.table import Table

from tradewinds.core import dims
from tradewinds.models.equilibrium import Equilibrium

#: Headline columns: (metric in Equilibrium.headline(), header, format).
COLUMNS = (
    ("welfare_pct", "welfare\n%", "{:+.3f}"),
    ("real_income_pct", "real income\n%", "{:+.3f}"),
    ("real_wage_pct", "real wage\n%", "{:+.3f}"),
    ("employment_pct", "employment\n%", "{:+.3f}"),
    ("price_index_pct", "prices\n%", "{:+.3f}"),
    ("exports_pct", "exports\n%", "{:+.2f}"),
    ("imports_pct", "imports\n%", "{:+.2f}"),
    ("tariff_revenue", "tariff revenue\n{units}", "{:,.0f}"),
)


def headline_table(
    eq: Equilibrium, *, title: str, first: Sequence[str] = (), limit: int | None = None
) -> Table:
    """Country rows (``first`` on top, then by welfare change) of the headline metrics."""
    return frame_table(eq.headline(), units=eq.units, title=title, first=first, limit=limit)


def headline_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The country table of :meth:`Equilibrium.headline` rebuilt from tidy records.

    Country-level records (empty partner, sector ``TOTAL``) become one column per metric, one row
    per country in the order the records list them.
    """
    rows = records[(records["partner"] == "") & (records["sector"] == dims.TOTAL_SECTOR)]
    order = list(dict.fromkeys(rows["country"]))
    wide = rows.pivot_table(index="country", columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(order)
    wide.columns.name = None
    wide.index.name = "country"
    return wide


def order_countries(frame: pd.DataFrame, first: Sequence[str] = ()) -> list[str]:
    """``first`` (where present), then the rest by welfare change, worst first."""
    top = [c for c in first if c in frame.index]
    rest = frame.drop(index=top)
    if "welfare_pct" in rest:
        rest = rest.sort_values("welfare_pct")
    return top + [str(c) for c in rest.index]


def frame_table(
    frame: pd.DataFrame,
    *,
    units: str,
    title: str,
    first: Sequence[str] = (),
    limit: int | None = None,
) -> Table:
    """Rich table of a headline frame (countries as rows, metrics of :data:`COLUMNS`)."""
    top = [c for c in first if c in frame.index]
    ordered = frame.loc[order_countries(frame, first)]
    if limit is not None:
        ordered = ordered.iloc[: max(limit, len(top))]
    units = short_units(units)
    table = Table(title=title, caption=f"{len(ordered)} of {len(frame)} countries; {units}")
    table.add_column("country")
    cols = [c for c in COLUMNS if c[0] in ordered.columns]
    for _, header, _ in cols:
        table.add_column(header.format(units=units), justify="right")
    for country, row in ordered.iterrows():
        table.add_row(str(country), *(fmt.format(row[key]) for key, _, fmt in cols))
    return table


def short_units(units: str) -> str:
    """``US$ m`` for the baselines' long unit name."""
    return units.replace("millions of current US dollars", "US$ m")
