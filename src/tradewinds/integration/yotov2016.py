"""Yotov et al. (2016), Chapter 1, Tables 1-3, estimated on the book's own data.

Yotov, Piermartini, Monteiro & Larch (2016), *An Advanced Guide to Trade Policy Analysis: The
Structural Gravity Model* (WTO/UNCTAD), on its application data (``yotov2016``).

Every column follows the book's Stata code for the application (``TraditionalGravity.do``,
``DistancePuzzle.do``, ``RTAsEffects.do``): years 1986, 1990, ..., 2006; clustering by country
pair; OLS on positive international flows; PPML on all international flows or, from the
``INTRA`` columns on, on intra-national flows too.

- Table 1 (Application 1, traditional gravity): OLS ignoring multilateral resistance, OLS with
  remoteness indexes, OLS with exporter-year and importer-year effects, PPML with them.
- Table 2 (Application 2, the distance puzzle): a distance coefficient per year under OLS, PPML,
  PPML with intra-national trade and internal distance (INTRA), also with a same-country dummy
  (BRDR), and with country-specific intra-national effects (FEs); the row ``pct_change_dist``
  is the percent change of the distance effect from 1986 to 2006 (delta-method standard error).
- Table 3 (Application 3, RTA effects): OLS, PPML, with intra-national trade (INTRA), with pair
  effects (ENDG), with a four-year RTA lead (LEAD), with RTA lags of 4, 8 and 12 years (PHSNG),
  and with international-border-by-year ("globalisation") dummies (GLBZN); the row
  ``total_rta`` is the sum of the RTA and lagged-RTA coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from tradewinds.core.errors import ScenarioError
from tradewinds.integration.gravity import GravityResult, GravitySpec, estimate
from tradewinds.integration.gravity_data import load_gravity_data

YEARS = list(range(1986, 2007, 4))
GRAVITY = ["ln_dist", "cntg", "lang", "clny"]
MR = ["exporter_year", "importer_year"]
DIST_YEARS = [f"ln_dist_{y}" for y in YEARS]
LAGS = ["rta", "rta_lag4", "rta_lag8", "rta_lag12"]
BORDERS = [f"intl_border_{y}" for y in YEARS[:-1]]


def _spec(name: str, regressors: list[str], fe: list[str], **kw: object) -> GravitySpec:
    return GravitySpec.model_validate(
        {"name": name, "regressors": regressors, "fixed_effects": fe, "years": YEARS, **kw}
    )


#: Table number -> ordered columns (label, specification), as the book prints them.
TABLES: dict[int, list[tuple[str, GravitySpec]]] = {
    1: [
        (
            "OLS",
            _spec("OLS", [*GRAVITY, "ln_y", "ln_e"], [], estimator="ols", international_only=True),
        ),
        (
            "REMOTENESS",
            _spec(
                "REMOTENESS",
                [*GRAVITY, "ln_y", "ln_e", "ln_rem_exp", "ln_rem_imp"],
                [],
                estimator="ols",
                international_only=True,
            ),
        ),
        (
            "FIXED EFFECTS",
            _spec("FIXED EFFECTS", GRAVITY, MR, estimator="ols", international_only=True),
        ),
        ("PPML", _spec("PPML", GRAVITY, MR, international_only=True)),
    ],
    2: [
        (
            "OLS",
            _spec(
                "OLS",
                [*DIST_YEARS, "cntg", "lang", "clny"],
                MR,
                estimator="ols",
                international_only=True,
            ),
        ),
        ("PPML", _spec("PPML", [*DIST_YEARS, "cntg", "lang", "clny"], MR, international_only=True)),
        ("INTRA", _spec("INTRA", [*DIST_YEARS, "cntg", "lang", "clny", "ln_dist_intra"], MR)),
        (
            "BRDR",
            _spec("BRDR", [*DIST_YEARS, "cntg", "lang", "clny", "ln_dist_intra", "smctry"], MR),
        ),
        ("FEs", _spec("FEs", [*DIST_YEARS, "cntg", "lang", "clny"], [*MR, "intra"])),
    ],
    3: [
        ("OLS", _spec("OLS", [*GRAVITY, "rta"], MR, estimator="ols", international_only=True)),
        ("PPML", _spec("PPML", [*GRAVITY, "rta"], MR, international_only=True)),
        ("INTRA", _spec("INTRA", [*GRAVITY, "rta"], [*MR, "intra"])),
        ("ENDG", _spec("ENDG", ["rta"], [*MR, "pair"])),
        ("LEAD", _spec("LEAD", ["rta", "rta_lead4"], [*MR, "pair"])),
        ("PHSNG", _spec("PHSNG", LAGS, [*MR, "pair"])),
        ("GLBZN", _spec("GLBZN", [*LAGS, *BORDERS], [*MR, "pair"])),
    ],
}

#: Column labels of each table, for messages and the CLI.
COLUMNS = {table: [label for label, _ in cols] for table, cols in TABLES.items()}


def _linear(result: GravityResult, weights: dict[str, float]) -> tuple[float, float]:
    """Estimate and delta-method standard error of ``sum_k w_k b_k``."""
    assert result.vcov is not None
    names = list(weights)
    w = np.array([weights[n] for n in names])
    b = np.array([result.coefficient(n) for n in names])
    v = result.vcov.loc[names, names].to_numpy()
    return float(w @ b), float(math.sqrt(w @ v @ w))


def _extra_rows(table: int, label: str, result: GravityResult) -> list[tuple[str, float, float]]:
    if table == 2:
        b0, b1 = result.coefficient(DIST_YEARS[0]), result.coefficient(DIST_YEARS[-1])
        # 100 (b1 - b0) / b0: gradient (-100 b1 / b0^2, 100 / b0)
        grad = {DIST_YEARS[0]: -100 * b1 / b0**2, DIST_YEARS[-1]: 100 / b0}
        _, se = _linear(result, grad)
        return [("pct_change_dist", 100 * (b1 - b0) / b0, se)]
    if table == 3 and label in {"PHSNG", "GLBZN"}:
        est, se = _linear(result, dict.fromkeys(LAGS, 1.0))
        return [("total_rta", est, se)]
    return []


def replicate_table(
    table: int,
    data: pd.DataFrame | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> pd.DataFrame:
    """Records ``table, column, variable, estimate, std_error, n_obs`` for every column.

    ``progress(done, total)`` is called as the columns are estimated (Table 3 takes tens of
    seconds).
    """
    if table not in TABLES:
        raise ScenarioError(
            f"Yotov et al. (2016) has Tables 1, 2 and 3 in Chapter 1; got {table!r}."
        )
    frame = data if data is not None else load_gravity_data("yotov2016")
    rows = []
    for k, (label, spec) in enumerate(TABLES[table]):
        if progress is not None:
            progress(k, len(TABLES[table]))
        result = estimate(frame, spec, label="yotov2016")
        for rec in result.coefficients.itertuples():
            rows.append((table, label, rec.variable, rec.estimate, rec.std_error, result.n_obs))
        for variable, est, se in _extra_rows(table, label, result):
            rows.append((table, label, variable, est, se, result.n_obs))
    if progress is not None:
        progress(len(TABLES[table]), len(TABLES[table]))
    return pd.DataFrame(
        rows, columns=["table", "column", "variable", "estimate", "std_error", "n_obs"]
    )
