"""Properties of the USMCA origin checks on random bills of materials."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tradewinds.measures.origin import check_origin
from tradewinds.measures.origin_schema import parse_bom

pytestmark = pytest.mark.property

values = st.integers(min_value=0, max_value=10_000)


@st.composite
def boms(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(min_value=1, max_value=6))
    mats = [
        {"name": f"m{i}", "value": draw(values), "originating": draw(st.booleans())}
        for i in range(n)
    ]
    total = sum(m["value"] for m in mats)
    nc = total + draw(st.integers(min_value=1, max_value=20_000))
    tv = nc + draw(st.integers(min_value=0, max_value=20_000))
    tv_req = draw(st.sampled_from([None, 0.35, 0.5, 0.6, 0.8]))
    nc_req = draw(st.sampled_from([None, 0.3, 0.4, 0.5, 0.7]))
    return {
        "good": {"hts": "8479.89", "category": "other"},
        "claim_date": "2025-01-01",
        "transaction_value": tv,
        "net_cost": nc,
        "rule": {"rvc_transaction_value": tv_req, "rvc_net_cost": nc_req},
        "materials": mats,
    }


@given(boms())
@settings(max_examples=150, deadline=None)
def test_rvc_matches_the_formula(bom: dict[str, Any]) -> None:
    """Art. 4.5.2 and 4.5.3 recomputed independently from the raw numbers."""
    result = check_origin(parse_bom(bom))
    vnm = sum(m["value"] for m in bom["materials"] if not m["originating"])
    for name, base in (
        ("transaction_value", bom["transaction_value"]),
        ("net_cost", bom["net_cost"]),
    ):
        if bom["rule"][f"rvc_{name}"] is not None:
            assert result.check(f"rvc_{name}").value == pytest.approx((base - vnm) / base)


@given(boms(), st.data())
@settings(max_examples=150, deadline=None)
def test_more_originating_content_never_hurts(bom: dict[str, Any], data: st.DataObject) -> None:
    """Making one material originating never turns a qualifying good into a failing one."""
    before = check_origin(parse_bom(bom)).qualifies
    i = data.draw(st.integers(min_value=0, max_value=len(bom["materials"]) - 1))
    bom["materials"][i]["originating"] = True
    assert check_origin(parse_bom(bom)).qualifies or not before


@given(boms())
@example(  # found by Hypothesis: turning m1 non-originating leaves the RVC exactly at 50%
    {
        "good": {"hts": "8479.89", "category": "other"},
        "claim_date": "2025-01-01",
        "transaction_value": 230,
        "net_cost": 116,
        "rule": {"rvc_transaction_value": 0.5, "rvc_net_cost": None},
        "materials": [
            {"name": "m0", "value": 113, "originating": False},
            {"name": "m1", "value": 2, "originating": True},
        ],
    }
)
@settings(max_examples=150, deadline=None)
def test_the_named_flip_material_flips_the_test(bom: dict[str, Any]) -> None:
    """When a test names a material whose switch flips it, switching it does flip the test."""
    result = check_origin(parse_bom(bom))
    for check in result.checks:
        flip = check.details.get("flip")
        if not flip:
            continue
        changed = {**bom, "materials": [dict(m) for m in bom["materials"]]}
        for m in changed["materials"]:
            if m["name"] == flip["name"]:
                m["originating"] = flip["to"] == "originating"
        after = check_origin(parse_bom(changed)).check(check.name)
        assert after.passed is not check.passed
