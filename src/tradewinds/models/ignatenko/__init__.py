"""Ignatenko, Macedoni, Lashkaripour & Simonovska (2025): one sector with employment.

"Making America Great Again? The Economic Impacts of Liberation Day Tariffs", *Journal of
International Economics* (2025). A one-sector Eaton–Kortum/Krugman model with endogenous labour
supply, imperfect tariff pass-through, an importer (distribution) share of sales and tariff
revenue recycled as income-tax relief or a lump-sum rebate. :mod:`.calibration` builds the
baseline and calibrates the importer shares; :mod:`.kernel` states and solves the equilibrium
in changes; :mod:`.model` holds the parameters, the outputs and the :class:`Equilibrium`.
"""

from tradewinds.models.ignatenko.calibration import (
    IgnatenkoBaseline,
    build_baseline,
    calibrate_nu,
    optimal_retaliation_rate,
    optimal_us_rate,
    pass_through,
)
from tradewinds.models.ignatenko.model import (
    NAME,
    NON_US,
    US,
    IgnatenkoModel,
    baseline_gdp,
    expenditure_weighted_average,
    outcomes,
)

__all__ = [
    "NAME",
    "NON_US",
    "US",
    "IgnatenkoBaseline",
    "IgnatenkoModel",
    "baseline_gdp",
    "build_baseline",
    "calibrate_nu",
    "expenditure_weighted_average",
    "optimal_retaliation_rate",
    "optimal_us_rate",
    "outcomes",
    "pass_through",
]
