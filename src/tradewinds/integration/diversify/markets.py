"""Alternative markets from the GE model: where a partner's exports go, before and after.

The bilateral records of a solved scenario (``Equilibrium.to_records(bilateral=True)``, or the
records of a run in the results store) carry each flow's new level (``trade``) and its change
(``trade_pct``); the baseline level is ``trade / (1 + trade_pct / 100)``. This module sums them
over sectors by destination and reports levels, changes and shares of the exporter's total
exports (domestic sales excluded).
"""

from __future__ import annotations

import pandas as pd

from tradewinds.core.errors import DataError, UnknownLabelError


def destinations(records: pd.DataFrame, country: str) -> pd.DataFrame:
    """Exports of ``country`` by destination before and after, with shares.

    Columns ``country, destination, before, after, change, change_pct, share_before,
    share_after, share_change_pp`` (levels in the records' unit); sorted by ``before``.
    """
    country = country.upper()
    need = {"country", "partner", "metric", "value"}
    if not need <= set(records.columns):
        raise DataError(f"Records lack columns {sorted(need - set(records.columns))}.")
    bilateral = records[(records["partner"] != "") & records["metric"].isin(["trade", "trade_pct"])]
    if bilateral.empty:
        raise DataError(
            "The run has no bilateral records (trade, trade_pct); solve it with bilateral "
            "records (tradewinds run records them by default)."
        )
    exporters = sorted(set(bilateral["country"]))
    if country not in exporters:
        raise UnknownLabelError("country", country, exporters, "the run's bilateral records")
    rows = bilateral[(bilateral["country"] == country) & (bilateral["partner"] != country)]
    keys = ["partner", "sector"] if "sector" in rows.columns else ["partner"]
    after = rows[rows["metric"] == "trade"].set_index(keys)["value"]
    pct = rows[rows["metric"] == "trade_pct"].set_index(keys)["value"].reindex(after.index)
    before = after / (1 + pct / 100)
    frame = pd.DataFrame(
        {
            "before": before.groupby(level="partner").sum(),
            "after": after.groupby(level="partner").sum(),
        }
    )
    frame["change"] = frame["after"] - frame["before"]
    frame["change_pct"] = 100 * (frame["after"] / frame["before"] - 1)
    frame["share_before"] = frame["before"] / frame["before"].sum()
    frame["share_after"] = frame["after"] / frame["after"].sum()
    frame["share_change_pp"] = 100 * (frame["share_after"] - frame["share_before"])
    frame = frame.reset_index().rename(columns={"partner": "destination"})
    frame.insert(0, "country", country)
    return frame.sort_values("before", ascending=False, ignore_index=True)
