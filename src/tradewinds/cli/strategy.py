"""``tradewinds strategy optimal|nash|united-front``: optimal tariffs, tariff wars, coalitions."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradewinds.cli._options import Wide
from tradewinds.core.errors import ScenarioError
from tradewinds.policy import defaults

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from tradewinds.policy.options import NashOptions, OptimalOptions, UnitedFrontOptions
    from tradewinds.policy.parallel import Mapper
    from tradewinds.policy.problem import TariffProblem
    from tradewinds.policy.united_front import UnitedFront
    from tradewinds.scenarios.schema import Scenario
    from tradewinds.scenarios.strategy import Sensitivity

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


#: Defaults of the options that take a list, as they are typed.
BOUNDS = _show(defaults.BOUNDS)
EPS_RANGE = _show(defaults.EPS_RANGE)
PLAYERS = ",".join(defaults.PLAYERS)
PARTNERS = ",".join(defaults.PARTNERS)

StartScenario = Annotated[
    Path, typer.Argument(help="Scenario YAML file (its tariffs are the starting point).")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write tidy records (CSV or JSON).")
]
Baseline = Annotated[
    str | None, typer.Option("--baseline", "-b", help="Baseline name or path (overrides).")
]
BySector = Annotated[
    bool,
    typer.Option(
        "--by-sector/--uniform", help="One rate per sector, or one uniform rate (default)."
    ),
]
Sectors = Annotated[
    str | None,
    typer.Option("--sectors", help="Only these sectors get their own rate (implies --by-sector)."),
]
Bounds = Annotated[
    str, typer.Option("--bounds", help="Search box for every rate, e.g. 0,2 (0%-200%).")
]
Workers = Annotated[
    int,
    typer.Option("--workers", help="Local Dask workers for parallel searches; 0 runs in-process."),
]
Scheduler = Annotated[
    str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler.")
]


@strategy_app.command("optimal")
def optimal(
    scenario: StartScenario,
    country: str = typer.Option(
        ..., "--country", "-c", help="Country, or comma-separated coalition, setting tariffs."
    ),
    against: str | None = typer.Option(
        None, "--against", help="Partners the tariffs apply to (default: all others)."
    ),
    weights: str | None = typer.Option(
        None, "--weights", help="Coalition weights on welfare changes, e.g. CAN=2,MEX=1."
    ),
    by_sector: BySector = False,
    sectors: Sectors = None,
    bounds: Bounds = BOUNDS,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    baseline: Baseline = None,
    output: Output = None,
    wide: Wide = False,
) -> None:
    """Tariffs that maximise a country's (or coalition's) welfare, others' tariffs fixed.

    With several rates (--by-sector or a coalition) the gradient's coordinates run in parallel
    when --workers or --scheduler is given.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.policy.options import OptimalOptions
    from tradewinds.reporting.strategy import optimal_tables

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
    problem, result = _search(
        opts, scenario, baseline, ("optimal tariffs", "model solves"), workers, scheduler
    )
    out = console()
    closed = _closed_form(opts, problem, result)
    for table in optimal_tables(result, bounds=opts.bounds, closed_form=closed):
        print_table(out, table, wide=wide, drop=("note", "name", "against"))
    _write_records(out, result.to_records(), output)


def _search(
    opts: OptimalOptions | NashOptions,
    scenario: Path,
    baseline: str | None,
    what: tuple[str, str],
    workers: int,
    scheduler: str | None,
) -> tuple[TariffProblem, Any]:
    """The tariff problem of ``scenario`` and ``opts.run`` on it, under a progress bar."""
    from tradewinds.cli._common import progress_bar
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import tariff_problem

    problem, _ = tariff_problem(load_scenario(scenario), baseline)
    with progress_bar(*what) as update, _mapper(workers, scheduler) as mapper:
        return problem, opts.run(problem, mapper, update)


def _closed_form(opts: OptimalOptions, problem: TariffProblem, result: Any) -> Any:
    """The closed-form optimal uniform tariff, when the search is the textbook case.

    One country's one uniform rate on every partner in a one-sector model with one elasticity
    (else None).
    """
    from tradewinds.core import dims
    from tradewinds.policy.optimal import uniform_tariff_formula

    instruments = opts.instruments(problem)
    inst = instruments[0]
    if (
        len(instruments) == 1
        and inst.sectors is None
        and problem.eps is not None
        and problem.tariff.sizes[dims.SECTOR] == 1
        and len(inst.against) == len(problem.countries) - 1
    ):
        tariff = inst.apply(problem.tariff, result.values)
        return uniform_tariff_formula(result.equilibrium, tariff, inst.country, problem.eps)
    return None


def _write_records(out: Console, records: pd.DataFrame, output: Path | None) -> None:
    """Write ``--output`` (if given) and say so."""
    from tradewinds.cli._common import write_records

    if output is not None:
        write_records(records, output)
        out.print(f"Wrote {output}")


@strategy_app.command("nash")
def nash(
    scenario: StartScenario,
    players: str = typer.Option(PLAYERS, "--players", help="Comma-separated players."),
    against_all: bool = typer.Option(
        False, "--against-all", help="Players set tariffs on every country, not just each other."
    ),
    by_sector: BySector = False,
    sectors: Sectors = None,
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
    bounds: Bounds = BOUNDS,
    workers: Workers = 0,
    scheduler: Scheduler = None,
    baseline: Baseline = None,
    output: Output = None,
    wide: Wide = False,
) -> None:
    """Iterate best responses of PLAYERS until none gains more than --tol, or report a cycle."""
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.core.errors import ConvergenceError
    from tradewinds.core.solver import SolverReport
    from tradewinds.policy.options import NashOptions
    from tradewinds.reporting.strategy import nash_tables

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
    _, result = _search(
        opts, scenario, baseline, ("tariff war", "best responses"), workers, scheduler
    )
    out = console()
    for table in nash_tables(result):
        print_table(out, table, wide=wide, drop=("name", "against"))
    _write_records(out, result.to_records(), output)
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
    partners: str = typer.Option(PARTNERS, "--partners", help="The two partners (row, column)."),
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
        EPS_RANGE, "--eps-range", help="Draws are uniform on this elasticity range."
    ),
    workers: Workers = 0,
    scheduler: Scheduler = None,
    baseline: Baseline = None,
    output: Output = None,
    html: Path | None = typer.Option(
        None, "--html", help="Write a self-contained HTML chart (.html or .htm)."
    ),
    wide: Wide = False,
) -> None:
    """The 4x4 game of two partners facing a threat: accept, alone, joint or deal.

    Unless --deal-rate (or the scenario's strategy.united_front.deal_rate) prices it, a
    separate deal lifts every new tariff on the partner at no cost, so (deal, deal) is always an
    equilibrium.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    check_output(html, (".html", ".htm"))
    from tradewinds.cli._common import solving
    from tradewinds.policy.united_front import united_front
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.strategy import tariff_problem, united_front_game

    pair = _codes(partners, "--partners")
    if len(pair) != 2:
        raise ScenarioError(f"--partners needs exactly two countries; got {pair}.")
    if retaliation not in ("mirror", "optimal"):
        raise ScenarioError(f"--retaliation must be mirror or optimal; got {retaliation!r}.")
    opts = _united_front_options(
        {
            "threatener": threatener,
            "partners": (pair[0], pair[1]),
            "retaliation": retaliation,
            "weights": _weights(weights),
            "deal_rate": deal_rate,
            "draws": draws,
            "seed": seed,
            "eps_range": _pair(eps_range, "--eps-range"),
        }
    )
    spec = load_scenario(scenario)
    options = united_front_game(spec, opts)  # --deal-rate, else the scenario's deal_rate
    problem, threat = tariff_problem(spec, baseline, status_quo="baseline")
    with solving("solving the 4x4 game"):
        game = united_front(problem, threat, **options)
    sens = _sensitivity(spec, baseline, opts, options, (workers, scheduler))
    _print_united_front(game, sens, spec.title, output, html, wide)


def _united_front_options(values: dict[str, Any]) -> UnitedFrontOptions:
    """The game's options, checked; ``--draws`` against the CLI's bound when there are draws."""
    from tradewinds.core.limits import MAX_DRAWS, check_count
    from tradewinds.policy.options import UnitedFrontOptions

    opts = UnitedFrontOptions.parse(values, _flag)
    if opts.draws > 0:  # 0 = no sensitivity; the API's own, tighter bound is checked there
        check_count(opts.draws, "--draws", name="MAX_DRAWS", default=MAX_DRAWS, what="draw")
    return opts


def _sensitivity(
    spec: Scenario,
    baseline: str | None,
    opts: UnitedFrontOptions,
    options: dict[str, Any],
    where: tuple[int, str | None],
) -> Sensitivity | None:
    """The game solved again at ``--draws`` elasticities drawn in ``--eps-range`` (None: 0).

    ``where`` is ``(--workers, --scheduler)``.
    """
    if opts.draws <= 0:
        return None
    from tradewinds.cli._common import progress_bar
    from tradewinds.policy.united_front import draw_elasticities
    from tradewinds.scenarios.strategy import united_front_sensitivity

    eps = draw_elasticities(opts.draws, opts.seed, *opts.eps_range)
    if baseline is not None:
        spec = spec.model_copy(update={"baseline": baseline})
    with progress_bar("elasticity draws", "draws") as update, _mapper(*where) as mapper:
        return united_front_sensitivity(spec, list(eps), mapper=mapper, progress=update, **options)


def _print_united_front(
    game: UnitedFront,
    sens: Sensitivity | None,
    title: str,
    output: Path | None,
    html: Path | None,
    wide: bool,
) -> None:
    """The game's tables and the draws that failed; write ``--output`` and ``--html``."""
    import pandas as pd

    from tradewinds.cli._common import console
    from tradewinds.cli._display import print_table
    from tradewinds.reporting.strategy import united_front_html, united_front_tables

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
        _write_records(out, records, output)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(united_front_html(game, title=title, frequencies=freq), "utf-8")
        out.print(f"Wrote {html}")
