"""United front or divide and conquer: the 4x4 game two partners play against a threat.

A threatener (the US) raises tariffs on two partners (Canada and Mexico). Each partner picks one of
four strategies; the payoffs are general-equilibrium welfare changes relative to the baseline.

``accept``
    Keep its tariffs on the threatener's goods; the threat stays in force against it.
``alone``
    Retaliate alone: set its retaliation rate on the threatener's goods (see ``retaliation``).
``joint``
    Retaliate jointly. If the other partner also plays ``joint``, both set the *joint* rates: the
    rates on the threatener's goods that maximise the partners' weighted welfare together, under
    the full threat (a coalition optimum). If the other partner does not play ``joint`` there is
    nobody to coordinate with, and the partner retaliates exactly as under ``alone``.
``deal``
    Take the separate deal: the threatener lifts its new tariffs on this partner only (back to
    the status quo, or down to ``deal_rate`` if one is given), and the partner does not
    retaliate. The other partner stays threatened.

``retaliation`` sets the ``alone`` rate: ``mirror`` (default) charges on the threatener's goods,
sector by sector, the rate the threatener charges on the partner's goods; ``optimal`` charges the
partner's optimal uniform tariff on the threatener's goods, computed under the full threat with
the other partner accepting. Rates are actions fixed before play, so the game is a normal form.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.policy.defaults import EPS_RANGE, PARTNERS, THREATENER, Retaliation
from tradewinds.policy.optimal import optimal_tariffs
from tradewinds.policy.problem import Array, TariffProblem

log = logging.getLogger(__name__)

Strategy = Literal["accept", "alone", "joint", "deal"]
STRATEGIES: tuple[Strategy, ...] = ("accept", "alone", "joint", "deal")

#: Payoff differences below this count as ties when testing equilibria (welfare-change units;
#: far above the solver's noise of about 1e-12 and far below any economically visible gap).
TIE = 1e-9

Cell = tuple[Strategy, Strategy]


@dataclass(frozen=True)
class UnitedFront:
    """The game and its solution.

    Attributes
    ----------
    threatener, partners
        The country making the threat and the two partners (row player first).
    retaliation
        How ``alone`` rates are set.
    weights
        Coalition weights behind the ``joint`` rates.
    alone_rate, joint_rate
        Each partner's mean rate on the threatener's goods under ``alone`` and under ``joint``.
    welfare
        Cell -> country -> welfare change (0.01 is +1%), every country of the model.
    equilibria
        Pure-strategy Nash equilibria (weak: ties within :data:`TIE` allowed).
    coordination_value
        Partner -> welfare at (joint, joint) minus its best unilateral alternative.
    coordination_vs_disagreement
        Partner -> welfare at (joint, joint) minus its disagreement payoff: what coordination is
        worth when no separate deal is on the table.
    unilateral
        Partner -> best unilateral alternative: its best payoff among the pure equilibria of the
        game without ``joint`` (its security level there if that game has none).
    disagreement
        Partner -> disagreement payoff: its best payoff among the pure equilibria of the game in
        which neither a deal nor coordination is available ({accept, alone}); its security level
        there if that game has none.
    deal_rate
        The threatener's rate kept on a partner that takes a deal; ``None`` means a deal lifts
        every new tariff at no cost, which makes (deal, deal) win whenever the threat hurts.
    """

    threatener: str
    partners: tuple[str, str]
    retaliation: Retaliation
    weights: dict[str, float]
    alone_rate: dict[str, float]
    joint_rate: dict[str, float]
    welfare: dict[Cell, dict[str, float]]
    equilibria: tuple[Cell, ...]
    coordination_value: dict[str, float]
    coordination_vs_disagreement: dict[str, float]
    unilateral: dict[str, float]
    disagreement: dict[str, float]
    deal_rate: float | None = None

    def deal_note(self) -> str:
        """What a deal costs in this game, in a sentence for reports."""
        if self.deal_rate is None:
            return (
                f"A separate deal lifts every new {self.threatener} tariff on the partner at no "
                "cost, so (deal, deal) always wins; price it with --deal-rate or the "
                "scenario's strategy.united_front.deal_rate (the rate kept)."
            )
        return (
            f"A separate deal costs the partner a {self.threatener} tariff of "
            f"{100 * self.deal_rate:g}% (the deal rate kept after the deal)."
        )

    def payoff(self, cell: Cell, country: str) -> float:
        """Welfare change of ``country`` in ``cell``."""
        return self.welfare[cell][country]

    def matrix(self, country: str) -> pd.DataFrame:
        """``country``'s payoffs, rows the first partner's strategies, columns the second's."""
        return pd.DataFrame(
            [[self.welfare[(r, c)][country] for c in STRATEGIES] for r in STRATEGIES],
            index=pd.Index(STRATEGIES, name=self.partners[0]),
            columns=pd.Index(STRATEGIES, name=self.partners[1]),
        )

    def to_records(self) -> pd.DataFrame:
        """Tidy records: one row per cell and country, plus summary rows."""
        a, b = self.partners
        rows = []
        for (ra, rb), welfare in self.welfare.items():
            for country, value in welfare.items():
                rows.append(
                    {
                        "country": country,
                        "partner": f"{a}={ra};{b}={rb}",
                        "sector": dims.TOTAL_SECTOR,
                        "metric": "welfare_pct",
                        "value": 100 * value,
                        "unit": "percent",
                    }
                )
        for metric, data in (
            ("coordination_value_pct", self.coordination_value),
            ("coordination_vs_disagreement_pct", self.coordination_vs_disagreement),
            ("best_unilateral_pct", self.unilateral),
            ("disagreement_pct", self.disagreement),
        ):
            for country, value in data.items():
                rows.append(
                    {
                        "country": country,
                        "partner": "",
                        "sector": dims.TOTAL_SECTOR,
                        "metric": metric,
                        "value": 100 * value,
                        "unit": "percent",
                    }
                )
        for metric, data in (("alone_rate", self.alone_rate), ("joint_rate", self.joint_rate)):
            for country, value in data.items():
                rows.append(
                    {
                        "country": country,
                        "partner": self.threatener,
                        "sector": dims.TOTAL_SECTOR,
                        "metric": metric,
                        "value": value,
                        "unit": "rate",
                    }
                )
        for ra, rb in self.equilibria:
            rows.append(
                {
                    "country": "",
                    "partner": f"{a}={ra};{b}={rb}",
                    "sector": dims.TOTAL_SECTOR,
                    "metric": "nash_equilibrium",
                    "value": 1.0,
                    "unit": "flag",
                }
            )
        return pd.DataFrame(rows)


def _pure_equilibria(
    pay_a: Mapping[Cell, float], pay_b: Mapping[Cell, float], allowed: tuple[Strategy, ...]
) -> list[Cell]:
    out = []
    for ra, rb in itertools.product(allowed, allowed):
        best_a = max(pay_a[(s, rb)] for s in allowed)
        best_b = max(pay_b[(ra, s)] for s in allowed)
        if pay_a[(ra, rb)] >= best_a - TIE and pay_b[(ra, rb)] >= best_b - TIE:
            out.append((ra, rb))
    return out


def _reference(
    pay_a: Mapping[Cell, float], pay_b: Mapping[Cell, float], allowed: tuple[Strategy, ...]
) -> tuple[float, float]:
    """Each player's best payoff among the pure equilibria of the restricted game, else maxmin."""
    eqs = _pure_equilibria(pay_a, pay_b, allowed)
    if eqs:
        return max(pay_a[c] for c in eqs), max(pay_b[c] for c in eqs)
    maxmin_a = max(min(pay_a[(s, t)] for t in allowed) for s in allowed)
    maxmin_b = max(min(pay_b[(t, s)] for t in allowed) for s in allowed)
    return maxmin_a, maxmin_b


def united_front(
    problem: TariffProblem,
    threat: xr.DataArray,
    *,
    threatener: str = THREATENER,
    partners: tuple[str, str] = PARTNERS,
    retaliation: Retaliation = "mirror",
    weights: Mapping[str, float] | None = None,
    bounds: tuple[float, float] = (0.0, 1.0),
    deal_rate: float | None = None,
) -> UnitedFront:
    """Solve the 4x4 game of ``partners`` facing ``threatener``'s ``threat`` tariffs.

    Parameters
    ----------
    problem
        Model, with ``problem.tariff`` the status quo before the threat (what a deal restores).
    threat
        Tariffs on (exporter, importer, sector) with the threat in force.
    threatener, partners
        Country codes; the partners are the row and column players.
    retaliation
        ``mirror`` or ``optimal``: how a partner retaliating alone sets its rate.
    weights
        Weights on the partners' welfare changes in the joint optimum (default equal).
    bounds
        Box for the optimal and joint retaliation rates.
    deal_rate
        The threatener's rate on a partner that takes the deal (never below the status quo);
        ``None`` restores the status quo.
    """
    a, b = partners
    w = _check_game(problem, threat, threatener, partners, retaliation, weights, deal_rate)
    alone, joint = _rates(problem, threat, threatener, partners, retaliation, w, bounds)
    base = problem.tariff

    def profile(ra: Strategy, rb: Strategy) -> xr.DataArray:
        t = threat.copy()
        both_joint = ra == "joint" and rb == "joint"
        for p, s in ((a, ra), (b, rb)):
            on_p = {dims.EXPORTER: p, dims.IMPORTER: threatener}
            on_us = {dims.EXPORTER: threatener, dims.IMPORTER: p}
            if s == "deal":
                kept = base.sel(on_p).values
                t.loc[on_p] = kept if deal_rate is None else np.maximum(kept, deal_rate)
            elif s == "alone" or (s == "joint" and not both_joint):
                t.loc[on_us] = alone[p].values
            elif s == "joint":
                t.loc[on_us] = joint[p].values
        return t

    welfare: dict[Cell, dict[str, float]] = {}
    cache: dict[bytes, dict[str, float]] = {}
    for cell in itertools.product(STRATEGIES, STRATEGIES):
        t = profile(*cell)
        key = np.asarray(t.values).tobytes()
        if key not in cache:
            cache[key] = problem.welfare(problem.evaluate(t))
        welfare[cell] = cache[key]
    log.info("united front: %d distinct cells solved", len(cache))
    pay_a = {c: v[a] for c, v in welfare.items()}
    pay_b = {c: v[b] for c, v in welfare.items()}
    uni = _reference(pay_a, pay_b, ("accept", "alone", "deal"))
    dis = _reference(pay_a, pay_b, ("accept", "alone"))
    jj = welfare[("joint", "joint")]

    def mean(x: xr.DataArray) -> float:
        return float(np.asarray(x.values, dtype=float).mean())

    return UnitedFront(
        threatener=threatener,
        partners=(a, b),
        retaliation=retaliation,
        weights=w,
        alone_rate={p: mean(alone[p]) for p in partners},
        joint_rate={p: mean(joint[p]) for p in partners},
        welfare=welfare,
        equilibria=tuple(_pure_equilibria(pay_a, pay_b, STRATEGIES)),
        coordination_value={a: jj[a] - uni[0], b: jj[b] - uni[1]},
        coordination_vs_disagreement={a: jj[a] - dis[0], b: jj[b] - dis[1]},
        unilateral={a: uni[0], b: uni[1]},
        disagreement={a: dis[0], b: dis[1]},
        deal_rate=deal_rate,
    )


def _check_game(
    problem: TariffProblem,
    threat: xr.DataArray,
    threatener: str,
    partners: tuple[str, str],
    retaliation: Retaliation,
    weights: Mapping[str, float] | None,
    deal_rate: float | None,
) -> dict[str, float]:
    """Refuse a game that cannot be played as given; return the joint weights."""
    for c in (threatener, *partners):
        problem.check(c, "united-front players")
    a, b = partners
    if len({threatener, a, b}) != 3:
        raise ScenarioError(f"Threatener and partners must differ: {threatener}, {a}, {b}.")
    if deal_rate is not None and not (np.isfinite(deal_rate) and deal_rate >= 0):
        raise ScenarioError(f"Deal rate {deal_rate!r} must be a rate >= 0 (0.10 for 10%).")
    if retaliation not in ("mirror", "optimal"):
        raise ScenarioError(f"Retaliation {retaliation!r} must be 'mirror' or 'optimal'.")
    w = {a: 0.5, b: 0.5} if weights is None else {str(k): float(v) for k, v in weights.items()}
    if set(w) != {a, b}:
        raise ScenarioError(f"Joint weights must name exactly {a} and {b}; got {sorted(w)}.")
    base = problem.tariff
    for p in partners:
        on_p = {dims.EXPORTER: p, dims.IMPORTER: threatener}
        if bool((threat.sel(on_p) <= base.sel(on_p)).all()):
            raise ScenarioError(
                f"The scenario does not raise {threatener}'s tariffs on {p}; "
                "a united-front game needs a threat against both partners."
            )
    return w


def _rates(
    problem: TariffProblem,
    threat: xr.DataArray,
    threatener: str,
    partners: tuple[str, str],
    retaliation: Retaliation,
    weights: dict[str, float],
    bounds: tuple[float, float],
) -> tuple[dict[str, xr.DataArray], dict[str, xr.DataArray]]:
    """Each partner's retaliation rates on the threatener's goods, alone and jointly.

    Rates are by sector and fixed before play.
    """

    def own(p: str, t: xr.DataArray) -> xr.DataArray:
        return t.sel({dims.EXPORTER: threatener, dims.IMPORTER: p})

    alone: dict[str, xr.DataArray] = {}
    for p in partners:
        if retaliation == "mirror":
            mirror = threat.sel({dims.EXPORTER: p, dims.IMPORTER: threatener}, drop=True)
            current = own(p, threat)
            alone[p] = current.where(current >= mirror.values, mirror.values)
        else:
            inst = problem.instrument(p, [threatener])
            best = optimal_tariffs(problem, [inst], {p: 1.0}, tariff=threat, bounds=bounds)
            alone[p] = own(p, inst.apply(threat, best.values))
    insts = [problem.instrument(p, [threatener]) for p in partners]
    joint_opt = optimal_tariffs(problem, insts, weights, tariff=threat, bounds=bounds)
    joint = {
        p: own(p, inst.apply(threat, joint_opt.values[k : k + 1]))
        for k, (p, inst) in enumerate(zip(partners, insts, strict=True))
    }
    return alone, joint


def equilibrium_frequencies(games: list[UnitedFront]) -> dict[Cell, float]:
    """Share of games (elasticity draws) in which each cell is a pure equilibrium."""
    counts: dict[Cell, int] = {}
    for g in games:
        for cell in g.equilibria:
            counts[cell] = counts.get(cell, 0) + 1
    n = max(len(games), 1)
    return {cell: counts[cell] / n for cell in sorted(counts, key=lambda c: -counts[c])}


def draw_elasticities(
    draws: int, seed: int, low: float = EPS_RANGE[0], high: float = EPS_RANGE[1]
) -> Array:
    """``draws`` trade elasticities, uniform on ``[low, high]``, from ``numpy``'s PCG64(seed)."""
    if draws < 1 or not (0 < low < high):
        raise ScenarioError(f"Need draws >= 1 and 0 < low < high; got {draws}, {low}, {high}.")
    return np.random.default_rng(seed).uniform(low, high, size=draws)
