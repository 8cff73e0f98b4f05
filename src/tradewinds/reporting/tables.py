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
    ("real_income_pct", "real\nincome %", "{:+.3f}"),
    ("real_wage_pct", "real\nwage %", "{:+.3f}"),
    ("employment_pct", "employ-\nment %", "{:+.3f}"),
    ("price_index_pct", "prices\n%", "{:+.3f}"),
    ("exports_pct", "exports\n%", "{:+.2f}"),
    ("imports_pct", "imports\n%", "{:+.2f}"),
    ("tariff_revenue", "tariff\nrevenue\n{units}", "{:,.0f}"),
)

#: Headline columns a narrow terminal drops first (their headers, as in :data:`COLUMNS`).
SECONDARY = ("employ-\nment %", "real\nincome %", "prices\n%")


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


def order_countries(
    frame: pd.DataFrame, first: Sequence[str] = (), sort: str | None = None
) -> list[str]:
    """``first`` (where present), then the rest in the order ``sort`` asks for.

    ``sort`` is ``size`` (largest economies first, by the ``income`` column), ``country``
    (alphabetical), a metric column (ascending: worst first for welfare), or ``None`` for the
    welfare change, worst first (the order before ``--sort`` existed).
    """
    top = [c for c in first if c in frame.index]
    rest = frame.drop(index=top)
    if sort == "size" and "income" in rest:
        rest = rest.sort_values("income", ascending=False, kind="stable")
    elif sort == "country":
        rest = rest.sort_index()
    elif sort is not None and sort not in ("size", "country"):
        if sort not in rest:
            from tradewinds.core.errors import UnknownLabelError

            raise UnknownLabelError("sort", sort, SORT_KEYS + tuple(rest.columns), "--sort")
        rest = rest.sort_values(sort, kind="stable")
    elif "welfare_pct" in rest:
        rest = rest.sort_values("welfare_pct", kind="stable")
    return top + [str(c) for c in rest.index]


#: Orders of ``--sort`` besides a metric name.
SORT_KEYS = ("size", "country")


def frame_table(
    frame: pd.DataFrame,
    *,
    units: str,
    title: str,
    first: Sequence[str] = (),
    limit: int | None = None,
    sort: str | None = None,
) -> Table:
    """Rich table of a headline frame (countries as rows, metrics of :data:`COLUMNS`).

    Every column is ``no_wrap`` (codes and numbers are never cut); ``sort`` is as in
    :func:`order_countries`.
    """
    top = [c for c in first if c in frame.index]
    ordered = frame.loc[order_countries(frame, first, sort)]
    if limit is not None:
        ordered = ordered.iloc[: max(limit, len(top))]
    units = short_units(units)
    if sort == "size" and "income" not in frame.columns:
        sort = None  # no size measure in these records: welfare order, as before --sort
    how = {None: "", "size": "; then by size", "country": "; then A-Z"}.get(
        sort, f"; then by {sort}"
    )
    caption = f"{len(ordered)} of {len(frame)} countries{how}; {units}"
    if len(ordered) < len(frame):
        caption += " (--all for every country)"
    table = Table(title=title, caption=caption)
    table.add_column("country", no_wrap=True)
    cols = [c for c in COLUMNS if c[0] in ordered.columns]
    for _, header, _ in cols:
        table.add_column(header.format(units=units), justify="right", no_wrap=True)
    for country, row in ordered.iterrows():
        table.add_row(str(country), *(fmt.format(row[key]) for key, _, fmt in cols))
    return table


def short_units(units: str) -> str:
    """``US$ m`` for the baselines' long unit name."""
    return units.replace("millions of current US dollars", "US$ m")


#: Columns of the sector movers table: (column, header, format).
SECTOR_COLUMNS = (
    ("output_pct", "output\n%", "{:+.2f}"),
    ("exports_pct", "exports\n%", "{:+.2f}"),
    ("price_pct", "prices\n%", "{:+.2f}"),
)


def sector_table(movers: pd.DataFrame, *, title: str, caption: str | None = None) -> Table:
    """Rich table of :func:`tradewinds.reporting.sectors.sector_movers` (one section a country)."""
    table = Table(title=title, caption=caption)
    for col in ("country", "", "sector"):
        table.add_column(col, no_wrap=True)
    table.add_column("name")
    cols = [c for c in SECTOR_COLUMNS if c[0] in movers.columns]
    for _, header, _ in cols:
        table.add_column(header, justify="right", no_wrap=True)
    rows = movers.to_dict(orient="records")
    for k, row in enumerate(rows):
        last = k + 1 == len(rows) or rows[k + 1]["country"] != row["country"]
        same = k > 0 and rows[k - 1]["country"] == row["country"]
        table.add_row(
            "" if same else str(row["country"]),
            str(row["move"]) if not same or rows[k - 1]["move"] != row["move"] else "",
            str(row["sector"]),
            str(row["sector_name"]),
            *(fmt.format(row[key]) for key, _, fmt in cols),
            end_section=last,
        )
    return table
