"""``tradewinds montecarlo``: trade-elasticity uncertainty as percentile bands, on Dask."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tradewinds.cli._options import (
    AllCountries,
    Baseline,
    Force,
    NoStore,
    ScenarioFile,
    Scheduler,
    Sort,
    Store,
    Wide,
    Workers,
)
from tradewinds.core.errors import TradewindsError

if TYPE_CHECKING:
    from tradewinds.scenarios.distributions import ElasticityPrior
    from tradewinds.scenarios.montecarlo import MonteCarloResult
    from tradewinds.scenarios.schema import Scenario
    from tradewinds.store import ResultsStore

FIRST = ("CAN", "MEX", "USA")


class NoDrawConvergedError(TradewindsError, RuntimeError):
    """Every Monte Carlo draw failed; exits like a convergence failure."""

    exit_code = 4
    http_status = 500


def register(app: typer.Typer) -> None:
    """Add the ``montecarlo`` command."""
    app.command("montecarlo")(montecarlo)


def montecarlo(
    scenario: ScenarioFile,
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
    baseline: Baseline = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    chunk_size: int | None = typer.Option(
        None, "--chunk-size", help="Draws per Dask task (default: about 4 tasks per worker)."
    ),
    bilateral: bool = typer.Option(
        False, "--bilateral/--no-bilateral", help="Also keep every bilateral flow of every draw."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the bands of every output record (CSV/JSON)."
    ),
    all_countries: AllCountries = False,
    sort: Sort = "size",
    wide: Wide = False,
    store: Store = None,
    force: Force = False,
    no_store: NoStore = False,
) -> None:
    """Draw trade elasticities, solve SCENARIO for each draw, and report 5/50/95% bands.

    One-elasticity models draw eps from a normal(4, 1) truncated to [1, 12]; models with
    per-sector elasticities draw each from its Caliendo-Parro (2015) standard error. See
    docs/sweeps.md for the sources.
    """
    from tradewinds.cli._common import check_output

    check_output(output)
    from tradewinds.cli._many import ManyRuns
    from tradewinds.core.limits import MAX_DRAWS, check_count
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.cluster import check_chunk_size
    from tradewinds.scenarios.montecarlo import run_montecarlo

    # Before a cluster starts or the store opens (run_montecarlo checks again for other callers).
    check_count(draws, "--draws", name="MAX_DRAWS", default=MAX_DRAWS, what="draw")
    check_chunk_size(chunk_size)
    spec = load_scenario(scenario)
    custom = {"mean": eps_mean, "sd": eps_sd, "low": eps_low, "high": eps_high}
    prior = _user_prior(spec, custom)
    if sets is not None or spread is not None:
        prior = _set_prior(spec, baseline, sets, spread, prior is not None)
    many = ManyRuns(
        scenario, baseline, workers, scheduler, chunk_size, bilateral, store, no_store, force
    )
    draw = partial(run_montecarlo, spec, draws=draws, seed=seed, prior=prior)
    result, sink = many.run(draw, spec, draws + 1, "Monte Carlo", "draws")
    _print_bands(result, spec.title, sink, output, wide=wide, sort=sort, every=all_countries)


def _print_bands(
    result: MonteCarloResult,
    title: str,
    sink: ResultsStore | None,
    output: Path | None,
    *,
    wide: bool,
    sort: str,
    every: bool,
) -> None:
    """Print the prior, the bands, the draws that failed and the run id; write ``output``.

    The bands table shows CAN, MEX, USA and then, by ``sort``, the first 15 countries or
    ``every`` one.
    """
    from tradewinds.cli._common import console, write_records
    from tradewinds.cli._display import BAND_DROP, bands_table, failures_table, print_table
    from tradewinds.cli._many import print_run_id

    out = console()
    described = result.record.settings.get("prior", {})
    out.print(f"[dim]prior: {_describe(described)}[/]")
    bands = bands_table(
        result.bands,
        title=f"{title}: {result.converged} of {len(result.draws)} draws converged",
        first=FIRST,
        limit=None if every else 15,
        sort=sort,
    )
    print_table(out, bands, wide=wide, drop=BAND_DROP)
    if result.failed:
        failed = failures_table(result.draws, title="draws that did not solve")
        print_table(out, failed, wide=wide)
    print_run_id(out, result, sink)
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
