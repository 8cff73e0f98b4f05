"""Properties of optimal tariffs and tariff wars in the one-sector model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_policy_optimal import problem_for, two_country
from tradewinds.policy.nash import nash_tariffs
from tradewinds.policy.optimal import optimal_tariffs, uniform_tariff_formula

pytestmark = pytest.mark.property


@settings(max_examples=15, deadline=None)
@given(
    home=st.floats(5.0, 500.0),
    foreign=st.floats(5.0, 500.0),
    flow=st.floats(1.0, 50.0),
    eps=st.floats(2.0, 10.0),
)
def test_two_country_optimum_is_the_closed_form(home, foreign, flow, eps):
    """Any balanced two-country world: Brent's optimum solves (O3).

    Tolerance 5e-5: the argmax is placed to about sqrt(2 dW / |W''|) with welfare noise
    dW ~ 1e-13. Over this range the curvature |W''| is smallest for a nearly closed home at
    eps = 2 (7e-4 at home 500, flow 1, measured), giving 1.7e-5; 5e-5 leaves a factor of three
    (the alternative closed forms the test rules out differ by 1e-3 or more).
    """
    problem = problem_for(two_country([[home, flow], [flow, foreign]]), eps=eps)
    inst = problem.instrument("HOM", ["FOR"])
    result = optimal_tariffs(problem, [inst], xtol=1e-8)
    closed = uniform_tariff_formula(
        result.equilibrium, inst.apply(problem.tariff, result.values), "HOM", eps
    )
    assert result.values[0] == pytest.approx(closed, abs=5e-5)
    # The optimal tariff is never below the small-country rate 1/eps: lambda_FF <= 1.
    assert result.values[0] >= 1 / eps - 5e-5


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(domestic=st.floats(20.0, 200.0), flow=st.floats(1.0, 20.0), eps=st.floats(2.0, 8.0))
def test_symmetric_countries_end_a_war_symmetric_and_worse_off(domestic, flow, eps):
    """Identical countries reach identical Nash tariffs, and the war costs both of them."""
    problem = problem_for(two_country([[domestic, flow], [flow, domestic]]), eps=eps)
    players = [problem.instrument("HOM", ["FOR"]), problem.instrument("FOR", ["HOM"])]
    result = nash_tariffs(problem, players, tol=1e-12, xtol=1e-8)
    assert result.converged
    assert result.values["HOM"][0] == pytest.approx(result.values["FOR"][0], abs=1e-5)
    assert result.welfare["HOM"] < 0
    assert result.welfare["FOR"] < 0
