r"""Integration targets: the uniform trade-cost cut on named pairs that reaches a target.

The question of the Canada–Mexico partnership: what would it take to grow two-way trade to a
target? The answer is the iceberg trade-cost factor ``d_hat`` (the same on every named pair, in
both directions, on all sectors or on a chosen set) at which the general-equilibrium model
delivers the target. ``d_hat = 0.9`` is a 10% cut; ``trade_cost_change_pct = 100 (d_hat - 1)``.

Targets (:func:`parse_target`):

- ``2x``: two-way trade on the pairs multiplied by 2 relative to the model's baseline (the
  observed flows under the one-sector fixed-deficit closure; the baseline equilibrium of the
  multi-sector model, which differs from the data when its closure changes deficits);
- ``+50%``: two-way trade up by 50%;
- ``US$60bn`` (or ``US$600m``): a level of two-way trade, in the baseline's money unit;
- a welfare offset (:class:`WelfareOffset`): the cut that brings one country's welfare back to
  its baseline level on top of a tariff shock (for example Canada under the 2025-09-01
  measures). The tariff shock comes in as ``new_tariff`` (and ``trade_cost_hat``), built by the
  front end from a scenario (``tradewinds.scenarios.runner.build_shocks``).

The cut is found by Brent's method (``scipy.optimize.brentq``) on ``log d_hat`` within a bracket
(default ``[0.2, 5]``: from an 80% cut to a fivefold rise); each evaluation is a full
general-equilibrium solve, warm-started at the previous one. Two-way trade falls monotonically
in ``d_hat`` and the partners' welfare rises as it falls, so the root is unique in the bracket;
a target outside what the bracket reaches raises :class:`ScenarioError` saying how far it goes.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.multisector import MultiSectorModel
from tradewinds.models.onesector import OneSectorModel

log = logging.getLogger(__name__)

#: The February 2026 trade mission's sectors mapped to WIOD (2013 release) industries of the
#: bundled ``wiod2011`` baseline; see ``docs/gravity.md`` for the reasoning.
MISSION_SECTORS: dict[str, list[str]] = {
    "agriculture": ["c1", "c3"],  # agriculture, hunting, forestry, fishing; food and beverages
    "advanced-manufacturing": ["c9", "c13", "c15"],  # chemicals; machinery; transport equipment
    "ict": ["c14", "c27", "c30"],  # electrical and optical equipment; telecom; business services
    "clean-energy": ["c17"],  # electricity, gas and water supply
    "creative-industries": [
        "c7",
        "c34",
    ],  # printing and publishing; other (incl. cultural) services
}

#: Default bracket on ``d_hat``: an 80% cut to a fivefold rise.
BRACKET = (0.2, 5.0)

ModelName = Literal["one-sector", "multi-sector"]


@dataclass(frozen=True)
class TradeTarget:
    """Two-way trade on the pairs: ``factor`` times the baseline, or a ``level`` in money."""

    factor: float | None = None
    level: float | None = None
    text: str = ""

    def goal(self, before: float) -> float:
        """The two-way trade to reach, given the baseline's."""
        return self.level if self.level is not None else before * float(self.factor or 1.0)


@dataclass(frozen=True)
class WelfareOffset:
    """Bring ``country``'s welfare back to its baseline level (``welfare_hat = 1``)."""

    country: str
    metric: str = "welfare_hat"
    text: str = ""


Target = TradeTarget | WelfareOffset

_MONEY = re.compile(r"^(?:US)?\$\s*([0-9]*\.?[0-9]+)\s*(bn|b|billion|m|mn|million)?$", re.I)


def parse_target(text: str, *, units: str = "millions of current US dollars") -> Target:
    """``2x``, ``+50%``, ``US$60bn`` / ``$600m``, or ``offset:CAN`` (welfare offset)."""
    raw = str(text).strip()
    low = raw.lower().replace(" ", "")
    try:
        if low.startswith("offset:"):
            return WelfareOffset(country=raw.split(":", 1)[1].strip().upper(), text=raw)
        if low.endswith("x"):
            factor = float(low[:-1])
        elif low.endswith("%"):
            factor = 1 + float(low[:-1]) / 100
        else:
            match = _MONEY.match(raw.replace(",", ""))
            if match is None:
                raise ValueError(raw)
            amount = float(match.group(1))
            scale = {"b": 1e9, "bn": 1e9, "billion": 1e9}.get((match.group(2) or "").lower(), 1e6)
            if "million" not in units:
                raise ScenarioError(
                    f"A money target needs a baseline in millions of US dollars; this one is "
                    f"in {units!r}. Give the target as a multiple (2x) or a change (+50%)."
                )
            level = amount * scale / 1e6
            if math.isfinite(level) and level > 0:
                return TradeTarget(level=level, text=raw)
            factor = math.nan  # refused below, outside this try (ScenarioError is a ValueError)
    except ValueError:
        raise ScenarioError(
            f"Cannot read target {raw!r}: give a multiple (2x), a change (+50%), a level "
            "(US$60bn) or a welfare offset (offset:CAN)."
        ) from None
    if not math.isfinite(factor) or factor <= 0:
        raise ScenarioError(
            f"Target {raw!r} must leave two-way trade positive (no trade cost reaches zero "
            "trade); give a positive multiple, change or amount."
        )
    return TradeTarget(factor=factor, text=raw)


def resolve_sectors(baseline: xr.Dataset, sectors: Sequence[str] | None) -> list[str]:
    """Baseline sector labels from labels and mission-sector names (``None``: all sectors)."""
    known = [str(s) for s in baseline[dims.SECTOR].values]
    if not sectors:
        return known
    out: list[str] = []
    for name in sectors:
        if name in MISSION_SECTORS:
            for code in MISSION_SECTORS[name]:
                if code not in known:
                    raise ScenarioError(
                        f"Mission sector {name!r} maps to WIOD industry {code!r}, which this "
                        "baseline lacks; use a WIOD baseline (wiod2011) or name its sectors."
                    )
            out.extend(MISSION_SECTORS[name])
        elif name == "mission":
            out.extend(c for codes in MISSION_SECTORS.values() for c in codes if c in known)
        elif name in known:
            out.append(name)
        else:
            raise UnknownLabelError("sector", name, [*known, *MISSION_SECTORS, "mission"])
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class IntegrationResult:
    """The cut that reaches the target, and the equilibrium it produces."""

    pairs: list[tuple[str, str]]
    target: Target
    d_hat: float
    sectors: list[str]
    two_way_before: float
    two_way_after: float
    equilibrium: Equilibrium
    evaluations: int

    @property
    def trade_cost_change_pct(self) -> float:
        """Change of the pairs' iceberg cost ``d_hat``, in percent (negative is a cut)."""
        return 100 * (self.d_hat - 1)

    def summary(self) -> dict[str, Any]:
        """Headline numbers as a flat mapping."""
        eq = self.equilibrium
        members = sorted({c for p in self.pairs for c in p})
        out: dict[str, Any] = {
            "pairs": ["-".join(p) for p in self.pairs],
            "target": self.target.text,
            "trade_cost_change_pct": self.trade_cost_change_pct,
            "d_hat": self.d_hat,
            "two_way_trade_before": self.two_way_before,
            "two_way_trade_after": self.two_way_after,
            "units": eq.units,
        }
        for c in members:
            out[f"welfare_pct_{c}"] = float(eq.country["welfare_hat"].sel(country=c) - 1) * 100
        return out

    def to_records(self, *, bilateral: bool = False) -> pd.DataFrame:
        """The equilibrium's tidy records plus the cut, two-way trade and US diversion."""
        eq = self.equilibrium
        extra: list[dict[str, Any]] = []
        for a, b in self.pairs:
            for metric, value, unit in (
                ("trade_cost_change_pct", self.trade_cost_change_pct, "percent"),
                ("two_way_trade_baseline", _two_way(eq, [(a, b)], "trade_baseline"), eq.units),
                ("two_way_trade", _two_way(eq, [(a, b)], "trade"), eq.units),
            ):
                extra.append(_rec(a, b, metric, value, unit))
        for c, partner, metric, value in diversion(eq, self.pairs):
            extra.append(_rec(c, partner, metric, value, eq.units))
        return pd.concat(
            [eq.to_records(bilateral=bilateral), pd.DataFrame(extra)], ignore_index=True
        )


def _rec(country: str, partner: str, metric: str, value: float, unit: str) -> dict[str, Any]:
    return {
        "country": country,
        "partner": partner,
        "sector": dims.TOTAL_SECTOR,
        "metric": metric,
        "value": float(value),
        "unit": unit,
    }


def _two_way(eq: Equilibrium, pairs: Sequence[tuple[str, str]], var: str) -> float:
    flows = eq.bilateral[var].sum(dims.SECTOR)
    total = 0.0
    for a, b in pairs:
        total += float(flows.sel(exporter=a, importer=b)) + float(flows.sel(exporter=b, importer=a))
    return total


def diversion(
    eq: Equilibrium, pairs: Sequence[tuple[str, str]], hub: str = "USA"
) -> list[tuple[str, str, str, float]]:
    """Trade diverted from and to ``hub``: change in each member's exports to and imports from it.

    Rows ``(country, hub, metric, value)`` with metrics ``exports_to_hub_change`` and
    ``imports_from_hub_change`` (new minus baseline, in the equilibrium's unit).
    """
    members = sorted({c for p in pairs for c in p if c != hub})
    labels = [str(c) for c in eq.bilateral[dims.EXPORTER].values]
    if hub not in labels:
        return []
    new = eq.bilateral["trade"].sum(dims.SECTOR)
    old = eq.bilateral["trade_baseline"].sum(dims.SECTOR)
    out = []
    for c in members:
        exp = float(new.sel(exporter=c, importer=hub) - old.sel(exporter=c, importer=hub))
        imp = float(new.sel(exporter=hub, importer=c) - old.sel(exporter=hub, importer=c))
        out.append((c, hub, "exports_to_usa_change", exp))
        out.append((c, hub, "imports_from_usa_change", imp))
    return out


def _check_pairs(baseline: xr.Dataset, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    known = [str(c) for c in baseline[dims.EXPORTER].values]
    if not pairs:
        raise ScenarioError("Name at least one pair of countries, for example CAN,MEX.")
    out = []
    for a, b in pairs:
        for c in (a, b):
            if c not in known:
                raise UnknownLabelError("country", c, known, "the integration pairs")
        if a == b:
            raise ScenarioError(f"Pair {a}-{b} names one country twice; name two countries.")
        out.append((a, b))
    return out


def _solver(
    baseline: xr.Dataset, model: ModelName | OneSectorModel | MultiSectorModel
) -> Callable[[xr.DataArray | None, xr.DataArray, Equilibrium | None], Equilibrium]:
    """A function (tariff, cost, previous) -> Equilibrium, warm-started at ``previous``."""
    if model == "one-sector":
        model = OneSectorModel()
    elif model == "multi-sector":
        model = MultiSectorModel()
    if isinstance(model, OneSectorModel):
        one = model

        def solve_one(
            tariff: xr.DataArray | None, cost: xr.DataArray, prev: Equilibrium | None
        ) -> Equilibrium:
            w0 = None if prev is None else np.asarray(prev.country["wage_hat"].values)
            return one.solve(baseline, tariff, cost, wage_hat0=w0)

        return solve_one
    if isinstance(model, MultiSectorModel):
        prepared = model.prepare(baseline)

        def solve_multi(
            tariff: xr.DataArray | None, cost: xr.DataArray, prev: Equilibrium | None
        ) -> Equilibrium:
            start = None if prev is None else prepared.start_from(prev)
            return prepared.solve(tariff, cost, start=start)

        return solve_multi
    raise ScenarioError(f"Unknown model {model!r}; choose one-sector or multi-sector.")


def _cut_cells(
    baseline: xr.Dataset,
    like: xr.DataArray,
    pairs: Sequence[tuple[str, str]],
    sectors: Sequence[str],
) -> xr.DataArray:
    """Cells (shaped as ``like``) the cut applies to: both ways of each pair, in ``sectors``."""
    mask = xr.zeros_like(like, dtype=bool)
    for a, b in pairs:
        mask.loc[{dims.EXPORTER: [a, b], dims.IMPORTER: [b, a], dims.SECTOR: list(sectors)}] = True
    off = xr.DataArray(
        ~np.eye(baseline.sizes[dims.EXPORTER], dtype=bool),
        dims=(dims.EXPORTER, dims.IMPORTER),
        coords={d: baseline[d].values for d in (dims.EXPORTER, dims.IMPORTER)},
    )
    return mask & off


def _objective(
    baseline: xr.Dataset,
    pairs: Sequence[tuple[str, str]],
    target: Target,
    before: float,
    equilibrium: Callable[[float], Equilibrium],
) -> tuple[str, Callable[[float], float], Callable[[float], str]]:
    """What the search reaches (in words), its gap and the gap in words.

    The gap is a function of ``log d_hat``, zero at the target; its words go into the message
    for a target beyond the bracket.
    """
    if isinstance(target, WelfareOffset):
        labels = [str(c) for c in baseline[dims.EXPORTER].values]
        if target.country not in labels:
            raise UnknownLabelError("country", target.country, labels, "the welfare target")
        what = f"{target.country}'s welfare back to its baseline level"

        def gap(log_d: float) -> float:
            eq = equilibrium(math.exp(log_d))
            return float(eq.country[target.metric].sel(country=target.country)) - 1.0

        def shown(value: float) -> str:
            return f"welfare {value * 100:+.3f}%"

        return what, gap, shown
    goal = target.goal(before)

    def trade_gap(log_d: float) -> float:
        eq = equilibrium(math.exp(log_d))
        return math.log(_two_way(eq, pairs, "trade") / goal)

    def trade_shown(value: float) -> str:
        return f"two-way trade {goal * math.exp(value):,.0f}"

    return f"two-way trade of {goal:,.0f} ({eq_units(baseline)})", trade_gap, trade_shown


def solve_cut(
    baseline: xr.Dataset,
    pairs: Sequence[tuple[str, str]],
    target: Target | str,
    *,
    model: ModelName | OneSectorModel | MultiSectorModel = "one-sector",
    sectors: Sequence[str] | None = None,
    new_tariff: xr.DataArray | None = None,
    trade_cost_hat: xr.DataArray | None = None,
    bracket: tuple[float, float] = BRACKET,
    xtol: float = 1e-10,
) -> IntegrationResult:
    """The uniform cost factor ``d_hat`` on ``pairs`` (both directions) that reaches ``target``.

    Parameters
    ----------
    baseline
        A validated baseline (one-sector for the one-sector model).
    pairs
        Country pairs, for example ``[("CAN", "MEX")]``; each is cut in both directions.
    target
        A :class:`TradeTarget`, :class:`WelfareOffset` or a string for :func:`parse_target`.
    model
        ``one-sector`` (default: eps = 4, fixed deficits), ``multi-sector`` (Caliendo–Parro,
        balanced), or a configured :class:`OneSectorModel` / :class:`MultiSectorModel`.
    sectors
        Sector labels or mission-sector names (:data:`MISSION_SECTORS`, or ``mission`` for all
        of them) the cut applies to; ``None`` cuts every sector.
    new_tariff, trade_cost_hat
        A shock the cut comes on top of (for example a tariff scenario); ``None`` for none.
    bracket
        Range of ``d_hat`` searched.
    xtol
        Tolerance on ``log d_hat``.
    """
    from scipy.optimize import brentq

    pairs = _check_pairs(baseline, pairs)
    if isinstance(target, str):
        target = parse_target(target, units=str(baseline.attrs.get("units", "")))
    lo, hi = bracket
    if not (0 < lo < hi):
        raise ScenarioError(f"Bracket {bracket!r} must satisfy 0 < low < high.")
    secs = resolve_sectors(baseline, sectors)
    base_cost = xr.ones_like(baseline[dims.TARIFF]) if trade_cost_hat is None else trade_cost_hat
    mask = _cut_cells(baseline, base_cost, pairs, secs)
    solve = _solver(baseline, model)
    state: dict[str, Any] = {"prev": None, "n": 0, "eq": {}}

    def equilibrium(d: float) -> Equilibrium:
        key = round(math.log(d), 14)
        if key in state["eq"]:
            return state["eq"][key]  # type: ignore[no-any-return]
        cost = base_cost.where(~mask, base_cost * d)
        eq = solve(new_tariff, cost, state["prev"])
        state["prev"] = eq
        state["n"] += 1
        state["eq"][key] = eq
        return eq

    # Two-way trade before the cut is the model's baseline (the observed flows under the
    # one-sector fixed closure; the baseline equilibrium of the multi-sector model).
    before = _two_way(equilibrium(1.0), pairs, "trade_baseline")
    what, gap, shown = _objective(baseline, pairs, target, before, equilibrium)
    f_lo, f_hi = gap(math.log(lo)), gap(math.log(hi))
    if f_lo * f_hi > 0:
        raise ScenarioError(
            f"Target {target.text or what!r} is beyond the bracket: d_hat from {lo:g} "
            f"({100 * (lo - 1):+.0f}% trade costs) to {hi:g} gives {shown(f_lo)} to "
            f"{shown(f_hi)}, and never {what}. Choose a nearer target or a wider bracket."
        )
    root = float(brentq(gap, math.log(lo), math.log(hi), xtol=xtol))
    d_hat = math.exp(root)
    eq = equilibrium(d_hat)
    log.info("integrate: d_hat=%.6f after %d solves", d_hat, state["n"])
    return IntegrationResult(
        pairs=list(pairs),
        target=target,
        d_hat=d_hat,
        sectors=secs,
        two_way_before=before,
        two_way_after=_two_way(eq, pairs, "trade"),
        equilibrium=eq,
        evaluations=int(state["n"]),
    )


def eq_units(baseline: xr.Dataset) -> str:
    """The baseline's money unit, for messages."""
    return str(baseline.attrs.get("units", "baseline units"))
