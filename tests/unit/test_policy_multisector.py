"""By-sector tariffs on the multi-sector model, on a small synthetic economy."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tradewinds.core import dims
from tradewinds.data.baseline import make_baseline
from tradewinds.policy.nash import nash_tariffs
from tradewinds.policy.optimal import optimal_tariffs
from tradewinds.scenarios.runner import MODELS
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.scenarios.strategy import tariff_problem

COUNTRIES = ["AAA", "BBB", "CCC"]
SECTORS = ["farm", "metal", "care"]  # care is non-traded


def economy() -> xr.Dataset:
    """Three countries, two traded sectors and one non-traded, balanced, with I-O links."""
    n, s = len(COUNTRIES), len(SECTORS)
    flows = np.zeros((n, n, s))
    flows[:, :, 0] = [[120.0, 10.0, 8.0], [10.0, 90.0, 6.0], [8.0, 6.0, 150.0]]
    flows[:, :, 1] = [[80.0, 12.0, 5.0], [12.0, 110.0, 9.0], [5.0, 9.0, 70.0]]
    flows[:, :, 2] = np.diag([200.0, 180.0, 160.0])
    io = np.array([[0.10, 0.05, 0.05], [0.10, 0.20, 0.05], [0.05, 0.05, 0.10]])
    coords = {dims.EXPORTER: COUNTRIES, dims.IMPORTER: COUNTRIES, dims.SECTOR: SECTORS}
    trade = xr.DataArray(flows, dims=tuple(coords), coords=coords)
    io_share = xr.DataArray(
        np.broadcast_to(io, (n, s, s)).copy(),
        dims=(dims.EXPORTER, dims.INPUT_SECTOR, dims.SECTOR),
        coords={dims.EXPORTER: COUNTRIES, dims.INPUT_SECTOR: SECTORS, dims.SECTOR: SECTORS},
    )
    sales = trade.sum(dims.IMPORTER)
    final = np.array([[0.3, 0.3, 0.4]] * n)
    return make_baseline(
        trade,
        xr.zeros_like(trade),
        units="u",
        year=2020,
        source="synthetic",
        value_added=sales * (1 - io_share.sum(dims.INPUT_SECTOR)),
        io_share=io_share,
        final_share=xr.DataArray(
            final,
            dims=(dims.IMPORTER, dims.SECTOR),
            coords={dims.IMPORTER: COUNTRIES, dims.SECTOR: SECTORS},
        ),
        trade_elasticity=xr.DataArray(
            [5.0, 8.0, 5.0], dims=dims.SECTOR, coords={dims.SECTOR: SECTORS}
        ),
    )


@pytest.fixture(scope="module")
def problem():
    spec = parse_scenario({"title": "t", "model": {"name": "multi-sector"}})
    return tariff_problem(spec, economy())[0]


def test_by_sector_optimum_does_at_least_as_well_as_uniform(problem):
    """Sector rates include the uniform rate as a special case, so they can only do better.

    1e-9 allows for the two searches' own tolerances on a flat optimum.
    """
    uniform = optimal_tariffs(problem, [problem.instrument("AAA", ["BBB"])], bounds=(0.0, 1.0))
    by_sector = optimal_tariffs(
        problem, [problem.instrument("AAA", ["BBB"], by_sector=True)], bounds=(0.0, 1.0)
    )
    assert by_sector.values.shape == (len(SECTORS),)
    assert by_sector.objective >= uniform.objective - 1e-9
    assert by_sector.gain > 0
    # Traded sectors get interior rates; the non-traded sector's rate does not matter.
    assert np.all((by_sector.values[:2] > 0.01) & (by_sector.values[:2] < 0.99))


def test_by_sector_war_between_two_countries(problem):
    """Two players with a rate each on the two traded sectors reach an interior equilibrium."""
    players = [
        problem.instrument("AAA", ["BBB"], sectors=["farm", "metal"]),
        problem.instrument("BBB", ["AAA"], sectors=["farm", "metal"]),
    ]
    result = nash_tariffs(problem, players, bounds=(0.0, 1.0), max_rounds=15)
    assert result.converged, result.message()
    assert max(result.path[-1].gain.values()) <= result.tol
    for player in ("AAA", "BBB"):
        assert result.values[player].shape == (2,)
        assert np.all((result.values[player] > 0.01) & (result.values[player] < 0.99))
        assert result.welfare[player] < 0  # a tariff war costs both


def test_one_sector_collapse_gives_the_closed_form_tariff():
    """The multi-sector model on a one-sector, no-I-O, two-country world: t* solves (O3).

    The search maximises the model's exact real income (``real_income_hat``), not its
    first-order CP2015 decomposition. Tolerance 1e-5 as in the one-sector test.
    """
    from tests.unit.test_policy_optimal import two_country
    from tradewinds.policy.optimal import uniform_tariff_formula

    spec = parse_scenario({"title": "t", "model": {"name": "multi-sector", "theta": 4.0}})
    problem = tariff_problem(spec, two_country([[100.0, 10.0], [10.0, 50.0]]))[0]
    assert problem.metric == "real_income_hat"
    inst = problem.instrument("HOM", ["FOR"])
    result = optimal_tariffs(problem, [inst], xtol=1e-8)
    closed = uniform_tariff_formula(
        result.equilibrium, inst.apply(problem.tariff, result.values), "HOM", 4.0
    )
    assert result.values[0] == pytest.approx(closed, abs=1e-5)


def test_warm_solver_is_registered_and_matches_a_cold_solve(problem):
    """The multi-sector warm solver reuses one prepared baseline and agrees with MODELS' solve.

    Strategy solves run at the policy tolerance; the cold solve to compare iterations with runs
    at the same tolerance.
    """
    from tradewinds.models.multisector import MultiSectorModel
    from tradewinds.models.registry import MODELS as REGISTRY
    from tradewinds.scenarios.strategy import POLICY_TOL

    model = REGISTRY["multi-sector"]
    assert model.warm_start
    spec = parse_scenario({"title": "t", "model": {"name": "multi-sector"}})
    base = economy()
    tariff = base[dims.TARIFF].copy()
    tariff.loc[{dims.EXPORTER: "BBB", dims.IMPORTER: "AAA"}] = 0.2
    cost = xr.ones_like(tariff)
    first = model.solve(spec.model, base, tariff, cost, tol=POLICY_TOL)
    tariff.loc[{dims.EXPORTER: "CCC", dims.IMPORTER: "AAA"}] = 0.25
    warm = model.solve(spec.model, base, tariff, cost, warm=first, tol=POLICY_TOL)
    cold = MODELS["multi-sector"](spec.model, base, tariff, cost)
    np.testing.assert_allclose(
        warm.country["real_income_hat"], cold.country["real_income_hat"], rtol=0, atol=1e-9
    )
    assert warm.report.tolerance == POLICY_TOL
    tight = MultiSectorModel(tol=POLICY_TOL).solve(base, tariff, cost)
    assert warm.report.iterations < tight.report.iterations
