"""Nash tariff wars: a symmetric closed form, independent players, cycles and Dask."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from scipy.optimize import brentq

from tests.unit.policy_fakes import fake_problem, rate
from tests.unit.test_policy_optimal import EPS, problem_for, two_country
from tradewinds.core import dims
from tradewinds.data.baseline import make_baseline
from tradewinds.policy.nash import nash_tariffs
from tradewinds.policy.optimal import optimal_tariffs


def symmetric_nash_closed_form(domestic: float, foreign: float, eps: float) -> float:
    """Symmetric Nash tariff of two identical countries (docs/strategy.md, eq. N1).

    With equal tariffs t wages stay equal, so lambda_FF(t) = d / (d + f (1 + t)^-eps) and each
    country's best response solves t = (1 - m lambda_HF) / (eps lambda_FF), m = t / (1 + t).
    """

    def gap(t: float) -> float:
        lam_ff = domestic / (domestic + foreign * (1 + t) ** -eps)
        m = t / (1 + t)
        return t - (1 - m * (1 - lam_ff)) / (eps * lam_ff)

    return float(brentq(gap, 1e-6, 5.0, xtol=1e-14))


@pytest.mark.parametrize(("domestic", "foreign"), [(60.0, 20.0), (90.0, 10.0)])
def test_symmetric_two_country_nash_matches_closed_form(domestic, foreign):
    """Best-response iteration lands on the closed form; 1e-5 covers Brent's 1e-8 and tol.

    The war stops when no player gains more than 1e-12 in welfare; near the optimum the gain is
    quadratic in the tariff gap, so the remaining gap is ~1e-6 at worst.
    """
    problem = problem_for(two_country([[domestic, foreign], [foreign, domestic]]))
    players = [problem.instrument("HOM", ["FOR"]), problem.instrument("FOR", ["HOM"])]
    result = nash_tariffs(problem, players, tol=1e-12, xtol=1e-8)
    assert result.converged, result.message()
    expected = symmetric_nash_closed_form(domestic, foreign, EPS)
    assert result.values["HOM"][0] == pytest.approx(expected, abs=1e-5)
    assert result.values["FOR"][0] == pytest.approx(expected, abs=1e-5)
    # Symmetric countries get symmetric welfare (to the 1e-6 gap between their rates, times a
    # welfare slope below 0.1), and both lose from the war.
    assert result.welfare["HOM"] == pytest.approx(result.welfare["FOR"], abs=1e-7)
    assert result.welfare["HOM"] < 0


def two_blocks(cross: float) -> xr.Dataset:
    """Two pairs, {AAA, XXX} and {BBB, YYY}, trading across blocks only ``cross``."""
    labels = ["AAA", "XXX", "BBB", "YYY"]
    flows = np.full((4, 4), cross)
    flows[:2, :2] = [[100.0, 10.0], [10.0, 50.0]]
    flows[2:, 2:] = [[40.0, 30.0], [30.0, 20.0]]
    coords = {dims.EXPORTER: labels, dims.IMPORTER: labels}
    trade = xr.DataArray(flows, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    return make_baseline(trade, xr.zeros_like(trade), units="u", year=2000, source="synthetic")


def test_nash_without_interaction_is_each_players_optimal_tariff():
    """AAA taxes XXX and BBB taxes YYY; the blocks barely trade, so Nash = two optima.

    Cross-block flows (1e-4) are about a millionth of block trade (zero would leave the blocks' wage
    levels undetermined), so one player's tariff moves the other's optimum by about 1e-8
    (measured); the tolerance 1e-6 is well above that coupling and Brent's 1e-8.
    """
    problem = problem_for(two_blocks(1e-4))
    a = problem.instrument("AAA", ["XXX"])
    b = problem.instrument("BBB", ["YYY"])
    result = nash_tariffs(problem, [a, b], tol=1e-10, xtol=1e-8)
    assert result.converged
    assert len(result.path) == 2  # one round of best responses, one round confirming
    alone_a = optimal_tariffs(problem, [a], xtol=1e-8).values[0]
    alone_b = optimal_tariffs(problem, [b], xtol=1e-8).values[0]
    assert result.values["AAA"][0] == pytest.approx(alone_a, abs=1e-6)
    assert result.values["BBB"][0] == pytest.approx(alone_b, abs=1e-6)
    assert abs(alone_a - alone_b) > 1e-1  # the two optima differ, so the check has teeth


def _chasing_problem():
    """A wants to match B's tariff; B wants the opposite of A's: Jacobi cycles with period 4."""

    def payoff(t):
        ta, tb = rate(t, "BBB", "AAA"), rate(t, "AAA", "BBB")
        return {"AAA": -((ta - tb) ** 2), "BBB": -((tb - (1 - ta)) ** 2)}

    problem = fake_problem(["AAA", "BBB"], ["TOTAL"], payoff)
    return problem, [problem.instrument("AAA"), problem.instrument("BBB")]


def test_cycle_is_reported_not_returned_as_equilibrium():
    problem, players = _chasing_problem()
    result = nash_tariffs(problem, players, bounds=(0.0, 1.0))
    assert result.status == "cycle"
    assert not result.converged
    assert result.cycle_length == 4
    assert "NOT an equilibrium" in result.message()
    assert "tariff_last" in set(result.to_records()["metric"])


def test_running_out_of_rounds_is_reported():
    problem, players = _chasing_problem()
    result = nash_tariffs(problem, players, bounds=(0.0, 1.0), max_rounds=2)
    assert result.status == "max_rounds"
    assert "Raise --max-rounds" in result.message()


def test_by_sector_war_with_separable_payoffs():
    """Each player has a known best response per sector that ignores the other: one round."""

    def payoff(t):
        a = -sum((rate(t, "BBB", "AAA", k) - v) ** 2 for k, v in enumerate((0.1, 0.3)))
        b = -sum((rate(t, "AAA", "BBB", k) - v) ** 2 for k, v in enumerate((0.2, 0.05)))
        return {"AAA": a, "BBB": b}

    problem = fake_problem(["AAA", "BBB"], ["s1", "s2"], payoff)
    players = [problem.instrument(c, by_sector=True) for c in ("AAA", "BBB")]
    result = nash_tariffs(problem, players, bounds=(0.0, 1.0))
    assert result.converged
    np.testing.assert_allclose(result.values["AAA"], [0.1, 0.3], atol=1e-5)
    np.testing.assert_allclose(result.values["BBB"], [0.2, 0.05], atol=1e-5)
    assert len(result.path_records()) == len(result.path) * 4


@pytest.mark.slow
def test_dask_gives_the_serial_answer():
    """Best responses on a real LocalCluster (two worker processes) match the serial run.

    Workers start from their own copy of the warm start, so solves differ at the solver's
    1e-12 level and Brent's path with them; 1e-9 is far below the search tolerance 1e-6.
    """
    from tradewinds.scenarios.strategy import dask_mapper

    problem = problem_for(two_country([[60.0, 20.0], [20.0, 60.0]]))
    players = [problem.instrument("HOM", ["FOR"]), problem.instrument("FOR", ["HOM"])]
    serial = nash_tariffs(problem, players)
    with dask_mapper(workers=2) as mapper:
        parallel = nash_tariffs(problem, players, mapper=mapper)
    assert parallel.status == serial.status == "converged"
    for p in ("HOM", "FOR"):
        np.testing.assert_allclose(parallel.values[p], serial.values[p], rtol=0, atol=1e-9)


def test_sequential_order_reaches_the_same_equilibrium():
    """Gauss–Seidel answers in turn and lands on the simultaneous (Jacobi) equilibrium."""
    problem = problem_for(two_country([[60.0, 20.0], [20.0, 60.0]]))
    players = [problem.instrument("HOM", ["FOR"]), problem.instrument("FOR", ["HOM"])]
    jacobi = nash_tariffs(problem, players, tol=1e-12, xtol=1e-8)
    seidel = nash_tariffs(problem, players, tol=1e-12, xtol=1e-8, order="sequential")
    assert seidel.converged
    for p in ("HOM", "FOR"):
        np.testing.assert_allclose(seidel.values[p], jacobi.values[p], atol=1e-5)


def test_sequential_chasing_still_cycles():
    problem, players = _chasing_problem()
    result = nash_tariffs(problem, players, bounds=(0.0, 1.0), order="sequential")
    assert result.status == "cycle"
    assert result.cycle_length == 2
