"""The body of a job, run in a worker process: the same runners and recorders as the CLI.

Each job runner of the API keeps one warm worker process, forked from a ``forkserver`` that has
already imported the numerical stack (:data:`PRELOAD`). The worker runs the jobs sent over its
pipe one after another, reports progress and answers, and checks a cancel flag between solves
or draws; the parent ends the process at once when a job must stop now (a results store
survives that: each run is one DuckDB transaction) and starts a fresh one for the next job.
Running jobs in processes keeps the API's own threads free: a Monte Carlo never holds the GIL
that a duty request needs.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import TradewindsError
from tradewinds.policy.defaults import BOUNDS

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.synchronize import Event

    import pandas as pd

    from tradewinds.api.inputs import ScenarioInput
    from tradewinds.policy.problem import TariffProblem
    from tradewinds.scenarios.schema import Scenario

#: Modules the forkserver imports once, so that each job's process starts warm.
PRELOAD = [
    "tradewinds.api.worker",
    "tradewinds.api.inputs",
    "tradewinds.scenarios.execute",
    "tradewinds.scenarios.montecarlo",
    "tradewinds.scenarios.strategy",
    "tradewinds.store",
    "tradewinds.api._warm",
]


class JobCancelled(Exception):
    """Raised inside a job when its cancel flag is set."""


@dataclass(frozen=True)
class JobSpec:
    """What a job does: its kind, its scenario and options (picklable)."""

    kind: str
    scenario: ScenarioInput
    store: Path | None = None
    scheduler: str | None = None
    bilateral: bool = False
    draws: int | None = None
    seed: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


def error_payload(exc: BaseException) -> dict[str, Any]:
    """The API error shape of an exception raised inside a job."""
    if isinstance(exc, TradewindsError):
        return {
            "error": type(exc).__name__,
            "message": exc.message.splitlines()[0] if exc.message else type(exc).__name__,
            "field": getattr(exc, "field", None),
            "status": int(getattr(exc, "status", exc.http_status)),
        }
    return {
        "error": "InternalError",
        "message": "The job failed with an internal error; the server log has the details.",
        "field": None,
        "status": 500,
    }


def serve(conn: Connection, cancel: Event) -> None:
    """Child-process entry point: run the jobs sent over ``conn`` one after another.

    For each job: progress messages, then one final message (``done``, ``failed`` or
    ``cancelled``). The process stays warm for the next job; the parent ends it when a job must
    be stopped at once.
    """
    import logging

    logging.getLogger("distributed").setLevel(logging.WARNING)
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        main(spec, conn, cancel)


def main(spec: JobSpec, conn: Connection, cancel: Event) -> None:
    """Run one job and send its progress and final message."""
    import logging

    def progress(done: int, total: int | None, unit: str) -> None:
        if cancel.is_set():
            raise JobCancelled
        conn.send(("progress", {"done": done, "total": total, "unit": unit}))

    try:
        if cancel.is_set():
            raise JobCancelled
        result = run(spec, progress)
        conn.send(("done", result))
    except JobCancelled:
        conn.send(("cancelled", None))
    except TradewindsError as exc:
        conn.send(("failed", error_payload(exc)))
    except Exception as exc:  # a bug: logged in full on the server, never sent to the client
        logging.getLogger(__name__).error("job failed:\n%s", traceback.format_exc())
        conn.send(("failed", error_payload(exc)))


Progress = Callable[[int, "int | None", str], None]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    import numpy as np

    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(clean.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in clean.to_dict(orient="records")]


def run(spec: JobSpec, progress: Progress) -> dict[str, Any]:
    """Run a job in this process and return its JSON-able result."""
    if spec.kind == "run":
        return _run(spec, progress)
    if spec.kind == "montecarlo":
        return _montecarlo(spec, progress)
    if spec.kind == "optimal-curve":
        return _curve(spec, progress)
    return _strategy(spec, progress)


def _sink(spec: JobSpec) -> Any:
    from tradewinds.store import ResultsStore

    return ResultsStore(spec.store)


def _run(spec: JobSpec, progress: Progress) -> dict[str, Any]:
    from tradewinds.scenarios.execute import execute

    sink = _sink(spec)
    progress(0, 1, "solves")
    with spec.scenario.materialised() as scenario:
        result = execute(
            scenario, text=spec.scenario.text, baseline=spec.scenario.baseline, sink=sink
        )
        out: dict[str, Any] = {
            "run_id": result.run_id,
            "cached": result.cached,
            "title": result.record.title,
            "scenario_hash": result.record.scenario_hash,
            "model": result.record.model,
            "units": result.units,
            "solver": result.record.solver or {},
            "records": _records(result.records),
        }
        if spec.bilateral:  # the store keeps the headline records; bilateral ones are solved
            from tradewinds.scenarios.runner import run_scenario

            eq = result.equilibrium or run_scenario(scenario, spec.scenario.baseline)
            out["records"] = _records(eq.to_records(bilateral=True))
        other = scenario.comparison()
        if other is not None:
            from tradewinds.reporting.compare import compare_headlines

            name = scenario.compare_against or ""
            base = execute(
                other,
                text=spec.scenario.files.get(name),
                baseline=spec.scenario.baseline,
                sink=sink,
            )
            out["comparison"] = {
                "run_id": base.run_id,
                "title": base.record.title,
                "records": _records(compare_headlines(base.records, result.records)),
            }
    progress(1, 1, "solves")
    return out


def _montecarlo(spec: JobSpec, progress: Progress) -> dict[str, Any]:
    from tradewinds.scenarios.cluster import dask_client
    from tradewinds.scenarios.montecarlo import run_montecarlo

    draws = int(spec.draws or 0)
    progress(0, draws, "draws")
    sink = _sink(spec)
    workers = 0 if spec.scheduler is None else None
    with spec.scenario.materialised() as scenario, dask_client(workers, spec.scheduler) as client:
        result = run_montecarlo(
            scenario,
            draws=draws,
            seed=int(spec.seed or 0),
            text=spec.scenario.text,
            baseline=spec.scenario.baseline,
            sink=sink,
            client=client,
            bilateral=spec.bilateral,
            chunk_size=None if client is not None else max(1, min(25, draws // 20 or 1)),
            progress=lambda done, total: progress(done, total, "draws"),
        )
    return {
        "run_id": result.record.run_id,
        "cached": result.cached,
        "title": result.record.title,
        "scenario_hash": result.record.scenario_hash,
        "model": result.record.model,
        "units": str(result.record.baseline_attrs.get("units", "")),
        "solver": result.record.solver or {},
        "converged": result.converged,
        "failed": len(result.failed),
        "records": _records(result.central),
        "bands": _records(result.bands),
    }


@contextlib.contextmanager
def _mapper(spec: JobSpec) -> Iterator[Any]:
    from tradewinds.policy.parallel import serial_map
    from tradewinds.scenarios.strategy import dask_mapper

    if spec.scheduler is None:
        yield serial_map
        return
    with dask_mapper(None, spec.scheduler) as mapper:
        yield mapper


def _counting(problem: TariffProblem, progress: Progress) -> None:
    """Count the problem's solves (progress) and check the cancel flag before each."""
    solve, gradient = problem.solve, problem.gradient
    done = 0

    def counted_solve(tariff: Any, warm: Any) -> Any:
        nonlocal done
        progress(done, None, "solves")
        done += 1
        return solve(tariff, warm)

    def counted_gradient(tariff: Any, weights: Any, warm: Any) -> Any:
        nonlocal done
        progress(done, None, "solves")
        done += 1
        assert gradient is not None
        return gradient(tariff, weights, warm)

    problem.solve = counted_solve
    if gradient is not None:
        problem.gradient = counted_gradient


def _options(kind: str, opts: dict[str, Any]) -> Any:
    """The job's options as the game's options record (defaults and ranges defined there)."""
    from tradewinds.policy.options import (
        NashOptions,
        OptimalOptions,
        StrategyOptions,
        UnitedFrontOptions,
    )

    games: dict[str, type[StrategyOptions]] = {"optimal": OptimalOptions, "nash": NashOptions}
    cls = games.get(kind, UnitedFrontOptions)
    return cls.parse({k: v for k, v in opts.items() if k in cls.model_fields})


def _about(scenario: Scenario) -> dict[str, Any]:
    """What a strategy answer says of its scenario (it is not a stored run: no run id)."""
    return {
        "run_id": None,
        "title": scenario.title,
        "scenario_hash": scenario.digest(),
        "model": scenario.model.name,
    }


def _strategy(spec: JobSpec, progress: Progress) -> dict[str, Any]:
    from tradewinds.scenarios.strategy import tariff_problem

    opts = _options(spec.kind, spec.options)
    with spec.scenario.materialised() as scenario:
        about = _about(scenario)
        status_quo = "baseline" if spec.kind == "united-front" else "scenario"
        problem, threat = tariff_problem(scenario, spec.scenario.baseline, status_quo=status_quo)
        _counting(problem, progress)
        solver: dict[str, Any]
        if spec.kind == "optimal":
            with _mapper(spec) as mapper:
                result: Any = opts.run(problem, mapper)
            solver = {"converged": True}
        elif spec.kind == "nash":
            with _mapper(spec) as mapper:
                result = opts.run(problem, mapper)
            solver = {
                "converged": result.converged,
                "status": result.status,
                "rounds": len(result.path),
                "message": result.message(),
            }
        else:
            from tradewinds.policy.united_front import united_front
            from tradewinds.scenarios.strategy import united_front_game

            result = united_front(problem, threat, **united_front_game(scenario, opts))
            solver = {"converged": True, "equilibria": [list(c) for c in result.equilibria]}
            if opts.draws > 0:
                return {**about, **_sensitivity(spec, opts, scenario, result, solver, progress)}
    return {
        **about,
        "solver": solver,
        "records": _records(result.to_records()),
    }


def _sensitivity(
    spec: JobSpec,
    opts: Any,
    scenario: Any,
    game: Any,
    solver: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    """The united-front game across elasticity draws, as ``strategy united-front --draws``."""
    import pandas as pd

    from tradewinds.policy.united_front import draw_elasticities
    from tradewinds.scenarios.strategy import united_front_game, united_front_sensitivity

    draws = int(opts.draws)
    eps = draw_elasticities(draws, opts.seed, *opts.eps_range)
    if spec.scenario.baseline is not None:
        scenario = scenario.model_copy(update={"baseline": spec.scenario.baseline})
    done = 0

    def counted(fn: Callable[[Any], Any], items: Any) -> list[Any]:
        nonlocal done
        out = []
        for item in items:
            progress(done, draws, "draws")
            out.append(fn(item))
            done += 1
        return out

    with _mapper(spec) as mapper:
        chosen = counted if spec.scheduler is None else mapper
        game_options = united_front_game(scenario, opts)
        sens = united_front_sensitivity(scenario, list(eps), mapper=chosen, **game_options)
    progress(draws, draws, "draws")
    records = pd.concat([game.to_records(), sens.to_records(game.partners)], ignore_index=True)
    solver = {**solver, "draws": draws, "failed_draws": len(sens.failures)}
    return {"solver": solver, "records": _records(records)}


def _curve(spec: JobSpec, progress: Progress) -> dict[str, Any]:
    """One country's welfare against its uniform tariff on every partner, and the optimum.

    The optimum is ``optimal_tariffs`` (as ``strategy optimal``); the curve is the country's
    welfare at ``points`` evenly spaced uniform tariffs from 0 to a little over twice the optimum
    (at least 60%), others' tariffs fixed at the scenario's. Progress counts solves; once the
    optimum is found the total is known (the optimiser's solves plus one per point).
    """
    import numpy as np

    from tradewinds.policy.optimal import optimal_tariffs
    from tradewinds.scenarios.strategy import tariff_problem

    opts = spec.options
    points = int(opts.get("points", 21))
    bounds = tuple(opts.get("bounds") or BOUNDS)
    with spec.scenario.materialised() as scenario:
        about = _about(scenario)
        problem, _ = tariff_problem(scenario, spec.scenario.baseline)
        count: dict[str, Any] = {"done": 0, "total": None}
        solve, gradient = problem.solve, problem.gradient

        def counted_solve(tariff: Any, warm: Any) -> Any:
            progress(count["done"], count["total"], "solves")
            count["done"] += 1
            return solve(tariff, warm)

        def counted_gradient(tariff: Any, weights: Any, warm: Any) -> Any:
            progress(count["done"], count["total"], "solves")
            count["done"] += 1
            assert gradient is not None
            return gradient(tariff, weights, warm)

        problem.solve = counted_solve
        if gradient is not None:
            problem.gradient = counted_gradient
        inst = problem.instrument(str(opts["country"]).upper(), None)
        best = optimal_tariffs(problem, [inst], bounds=bounds)
        t_star = float(best.values[0])
        grid = np.linspace(0.0, max(0.6, 2.2 * t_star), points)
        total = count["done"] + points
        count["total"] = total
        welfare = []
        for t in grid:
            eq = problem.evaluate(inst.apply(problem.tariff, np.array([t])))
            welfare.append(100 * float(problem.welfare(eq)[inst.country]))
        progress(total, total, "solves")
    country = inst.country
    records: list[dict[str, Any]] = [
        {
            "country": country,
            "partner": "",
            "sector": "",
            "metric": "welfare_pct",
            "value": w,
            "unit": "%",
            "tariff": float(t),
        }
        for t, w in zip(grid, welfare, strict=True)
    ]
    records += [
        {
            "country": country,
            "partner": "",
            "sector": "",
            "metric": metric,
            "value": value,
            "unit": unit,
            "tariff": t_star,
        }
        for metric, value, unit in (
            ("optimal_tariff", t_star, "rate"),
            ("optimal_welfare_pct", 100 * float(best.welfare[country]), "%"),
            ("start_tariff", float(best.start[0]), "rate"),
        )
    ]
    return {**about, "solver": {"converged": True, "solves": total}, "records": records}
