"""The Newton-chord solver and the full-Newton fallback of the Ignatenko model."""

from __future__ import annotations

import numpy as np

from tradewinds.core.solver import SolverReport
from tradewinds.models.ignatenko import IgnatenkoModel, build_baseline
from tradewinds.models.ignatenko import kernel as kernel_module
from tradewinds.models.ignatenko.chord import newton_chord


def _system():
    target = np.array([0.3, -0.2, 0.1])
    mix = np.array([[2.0, 0.3, 0.1], [0.2, 1.5, 0.2], [0.1, 0.4, 1.8]])

    def residual(x):
        return mix @ x + 0.5 * np.sin(x) - target

    def jacobian(x):
        return mix + np.diag(0.5 * np.cos(x))

    def measure(x):
        return float(np.max(np.abs(residual(x))))

    return residual, jacobian, measure


def test_chord_converges_and_reuses_factorisations():
    residual, jacobian, measure = _system()
    x, report = newton_chord(residual, jacobian, measure, np.zeros(3), tol=1e-13, max_iter=50)
    assert report.converged
    assert measure(x) <= 1e-13
    used = int(report.method.split(", ")[1].split()[0])
    assert 1 <= used < report.iterations


def test_chord_reports_a_stall_instead_of_returning_garbage():
    residual, jacobian, measure = _system()

    def wrong(x):
        return -jacobian(x)  # every step points uphill

    x, report = newton_chord(residual, wrong, measure, np.zeros(3), tol=1e-13, max_iter=50)
    assert not report.converged
    np.testing.assert_array_equal(x, np.zeros(3))


def test_full_newton_takes_over_when_the_chord_stalls(monkeypatch):
    rng = np.random.default_rng(0)
    trade = rng.uniform(1, 20, (5, 5))
    np.fill_diagonal(trade, 0)
    gdp = trade.sum(axis=1) * 4
    gdp[2] *= 3
    base = build_baseline(trade, gdp, 2)
    t = np.zeros((5, 5))
    t[:, 2] = 0.3
    t[2, 2] = 0

    def stalled(residual, jacobian, measure, x0, *, tol, max_iter):
        return x0, SolverReport(False, 0, measure(x0), tol, 0.0, "stub")

    reference = IgnatenkoModel().solve_arrays(base, t, list("ABUDE"))
    monkeypatch.setattr(kernel_module, "newton_chord", stalled)
    eq = IgnatenkoModel().solve_arrays(base, t, list("ABUDE"))
    assert eq.report.converged
    assert "then newton" in eq.report.method
    np.testing.assert_allclose(
        eq.country["welfare_hat"].values, reference.country["welfare_hat"].values, rtol=1e-9
    )
