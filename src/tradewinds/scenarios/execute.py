"""The recorded runner: one scenario in, a recorded run out, served from the store when it can be.

``tradewinds run``, ``compare`` and ``report``, the sweeps and the Monte Carlo all go through
:func:`run_scenario`; this module adds what a shared, replayable run needs around it: the
scenario text and hash, the baseline's identity and provenance, timings, the solver report, and
a cache lookup so that a scenario already solved on the same baseline by the same package
version is served from the store unless ``force=True``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, replace

import pandas as pd
import xarray as xr

from tradewinds.core.canonical import to_json
from tradewinds.core.errors import ConvergenceError
from tradewinds.data.identity import baseline_attrs, baseline_digest
from tradewinds.data.loaders import load_baseline
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.scenarios.recording import (
    ResultsSink,
    RunRecord,
    cache_key,
    new_run_id,
    plain_params,
    scenario_yaml,
)
from tradewinds.scenarios.runner import run_scenario
from tradewinds.scenarios.schema import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """A run as the front ends see it, fresh or from the store.

    Attributes
    ----------
    record
        The run's :class:`RunRecord` (``run_id`` is set even without a store).
    records
        Tidy results (``Equilibrium.to_records()``).
    cached
        Whether the answer came from the store rather than a new solve.
    equilibrium
        The solved equilibrium; ``None`` when served from the store.
    """

    record: RunRecord
    records: pd.DataFrame
    cached: bool = False
    equilibrium: Equilibrium | None = None

    @property
    def run_id(self) -> str:
        """The run id."""
        return self.record.run_id

    @property
    def units(self) -> str:
        """Money unit of the levels in the results."""
        return str(self.record.baseline_attrs.get("units", ""))


def resolve_baseline(
    scenario: Scenario, baseline: xr.Dataset | str | None
) -> tuple[xr.Dataset, str]:
    """The baseline dataset and the name it goes by (``baseline`` overrides the scenario's)."""
    if isinstance(baseline, xr.Dataset):
        return baseline, str(baseline.attrs.get("source", "dataset"))
    name = baseline or scenario.baseline
    return load_baseline(name), str(name)


def describe(
    scenario: Scenario,
    *,
    text: str | None,
    baseline: xr.Dataset,
    baseline_name: str,
    run_id: str | None = None,
    kind: str = "run",
) -> RunRecord:
    """A :class:`RunRecord` skeleton for a run of ``scenario`` on ``baseline`` (not yet solved)."""
    digest = scenario.digest()
    base_hash = baseline_digest(baseline)
    return RunRecord(
        run_id=run_id or new_run_id(),
        kind=kind,  # type: ignore[arg-type]
        title=scenario.title,
        scenario_hash=digest,
        scenario_yaml=text if text is not None else scenario_yaml(scenario),
        scenario_json=to_json(scenario.canonical()),
        baseline=baseline_name,
        baseline_hash=base_hash,
        baseline_attrs=baseline_attrs(baseline),
        model=scenario.model.name,
        params=plain_params(scenario.model.model_dump(mode="json")),
        cache_key=cache_key("run", digest, base_hash),
    )


def execute(
    scenario: Scenario,
    *,
    text: str | None = None,
    baseline: xr.Dataset | str | None = None,
    sink: ResultsSink | None = None,
    force: bool = False,
) -> RunResult:
    """Solve ``scenario`` (or serve it from ``sink``) and record the run.

    Parameters
    ----------
    scenario
        A parsed, frozen scenario; its :meth:`~Scenario.digest` identifies it.
    text
        The scenario file as written (stored verbatim); defaults to YAML of the canonical form.
    baseline
        Overrides the scenario's baseline (a dataset, bundled name or path).
    sink
        Where to look up and record runs; ``None`` runs without a store.
    force
        Solve even if the store holds this exact run.

    A run that fails to converge is recorded with status ``failed`` and its solver report, and
    the :class:`~tradewinds.core.errors.ConvergenceError` is raised.
    """
    t0 = time.perf_counter()
    ds, name = resolve_baseline(scenario, baseline)
    t_base = time.perf_counter()
    skeleton = describe(scenario, text=text, baseline=ds, baseline_name=name)
    if sink is not None and not force:
        indexed = getattr(sink, "indexed_run", None)  # a hit without opening the database
        served = indexed(skeleton.cache_key) if indexed is not None else None
        if served is not None:
            log.info("serving %r from the store index (run %s)", scenario.title, served[0].run_id)
            return RunResult(record=served[0], records=served[1], cached=True)
        reading = getattr(sink, "reading", contextlib.nullcontext)  # one connection for a hit
        with reading():
            hit = sink.find_cached(skeleton.cache_key)
            if hit is not None:
                log.info("serving %r from the store (run %s)", scenario.title, hit)
                return RunResult(record=sink.get_run(hit), records=sink.results(hit), cached=True)
    try:
        eq = run_scenario(scenario, ds)
        if not eq.report.converged:  # a solver must raise; never record such an answer as ok
            raise ConvergenceError(f"{eq.model} returned an unconverged answer", eq.report)
    except ConvergenceError as exc:
        failed = replace(
            skeleton,
            status="failed",
            error=str(exc),
            solver=exc.report.to_dict(),
            timings={"baseline": t_base - t0, "total": time.perf_counter() - t0},
        )
        if sink is not None:
            sink.record(failed)
        raise
    t_solve = time.perf_counter()
    records = eq.to_records()
    t_rec = time.perf_counter()
    record = replace(
        skeleton,
        params=plain_params(eq.params) or skeleton.params,
        solver=eq.report.to_dict(),
        timings={
            "baseline": t_base - t0,
            "solve": t_solve - t_base,
            "solver": eq.report.seconds,
            "records": t_rec - t_solve,
        },
    )
    record.timings["total"] = time.perf_counter() - t0
    if sink is not None:
        sink.record(record, records)
    return RunResult(record=record, records=records, cached=False, equilibrium=eq)


def fetch(sink: ResultsSink, run_id: str) -> RunResult:
    """A stored run as a :class:`RunResult`."""
    record = sink.get_run(run_id)
    return RunResult(record=record, records=sink.results(record.run_id), cached=True)
