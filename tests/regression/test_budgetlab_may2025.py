"""Yale Budget Lab, "State of U.S. Tariffs: May 12, 2025", Table 2.

Table 2 gives the change in the average effective US tariff rate from new 2025 policy through
May 12, pre-substitution: Canada 17.2 points, Mexico 14.7 points
(https://budgetlab.yale.edu/research/state-us-tariffs-may-12-2025, as quoted at
https://www.apricitas.io/p/trumps-retreat-still-leaves-tariffs). The Budget Lab weights by 2024
imports with pre-tariff USMCA utilisation, so we compare our 2024-share rate on 2025-05-12 minus
the rate on 2025-01-15 (same weights, policy before 2025 measures).

Tolerance 1 point: figures are rounded to 0.1, and product lists (energy, derivatives, auto
parts) and metal-content shares differ between implementations at the level of a few tenths.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tradewinds.measures import etr

pytestmark = pytest.mark.regression


def _change(country: str) -> float:
    after = etr.point(country, dt.date(2025, 5, 12), "2024")["effective_rate"]
    before = etr.point(country, dt.date(2025, 1, 15), "2024")["effective_rate"]
    return 100 * (after - before)


def test_mexico_change_matches_budget_lab():
    assert _change("MEX") == pytest.approx(14.7, abs=1.0)


@pytest.mark.xfail(
    reason="Known gap: we get about 13.0 points for Canada against 17.2; not yet traced "
    "(candidates: energy carve-out list and USMCA shares on energy lines). See docs/etr-methods.md."
)
def test_canada_change_matches_budget_lab():
    assert _change("CAN") == pytest.approx(17.2, abs=1.0)
