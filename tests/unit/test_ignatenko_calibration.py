"""Calibration and baseline construction of Ignatenko et al. (2025)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import fsolve

from tradewinds.core.errors import ConvergenceError, DataError
from tradewinds.data.liberation_day import read_liberation_day
from tradewinds.models.ignatenko import (
    build_baseline,
    calibrate_nu,
    optimal_retaliation_rate,
    optimal_us_rate,
    pass_through,
)
from tradewinds.models.ignatenko.calibration import NU_TARGETS, two_regions


def _moments(nu_other: float, nu_us: float, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """The note's two moment conditions, written out region by region (1 = non-US, 2 = US)."""
    nu = {1: nu_other, 2: nu_us}
    x = {(1, 1): x2[0, 0], (1, 2): x2[0, 1], (2, 1): x2[1, 0], (2, 2): x2[1, 1]}
    spend = {}
    for r in (1, 2):
        imports = x[(1, r)] + x[(2, r)]
        sold = (1 - nu[1]) * x[(r, 1)] + (1 - nu[2]) * x[(r, 2)]
        spend[r] = y2[r - 1] + (1 - nu[r]) * (imports - sold)
    r11 = (spend[1] - x[(2, 1)]) / (spend[1] - x[(2, 1)] + x[(1, 2)])
    r22 = (spend[2] - x[(1, 2)]) / (spend[2] - x[(1, 2)] + x[(2, 1)])
    return np.array(
        [
            (1 - r11) * nu_us + r11 * nu_other - NU_TARGETS[0],
            r22 * nu_us + (1 - r22) * nu_other - NU_TARGETS[1],
        ]
    )


@pytest.fixture(scope="module")
def data(shared_data):
    return read_liberation_day(shared_data / "data" / "liberation_day_ignatenko2025")


def _small(seed: int = 0, n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    trade = rng.uniform(1, 10, (n, n))
    np.fill_diagonal(trade, 0)
    gdp = trade.sum(axis=1) * rng.uniform(3, 6, n)
    return trade, gdp


def test_nu_solves_the_moment_conditions_on_the_paper_data(data):
    us = data.index("USA")
    nu_other, nu_us = calibrate_nu(data.trade, data.gdp, us)
    x2 = two_regions(data.trade, us)
    y2 = np.array([data.gdp.sum() - data.gdp[us], data.gdp[us]])
    assert np.max(np.abs(_moments(nu_other, nu_us, x2, y2))) < 1e-13
    # the US margin is the larger one and both are interior, as the targets 0.12 < 0.26 imply
    assert 0 < nu_other < NU_TARGETS[0] < NU_TARGETS[1] < nu_us < 1


def test_nu_matches_an_independent_root_finder():
    trade, gdp = _small()
    x2 = two_regions(trade, 2)
    y2 = np.array([gdp.sum() - gdp[2], gdp[2]])
    ref = fsolve(lambda v: _moments(v[0], v[1], x2, y2), [0.1, 0.2], xtol=1e-14)
    ours = calibrate_nu(trade, gdp, 2)
    np.testing.assert_allclose(ours, np.maximum(ref, 0), rtol=0, atol=1e-12)


def test_baseline_accounting_identities(data):
    us = data.index("USA")
    base = build_baseline(data.trade, data.gdp, us)
    x = base.trade
    np.testing.assert_allclose(base.expenditure, x.sum(axis=0), rtol=1e-14)
    income = (x * (1 - base.nu)[None, :]).sum(axis=1) + base.nu * x.sum(axis=0)
    np.testing.assert_allclose(base.income, income, rtol=1e-14)
    np.testing.assert_allclose(base.transfers, base.expenditure - base.income, rtol=1e-12)
    # transfers are redistributions: they sum to zero across the world
    assert abs(base.transfers.sum()) < 1e-10 * base.income.sum()
    np.testing.assert_allclose(base.shares.sum(axis=0), 1.0, rtol=1e-13)
    # off-diagonal flows are the data; domestic absorption is Y + T(step 3) - imports
    off = ~np.eye(base.size, dtype=bool)
    np.testing.assert_array_equal(x[off], data.trade[off])
    nu = base.nu
    imports = data.trade.sum(axis=0)
    t3 = (1 - nu) * (imports - (data.trade * (1 - nu)[None, :]).sum(axis=1))
    np.testing.assert_allclose(np.diag(x), np.maximum(data.gdp + t3 - imports, 0), rtol=1e-13)
    assert set(np.flatnonzero(data.gdp + t3 - imports < 0)) == set(base.clipped)
    assert base.nu[us] == base.nu_us
    assert np.all(np.delete(base.nu, us) == base.nu_other)


def test_pass_through_formula():
    nu = np.array([0.0, 0.1143, 0.2705])
    theta = 4 / 0.67
    phi = pass_through(nu, theta)
    # with nu = 0 the markup term vanishes: phi~ = (1 + theta)/theta - 1/theta - 1 = 0
    assert phi[0] == pytest.approx(1.0, abs=1e-15)
    expected = 1 + (1 + theta) / ((1 - nu) * theta) - 1 / theta - 1
    np.testing.assert_allclose(phi, expected, rtol=1e-15)
    np.testing.assert_allclose(pass_through(nu, theta, 0.25), phi - 0.75, rtol=1e-15)


def test_optimal_rates_match_a_loop_implementation():
    trade, gdp = _small(3, 6)
    base = build_baseline(trade, gdp, 4)
    x, nu, us, eps, phi = base.trade, base.nu, base.us, 4.0, 1.2
    lam = x / x.sum(axis=0)
    top = sum(x[us, c] * (1 - nu[c]) * (1 - lam[us, c]) for c in range(6) if c != us)
    for name, z in (("expenditure", base.expenditure), ("income", base.income)):
        delta = top / ((1 - nu[us]) * (z[us] - x[us, us]))
        assert optimal_us_rate(base, eps, phi, name) == pytest.approx(
            1 / ((1 + delta * eps) * phi - 1), rel=1e-13
        )
    # two regions: r = non-US
    non = [k for k in range(6) if k != us]
    x11 = x[np.ix_(non, non)].sum()
    x12 = x[non, us].sum()
    x22 = x[us, us]
    y1 = base.income[non].sum()
    lam12 = x12 / (x12 + x22)
    delta = x12 * (1 - base.nu_us) * (1 - lam12) / ((1 - base.nu_other) * (y1 - x11))
    assert optimal_retaliation_rate(base, eps, phi) == pytest.approx(
        1 / ((1 + delta * eps) * phi - 1), rel=1e-13
    )


def test_bad_inputs_raise_data_errors():
    trade, gdp = _small()
    with pytest.raises(DataError, match="shape"):
        build_baseline(trade[:4], gdp, 0)
    bad = gdp.copy()
    bad[1] = 0
    with pytest.raises(DataError, match="position 1"):
        build_baseline(trade, bad, 0)
    with pytest.raises(DataError, match="outside"):
        build_baseline(trade, gdp, 9)


def test_calibration_without_solution_explains_itself():
    # a small US that buys far more abroad than it earns: no nu meets both moments
    rng = np.random.default_rng(29)
    trade = rng.lognormal(1.0, 1.0, (5, 5))
    np.fill_diagonal(trade, 0)
    gdp = trade.sum(axis=1) * rng.uniform(1.5, 8, 5)
    with pytest.raises(ConvergenceError, match="cannot be calibrated") as info:
        calibrate_nu(trade, gdp, 2)
    assert not info.value.report.converged
