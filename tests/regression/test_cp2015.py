"""Caliendo & Parro (2015), "Estimates of the Trade and Welfare Effects of NAFTA", REStud 82(1).

Table 2 of the paper, reproduced by running the model on the paper's 1993 data
(``shared/data/cp2015_nafta``) with the 2005 NAFTA tariffs and zero deficits in the baseline
and counterfactual equilibria. Each figure is compared to the precision the paper prints: a
figure printed with d decimals is matched within half a unit of its last digit (plus 1e-9 for
floating point), which is exactly "rounds to the printed value".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewinds.replication.cp2015 import PUBLISHED, NaftaResult, run_nafta

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def nafta(shared_data: Path) -> NaftaResult:
    """The headline (zero-deficit) NAFTA counterfactual, solved once for the module."""
    return run_nafta(shared_data / "data" / "cp2015_nafta" / "csv", closure="balanced")


@pytest.fixture(scope="module")
def nafta_fixed(shared_data: Path) -> NaftaResult:
    """The same counterfactual with the observed 1993 deficits held fixed."""
    return run_nafta(shared_data / "data" / "cp2015_nafta" / "csv", closure="fixed")


def rounds_to(value: float, printed: float, decimals: int) -> bool:
    return abs(value - printed) <= 0.5 * 10.0**-decimals + 1e-9


@pytest.mark.parametrize(("country", "decimals"), [("CAN", 2), ("MEX", 2), ("USA", 2)])
def test_welfare(nafta: NaftaResult, country: str, decimals: int) -> None:
    """CP2015 Table 2, welfare: Canada -0.06%, Mexico +1.31%, USA +0.08% (two decimals).

    Tolerance: half a unit in the second decimal, the rounding of the printed figure.
    """
    value = float(nafta.table.loc[country, "welfare_pct"])
    assert rounds_to(value, float(PUBLISHED.loc[country, "welfare_pct"]), decimals), value


@pytest.mark.parametrize(
    ("country", "column", "decimals"),
    [
        ("CAN", "tot_pct", 3),
        ("CAN", "vot_pct", 3),
        ("CAN", "welfare_total_pct", 3),
        ("MEX", "tot_pct", 2),
        ("MEX", "vot_pct", 2),
        ("MEX", "welfare_total_pct", 2),
        ("USA", "tot_pct", 3),
        ("USA", "vot_pct", 3),
        ("USA", "welfare_total_pct", 3),
    ],
)
def test_decomposition(nafta: NaftaResult, country: str, column: str, decimals: int) -> None:
    """CP2015 Table 2, welfare decomposition (terms of trade, volume of trade, total).

    Canada -0.108 / +0.044 / -0.064, USA +0.044 / +0.041 / +0.085 (three decimals), Mexico
    -0.41 / +1.72 / +1.31 (two decimals). Tolerance: half a unit in the last printed decimal.
    """
    source = "welfare_pct" if column == "welfare_total_pct" else column
    value = float(nafta.table.loc[country, source])
    assert rounds_to(value, float(PUBLISHED.loc[country, column]), decimals), value


@pytest.mark.parametrize("country", ["CAN", "MEX", "USA"])
def test_real_wage(nafta: NaftaResult, country: str) -> None:
    """CP2015 Table 2, real wages: Canada +0.32%, Mexico +1.72%, USA +0.11% (two decimals).

    Tolerance: half a unit in the second decimal.
    """
    value = float(nafta.table.loc[country, "real_wage_pct"])
    assert rounds_to(value, float(PUBLISHED.loc[country, "real_wage_pct"]), 2), value


@pytest.mark.parametrize("country", ["CAN", "MEX", "USA"])
def test_intra_nafta_trade(nafta: NaftaResult, country: str) -> None:
    """CP2015, intra-NAFTA trade (imports from the two partners): Mexico +118%, Canada +11%, USA
    +41% (whole percent).

    Tolerance: half a percentage point, the rounding of the printed figure.
    """
    value = float(nafta.table.loc[country, "intra_nafta_trade_pct"])
    assert rounds_to(value, float(PUBLISHED.loc[country, "intra_nafta_trade_pct"]), 0), value


def test_solver_tolerance(nafta: NaftaResult) -> None:
    """The answer is an equilibrium: labour markets clear to 1e-10 of labour income."""
    assert nafta.equilibrium.report.converged
    assert nafta.equilibrium.report.max_residual <= 1e-10


def test_fixed_deficits_variant(nafta: NaftaResult, nafta_fixed: NaftaResult) -> None:
    """The fixed-deficit variant solves and keeps the paper's qualitative pattern.

    The paper prints no table for it, so this checks signs and ordering only: Mexico gains most
    and through the volume of trade, Canada loses through its terms of trade, the US gains a
    little; and the two closures differ (deficits matter), by less than half a point here.
    """
    fixed = nafta_fixed.table
    assert nafta_fixed.equilibrium.report.max_residual <= 1e-10
    assert fixed.loc["MEX", "welfare_pct"] > fixed.loc["USA", "welfare_pct"] > 0
    assert fixed.loc["CAN", "tot_pct"] < 0 < fixed.loc["MEX", "vot_pct"]
    gap = (fixed["welfare_pct"] - nafta.table["welfare_pct"]).abs()
    assert 1e-4 < gap.max() < 0.5


def test_two_welfare_measures_differ_for_mexico(nafta: NaftaResult) -> None:
    """The decomposition and the exact real-income change are different numbers (see docs)."""
    table = nafta.table
    assert abs(table.loc["MEX", "welfare_pct"] - table.loc["MEX", "real_income_pct"]) > 1.0


def test_decomposition_is_first_order_exact(shared_data: Path) -> None:
    """An independent check of the decomposition: for a small fraction eps of the NAFTA tariff
    change, CP2015's welfare and the exact real-income change agree to first order.

    With eps = 0.001 the second-order gap is about eps times the gap at eps = 1 (1.3 points for
    Mexico), i.e. about 0.001 points per unit of eps; the tolerance (2% of Mexico's first-order
    effect, 0.6% per unit eps) leaves room for that and nothing more.
    """
    from tradewinds.data.multisector_loaders import load_cp2015
    from tradewinds.models.multisector import MultiSectorModel

    baseline, tariff_2005 = load_cp2015(shared_data / "data" / "cp2015_nafta" / "csv")
    eps = 1e-3
    small = baseline["tariff"] + eps * (tariff_2005 - baseline["tariff"])
    eq = MultiSectorModel(tol=1e-12).solve(baseline, small)
    country = eq.country.sel(country=["CAN", "MEX", "USA"])
    decomposition = (country["welfare_hat"].values - 1) / eps
    exact = (country["real_income_hat"].values - 1) / eps
    assert abs(decomposition[1] - exact[1]) < 0.02 * abs(exact[1])
    assert max(abs(decomposition - exact)) < 1.2e-4
