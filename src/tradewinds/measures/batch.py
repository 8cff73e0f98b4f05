"""Batch duties: the calculator over a table of shipment lines, vectorised.

The output has one row per input line with ``mfn_duty``, ``additional_duty``, ``total_duty``,
``additional_rate``, ``effective_rate``, ``mfn_incomplete`` (a specific MFN part could not be
computed) and one ``duty:<measure id>`` column per measure that applies to some line: the same
layers the single-shipment calculator prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tradewinds.measures.duty import evaluate_frame, prepare_lines
from tradewinds.measures.registry import Registry, load_registry
from tradewinds.measures.stacking import MFN


def calculate_batch(
    lines: pd.DataFrame, *, registry: Registry | None = None, where: str = "the batch"
) -> pd.DataFrame:
    """Stacked duties of every line of ``lines`` (columns as in ``BATCH_COLUMNS``)."""
    registry = registry or load_registry()
    frame, codes, _ = prepare_lines(lines, registry, strict=False, where=where)
    n = len(frame)
    mfn = np.zeros(n)
    extra = np.zeros(n)
    incomplete = np.zeros(n, dtype=bool)
    layers: dict[str, np.ndarray] = {}
    for rows, ev in evaluate_frame(frame, codes, registry):
        spec = np.nan_to_num(ev.mfn_specific)
        incomplete[rows] = ev.mfn_incomplete
        for j, m in enumerate(ev.measures):
            amount = ev.amount[:, j]
            if m.programme == MFN:
                amount = amount + spec
                mfn[rows] += amount
            else:
                extra[rows] += amount
            if m.programme == MFN or ev.applies[:, j].any():
                col = layers.setdefault(f"duty:{m.id}", np.zeros(n))
                col[rows] += amount
    value = frame["value"].to_numpy()
    out = pd.DataFrame(
        {
            "hts": frame["hts"].to_numpy(),
            "origin": frame["origin"].to_numpy(),
            "date": frame["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "customs_value": value,
            "mfn_duty": mfn,
            "additional_duty": extra,
            "total_duty": mfn + extra,
            "additional_rate": extra / value,
            "effective_rate": (mfn + extra) / value,
            "mfn_incomplete": incomplete,
        }
    )
    if layers:
        out = pd.concat([out, pd.DataFrame(dict(sorted(layers.items())))], axis=1)
    return out
