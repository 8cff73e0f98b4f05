"""The scenario file schema (YAML, validated by pydantic, unknown keys rejected).

A scenario is frozen after parsing; :meth:`Scenario.digest` hashes its canonical JSON so a run
can be identified and replayed. Field-by-field documentation lives in ``docs/scenarios.md``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tradewinds.core.errors import ScenarioError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AllExcept(_Strict):
    """Every country except those listed (group names allowed)."""

    all_except: list[str]


#: A set of countries: ``all``, one code or group, a list, or ``{all_except: [...]}``.
CountrySet = str | list[str] | AllExcept


class TariffShock(_Strict):
    """New tariffs that ``importer`` applies to goods from ``exporter``.

    ``rate`` sets the new rate; ``add`` adds to the baseline rate. Domestic pairs are never
    touched. Later entries override earlier ones on the cells they share.
    """

    importer: CountrySet
    exporter: CountrySet
    rate: float | None = Field(default=None, description="New ad valorem rate, 0.25 for 25%.")
    add: float | None = Field(default=None, description="Added to the baseline rate.")
    sectors: Literal["all"] | list[str] = "all"
    note: str = ""

    @model_validator(mode="after")
    def _one_of(self) -> TariffShock:
        if (self.rate is None) == (self.add is None):
            raise ValueError("give exactly one of 'rate' (new level) or 'add' (increase)")
        if self.rate is not None and self.rate < 0:
            raise ValueError(f"tariff rate {self.rate!r} is negative; rates are >= 0 (0.25 = 25%)")
        return self


class TradeCostShock(_Strict):
    """A proportional change in iceberg trade costs, ``change = -0.10`` for 10% lower.

    ``between`` applies to both directions among the listed countries; ``exporter`` and
    ``importer`` give one direction.
    """

    change: float
    between: list[str] | None = None
    exporter: CountrySet | None = None
    importer: CountrySet | None = None
    sectors: Literal["all"] | list[str] = "all"
    note: str = ""

    @field_validator("change")
    @classmethod
    def _above_minus_one(cls, value: float) -> float:
        if value <= -1:
            raise ValueError(f"change {value!r} would make trade costs non-positive; use > -1")
        return value

    @model_validator(mode="after")
    def _pairs(self) -> TradeCostShock:
        directed = self.exporter is not None or self.importer is not None
        if (self.between is None) == (not directed):
            if self.between is None:
                raise ValueError("give 'between' or both 'exporter' and 'importer'")
            raise ValueError("give 'between' or 'exporter'/'importer', not both")
        if directed and (self.exporter is None or self.importer is None):
            raise ValueError("a directed trade-cost change needs both 'exporter' and 'importer'")
        return self


class Shocks(_Strict):
    """Everything the scenario changes relative to the baseline."""

    tariffs: list[TariffShock] = Field(default_factory=list)
    trade_costs: list[TradeCostShock] = Field(default_factory=list)


class OneSectorSpec(_Strict):
    """The one-sector Eaton–Kortum/Armington model (``tradewinds.models.onesector``)."""

    name: Literal["one-sector"] = "one-sector"
    eps: float = Field(default=4.0, gt=0, description="Trade elasticity.")
    closure: Literal["fixed", "balanced", "ratio"] = "fixed"


class IgnatenkoSpec(_Strict):
    """Ignatenko et al. (2025), one sector with employment (``tradewinds.models.ignatenko``)."""

    name: Literal["ignatenko2025"] = "ignatenko2025"
    eps: float = Field(default=4.0, gt=0, description="Trade elasticity.")
    kappa: float = Field(default=0.5, gt=0, description="Labour-supply (Frisch) elasticity.")
    pass_through: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Intercept of phi = c + phi~: 1 is the benchmark, 0.5 and 0.25 the paper's "
        "partial pass-through cases.",
    )
    recycling: Literal["income-tax", "lump-sum"] = Field(
        default="income-tax", description="Tariff revenue relieves the income tax or is rebated."
    )


class MultiSectorSpec(_Strict):
    """The Caliendo–Parro (2015) multi-sector model (``tradewinds.models.multisector``).

    ``theta`` overrides the baseline's trade elasticities: one number for every sector or a
    mapping sector -> value.
    """

    name: Literal["multi-sector"] = "multi-sector"
    closure: Literal["fixed", "balanced", "ratio"] = "balanced"
    theta: Annotated[float, Field(gt=0)] | dict[str, Annotated[float, Field(gt=0)]] | None = None


ModelSpec = Annotated[OneSectorSpec | IgnatenkoSpec | MultiSectorSpec, Field(discriminator="name")]


class Scenario(_Strict):
    """A complete, frozen description of a run."""

    title: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    baseline: str = "default"
    model: ModelSpec = Field(default_factory=OneSectorSpec)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    shocks: Shocks = Field(default_factory=Shocks)

    def canonical(self) -> dict[str, Any]:
        """Plain data with defaults filled in, for hashing and storage."""
        return self.model_dump(mode="json")

    def digest(self) -> str:
        """SHA-256 of the canonical JSON: the scenario's identity."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Validate plain data as a :class:`Scenario`; one clear :class:`ScenarioError` on failure."""
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: a scenario must be a mapping of keys, got {type(data).__name__}."
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _where(tuple(err["loc"]))
        if err["type"] == "extra_forbidden":
            raise ScenarioError(
                f"{source}: unknown key {where!r}. Check the spelling against docs/scenarios.md."
            ) from None
        if err["type"] == "missing":
            raise ScenarioError(f"{source}: required key {where!r} is missing.") from None
        more = f" ({len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        raise ScenarioError(
            f"{source}: {where}: {err['msg']} (got {err.get('input')!r}){more}."
        ) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"Scenario file {str(path)!r} does not exist.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{path}: malformed YAML{at}: {problem}.") from None
    return parse_scenario(data, str(path))
