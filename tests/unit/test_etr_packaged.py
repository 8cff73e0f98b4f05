"""Effective rates from the duty-line snapshot equal those from the loaded registry.

:func:`tradewinds.measures.etr.point` without a registry reads the packaged measures in force,
their rules and their code masks from the duty-line snapshot
(:mod:`tradewinds.measures.packaged`); with one it uses the registry's own ``in_force``,
``rules_on`` and scope masks. Both go through the same columnar engine, so the answers must be
identical, not close: the dictionaries are compared with ``==``.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from tradewinds.measures import etr, packaged
from tradewinds.measures.registry import load_registry


def _segment_starts() -> list[dt.date]:
    """The first day of every regime segment from 2025 to the coverage date, and the day before."""
    registry = load_registry()
    days = {d for d in registry.boundaries() if d <= registry.coverage_date}
    days |= {d - dt.timedelta(days=1) for d in days}
    return sorted(d for d in days if d >= dt.date(2025, 1, 1))


@pytest.mark.parametrize("country", ["CAN", "MEX"])
def test_every_segment_gives_the_registry_answer(country: str) -> None:
    registry = load_registry()
    for day in _segment_starts():
        assert etr.point(country, day) == etr.point(country, day, registry=registry), day


@pytest.mark.parametrize("by", ["hs2", "gtap", "wiod", "cp2015"])
@pytest.mark.parametrize("shares", ["2024", "2025", "2025h2", "none"])
def test_sector_breakdowns_and_claim_shares_give_the_registry_answer(by: str, shares: str) -> None:
    registry = load_registry()
    for country, day in (("CAN", dt.date(2025, 9, 1)), ("MEX", dt.date(2026, 4, 6))):
        fast = etr.point(country, day, shares, by=by)
        assert fast == etr.point(country, day, shares, registry=registry, by=by)


def test_in_force_matches_the_registry_record_by_record() -> None:
    registry = load_registry()
    for day in _segment_starts():
        for target in ("CAN", "MEX", "CHN"):
            found = packaged.in_force(day, target=target)
            assert found is not None
            want = registry.in_force(day, target=target, imposing="USA")
            assert [v.id for v in found.measures] == [m.id for m in want]
            for view, m in zip(found.measures, want, strict=True):
                assert view.rate == m.rate
                assert view.programme == m.programme
                assert view.targets == tuple(sorted(m.targets))
                assert [(x.list, x.declaration) for x in view.scope.declared_exclusions] == [
                    (x.list, x.declaration) for x in m.scope.declared_exclusions
                ]
            assert [r.id for r in found.rules] == [r.id for r in registry.rules_on(day)]


def test_dates_are_checked_as_the_registry_checks_them() -> None:
    from tradewinds.core.errors import ScenarioError

    with pytest.raises(ScenarioError) as fast:
        etr.point("CAN", dt.date(2024, 12, 31))
    with pytest.raises(ScenarioError) as slow:
        etr.point("CAN", dt.date(2024, 12, 31), registry=load_registry())
    assert str(fast.value) == str(slow.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        etr.point("CAN", load_registry().coverage_date + dt.timedelta(days=30))
    assert any("coverage date" in str(w.message) for w in caught)
