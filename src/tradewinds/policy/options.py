"""Options of the three strategy games, with their defaults and ranges defined once.

``tradewinds strategy optimal|nash|united-front``, the API's strategy jobs (request bodies and
workers) and the policy functions' own defaults all read these records, so a default or a limit
changes in one place. Values out of range are refused with one message naming the option
(:meth:`StrategyOptions.parse`), never passed on to a search that would report a wrong answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tradewinds.core.errors import ScenarioError
from tradewinds.core.records import attributes
from tradewinds.policy.defaults import (
    BOUNDS,
    EPS_RANGE,
    MAX_ROUNDS,
    MAX_ROUNDS_LIMIT,
    NASH_TOL,
    PARTNERS,
    PLAYERS,
    SEED,
    THREATENER,
    Retaliation,
)

if TYPE_CHECKING:
    from tradewinds.policy.nash import NashResult
    from tradewinds.policy.optimal import OptimalTariffs
    from tradewinds.policy.parallel import Mapper, Progress
    from tradewinds.policy.problem import Instrument, TariffProblem


class StrategyOptions(BaseModel):
    """Shared parts: unknown keys refused; :meth:`parse` turns errors into one message."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def parse(
        cls, values: Mapping[str, Any], flag: Callable[[str], str] = lambda name: name
    ) -> Self:
        """Validated options; :class:`ScenarioError` names the first bad one (``flag(name)``)."""
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            first = exc.errors()[0]
            name = str(first["loc"][0]) if first["loc"] else "options"
            shown = values.get(name, first.get("input"))
            raise ScenarioError(
                f"{flag(name)} {shown!r}: {first['msg'].removeprefix('Value error, ')}."
            ) from None


def _check_box(box: tuple[float, float], low_limit: float, what: str) -> tuple[float, float]:
    lo, hi = (float(v) for v in box)
    if not (math.isfinite(lo) and math.isfinite(hi) and low_limit <= lo < hi):
        raise ValueError(f"{what} must be two finite numbers with {low_limit:g} <= low < high")
    return lo, hi


def check_bounds(box: tuple[float, float]) -> tuple[float, float]:
    """A search box of rates, ``0 <= low < high <= 10``; ``ValueError`` otherwise."""
    lo, hi = _check_box(box, 0.0, "the bounds")
    if hi > 10:
        raise ValueError("the bounds must satisfy 0 <= low < high <= 10 (rates, 1 = 100%)")
    return lo, hi


class _Search(StrategyOptions):
    """The tariff search box and which rates a player sets."""

    bounds: tuple[float, float] = Field(
        default=BOUNDS, description="Search box for every rate (0 to 10, 1 = 100%)."
    )
    by_sector: bool = False
    sectors: list[str] | None = None

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, box: tuple[float, float]) -> tuple[float, float]:
        return check_bounds(box)

    def _searching(self, mapper: Mapper | None, progress: Progress | None) -> dict[str, Any]:
        """Keyword arguments every search takes: the box, the mapper (serial if none), progress."""
        from tradewinds.policy.parallel import serial_map

        return {"bounds": self.bounds, "mapper": mapper or serial_map, "progress": progress}


class OptimalOptions(_Search):
    """``strategy optimal``: a country's or coalition's best tariffs, others' fixed."""

    country: list[str] = Field(min_length=1, description="Country, or coalition members.")
    against: list[str] | None = None
    weights: dict[str, float] | None = None

    def instruments(self, problem: TariffProblem) -> list[Instrument]:
        """The rates each member of the coalition sets."""
        against = [c.upper() for c in self.against] if self.against else None
        return [
            problem.instrument(c.upper(), against, by_sector=self.by_sector, sectors=self.sectors)
            for c in self.country
        ]

    def run(
        self, problem: TariffProblem, mapper: Mapper | None = None, progress: Progress | None = None
    ) -> OptimalTariffs:
        """The coalition's optimal tariffs on ``problem``."""
        from tradewinds.policy.optimal import optimal_tariffs

        search = self._searching(mapper, progress)
        return optimal_tariffs(problem, self.instruments(problem), self.weights, **search)


class NashOptions(_Search):
    """``strategy nash``: iterated best responses until none gains more than ``tol``."""

    players: list[str] = Field(default=list(PLAYERS), min_length=1)
    against_all: bool = False
    tol: float = Field(default=NASH_TOL, gt=0, lt=1, description="Largest gain at a Nash.")
    max_rounds: int = Field(default=MAX_ROUNDS, ge=1, le=MAX_ROUNDS_LIMIT)
    sequential: bool = False

    def instruments(self, problem: TariffProblem) -> list[Instrument]:
        """Each player's rates: on the other players, or on everyone with ``against_all``."""
        who = [p.upper() for p in self.players]
        return [
            problem.instrument(
                p,
                None if self.against_all else [q for q in who if q != p],
                by_sector=self.by_sector,
                sectors=self.sectors,
            )
            for p in who
        ]

    def run(
        self, problem: TariffProblem, mapper: Mapper | None = None, progress: Progress | None = None
    ) -> NashResult:
        """The tariff war on ``problem``, by iterated best responses."""
        from tradewinds.policy.nash import nash_tariffs

        return nash_tariffs(
            problem,
            self.instruments(problem),
            tol=self.tol,
            max_rounds=self.max_rounds,
            order="sequential" if self.sequential else "simultaneous",
            **self._searching(mapper, progress),
        )


class UnitedFrontOptions(StrategyOptions):
    """``strategy united-front``: the 4x4 game of two partners facing a threat.

    ``deal_rate`` prices a separate deal: the threatener keeps this rate on a partner that
    takes one. Left unset, a deal lifts every new tariff at no cost, so (deal, deal) always
    wins; the reports say so.
    """

    threatener: str = THREATENER
    partners: tuple[str, str] = PARTNERS
    retaliation: Retaliation = "mirror"
    weights: dict[str, float] | None = None
    deal_rate: float | None = Field(
        default=None, ge=0, le=10, description="Rate kept on a partner that takes a deal."
    )
    draws: int = Field(default=0, ge=0, description="Elasticity draws for the sensitivity.")
    seed: int = Field(default=SEED, ge=0, lt=2**32, description="Seed of the draws.")
    eps_range: tuple[float, float] = EPS_RANGE

    @field_validator("eps_range")
    @classmethod
    def _eps_range(cls, box: tuple[float, float]) -> tuple[float, float]:
        lo, hi = _check_box(box, 0.0, "the elasticity range")
        if lo <= 0:
            raise ValueError("the elasticity range must satisfy 0 < low < high")
        return lo, hi

    @field_validator("threatener")
    @classmethod
    def _upper(cls, code: str) -> str:
        return code.strip().upper()

    @field_validator("partners")
    @classmethod
    def _pair(cls, pair: tuple[str, str]) -> tuple[str, str]:
        first, second = (c.strip().upper() for c in pair)
        if first == second:
            raise ValueError("the two partners must differ")
        return first, second

    def game(self) -> dict[str, Any]:
        """Keyword arguments of :func:`~tradewinds.policy.united_front.united_front`."""
        return attributes(self, "threatener", "partners", "retaliation", "weights", "deal_rate")
