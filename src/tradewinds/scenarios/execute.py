"""The one execution path: a scenario in, a recorded run out, served from the store when it can be.

Every front end runs a scenario through :func:`execute`: ``tradewinds run``, ``compare`` and
``report``, the API's runs and jobs (``api/worker.py``), the dashboard's explorer (through the
API's job) and the corridor and diversification questions; sweeps and Monte Carlo build their
records with :func:`describe`. The steps:

1. **Identity.** The run's cache key (:func:`~tradewinds.scenarios.recording.cache_key`) comes
   from the scenario's digest and the baseline's identity. For a bundled baseline the identity
   is read from the user cache (:func:`tradewinds.data.arrays.bundled_identity`), without its
   arrays or numpy; any other baseline is loaded and hashed.
2. **Lookup.** The caller's sink (a :class:`~tradewinds.scenarios.recording.ResultsSink`, the
   :class:`~tradewinds.store.ResultsStore`) is asked for the key
   (:meth:`~tradewinds.scenarios.recording.ResultsSink.lookup`); the store answers from its
   JSON index without DuckDB, pandas or numpy while the index matches the database.
3. **Solve.** A one-sector scenario on a bundled one-sector baseline (explicit shocks or
   ``tariffs_as_of``, no retaliation or gravity trade costs) is solved on the cached arrays
   (:mod:`tradewinds.data.arrays`) by the model's own array solver; its records come from
   :func:`tradewinds.models.equilibrium.record_columns`, the functions
   :meth:`~tradewinds.models.equilibrium.Equilibrium.to_records` uses. Everything else goes
   through :func:`~tradewinds.scenarios.runner.run_scenario` on the labelled baseline. Both
   build their shocks with :func:`~tradewinds.scenarios.shock_cells.shock_arrays`.
4. **Record.** The :class:`RunRecord` and its tidy results go to the sink in one transaction; a
   run that fails to converge is recorded as ``failed`` and its error raised.

The records of a run are kept as plain columns until a caller asks for a frame
(:attr:`RunResult.records`), so a store hit and an array solve print without pandas.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tradewinds.core.canonical import to_json
from tradewinds.core.errors import ConvergenceError
from tradewinds.data.arrays import BaselineIdentity, bundled_identity
from tradewinds.scenarios.identity import ScenarioFile
from tradewinds.scenarios.recording import (
    RECORD_COLUMNS,
    Columns,
    ResultsSink,
    RunRecord,
    cache_key,
    new_run_id,
    plain_params,
    yaml_text,
)

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from tradewinds.core.solver import SolverReport
    from tradewinds.data.arrays import BaselineArrays
    from tradewinds.models.equilibrium import Equilibrium
    from tradewinds.scenarios.schema import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """A run as the front ends see it, fresh or from the store.

    Attributes
    ----------
    record
        The run's :class:`RunRecord` (``run_id`` is set even without a store).
    tidy
        Its tidy results, as a frame or as plain columns; read :attr:`records` or
        :attr:`columns`.
    cached
        Whether the answer came from the store rather than a new solve.
    equilibrium
        The solved equilibrium when the labelled runner solved it; ``None`` when served from
        the store or solved on arrays.
    report
        The solver's report of a fresh solve; ``None`` when served from the store (its
        ``record.solver`` holds it).
    """

    record: RunRecord
    tidy: pd.DataFrame | Columns
    cached: bool = False
    equilibrium: Equilibrium | None = None
    report: SolverReport | None = None

    @functools.cached_property
    def records(self) -> pd.DataFrame:
        """Tidy results (``Equilibrium.to_records()``) as a frame."""
        if not isinstance(self.tidy, Mapping):
            return self.tidy
        import pandas as pd

        frame = pd.DataFrame({name: list(self.tidy[name]) for name in RECORD_COLUMNS})
        frame["value"] = frame["value"].astype(float)
        return frame

    @functools.cached_property
    def columns(self) -> Columns:
        """Tidy results as plain columns (no pandas when the run came as columns)."""
        if isinstance(self.tidy, Mapping):
            return self.tidy
        return {name: self.tidy[name].tolist() for name in RECORD_COLUMNS}

    @property
    def run_id(self) -> str:
        """The run id."""
        return self.record.run_id

    @property
    def units(self) -> str:
        """Money unit of the levels in the results."""
        return str(self.record.baseline_attrs.get("units", ""))


def resolve_baseline(
    scenario: Scenario | ScenarioFile, baseline: xr.Dataset | str | None
) -> tuple[xr.Dataset, str]:
    """The baseline dataset and the name it goes by (``baseline`` overrides the scenario's)."""
    if baseline is not None and not isinstance(baseline, str):
        return baseline, str(baseline.attrs.get("source", "dataset"))
    from tradewinds.data.loaders import load_baseline

    name = baseline or scenario.baseline
    return load_baseline(name), str(name)


def identity_of(ds: xr.Dataset) -> BaselineIdentity:
    """A loaded baseline's labels, attrs and content hash (its identity in the store)."""
    from tradewinds.core import dims
    from tradewinds.data.identity import baseline_attrs, baseline_digest

    return BaselineIdentity(
        countries=tuple(str(c) for c in ds[dims.EXPORTER].values),
        sectors=tuple(str(s) for s in ds[dims.SECTOR].values),
        attrs=baseline_attrs(ds),
        digest=baseline_digest(ds),
    )


def describe(
    scenario: Scenario | ScenarioFile,
    *,
    text: str | None,
    baseline: xr.Dataset | BaselineIdentity,
    baseline_name: str,
    run_id: str | None = None,
    kind: str = "run",
) -> RunRecord:
    """A :class:`RunRecord` skeleton for a run of ``scenario`` on ``baseline`` (not yet solved).

    ``scenario`` may be a file's :class:`~tradewinds.scenarios.identity.ScenarioFile`: the
    record is made from its canonical form, without the schema's classes.
    """
    identity = baseline if isinstance(baseline, BaselineIdentity) else identity_of(baseline)
    digest = scenario.digest()
    canonical = scenario.canonical()
    return RunRecord(
        run_id=run_id or new_run_id(),
        kind=kind,  # type: ignore[arg-type]
        title=scenario.title,
        scenario_hash=digest,
        scenario_yaml=text if text is not None else yaml_text(canonical),
        scenario_json=to_json(canonical),
        baseline=baseline_name,
        baseline_hash=identity.digest,
        baseline_attrs=identity.attrs,
        model=str(canonical["model"]["name"]),
        params=plain_params(canonical["model"]),
        cache_key=cache_key("run", digest, identity.digest),
    )


@dataclass
class _Baseline:
    """The baseline of a run: its name and identity, and the dataset once it is loaded."""

    name: str
    identity: BaselineIdentity
    dataset: xr.Dataset | None = None

    @classmethod
    def of(cls, scenario: Scenario | ScenarioFile, baseline: xr.Dataset | str | None) -> _Baseline:
        """A bundled name's identity from the user cache; any other baseline loaded."""
        if baseline is None or isinstance(baseline, str):
            name = str(baseline or scenario.baseline)
            identity = bundled_identity(name)
            if identity is not None:
                return cls(name, identity)
        ds, name = resolve_baseline(scenario, baseline)
        return cls(name, identity_of(ds), ds)


@dataclass(frozen=True)
class _Solved:
    """What a solve gives the record: results, report, parameters and step timings."""

    tidy: pd.DataFrame | Columns
    report: SolverReport
    params: dict[str, Any]
    timings: dict[str, float]
    equilibrium: Equilibrium | None = None


def execute(
    scenario: Scenario | ScenarioFile,
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
        A parsed, frozen scenario, or a file as read
        (:func:`~tradewinds.scenarios.identity.read_scenario_file`: validated only when it
        is solved); its ``digest()`` identifies it.
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
    base = _Baseline.of(scenario, baseline)
    skeleton = describe(scenario, text=text, baseline=base.identity, baseline_name=base.name)
    if sink is not None and not force:
        found = sink.lookup(skeleton.cache_key)
        if found is not None:
            log.info("serving %r from the store (run %s)", scenario.title, found[0].run_id)
            _warn_past_coverage(scenario)
            return RunResult(record=found[0], tidy=found[1], cached=True)
    try:
        solved = _solve(scenario.scenario if isinstance(scenario, ScenarioFile) else scenario, base)
    except ConvergenceError as exc:
        failed = replace(
            skeleton,
            status="failed",
            error=str(exc),
            solver=exc.report.to_dict(),
            timings={"total": time.perf_counter() - t0},
        )
        if sink is not None:
            sink.record(failed)
        raise
    record = replace(
        skeleton,
        params=plain_params(solved.params) or skeleton.params,
        solver=solved.report.to_dict(),
        timings={**solved.timings, "total": time.perf_counter() - t0},
    )
    result = RunResult(record, solved.tidy, False, solved.equilibrium, solved.report)
    if sink is not None:
        sink.record(record, result.records)
    return result


def _warn_past_coverage(scenario: Scenario | ScenarioFile) -> None:
    """The registry's coverage warning for a run served from the store.

    A solve warns as it reads the registry; a stored run must say the same.
    """
    data = scenario.data if isinstance(scenario, ScenarioFile) else scenario.canonical()
    date = data["shocks"].get("tariffs_as_of")
    if not date:
        return
    from tradewinds.core.dates import parse_date
    from tradewinds.measures.fields import check_registry_date
    from tradewinds.measures.registry_files import packaged_coverage

    coverage, questions = packaged_coverage()
    check_registry_date(parse_date(date, "shocks.tariffs_as_of"), coverage, questions)


def _on_arrays(scenario: Scenario, base: _Baseline) -> bool:
    """Whether ``scenario`` is solved on the cached arrays of a bundled one-sector baseline."""
    from tradewinds.scenarios.schema import OneSectorSpec

    shocks = scenario.shocks
    return (
        base.dataset is None
        and isinstance(scenario.model, OneSectorSpec)
        and len(base.identity.sectors) == 1
        and not shocks.retaliation
        and all(tc.from_gravity is None for tc in shocks.trade_costs)
    )


def _solve(scenario: Scenario, base: _Baseline) -> _Solved:
    """Solve on the cached arrays where the scenario allows it, else with the labelled runner."""
    t0 = time.perf_counter()
    if _on_arrays(scenario, base):
        from tradewinds.data.arrays import bundled_arrays

        arrays = bundled_arrays(base.name)
        assert arrays is not None  # the identity of a bundled name was found
        t_base = time.perf_counter()
        return _solve_arrays(scenario, arrays, {"baseline": t_base - t0})
    from tradewinds.scenarios.runner import run_scenario

    ds = base.dataset if base.dataset is not None else resolve_baseline(scenario, base.name)[0]
    t_base = time.perf_counter()
    eq = run_scenario(scenario, ds)
    if not eq.report.converged:  # a solver must raise; never record such an answer as ok
        raise ConvergenceError(f"{eq.model} returned an unconverged answer", eq.report)
    t_solve = time.perf_counter()
    records = eq.to_records()
    timings = {
        "baseline": t_base - t0,
        "solve": t_solve - t_base,
        "solver": eq.report.seconds,
        "records": time.perf_counter() - t_solve,
    }
    return _Solved(records, eq.report, dict(eq.params), timings, eq)


def _solve_arrays(scenario: Scenario, arrays: BaselineArrays, timings: dict[str, float]) -> _Solved:
    """The one-sector model on a bundled baseline's arrays, with the runner's checks.

    Raises as the runner does: :class:`~tradewinds.core.errors.ScenarioError` for a bad shock,
    :class:`~tradewinds.core.errors.ConvergenceError` for no or a non-finite answer.
    """
    import numpy as np

    from tradewinds.models.equilibrium import record_columns
    from tradewinds.models.onesector import OneSectorModel, outcomes, solve_arrays
    from tradewinds.scenarios.finite import check_finite_arrays
    from tradewinds.scenarios.schema import OneSectorSpec
    from tradewinds.scenarios.shock_cells import shock_arrays

    t0 = time.perf_counter()
    spec = scenario.model
    assert isinstance(spec, OneSectorSpec)
    labels = list(arrays.countries)
    axes = (labels, labels, list(arrays.sectors))
    tariff, cost = shock_arrays(scenario, labels, axes, arrays.tariff)
    model = OneSectorModel(eps=spec.eps, closure=spec.closure)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solved = solve_arrays(
            labels,
            arrays.trade[:, :, 0],
            arrays.tariff[:, :, 0],
            tariff[:, :, 0],
            cost[:, :, 0],
            model=model,
        )
        country, pairs = outcomes(*solved[:-1])
    report = solved[-1]
    check_finite_arrays({"country": country, "bilateral": pairs}, report, spec.model_dump)
    if not report.converged:  # a solver must raise; never record such an answer as ok
        raise ConvergenceError("one-sector returned an unconverged answer", report)
    t_solve = time.perf_counter()
    shape = arrays.trade.shape
    bilateral = {name: values.reshape(shape) for name, values in pairs.items()}
    columns = record_columns(labels, country, arrays.units, axes, bilateral)
    timings.update(solve=t_solve - t0, solver=report.seconds, records=time.perf_counter() - t_solve)
    params = {"eps": model.eps, "closure": model.closure, "tol": model.tol}
    return _Solved(columns, report, params, timings)


def fetch(sink: ResultsSink, run_id: str) -> RunResult:
    """A stored run as a :class:`RunResult`."""
    record = sink.get_run(run_id)
    return RunResult(record=record, tidy=sink.results(record.run_id), cached=True)
