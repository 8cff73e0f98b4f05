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

#: Difference columns a narrow terminal leaves out first (their headers, as in DIFF_COLUMNS).
DIFF_SECONDARY = ("Δ real\nincome pp", "Δ prices\npp")


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


#: Caption words for the order of the rows after ``first``.
_HOW = {None: "", "size": "; then by size", "country": "; then A-Z"}


def difference_table(
    diff: pd.DataFrame,
    *,
    units: str,
    title: str = "B minus A",
    first: Sequence[str] = (),
    limit: int | None = None,
    sort: str | None = None,
) -> Table:
    """Rich table of :func:`compare_headlines` output: B minus A by country, headline metrics.

    ``first`` come on top, then the rest as ``sort`` asks (see
    :func:`~tradewinds.reporting.tables.order_countries`): ``size`` by B's income, ``country``
    alphabetically, a metric by its difference (ascending); ``None`` by B's welfare change.
    """
    wide = diff.pivot_table(index="country", columns="metric", values="difference", aggfunc="first")
    if sort is None:
        frame = (
            diff[diff["metric"] == "welfare_pct"]
            .set_index("country")[["b"]]
            .rename(columns={"b": "welfare_pct"})
        )
    else:
        frame = wide.drop(columns="income", errors="ignore")
        income = diff[diff["metric"] == "income"].set_index("country")["b"]
        if len(income):
            frame = frame.assign(income=income.reindex(frame.index))
        elif sort == "size":
            sort = None  # no size measure in these records: welfare order
    order = order_countries(frame, first, sort)
    order = [c for c in order if c in wide.index]
    if limit is not None:
        order = order[: max(limit, len([c for c in first if c in wide.index]))]
    short = short_units(units)
    table = Table(
        title=title,
        caption=f"difference, B minus A (percent metrics in points); {len(order)} of "
        f"{len(wide)} countries{_HOW.get(sort, f'; then by {sort}')}; {short}"
        + (" (--all for every country)" if len(order) < len(wide) else ""),
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
