"""The answer of a model: labelled changes and levels, plus how the solve went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewinds.core import dims
from tradewinds.core.solver import SolverReport

if TYPE_CHECKING:  # loaded by the methods that build frames (the metric names need neither)
    import pandas as pd
    import xarray as xr

#: Country-level variables that are ratios (new / old), reported as percent changes.
PCT_METRICS = {
    "welfare_hat": "welfare_pct",
    "real_income_hat": "real_income_pct",
    "real_wage_hat": "real_wage_pct",
    "wage_hat": "wage_pct",
    "price_index_hat": "price_index_pct",
    "exports_hat": "exports_pct",
    "imports_hat": "imports_pct",
    "employment_hat": "employment_pct",
}

#: Country-level variables in money, reported as levels with the baseline's unit.
LEVEL_METRICS = ("tariff_revenue", "tariff_revenue_baseline", "exports", "imports", "income")


@dataclass(frozen=True)
class Equilibrium:
    """A counterfactual equilibrium relative to its baseline.

    Attributes
    ----------
    model
        Registry name of the model that produced it.
    country
        Dataset on dim ``country``: ``*_hat`` ratios (``wage_hat``, ``price_index_hat``,
        ``welfare_hat``, ``real_wage_hat``, ``exports_hat``, ``imports_hat`` …) and levels in
        ``units`` (``tariff_revenue``, ``exports``, ``imports`` …).
    bilateral
        Dataset on (exporter, importer, sector): ``trade_baseline``, ``trade`` (new, producer
        prices) and ``trade_hat``.
    report
        How the solver went.
    units
        Money unit of the levels.
    params
        Model parameters used, for provenance.
    sector
        Optional dataset on (country, sector) for multi-sector models.
    """

    model: str
    country: xr.Dataset
    bilateral: xr.Dataset
    report: SolverReport
    units: str
    params: dict[str, Any] = field(default_factory=dict)
    sector: xr.Dataset | None = None

    def headline(self) -> pd.DataFrame:
        """Country table of the main percent changes and revenue, one row per country."""
        import pandas as pd

        cols: dict[str, Any] = {}
        for var, name in PCT_METRICS.items():
            if var in self.country:
                cols[name] = (self.country[var].values - 1) * 100
        for var in ("tariff_revenue", "tariff_revenue_baseline"):
            if var in self.country:
                cols[var] = self.country[var].values
        return pd.DataFrame(cols, index=pd.Index(self.country[dims.COUNTRY].values, name="country"))

    def to_records(self, *, bilateral: bool = True) -> pd.DataFrame:
        """Tidy records ``country, partner, sector, metric, value, unit``.

        Country metrics have an empty partner and sector ``TOTAL``. Country variables ending in
        ``_pct`` are reported as they are, in percent; those ending in ``_share`` as they are,
        in the unit of their ``units`` attribute (``fraction`` by default). Bilateral records
        (``trade_pct`` and ``trade``) are included for pairs with positive baseline trade, with
        the exporter as country and the importer as partner. Sector records whose value is
        undefined (the percent change of a sector with zero baseline output) are omitted, so no
        record is NaN.
        """
        import pandas as pd

        countries = [str(c) for c in self.country[dims.COUNTRY].values]
        parts: list[tuple[str, np.ndarray[Any, Any], str]] = []  # metric, values, unit
        for var, name in PCT_METRICS.items():
            if var in self.country:
                parts.append((name, (self.country[var].values - 1) * 100, "percent"))
        for var in LEVEL_METRICS:
            if var in self.country:
                parts.append((var, self.country[var].values, self.units))
        for extra in self.country.data_vars:
            key = str(extra)
            if key not in PCT_METRICS and key not in LEVEL_METRICS and key.endswith("_pct"):
                parts.append((key, self.country[key].values, "percent"))
            elif key.endswith("_share") and key not in LEVEL_METRICS:
                unit = str(self.country[key].attrs.get("units", "fraction"))
                parts.append((key, self.country[key].values, unit))
        # one frame for every country metric (a frame per metric cost more than the solve)
        frames = [_country_frames(countries, parts)] if parts else []
        if self.sector is not None:
            for svar in self.sector.data_vars:
                da = self.sector[svar]
                df = da.to_dataframe(name="value").reset_index()
                unit = str(da.attrs.get("units", self.units))
                value = df["value"]
                metric = str(svar)
                if metric.endswith("_hat"):
                    value = (value - 1) * 100
                    metric = metric[: -len("_hat")] + "_pct"
                    unit = "percent"
                # A sector with zero baseline output has no percent change (0/0): its record
                # is omitted rather than written as NaN (docs/multisector.md, "Results").
                keep = value.notna().to_numpy()
                frames.append(
                    pd.DataFrame(
                        {
                            "country": df[dims.COUNTRY].astype(str),
                            "partner": "",
                            "sector": df[dims.SECTOR].astype(str),
                            "metric": metric,
                            "value": value,
                            "unit": unit,
                        }
                    )[keep]
                )
        if bilateral:
            b = self.bilateral.to_dataframe().reset_index()
            b = b[b["trade_baseline"] > 0]
            for metric, values, unit in (
                ("trade_pct", (b["trade_hat"] - 1) * 100, "percent"),
                ("trade", b["trade"], self.units),
            ):
                frames.append(
                    pd.DataFrame(
                        {
                            "country": b[dims.EXPORTER].astype(str),
                            "partner": b[dims.IMPORTER].astype(str),
                            "sector": b[dims.SECTOR].astype(str),
                            "metric": metric,
                            "value": values,
                            "unit": unit,
                        }
                    )
                )
        return pd.concat(frames, ignore_index=True)


def _country_frames(
    countries: list[str], parts: list[tuple[str, np.ndarray[Any, Any], str]]
) -> pd.DataFrame:
    """Country records of several metrics, metric by metric, as one frame."""
    import pandas as pd

    n = len(countries)
    return pd.DataFrame(
        {
            "country": np.tile(np.array(countries, dtype=object), len(parts)),
            "partner": "",
            "sector": dims.TOTAL_SECTOR,
            "metric": np.repeat(np.array([p[0] for p in parts], dtype=object), n),
            "value": np.concatenate([np.asarray(p[1], dtype=float).reshape(n) for p in parts]),
            "unit": np.repeat(np.array([p[2] for p in parts], dtype=object), n),
        }
    )
