"""Property: whatever tidy records a model produces come back from the store unchanged."""

from __future__ import annotations

import itertools
import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewinds.scenarios.recording import RunRecord
from tradewinds.store import ResultsStore

pytestmark = [pytest.mark.property, pytest.mark.slow]

labels = st.text(min_size=0, max_size=8)
rows = st.lists(
    st.tuples(
        labels,
        labels,
        labels,
        labels,
        st.floats(allow_nan=True, allow_infinity=True, width=64),
        labels,
    ),
    min_size=0,
    max_size=30,
)


_STORE = tempfile.TemporaryDirectory()
_COUNT = itertools.count()


@settings(max_examples=15, deadline=None)
@given(rows=rows)
def test_results_round_trip_exactly(rows: list[tuple[str, str, str, str, float, str]]) -> None:
    run_id = f"r{next(_COUNT)}"
    frame = pd.DataFrame(rows, columns=["country", "partner", "sector", "metric", "value", "unit"])
    record = RunRecord(
        run_id=run_id,
        kind="run",
        title="t",
        scenario_hash="h",
        scenario_yaml="",
        scenario_json="{}",
        baseline="b",
        baseline_hash="bh",
        model="m",
    )
    store = ResultsStore(_STORE.name)
    store.record(record, frame)
    back = store.results(run_id)
    assert len(back) == len(frame)
    for col in ("country", "partner", "sector", "metric", "unit"):
        assert back[col].tolist() == frame[col].tolist()
    np.testing.assert_array_equal(back["value"].to_numpy(), frame["value"].to_numpy(float))
