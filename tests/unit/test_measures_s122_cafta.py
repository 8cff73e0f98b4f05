"""Section 122 and CAFTA-DR textiles: U.S. note 2(aa)(viii), heading 9903.03.09."""

from __future__ import annotations

import pytest

from tradewinds.measures import calculate
from tradewinds.measures.registry import load_registry

CAFTA = ("CRI", "DOM", "SLV", "GTM", "HND", "NIC")


def _s122(result) -> float:
    return sum(x.amount for x in result.layers if x.measure_id.startswith("s122-"))


@pytest.mark.parametrize("origin", CAFTA)
def test_cafta_textiles_are_exempt_and_their_other_goods_are_not(origin):
    shirt = calculate("6109.10.0012", origin, "2026-03-10", 1000)
    bag = calculate("4202.92.3131", origin, "2026-03-10", 1000)
    assert _s122(shirt) == 0.0
    assert _s122(bag) == pytest.approx(100.0)
    assert [x.measure_id for x in bag.layers if x.measure_id.startswith("s122")] == [
        "s122-10-cafta"
    ]


def test_other_origins_pay_on_textiles():
    shirt = calculate("6109.10.0012", "VNM", "2026-03-10", 1000)
    assert _s122(shirt) == pytest.approx(100.0)


def test_the_two_records_share_every_rule_but_the_exemption():
    registry = load_registry()
    main, cafta = registry.get("s122-10"), registry.get("s122-10-cafta")
    assert set(main.exclude_targets) == set(cafta.targets) == set(CAFTA)
    for field in ("rate", "effective_from", "effective_to", "programme", "usmca"):
        assert getattr(main, field) == getattr(cafta, field), field
    assert main.scope.exclude_lists == cafta.scope.exclude_lists
    assert main.scope.declared_exclusions == cafta.scope.declared_exclusions
    extra = set(cafta.scope.exclude_prefixes) - set(main.scope.exclude_prefixes)
    assert extra == {str(ch) for ch in range(50, 64)}
