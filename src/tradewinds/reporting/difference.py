"""A Rich table of the difference between two runs (this scenario minus the one compared)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from tradewinds.models.equilibrium import Equilibrium
from tradewinds.reporting.tables import COLUMNS


def difference_table(
    eq: Equilibrium,
    other: Equilibrium,
    *,
    title: str,
    first: Sequence[str] = (),
    limit: int | None = None,
) -> Table:
    """Headline metrics of ``eq`` minus those of ``other``, by country (percentage points)."""
    a, b = eq.headline(), other.headline()
    common = [c for c in a.columns if c in b.columns]
    diff = (a[common] - b[common]).dropna(how="all")
    top = [c for c in first if c in diff.index]
    rest = diff.drop(index=top)
    if "welfare_pct" in rest:
        rest = rest.reindex(rest["welfare_pct"].abs().sort_values(ascending=False).index)
    ordered = diff.loc[top + list(rest.index)]
    if limit is not None:
        ordered = ordered.iloc[: max(limit, len(top))]
    units = eq.units.replace("millions of current US dollars", "US$ m")
    table = Table(
        title=title,
        caption=f"difference, this run minus the other; percent metrics in points; {units}",
    )
    table.add_column("country")
    cols = [c for c in COLUMNS if c[0] in ordered.columns]
    for _, header, _ in cols:
        table.add_column(header.format(units=units).replace("\n%", "\npp"), justify="right")
    for country, row in ordered.iterrows():
        table.add_row(str(country), *(fmt.format(row[key]) for key, _, fmt in cols))
    return table
