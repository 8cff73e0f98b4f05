"""Optimal tariffs: closed forms, the vector search, warm starts and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tests.unit.policy_fakes import fake_problem, rate
from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.data.baseline import make_baseline
from tradewinds.models.onesector import OneSectorModel
from tradewinds.policy.optimal import optimal_tariffs, uniform_tariff_formula
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.scenarios.strategy import tariff_problem

EPS = 4.0


def two_country(flows: list[list[float]], foreign_tariff: float = 0.0) -> xr.Dataset:
    """HOM and FOR with balanced trade (equal off-diagonal flows), one sector."""
    labels = ["HOM", "FOR"]
    coords = {dims.EXPORTER: labels, dims.IMPORTER: labels}
    trade = xr.DataArray(np.array(flows, float), dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    t = np.zeros((2, 2))
    t[0, 1] = foreign_tariff  # FOR's tariff on goods from HOM
    tariff = xr.DataArray(t, dims=(dims.EXPORTER, dims.IMPORTER), coords=coords)
    return make_baseline(trade, tariff, units="test units", year=2000, source="synthetic")


def problem_for(baseline: xr.Dataset, eps: float = EPS, closure: str = "fixed"):
    spec = parse_scenario(
        {"title": "test", "model": {"name": "one-sector", "eps": eps, "closure": closure}}
    )
    return tariff_problem(spec, baseline)[0]


@pytest.mark.parametrize(
    ("flows", "foreign_tariff"),
    [
        ([[100.0, 10.0], [10.0, 50.0]], 0.0),  # large home, fairly open foreign
        ([[1000.0, 1.0], [1.0, 50.0]], 0.0),  # home nearly closed
        ([[60.0, 20.0], [20.0, 60.0]], 0.0),  # symmetric
        ([[5.0, 10.0], [10.0, 500.0]], 0.0),  # small open home: t* -> 1/(eps lambda_FF)
        ([[100.0, 10.0], [10.0, 50.0]], 0.3),  # foreign keeps a 30% tariff on home goods
    ],
)
def test_two_country_optimum_matches_closed_form(flows, foreign_tariff):
    """Numerical optimum = t* = (1 - m_F lambda_HF) / (eps lambda_FF) (docs/strategy.md, eq. O3).

    The formula is a fixed point in the equilibrium shares, so it is evaluated at the optimum.
    Tolerance 1e-5: welfare is flat at its maximum, so Brent can place the argmax only to
    about sqrt(2 dW / |W''|), with welfare noise dW ~ 1e-13 from solves at 1e-12 and curvature
    |W''| >= 0.01 in these worlds: a few 1e-6. A wrong formula (ignoring the foreign tariff,
    1/(eps lambda_FF)) misses by more than 1e-3.
    """
    problem = problem_for(two_country(flows, foreign_tariff))
    inst = problem.instrument("HOM", ["FOR"])
    result = optimal_tariffs(problem, [inst], xtol=1e-8)
    tariff = inst.apply(problem.tariff, result.values)
    closed = uniform_tariff_formula(result.equilibrium, tariff, "HOM", EPS)
    assert result.values[0] == pytest.approx(closed, abs=1e-5)
    assert result.gain > 0
    assert result.welfare["FOR"] < result.welfare_start["FOR"]
    if foreign_tariff:
        lam = result.equilibrium.bilateral["trade"].isel({dims.SECTOR: 0})
        gross_ff = float(lam.sel(exporter="FOR", importer="FOR"))
        gross_hf = float(lam.sel(exporter="HOM", importer="FOR")) * (1 + foreign_tariff)
        naive = (gross_ff + gross_hf) / (EPS * gross_ff)
        assert abs(result.values[0] - naive) > 1e-3


def test_small_country_optimal_tariff_tends_to_one_over_eps():
    """A tiny home whose exports are a negligible share of foreign spending: t* -> 1/eps.

    lambda_FF = 1 - 1e-6 here, so t* = 1/(eps lambda_FF) differs from 1/eps by 2.5e-7; the
    argmax is placed to a few 1e-6 (see the test above), hence 1e-5.
    """
    problem = problem_for(two_country([[1.0, 1.0], [1.0, 1e6]]))
    result = optimal_tariffs(problem, [problem.instrument("HOM", ["FOR"])], xtol=1e-8)
    assert result.values[0] == pytest.approx(1 / EPS, abs=1e-5)


def test_many_country_formula_is_close_on_default():
    """On the 11-region default with balanced trade the sufficient statistic is approximate.

    The formula holds other countries' relative wages fixed, so it is not exact with many
    countries; on this baseline the gap is below half a percentage point for Canada.
    """
    spec = parse_scenario({"title": "t", "model": {"name": "one-sector", "closure": "balanced"}})
    problem = tariff_problem(spec)[0]
    inst = problem.instrument("CAN")
    result = optimal_tariffs(problem, [inst])
    closed = uniform_tariff_formula(
        result.equilibrium, inst.apply(problem.tariff, result.values), "CAN", 4.0
    )
    assert abs(result.values[0] - closed) < 0.005


def test_vector_search_agrees_with_scalar_search():
    """L-BFGS-B over two countries' rates, with all weight on HOM, finds HOM's scalar optimum.

    FOR's own tariff only hurts HOM, so L-BFGS-B must push it to the lower bound 0 and set
    HOM's rate to the bounded-Brent answer. Tolerance 1e-5: central differences on solves at
    1e-12 give gradients accurate to ~1e-7, and L-BFGS-B stops at gtol 1e-8.
    """
    problem = problem_for(two_country([[100.0, 10.0], [10.0, 50.0]]))
    home = problem.instrument("HOM", ["FOR"])
    scalar = optimal_tariffs(problem, [home], xtol=1e-8)
    both = optimal_tariffs(
        problem, [home, problem.instrument("FOR", ["HOM"])], {"HOM": 1.0, "FOR": 0.0}
    )
    assert both.values[0] == pytest.approx(scalar.values[0], abs=1e-5)
    assert both.values[1] == pytest.approx(0.0, abs=1e-6)
    assert "L-BFGS-B" in both.method


def test_by_sector_search_finds_each_sector_target():
    """A known concave payoff with a different optimum per sector (a fake model)."""
    targets = {"a": 0.1, "b": 0.25, "c": 0.4}

    def payoff(t):
        loss = sum((rate(t, "FOR", "HOM", k) - v) ** 2 for k, v in enumerate(targets.values()))
        return {"HOM": -loss, "FOR": loss}

    problem = fake_problem(["HOM", "FOR"], list(targets), payoff)
    inst = problem.instrument("HOM", by_sector=True)
    result = optimal_tariffs(problem, [inst], bounds=(0.0, 1.0))
    np.testing.assert_allclose(result.values, list(targets.values()), atol=1e-5)
    records = result.tariff_records()
    assert list(records["sector"]) == list(targets)


def test_optimum_at_bound_is_returned_at_the_bound():
    """A payoff increasing in the tariff: the search stops at the explicit upper bound."""
    problem = fake_problem(["HOM", "FOR"], ["TOTAL"], lambda t: {"HOM": rate(t, "FOR", "HOM")})
    result = optimal_tariffs(problem, [problem.instrument("HOM")], bounds=(0.0, 0.5))
    assert result.values[0] == pytest.approx(0.5, abs=1e-5)


def test_warm_start_changes_path_not_answer():
    """wage_hat0 from a nearby solution gives the same equilibrium in fewer Newton steps."""
    baseline = two_country([[100.0, 10.0], [10.0, 50.0]])
    model = OneSectorModel(eps=EPS, tol=1e-12)
    t1 = baseline[dims.TARIFF].copy()
    t1.loc[{dims.EXPORTER: "FOR", dims.IMPORTER: "HOM"}] = 0.25
    t2 = t1.copy()
    t2.loc[{dims.EXPORTER: "FOR", dims.IMPORTER: "HOM"}] = 0.2501
    first = model.solve(baseline, t1)
    cold = model.solve(baseline, t2)
    warm = model.solve(baseline, t2, wage_hat0=first.country["wage_hat"].values)
    np.testing.assert_allclose(
        warm.country["welfare_hat"].values, cold.country["welfare_hat"].values, rtol=1e-11
    )
    assert warm.report.iterations < cold.report.iterations
    with pytest.raises(ScenarioError, match="Warm start"):
        model.solve(baseline, t2, wage_hat0=np.array([1.0, -1.0]))


def test_bad_input_is_one_clear_error():
    problem = problem_for(two_country([[100.0, 10.0], [10.0, 50.0]]))
    with pytest.raises(UnknownLabelError, match="'HMO'"):
        problem.instrument("HMO")
    with pytest.raises(UnknownLabelError, match="--against"):
        problem.instrument("HOM", ["XXX"])
    inst = problem.instrument("HOM")
    with pytest.raises(ScenarioError, match="bounds"):
        optimal_tariffs(problem, [inst], bounds=(0.5, 0.1))
    with pytest.raises(ScenarioError, match="weights"):
        optimal_tariffs(problem, [inst], {"HOM": -1.0})


def test_no_solution_inside_the_box_names_the_rates():
    """A model that fails above 50% makes the search fail with the offending rate, not a guess."""
    from tradewinds.core.errors import ConvergenceError
    from tradewinds.core.solver import SolverReport

    def payoff(t):
        if rate(t, "FOR", "HOM") > 0.5:
            raise ConvergenceError("fake model: no solution", SolverReport(False, 1, 1, 0, 0, "x"))
        return {"HOM": rate(t, "FOR", "HOM")}

    problem = fake_problem(["HOM", "FOR"], ["TOTAL"], payoff)
    with pytest.raises(ConvergenceError, match=r"no solution at rates \[.*%\].*narrow --bounds"):
        optimal_tariffs(problem, [problem.instrument("HOM")], bounds=(0.0, 2.0))


def test_mapped_gradient_gives_the_serial_answer():
    """Gradient coordinates sent through a mapper (as on Dask) give the serial search's answer."""
    targets = (0.1, 0.25, 0.4)

    def payoff(t):
        loss = sum((rate(t, "FOR", "HOM", k) - v) ** 2 for k, v in enumerate(targets))
        return {"HOM": -loss}

    problem = fake_problem(["HOM", "FOR"], ["a", "b", "c"], payoff)
    inst = problem.instrument("HOM", by_sector=True)
    serial = optimal_tariffs(problem, [inst], bounds=(0.0, 1.0))
    calls = []

    def mapper(fn, items):
        calls.append(len(items))
        return [fn(item) for item in items]

    mapped = optimal_tariffs(problem, [inst], bounds=(0.0, 1.0), mapper=mapper)
    assert calls
    assert set(calls) == {3}  # one task per sector
    np.testing.assert_allclose(mapped.values, serial.values, atol=1e-9)


def test_sector_subset_leaves_other_sectors_alone():
    """--sectors b: only sector b is searched; a and c keep the scenario's rates."""
    targets = (0.1, 0.25, 0.4)

    def payoff(t):
        loss = sum((rate(t, "FOR", "HOM", k) - v) ** 2 for k, v in enumerate(targets))
        return {"HOM": -loss}

    problem = fake_problem(["HOM", "FOR"], ["a", "b", "c"], payoff)
    inst = problem.instrument("HOM", sectors=["b"])
    result = optimal_tariffs(problem, [inst], bounds=(0.0, 1.0))
    assert result.values == pytest.approx([0.25], abs=1e-5)
    final = inst.apply(problem.tariff, result.values)
    assert rate(final, "FOR", "HOM", 0) == 0.0
    assert rate(final, "FOR", "HOM", 2) == 0.0
    with pytest.raises(UnknownLabelError, match="Unknown sector 'd'"):
        problem.instrument("HOM", sectors=["d"])


def test_gradient_never_leaves_the_box():
    """At a bound the difference stencil is one-sided, so a model rejecting rates < 0 works."""
    targets = (0.0, 0.3)

    def payoff(t):
        rates = [rate(t, "FOR", "HOM", k) for k in range(2)]
        if min(rates) < 0:
            raise ScenarioError("negative tariff")
        return {"HOM": -sum((r - v) ** 2 for r, v in zip(rates, targets, strict=True))}

    problem = fake_problem(["HOM", "FOR"], ["a", "b"], payoff)
    result = optimal_tariffs(problem, [problem.instrument("HOM", by_sector=True)])
    np.testing.assert_allclose(result.values, targets, atol=1e-5)


def test_any_registered_model_plugs_in_without_a_warm_start():
    """A registered model without a warm start (ignatenko2025) is solved cold."""
    from tradewinds.models.registry import MODELS

    assert not MODELS["ignatenko2025"].warm_start
    spec = parse_scenario(
        {
            "title": "t",
            "model": {"name": "ignatenko2025"},
            "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.35}]},
        }
    )
    problem = tariff_problem(spec)[0]
    result = optimal_tariffs(problem, [problem.instrument("CAN", ["USA"])])
    assert 0.01 < result.values[0] < 1.0
    assert result.gain > 0
    assert result.welfare["USA"] < result.welfare_start["USA"]
