"""Multi-sector tidy records hold no NaN: undefined changes of zero-output sectors are omitted.

WIOD 2011 has 22 country-sector cells with zero gross output (and one more with zero value
added); their percent changes are 0/0. The records omit exactly those (45 records) and keep
the level records, which show the zero baseline (docs/multisector.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from tradewinds.scenarios import run_scenario
from tradewinds.scenarios.schema import parse_scenario


@pytest.fixture(scope="module")
def wiod_records():
    spec = parse_scenario(
        {
            "title": "US tariff on Canada",
            "baseline": "wiod2011",
            "model": {"name": "multi-sector"},
            "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.25}]},
        }
    )
    eq = run_scenario(spec)
    return eq, eq.to_records()


def test_no_record_is_nan(wiod_records) -> None:
    _, records = wiod_records
    assert np.isfinite(records["value"].to_numpy(dtype=float)).all()


def test_exactly_the_undefined_changes_are_omitted(wiod_records) -> None:
    eq, records = wiod_records
    sector = eq.sector
    cells = sector.sizes["country"] * sector.sizes["sector"]
    zero_output = int((sector["gross_output_baseline"].values == 0).sum())
    zero_va = int((sector["value_added_baseline"].values == 0).sum())
    assert zero_output + zero_va == 45
    counts = records["metric"].value_counts()
    assert counts["gross_output_pct"] == cells - zero_output
    assert counts["value_added_pct"] == cells - zero_va
    assert counts["gross_output_baseline"] == cells
    assert counts["value_added_baseline"] == cells
