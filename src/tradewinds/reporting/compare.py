"""Comparing two runs: differences of their headline (country-level) metrics."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich.table import Table

from tradewinds.core import dims
from tradewinds.reporting.tables import order_countries, short_units

#: Differences shown: (metric, header).
DIFF_COLUMNS = (
    ("welfare_pct", "Δ welfare\npp"),
    ("real_income_pct", "Δ real\nincome pp"),
    ("real_wage_pct", "Δ real\nwage pp"),
    ("price_index_pct", "Δ prices\npp"),
    ("exports_pct", "Δ exports\npp"),
    ("imports_pct", "Δ imports\npp"),
    ("tariff_revenue", "Δ tariff\nrevenue\n{units}"),
)


def country_metrics(records: pd.DataFrame) -> pd.DataFrame:
    """Country-level records (empty partner, sector ``TOTAL``) of tidy results."""
    mask = (records["partner"] == "") & (records["sector"] == dims.TOTAL_SECTOR)
    return records.loc[mask, ["country", "metric", "value", "unit"]]


def compare_headlines(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """``country, metric, unit, a, b, difference`` (``b - a``) for metrics both runs report.

    Percent metrics differ in percentage points; levels in their unit. Countries or metrics
    present in only one run are left out (an outer join would mix baselines).
    """
    left = country_metrics(a).rename(columns={"value": "a"})
    right = country_metrics(b).rename(columns={"value": "b"}).drop(columns="unit")
    out = left.merge(right, on=["country", "metric"], how="inner", validate="one_to_one")
    out["difference"] = out["b"] - out["a"]
    return out.loc[:, ["country", "metric", "unit", "a", "b", "difference"]].reset_index(drop=True)


def difference_table(
    diff: pd.DataFrame,
    *,
    units: str,
    title: str = "B minus A",
    first: Sequence[str] = (),
    limit: int | None = None,
) -> Table:
    """Rich table of :func:`compare_headlines` output: B minus A by country, headline metrics."""
    wide = diff.pivot_table(index="country", columns="metric", values="difference", aggfunc="first")
    order = order_countries(
        diff[diff["metric"] == "welfare_pct"]
        .set_index("country")[["b"]]
        .rename(columns={"b": "welfare_pct"}),
        first,
    )
    order = [c for c in order if c in wide.index]
    if limit is not None:
        order = order[:limit]
    short = short_units(units)
    table = Table(
        title=title,
        caption=f"difference, B minus A (percent metrics in points); {len(order)} of "
        f"{len(wide)} countries; {short}",
    )
    table.add_column("country", no_wrap=True)
    cols = [(m, h) for m, h in DIFF_COLUMNS if m in wide.columns]
    for _, header in cols:
        table.add_column(header.format(units=short), justify="right", no_wrap=True)
    values = {str(c): {str(k): v for k, v in row.items()} for c, row in wide.iterrows()}
    for country in order:
        table.add_row(
            country,
            *(
                f"{float(values[country][m]):+,.0f}"
                if m == "tariff_revenue"
                else f"{float(values[country][m]):+.3f}"
                for m, _ in cols
            ),
        )
    return table
