"""Rich renderings of sweeps, Monte Carlo bands and failed draws, shared by several commands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from tradewinds.scenarios.recording import RunRecord

#: Band metrics shown in the Monte Carlo table: (metric, header).
BAND_COLUMNS = (
    ("welfare_pct", "welfare %"),
    ("real_wage_pct", "real wage %"),
    ("exports_pct", "exports %"),
    ("imports_pct", "imports %"),
)


def bands_table(
    bands: pd.DataFrame, *, title: str, first: Sequence[str], limit: int | None
) -> Table:
    """Median and 5–95% band of headline metrics by country."""
    from rich.table import Table

    from tradewinds.reporting.tables import order_countries

    rows = bands[(bands["partner"] == "") & (bands["sector"] == "TOTAL")]
    wide = rows.pivot_table(index="country", columns="metric", values="p50", aggfunc="first")
    order = order_countries(wide, first)
    if limit is not None:
        order = order[: max(limit, len([c for c in first if c in wide.index]))]
    cols = [(m, h) for m, h in BAND_COLUMNS if m in wide.columns]
    table = Table(title=title, caption="median [5th, 95th percentile] over converged draws")
    table.add_column("country")
    for _, header in cols:
        table.add_column(header, justify="right")
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
                cells.append(f"{mid:+.3f} [{low:+.3f}, {high:+.3f}]")
            else:
                cells.append("")
        table.add_row(country, *cells)
    return table


def failures_table(runs: Sequence[RunRecord], *, title: str, limit: int = 20) -> Table:
    """Failed grid points or draws with their parameters and errors."""
    from rich.table import Table

    failed = [r for r in runs if r.status != "ok"]
    table = Table(
        title=title,
        caption=f"{len(failed)} failed" + (f", first {limit} shown" if len(failed) > limit else ""),
    )
    for col in ("run id", "parameters", "error"):
        table.add_column(col, overflow="fold")
    for r in failed[:limit]:
        table.add_row(r.run_id, _short(r.settings), r.error)
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

    table = Table(title=title, caption="welfare change, %")
    settings = [c for c in summary.columns if c not in {"run_id", "status", *countries}]
    for col in ("point", *settings, "status", *countries):
        table.add_column(col, justify="right" if col in countries else "left")
    for k, row in summary.iterrows():
        table.add_row(
            str(k),
            *(str(row[c]) for c in settings),
            str(row["status"]),
            *("" if row[c] != row[c] else f"{row[c]:+.3f}" for c in countries),
        )
    return table
