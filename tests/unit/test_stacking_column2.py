"""The MFN programme reads column 1 or column 2 of the HTS per measure (``rate_column``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pydantic
import pytest

from tradewinds.measures.products import hts_universe
from tradewinds.measures.schema import Measure
from tradewinds.measures.stacking import Lines, evaluate


def _measure(**fields: object) -> Measure:
    base: dict[str, object] = {
        "title": "t",
        "authority": "mfn",
        "programme": "mfn",
        "legal_basis": "test",
        "imposing": "USA",
        "targets": ["*"],
        "scope": {"hts_prefixes": [""]},
        "rate": 0.0,
        "effective_from": dt.date(2025, 1, 1),
        "sources": [{"key": "TEST"}],
    }
    return Measure.model_validate(base | fields)


def _lines(code: str, origins: list[str]) -> Lines:
    n = len(origins)
    idx = np.full(n, hts_universe().index_of(np.array([code]))[0])
    nan = np.full(n, np.nan)
    return Lines(
        code=idx,
        origin=np.array(origins),
        importer=np.full(n, "USA"),
        value=np.full(n, 1000.0),
        usmca=np.zeros(n, bool),
        us_content=nan,
        steel=np.zeros(n),
        aluminum=np.zeros(n),
        copper=np.zeros(n),
        transshipped=np.zeros(n, bool),
        quantity=nan,
    )


COLUMN_1 = _measure(id="col1", exclude_targets=["CUB"])
COLUMN_2 = _measure(id="col2", targets=["CUB"], rate_column="column_2")
FLOOR = _measure(id="floor", authority="ieepa", programme="recip", rate=0.15, floor=True)


def test_each_origin_pays_its_own_column():
    """6109.10.00: column 1 16.5%, column 2 90% (HTS 2025 basic edition)."""
    ev = evaluate(_lines("6109100012", ["DEU", "CUB"]), [COLUMN_1, COLUMN_2], [])
    amounts = dict(zip([m.id for m in ev.measures], ev.amount.T, strict=True))
    assert amounts["col1"].tolist() == pytest.approx([165.0, 0.0])
    assert amounts["col2"].tolist() == pytest.approx([0.0, 900.0])


def test_a_floor_completes_the_column_that_applies():
    """8471.30.01: column 1 free, column 2 35%: a 15% floor adds 15% on column 1, none on 2."""
    ev = evaluate(_lines("8471300100", ["DEU", "CUB"]), [COLUMN_1, COLUMN_2, FLOOR], [])
    floor = ev.amount[:, [m.id for m in ev.measures].index("floor")]
    assert floor.tolist() == pytest.approx([150.0, 0.0])


def test_rate_column_is_for_the_mfn_programme_only():
    with pytest.raises(pydantic.ValidationError, match="rate_column"):
        _measure(id="x", programme="recip", rate_column="column_2")
