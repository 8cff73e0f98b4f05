"""Percentile bands of records with no finite draw are NaN with n = 0, without warnings."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from tradewinds.scenarios.batch import BatchResult, DrawOutcome
from tradewinds.scenarios.montecarlo import percentile_bands
from tradewinds.scenarios.recording import KEY_COLUMNS


def test_all_nan_record_gives_nan_bands_silently() -> None:
    batch = BatchResult()
    keys = pd.DataFrame(
        {
            "country": ["CAN", "MEX"],
            "partner": ["", "CAN"],
            "sector": ["TOTAL", "TOTAL"],
            "metric": ["welfare_pct", "trade_pct"],
            "unit": ["percent", "percent"],
        }
    ).loc[:, list(KEY_COLUMNS)]
    layout = batch.layout_of(keys)
    for k, value in enumerate((1.0, 2.0, 3.0)):
        batch.draws.append(
            DrawOutcome(
                index=k, params={}, status="ok", layout=layout, values=np.array([value, np.nan])
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bands = percentile_bands(batch)
    row = bands.set_index("metric").loc["trade_pct"]
    assert row["n"] == 0
    assert np.isnan(row["p50"])
    assert bands.set_index("metric").loc["welfare_pct", "p50"] == 2.0
