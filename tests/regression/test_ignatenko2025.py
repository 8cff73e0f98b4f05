"""Published figures of Ignatenko, Macedoni, Lashkaripour & Simonovska (2025).

"Making America Great Again? The Economic Impacts of Liberation Day Tariffs", Journal of
International Economics (2025). Every figure is reproduced by solving the model on the paper's
194-country BACI 2023 data (``shared/data/liberation_day_ignatenko2025``).

Tolerance: the paper prints welfare and employment to two decimals and the deficit, trade and
price changes to one. A reproduction matches when it rounds to the printed figure, i.e. lies
within half a unit of the last printed digit; the model is solved to a relative residual of
1e-10, so solver error is far below that band and any miss is a modelling difference.
"""

from __future__ import annotations

import pytest

from tradewinds.replication.ignatenko2025 import case_records, run_case

pytestmark = pytest.mark.regression


@pytest.fixture(scope="module")
def solved(shared_data):
    folder = shared_data / "data" / "liberation_day_ignatenko2025"
    cache: dict[str, dict[tuple[str, str], float]] = {}

    def get(case: str) -> dict[tuple[str, str], float]:
        if case not in cache:
            records = case_records(run_case(case, folder))
            cache[case] = {
                (r.country, r.metric): float(r.value) for r in records.itertuples(index=False)
            }
        return cache[case]

    return get


def _matches(value: float, published: float, decimals: int) -> None:
    half = 0.5 * 10.0**-decimals
    assert abs(value - published) <= half + 1e-12, (
        f"reproduced {value:.4f} does not round to the published {published}"
    )


@pytest.mark.parametrize(
    ("metric", "published", "decimals"),
    [
        ("welfare_pct", 1.13, 2),
        ("deficit_pct", -18.1, 1),
        ("exports_gdp_pct", -52.7, 1),
        ("imports_gdp_pct", -43.6, 1),
        ("employment_pct", 0.32, 2),
        ("prices_pct", 12.8, 1),
    ],
)
def test_case_1_usa(solved, metric, published, decimals):
    """Table 1, case 1 (USTR tariffs + income-tax relief + no retaliation), row USA.

    Printed to two decimals (welfare, employment) or one (deficit, exports/GDP, imports/GDP,
    prices); tolerance half a unit of the last printed digit.
    """
    _matches(solved("1")[("USA", metric)], published, decimals)


@pytest.mark.parametrize(
    ("metric", "published"), [("welfare_pct", -0.58), ("employment_pct", -0.14)]
)
def test_case_1_non_us_average(solved, metric, published):
    """Table 1, case 1, row "non-US (average)": weighted by baseline expenditure.

    Printed to two decimals; tolerance 0.005.
    """
    _matches(solved("1")[("NON_USA", metric)], published, 2)


def test_case_2_usa_welfare(solved):
    """Table 1, case 2 (USTR tariffs + lump-sum rebate + no retaliation), USA welfare -0.01%.

    Printed to two decimals; tolerance 0.005.
    """
    _matches(solved("2")[("USA", "welfare_pct")], -0.01, 2)


def test_reciprocal_retaliation_usa_welfare(solved):
    """Table 2, panel (1) (USTR tariff + reciprocal retaliation), USA welfare -0.36%.

    Printed to two decimals; tolerance 0.005.
    """
    _matches(solved("reciprocal")[("USA", "welfare_pct")], -0.36, 2)


def test_eps8_usa_welfare(solved):
    """Table 9, alternative 3 (trade elasticity 8), USA welfare +0.33%.

    Printed to two decimals; tolerance 0.005. The published figure keeps the scale elasticity
    psi and the pass-through parameter theta at their eps = 4 values (as the replication code
    does); recomputing them from eps = 8 gives +0.34% instead (documented in
    docs/ignatenko2025.md).
    """
    _matches(solved("eps8")[("USA", "welfare_pct")], 0.33, 2)
