"""Rich renderings of sweeps, Monte Carlo bands and failed draws, shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from tradewinds.scenarios.recording import RunRecord

#: Help text of the ``--wide`` option of commands that print tables.
WIDE_HELP = "Show every column at full width, even if lines run past the terminal."

#: Help text of the ``--sort`` option of commands that print country tables.
SORT_HELP = (
    "Order after CAN, MEX, USA: size (largest economies), country, or a metric such as "
    "welfare_pct (ascending)."
)

#: A text column (descriptions, titles) is never squeezed below this many characters.
_TEXT_MIN = 10


def print_table(
    out: Console, table: Table, *, wide: bool = False, drop: Sequence[str] = ()
) -> None:
    """Print ``table`` so that no id, date or number is ever cut.

    Columns made with ``no_wrap=True`` (ids, codes, dates, numbers) keep their full width; the
    other columns wrap their text. If the table is still wider than the console, the columns
    named in ``drop`` (headers, first dropped first) are left out and a note says so. A table
    that does not fit even then is printed wider than the console rather than cut. ``wide``
    keeps every column at its natural width.
    """
    from rich.markup import escape

    widths = [_natural(table, i) for i in range(len(table.columns))]
    if wide:
        _print_at(out, table, _total(table, widths, widths))
        return
    for i, column in enumerate(table.columns):
        if column.no_wrap:
            column.width = widths[i]
        elif column.overflow == "ellipsis":
            column.overflow = "fold"
    dropped: list[str] = []
    for header in drop:
        if _total(table, _minimums(table, widths), widths) <= out.width:
            break
        names = [str(c.header) for c in table.columns]
        if header in names:
            k = names.index(header)
            del table.columns[k], widths[k]
            for j, col in enumerate(table.columns):
                col._index = j
            dropped.append(header.replace("\n", " "))
    need = _total(table, _minimums(table, widths), widths)
    _print_at(out, table, need)
    if dropped:
        hidden = ", ".join(escape(h) for h in dropped)
        out.print(f"[dim]hidden at this width: {hidden} (--wide shows every column)[/]")


def _print_at(out: Console, table: Table, need: int) -> None:
    """Print ``table`` at the console's width, or at ``need`` columns if that is wider."""
    if need <= out.width:
        out.print(table)
        return
    width = out.width
    out.width = need
    try:
        out.print(table, crop=False)
    finally:
        out.width = width


def _cells(table: Table, index: int) -> list[str]:
    from rich.text import Text

    from tradewinds.reporting.terminal import plain_of_markup, visible_controls

    column = table.columns[index]
    cells = [column.header, *column.cells]
    out = []
    for cell in cells:
        if isinstance(cell, Text):
            out.append(cell.plain)
        elif isinstance(cell, str):  # as SafeConsole renders it
            out.append(visible_controls(plain_of_markup(cell)))
        else:  # another renderable: assume it folds
            out.append("")
    return out


def _natural(table: Table, index: int) -> int:
    """Widest line of a column's cells (header included), without padding."""
    from rich.cells import cell_len

    lines = [line for cell in _cells(table, index) for line in cell.splitlines()]
    return max((cell_len(line) for line in lines), default=1)


def _minimums(table: Table, widths: list[int]) -> list[int]:
    from rich.cells import cell_len

    out = []
    for i, column in enumerate(table.columns):
        if column.no_wrap:
            out.append(widths[i])
        else:
            words = [w for cell in _cells(table, i) for w in cell.split()]
            longest = max((cell_len(w) for w in words), default=1)
            out.append(min(widths[i], max(_TEXT_MIN, min(longest, 2 * _TEXT_MIN))))
    return out


def _total(table: Table, minimums: list[int], widths: list[int]) -> int:
    """Width the table needs when each column takes ``minimums`` (padding and borders added)."""
    pad = sum(table._get_padding_width(i) for i in range(len(table.columns)))
    return sum(minimums) + pad + table._extra_width


#: Band metrics shown in the Monte Carlo table: (metric, header).
BAND_COLUMNS = (
    ("welfare_pct", "welfare %"),
    ("real_wage_pct", "real wage %"),
    ("exports_pct", "exports %"),
    ("imports_pct", "imports %"),
)


#: Band columns a narrow terminal leaves out first.
BAND_DROP = ("imports %", "exports %")


def bands_table(
    bands: pd.DataFrame,
    *,
    title: str,
    first: Sequence[str],
    limit: int | None,
    sort: str | None = None,
) -> Table:
    """Median and 5–95% band of headline metrics by country.

    ``first`` come on top, then the rest as ``sort`` asks, on the medians (see
    :func:`~tradewinds.reporting.tables.order_countries`: ``size`` by median income,
    ``country``, or a metric ascending; ``None``: median welfare change, worst first).
    """
    from rich.table import Table

    from tradewinds.reporting.tables import order_countries
    from tradewinds.reporting.terminal import literal

    rows = bands[(bands["partner"] == "") & (bands["sector"] == "TOTAL")]
    wide = rows.pivot_table(index="country", columns="metric", values="p50", aggfunc="first")
    if sort == "size" and "income" not in wide.columns:
        sort = None  # no size measure in these bands: welfare order
    order = order_countries(wide, first, sort)
    shown = len(order)
    if limit is not None:
        order = order[: max(limit, len([c for c in first if c in wide.index]))]
    cols = [(m, h) for m, h in BAND_COLUMNS if m in wide.columns]
    how = {None: "", "size": "; then by size", "country": "; then A-Z"}.get(
        sort, f"; then by median {sort}"
    )
    caption = (
        f"median [5th, 95th percentile] over converged draws; {len(order)} of {shown} "
        f"countries{how}" + (" (--all for every country)" if len(order) < shown else "")
    )
    table = Table(title=literal(title), caption=caption)
    table.add_column("country", no_wrap=True)
    for _, header in cols:
        table.add_column(header, justify="right", no_wrap=True)
    lookup = {
        (str(c), str(m)): (float(p50), float(p05), float(p95))
        for c, m, p50, p05, p95 in zip(
            rows["country"], rows["metric"], rows["p50"], rows["p05"], rows["p95"], strict=True
        )
    }
    for country in order:
        cells = []
        for metric, _ in cols:
            if (country, metric) in lookup:
                mid, low, high = lookup[(country, metric)]
                cells.append(f"{mid:+.3f}\n[{low:+.3f}, {high:+.3f}]")
            else:
                cells.append("")
        table.add_row(country, *cells)
    return table


def failures_table(runs: Sequence[RunRecord], *, title: str, limit: int = 20) -> Table:
    """Failed grid points or draws with their parameters and errors."""
    from rich.table import Table

    from tradewinds.reporting.terminal import literal

    failed = [r for r in runs if r.status != "ok"]
    table = Table(
        title=literal(title),
        caption=f"{len(failed)} failed" + (f", first {limit} shown" if len(failed) > limit else ""),
    )
    for col in ("run id", "parameters", "error"):
        table.add_column(col, overflow="fold", no_wrap=col == "run id")
    for r in failed[:limit]:
        table.add_row(r.run_id, literal(_short(r.settings)), literal(r.error))
    return table


def _short(params: dict[str, Any]) -> str:
    parts = []
    for key, value in params.items():
        if isinstance(value, dict):
            inner = ", ".join(
                f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in value.items()
            )
            parts.append(f"{key}: {inner}")
        elif isinstance(value, float):
            parts.append(f"{key}={value:.4g}")
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts)


def sweep_table(summary: pd.DataFrame, *, title: str, countries: Sequence[str]) -> Table:
    """One row per grid point: settings, status and welfare change of ``countries``."""
    from rich.table import Table

    from tradewinds.reporting.terminal import literal

    table = Table(title=literal(title), caption="welfare change, %")
    settings = [c for c in summary.columns if c not in {"run_id", "status", *countries}]
    for col in ("point", *settings, "status", *countries):
        table.add_column(col, justify="right" if col in countries else "left", no_wrap=True)
    for k, row in summary.iterrows():
        table.add_row(
            str(k),
            *(literal(row[c]) for c in settings),
            str(row["status"]),
            *("" if row[c] != row[c] else f"{row[c]:+.3f}" for c in countries),
        )
    return table
