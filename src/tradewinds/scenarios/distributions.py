"""Distributions of trade elasticities for Monte Carlo runs, with their sources.

Two priors, chosen by :func:`default_prior` from the scenario and baseline:

- **One elasticity** (a model with an ``eps`` field, such as ``one-sector``): ``eps`` is drawn
  from a normal distribution with mean 4 and standard deviation 1, truncated to [1, 12]. The
  centre is the estimate of Simonovska & Waugh (2014, *JIE* 92(1), "roughly four"), in line with
  the survey of Head & Mayer (2014, *Handbook of International Economics* vol. 4, ch. 3); the
  spread puts the 5–95% band at about 2.4–5.6, which covers Eaton & Kortum's (2002) alternative
  estimate of 3.60 and values near 5. The spread is a judgement, not an estimated standard
  error; pass another :class:`TruncatedNormal` to change it.
- **One elasticity per sector** (a baseline with a ``trade_elasticity`` variable and a model
  without ``eps``): each sector's theta is drawn independently from a normal centred on the
  baseline value with the standard error of Caliendo & Parro (2015, *REStud* 82(1), Table 1,
  "99% sample"), truncated to ``[max(theta/10, theta - 3 se), theta + 3 se]``. A baseline may
  carry its own ``trade_elasticity_se`` variable, which takes precedence. Sectors matched to no
  published standard error get the median relative standard error of the CP2015 table
  (:data:`CP2015_MEDIAN_RELATIVE_SE`) and are listed in the run's settings.

The CP2015 standard errors are written out in :data:`CP2015_THETA` (see ``docs/sweeps.md``).

A scenario that chooses another elasticity set than the baseline's own (``model.elasticities``)
gets, by default, a log-normal spread around that set's values with the log standard deviation
:data:`CP2015_MEDIAN_RELATIVE_SE` (CP2015's median relative standard error).

A third prior, :class:`SetSpread` (``tradewinds montecarlo --sets ... --spread ...``), draws
over the named elasticity sets of :mod:`tradewinds.data.elasticities` in turn, each with a
log-normal spread around its sector values, so that a sector answer comes with a band that
covers the choice of source as well as the uncertainty around each.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.data.elasticities import DEFAULT_SET
from tradewinds.scenarios.schema import Scenario

#: Caliendo & Parro (2015), Table 1, "99% sample": sector -> (theta, standard error). The
#: point estimates equal ``shared/data/cp2015_nafta/csv/theta.csv`` except Auto and Other
#: Transport, which that package stores as 8.22; the standard errors are transcribed from the
#: paper's table (not available as data here).
CP2015_THETA: dict[str, tuple[float, float]] = {
    "Agriculture": (9.11, 2.01),
    "Mining": (13.53, 3.55),
    "Food": (2.62, 0.61),
    "Textile": (8.10, 1.28),
    "Wood": (11.50, 2.87),
    "Paper": (16.52, 2.65),
    "Petroleum": (64.85, 15.80),
    "Chemicals": (3.13, 0.93),
    "Plastic": (1.67, 0.92),
    "Minerals": (2.41, 1.16),
    "Basic metals": (3.28, 1.77),
    "Metal products": (6.99, 1.66),
    "Machinery n.e.c": (1.45, 0.92),
    "Office": (12.95, 3.16),
    "Electrical": (12.91, 3.04),
    "Communication": (3.95, 1.22),
    "Medical": (8.71, 2.55),
    "Auto": (1.84, 0.80),
    "Other Transport": (0.39, 1.00),
    "Other": (3.98, 1.20),
}

#: Median of se/theta over :data:`CP2015_THETA`, used for sectors without a published se.
CP2015_MEDIAN_RELATIVE_SE = statistics.median(se / theta for theta, se in CP2015_THETA.values())

#: Baseline variable holding per-sector standard errors, when a baseline brings its own.
TRADE_ELASTICITY_SE = "trade_elasticity_se"


@dataclass(frozen=True)
class TruncatedNormal:
    """Normal(mean, sd) truncated to [low, high]."""

    mean: float
    sd: float
    low: float
    high: float

    def __post_init__(self) -> None:
        if not (self.sd > 0 and self.low < self.high and self.low <= self.mean <= self.high):
            raise ScenarioError(
                f"Invalid elasticity distribution {self!r}: need sd > 0 and low <= mean <= high."
            )

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray[Any, Any]:
        """``size`` draws (inverse-CDF sampling, reproducible from ``rng``)."""
        from scipy.stats import truncnorm

        a = (self.low - self.mean) / self.sd
        b = (self.high - self.mean) / self.sd
        return np.asarray(
            truncnorm.rvs(a, b, loc=self.mean, scale=self.sd, size=size, random_state=rng)
        )

    def describe(self) -> dict[str, Any]:
        """Plain-data description for the run's settings."""
        return {
            "family": "truncated normal",
            "mean": self.mean,
            "sd": self.sd,
            "low": self.low,
            "high": self.high,
        }


#: The one-elasticity prior described in the module docstring.
EPS_PRIOR = TruncatedNormal(mean=4.0, sd=1.0, low=1.0, high=12.0)


@dataclass(frozen=True)
class Draw:
    """One set of drawn parameters.

    ``settings`` replaces scenario fields (path -> value, see :mod:`tradewinds.scenarios.grid`);
    ``baseline_vars`` replaces baseline variables (name -> values in the variable's shape).
    """

    index: int
    settings: dict[str, Any] = field(default_factory=dict)
    baseline_vars: dict[str, list[float]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """The drawn values as plain data (sector-labelled for per-sector draws)."""
        out: dict[str, Any] = dict(self.settings)
        for name, values in self.baseline_vars.items():
            names = self.labels.get(name)
            out[name] = dict(zip(names, values, strict=True)) if names else list(values)
        return out


class ElasticityPrior(Protocol):
    """Something that draws elasticities for a Monte Carlo run."""

    def draws(self, n: int, seed: int) -> list[Draw]:
        """``n`` draws, reproducible from ``seed``."""
        ...

    def describe(self) -> dict[str, Any]:
        """Plain-data description stored with the run."""
        ...


@dataclass(frozen=True)
class ScalarElasticity:
    """One elasticity at scenario field ``path`` drawn from ``distribution``."""

    path: str = "model.eps"
    distribution: TruncatedNormal = EPS_PRIOR
    source: str = (
        "centre 4: Simonovska & Waugh (2014, JIE 92(1)), see Head & Mayer (2014, Handbook of "
        "International Economics vol. 4, ch. 3); sd 1 is a judgement covering Eaton & Kortum "
        "(2002) 3.60 to about 5.6 in the 5-95% band"
    )

    def draws(self, n: int, seed: int) -> list[Draw]:
        """``n`` draws of the elasticity."""
        values = self.distribution.sample(np.random.default_rng(seed), n)
        return [Draw(index=k, settings={self.path: float(v)}) for k, v in enumerate(values)]

    def describe(self) -> dict[str, Any]:
        """Parameter, distribution and source."""
        return {"parameter": self.path, **self.distribution.describe(), "source": self.source}


@dataclass(frozen=True)
class SectorElasticities:
    """Independent truncated normals for a baseline's per-sector ``trade_elasticity``."""

    sectors: tuple[str, ...]
    mean: tuple[float, ...]
    se: tuple[float, ...]
    se_source: tuple[str, ...]
    variable: str = dims.TRADE_ELASTICITY

    def bounds(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Lower and upper truncation points per sector."""
        mean = np.asarray(self.mean)
        se = np.asarray(self.se)
        return np.maximum(mean / 10, mean - 3 * se), mean + 3 * se

    def draws(self, n: int, seed: int) -> list[Draw]:
        """``n`` draws of every sector's theta."""
        from scipy.stats import truncnorm

        rng = np.random.default_rng(seed)
        mean = np.asarray(self.mean)
        se = np.asarray(self.se)
        low, high = self.bounds()
        values = truncnorm.rvs(
            (low - mean) / se,
            (high - mean) / se,
            loc=mean,
            scale=se,
            size=(n, len(mean)),
            random_state=rng,
        )
        names = list(self.sectors)
        return [
            Draw(
                index=k,
                baseline_vars={self.variable: [float(v) for v in row]},
                labels={self.variable: names},
            )
            for k, row in enumerate(np.atleast_2d(values))
        ]

    def describe(self) -> dict[str, Any]:
        """Sectors with mean, standard error, bounds and the source of each se."""
        low, high = self.bounds()
        return {
            "parameter": f"baseline variable {self.variable} (per sector)",
            "family": "truncated normal, independent across sectors",
            "sectors": {
                s: {"mean": m, "se": e, "low": float(lo), "high": float(hi), "se_source": src}
                for s, m, e, lo, hi, src in zip(
                    self.sectors, self.mean, self.se, low, high, self.se_source, strict=True
                )
            },
        }


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def sector_prior(baseline: xr.Dataset) -> SectorElasticities:
    """The per-sector prior for a baseline with ``trade_elasticity`` (see module docstring)."""
    theta = baseline[dims.TRADE_ELASTICITY]
    if theta.dims != (dims.SECTOR,):
        raise ScenarioError(
            f"Baseline variable {dims.TRADE_ELASTICITY!r} has dims {theta.dims}; the Monte Carlo "
            "draws one elasticity per sector and needs dims ('sector',)."
        )
    sectors = [str(s) for s in theta[dims.SECTOR].values]
    means = [float(v) for v in theta.values]
    own = baseline.get(TRADE_ELASTICITY_SE)
    table = {_normalise(k): v for k, v in CP2015_THETA.items()}
    ses: list[float] = []
    sources: list[str] = []
    for k, (sector, mean) in enumerate(zip(sectors, means, strict=True)):
        if own is not None:
            ses.append(float(own.values[k]))
            sources.append(f"baseline variable {TRADE_ELASTICITY_SE}")
        elif _normalise(sector) in table:
            ses.append(table[_normalise(sector)][1])
            sources.append("Caliendo & Parro (2015), Table 1, 99% sample")
        else:
            ses.append(mean * CP2015_MEDIAN_RELATIVE_SE)
            sources.append(
                f"no published se: {CP2015_MEDIAN_RELATIVE_SE:.3f} x theta "
                "(median relative se of CP2015 Table 1)"
            )
    if any(not np.isfinite(m) or m <= 0 for m in means) or any(s <= 0 for s in ses):
        raise ScenarioError(
            "Baseline trade elasticities and their standard errors must be positive to draw "
            f"from; got {dict(zip(sectors, means, strict=True))}."
        )
    return SectorElasticities(tuple(sectors), tuple(means), tuple(ses), tuple(sources))


def default_prior(scenario: Scenario, baseline: xr.Dataset) -> ElasticityPrior:
    """The documented prior for this scenario's model and baseline."""
    fields: Sequence[str] = tuple(type(scenario.model).model_fields)
    if "eps" in fields:
        return ScalarElasticity()
    chosen: Any = getattr(scenario.model, "elasticities", None)
    if chosen is not None and chosen != DEFAULT_SET and getattr(scenario.model, "theta", 1) is None:
        # Another set than the baseline's own: its values reach the model as ``theta``, so the
        # draws must too (drawing the baseline's variable would change nothing).
        own = chosen if isinstance(chosen, str) else chosen.model_dump()
        return set_prior(scenario, baseline, [own], spread=CP2015_MEDIAN_RELATIVE_SE)
    if dims.TRADE_ELASTICITY in baseline:
        return sector_prior(baseline)
    raise ScenarioError(
        f"Model {scenario.model.name!r} has no 'eps' parameter and the baseline has no "
        f"{dims.TRADE_ELASTICITY!r} variable, so there is no trade elasticity to draw."
    )


def choice_label(choice: Any) -> str:
    """``bw2006`` for a set name, ``uniform 5`` for ``{uniform: 5}``."""
    if isinstance(choice, dict) and "uniform" in choice:
        return f"uniform {choice['uniform']:g}"
    return str(choice)


@dataclass(frozen=True)
class SetSpread:
    """Draws over elasticity sets, each with a log-normal spread around its sector values.

    Draw ``k`` takes set ``choices[k % len(choices)]`` (so every set gets the same number of
    draws, to within one) and multiplies each sector's θ by ``exp(spread * z)`` with ``z``
    standard normal, independent across sectors and draws: the set's value is the median of
    the draws, and ``spread`` is the standard deviation of log θ (0.25 puts the 5–95% band
    at about ×0.66 to ×1.51). With ``spread = 0`` the draws are the sets themselves. Each draw
    sets ``model.elasticities`` (recorded, so draws can be grouped by set) and, when spread,
    ``model.theta`` for every sector.
    """

    choices: tuple[Any, ...]
    sectors: tuple[str, ...]
    thetas: tuple[tuple[float, ...], ...]
    spread: float = 0.0

    def __post_init__(self) -> None:
        if not self.choices or len(self.choices) != len(self.thetas):
            raise ScenarioError("Give at least one elasticity set to draw over.")
        if not (np.isfinite(self.spread) and 0 <= self.spread <= 2):
            raise ScenarioError(
                f"--spread {self.spread!r}: the standard deviation of log theta must be between "
                "0 and 2 (0.25 is a spread of about ±50% in the 5-95% band)."
            )

    def draws(self, n: int, seed: int) -> list[Draw]:
        """``n`` draws cycling over the sets."""
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, len(self.sectors)))
        out = []
        for k in range(n):
            which = k % len(self.choices)
            settings: dict[str, Any] = {"model.elasticities": self.choices[which]}
            if self.spread > 0:
                values = np.asarray(self.thetas[which]) * np.exp(self.spread * z[k])
                settings["model.theta"] = {
                    s: float(v) for s, v in zip(self.sectors, values, strict=True)
                }
            else:
                settings["model.theta"] = None
            out.append(Draw(index=k, settings=settings))
        return out

    def describe(self) -> dict[str, Any]:
        """The sets, their sector values and the spread."""
        return {
            "parameter": "model.elasticities and model.theta (per sector)",
            "family": "elasticity sets in turn, each with a log-normal spread"
            if self.spread > 0
            else "elasticity sets in turn",
            "sets": [choice_label(c) for c in self.choices],
            "spread_log_sd": self.spread,
            "sectors": {
                choice_label(c): dict(zip(self.sectors, t, strict=True))
                for c, t in zip(self.choices, self.thetas, strict=True)
            },
            "source": "named sets: tradewinds.data.elasticities (docs/multisector.md); the "
            "spread is a judgement, not an estimated standard error",
        }


def set_prior(
    scenario: Scenario, baseline: xr.Dataset, choices: Sequence[Any], spread: float = 0.0
) -> SetSpread:
    """A :class:`SetSpread` over ``choices`` (set names or ``{uniform: N}``) for a scenario."""
    from tradewinds.scenarios.grid import apply_settings

    if "elasticities" not in type(scenario.model).model_fields:
        raise ScenarioError(
            f"Model {scenario.model.name!r} has no elasticity sets; --sets and --spread apply "
            "to the multi-sector model (one-elasticity models take --eps-*)."
        )
    sectors = [str(s) for s in baseline[dims.SECTOR].values]
    thetas = []
    for choice in choices:
        spec = apply_settings(
            scenario, {"model.elasticities": choice, "model.theta": None}, "--sets"
        ).model
        resolved = spec.thetas(sectors)  # type: ignore[union-attr]
        if resolved is None:
            if dims.TRADE_ELASTICITY not in baseline:
                raise ScenarioError(
                    f"Set {choice_label(choice)!r} is the baseline's own theta, and the baseline "
                    f"has no {dims.TRADE_ELASTICITY!r} variable."
                )
            own = baseline[dims.TRADE_ELASTICITY]
            thetas.append(tuple(float(own.sel({dims.SECTOR: s})) for s in sectors))
        elif isinstance(resolved, float):
            thetas.append((resolved,) * len(sectors))
        else:
            thetas.append(tuple(float(resolved[s]) for s in sectors))
    return SetSpread(tuple(choices), tuple(sectors), tuple(thetas), float(spread))
