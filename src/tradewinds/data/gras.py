"""GRAS: balance a matrix with positive and negative entries to given sums.

GRAS (generalised RAS; Junius and Oosterhaven 2003, "The solution of updating or regionalizing
a matrix with both positive and negative entries", Economic Systems Research 15(1); corrected
by Lenzen, Wood and Gallego 2007, "Some comments on the GRAS method", ESR 19(4)) finds the
matrix ``X`` closest to a prior ``A`` in the information sense whose row and column sums equal
targets ``u`` and ``v``, keeping every entry's sign:

    x_ij = r_i s_j a+_ij  -  a-_ij / (r_i s_j),      a = a+ - a-,  a+, a- >= 0.

Given the column factors, the row factor solves ``r p_i - n_i / r = u_i`` with
``p_i = sum_j s_j a+_ij`` and ``n_i = sum_j a-_ij / s_j``:

    r_i = (u_i + sqrt(u_i^2 + 4 p_i n_i)) / (2 p_i),   and  r_i = -n_i / u_i  where p_i = 0

(Junius and Oosterhaven 2003, eq. 11; the ``p_i = 0`` case is Lenzen et al. 2007's). Columns
are updated the same way, and the two alternate until the sums hold.

:func:`gras` generalises the alternation from rows and columns to any number of *constraint
groups*, each a partition of (some of) the cells into sets with a target sum; a row sum and a
column sum are the two groups of the classic method, and with them alone the result is the
classic GRAS. Each update multiplies the positive cells of a set by its factor and divides its
negative cells by it, so every cell keeps the form ``a+ * prod(factors) - a- / prod(factors)``
over the sets that hold it. Cells in no set keep their prior value.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradewinds.core.errors import ConvergenceError, DataError
from tradewinds.core.solver import SolverReport

log = logging.getLogger(__name__)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True)
class Constraint:
    """One group of sums over disjoint sets of cells.

    ``cells`` holds, for every cell of the flattened matrix, the index of its set (``-1``: in
    no set), and ``targets[k]`` is the sum set ``k`` must reach.
    """

    name: str
    cells: IntArray
    targets: FloatArray


@dataclass(frozen=True)
class GrasResult:
    """The balanced matrix and how the balancing went."""

    matrix: FloatArray
    iterations: int
    converged: bool
    max_relative_gap: float  # over every set: |sum - target| / max(|target|, scale)
    gaps: dict[str, float] = field(default_factory=dict)  # the same, per constraint group
    targets: dict[str, FloatArray] = field(default_factory=dict)  # as met (tied ones moved)


def set_sums(values: FloatArray, constraint: Constraint) -> FloatArray:
    """The sum of ``values`` (flattened) over each set of ``constraint``."""
    inside = constraint.cells >= 0
    total = np.bincount(
        constraint.cells[inside],
        weights=values.ravel()[inside],
        minlength=len(constraint.targets),
    )
    return total.astype(np.float64)


def _factor(pos: FloatArray, neg: FloatArray, target: FloatArray) -> FloatArray:
    """The GRAS factor ``r`` solving ``r * pos - neg / r = target`` (r > 0)."""
    r = np.ones_like(target)
    both = pos > 0
    r[both] = (target[both] + np.sqrt(target[both] ** 2 + 4 * pos[both] * neg[both])) / (
        2 * pos[both]
    )
    only_neg = ~both & (neg > 0) & (target < 0)
    r[only_neg] = -neg[only_neg] / target[only_neg]
    return r


def _checked(
    constraints: list[Constraint], mass: FloatArray, tied: tuple[str, str] | None, tol: float
) -> tuple[list[Constraint], dict[str, float]]:
    """Copies of ``constraints`` (tied targets move), checked, and each group's scale.

    The checks are against ``mass``, the prior's absolute cell values; a group's scale is its
    mean absolute target.
    """
    constraints = [
        Constraint(c.name, c.cells, np.array(c.targets, dtype=float)) for c in constraints
    ]
    if tied is not None:
        names = [c.name for c in constraints]
        if not set(tied) <= set(names):
            raise DataError(f"Tied groups {tied!r} are not among the constraints {names!r}.")
    scales = {c.name: max(float(np.abs(c.targets).mean()), 1e-300) for c in constraints}
    for c in constraints:
        if c.cells.shape != (mass.size,) or len(c.targets) <= (c.cells.max(initial=-1)):
            raise DataError(
                f"Constraint {c.name!r} labels {c.cells.shape} cells with sets up to "
                f"{c.cells.max(initial=-1)}; expected {mass.size} cells and one target per set."
            )
        dead = (set_sums(mass, c) == 0) & (np.abs(c.targets) > tol * scales[c.name])
        if dead.any():
            k = int(np.argmax(dead))
            raise DataError(
                f"Constraint {c.name!r}, set {k}: target {c.targets[k]!r} on cells that are "
                "all zero in the prior; GRAS can only rescale non-zero cells."
            )
    return constraints, scales


def gras(
    prior: FloatArray,
    constraints: list[Constraint],
    *,
    tol: float = 1e-9,
    max_iter: int = 5000,
    strict: bool = True,
    tied: tuple[str, str] | None = None,
) -> GrasResult:
    """Balance ``prior`` so that every set of every constraint group sums to its target.

    Gaps are measured relative to the target, or to the mean absolute target of the group where
    a target is near zero. A set whose prior cells are all zero cannot move: a non-zero target on
    it is a :class:`DataError`. Raises :class:`ConvergenceError` if the gaps stay above ``tol``
    after ``max_iter`` sweeps (the targets conflict, or need a sign the prior cannot give);
    with ``strict=False`` it returns the last iterate with ``converged=False`` instead, for
    diagnosing which targets conflict.

    ``tied`` names two groups with the same number of sets whose sums must be equal but are
    not known (an industry's sales and its costs, when its output is not data): their targets
    start as given and, after each sweep, move to the mean of the two groups' current sums,
    until both groups meet them (the targets met are in the result).
    """
    a = np.asarray(prior, dtype=float)
    pos = np.where(a > 0, a, 0.0).ravel()
    neg = np.where(a < 0, -a, 0.0).ravel()
    constraints, scales = _checked(constraints, pos + neg, tied, tol)
    # work on the non-zero cells only: zeros stay zero
    live = np.flatnonzero(pos + neg)
    up, down = pos[live], neg[live]  # the positive part and the magnitude of the negative part
    labels = [(c, c.cells[live]) for c in constraints]

    def sums(values: FloatArray, c: Constraint, cells: IntArray) -> FloatArray:
        inside = cells >= 0
        total = np.bincount(cells[inside], weights=values[inside], minlength=len(c.targets))
        return total.astype(np.float64)

    def gaps() -> dict[str, float]:
        out = {}
        for c, cells in labels:
            denom = np.maximum(np.abs(c.targets), scales[c.name] * 1e-6)
            gap = np.abs(sums(up - down, c, cells) - c.targets) / denom
            out[c.name] = float(np.max(gap, initial=0.0))
        return out

    def matrix() -> FloatArray:
        full = np.zeros(a.size)
        full[live] = up - down
        return full.reshape(a.shape)

    def final_targets() -> dict[str, FloatArray]:
        return {c.name: c.targets for c in constraints}

    start = time.perf_counter()
    worst, found = 0.0, {}
    for sweep in range(1, max_iter + 1):
        for c, cells in labels:
            r = _factor(sums(up, c, cells), sums(down, c, cells), c.targets)
            # r = 0 (a zero target on positive cells only) empties the set; it holds no
            # negative cell, whose divisor is then irrelevant
            r_inv = np.divide(1.0, r, out=np.zeros_like(r), where=r > 0)
            inside = cells >= 0
            up[inside] *= r[cells[inside]]
            down[inside] *= r_inv[cells[inside]]
        if tied is not None:
            (ca, la), (cb, lb) = (next(x for x in labels if x[0].name == name) for name in tied)
            mean = (sums(up - down, ca, la) + sums(up - down, cb, lb)) / 2
            ca.targets[:] = mean
            cb.targets[:] = mean
        found = gaps()
        worst = max(found.values(), default=0.0)
        if sweep % 50 == 0:
            log.info(
                "GRAS sweep %d: %s", sweep, ", ".join(f"{k} {v:.2g}" for k, v in found.items())
            )
        if worst <= tol:
            return GrasResult(matrix(), sweep, True, worst, found, final_targets())
    if not strict:
        return GrasResult(matrix(), max_iter, False, worst, found, final_targets())
    raise ConvergenceError(
        f"GRAS did not meet its targets in {max_iter} sweeps (largest relative gap {worst:.3g}, "
        f"by group: {', '.join(f'{k} {v:.2g}' for k, v in found.items())}); the targets "
        "conflict or need a sign change the prior cannot give.",
        SolverReport(False, max_iter, worst, tol, time.perf_counter() - start, "gras"),
    )


def gras_rows_columns(
    prior: FloatArray,
    row_sums: FloatArray,
    column_sums: FloatArray,
    *,
    tol: float = 1e-9,
    max_iter: int = 5000,
) -> GrasResult:
    """Classic GRAS: balance ``prior`` to the given row and column sums."""
    m, n = np.shape(prior)
    rows = np.repeat(np.arange(m), n)
    cols = np.tile(np.arange(n), m)
    return gras(
        prior,
        [
            Constraint("rows", rows.astype(np.int64), np.asarray(row_sums, dtype=float)),
            Constraint("columns", cols.astype(np.int64), np.asarray(column_sums, dtype=float)),
        ],
        tol=tol,
        max_iter=max_iter,
    )
