"""The one Newton routine (chord and Broyden variants) and the Ignatenko solution strategy."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tradewinds.core.errors import ConvergenceError
from tradewinds.models._newton import NewtonError, Settings, newton
from tradewinds.models.ignatenko import IgnatenkoModel, build_baseline
from tradewinds.models.ignatenko import solve as solve_module

CHORD = Settings(chord_gain=0.5, stale_halvings=1, dense_max=0)


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


def _solve(jacobian, settings, **kwargs):
    residual, _, measure = _system()
    return newton(
        lambda x: (residual(x), lambda: jacobian(x)),
        measure,
        np.zeros(3),
        tol=1e-13,
        max_iter=50,
        what="toy",
        settings=settings,
        **kwargs,
    )


@pytest.mark.parametrize("dense_max", [0, 400])
def test_chord_converges_and_reuses_factorisations(dense_max):
    _, jacobian, measure = _system()
    x, report = _solve(jacobian, replace(CHORD, dense_max=dense_max))
    assert report.converged
    assert measure(x) <= 1e-13
    used = int(report.method.split(", ")[1].split()[0])
    assert 1 <= used < report.iterations


def test_broyden_converges_with_one_exact_jacobian():
    _, jacobian, measure = _system()
    calls = []

    def counted(x):
        calls.append(x)
        return jacobian(x)

    x, report = _solve(counted, Settings(update="broyden", stale_halvings=1))
    assert report.converged
    assert measure(x) <= 1e-13
    assert len(calls) == 1 < report.iterations


@pytest.mark.parametrize("settings", [CHORD, Settings(update="broyden", stale_halvings=1)])
def test_a_stall_raises_with_the_last_iterate_instead_of_returning_garbage(settings):
    _, jacobian, _ = _system()

    def wrong(x):
        return -jacobian(x)  # every step points uphill

    with pytest.raises(NewtonError, match="no longer reduce the residual") as info:
        _solve(wrong, settings)
    assert not info.value.report.converged
    assert info.value.report.max_residual > 1e-13
    np.testing.assert_array_equal(info.value.last, np.zeros(3))


def test_running_out_of_iterations_raises():
    _, jacobian, _ = _system()
    with pytest.raises(ConvergenceError, match="no solution within 1 Newton iterations"):
        newton(
            lambda x: (_system()[0](x), lambda: jacobian(x)),
            _system()[2],
            np.zeros(3),
            tol=1e-13,
            max_iter=1,
            what="toy",
        )


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
    real = solve_module._newton

    def stalled(kernel, z0, tol, max_iter, settings=solve_module.CHORD):
        if settings is solve_module.CHORD:
            report = replace(kernel_report(kernel, z0, tol), iterations=0)
            raise NewtonError("stub", report, z0)
        return real(kernel, z0, tol, max_iter, settings)

    def kernel_report(kernel, z0, tol):
        from tradewinds.core.solver import SolverReport

        return SolverReport(False, 0, kernel.measure(z0), tol, 0.0, "stub")

    reference = IgnatenkoModel().solve_arrays(base, t, list("ABUDE"))
    monkeypatch.setattr(solve_module, "_newton", stalled)
    eq = IgnatenkoModel().solve_arrays(base, t, list("ABUDE"))
    assert eq.report.converged
    assert "then newton" in eq.report.method
    np.testing.assert_allclose(
        eq.country["welfare_hat"].values, reference.country["welfare_hat"].values, rtol=1e-9
    )


def _toy():
    rng = np.random.default_rng(0)
    trade = rng.uniform(1, 20, (6, 6))
    np.fill_diagonal(trade, 0)
    gdp = trade.sum(axis=1) * rng.uniform(2, 5, 6)
    return build_baseline(trade, gdp, 2), ["CAN", "MEX", "USA", "CHN", "DEU", "JPN"]


def _war(rate: float) -> np.ndarray:
    t = np.zeros((6, 6))
    t[:, 2] = rate
    t[2, :] = rate
    t[2, 2] = 0
    return t


def test_continuation_reaches_a_shock_a_cold_start_misses():
    base, labels = _toy()
    eq = IgnatenkoModel().solve_arrays(base, _war(2.0), labels)
    assert eq.report.converged
    assert "continuation" in eq.report.method
    assert eq.report.max_residual <= 1e-10
    # a 200% tariff war: the US wage falls by about two thirds in this toy world
    assert 0.2 < float(eq.country["wage_hat"].sel(country="USA")) < 0.5


def test_infeasible_shock_says_how_far_it_got():
    base, labels = _toy()
    with pytest.raises(ConvergenceError, match=r"up to \d+% of the shock, where USA") as info:
        IgnatenkoModel().solve_arrays(base, _war(5.0), labels)
    assert not info.value.report.converged
    message = str(info.value)
    assert "Try a smaller shock" in message
    assert "eps=4, kappa=0.5" in message
    assert "recycling=income-tax" in message
