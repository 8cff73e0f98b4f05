"""Solving many parameter draws of one scenario in one task (runs on Dask workers).

A task gets the baseline once (scattered to every worker), the scenario's canonical data and a
chunk of :class:`~tradewinds.scenarios.distributions.Draw`. It builds the shocks once per
distinct shock specification, solves each draw through :func:`run_scenario`, and returns the
results compactly: the record keys (``country, partner, sector, metric, unit``) once per layout
and one vector of values per draw. A draw that fails (no convergence, a parameter the model
rejects) is returned with its parameters and error, never dropped.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core.canonical import to_json
from tradewinds.core.errors import ConvergenceError, TradewindsError
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.scenarios.distributions import Draw
from tradewinds.scenarios.grid import apply_settings
from tradewinds.scenarios.recording import KEY_COLUMNS
from tradewinds.scenarios.runner import build_shocks, run_scenario
from tradewinds.scenarios.schema import Scenario, parse_scenario


@dataclass(frozen=True)
class DrawOutcome:
    """How one draw went.

    ``layout`` indexes :attr:`BatchResult.layouts` (``-1`` for a failed draw); ``values`` holds
    the record values in that layout's order. ``seconds`` is wall time, ``cpu_seconds`` the
    worker's CPU time for the draw (the two differ on a loaded machine).
    """

    index: int
    params: dict[str, Any]
    status: Literal["ok", "failed"]
    error: str = ""
    solver: dict[str, Any] | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    layout: int = -1
    values: np.ndarray[Any, Any] | None = None


@dataclass
class BatchResult:
    """Outcomes of a chunk of draws and the record layouts their values follow."""

    layouts: list[pd.DataFrame] = field(default_factory=list)
    draws: list[DrawOutcome] = field(default_factory=list)

    def layout_of(self, keys: pd.DataFrame) -> int:
        """Index of ``keys`` among the layouts, adding it if new."""
        arr = keys.to_numpy()
        for k, known in enumerate(self.layouts):
            if len(known) == len(keys) and np.array_equal(known.to_numpy(), arr):
                return k
        self.layouts.append(keys.reset_index(drop=True))
        return len(self.layouts) - 1

    def merge(self, other: BatchResult) -> None:
        """Append another batch, remapping its layouts onto these."""
        remap = {k: self.layout_of(keys) for k, keys in enumerate(other.layouts)}
        for d in other.draws:
            layout = remap[d.layout] if d.layout >= 0 else -1
            self.draws.append(_replace(d, layout=layout))

    def records(self, outcome: DrawOutcome) -> pd.DataFrame:
        """Tidy records of one successful draw."""
        if outcome.layout < 0 or outcome.values is None:
            raise ValueError(f"draw {outcome.index} has no results ({outcome.error})")
        frame = self.layouts[outcome.layout].copy()
        frame.insert(4, "value", outcome.values)
        return frame


def _replace(outcome: DrawOutcome, **changes: Any) -> DrawOutcome:
    from dataclasses import replace

    return replace(outcome, **changes)


#: Allocations below this many bytes come from the heap, not fresh mmap'd pages (see
#: :func:`_keep_heap_memory`).
MMAP_THRESHOLD = 64 * 2**20

_heap_tuned = False


def _keep_heap_memory() -> None:
    """Let glibc reuse heap memory for the solver's arrays instead of mapping fresh pages.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_`` set, which freezes glibc's mmap
    threshold at 128 KiB: every 194 x 194 array is then mapped and unmapped, and the page
    faults double the time of a solve. Raising the threshold once per worker process restores
    heap reuse. A no-op where glibc's ``mallopt`` is unavailable.
    """
    global _heap_tuned
    if _heap_tuned:
        return
    _heap_tuned = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_mmap_threshold, m_trim_threshold = -3, -1
        libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD)
        libc.mallopt(m_trim_threshold, 2 * MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc
        pass


def _shock_key(scenario: Scenario) -> str:
    """What the shocks depend on: the scenario without its model block."""
    return to_json({k: v for k, v in scenario.canonical().items() if k != "model"})


def _new_layout(
    result: BatchResult, eq: Equilibrium, bilateral: bool, values: np.ndarray[Any, Any]
) -> int:
    """Add the label columns of ``eq``'s records to ``result``'s layouts; return their index.

    The labels come from :meth:`Equilibrium.to_records`, and its values must equal
    ``values`` (from :meth:`Equilibrium.record_values`): the two must never disagree.
    """
    records = eq.to_records(bilateral=bilateral)
    if not np.array_equal(records["value"].to_numpy(dtype=float), values, equal_nan=True):
        raise RuntimeError(
            f"{eq.model}: Equilibrium.record_values disagrees with to_records; this is a bug"
        )
    return result.layout_of(records.loc[:, list(KEY_COLUMNS)])


def solve_batch(
    baseline: xr.Dataset,
    scenario_data: dict[str, Any],
    draws: Sequence[Draw],
    bilateral: bool,
    base_dir: str | None = None,
    *,
    parsed: Scenario | None = None,
    validated: Mapping[int, Scenario] | None = None,
) -> BatchResult:
    """Solve ``draws`` of the scenario given by ``scenario_data`` on ``baseline``.

    ``base_dir`` is the scenario file's folder, against which its relative paths resolve.
    In this process (not on a Dask worker) the caller may pass the scenario already ``parsed``
    from that data, and the draws' scenarios already ``validated`` with their settings, by draw
    index (a sweep validates every grid point before solving any): they are used as they are.
    """
    _keep_heap_memory()
    base = parsed or parse_scenario(scenario_data, "batch scenario", base_dir=base_dir)
    known = validated or {}
    result = BatchResult()
    shocks: dict[str, tuple[xr.DataArray, xr.DataArray]] = {}
    # Record keys -> layout: the tidy records' label columns are built once per layout, not
    # once per draw (that cost several times a small model's solve).
    layouts: dict[Hashable, int] = {}
    base_key = _shock_key(base)
    for draw in draws:
        t0 = time.perf_counter()
        c0 = time.process_time()
        params = draw.params()
        try:
            scenario = known.get(draw.index) or (
                apply_settings(base, draw.settings, f"draw {draw.index}") if draw.settings else base
            )
            data = baseline
            if draw.baseline_vars:
                data = baseline.assign(
                    {
                        name: (baseline[name].dims, np.asarray(values, dtype=float))
                        for name, values in draw.baseline_vars.items()
                    }
                )
            # Shocks depend on the scenario without its model block and on the baseline's
            # tariffs and labels, which draws never change: build them once per specification.
            key = base_key if scenario.shocks is base.shocks else _shock_key(scenario)
            if key not in shocks:
                shocks[key] = build_shocks(scenario, baseline)
            eq = run_scenario(scenario, data, shocks=shocks[key])
            if not eq.report.converged:
                raise ConvergenceError("the solver returned an unconverged answer", eq.report)
            record_key, values = eq.record_values(bilateral=bilateral)
        except TradewindsError as exc:
            report = exc.report.to_dict() if isinstance(exc, ConvergenceError) else None
            result.draws.append(
                DrawOutcome(
                    index=draw.index,
                    params=params,
                    status="failed",
                    error=str(exc),
                    solver=report,
                    seconds=time.perf_counter() - t0,
                    cpu_seconds=time.process_time() - c0,
                )
            )
            continue
        layout = layouts.get(record_key)
        if layout is None:
            layout = layouts[record_key] = _new_layout(result, eq, bilateral, values)
        result.draws.append(
            DrawOutcome(
                index=draw.index,
                params=params,
                status="ok",
                solver=eq.report.to_dict(),
                seconds=time.perf_counter() - t0,
                cpu_seconds=time.process_time() - c0,
                layout=layout,
                values=values,
            )
        )
    return result
