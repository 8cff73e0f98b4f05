"""Body of ``tradewinds etr`` (kept apart so the command list stays light)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._options import TableFormat, Wide, check_format
from tradewinds.core.errors import DataError, ScenarioError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd

    from tradewinds.measures.collected import Backtest


def _date(text: str, option: str) -> dt.date:
    from tradewinds.core.dates import parse_date

    return parse_date(text, option)


def etr(
    country: str = typer.Option(
        "", "--country", help="Partner (ISO3), EU, or ALL for the US-wide rate."
    ),
    top: int | None = typer.Option(
        None, "--top", help="Table of the N largest partners on --date (CAN and MEX always shown)."
    ),
    start: str | None = typer.Option(
        None, "--from", help="First date YYYY-MM-DD (default: 2025-01-01)."
    ),
    end: str | None = typer.Option(None, "--to", help="Last date (default: coverage date)."),
    date: str | None = typer.Option(None, "--date", help="One date (use with --format json)."),
    by: str | None = typer.Option(
        None, "--by", help="Breakdown: hs2, gtap (= sector), wiod or cp2015."
    ),
    usmca_shares: str = typer.Option("2025h2", "--usmca-shares", help="2024, 2025 or 2025h2."),
    freq: str = typer.Option("daily", "--freq", help="daily or monthly."),
    fmt: TableFormat = "table",
    output: Path | None = typer.Option(None, "--output", help="Write the series (.csv/.json)."),
    plot: Path | None = typer.Option(None, "--plot", help="Plot to FILE.html or FILE.png."),
    wide: Wide = False,
    collected: bool = typer.Option(
        False,
        "--collected",
        help="Statutory rate and collected estimate by month (with --country; ALL adds "
        "Treasury's rate and the errors).",
    ),
) -> None:
    """Import-weighted effective US tariff rate on any partner, by authority and sector."""
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._warnings import printed_warnings

    check_format(fmt)
    if collected:
        _check_collected_alone(
            country, top is not None or date is not None or bool(by), usmca_shares
        )
        if country.upper() == "ALL":
            _collected(fmt)
        else:
            _collected_partner(country.upper(), fmt)
        return
    if top is not None:
        from tradewinds.measures import etr as etr_mod

        if country or by:
            raise ScenarioError("--top lists partners on one date: leave out --country and --by.")
        day = _date(date, "--date") if date else None
        if day is None:
            raise ScenarioError("--top needs --date YYYY-MM-DD.")
        with printed_warnings():
            _top(etr_mod.top(day, top, usmca_shares), fmt, wide)
        return
    if not country:
        raise ScenarioError("Give --country (ISO3, EU or ALL) or --top N with --date.")
    if date is not None:
        _refuse_series_options(start, end, None if freq == "daily" else freq, output, plot)
    with printed_warnings():
        if date is not None:  # the packaged registry, read without loading it (etr.point)
            _point(country, _date(date, "--date"), usmca_shares, by, fmt, wide)
            return
        frame = _series(country, (start, end), usmca_shares, by, freq)
        _write_series(frame, output, plot, country)
        _print_series(frame, fmt, by, (output, plot), wide)


def _check_collected_alone(country: str, others: bool, usmca_shares: str) -> None:
    """``--collected`` is a monthly series of one country or group: refuse other options."""
    from tradewinds.measures import etr as etr_mod

    if not country or others:
        raise ScenarioError(
            "--collected goes with --country alone (ALL, EU or a partner: a monthly series)."
        )
    if usmca_shares != "2025h2":
        raise ScenarioError(
            "--collected uses USMCA claim shares by month (2024 to July-December 2025): "
            "leave out --usmca-shares."
        )
    etr_mod.check_country(country)


def _refuse_series_options(
    start: str | None, end: str | None, freq: str | None, output: Path | None, plot: Path | None
) -> None:
    """With ``--date`` (one date), refuse the options of a series (``freq`` None: daily)."""
    series_only = {"--from": start, "--to": end, "--freq": freq, "--output": output, "--plot": plot}
    given = [name for name, value in series_only.items() if value is not None]
    if given:
        raise ScenarioError(
            f"--date asks for one date, and {', '.join(given)} belong to a series; give "
            "either --date or --from/--to (with --freq, --output, --plot)."
        )


def _point(
    country: str, day: dt.date, usmca_shares: str, by: str | None, fmt: str, wide: bool
) -> None:
    """``etr --date``: the rate on one date, by authority (and by sector with ``--by``)."""
    import json

    from tradewinds.measures import etr as etr_mod
    from tradewinds.reporting.sectors import sector_name

    result = etr_mod.point(country, day, usmca_shares, by=by)
    sectors = result.get("by_sector")
    if isinstance(sectors, list):
        for entry in sectors:
            entry["sector_name"] = sector_name(entry["sector"])
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2))
    else:
        _print_point(result, usmca_shares, by, wide)


def _print_point(result: dict[str, object], usmca_shares: str, by: str | None, wide: bool) -> None:
    """The rate on one date: the headline, by authority, by sector (``--by``), collected."""
    from tradewinds.cli._common import console

    sectors = result.get("by_sector")
    out = console()
    out.print(
        f"{result['country']} {result['date']}: statutory effective rate on 2024 "
        f"import weights {float(str(result['effective_rate'])):.2%} including MFN, "
        f"{float(str(result['additional_rate'])):.2%} additional (excluding MFN); "
        f"USMCA shares {usmca_shares}"
    )
    by_auth = result["by_authority"]
    assert isinstance(by_auth, dict)
    for key, value in by_auth.items():
        out.print(f"  {key:<20} {value:.2%}")
    if isinstance(sectors, list):
        rows = [
            (e["sector"], e["effective_rate"], e["import_share"], e["by_authority"])
            for e in sectors
        ]
        _sectors(rows, f"by {by} sector on {result['date']}", wide)
    _collected_line(str(result["country"]), str(result["date"])[:7])


def _series(
    country: str, dates: tuple[str | None, str | None], usmca_shares: str, by: str | None, freq: str
) -> pd.DataFrame:
    """The rate from ``--from`` (default 2025-01-01) to ``--to`` (default: coverage date)."""
    from tradewinds.measures import etr as etr_mod
    from tradewinds.measures.registry import load_registry

    start, end = dates
    registry = load_registry()
    last = _date(end, "--to") if end else registry.coverage_date
    return etr_mod.series(
        country,
        _date(start or "2025-01-01", "--from"),
        last,
        usmca_shares=usmca_shares,
        by=by,
        freq=freq,
        registry=registry,
    )


def _write_series(
    frame: pd.DataFrame, output: Path | None, plot: Path | None, country: str
) -> None:
    """Write ``--output`` and ``--plot`` when given."""
    from tradewinds.cli._common import write_records

    if output is not None:
        write_records(frame, output)
    if plot is not None:
        from tradewinds.reporting.etr_plot import plot_series

        plot_series(frame, plot, title=f"US effective tariff rate on {country.upper()}")


def _print_series(
    frame: pd.DataFrame,
    fmt: str,
    by: str | None,
    written: tuple[Path | None, Path | None],
    wide: bool,
) -> None:
    """The series as JSON, or its changes (and by sector on the last day, with ``--by``).

    ``written`` is ``(--output, --plot)``, named under the table.
    """
    if fmt == "json":
        from tradewinds.reporting.sectors import with_sector_names

        named = with_sector_names(frame) if by is not None else frame
        typer.echo(named.to_json(orient="records"))
        return
    _summary(frame, *written)
    _collected_line(str(frame["country"].iloc[0]), str(frame["date"].max())[:7])
    if by is not None:
        last_day = frame["date"].max()
        rows: list[tuple[str, float, float | None, dict[str, float]]] = []
        at = frame[(frame["date"] == last_day) & (frame["sector"] != "all")]
        wide_rows = at.pivot_table(
            index="sector", columns="authority", values="rate", aggfunc="mean"
        ).fillna(0.0)
        for sector, row in wide_rows.sort_values("total", ascending=False).iterrows():
            parts = {str(k): float(v) for k, v in row.drop("total").items() if abs(v) > 0}
            rows.append((str(sector), float(row["total"]), None, parts))
        _sectors(rows, f"by {by} sector on {last_day}", wide)


def _collected_line(country: str, month: str) -> None:
    """Lines under a statutory headline: what was collected, and the estimates if computed.

    ``month`` (``YYYY-MM``) is the headline's; the partner's estimate is shown for it, or for
    the last month of the estimate if the headline is later.
    """
    from tradewinds.cli._common import console
    from tradewinds.measures.collected import backtest_if_cached, treasury

    observed = treasury()
    last = max(observed)
    text = (
        f"Statutory rates on 2024 import weights, not duties collected: US-wide, customs "
        f"collected {observed[last]:.2%} of imports in {last} (Treasury)"
    )
    bt = backtest_if_cached()
    if bt is not None and last in bt.months:
        k = bt.months.index(last)
        text += (
            f"; collected estimate {bt.estimate[k]:.2%} against statutory "
            f"{bt.statutory[k]:.2%} (etr --country ALL --collected)."
        )
    else:
        text += "; the collected estimate beside the statutory rate: etr --country ALL --collected."
    console().print(text)
    if country == "ALL":
        return
    if bt is None or bt.parts is None:
        console().print(
            f"{country}: collected estimate by month with etr --country {country} --collected."
        )
        return
    shown = month if month in bt.months else bt.months[-1] if month > bt.months[-1] else None
    if shown is None:
        return
    est = bt.partner(country)
    k = est.months.index(shown)
    console().print(
        f"{country} {shown}: collected estimate {est.estimate[k]:.2%} against statutory "
        f"{est.statutory[k]:.2%} with that month's claim shares (the US-wide fit applied to "
        f"{country}'s lines; not tested against partner data: etr --country {country} "
        "--collected)."
    )


def _fit_json(bt: Backtest) -> dict[str, object]:
    """The fitted factors of the collected-rate model and the months they were fitted on."""
    from tradewinds.measures.collected import FIT

    return {"k": bt.k, "lag_months": bt.lag, "elasticity": bt.eps, "fit_months": list(FIT)}


def _echo_months(
    head: dict[str, object], months: Sequence[str], columns: Mapping[str, Sequence[float]]
) -> None:
    """Print ``head`` as JSON with a ``months`` list: one object per month of ``columns``."""
    import json

    rows = zip(months, *columns.values(), strict=True)
    out = {**head, "months": [dict(zip(("month", *columns), row, strict=True)) for row in rows]}
    typer.echo(json.dumps(out, indent=2))


def _collected(fmt: str) -> None:
    """Monthly statutory rate, the collected estimate and Treasury's rate, with the errors."""
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.measures.collected import FIT, TEST, backtest

    bt = backtest()
    if fmt == "json":
        head = {
            **_fit_json(bt),
            "test_months": list(TEST),
            "mae_in_sample": bt.mae_in,
            "mae_out_of_sample": bt.mae_out,
        }
        columns = {"statutory": bt.statutory, "estimate": bt.estimate, "treasury": bt.treasury}
        _echo_months(head, bt.months, columns)
        return
    table = Table(
        title="US-wide tariff rate by month: statutory (2024 import weights), "
        "collected estimate, Treasury",
        caption=(
            f"estimate = {bt.k:.3f} x S(m) received with a mean lag of {bt.lag:.2f} months; "
            f"S on imports scaled by (1 + t)^-{bt.eps:.2f} with monthly USMCA claim shares; "
            f"k and lag fitted {FIT[0]} to {FIT[1]}, tested {TEST[0]} to {TEST[1]} "
            "(docs/etr-methods.md)"
        ),
    )
    for col in ("month", "statutory", "estimate", "Treasury", "error", "sample"):
        table.add_column(col, justify="left" if col in ("month", "sample") else "right")
    for m, s, e, t in zip(bt.months, bt.statutory, bt.estimate, bt.treasury, strict=True):
        sample = "fit" if FIT[0] <= m <= FIT[1] else "test" if TEST[0] <= m <= TEST[1] else ""
        table.add_row(
            m,
            f"{100 * s:.2f}%",
            f"{100 * e:.2f}%",
            f"{100 * t:.2f}%",
            f"{100 * (e - t):+.2f}",
            sample,
        )
    out = console()
    print_table(out, table)
    out.print(
        f"mean absolute error: {100 * bt.mae_in:.2f} points in sample ({FIT[0]} to {FIT[1]}), "
        f"{100 * bt.mae_out:.2f} out of sample ({TEST[0]} to {TEST[1]}; target 1.0)"
    )


def _collected_partner(country: str, fmt: str) -> None:
    """A partner's monthly statutory rate and collected estimate, from the US-wide fit."""
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.measures.collected import FIT, TEST, backtest

    bt = backtest()
    est = bt.partner(country)
    note = (
        f"k = {bt.k:.3f}, lag {bt.lag:.2f} months, elasticity {bt.eps:.2f}: fitted on the US-wide "
        f"series {FIT[0]} to {FIT[1]} (out-of-sample error {100 * bt.mae_out:.2f} points, "
        f"{TEST[0]} to {TEST[1]}) and applied to {country}'s lines and claim shares; not tested "
        "against partner data (Treasury publishes no duties by partner)"
    )
    if fmt == "json":
        head = {
            "country": country,
            **_fit_json(bt),
            "mae_out_of_sample_us_wide": bt.mae_out,
            "validated": False,
            "note": note,
        }
        columns = {
            "statutory": est.statutory,
            "estimate": est.estimate,
            "import_weight": est.weight,
        }
        _echo_months(head, est.months, columns)
        return
    table = Table(
        title=f"{country}: statutory rate (2024 import weights) and collected estimate by month",
        caption=note,
    )
    for col in ("month", "statutory", "estimate", "share of\nUS imports"):
        table.add_column(col, justify="left" if col == "month" else "right")
    for m, s, e, w in zip(est.months, est.statutory, est.estimate, est.weight, strict=True):
        table.add_row(m, f"{100 * s:.2f}%", f"{100 * e:.2f}%", f"{100 * w:.1f}%")
    out = console()
    print_table(out, table)
    out.print(
        "statutory: the month's mean with that month's USMCA claim shares; share of US imports: "
        "the partner's weight in the US-wide estimate (lagged, after substitution)."
    )


def _top(rows: list[dict[str, object]], fmt: str, wide: bool) -> None:
    """Table (or JSON) of partners' rates on one date, largest 2024 imports first."""
    import json

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.tables import partner_rates_table

    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return
    from tradewinds.measures.collected import backtest_if_cached

    out = console()
    table = partner_rates_table(
        rows, width=out.width, wide=wide, collected=_collected_column(rows, backtest_if_cached())
    )
    print_table(out, table, wide=wide, drop=("points", "by authority"))


def _collected_column(
    rows: list[dict[str, object]], bt: Backtest | None
) -> tuple[str, dict[str, str]] | None:
    """``(month, {partner: estimate})`` for the ``--top`` table, or None if not cached.

    The month is the date's, or the last estimated month if the date is later.
    """
    day = str(rows[0]["date"]) if rows else ""
    if bt is None or bt.parts is None or not day:
        return None
    month = day[:7]
    if month not in bt.months:
        if month < bt.months[0]:
            return None
        month = bt.months[-1]
    cells = {}
    for r in rows:
        code = str(r["country"])
        try:
            est = bt.partner(code)
        except DataError:  # no parts for the partner (no 2024 imports)
            cells[code] = "n/a"
        else:
            cells[code] = f"{100 * est.estimate[est.months.index(month)]:.2f}%"
    return month, cells


def _summary(frame: object, output: Path | None, plot: Path | None) -> None:
    import pandas as pd
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table

    assert isinstance(frame, pd.DataFrame)
    overall = frame[frame["sector"] == "all"] if (frame["sector"] == "all").any() else frame
    wide = overall.pivot_table(index="date", columns="authority", values="rate", aggfunc="mean")
    wide = wide.fillna(0.0)
    changes = wide[(wide.diff().abs() > 1e-9).any(axis=1) | (wide.index == wide.index[0])]
    table = Table(
        title="Statutory effective rate at each change (2024 import weights)",
        caption="total includes MFN; additional excludes it",
    )
    for col, justify in (
        ("from", "left"),
        ("additional", "right"),
        ("total", "right"),
        ("by authority", "left"),
    ):
        table.add_column(col, justify=justify, no_wrap=col != "by authority")  # type: ignore[arg-type]
    for day, row in changes.iterrows():
        parts = row.drop("total").sort_values(ascending=False)
        text = ", ".join(f"{k} {100 * v:.2f}" for k, v in parts.items() if v > 5e-5)
        extra = row["total"] - row.get("mfn", 0.0)
        table.add_row(str(day), f"{100 * extra:.2f}%", f"{100 * row['total']:.2f}%", text)
    out = console()
    print_table(out, table)
    if output:
        out.print(f"wrote {output}: {len(frame)} rows")
    if plot:
        out.print(f"wrote {plot}")


#: Sector rows printed by ``etr --by`` (all of them go to --output and --format json).
SECTOR_ROWS = 25


def _sectors(
    rows: list[tuple[str, float, float | None, dict[str, float]]], title: str, wide: bool
) -> None:
    """Table of (sector, rate, import share or None, rate by authority), largest rate first."""
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.sectors import sector_name

    shown = rows[:SECTOR_ROWS]
    caption = "rates in % of import value; highest first"
    if len(shown) < len(rows):
        caption += f"; {len(shown)} of {len(rows)} sectors (--format json or --output for all)"
    table = Table(title=f"Effective rate {title}", caption=caption)
    table.add_column("sector", no_wrap=True)
    named = any(sector_name(sector) != sector for sector, *_ in shown)
    if named:
        table.add_column("name")
    table.add_column("rate", justify="right", no_wrap=True)
    shares = any(share is not None for _, _, share, _ in rows)
    if shares:
        table.add_column("share of\nimports", justify="right", no_wrap=True)
    table.add_column("by authority")
    for sector, rate, share, parts in shown:
        ordered = sorted(parts.items(), key=lambda kv: -kv[1])
        text = ", ".join(f"{k} {100 * v:.2f}" for k, v in ordered if v > 5e-5)
        name = sector_name(sector)
        cells = [sector, *([name if name != sector else ""] if named else []), f"{100 * rate:.2f}%"]
        if shares:
            cells.append(f"{100 * (share or 0.0):.1f}%")
        table.add_row(*cells, text)
    print_table(console(), table, wide=wide, drop=("by authority", "name"))
