"""GRAS (tradewinds.data.gras) against analytic cases and an independent optimiser."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from tradewinds.core.errors import ConvergenceError, DataError
from tradewinds.data.gras import Constraint, gras, gras_rows_columns

#: Miller and Blair (2009), Input-Output Analysis, 2nd ed., section 7.4.2: the 2-year-old
#: technical coefficients, this year's outputs and the row and column sums of the (unknown)
#: new flow matrix [[98, 72, 75], [65, 8, 63], [88, 27, 44]].
A0 = np.array([[0.120, 0.100, 0.049], [0.210, 0.247, 0.265], [0.026, 0.249, 0.145]])
X1 = np.array([421.0, 284.0, 283.0])
U1 = np.array([245.0, 136.0, 159.0])
V1 = np.array([251.0, 107.0, 182.0])


def test_a_rank_one_rescaling_is_recovered_exactly() -> None:
    """If the targets come from diag(r) A diag(s), GRAS finds that matrix (it is the optimum)."""
    rng = np.random.default_rng(3)
    prior = rng.uniform(0.5, 5, size=(4, 6))
    truth = rng.uniform(0.5, 2, size=(4, 1)) * prior * rng.uniform(0.5, 2, size=(1, 6))
    result = gras_rows_columns(prior, truth.sum(axis=1), truth.sum(axis=0), tol=1e-12)
    assert result.converged
    np.testing.assert_allclose(result.matrix, truth, rtol=1e-9)


def test_one_row_with_a_negative_entry_solves_the_quadratic() -> None:
    """Row [4, -1] to sum 7.5: r * 4 - 1 / r = 7.5 has the root r = 2, so [8, -0.5]."""
    cells = np.zeros(2, dtype=np.int64)
    result = gras(np.array([[4.0, -1.0]]), [Constraint("row", cells, np.array([7.5]))])
    np.testing.assert_allclose(result.matrix, [[8.0, -0.5]], rtol=1e-12)
    assert result.iterations == 1


def test_only_negative_cells_use_the_lenzen_correction() -> None:
    """Lenzen et al. (2007): with p = 0 the factor is -n/u; [-2, -3] to -10 gives [-4, -6]."""
    cells = np.zeros(2, dtype=np.int64)
    result = gras(np.array([[-2.0, -3.0]]), [Constraint("row", cells, np.array([-10.0]))])
    np.testing.assert_allclose(result.matrix, [[-4.0, -6.0]], rtol=1e-12)


def test_miller_blair_ras_example_is_the_entropy_minimum() -> None:
    """Miller and Blair's RAS example: GRAS on a positive matrix is RAS, the minimiser of
    sum z ln(z / z0) under the sums (their section 7.4.2); checked against SLSQP, whose
    tolerance (1e-12 on the objective) limits the agreement to about 1e-4 of a flow."""
    z0 = A0 * X1
    result = gras_rows_columns(z0, U1, V1, tol=1e-12)
    np.testing.assert_allclose(result.matrix.sum(axis=1), U1, rtol=1e-10)
    np.testing.assert_allclose(result.matrix.sum(axis=0), V1, rtol=1e-10)

    def loss(flat: np.ndarray) -> float:
        z = flat.reshape(3, 3)
        return float((z * np.log(z / z0)).sum())

    cons = [
        {"type": "eq", "fun": lambda f, i=i: f.reshape(3, 3)[i].sum() - U1[i]} for i in range(3)
    ]
    cons += [
        {"type": "eq", "fun": lambda f, j=j: f.reshape(3, 3)[:, j].sum() - V1[j]} for j in range(2)
    ]
    opt = minimize(
        loss,
        z0.ravel(),
        constraints=cons,
        bounds=[(1e-6, None)] * 9,
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )
    assert opt.success
    np.testing.assert_allclose(result.matrix.ravel(), opt.x, rtol=1e-4, atol=1e-3)
    # the RAS structure: z_ij / z0_ij = r_i s_j, so the ratio matrix has rank one
    log_ratio = np.log(result.matrix / z0)
    interaction = log_ratio - log_ratio[:, :1] - log_ratio[:1] + log_ratio[0, 0]
    np.testing.assert_allclose(interaction, 0.0, atol=1e-9)


def test_gras_with_negatives_minimises_junius_oosterhaven_loss() -> None:
    """With a negative cell, GRAS minimises sum |a| z ln(z / e), z = x / a (Junius and
    Oosterhaven 2003, eq. 7, as corrected by Lenzen et al. 2007); SLSQP on z agrees."""
    a = np.array([[7.0, 3.0, -2.0], [2.0, 9.0, 4.0], [-1.0, 2.0, 6.0]])
    u = np.array([9.0, 17.0, 9.0])
    v = np.array([9.5, 15.0, 10.5])
    result = gras_rows_columns(a, u, v, tol=1e-12)
    assert np.all(np.sign(result.matrix) == np.sign(a))

    def loss(z: np.ndarray) -> float:
        return float((np.abs(a).ravel() * z * (np.log(z) - 1)).sum())

    def sums(z: np.ndarray) -> np.ndarray:
        x = (a.ravel() * z).reshape(3, 3)
        return np.concatenate([x.sum(axis=1) - u, x.sum(axis=0)[:2] - v[:2]])

    opt = minimize(
        loss,
        np.ones(9),
        constraints=[{"type": "eq", "fun": sums}],
        bounds=[(1e-6, None)] * 9,
        method="SLSQP",
        options={"ftol": 1e-13, "maxiter": 1000},
    )
    assert opt.success
    np.testing.assert_allclose(result.matrix.ravel(), a.ravel() * opt.x, rtol=1e-4, atol=1e-4)


def test_overlapping_groups_all_hold() -> None:
    """A third group (a block total) on top of rows and columns is met too."""
    rng = np.random.default_rng(5)
    prior = rng.uniform(1, 3, size=(4, 4))
    truth = prior * rng.uniform(0.7, 1.4, size=(4, 4))
    rows = np.repeat(np.arange(4), 4).astype(np.int64)
    cols = np.tile(np.arange(4), 4).astype(np.int64)
    block = np.where((rows < 2) & (cols < 2), 0, -1).astype(np.int64)
    result = gras(
        prior,
        [
            Constraint("rows", rows, truth.sum(axis=1)),
            Constraint("columns", cols, truth.sum(axis=0)),
            Constraint("block", block, np.array([truth[:2, :2].sum()])),
        ],
        tol=1e-10,
    )
    assert result.gaps["block"] <= 1e-10
    np.testing.assert_allclose(result.matrix[:2, :2].sum(), truth[:2, :2].sum(), rtol=1e-9)


def test_a_target_on_empty_cells_is_refused() -> None:
    cells = np.zeros(2, dtype=np.int64)
    with pytest.raises(DataError, match="all zero in the prior"):
        gras(np.zeros((1, 2)), [Constraint("row", cells, np.array([1.0]))])


def test_conflicting_targets_do_not_converge() -> None:
    """Row sums 10 and column sums 12 cannot both hold: an error, not a wrong answer."""
    with pytest.raises(ConvergenceError, match="did not meet"):
        gras_rows_columns(np.ones((2, 2)), np.array([5.0, 5.0]), np.array([6.0, 6.0]), max_iter=50)


def test_tied_groups_end_with_equal_sums() -> None:
    """Outputs unknown: a square flow block plus value added (last row) and final use (last
    column), with sales (rows) tied to costs (columns) and value added fixed in total."""
    prior = np.array([[2.0, 1.0, 3.0], [1.0, 3.0, -0.5], [3.0, 2.5, 0.0]])
    # rows 0-1 are industries' sales (block + final use), columns 0-1 their costs (block +
    # value added); the third row is value added, the third column final use
    sales = np.array([[0, 0, 0], [1, 1, 1], [-1, -1, -1]], dtype=np.int64).ravel()
    costs = np.array([[0, 1, -1], [0, 1, -1], [0, 1, -1]], dtype=np.int64).ravel()
    value_added = np.array([[-1, -1, -1], [-1, -1, -1], [0, 0, -1]], dtype=np.int64).ravel()
    start = np.array([6.0, 4.0])
    result = gras(
        prior,
        [
            Constraint("sales", sales, start.copy()),
            Constraint("costs", costs, start.copy()),
            Constraint("value_added", value_added, np.array([8.0])),
        ],
        tol=1e-10,
        tied=("sales", "costs"),
    )
    x = result.matrix
    np.testing.assert_allclose(x[:2].sum(axis=1), x[:, :2].sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(result.targets["sales"], x[:2].sum(axis=1), rtol=1e-9)
    assert x[2, :2].sum() == pytest.approx(8.0)
    assert x[1, 2] < 0  # the negative final use stays negative
    # the outputs moved from where they started: value added grew from 5.5 to 8
    assert not np.allclose(result.targets["sales"], start)
