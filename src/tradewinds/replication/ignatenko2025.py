"""The cases of Ignatenko, Macedoni, Lashkaripour & Simonovska (2025), on their 194-country data.

Each case is the April 2025 ("Liberation Day") US tariff schedule, or the paper's optimal
tariff, solved in :class:`~tradewinds.models.ignatenko.IgnatenkoModel`. The published figures
quoted in :data:`PUBLISHED` are those of the paper's Tables 1, 2 and 9 (percent changes; the
paper prints welfare and employment to two decimals, the other columns to one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.data.liberation_day import LiberationDayData, read_liberation_day
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.ignatenko import (
    NON_US,
    US,
    IgnatenkoBaseline,
    IgnatenkoModel,
    build_baseline,
    expenditure_weighted_average,
    optimal_retaliation_rate,
    optimal_us_rate,
)
from tradewinds.models.ignatenko.calibration import SCALE

log = logging.getLogger(__name__)

#: Floor of the April 2025 schedule: every partner pays at least the 10% baseline rate.
FLOOR = 0.10

#: Case name -> what it means.
CASES = {
    "1": "April 2025 tariffs, income-tax relief, no retaliation (Table 1, case 1)",
    "2": "April 2025 tariffs, lump-sum rebate, no retaliation (Table 1, case 2)",
    "reciprocal": "April 2025 tariffs; every partner retaliates with the rate it faces (Table 2)",
    "optimal-retaliation": "April 2025 tariffs; partners retaliate at the optimal uniform rate "
    "(Table 2)",
    "optimal-us": "optimal uniform US tariff, income-tax relief, no retaliation (Table 1, case 3)",
    "eps8": "case 1 with trade elasticity 8, psi and theta kept at their eps = 4 values "
    "(Table 9, alternative 3)",
}

#: Metrics of the replication output, in order (records' ``metric`` column).
METRICS = (
    "welfare_pct",
    "deficit_pct",
    "exports_gdp_pct",
    "imports_gdp_pct",
    "employment_pct",
    "prices_pct",
    "tariff_revenue_share",
)

#: Published figures: (case, country, metric) -> (value, decimals printed), from the paper.
PUBLISHED: dict[tuple[str, str, str], tuple[float, int]] = {
    ("1", US, "welfare_pct"): (1.13, 2),
    ("1", US, "deficit_pct"): (-18.1, 1),
    ("1", US, "exports_gdp_pct"): (-52.7, 1),
    ("1", US, "imports_gdp_pct"): (-43.6, 1),
    ("1", US, "employment_pct"): (0.32, 2),
    ("1", US, "prices_pct"): (12.8, 1),
    ("1", NON_US, "welfare_pct"): (-0.58, 2),
    ("1", NON_US, "employment_pct"): (-0.14, 2),
    ("2", US, "welfare_pct"): (-0.01, 2),
    ("reciprocal", US, "welfare_pct"): (-0.36, 2),
    ("eps8", US, "welfare_pct"): (0.33, 2),
}

#: Where the replication data sit relative to a checkout (``../shared/data/...``).
DATA_NAME = "liberation_day_ignatenko2025"


@dataclass(frozen=True)
class CaseSetup:
    """Everything one case solves: model, tariffs (exporter rows) and the baseline."""

    case: str
    model: IgnatenkoModel
    tariff: np.ndarray[Any, np.dtype[np.float64]]
    base: IgnatenkoBaseline
    labels: list[str]
    units: str


def default_data_folder() -> Path:
    """The replication data beside the working directory or the source checkout."""
    candidates = [
        Path.cwd().parent / "shared" / "data" / DATA_NAME,
        Path(__file__).resolve().parents[3].parent / "shared" / "data" / DATA_NAME,
    ]
    for path in candidates:
        if path.is_dir():
            return path
    raise DataError(
        f"Cannot find the {DATA_NAME} folder (looked in {', '.join(map(str, candidates))}); "
        "pass its location with --data."
    )


def ustr_schedule(data: LiberationDayData, us: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    """US tariffs of case 1: ``max(0.10, USTR rate)`` on every partner (importer = US column)."""
    n = len(data.labels)
    tariff = np.zeros((n, n))
    tariff[:, us] = np.maximum(FLOOR, data.ustr_tariff)
    tariff[us, us] = 0.0
    return tariff


def setup_case(case: str, data: LiberationDayData) -> CaseSetup:
    """Model and tariffs of one of :data:`CASES`."""
    if case not in CASES:
        raise ScenarioError(f"Unknown case {case!r}; choose one of {', '.join(CASES)}.")
    us = data.index(US)
    base = build_baseline(data.trade, data.gdp, us)
    tariff = ustr_schedule(data, us)
    model = IgnatenkoModel()
    if case == "2":
        model = IgnatenkoModel(recycling="lump-sum")
    elif case == "reciprocal":
        tariff[us, :] = tariff[:, us]
    elif case == "optimal-retaliation":
        phi = model.phi(base)
        other = int(np.flatnonzero(np.arange(base.size) != us)[0])
        tariff[us, :] = optimal_retaliation_rate(base, model.eps, float(phi[other]))
    elif case == "optimal-us":
        phi = model.phi(base)
        tariff[:, us] = optimal_us_rate(base, model.eps, float(phi[us]), "expenditure")
    elif case == "eps8":
        model = IgnatenkoModel(eps=8.0, psi=SCALE / 4.0, theta=4.0 / SCALE)
    tariff[us, us] = 0.0
    return CaseSetup(case, model, tariff, base, data.labels, data.units)


def run_case(case: str, folder: Path | None = None) -> Equilibrium:
    """Solve one case on the replication data (``folder`` defaults to the shared copy)."""
    data = read_liberation_day(folder or default_data_folder())
    setup = setup_case(case, data)
    log.info("case %s: %s", case, CASES[case])
    return setup.model.solve_arrays(setup.base, setup.tariff, setup.labels, units=setup.units)


def case_records(eq: Equilibrium) -> pd.DataFrame:
    """Tidy records of :data:`METRICS` for every country and the non-US average (``NON_USA``)."""
    records = eq.to_records(bilateral=False)
    records = records[records["metric"].isin(METRICS)]
    variables = {
        "welfare_pct": "welfare_hat",
        "employment_pct": "employment_hat",
    }
    names = [variables.get(m, m) for m in METRICS]
    average = expenditure_weighted_average(eq, names)
    rows = []
    for metric, var in zip(METRICS, names, strict=True):
        value = average[var]
        if var.endswith("_hat"):
            value = (value - 1) * 100
        unit = records.loc[records["metric"] == metric, "unit"].iloc[0]
        rows.append(
            {
                "country": NON_US,
                "partner": "",
                "sector": records["sector"].iloc[0],
                "metric": metric,
                "value": value,
                "unit": unit,
            }
        )
    order = {m: k for k, m in enumerate(METRICS)}
    out = pd.concat([records, pd.DataFrame(rows)], ignore_index=True)
    out = out.assign(_order=out["metric"].map(order)).sort_values(
        ["_order", "country"], kind="stable"
    )
    return out.drop(columns="_order").reset_index(drop=True)


def published_comparison(case: str, records: pd.DataFrame) -> pd.DataFrame:
    """Published figures of ``case`` next to the reproduced ones, rounded as printed."""
    rows = []
    for (c, country, metric), (value, decimals) in PUBLISHED.items():
        if c != case:
            continue
        hit = records[(records["country"] == country) & (records["metric"] == metric)]
        ours = float(hit["value"].iloc[0])
        rows.append(
            {
                "country": country,
                "metric": metric,
                "published": value,
                "reproduced": round(ours, decimals),
                "match": round(ours, decimals) == value,
            }
        )
    return pd.DataFrame(rows, columns=["country", "metric", "published", "reproduced", "match"])
