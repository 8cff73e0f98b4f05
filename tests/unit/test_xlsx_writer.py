"""The one .xlsx writer (``core.outputs.write_xlsx``): tidy records and duty batches alike.

Records used to go through ``pandas.DataFrame.to_excel`` (a whole workbook in memory, a text
starting with ``=`` stored as a formula); both now stream through openpyxl's write-only mode.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from openpyxl import load_workbook

from tradewinds.cli._common import write_records
from tradewinds.measures.batch import write_table


def _cells(path: Path, sheet: str) -> list[list[object]]:
    book = load_workbook(path)
    return [[c.value for c in row] for row in book[sheet].iter_rows()]


def test_records_keep_values_blank_missing_and_text_as_text(tmp_path: Path) -> None:
    records = pd.DataFrame(
        {
            "country": ["CAN", '=HYPERLINK("http://x")', "MEX"],
            "partner": [None, "USA", pd.NA],
            "metric": ["welfare_pct"] * 3,
            "value": [-0.25, math.nan, 1.5],
            "count": [1, 2, 3],
        }
    )
    out = tmp_path / "r.xlsx"
    write_records(records, out)
    rows = _cells(out, "records")
    assert rows[0] == ["country", "partner", "metric", "value", "count"]
    assert rows[1] == ["CAN", None, "welfare_pct", -0.25, 1]
    assert rows[2] == ['=HYPERLINK("http://x")', "USA", "welfare_pct", None, 2]
    assert rows[3] == ["MEX", None, "welfare_pct", 1.5, 3]
    cell = load_workbook(out)["records"]["A3"]
    assert cell.data_type == "s"  # text, not a formula a spreadsheet would run


def test_duty_batches_use_the_same_writer(tmp_path: Path) -> None:
    frame = pl.DataFrame({"row": [1, 2], "hts": ["8703.23.0190", "=1+1"], "duty": [1.0, None]})
    out = tmp_path / "d.xlsx"
    write_table(frame, out)
    assert _cells(out, "duties") == [
        ["row", "hts", "duty"],
        [1, "8703.23.0190", 1.0],
        [2, "=1+1", None],
    ]
    assert load_workbook(out)["duties"]["B3"].data_type == "s"


def test_rows_are_streamed(tmp_path: Path) -> None:
    """A generator of rows is consumed once, row by row (nothing holds the whole table)."""
    from tradewinds.core.outputs import write_xlsx

    seen = []

    def rows():
        for k in range(1000):
            seen.append(k)
            yield (k, float(k) / 3)

    write_xlsx(tmp_path / "g.xlsx", "s", ["k", "third"], rows())
    assert seen == list(range(1000))
    assert _cells(tmp_path / "g.xlsx", "s")[-1] == [999, pytest.approx(333.0)]
