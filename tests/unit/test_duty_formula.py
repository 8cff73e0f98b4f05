"""All-in floors are computed line by line and every layer says which formula set its rate.

A ``floor`` measure ("X% inclusive of MFN, or MFN if higher") adds ``max(0, X − MFN)`` of the
line's own MFN rate. Two lines under the same floor with different MFN rates, in one batch,
each get their own additional rate; the duty table names the formula of each layer.
"""

from __future__ import annotations

import numpy as np
import pytest

from tradewinds.measures import calculate
from tradewinds.measures.batch import duty_batch
from tradewinds.measures.products import hts_universe

#: Annex I-B/III derivatives under the 2026 US-metal tier (a 10% all-in floor), MFN 1.4% and 0.
LINES = (("8415.90.8025", 0.014), ("8431.49.9095", 0.0))


def _mfn(code: str) -> float:
    universe = hts_universe()
    idx, found = universe.find(np.array([code.replace(".", "")]))
    assert found[0]
    return float(universe.columns["mfn_ad_valorem"][idx[0]])


@pytest.mark.parametrize(("hts", "mfn"), LINES)
def test_floor_completes_the_line_mfn(hts: str, mfn: float) -> None:
    assert _mfn(hts) == pytest.approx(mfn)
    result = calculate(
        hts, "DEU", "2026-05-01", 1000.0, us_metal=True, metal_content={"steel": 0.5}
    )
    floor = [x for x in result.layers if x.formula.startswith("all-in floor")]
    assert len(floor) == 1
    assert floor[0].rate == pytest.approx(0.10 - mfn)
    assert floor[0].formula == f"all-in floor 10% incl. MFN {100 * mfn:.4g}%"
    assert result.to_dict()["effective_rate"] == pytest.approx(0.10)
    assert result.to_dict()["layers"][-1]["formula"] == floor[0].formula
    assert [x.formula for x in result.layers if x.authority == "mfn"] == ["MFN"]


def test_floors_line_by_line_in_a_batch() -> None:
    n = len(LINES)
    table = duty_batch(
        {
            "hts": np.array([h for h, _ in LINES], dtype=object),
            "origin": np.array(["DEU"] * n, dtype=object),
            "date": np.array(["2026-05-01"] * n, dtype=object),
            "value": np.array([1000.0] * n, dtype=object),
            "us_metal": np.array([True] * n, dtype=object),
            "steel": np.array([0.5] * n, dtype=object),
        }
    ).table
    assert table.get_column("effective_rate").to_list() == pytest.approx([0.10, 0.10])
    additional = table.get_column("additional_rate").to_list()
    assert additional == pytest.approx([0.10 - m for _, m in LINES])
    assert set(table.get_column("formulas").to_list()) == {"MFN;all-in floor 10% incl. MFN"}
    without = calculate("8415.90.8025", "DEU", "2026-05-01", 1000.0, metal_content={"steel": 0.5})
    assert {x.formula for x in without.layers} == {"MFN", "additional"}
