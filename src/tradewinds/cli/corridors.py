"""``tradewinds corridors``: sea and land routes compared, and their trade-cost equivalent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._options import check_format
from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from rich.table import Table

    from tradewinds.integration.corridors import CorridorParams, Route

corridors_app = typer.Typer(
    help="Corridors: direct sea routes, routes through the US and via Canadian or Mexican ports.",
    no_args_is_help=True,
)

PARAMS = typer.Option(
    None, "--params", help="YAML file overriding the cost and time parameters (see docs)."
)


def register(app: typer.Typer) -> None:
    """Add the ``corridors`` command group."""
    app.add_typer(corridors_app, name="corridors")


def _codes(text: str, option: str) -> list[str]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise ScenarioError(f"{option} needs at least one code, e.g. {option} CHN,JPN.")
    return codes


def _params(path: Path | None) -> CorridorParams:
    from tradewinds.integration.corridors import load_params

    return load_params(path)


@corridors_app.command("compare")
def compare(
    origin: str = typer.Option(..., "--from", help="Origin countries: CAN, MEX or USA (commas)."),
    destination: str = typer.Option(
        ..., "--to", help="Destinations: CAN, MEX, USA, CHN, JPN, KOR, SGP, VNM (commas)."
    ),
    via: str = typer.Option(
        "direct,USA,CAN", "--via", help="Routings: direct and/or CAN, MEX, USA (commas)."
    ),
    fmt: str = typer.Option("table", "--format", help="table or json (one object per route)."),
    params: Path | None = PARAMS,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write one row per route (.csv or .json)."
    ),
    map_file: Path | None = typer.Option(
        None, "--map", help="Write a map of the best routes (every one with --all) to FILE.html."
    ),
    all_routes: bool = typer.Option(
        False, "--all", help="Table and map: every port alternative, not only the best ones."
    ),
    wide: bool = typer.Option(
        False, "--wide", help="Show every column at full width, even past the terminal."
    ),
) -> None:
    """Distance, days, cost per TEU and US transit of each route, by routing.

    Routes start at the origin's hub (Toronto, Mexico City, Chicago) and end at the
    destination's hub or port. The best route of each routing (lowest cost plus the value of
    time) is marked. See docs/corridors.md for the model, its parameters and the US-transit rule.
    """
    import json

    from tradewinds.cli._common import console, write_records
    from tradewinds.integration.corridors import compare as compare_routes
    from tradewinds.integration.corridors import routes_frame

    check_format(fmt)
    routes = compare_routes(
        _codes(origin, "--from"), _codes(destination, "--to"), _codes(via, "--via"),
        _params(params),
    )  # fmt: skip
    if output is not None:
        write_records(routes_frame(routes), output)
    if map_file is not None:
        from tradewinds.reporting.corridors_map import write_corridor_map

        write_corridor_map(routes if all_routes else [r for r in routes if r.best], map_file)
    if fmt == "json":
        typer.echo(json.dumps([r.to_dict() for r in routes], indent=1, ensure_ascii=False))
        return
    from tradewinds.cli._display import print_table

    out = console()
    table = _table(_shown(routes, all_routes))
    print_table(out, table, wide=wide, drop=("US waters", "kind"))
    p = _params(params)
    per_day = p.time_cost_pct_per_day / 100 * p.value_usd_per_teu
    out.print(
        f"{len(routes)} route(s); "
        + (
            "all shown. "
            if all_routes
            else "the best and the cheapest of each routing shown, --all for every one. "
        )
        + f"Best: the lowest US$/TEU plus the value of time, {p.time_cost_pct_per_day:g}% of "
        f"US${p.value_usd_per_teu:,.0f} of goods a day (US${per_day:,.0f} a day); cheapest: "
        "the lowest US$/TEU (both: the best is also the cheapest). US: yes for a land leg in "
        "the US or a call at a US port. "
        "'US waters': US ports passed within 12 nm."
    )
    for path, what in ((output, "routes"), (map_file, "map")):
        if path is not None:
            out.print(f"wrote {what} to {path}")


def _cheapest(routes: list[Route]) -> set[int]:
    """Positions in ``routes`` of the lowest US$/TEU route of each origin, destination, routing."""
    best: dict[tuple[str, str, str], int] = {}
    for k, r in enumerate(routes):
        key = (r.origin, r.destination, r.via)
        if key not in best or r.cost_usd_per_teu < routes[best[key]].cost_usd_per_teu:
            best[key] = k
    return set(best.values())


def _shown(routes: list[Route], all_routes: bool) -> list[tuple[Route, str]]:
    """Every route, or the best and the cheapest of each routing (they may differ), marked."""
    cheapest = _cheapest(routes)
    out = []
    for k, r in enumerate(routes):
        flags = [m for m, on in (("best", r.best), ("cheapest", k in cheapest)) if on]
        mark = "both" if len(flags) == 2 else "".join(flags)
        if all_routes or mark:
            out.append((r, mark))
    return out


def _table(routes: list[tuple[Route, str]]) -> Table:
    from rich.table import Table

    table = Table(title="Corridors compared (door to door, per TEU)")
    # codes, routings and numbers are never cut (tradewinds.cli._display.print_table); the
    # port chain and the US waters wrap
    for col, justify, whole in (
        ("from", "left", True), ("to", "left", True), ("via", "left", True),
        ("kind", "left", True), ("ports", "left", False), ("km", "right", True),
        ("days", "right", True), ("US$/TEU", "right", True), ("US", "left", True),
        ("shown as", "left", False), ("US waters", "left", False),
    ):  # fmt: skip
        table.add_column(col, justify=justify, no_wrap=whole)  # type: ignore[arg-type]
    for r, mark in routes:
        waters = ", ".join(r.us_waters[:2]) + (" …" if len(r.us_waters) > 2 else "")
        table.add_row(
            r.origin, r.destination, r.via, r.kind,
            " > ".join(r.ports) if r.ports else "overland",
            f"{r.distance_km:,.0f}", f"{r.days:.1f}", f"{r.cost_usd_per_teu:,.0f}",
            "[bold]yes[/]" if r.us_transit else "no", mark, waters,
        )  # fmt: skip
    return table


@corridors_app.command("scenario")
def scenario(
    pair: str = typer.Option("CAN,MEX", "--pair", help="Two countries, e.g. CAN,MEX."),
    to_via: str = typer.Option("direct", "--new", help="New routing: direct, CAN, MEX or USA."),
    from_via: str = typer.Option("USA", "--old", help="Old routing: direct, CAN, MEX or USA."),
    to_kind: str | None = typer.Option(
        None, "--new-kind", help="Restrict the new routing, e.g. sea-pacific or sea-atlantic."
    ),
    from_kind: str | None = typer.Option(
        None, "--old-kind", help="Restrict the old routing, e.g. overland-rail."
    ),
    time_cost: str = typer.Option(
        "low", "--time-cost", help="low (0.6%/day) or high (2.1%/day), Hummels–Schaur (2013)."
    ),
    params: Path | None = PARAMS,
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the scenario YAML here (else print it)."
    ),
    fmt: str = typer.Option("yaml", "--format", help="yaml (the scenario) or json (the numbers)."),
) -> None:
    """Turn a change of routing into a trade-cost shock and write it as a scenario file.

    The shock is the ratio of (1 + ad-valorem equivalent) of the new and the old route, each
    the freight cost over the value of a TEU plus the days in transit times the time cost per
    day. Run the file with `tradewinds run`.
    """
    import json

    import yaml

    from tradewinds.integration.corridors.trade_costs import parse_routing, route_shift

    if time_cost not in ("low", "high"):
        raise ScenarioError(f"--time-cost {time_cost!r} must be 'low' or 'high'.")
    codes = [c.upper() for c in _codes(pair, "--pair")]
    if len(codes) != 2:
        raise ScenarioError(f"--pair {pair!r} must name two countries, e.g. CAN,MEX.")
    vias = [parse_routing(to_via, "--new"), parse_routing(from_via, "--old")]
    shift = route_shift(
        codes[0], codes[1], to_via=vias[0], from_via=vias[1], to_kind=to_kind,
        from_kind=from_kind, which=time_cost, params=_params(params),  # type: ignore[arg-type]
    )  # fmt: skip
    if fmt == "json":
        typer.echo(json.dumps(shift.to_dict(), indent=1, ensure_ascii=False))
        return
    if fmt != "yaml":
        raise ScenarioError(f"--format {fmt!r} must be 'yaml' or 'json'.")
    text = yaml.safe_dump(shift.scenario(), sort_keys=False, allow_unicode=True, width=100)
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    from tradewinds.cli._common import console

    out = console()
    for row in shift.to_dict()["pairs"]:
        out.print(
            f"{row['exporter']}->{row['importer']}: {row['from_route']} -> {row['to_route']}: "
            f"{row['days_change']:+.1f} days, {row['cost_usd_per_teu_change']:+,.0f} US$/TEU, "
            f"trade costs {100 * row['trade_cost_change']:+.2f}%"
        )
    out.print(f"wrote {output}; run it with: tradewinds run {output}")


@corridors_app.command("params")
def show_params(params: Path | None = PARAMS) -> None:
    """The cost and time parameters in use, with their units and sources."""
    from rich.table import Table

    from tradewinds.cli._common import console
    from tradewinds.integration.corridors.params import packaged_table

    values = _params(params).model_dump()
    table = Table(title="Corridor cost and time parameters")
    for col in ("parameter", "value", "unit", "source"):
        table.add_column(col, no_wrap=col in ("parameter", "value"), overflow="fold")
    for name, row in packaged_table().items():
        changed = values[name] != row["value"]
        table.add_row(
            name,
            f"{values[name]:g}" + (" (yours)" if changed else ""),
            str(row.get("unit", "")),
            "--params file" if changed else str(row.get("source", "")),
        )
    from tradewinds.cli._display import print_table

    print_table(console(), table)
