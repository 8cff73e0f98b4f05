"""Nash tariff wars: best responses until no player gains from deviating.

Each round starts from the current tariff profile. Every player computes its best response (its
optimal tariffs given everyone else's current tariffs, :func:`~.optimal.optimal_tariffs`); the
best responses are independent, so they run in parallel through a :data:`~.parallel.Mapper`.
If no player's best response improves its welfare by more than ``tol`` over the current profile,
the profile is a Nash equilibrium (to that tolerance) and the war stops. Otherwise all players
move to their best responses at once (a Jacobi iteration) and the next round begins; with
``order="sequential"`` they answer in turn instead (Gauss–Seidel, serial). A profile
that comes back to within ``tariff_tol`` of an earlier one is reported as a cycle; running out
of rounds is reported as non-convergence. Neither is ever presented as an equilibrium.
Countries that are not players keep their tariffs throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.policy.defaults import BOUNDS, MAX_ROUNDS, NASH_TOL
from tradewinds.policy.optimal import XTOL, OptimalTariffs, optimal_tariffs
from tradewinds.policy.parallel import Mapper, Progress, map_with_progress, serial_map
from tradewinds.policy.problem import Array, Instrument, TariffProblem, apply_all

log = logging.getLogger(__name__)

Status = Literal["converged", "cycle", "max_rounds"]
Order = Literal["simultaneous", "sequential"]


@dataclass(frozen=True)
class NashRound:
    """One round of the war: the profile it started from and what each player could gain.

    Attributes
    ----------
    round
        Round number, from 1.
    values
        Each player's rates at the start of the round.
    welfare
        Every country's welfare change at that profile.
    best_response
        Each player's best-response rates to the profile.
    gain
        Each player's welfare gain from moving alone to its best response.
    """

    round: int
    values: dict[str, Array]
    welfare: dict[str, float]
    best_response: dict[str, Array]
    gain: dict[str, float]


@dataclass(frozen=True)
class NashResult:
    """The answer of :func:`nash_tariffs`.

    ``status`` is ``converged`` (``values`` is a Nash equilibrium to ``tol``), ``cycle``
    (``cycle_length`` rounds repeat) or ``max_rounds``.
    """

    status: Status
    instruments: tuple[Instrument, ...]
    values: dict[str, Array]
    welfare: dict[str, float]
    path: tuple[NashRound, ...]
    equilibrium: Equilibrium
    tol: float
    cycle_length: int | None = None

    @property
    def converged(self) -> bool:
        """Whether the final profile is an equilibrium."""
        return self.status == "converged"

    def message(self) -> str:
        """One line saying how the war ended."""
        n = len(self.path)
        if self.status == "converged":
            return (
                f"Nash equilibrium after {n} rounds: no player gains more than "
                f"{100 * self.tol:.0e} pp of welfare by deviating (--tol {self.tol:.0e})."
            )
        if self.status == "cycle":
            return (
                f"No equilibrium: best responses cycle with period {self.cycle_length} "
                f"(detected in round {n}). The last profile is NOT an equilibrium."
            )
        return (
            f"No equilibrium within {n} rounds: the largest gain from deviating is still "
            f"{100 * max(self.path[-1].gain.values()):.2e} pp > {100 * self.tol:.0e} pp "
            f"(--tol {self.tol:.0e}). Raise --max-rounds."
        )

    def tariff_records(self) -> pd.DataFrame:
        """Final rates: ``country, against, sector, tariff``."""
        rows = [
            {
                "country": inst.country,
                "against": ",".join(inst.against),
                "sector": label,
                "tariff": float(value),
            }
            for inst in self.instruments
            for label, value in zip(inst.labels(), self.values[inst.country], strict=True)
        ]
        return pd.DataFrame(rows)

    def path_records(self) -> pd.DataFrame:
        """The path: one row per round, player and rate, with welfare and gain."""
        rows = []
        for r in self.path:
            for inst in self.instruments:
                c = inst.country
                for label, v, b in zip(inst.labels(), r.values[c], r.best_response[c], strict=True):
                    rows.append(
                        {
                            "round": r.round,
                            "country": c,
                            "sector": label,
                            "tariff": float(v),
                            "best_response": float(b),
                            "welfare_pct": 100 * r.welfare[c],
                            "gain_pct": 100 * r.gain[c],
                        }
                    )
        return pd.DataFrame(rows)

    def to_records(self) -> pd.DataFrame:
        """Tidy records ``country, partner, sector, metric, value, unit``.

        Final tariffs are ``tariff_nash`` (``tariff_last`` if the war did not converge) and
        welfare ``welfare_pct``; the path adds ``tariff_round_K``, ``best_response_round_K``
        and ``gain_round_K_pct`` for each round ``K``.
        """
        t = self.tariff_records()
        against = {i.country: ",".join(i.against) for i in self.instruments}
        frames = [
            pd.DataFrame(
                {
                    "country": t["country"],
                    "partner": t["against"],
                    "sector": t["sector"],
                    "metric": "tariff_nash" if self.converged else "tariff_last",
                    "value": t["tariff"],
                    "unit": "rate",
                }
            ),
            pd.DataFrame(
                {
                    "country": list(self.welfare),
                    "partner": "",
                    "sector": dims.TOTAL_SECTOR,
                    "metric": "welfare_pct",
                    "value": [100 * v for v in self.welfare.values()],
                    "unit": "percent",
                }
            ),
        ]
        path = self.path_records()
        for col, name, unit in (
            ("tariff", "tariff_round_{}", "rate"),
            ("best_response", "best_response_round_{}", "rate"),
            ("gain_pct", "gain_round_{}_pct", "percent"),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "country": path["country"],
                        "partner": path["country"].map(against),
                        "sector": path["sector"],
                        "metric": [name.format(k) for k in path["round"]],
                        "value": path[col],
                        "unit": unit,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _Task:
    problem: TariffProblem
    profile: dict[str, Array]
    instruments: tuple[Instrument, ...]
    player: int
    bounds: tuple[float, float]
    xtol: float


def _best_response(task: _Task) -> OptimalTariffs:
    """One player's best response to a profile (a top-level function, so Dask can ship it)."""
    values = np.concatenate([task.profile[i.country] for i in task.instruments])
    tariff = apply_all(task.problem.tariff, task.instruments, values)
    inst = task.instruments[task.player]
    return optimal_tariffs(
        task.problem, [inst], {inst.country: 1.0}, tariff=tariff, bounds=task.bounds, xtol=task.xtol
    )


@dataclass(frozen=True)
class _Search:
    """One round of best responses: everyone at once (on ``mapper``) or in turn."""

    problem: TariffProblem
    instruments: tuple[Instrument, ...]
    bounds: tuple[float, float]
    xtol: float
    mapper: Mapper
    progress: Progress | None

    def round(
        self, profile: dict[str, Array], order: Order, done: int
    ) -> tuple[list[OptimalTariffs], int]:
        """The players' best responses to ``profile``, and the count of responses so far."""
        instruments = self.instruments
        if order == "simultaneous":
            tasks = [
                _Task(self.problem, profile, instruments, j, self.bounds, self.xtol)
                for j in range(len(instruments))
            ]
            responses: list[OptimalTariffs] = map_with_progress(
                self.mapper, _best_response, tasks, self.progress, done, None
            )
            return responses, done + len(tasks)
        current = dict(profile)
        responses = []
        for j, inst in enumerate(instruments):
            task = _Task(self.problem, dict(current), instruments, j, self.bounds, self.xtol)
            responses.append(_best_response(task))
            current[inst.country] = responses[-1].values
            done += 1
            if self.progress is not None:
                self.progress(done, None)
        return responses, done


def _cycle(
    history: list[dict[str, Array]],
    path: list[NashRound],
    profile: dict[str, Array],
    players: list[str],
    tariff_tol: float,
) -> int | None:
    """The period of a cycle the war has entered, or ``None``.

    A cycle: the new profile repeats one seen ``back`` >= 2 rounds earlier, and the gains have
    not shrunk over that period (a damped oscillation that is converging also comes back close
    to earlier profiles, but its gains fall by a factor each period). Period 1 (a gain above tol
    from a move below ``tariff_tol``) is left to ``max_rounds``.
    """
    gains = path[-1].gain
    for back, old in enumerate(reversed(history[:-1]), start=2):
        same = all(np.max(np.abs(old[p] - profile[p])) < tariff_tol for p in players)
        if not same or back + 1 > len(path):
            continue
        # Gains now against gains at the same phase one period earlier.
        if max(gains.values()) > 0.5 * max(path[-back - 1].gain.values()):
            return back
    return None


def nash_tariffs(
    problem: TariffProblem,
    instruments: Sequence[Instrument],
    *,
    tol: float = NASH_TOL,
    tariff_tol: float = 1e-4,
    max_rounds: int = MAX_ROUNDS,
    bounds: tuple[float, float] = BOUNDS,
    xtol: float = XTOL,
    mapper: Mapper = serial_map,
    order: Order = "simultaneous",
    progress: Progress | None = None,
) -> NashResult:
    """Iterate best responses of the instruments' owners (one each).

    Parameters
    ----------
    problem
        Model and status-quo tariffs (non-players keep theirs).
    instruments
        One instrument per player.
    tol
        A profile is an equilibrium when no player gains more than ``tol`` in welfare change
        (1e-7 is 0.00001% of welfare) by moving to its best response.
    tariff_tol
        Two profiles closer than this in every rate count as the same (cycle detection).
    max_rounds
        Rounds before giving up.
    bounds, xtol
        Box and tolerance of each best-response search.
    mapper
        How the players' best responses are evaluated (serially, or on Dask).
    order
        ``simultaneous`` (Jacobi: everyone answers the same profile, in parallel) or
        ``sequential`` (Gauss–Seidel: players answer in turn, each seeing the moves made
        before it in the round; serial, and often converges where Jacobi oscillates).
    progress
        Called as ``progress(done, None)`` after each best response (each one a search of
        many model solves; the number of rounds is not known in advance, hence ``None``).
        With a parallel mapper it is called once per round.
    """
    if order not in ("simultaneous", "sequential"):
        raise ScenarioError(f"order {order!r} must be 'simultaneous' or 'sequential'.")
    instruments = tuple(instruments)
    players = [i.country for i in instruments]
    if len(set(players)) != len(players):
        raise ScenarioError(f"Each player needs exactly one instrument; got {players}.")
    if len(players) < 1:
        raise ScenarioError("A tariff war needs at least one player.")
    if max_rounds < 1:
        raise ScenarioError(f"--max-rounds must be at least 1 (got {max_rounds}).")
    profile = {i.country: i.read(problem.tariff) for i in instruments}
    history: list[dict[str, Array]] = []
    path: list[NashRound] = []
    status: Status = "max_rounds"
    cycle = None
    done = 0
    for k in range(1, max_rounds + 1):
        search = _Search(problem, instruments, bounds, xtol, mapper, progress)
        responses, done = search.round(profile, order, done)
        gains = {p: r.gain for p, r in zip(players, responses, strict=True)}
        best = {p: r.values for p, r in zip(players, responses, strict=True)}
        path.append(NashRound(k, profile, responses[0].welfare_start, best, gains))
        # (In sequential order the welfare recorded is at the round's starting profile.)
        log.info("nash round %d: gains %s", k, gains)
        if max(gains.values()) <= tol:
            status = "converged"
            break
        history.append(profile)
        profile = best
        cycle = _cycle(history, path, profile, players, tariff_tol)
        if cycle is not None:
            status = "cycle"
            break
    values = np.concatenate([profile[p] for p in players])
    eq = problem.evaluate(apply_all(problem.tariff, instruments, values))
    return NashResult(
        status=status,
        instruments=instruments,
        values=profile,
        welfare=problem.welfare(eq),
        path=tuple(path),
        equilibrium=eq,
        tol=tol,
        cycle_length=cycle,
    )
