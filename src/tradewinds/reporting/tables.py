"""Rich tables of results."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

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
    frame = eq.headline()
    top = [c for c in first if c in frame.index]
    rest = frame.drop(index=top)
    if "welfare_pct" in rest:
        rest = rest.sort_values("welfare_pct")
    ordered = frame.loc[top + list(rest.index)]
    if limit is not None:
        ordered = ordered.iloc[: max(limit, len(top))]
    units = eq.units.replace("millions of current US dollars", "US$ m")
    table = Table(title=title, caption=f"{len(ordered)} of {len(frame)} countries; {units}")
    table.add_column("country")
    cols = [c for c in COLUMNS if c[0] in ordered.columns]
    for _, header, _ in cols:
        table.add_column(header.format(units=units), justify="right")
    for country, row in ordered.iterrows():
        table.add_row(str(country), *(fmt.format(row[key]) for key, _, fmt in cols))
    return table
