"""Hand-made payoffs for policy tests: a fake model whose welfare is an explicit function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.solver import SolverReport
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.policy.problem import TariffProblem

Payoff = Callable[[xr.DataArray], dict[str, float]]


def tariff_array(countries: list[str], sectors: list[str]) -> xr.DataArray:
    n, s = len(countries), len(sectors)
    return xr.DataArray(
        np.zeros((n, n, s)),
        dims=(dims.EXPORTER, dims.IMPORTER, dims.SECTOR),
        coords={dims.EXPORTER: countries, dims.IMPORTER: countries, dims.SECTOR: sectors},
    )


def fake_problem(countries: list[str], sectors: list[str], payoff: Payoff) -> TariffProblem:
    """A problem whose 'model' returns ``welfare_hat = 1 + payoff(tariff)[country]``."""
    report = SolverReport(True, 0, 0.0, 1e-12, 0.0, "fake")

    def solve(tariff: xr.DataArray, warm: Equilibrium | None) -> Equilibrium:
        w = payoff(tariff)
        country = xr.Dataset(
            {"welfare_hat": (dims.COUNTRY, [1 + w.get(c, 0.0) for c in countries])},
            coords={dims.COUNTRY: countries},
        )
        return Equilibrium("fake", country, xr.Dataset(), report, "none")

    return TariffProblem(solve, tariff_array(countries, sectors), name="fake")


def rate(tariff: xr.DataArray, exporter: str, importer: str, sector: int = 0) -> float:
    return float(tariff.sel({dims.EXPORTER: exporter, dims.IMPORTER: importer})[sector])
