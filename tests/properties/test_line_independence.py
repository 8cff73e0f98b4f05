"""A line's duty does not depend on the other lines of its batch (issue 21).

The one engine validates and evaluates lines as columns, grouped by regime segment and chunk;
nothing a line is charged may come from another line. Random batches mix origins, importers,
dates on both sides of every regime change of the registry, USMCA claims, US content, metal
shares and declarations; each line's amounts by measure must equal, bit for bit, those of the
same line computed alone, and a line refused in a batch is refused alone (and vice versa).
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewinds.measures.batch import duty_batch
from tradewinds.measures.compiled import compiled
from tradewinds.measures.duty import calculate, evaluate_frame, prepare_lines
from tradewinds.measures.fields import BATCH_COLUMNS, DECLARATIONS
from tradewinds.measures.products import hts_universe

pytestmark = pytest.mark.property

#: Articles under different programmes: vehicles, steel, aluminium and copper and their
#: derivatives, energy, lumber, semiconductors, aircraft, food, apparel, electronics.
CODES = (
    "8703230190",
    "7208101500",
    "7326908688",
    "8415908025",
    "7308909590",
    "2716000000",
    "7403110000",
    "7601103000",
    "8471300100",
    "9401614011",
    "2709002010",
    "4407110010",
    "8542310000",
    "8802400040",
    "0201300200",
    "6109100012",
    "8708295160",
    "9403200050",
)
ORIGINS = ("CAN", "MEX", "CHN", "JPN", "DEU", "BRA", "IND", "VNM", "KOR", "GBR")


@functools.cache
def _codes() -> tuple[str, ...]:
    universe = hts_universe()
    _, found = universe.find(np.array(CODES))
    return tuple(c for c, ok in zip(CODES, found, strict=True) if ok)


@functools.cache
def _dates() -> tuple[str, ...]:
    """The day before and the first day of every regime segment, to the coverage date."""
    snap = compiled()
    days = {dt.date(2025, 1, 1), snap.coverage_date}
    for b in snap.bounds:
        days |= {b, b - dt.timedelta(days=1)}
    return tuple(
        sorted(d.isoformat() for d in days if dt.date(2025, 1, 1) <= d <= snap.coverage_date)
    )


def _share() -> st.SearchStrategy[object]:
    return st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.15, 0.4, 0.5, 1.0]))


@st.composite
def _line(draw: st.DrawFn) -> dict[str, object]:
    steel = draw(_share())
    rest = 1.0 - (steel or 0.0)
    line: dict[str, object] = {
        "hts": draw(st.sampled_from(_codes())),
        "origin": draw(st.sampled_from(ORIGINS)),
        "date": draw(st.sampled_from(_dates())),
        "value": draw(st.sampled_from([0.5, 1.0, 999.99, 10_000.0, 123_456.78])),
        "importer": draw(st.sampled_from(["USA", "USA", "USA", "CAN", "MEX"])),
        "usmca": draw(st.booleans()),
        "us_content": draw(_share()),
        "steel": steel,
        "aluminum": draw(st.one_of(st.none(), st.sampled_from([0.0, rest / 2]))),
        "copper": None,
        "transshipped": draw(st.booleans()),
    }
    for name in DECLARATIONS:
        line[name] = draw(st.booleans())
    return line


def _frame(lines: list[dict[str, object]]) -> dict[str, np.ndarray]:
    return {
        c: np.array([x.get(c) for x in lines], dtype=object) for c in BATCH_COLUMNS if c in lines[0]
    }


def _amounts(lines: list[dict[str, object]]) -> dict[int, tuple[object, ...]]:
    """Per input row: its amounts by measure (exact floats), or its error fields."""
    snap = compiled()
    prepared = prepare_lines(_frame(lines), snap)
    out: dict[int, tuple[object, ...]] = {}
    for rows, ev in evaluate_frame(prepared, snap):
        for k, i in enumerate(rows.tolist()):
            # floats by their exact hexadecimal form: bit for bit, NaN equal to NaN
            applied = tuple(
                (m.id, *(float(a[k, j]).hex() for a in (ev.rate, ev.base_share, ev.amount)))
                for j, m in enumerate(ev.measures)
                if ev.applies[k, j]
            )
            out[int(prepared.rows[i])] = (applied, float(ev.mfn_specific[k]).hex())
    records = prepared.errors.records()
    for row, name in zip(records["row"].tolist(), records["field"].tolist(), strict=True):
        out[row - 1] = (*out.get(row - 1, ("error",)), name)
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(_line(), min_size=2, max_size=12))
def test_each_line_alone_gets_its_batch_answer(lines: list[dict[str, object]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dates past the coverage date warn once per call
        together = _amounts(lines)
        for i, line in enumerate(lines):
            assert _amounts([line])[0] == together[i], (i, line)


def _batch_row(lines: list[dict[str, object]], row: int) -> dict[str, object]:
    table = duty_batch(_frame(lines)).table
    return dict(table.filter(table["row"] == row + 1).row(0, named=True))


def test_cross_line_regression() -> None:
    """Issue 21: 8415.90.8025 from MEX on 2025-06-21 paid 3,890 beside a CAN 2025-09-01 line."""
    first = {"hts": "8415.90.8025", "origin": "MEX", "date": "2025-06-21", "value": 10_000.0}
    other = {"hts": "7308.90.9590", "origin": "CAN", "date": "2025-09-01", "value": 1_000.0}
    alone = calculate("8415.90.8025", "MEX", "2025-06-21", 10_000.0)
    assert alone.to_dict()["total_duty"] == 5140.0
    beside = _batch_row([first, other], 0)
    assert beside["total_duty"] == 5140.0
    assert beside["layers"] == _batch_row([first], 0)["layers"]
    assert "ieepa" not in str(beside["layers"])
