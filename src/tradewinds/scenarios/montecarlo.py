"""Monte Carlo over trade elasticities: draws on Dask, percentile bands, one parent run.

The parent run records the scenario at its own parameters (the central answer, with bilateral
flows) and the 5/50/95 percentile bands, mean and standard deviation of every output record
over the converged draws. Each draw is a child run of kind ``draw`` holding its drawn parameters
(in ``settings``), solver report, status and results; a draw that fails is recorded with its
parameters and error and counted, never dropped. The distributions are in
:mod:`tradewinds.scenarios.distributions`.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core.errors import ScenarioError
from tradewinds.scenarios.batch import BatchResult
from tradewinds.scenarios.cluster import Progress, run_draws
from tradewinds.scenarios.distributions import ElasticityPrior, default_prior
from tradewinds.scenarios.execute import describe, resolve_baseline
from tradewinds.scenarios.recording import (
    KEY_COLUMNS,
    ResultsSink,
    RunRecord,
    cache_key,
    child_id,
    plain_params,
)
from tradewinds.scenarios.runner import run_scenario
from tradewinds.scenarios.schema import Scenario
from tradewinds.scenarios.sweeps import long_results

#: Percentiles reported for every output.
PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo run: parent record, central answer, bands and the draws' records."""

    record: RunRecord
    central: pd.DataFrame
    bands: pd.DataFrame
    draws: list[RunRecord]
    cached: bool = False

    @property
    def failed(self) -> list[RunRecord]:
        """Draws that did not solve, with their parameters in ``settings``."""
        return [d for d in self.draws if d.status != "ok"]

    @property
    def converged(self) -> int:
        """Number of draws that solved."""
        return len(self.draws) - len(self.failed)


def percentile_bands(batch: BatchResult) -> pd.DataFrame:
    """p05/p50/p95, mean, sd and count of every record over the successful draws.

    Non-finite values (a percent change of a zero flow) are ignored per record; ``n`` counts
    the finite ones.
    """
    frames = []
    for k, keys in enumerate(batch.layouts):
        values = [d.values for d in batch.draws if d.layout == k and d.values is not None]
        if not values:
            continue
        mat = np.stack(values)
        finite = np.isfinite(mat)
        n = finite.sum(axis=0)
        # one frame from whole columns (adding them one by one cost more than the bands)
        frame: dict[str, Any] = {col: keys[col] for col in KEY_COLUMNS}
        with np.errstate(all="ignore"):
            if finite.all():
                pct = np.percentile(mat, PERCENTILES, axis=0)
                mean = mat.mean(axis=0)
                sd = mat.std(axis=0, ddof=1) if len(values) > 1 else np.full(mat.shape[1], np.nan)
            else:
                masked = np.where(finite, mat, np.nan)
                # A record with no finite draw (the change of a flow that is zero in the
                # baseline) gets NaN bands and n = 0; numpy's warnings about it say nothing new.
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    pct = np.nanpercentile(masked, PERCENTILES, axis=0)
                    mean = np.nanmean(masked, axis=0)
                    sd = np.nanstd(masked, axis=0, ddof=1)
        for q, row in zip(PERCENTILES, pct, strict=True):
            frame[f"p{q:02d}"] = row
        frame["mean"] = mean
        frame["sd"] = sd
        frame["n"] = n.astype(int)
        frames.append(pd.DataFrame(frame))
    columns = [*KEY_COLUMNS, "p05", "p50", "p95", "mean", "sd", "n"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _draw_records(parent: RunRecord, batch: BatchResult) -> list[RunRecord]:
    """The record of each draw: the parent's, with the draw's parameters, solver and status."""
    out = []
    for outcome in batch.draws:
        values = plain_params(outcome.params)
        out.append(
            replace(
                parent,
                run_id=child_id(parent.run_id, "d", outcome.index),
                parent_id=parent.run_id,
                kind="draw",
                title=f"{parent.title} [draw {outcome.index}]",
                scenario_yaml="",
                params={**parent.params, **values},
                settings=dict(values),
                solver=outcome.solver,
                status=outcome.status,
                error=outcome.error,
                timings={"solve": outcome.seconds, "cpu": outcome.cpu_seconds},
                cache_key="",
                baseline_attrs={},
            )
        )
    return out


def run_montecarlo(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    prior: ElasticityPrior | None = None,
    text: str | None = None,
    baseline: xr.Dataset | str | None = None,
    sink: ResultsSink | None = None,
    force: bool = False,
    client: Any = None,
    bilateral: bool = False,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Solve ``draws`` elasticity draws of ``scenario`` and summarise them in bands.

    ``prior`` defaults to :func:`~.distributions.default_prior` for the scenario's model and
    baseline. ``bilateral`` also keeps every bilateral flow of every draw (large: 194 countries
    give about 51,000 records per draw). ``client`` as in :func:`~.sweeps.run_sweep`.
    """
    from tradewinds.core.limits import MAX_DRAWS, check_count
    from tradewinds.scenarios.cluster import check_chunk_size

    check_count(draws, "--draws", name="MAX_DRAWS", default=MAX_DRAWS, what="draw")
    check_chunk_size(chunk_size)
    if not 0 <= seed < 2**32:
        raise ScenarioError(f"--seed {seed}: give a seed from 0 to 2**32 - 1.")
    t0 = time.perf_counter()
    ds, name = resolve_baseline(scenario, baseline)
    prior = prior or default_prior(scenario, ds)
    parent = describe(scenario, text=text, baseline=ds, baseline_name=name, kind="montecarlo")
    settings = {
        "draws": draws,
        "seed": seed,
        "prior": prior.describe(),
        "bilateral": bilateral,
        "percentiles": list(PERCENTILES),
    }
    key = cache_key("montecarlo", parent.scenario_hash, parent.baseline_hash, **settings)
    parent = replace(parent, cache_key=key, settings=settings)
    if sink is not None and not force:
        hit = sink.find_cached(key)
        if hit is not None:
            return MonteCarloResult(
                record=sink.get_run(hit),
                central=sink.results(hit),
                bands=sink.bands(hit),
                draws=sink.children(hit),
                cached=True,
            )
    central = run_scenario(scenario, ds)
    central_records = central.to_records()
    specs = prior.draws(draws, seed)
    t1 = time.perf_counter()
    batch = run_draws(
        client, ds, scenario, specs, bilateral=bilateral, chunk_size=chunk_size, progress=progress
    )
    t2 = time.perf_counter()
    children = _draw_records(parent, batch)
    ids = {d.index: c.run_id for d, c in zip(batch.draws, children, strict=True)}
    bands = percentile_bands(batch)
    results = long_results(batch, ids)
    ok = sum(1 for c in children if c.status == "ok")
    parent = replace(
        parent,
        solver=central.report.to_dict(),
        params=plain_params(central.params) or parent.params,
        status="ok" if ok else "failed",
        error="" if ok else f"none of the {draws} draws converged",
        settings={**settings, "converged": ok, "failed": draws - ok},
        timings={
            "prepare": t1 - t0,
            "draws": t2 - t1,
            "collect": time.perf_counter() - t2,
            "total": time.perf_counter() - t0,
        },
    )
    if sink is not None:
        sink.record(
            parent,
            central_records,
            children=children,
            child_results=results,
            bands=bands,
        )
    return MonteCarloResult(
        record=parent,
        central=central_records,
        bands=bands,
        draws=children,
        cached=False,
    )
