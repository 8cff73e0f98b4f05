"""The fidelity fixes of December 2026 (issue 13, section 2), each on a named shipment.

Auto parts: U.S. note 33(g) to chapter 99 names heading 8471 whole, but 33(h)(ii) sends
articles that are not vehicle parts to 9903.94.06 (no duty) and the published parts list of
33(j) names no 8471 line, so computers are no longer on the packaged list.
Section 122: U.S. note 2(aa)(iii) exempts named articles and (iv) civil-aircraft articles that
meet general note 6, not every article of their subheadings.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tradewinds.measures import calculate, etr
from tradewinds.measures.products import product_lists


def _ids(result):
    return {x.measure_id for x in result.layers}


def test_auto_parts_list_has_no_whole_heading_8471():
    parts = product_lists()["s232_auto_parts"]
    assert not any(c.startswith("8471") for c in parts)
    assert not any(c.startswith(("853710", "853720")) for c in parts)
    assert all(len(c) >= 8 for c in parts)  # no bare heading or 6-digit subheading


def test_unclaimed_mexican_computer_pays_no_auto_parts_duty():
    r = calculate("8471.30.0100", "MEX", "2026-03-01", 1000)
    assert "s232-auto-parts-25" not in _ids(r)
    assert r.total_duty == pytest.approx(0.0)  # list (ii) of note 2(aa) exempts it from s.122


def test_a_listed_auto_part_still_pays_25_percent():
    r = calculate("8407.34.0560", "MEX", "2026-03-01", 1000)
    assert "s232-auto-parts-25" in _ids(r)
    assert r.additional_duty == pytest.approx(250.0)


def test_generic_plastic_article_pays_section_122_unless_declared_civil_aircraft():
    plain = calculate("3926.90.9989", "CAN", "2026-03-01", 1000)
    declared = calculate("3926.90.9989", "CAN", "2026-03-01", 1000, civil_aircraft=True)
    assert "s122-10" in _ids(plain)
    assert "s122-10" not in _ids(declared)


def test_aircraft_of_chapter_88_exempt_by_default():
    r = calculate("8802.40.0140", "CAN", "2026-03-01", 1000)
    assert "s122-10" not in _ids(r)


def test_list_iii_named_articles_exempt_only_when_declared():
    plain = calculate("1905.90.1041", "MEX", "2026-03-01", 1000)
    declared = calculate("1905.90.1041", "MEX", "2026-03-01", 1000, named_article=True)
    assert "s122-10" in _ids(plain)
    assert "s122-10" not in _ids(declared)


def test_effective_rates_count_no_declared_aircraft_use():
    # The over-exemption removed: Section 122 on non-claimed Canadian goods rises.
    p = etr.point("CAN", dt.date(2026, 3, 1), "none")
    assert p["by_authority"]["section_122"] > 0.02
