"""The answer of a model: labelled changes and levels, plus how the solve went."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterator, Mapping, Sequence
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

        countries = self._countries()
        parts = self._country_parts()
        # one frame for every country metric (a frame per metric cost more than the solve)
        frames = [pd.DataFrame(_country_columns(countries, parts))] if parts else []
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
            ds = self.bilateral
            order = [str(d) for d in ds.dims]  # the order of Dataset.to_dataframe's rows
            sizes = {d: ds.sizes[d] for d in order}
            arrays = {}
            for name in ("trade_baseline", "trade", "trade_hat"):
                var = ds.variables[name]
                if list(var.dims) != order:
                    var = var.set_dims(sizes)  # type: ignore[no-untyped-call]
                arrays[name] = np.asarray(var.values)
            labels = {d: _labels(ds.get_index(d)) for d in order}
            axes = (labels[dims.EXPORTER], labels[dims.IMPORTER], labels[dims.SECTOR])
            at = (order.index(dims.EXPORTER), order.index(dims.IMPORTER), order.index(dims.SECTOR))
            frames.append(pd.DataFrame(bilateral_columns(axes, arrays, self.units, at)))
        return pd.concat(frames, ignore_index=True)

    def record_values(self, *, bilateral: bool = True) -> tuple[Hashable, np.ndarray[Any, Any]]:
        """The ``value`` column of :meth:`to_records`, and a key for its other columns.

        Two answers with equal keys have records with the same ``country, partner, sector,
        metric, unit`` columns in the same order, so a batch of draws builds those columns once
        (from the first draw's :meth:`to_records`) and keeps one vector of values per draw. The
        key holds the labels, the metrics with their units, and which sector and bilateral
        records exist (the records :meth:`to_records` omits depend on the values). No frame is
        built: on the 11-region default this costs about 30 microseconds against 0.2-0.4 ms
        for the records.
        """
        import pandas as pd

        countries = _labels(self.country.get_index(dims.COUNTRY))
        plan = self._country_plan()
        key: list[Hashable] = [countries, plan.key]
        n = len(countries)
        values = [plan.values(self.country.variables, n)] if plan.names else []
        if self.sector is not None:
            for svar in self.sector.data_vars:
                var = self.sector.variables[svar]
                value = np.asarray(var.values).reshape(-1)
                metric = str(svar)
                unit = str(var.attrs.get("units", self.units))
                if metric.endswith("_hat"):
                    value = (value - 1) * 100
                    metric, unit = metric[: -len("_hat")] + "_pct", "percent"
                keep = ~pd.isna(value)
                labels = tuple(tuple(self.sector.get_index(d).tolist()) for d in var.dims)
                key.append((metric, unit, var.dims, labels, keep.tobytes()))
                values.append(np.asarray(value[keep], dtype=float))
        if bilateral:
            ds = self.bilateral
            order = list(ds.dims)  # the order of Dataset.to_dataframe's rows
            sizes = {d: ds.sizes[d] for d in order}

            def flat(name: str) -> np.ndarray[Any, Any]:
                var = ds.variables[name]
                if list(var.dims) != order:
                    var = var.set_dims(sizes)  # type: ignore[no-untyped-call]
                return np.asarray(var.values).reshape(-1)

            mask = flat("trade_baseline") > 0
            labels = tuple(_labels(ds.get_index(d), str_=False) for d in order)
            key.append((tuple(order), labels, self.units, mask.tobytes()))
            values.append(np.asarray((flat("trade_hat")[mask] - 1) * 100, dtype=float))
            values.append(np.asarray(flat("trade")[mask], dtype=float))
        return tuple(key), np.concatenate(values) if values else np.empty(0)

    def _countries(self) -> list[str]:
        return list(_labels(self.country.get_index(dims.COUNTRY)))

    def _country_parts(self) -> list[tuple[str, np.ndarray[Any, Any], str]]:
        """Country metrics as ``(metric, values, unit)`` in the order of the records."""
        plan = self._country_plan()
        if not plan.names:
            return []
        n = self.country.sizes[dims.COUNTRY]
        rows = plan.values(self.country.variables, n).reshape(len(plan.names), n)
        return [(metric, rows[k], unit) for k, (metric, unit) in enumerate(plan.key)]

    def _country_plan(self) -> _CountryPlan:
        """Which country variables the records report, as what metric and unit (memoised)."""
        variables = self.country.variables
        names = tuple(str(v) for v in self.country.data_vars)
        shares = tuple(
            str(variables[k].attrs.get("units", "fraction"))
            for k in names
            if k.endswith("_share") and k not in LEVEL_METRICS
        )
        memo = (names, self.units, shares)
        plan = _PLANS.get(memo)
        if plan is None:
            plan = _CountryPlan.of(names, self.units, iter(shares))
            if len(_PLANS) > 64:  # a few layouts per process; never grow without bound
                _PLANS.clear()
            _PLANS[memo] = plan
        return plan


@dataclass(frozen=True)
class _CountryPlan:
    """The country records of one layout of variables: names, ``(metric, unit)``, percent flags.

    ``values`` gives the records' values in one vector: every variable's values, less 1 and
    times 100 for a ratio (``(v - 1) * 100``, the same two operations as
    :meth:`Equilibrium._country_parts`, element by element), less 0 and times 1 (unchanged) for
    a level.
    """

    names: tuple[str, ...]
    key: tuple[tuple[str, str], ...]
    pct: tuple[bool, ...]
    offset: np.ndarray[Any, Any] = field(compare=False)
    scale: np.ndarray[Any, Any] = field(compare=False)

    @classmethod
    def of(cls, names: tuple[str, ...], units: str, shares: Iterator[str]) -> _CountryPlan:
        """The plan of country variables ``names`` (``shares``: units of the share variables)."""
        present = set(names)
        rows: list[tuple[str, str, str, bool]] = []
        rows += [(v, m, "percent", True) for v, m in PCT_METRICS.items() if v in present]
        rows += [(v, v, units, False) for v in LEVEL_METRICS if v in present]
        for key in names:
            if key not in PCT_METRICS and key not in LEVEL_METRICS and key.endswith("_pct"):
                rows.append((key, key, "percent", False))
            elif key.endswith("_share") and key not in LEVEL_METRICS:
                rows.append((key, key, next(shares), False))
        return cls(
            names=tuple(r[0] for r in rows),
            key=tuple((r[1], r[2]) for r in rows),
            pct=tuple(r[3] for r in rows),
            offset=np.array([1.0 if r[3] else 0.0 for r in rows]),
            scale=np.array([100.0 if r[3] else 1.0 for r in rows]),
        )

    def values(self, variables: Mapping[Any, Any], n: int) -> np.ndarray[Any, Any]:
        """The records' values of ``n`` countries, metric after metric."""
        raw = np.empty((len(self.names), n))
        for k, name in enumerate(self.names):  # Variables, not DataArrays: no coordinates built
            raw[k] = getattr(variables[name], "values", variables[name])
        out: np.ndarray[Any, Any] = ((raw - self.offset[:, None]) * self.scale[:, None]).ravel()
        return out


_PLANS: dict[tuple[Hashable, ...], _CountryPlan] = {}

#: Labels of an index as a tuple, by the index itself (indexes are immutable and shared by the
#: answers of one baseline, so each is converted once). The entry holds the index, so its id
#: cannot be reused while it is cached.
_LABEL_CACHE: dict[tuple[int, bool], tuple[Any, tuple[Any, ...]]] = {}


def _labels(index: pd.Index, *, str_: bool = True) -> tuple[Any, ...]:
    """``tuple(index.tolist())`` (of ``str`` of each label with ``str_``), memoised by index."""
    hit = _LABEL_CACHE.get((id(index), str_))
    if hit is not None and hit[0] is index:
        return hit[1]
    labels = tuple(str(v) for v in index.tolist()) if str_ else tuple(index.tolist())
    if len(_LABEL_CACHE) > 64:  # a few baselines per process; never grow without bound
        _LABEL_CACHE.clear()
    _LABEL_CACHE[(id(index), str_)] = (index, labels)
    return labels


def _country_columns(
    countries: Sequence[str], parts: list[tuple[str, np.ndarray[Any, Any], str]]
) -> dict[str, Any]:
    """Country records of several metrics, metric by metric, as columns."""
    n = len(countries)
    return {
        "country": np.tile(np.array(countries, dtype=object), len(parts)),
        "partner": np.full(n * len(parts), "", dtype=object),
        "sector": np.full(n * len(parts), dims.TOTAL_SECTOR, dtype=object),
        "metric": np.repeat(np.array([p[0] for p in parts], dtype=object), n),
        "value": np.concatenate([np.asarray(p[1], dtype=float).reshape(n) for p in parts]),
        "unit": np.repeat(np.array([p[2] for p in parts], dtype=object), n),
    }


def bilateral_columns(
    axes: tuple[Sequence[str], Sequence[str], Sequence[str]],
    arrays: Mapping[str, np.ndarray[Any, Any]],
    units: str,
    at: tuple[int, int, int] = (0, 1, 2),
) -> dict[str, Any]:
    """The bilateral records (``trade_pct``, then ``trade``) of pairs with baseline trade.

    ``arrays`` holds ``trade_baseline``, ``trade`` and ``trade_hat`` of one shape, whose axes
    ``at`` are those of the exporter, importer and sector labels ``axes``; rows run in the
    arrays' (C) order, as :meth:`Equilibrium.to_records` lists them.
    """
    where = np.nonzero(np.asarray(arrays["trade_baseline"]) > 0)
    labels = [np.array(axes[k], dtype=object)[where[at[k]]] for k in range(3)]
    pct = (np.asarray(arrays["trade_hat"])[where] - 1) * 100
    new = np.asarray(arrays["trade"])[where]
    n = len(pct)
    return {
        "country": np.tile(labels[0], 2),
        "partner": np.tile(labels[1], 2),
        "sector": np.tile(labels[2], 2),
        "metric": np.repeat(np.array(["trade_pct", "trade"], dtype=object), n),
        "value": np.concatenate([pct, new]).astype(float),
        "unit": np.repeat(np.array(["percent", units], dtype=object), n),
    }


def record_columns(
    countries: Sequence[str],
    country: Mapping[str, np.ndarray[Any, Any]],
    units: str,
    axes: tuple[Sequence[str], Sequence[str], Sequence[str]],
    bilateral: Mapping[str, np.ndarray[Any, Any]],
) -> dict[str, Any]:
    """:meth:`Equilibrium.to_records` of a model without sectors, from plain arrays, as columns.

    ``country`` holds the country variables (by country, in the order of the ``country``
    dataset); ``bilateral`` the (exporter, importer, sector) arrays on ``axes``. The values are
    computed by the same functions as the records of an :class:`Equilibrium`, so the two agree
    bit for bit; no pandas or xarray is imported.
    """
    plan = _CountryPlan.of(tuple(country), units, itertools.repeat("fraction"))
    n = len(countries)
    columns = []
    if plan.names:
        rows = plan.values(country, n).reshape(len(plan.names), n)
        parts = [(metric, rows[k], unit) for k, (metric, unit) in enumerate(plan.key)]
        columns.append(_country_columns(countries, parts))
    columns.append(bilateral_columns(axes, bilateral, units))
    return {name: np.concatenate([c[name] for c in columns]) for name in columns[0]}
