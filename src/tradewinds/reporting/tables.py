"""Rich tables of results."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Required, TypedDict, Unpack

from rich.table import Table

from tradewinds.core import dims
from tradewinds.reporting.terminal import literal

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from tradewinds.models.equilibrium import Equilibrium

    #: A column of values, one per label: a numpy array, or a list of floats (a store hit's
    #: table is printed without numpy).
    Column = Sequence[float] | np.ndarray

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
    return order_labels(list(frame.index), _columns(frame), first, sort)


def _columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {str(c): frame[c].to_numpy(dtype=float, na_value=math.nan) for c in frame.columns}


def order_labels(
    labels: Sequence[str],
    columns: Mapping[str, Column],
    first: Sequence[str] = (),
    sort: str | None = None,
) -> list[str]:
    """:func:`order_countries` on plain columns (values in ``labels`` order).

    Sorts are stable with missing values last, as pandas' ``sort_values(kind="stable")``.
    """
    top = [c for c in first if c in labels]
    rest = [k for k, c in enumerate(labels) if c not in top]
    if sort == "size" and "income" in columns:
        rest = _stable(rest, columns["income"], descending=True)
    elif sort == "country":
        rest = sorted(rest, key=lambda k: labels[k])
    elif sort is not None and sort not in ("size", "country"):
        if sort not in columns:
            from tradewinds.core.errors import UnknownLabelError

            raise UnknownLabelError("sort", sort, SORT_KEYS + tuple(columns), "--sort")
        rest = _stable(rest, columns[sort])
    elif "welfare_pct" in columns:
        rest = _stable(rest, columns["welfare_pct"])
    return top + [str(labels[k]) for k in rest]


def _stable(rows: list[int], values: Column, *, descending: bool = False) -> list[int]:
    """``rows`` ordered by ``values[row]``; ties keep their order, NaN go last."""
    known = [k for k in rows if not math.isnan(values[k])]
    missing = [k for k in rows if math.isnan(values[k])]
    return sorted(known, key=lambda k: float(values[k]), reverse=descending) + missing


#: Orders of ``--sort`` besides a metric name.
SORT_KEYS = ("size", "country")


class TableOptions(TypedDict, total=False):
    """The keyword options of :func:`columns_table` (and so of :func:`frame_table`)."""

    units: Required[str]
    title: Required[str]
    first: Sequence[str]
    limit: int | None
    sort: str | None


def frame_table(frame: pd.DataFrame, **options: Unpack[TableOptions]) -> Table:
    """Rich table of a headline frame (countries as rows, metrics of :data:`COLUMNS`).

    Every column is ``no_wrap`` (codes and numbers are never cut); ``sort`` is as in
    :func:`order_countries`.
    """
    return columns_table([str(c) for c in frame.index], _columns(frame), **options)


def columns_table(
    labels: Sequence[str],
    columns: Mapping[str, Column],
    *,
    units: str,
    title: str,
    first: Sequence[str] = (),
    limit: int | None = None,
    sort: str | None = None,
) -> Table:
    """:func:`frame_table` of plain columns: ``columns[metric][k]`` is country ``labels[k]``'s."""
    top = [c for c in first if c in labels]
    order = order_labels(labels, columns, first, sort)
    if limit is not None:
        order = order[: max(limit, len(top))]
    units = short_units(units)
    if sort == "size" and "income" not in columns:
        sort = None  # no size measure in these records: welfare order, as before --sort
    how = {None: "", "size": "; then by size", "country": "; then A-Z"}.get(
        sort, f"; then by {sort}"
    )
    caption = f"{len(order)} of {len(labels)} countries{how}; {units}"
    if len(order) < len(labels):
        caption += " (--all for every country)"
    table = Table(title=literal(title), caption=caption)
    table.add_column("country", no_wrap=True)
    cols = [c for c in COLUMNS if c[0] in columns]
    for _, header, _ in cols:
        table.add_column(header.format(units=units), justify="right", no_wrap=True)
    position = {c: k for k, c in enumerate(labels)}
    for country in order:
        k = position[country]
        table.add_row(country, *(fmt.format(columns[key][k]) for key, _, fmt in cols))
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


def flagged_figure(key: str, value: float, fmt: str) -> str:
    """A mover's figure, with ``*`` when the plausibility check flags it (output beyond ±25%)."""
    from tradewinds.reporting.plausibility import THRESHOLD_PCT

    text = fmt.format(value)
    return f"{text}*" if key == "output_pct" and abs(value) > THRESHOLD_PCT else text


def sector_table(movers: pd.DataFrame, *, title: str, caption: str | None = None) -> Table:
    """Rich table of :func:`tradewinds.reporting.sectors.sector_movers` (one section a country)."""
    table = Table(title=literal(title), caption=caption)
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
            *(flagged_figure(key, row[key], fmt) for key, _, fmt in cols),
            end_section=last,
        )
    return table


#: Authorities named in a row of the partner table when every one would not fit on a line.
TOP_AUTHORITIES = 3


def authority_parts(parts: Mapping[str, float], keep: int | None = None) -> list[tuple[str, float]]:
    """Rates by authority, largest first, those under 0.005 points left out.

    With ``keep``, the ``keep`` largest and, when there are others, their sum as ``+N more``
    (so the list still adds up to the rate).
    """
    ordered = [(k, v) for k, v in sorted(parts.items(), key=lambda kv: -kv[1]) if v > 5e-5]
    if keep is None or len(ordered) <= keep:
        return ordered
    rest = ordered[keep:]
    return [*ordered[:keep], (f"+{len(rest)} more", sum(v for _, v in rest))]


def authority_text(parts: Mapping[str, float], keep: int | None = None) -> str:
    """Rates by authority in points on one line: ``ieepa 2.00, s232_steel 1.43``."""
    return ", ".join(f"{k} {100 * v:.2f}" for k, v in authority_parts(parts, keep))


def partner_rates_table(
    rows: Sequence[Mapping[str, object]],
    *,
    width: int,
    wide: bool = False,
    collected: tuple[str, Mapping[str, str]] | None = None,
) -> Table:
    """Partners' effective rates on one date (``etr --top``), by authority.

    When every authority of every partner fits on the row's line in ``width`` columns (or
    ``wide``), the last column lists them all. Otherwise the table takes a narrower layout: each
    row names its :data:`TOP_AUTHORITIES` largest authorities one per line, with their points in
    a column of their own, and sums the others as ``+N more`` (``--format json`` keeps each).
    At 80 columns a row is then four short lines instead of seven wrapped ones. ``collected``
    (``(month, {partner: text})``) adds a column of collected-rate estimates for that month.
    """
    day = rows[0]["date"] if rows else ""
    cells = [
        [
            str(r["country"]),
            f"{float(str(r['imports_2024'])) / 1e9:,.1f}",
            f"{100 * float(str(r['additional_rate'])):.2f}%",
            f"{100 * float(str(r['effective_rate'])):.2f}%",
        ]
        for r in rows
    ]
    headers = ["partner", "imports\n2024\nUS$ bn", "additional", "total"]
    if collected is not None:
        month, estimates = collected
        headers.append(f"collected\n{month}")
        for row, r in zip(cells, rows, strict=True):
            row.append(estimates.get(str(r["country"]), "n/a"))
    texts = [authority_text(_parts(r)) for r in rows]
    fixed = [
        max(len(line) for text in (h, *(c[i] for c in cells)) for line in text.split("\n"))
        for i, h in enumerate(headers)
    ]
    # a rich table's borders and padding take 3 columns per column, and one more
    longest = max((len(t) for t in texts), default=0)
    one_line = wide or sum(fixed) + longest + 3 * (len(headers) + 1) + 1 <= width
    caption = "total includes MFN; additional excludes it; rates in % of import value"
    if collected is not None:
        caption += (
            f"; collected: the estimate for {collected[0]} (the US-wide fit applied to each "
            "partner, not tested by partner; etr --country X --collected)"
        )
        if not one_line:  # narrow: the estimate goes under the total, in brackets
            headers[3] = f"total\n(collected\n{headers.pop()[len('collected') + 1 :]})"
            for row in cells:
                estimate = row.pop()
                row[3] = f"{row[3]}\n({estimate})"
    else:
        caption += "; collected estimate by month: etr --country X --collected"
    if not one_line:
        caption += (
            f"; by authority: the {TOP_AUTHORITIES} largest in points, the others summed "
            "(--wide or --format json for each)"
        )
    table = Table(
        title=f"Statutory effective US tariff rate by partner on {day} (2024 import weights)",
        caption=caption,
    )
    for col in headers:
        table.add_column(col, justify="left" if col == "partner" else "right", no_wrap=True)
    if one_line:
        table.add_column("by authority", justify="left")
        for row, text in zip(cells, texts, strict=True):
            table.add_row(*row, text)
        return table
    table.add_column("by authority", justify="left", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    for row, r in zip(cells, rows, strict=True):
        shown = authority_parts(_parts(r), TOP_AUTHORITIES)
        names = "\n".join(k for k, _ in shown)
        table.add_row(*row, names, "\n".join(f"{100 * v:.2f}" for _, v in shown))
    return table


def _parts(row: Mapping[str, object]) -> Mapping[str, float]:
    parts = row["by_authority"]
    assert isinstance(parts, dict)
    return parts
