"""``tradewinds strategy optimal|nash|united-front``: optimal tariffs, tariff wars, coalitions."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tradewinds.cli._display import WIDE_HELP
from tradewinds.core.errors import ScenarioError
from tradewinds.policy import defaults

if TYPE_CHECKING:
    from tradewinds.policy.parallel import Mapper

strategy_app = typer.Typer(
    help="Optimal tariffs, Nash tariff wars and the Canada–Mexico united-front game.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``strategy`` command group."""
    app.add_typer(strategy_app, name="strategy")


def _codes(text: str, option: str) -> list[str]:
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise ScenarioError(f"{option} needs at least one country code (got {text!r}).")
    return codes


def _weights(text: str | None) -> dict[str, float] | None:
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        try:
            out[key.strip().upper()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not math.isfinite(out.get(key.strip().upper(), 0.0)):
            raise ScenarioError(f"--weights wants CODE=NUMBER pairs (CAN=1,MEX=1); got {part!r}.")
    return out


def _labels(text: str | None) -> list[str] | None:
    if text is None:
        return None
    labels = [s.strip() for s in text.split(",") if s.strip()]
    if not labels:
        raise ScenarioError(f"--sectors needs at least one sector label (got {text!r}).")
    return labels


def _flag(name: str) -> str:
    """The command-line option of an options field (``max_rounds`` -> ``--max-rounds``)."""
    return "--" + name.replace("_", "-")


def _show(pair: tuple[float, float]) -> str:
    return ",".join(f"{v:g}" for v in pair)


def _pair(text: str, option: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(","))
    except ValueError:
        raise ScenarioError(f"{option} wants two numbers like 0,2; got {text!r}.") from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError(f"{option} wants two finite numbers like 0,2; got {text!r}.")
    return lo, hi


@contextlib.contextmanager
def _mapper(workers: int, scheduler: str | None) -> Iterator[Mapper]:
    from tradewinds.scenarios.strategy import dask_mapper

    if workers < 0:
        raise ScenarioError(f"--workers {workers}: give 0 (in-process) or a positive number.")
    with dask_mapper(workers, scheduler) as run:
        yield run


SCENARIO = typer.Argument(..., help="Scenario YAML file (its tariffs are the starting point).")
OUTPUT = typer.Option(None, "--output", "-o", help="Write tidy records (CSV or JSON).")
BASELINE = typer.Option(None, "--baseline", "-b", help="Baseline name or path (overrides).")
BY_SECTOR = typer.Option(
    False, "--by-sector/--uniform", help="One rate per sector, or one uniform rate (default)."
)
SECTORS = typer.Option(
    None, "--sectors", help="Only these sectors get their own rate (implies --by-sector)."
)
BOUNDS = typer.Option(
    _show(defaults.BOUNDS), "--bounds", help="Search box for every rate, e.g. 0,2 (0%-200%)."
)
WORKERS = typer.Option(
    0, "--workers", help="Local Dask workers for parallel searches; 0 runs in-process."
)
SCHEDULER = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler.")
WIDE = typer.Option(False, "--wide", help=WIDE_HELP)


@strategy_app.command("optimal")
def optimal(
    scenario: Path = SCENARIO,
    country: str = typer.Option(
        ..., "--country", "-c", help="Country, or comma-separated coalition, setting tariffs."
    ),
    against: str | None = typer.Option(
        None, "--against", help="Partners the tariffs apply to (default: all others)."
    ),
    weights: str | None = typer.Option(
        None, "--weights", help="Coalition weights on welfare changes, e.g. CAN=2,MEX=1."
    ),
    by_sector: bool = BY_SECTOR,
    sectors: str | None = SECTORS,
    bounds: str = BOUNDS,
    workers: int = WORKERS,
    scheduler: str | None = SCHEDULER,
    baseline: str | None = BASELINE,
    output: Path | None = OUTPUT,
    wide: bool = WIDE,
) -> None:
    """Tariffs that maximise a country's (or coalition's) welfare, others' tariffs fixed.

    With several rates (--by-sector or a coalition) the gradient's coordinates run in parallel
    when --workers or --scheduler is given.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, progress_bar, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.core import dims
    from tradewinds.policy.optimal import uniform_tariff_formula
    from tradewinds.policy.options import OptimalOptions
    from tradewinds.reporting.strategy import optimal_tables
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import tariff_problem

    opts = OptimalOptions.parse(
        {
            "country": _codes(country, "--country"),
            "against": _codes(against, "--against") if against else None,
            "weights": _weights(weights),
            "by_sector": by_sector,
            "sectors": _labels(sectors),
            "bounds": _pair(bounds, "--bounds"),
        },
        _flag,
    )
    box = opts.bounds
    problem, _ = tariff_problem(load_scenario(scenario), baseline)
    instruments = opts.instruments(problem)
    with (
        progress_bar("optimal tariffs", "model solves") as update,
        _mapper(workers, scheduler) as mapper,
    ):
        result = opts.run(problem, mapper, update)
    closed = None
    inst = instruments[0]
    if (
        len(instruments) == 1
        and inst.sectors is None
        and problem.eps is not None
        and problem.tariff.sizes[dims.SECTOR] == 1
        and len(inst.against) == len(problem.countries) - 1
    ):
        tariff = inst.apply(problem.tariff, result.values)
        closed = uniform_tariff_formula(result.equilibrium, tariff, inst.country, problem.eps)
    out = console()
    for table in optimal_tables(result, bounds=box, closed_form=closed):
        print_table(out, table, wide=wide, drop=("note", "name", "against"))
    if output is not None:
        write_records(result.to_records(), output)
        out.print(f"Wrote {output}")


@strategy_app.command("nash")
def nash(
    scenario: Path = SCENARIO,
    players: str = typer.Option(
        ",".join(defaults.PLAYERS), "--players", help="Comma-separated players."
    ),
    against_all: bool = typer.Option(
        False, "--against-all", help="Players set tariffs on every country, not just each other."
    ),
    by_sector: bool = BY_SECTOR,
    sectors: str | None = SECTORS,
    tol: float = typer.Option(
        defaults.NASH_TOL, "--tol", help="Largest welfare gain (0.01 = 1%) at a Nash; 0 < tol < 1."
    ),
    max_rounds: int = typer.Option(
        defaults.MAX_ROUNDS,
        "--max-rounds",
        help=f"Rounds of best responses (1 to {defaults.MAX_ROUNDS_LIMIT}).",
    ),
    sequential: bool = typer.Option(
        False,
        "--sequential",
        help="Players answer in turn (Gauss–Seidel, serial) instead of all at once in parallel.",
    ),
    bounds: str = BOUNDS,
    workers: int = WORKERS,
    scheduler: str | None = SCHEDULER,
    baseline: str | None = BASELINE,
    output: Path | None = OUTPUT,
    wide: bool = WIDE,
) -> None:
    """Iterate best responses of PLAYERS until none gains more than --tol, or report a cycle."""
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, progress_bar, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.core.errors import ConvergenceError
    from tradewinds.core.solver import SolverReport
    from tradewinds.policy.options import NashOptions
    from tradewinds.reporting.strategy import nash_tables
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import tariff_problem

    opts = NashOptions.parse(
        {
            "players": _codes(players, "--players"),
            "against_all": against_all,
            "by_sector": by_sector,
            "sectors": _labels(sectors),
            "tol": tol,
            "max_rounds": max_rounds,
            "sequential": sequential,
            "bounds": _pair(bounds, "--bounds"),
        },
        _flag,
    )
    problem, _ = tariff_problem(load_scenario(scenario), baseline)
    with (
        progress_bar("tariff war", "best responses") as update,
        _mapper(workers, scheduler) as mapper,
    ):
        result = opts.run(problem, mapper, update)
    out = console()
    for table in nash_tables(result):
        print_table(out, table, wide=wide, drop=("name", "against"))
    if output is not None:
        write_records(result.to_records(), output)
        out.print(f"Wrote {output}")
    if not result.converged:
        raise ConvergenceError(
            f"tariff war: {result.message()}",
            SolverReport(False, len(result.path), float("nan"), opts.tol, 0.0, "best responses"),
        )


@strategy_app.command("united-front")
def united_front_cmd(
    scenario: Path = typer.Argument(..., help="Scenario YAML with the threat."),
    threatener: str = typer.Option(
        defaults.THREATENER, "--threatener", help="Country making the threat."
    ),
    partners: str = typer.Option(
        ",".join(defaults.PARTNERS), "--partners", help="The two partners (row, column)."
    ),
    retaliation: str = typer.Option(
        "mirror", "--retaliation", help="How a partner retaliates alone: mirror or optimal."
    ),
    weights: str | None = typer.Option(
        None, "--weights", help="Weights of the joint optimum, e.g. CAN=1,MEX=1 (default equal)."
    ),
    deal_rate: float | None = typer.Option(
        None,
        "--deal-rate",
        help="Price of a separate deal: the threatener's rate kept on a partner that takes it "
        "(default: the scenario's strategy.united_front.deal_rate, else none, so a deal lifts "
        "every new tariff at no cost).",
    ),
    draws: int = typer.Option(0, "--draws", help="Elasticity draws for the sensitivity."),
    seed: int = typer.Option(defaults.SEED, "--seed", help="Seed of the elasticity draws (>= 0)."),
    eps_range: str = typer.Option(
        _show(defaults.EPS_RANGE), "--eps-range", help="Draws are uniform on this elasticity range."
    ),
    workers: int = WORKERS,
    scheduler: str | None = SCHEDULER,
    baseline: str | None = BASELINE,
    output: Path | None = OUTPUT,
    html: Path | None = typer.Option(
        None, "--html", help="Write a self-contained HTML chart (.html or .htm)."
    ),
    wide: bool = WIDE,
) -> None:
    """The 4x4 game of two partners facing a threat: accept, alone, joint or deal.

    Unless --deal-rate (or the scenario's strategy.united_front.deal_rate) prices it, a
    separate deal lifts every new tariff on the partner at no cost, so (deal, deal) is always an
    equilibrium.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    check_output(html, (".html", ".htm"))
    import pandas as pd

    from tradewinds.cli._common import console, progress_bar, solving, write_records
    from tradewinds.cli._display import print_table
    from tradewinds.core.limits import MAX_DRAWS, check_count
    from tradewinds.policy.options import UnitedFrontOptions
    from tradewinds.policy.united_front import draw_elasticities, united_front
    from tradewinds.reporting.strategy import united_front_html, united_front_tables
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import (
        tariff_problem,
        united_front_game,
        united_front_sensitivity,
    )

    pair = _codes(partners, "--partners")
    if len(pair) != 2:
        raise ScenarioError(f"--partners needs exactly two countries; got {pair}.")
    if retaliation not in ("mirror", "optimal"):
        raise ScenarioError(f"--retaliation must be mirror or optimal; got {retaliation!r}.")
    opts = UnitedFrontOptions.parse(
        {
            "threatener": threatener,
            "partners": (pair[0], pair[1]),
            "retaliation": retaliation,
            "weights": _weights(weights),
            "deal_rate": deal_rate,
            "draws": draws,
            "seed": seed,
            "eps_range": _pair(eps_range, "--eps-range"),
        },
        _flag,
    )
    if opts.draws > 0:  # 0 = no sensitivity; the API's own, tighter bound is checked there
        check_count(opts.draws, "--draws", name="MAX_DRAWS", default=MAX_DRAWS, what="draw")
    spec = load_scenario(scenario)
    options = united_front_game(spec, opts)  # --deal-rate, else the scenario's deal_rate
    problem, threat = tariff_problem(spec, baseline, status_quo="baseline")
    with solving("solving the 4x4 game"):
        game = united_front(problem, threat, **options)
    sens = None
    if opts.draws > 0:
        eps = draw_elasticities(opts.draws, opts.seed, *opts.eps_range)
        if baseline is not None:
            spec = spec.model_copy(update={"baseline": baseline})
        with (
            progress_bar("elasticity draws", "draws") as update,
            _mapper(workers, scheduler) as mapper,
        ):
            sens = united_front_sensitivity(
                spec, list(eps), mapper=mapper, progress=update, **options
            )
    out = console()
    freq = sens.frequencies if sens is not None else None
    for table in united_front_tables(game, freq, len(sens.games) if sens else 0):
        print_table(out, table, wide=wide)
    if sens is not None and sens.failures:
        bad = ", ".join(f"{e:.3f}" for e, _ in sens.failures)
        out.print(f"[bold red]{len(sens.failures)} draws did not converge[/] (eps = {bad})")
    if output is not None:
        records = game.to_records()
        if sens is not None:
            records = pd.concat([records, sens.to_records(game.partners)], ignore_index=True)
        write_records(records, output)
        out.print(f"Wrote {output}")
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(united_front_html(game, title=spec.title, frequencies=freq), "utf-8")
        out.print(f"Wrote {html}")
