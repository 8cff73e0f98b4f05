"""``tradewinds montecarlo``: trade-elasticity uncertainty as percentile bands, on Dask."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tradewinds.cli._display import SORT_HELP
from tradewinds.cli.sweep import (
    BASELINE_OPTION,
    SCHEDULER_OPTION,
    STORE_OPTION,
    WIDE_OPTION,
    WORKERS_OPTION,
)
from tradewinds.core.errors import TradewindsError

if TYPE_CHECKING:
    from tradewinds.scenarios.distributions import ElasticityPrior
    from tradewinds.scenarios.schema import Scenario

FIRST = ("CAN", "MEX", "USA")


class NoDrawConvergedError(TradewindsError, RuntimeError):
    """Every Monte Carlo draw failed; exits like a convergence failure."""

    exit_code = 4
    http_status = 500


def register(app: typer.Typer) -> None:
    """Add the ``montecarlo`` command."""
    app.command("montecarlo")(montecarlo)


def montecarlo(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    draws: int = typer.Option(1000, "--draws", "-n", help="Number of draws."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same draws."),
    eps_mean: float | None = typer.Option(
        None, "--eps-mean", help="One-elasticity models: mean of eps (default 4)."
    ),
    eps_sd: float | None = typer.Option(
        None, "--eps-sd", help="One-elasticity models: standard deviation of eps (default 1)."
    ),
    eps_low: float | None = typer.Option(None, "--eps-low", help="Lower truncation (default 1)."),
    eps_high: float | None = typer.Option(
        None, "--eps-high", help="Upper truncation (default 12)."
    ),
    sets: str | None = typer.Option(
        None,
        "--sets",
        help="Multi-sector model: elasticity sets to draw over in turn, e.g. "
        "'cp2015,bw2006,hauk2012,{uniform: 5}' (YAML values).",
    ),
    spread: float | None = typer.Option(
        None,
        "--spread",
        help="Multi-sector model: standard deviation of log theta around each set's sector "
        "values (log-normal; default 0 with --sets). Alone, spreads the scenario's own set.",
    ),
    baseline: str | None = BASELINE_OPTION,
    workers: int | None = WORKERS_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Draws per Dask task (default: about 4 tasks per worker)."
    ),
    bilateral: bool = typer.Option(
        False, "--bilateral/--no-bilateral", help="Also keep every bilateral flow of every draw."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the bands of every output record (CSV/JSON)."
    ),
    all_countries: bool = typer.Option(False, "--all", help="Show every country."),
    sort: str = typer.Option("size", "--sort", help=SORT_HELP),
    wide: bool = WIDE_OPTION,
    store: Path | None = STORE_OPTION,
    force: bool = typer.Option(False, "--force", help="Solve again even if stored."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not read or write the store."),
) -> None:
    """Draw trade elasticities, solve SCENARIO for each draw, and report 5/50/95% bands.

    One-elasticity models draw eps from a normal(4, 1) truncated to [1, 12]; models with
    per-sector elasticities draw each from its Caliendo-Parro (2015) standard error. See
    docs/sweeps.md for the sources.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._common import console, open_store, progress_bar, read_text, write_records
    from tradewinds.cli._display import BAND_DROP, bands_table, failures_table, print_table
    from tradewinds.core.limits import MAX_DRAWS, check_count
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.cluster import check_chunk_size, dask_client
    from tradewinds.scenarios.montecarlo import run_montecarlo

    # Before a cluster starts or the store opens (run_montecarlo checks again for other callers).
    check_count(draws, "--draws", name="MAX_DRAWS", default=MAX_DRAWS, what="draw")
    check_chunk_size(chunk_size)
    spec = load_scenario(scenario)
    custom = {"mean": eps_mean, "sd": eps_sd, "low": eps_low, "high": eps_high}
    prior = _user_prior(spec, custom)
    if sets is not None or spread is not None:
        prior = _set_prior(spec, baseline, sets, spread, prior is not None)
    sink = open_store(store, enabled=not no_store)
    from tradewinds.scenarios.cluster import choose_workers, time_one_solve

    workers = choose_workers(workers, scheduler, draws + 1, lambda: time_one_solve(spec, baseline))
    with progress_bar("Monte Carlo", "draws") as update, dask_client(workers, scheduler) as client:
        result = run_montecarlo(
            spec,
            draws=draws,
            seed=seed,
            prior=prior,
            text=read_text(scenario),
            baseline=baseline,
            sink=sink,
            force=force,
            client=client,
            bilateral=bilateral,
            chunk_size=chunk_size,
            progress=update,
        )
    out = console()
    described = result.record.settings.get("prior", {})
    out.print(f"[dim]prior: {_describe(described)}[/]")
    table = bands_table(
        result.bands,
        title=f"{spec.title}: {result.converged} of {len(result.draws)} draws converged",
        first=FIRST,
        limit=None if all_countries else 15,
        sort=sort,
    )
    print_table(out, table, wide=wide, drop=BAND_DROP)
    if result.failed:
        failed = failures_table(result.draws, title="draws that did not solve")
        print_table(out, failed, wide=wide)
    if sink is not None:
        how = "served from the store; --force to solve again" if result.cached else "recorded"
        out.print(f"run id: [bold]{result.record.run_id}[/] ({how}; store {sink.directory})")
    if output is not None:
        write_records(result.bands, output)
        out.print(f"Wrote {output}")
    if result.converged == 0:
        raise NoDrawConvergedError(
            f"None of the {len(result.draws)} draws converged (see the table above); the run is "
            "recorded with status 'failed'. Check the scenario at its own parameters first."
        )


def _set_prior(
    spec: Scenario, baseline: str | None, sets: str | None, spread: float | None, eps: bool
) -> ElasticityPrior:
    """The prior of ``--sets``/``--spread`` (see :class:`~.distributions.SetSpread`)."""
    from tradewinds.core.errors import ScenarioError
    from tradewinds.core.inputs import parse_yaml
    from tradewinds.scenarios.distributions import set_prior
    from tradewinds.scenarios.execute import resolve_baseline

    if eps:
        raise ScenarioError("Give --eps-* (one elasticity) or --sets/--spread, not both.")
    if sets is None:
        own: Any = getattr(spec.model, "elasticities", None)
        choices: list[Any] = [own if isinstance(own, str | None) else own.model_dump()]
    else:
        parsed = parse_yaml(f"[{sets}]", f"--sets {sets!r}")
        if not isinstance(parsed, list) or not parsed:
            raise ScenarioError(f"--sets {sets!r}: give one or more set names, comma-separated.")
        choices = parsed
    ds, _ = resolve_baseline(spec, baseline)
    return set_prior(spec, ds, choices, 0.0 if spread is None else spread)


def _user_prior(spec: Scenario, custom: dict[str, float | None]) -> ElasticityPrior | None:
    """The prior the ``--eps-*`` options describe (None when none is given)."""
    from dataclasses import replace

    from tradewinds.core.errors import ScenarioError
    from tradewinds.scenarios.distributions import EPS_PRIOR, ScalarElasticity, TruncatedNormal

    if all(v is None for v in custom.values()):
        return None
    if "eps" not in type(spec.model).model_fields:
        raise ScenarioError(
            f"--eps-* options apply to models with one elasticity 'eps'; model "
            f"{spec.model.name!r} draws per-sector elasticities instead."
        )
    dist = replace(EPS_PRIOR, **{k: v for k, v in custom.items() if v is not None})
    return ScalarElasticity(distribution=TruncatedNormal(**vars(dist)), source="user-given")


def _describe(prior: dict[str, object]) -> str:
    if "sets" in prior:
        return (
            f"{prior.get('family')}: {', '.join(prior['sets'])}"  # type: ignore[arg-type]
            f"; log sd {prior.get('spread_log_sd')}"
        )
    if "sectors" in prior:
        return f"{prior.get('family')}, {len(prior['sectors'])} sectors"  # type: ignore[arg-type]
    keys = ("parameter", "family", "mean", "sd", "low", "high")
    return ", ".join(f"{k}={prior[k]}" for k in keys if k in prior)
