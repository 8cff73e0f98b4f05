"""Our rates on the Budget Lab's partner groups: the groups cover every partner, as theirs do."""

from __future__ import annotations

import pytest

from tradewinds.core.errors import ScenarioError
from tradewinds.measures import comparison, etr


@pytest.fixture(scope="module")
def groups() -> list[comparison.GroupRow]:
    return comparison.budget_lab_groups("2026-02-25", "2024")


def test_group_shares_match_the_budget_labs(groups):
    """Same 2024 import shares by group (their file, 6 decimals): the mapping is theirs."""
    assert sum(g.share for g in groups) == pytest.approx(1.0)
    for g in groups:
        assert g.share == pytest.approx(comparison.BUDGET_LAB_SHARES[g.group], abs=5e-4), g.group


def test_groups_add_up_to_the_us_wide_rate_and_gap(groups):
    us_wide = etr.point("ALL", comparison.dt.date(2026, 2, 25), "2024")
    total = sum(g.share * g.ours for g in groups)
    assert total == pytest.approx(100 * float(str(us_wide["effective_rate"])), abs=1e-3)
    theirs = sum(g.share * g.budget_lab for g in groups)
    assert sum(g.contribution for g in groups) == pytest.approx(total - theirs)
    can = next(g for g in groups if g.group == "canada")
    assert sum(can.by_authority.values()) == pytest.approx(can.ours, abs=0.05)


def test_a_date_the_budget_lab_did_not_publish_is_refused():
    with pytest.raises(ScenarioError, match="2025-03-17"):
        comparison.budget_lab_groups("2025-09-01")
