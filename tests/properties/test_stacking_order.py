"""Stacking does not depend on the order in which measures or rules were loaded."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewinds.measures import load_registry
from tradewinds.measures.products import hts_universe
from tradewinds.measures.stacking import Lines, evaluate

pytestmark = pytest.mark.property

CODES = [
    "6109100012",
    "7208101500",
    "7308909590",
    "8703230190",
    "4407110001",
    "2709002010",
    "0702002002",
    "8544429090",
    "4009120020",
    "9401614011",
]


def _lines(n: int, rng: np.random.Generator) -> Lines:
    universe = hts_universe()
    codes = universe.index_of(np.array([CODES[i] for i in rng.integers(0, len(CODES), n)]))
    steel = rng.uniform(0, 0.5, n)
    return Lines(
        code=codes,
        origin=rng.choice(["CAN", "MEX", "USA"], n),
        importer=rng.choice(["USA", "USA", "CAN"], n),
        value=rng.uniform(1, 1000, n),
        usmca=rng.random(n) < 0.5,
        us_content=np.where(rng.random(n) < 0.5, rng.uniform(0, 1, n), np.nan),
        steel=steel,
        aluminum=rng.uniform(0, 0.3, n),
        copper=rng.uniform(0, 0.2, n),
        transshipped=rng.random(n) < 0.2,
        quantity=rng.uniform(0, 100, n),
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    day=st.integers(0, 480),
)
def test_result_independent_of_load_order(seed, day):
    reg = load_registry()
    rng = np.random.default_rng(seed)
    date = dt.date(2025, 1, 1) + dt.timedelta(days=day)
    measures = list(reg.in_force(date))
    rules = list(reg.rules_on(date))
    lines = _lines(50, rng)
    base = evaluate(lines, measures, rules)
    perm_m = [measures[i] for i in rng.permutation(len(measures))]
    perm_r = [rules[i] for i in rng.permutation(len(rules))]
    other = evaluate(lines, perm_m, perm_r)
    np.testing.assert_array_equal(base.amount.sum(axis=1), other.amount.sum(axis=1))
    np.testing.assert_array_equal(base.applies, other.applies)
