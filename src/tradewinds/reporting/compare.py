"""Comparing two runs: differences of their headline (country-level) metrics."""

from __future__ import annotations

import pandas as pd

from tradewinds.core import dims


def country_metrics(records: pd.DataFrame) -> pd.DataFrame:
    """Country-level records (empty partner, sector ``TOTAL``) of tidy results."""
    mask = (records["partner"] == "") & (records["sector"] == dims.TOTAL_SECTOR)
    return records.loc[mask, ["country", "metric", "value", "unit"]]


def compare_headlines(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """``country, metric, unit, a, b, difference`` (``b - a``) for metrics both runs report.

    Percent metrics differ in percentage points; levels in their unit. Countries or metrics
    present in only one run are left out (an outer join would mix baselines).
    """
    left = country_metrics(a).rename(columns={"value": "a"})
    right = country_metrics(b).rename(columns={"value": "b"}).drop(columns="unit")
    out = left.merge(right, on=["country", "metric"], how="inner", validate="one_to_one")
    out["difference"] = out["b"] - out["a"]
    return out.loc[:, ["country", "metric", "unit", "a", "b", "difference"]].reset_index(drop=True)
