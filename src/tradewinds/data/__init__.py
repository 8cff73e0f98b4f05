"""Baseline datasets, their validation, loaders and aggregation."""

from tradewinds.data.baseline import (
    aggregate,
    countries,
    expenditure,
    income,
    make_baseline,
    tariff_revenue,
    validate_baseline,
)
from tradewinds.data.loaders import load_baseline

__all__ = [
    "aggregate",
    "countries",
    "expenditure",
    "income",
    "load_baseline",
    "make_baseline",
    "tariff_revenue",
    "validate_baseline",
]
