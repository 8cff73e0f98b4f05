"""The adjoint gradient of weighted real income in the multi-sector model.

Checked against central differences of the model's own ``real_income_hat`` on a small economy
with input-output links, baseline tariffs, deficits and a non-traded sector, under every
closure; then used in a by-sector search, which must land where the finite-difference search
lands and satisfy the first-order conditions there.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import xarray as xr

from tests.unit.test_multisector import COUNTRIES, multi_sector_baseline, tariff_war
from tests.unit.test_policy_multisector import economy
from tradewinds.core import dims
from tradewinds.core.errors import UnknownLabelError
from tradewinds.models.multisector import MultiSectorModel
from tradewinds.models.registry import MODELS
from tradewinds.policy.optimal import optimal_tariffs
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.scenarios.strategy import tariff_problem

#: Solver tolerance of the finite-difference reference (the model's residual test).
TOL = 1e-13
#: Central-difference step in tariff-rate units.
STEP = 1e-5
WEIGHTS = {"AAA": 1.0, "CCC": 0.5, "DDD": 2.0}


def objective(eq: object, weights: dict[str, float]) -> float:
    ri = eq.country["real_income_hat"]  # type: ignore[attr-defined]
    return float(sum(w * (float(ri.sel({dims.COUNTRY: c})) - 1) for c, w in weights.items()))


@pytest.mark.parametrize("closure", ["balanced", "fixed", "ratio"])
def test_gradient_matches_central_differences(closure: str) -> None:
    """Every one of the 48 tariff cells, including domestic and non-traded ones.

    The reference's error is its truncation, about STEP^2 |W'''| (1e-10 here), plus solver
    noise, at most about 2 * TOL / STEP = 2e-8; 1e-7 is five times that bound, against
    gradients of order 0.1 (a wrong term in the adjoint shows up at 1e-3 or more).
    """
    base = multi_sector_baseline()
    prepared = MultiSectorModel(closure=closure, tol=TOL).prepare(base)
    tariff = tariff_war(base)
    cost = xr.full_like(tariff, 1.0)
    cost.loc[{dims.EXPORTER: "DDD", dims.IMPORTER: "BBB"}] = 0.9
    eq, grad = prepared.real_income_gradient(tariff, cost, weights=WEIGHTS)
    plain = prepared.solve(tariff, cost)
    np.testing.assert_allclose(
        eq.country["real_income_hat"], plain.country["real_income_hat"], rtol=0, atol=1e-12
    )
    assert grad.dims == (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    reference = xr.zeros_like(grad)
    for cell in np.ndindex(*grad.shape):
        where = {d: grad[d].values[k] for d, k in zip(grad.dims, cell, strict=True)}
        up, down = tariff.copy(), tariff.copy()
        up.loc[where] += STEP
        down.loc[where] -= STEP
        reference.loc[where] = (
            objective(prepared.solve(up, cost), WEIGHTS)
            - objective(prepared.solve(down, cost), WEIGHTS)
        ) / (2 * STEP)
    assert float(np.abs(reference).max()) > 1e-2  # the check has something to check
    np.testing.assert_allclose(grad, reference, rtol=0, atol=1e-7)


def test_gradient_rejects_unknown_weight_labels() -> None:
    prepared = MultiSectorModel().prepare(multi_sector_baseline())
    with pytest.raises(UnknownLabelError, match="ZZZ"):
        prepared.real_income_gradient(weights={"ZZZ": 1.0})


def test_gradient_is_zero_for_zero_weights_and_linear_in_them() -> None:
    base = multi_sector_baseline()
    prepared = MultiSectorModel(tol=TOL).prepare(base)
    tariff = tariff_war(base)
    _, none = prepared.real_income_gradient(tariff, weights=dict.fromkeys(COUNTRIES, 0.0))
    assert float(np.abs(none).max()) == 0.0
    _, a = prepared.real_income_gradient(tariff, weights={"AAA": 1.0})
    _, b = prepared.real_income_gradient(tariff, weights={"BBB": 1.0})
    _, ab = prepared.real_income_gradient(tariff, weights={"AAA": 2.0, "BBB": -1.0})
    np.testing.assert_allclose(ab, 2 * a - b, rtol=0, atol=1e-11)


def test_search_with_the_adjoint_lands_where_finite_differences_land() -> None:
    """AAA's by-sector best response, with the model's gradient and with central differences.

    Both stop when L-BFGS-B's projected gradient falls below 1e-6 (scaled units); the
    finite-difference search's own gradient error (about 1e-8) and that stopping rule let its
    optimum sit up to about 1e-6 from the exact one (8e-7 measured), so 1e-5. At the adjoint
    search's optimum the exact gradient along each interior rate is below the stopping rule's
    1e-6 (1e-8 measured).
    """
    assert MODELS["multi-sector"].has_gradient
    spec = parse_scenario({"title": "t", "model": {"name": "multi-sector"}})
    problem = tariff_problem(spec, economy())[0]
    assert problem.gradient is not None
    inst = problem.instrument("AAA", ["BBB", "CCC"], sectors=["farm", "metal"])
    adjoint = optimal_tariffs(problem, [inst], bounds=(0.0, 1.0))
    numeric = optimal_tariffs(
        dataclasses.replace(problem, gradient=None), [inst], bounds=(0.0, 1.0)
    )
    assert adjoint.method == "L-BFGS-B (adjoint gradient)"
    assert numeric.method == "L-BFGS-B (central-difference gradient)"
    np.testing.assert_allclose(adjoint.values, numeric.values, rtol=0, atol=1e-5)
    assert adjoint.objective == pytest.approx(numeric.objective, abs=1e-9)
    assert adjoint.evaluations < numeric.evaluations / 2
    _, grad = problem.evaluate_gradient(inst.apply(problem.tariff, adjoint.values), {"AAA": 1.0})
    assert np.all((adjoint.values > 0.01) & (adjoint.values < 0.99))
    np.testing.assert_allclose(inst.project(grad), 0.0, atol=1e-6)
