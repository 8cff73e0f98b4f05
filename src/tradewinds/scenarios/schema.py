"""The scenario file schema (YAML, validated by pydantic, unknown keys rejected).

A scenario is frozen after parsing; :meth:`Scenario.digest` hashes its canonical JSON so a run
can be identified and replayed. Field-by-field documentation lives in ``docs/scenarios.md``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from tradewinds.core.errors import ScenarioError
from tradewinds.core.inputs import Number, read_yaml, validate_mapping
from tradewinds.data.elasticities import DEFAULT_SET, check_set_name, set_thetas
from tradewinds.models.closures import Closure
from tradewinds.models.registry import MODEL_NAMES
from tradewinds.scenarios.identity import (
    check_files,
    digest_of,
    input_hashes,
    read_scenario_file,
    reads_registry,
    resolve_path,
)


class _Strict(BaseModel):
    # defer_build: the validators and serialisers are built on first use, not at import, so a
    # scenario file read from the user cache (load_scenario) costs no schema building at all
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


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
    rate: Number | None = Field(default=None, description="New ad valorem rate, 0.25 for 25%.")
    add: Number | None = Field(default=None, description="Added to the baseline rate.")
    sectors: Literal["all"] | list[str] = "all"
    note: str = ""

    @model_validator(mode="after")
    def _one_of(self) -> TariffShock:
        if (self.rate is None) == (self.add is None):
            raise ValueError("give exactly one of 'rate' (new level) or 'add' (increase)")
        if self.rate is not None and self.rate < 0:
            raise ValueError(f"tariff rate {self.rate!r} is negative; rates are >= 0 (0.25 = 25%)")
        return self


class FromGravity(_Strict):
    """A trade-cost change taken from an estimated gravity coefficient.

    ``run`` is the id printed by ``tradewinds gravity estimate`` (or the path of its JSON
    record); ``variable`` names the coefficient (``rta``); ``pairs`` are country pairs such as
    ``CAN-MEX``, each changed in both directions. A coefficient ``beta`` on a dummy multiplies
    trade by ``exp(beta)``; with the model's trade elasticity ``eps`` (``theta`` by sector in the
    multi-sector model) the iceberg cost factor is ``d_hat = exp(-scale * beta / eps)``.
    """

    run: str
    variable: str
    pairs: list[str] = Field(min_length=1)
    scale: float = Field(default=1.0, description="Share of the estimated effect applied.")

    @field_validator("pairs")
    @classmethod
    def _pair_names(cls, value: list[str]) -> list[str]:
        for pair in value:
            parts = pair.split("-")
            if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
                raise ValueError(f"pair {pair!r} must name two countries as 'CAN-MEX'")
        return value

    def pair_tuples(self) -> list[tuple[str, str]]:
        """The pairs as (country, country) tuples."""
        return [(a, b) for a, b in (p.split("-") for p in self.pairs)]


class TradeCostShock(_Strict):
    """A proportional change in iceberg trade costs, ``change = -0.10`` for 10% lower.

    ``between`` applies to both directions among the listed countries; ``exporter`` and
    ``importer`` give one direction. ``from_gravity`` instead takes the change from an
    estimated gravity coefficient on the pairs it names (see :class:`FromGravity`).
    """

    change: Number | None = None
    between: list[str] | None = None
    exporter: CountrySet | None = None
    importer: CountrySet | None = None
    from_gravity: FromGravity | None = None
    sectors: Literal["all"] | list[str] = "all"
    note: str = ""

    @field_validator("change")
    @classmethod
    def _above_minus_one(cls, value: float | None) -> float | None:
        if value is not None and value <= -1:
            raise ValueError(f"change {value!r} would make trade costs non-positive; use > -1")
        return value

    @model_serializer(mode="wrap")
    def _drop_unused_gravity(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Scenarios written before ``from_gravity`` existed keep their canonical form (and so
        # their digest, the run's identity in the store).
        data: dict[str, Any] = handler(self)
        if data.get("from_gravity") is None:
            data.pop("from_gravity", None)
        return data

    @model_validator(mode="after")
    def _pairs(self) -> TradeCostShock:
        directed = self.exporter is not None or self.importer is not None
        if self.from_gravity is not None:
            if self.change is not None or self.between is not None or directed:
                raise ValueError(
                    "'from_gravity' names its own pairs and change: drop 'change', 'between', "
                    "'exporter' and 'importer'"
                )
            return self
        if self.change is None:
            raise ValueError("give 'change' (-0.10 for 10% lower) or 'from_gravity'")
        if (self.between is None) == (not directed):
            if self.between is None:
                raise ValueError("give 'between' or both 'exporter' and 'importer'")
            raise ValueError("give 'between' or 'exporter'/'importer', not both")
        if directed and (self.exporter is None or self.importer is None):
            raise ValueError("a directed trade-cost change needs both 'exporter' and 'importer'")
        return self


#: Most entries a scenario may list in ``shocks.tariffs`` (and, separately, in
#: ``shocks.trade_costs``); building them takes about 15 microseconds each.
MAX_TARIFF_ENTRIES = 10_000
#: Most entries in ``shocks.retaliation``.
MAX_OTHER_ENTRIES = 1_000

#: Named USMCA claim-share modes of the measure registry (see ``docs/etr-methods.md``).
UsmcaMode = Literal["2024", "2025", "2025h2"]

#: The registry answers from this date on (``tradewinds.measures.registry.START_DATE``).
REGISTRY_START = dt.date(2025, 1, 1)


def _registry_date(value: dt.date | None, what: str) -> dt.date | None:
    if value is not None and value < REGISTRY_START:
        raise ValueError(
            f"{what} {value.isoformat()} is before {REGISTRY_START.isoformat()}, where the "
            "measure registry starts"
        )
    return value


class RegistryOverrides(_Strict):
    """Changes to the measure registry before ``tariffs_as_of`` reads it.

    Each override builds a modified registry (copies of the ``Measure`` records with updated
    fields); results are never patched afterwards.
    """

    remove_usmca_exemption: bool = Field(
        default=False, description="Treat every line as non-claiming (no USMCA preference)."
    )
    ieepa_rate: dict[Literal["CAN", "MEX"], Annotated[Number, Field(ge=0, le=10)]] = Field(
        default_factory=dict, description="Set the IEEPA rate on a country's goods."
    )
    measure_files: list[str] = Field(
        default_factory=list, description="Extra measure files, relative to the scenario file."
    )
    scale_programmes: dict[str, Annotated[Number, Field(ge=0)]] = Field(
        default_factory=dict, description="Multiply a programme's rates; 0 removes it."
    )
    activate: list[str] = Field(
        default_factory=list,
        description="Measure ids to put in force (e.g. scheduled pharmaceutical duties).",
    )

    def is_empty(self) -> bool:
        """Whether no override is set (every field at its default)."""
        # the defaults without validation: a scenario read from the cache builds no validator
        return self == RegistryOverrides.model_construct()


class Retaliation(_Strict):
    """A partner's tariffs on goods of ``against`` (the US by default).

    ``countermeasures_as_of`` takes the partner's measures in force on that date from the
    registry (an approximation, see ``docs/scenarios.md``); ``mirror`` sets on goods of
    ``against`` the rate ``against`` sets on the partner's goods, sector by sector; ``us_mfn``
    applies the US MFN schedule as the partner's own (an approximation for Canadian and Mexican
    MFN rates, which the data lack). An explicit table goes in ``shocks.tariffs``.
    """

    by: str | list[str]
    against: str = "USA"
    countermeasures_as_of: dt.date | None = None
    mirror: bool = False
    us_mfn: bool = False
    note: str = ""

    @field_validator("countermeasures_as_of")
    @classmethod
    def _date(cls, value: dt.date | None) -> dt.date | None:
        return _registry_date(value, "countermeasures_as_of")

    @model_validator(mode="after")
    def _one_kind(self) -> Retaliation:
        kinds = (self.countermeasures_as_of is not None) + self.mirror + self.us_mfn
        if kinds != 1:
            raise ValueError(
                "give exactly one of 'countermeasures_as_of: DATE', 'mirror: true' or "
                "'us_mfn: true' (an explicit table goes in shocks.tariffs)"
            )
        return self

    def partners(self) -> list[str]:
        """The retaliating countries."""
        return [self.by] if isinstance(self.by, str) else list(self.by)


class Shocks(_Strict):
    """Everything the scenario changes relative to the baseline.

    Order of application: the registry (``tariffs_as_of`` with ``overrides``), then the explicit
    ``tariffs`` in order, then ``retaliation`` in order; ``trade_costs`` multiply.
    """

    tariffs_as_of: dt.date | None = None
    #: Exporters the registry taxes (baseline labels); ``None``: every exporter of the baseline.
    tariffs_only: list[str] | None = None
    usmca_shares: UsmcaMode | None = None  # "2025h2" when tariffs_as_of is given
    overrides: RegistryOverrides = Field(default_factory=RegistryOverrides)
    tariffs: list[TariffShock] = Field(default_factory=list)
    retaliation: list[Retaliation] = Field(default_factory=list)
    trade_costs: list[TradeCostShock] = Field(default_factory=list)

    @field_validator("trade_costs", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        # ``trade_costs: {from_gravity: ...}`` is a list of one.
        return [value] if isinstance(value, dict) else value

    @field_validator("tariffs_as_of")
    @classmethod
    def _date(cls, value: dt.date | None) -> dt.date | None:
        return _registry_date(value, "tariffs_as_of")

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        # Checked on the raw lists, before their entries are validated one by one.
        if isinstance(data, dict):
            for key, limit in (
                ("tariffs", MAX_TARIFF_ENTRIES),
                ("trade_costs", MAX_TARIFF_ENTRIES),
                ("retaliation", MAX_OTHER_ENTRIES),
            ):
                value = data.get(key)
                if isinstance(value, list) and len(value) > limit:
                    raise ValueError(
                        f"{len(value):,} entries in shocks.{key}; the limit is {limit:,} (see "
                        "docs/input-limits.md). Use groups or sector lists to cover many cells "
                        "with one entry"
                    )
        return data

    @model_validator(mode="before")
    @classmethod
    def _nested_date(cls, data: Any) -> Any:
        # ``tariffs_as_of: {date: 2025-09-01, only: [CAN, MEX]}`` is the date and tariffs_only.
        if isinstance(data, dict) and isinstance(data.get("tariffs_as_of"), dict):
            inner = dict(data["tariffs_as_of"])
            unknown = sorted(set(inner) - {"date", "only"})
            if unknown or "date" not in inner:
                raise ValueError(
                    "tariffs_as_of is a date (YYYY-MM-DD) or {date: YYYY-MM-DD, only: [ISO3, ...]}"
                    + (f"; unknown key(s) {unknown}" if unknown else "; 'date' is missing")
                )
            if "only" in inner and data.get("tariffs_only") is not None:
                raise ValueError("give tariffs_as_of.only or tariffs_only, not both")
            out = {**data, "tariffs_as_of": inner["date"]}
            if "only" in inner:
                out["tariffs_only"] = inner["only"]
            return out
        return data

    @field_validator("tariffs_only")
    @classmethod
    def _only(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError(
                "tariffs_only (tariffs_as_of.only) is empty: list the exporters to tax, for "
                "example [CAN, MEX], or leave it out to tax every exporter"
            )
        codes = [str(c).strip().upper() for c in value]
        if "USA" in codes:
            raise ValueError("tariffs_only: USA imposes the tariffs and cannot be taxed by them")
        if len(set(codes)) != len(codes):
            raise ValueError(f"tariffs_only lists an exporter twice: {codes}")
        return codes

    @model_validator(mode="before")
    @classmethod
    def _default_mode(cls, data: Any) -> Any:
        # The default USMCA-share mode is filled in only where it applies, so the canonical form
        # of a scenario without a registry date parses again unchanged (sweeps re-parse it).
        if isinstance(data, dict) and data.get("tariffs_as_of") and not data.get("usmca_shares"):
            return {**data, "usmca_shares": "2025h2"}
        return data

    @model_validator(mode="after")
    def _needs_date(self) -> Shocks:
        uses_registry = any(r.countermeasures_as_of is not None for r in self.retaliation)
        if self.tariffs_as_of is None and not uses_registry and not self.overrides.is_empty():
            raise ValueError("'overrides' change the registry: give 'tariffs_as_of' too")
        if self.tariffs_as_of is None and self.tariffs_only is not None:
            raise ValueError("'tariffs_only' chooses who 'tariffs_as_of' taxes: give the date too")
        if self.tariffs_as_of is None and self.usmca_shares is not None:
            raise ValueError("'usmca_shares' applies to 'tariffs_as_of': give the date too")
        if self.tariffs_as_of is None and self.overrides.ieepa_rate:
            raise ValueError("'overrides.ieepa_rate' needs 'tariffs_as_of' (the date it applies)")
        return self

    def uses_registry(self) -> bool:
        """Whether the shocks read the measure registry."""
        return reads_registry(
            self.tariffs_as_of, [r.countermeasures_as_of for r in self.retaliation]
        )


class OneSectorSpec(_Strict):
    """The one-sector Eaton–Kortum/Armington model (``tradewinds.models.onesector``)."""

    name: Literal["one-sector"] = "one-sector"
    eps: Number = Field(default=4.0, gt=0, description="Trade elasticity.")
    closure: Closure = "fixed"


class IgnatenkoSpec(_Strict):
    """Ignatenko et al. (2025), one sector with employment (``tradewinds.models.ignatenko``)."""

    name: Literal["ignatenko2025"] = "ignatenko2025"
    eps: Number = Field(default=4.0, gt=0, description="Trade elasticity.")
    kappa: Number = Field(default=0.5, gt=0, description="Labour-supply (Frisch) elasticity.")
    pass_through: Number = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Intercept of phi = c + phi~: 1 is the benchmark, 0.5 and 0.25 the paper's "
        "partial pass-through cases.",
    )
    recycling: Literal["income-tax", "lump-sum"] = Field(
        default="income-tax", description="Tariff revenue relieves the income tax or is rebated."
    )


class UniformElasticity(_Strict):
    """One trade elasticity θ in every sector: ``elasticities: {uniform: 5}``."""

    uniform: Annotated[Number, Field(gt=0)]


class MultiSectorSpec(_Strict):
    """The Caliendo–Parro (2015) multi-sector model (``tradewinds.models.multisector``).

    ``elasticities`` chooses the trade elasticities θ: a bundled set by name (``cp2015``, the
    default, which is the baseline's own θ; ``bw2006``, ``hauk2012``; see
    :mod:`tradewinds.data.elasticities`) or ``{uniform: N}``. ``theta`` overrides them: one
    number for every sector or a mapping sector -> value for some sectors.
    """

    name: Literal["multi-sector"] = "multi-sector"
    closure: Closure = "balanced"
    theta: Annotated[Number, Field(gt=0)] | dict[str, Annotated[Number, Field(gt=0)]] | None = None
    elasticities: str | UniformElasticity = Field(
        default=DEFAULT_SET,
        description="Trade-elasticity set: a bundled name (cp2015, bw2006, hauk2012) or "
        "{uniform: N}.",
    )

    @field_validator("elasticities")
    @classmethod
    def _known_set(cls, value: str | UniformElasticity) -> str | UniformElasticity:
        if isinstance(value, str):
            try:
                check_set_name(value)
            except ScenarioError as exc:
                raise ValueError(str(exc)) from None
        return value

    @model_serializer(mode="wrap")
    def _drop_default_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Scenarios written before ``elasticities`` existed keep their canonical form (and so
        # their digest): the default set is the baseline's own theta, as before.
        data: dict[str, Any] = handler(self)
        if data.get("elasticities") == DEFAULT_SET:
            data.pop("elasticities", None)
        return data

    def thetas(self, sectors: list[str]) -> float | dict[str, float] | None:
        """θ to pass to the model for a baseline with ``sectors``; None keeps the baseline's.

        ``theta`` as one number wins outright; a ``theta`` mapping overrides the chosen set
        sector by sector.
        """
        if isinstance(self.theta, int | float):
            return float(self.theta)
        override = {k: float(v) for k, v in (self.theta or {}).items()}
        chosen = self.elasticities
        if isinstance(chosen, UniformElasticity):
            return {**dict.fromkeys(sectors, float(chosen.uniform)), **override}
        if chosen == DEFAULT_SET:
            return override or None
        return {**set_thetas(chosen, sectors), **override}


ModelSpec = Annotated[OneSectorSpec | IgnatenkoSpec | MultiSectorSpec, Field(discriminator="name")]


def _check_specs(*specs: type[_Strict]) -> None:
    """Each model of the registry has exactly one spec here, by the same name."""
    names = tuple(spec.model_fields["name"].default for spec in specs)
    if sorted(names) != sorted(MODEL_NAMES):
        raise RuntimeError(f"scenario model specs {names} differ from the registry {MODEL_NAMES}")


_check_specs(OneSectorSpec, IgnatenkoSpec, MultiSectorSpec)


class UnitedFrontSettings(_Strict):
    """``strategy.united_front``: what the united-front game takes from the scenario.

    ``deal_rate`` prices a separate deal: the threatener keeps this rate on a partner that
    takes one (``strategy united-front --deal-rate`` and the API's ``deal_rate`` override it).
    Left unset, a deal lifts every new tariff at no cost.
    """

    deal_rate: float | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Rate the threatener keeps on a partner that takes a separate deal.",
    )


class StrategySettings(_Strict):
    """``strategy``: settings of the strategy games; a plain ``run`` ignores them."""

    united_front: UnitedFrontSettings = Field(default_factory=UnitedFrontSettings)


class Scenario(_Strict):
    """A complete, frozen description of a run."""

    title: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    baseline: str = "default"
    model: ModelSpec = Field(default_factory=OneSectorSpec)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    shocks: Shocks = Field(default_factory=Shocks)
    compare_against: str | None = Field(
        default=None, description="Another scenario file, relative to this one."
    )
    strategy: StrategySettings | None = Field(
        default=None, description="Settings of the strategy games (the united-front deal price)."
    )
    _base_dir: Path | None = PrivateAttr(default=None)
    #: :meth:`canonical` as computed when the file was parsed, for this object's fields only
    #: (the id of its ``__dict__``: a ``model_copy`` with other fields does not share it).
    _canonical: tuple[int, dict[str, Any]] | None = PrivateAttr(default=None)

    @field_validator("groups")
    @classmethod
    def _group_names(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from tradewinds.core.countries import ISO3_CODES

        for name, members in value.items():
            if name in {"all", "all_except"}:
                raise ValueError(f"group name {name!r} is reserved; give the group another name")
            if name.upper() in ISO3_CODES:
                raise ValueError(
                    f"group name {name!r} is a country code, so the group would stand for that "
                    "country wherever the scenario names it; give the group a name of its own "
                    "(for example NAFTA)"
                )
            if not members:
                raise ValueError(f"group {name!r} lists no country")
        return value

    @property
    def base_dir(self) -> Path:
        """The folder relative paths resolve against (the scenario file's, else the cwd)."""
        return self._base_dir if self._base_dir is not None else Path.cwd()

    def resolve(self, relative: str) -> Path:
        """A path of the scenario resolved against :attr:`base_dir`."""
        return resolve_path(self.base_dir, relative)

    def measure_file_paths(self) -> list[Path]:
        """The extra measure files, resolved."""
        return [self.resolve(p) for p in self.shocks.overrides.measure_files]

    def comparison_path(self) -> Path | None:
        """The scenario this one is compared against, resolved, or None."""
        return None if self.compare_against is None else self.resolve(self.compare_against)

    def comparison(self) -> Scenario | None:
        """The parsed scenario of ``compare_against``, or None."""
        path = self.comparison_path()
        return None if path is None else load_scenario(path)

    def canonical(self) -> dict[str, Any]:
        """Plain data with defaults filled in, for hashing and storage.

        An absent ``strategy`` block is left out, so scenarios written before it existed keep
        their identity (and their stored results).
        """
        memo = self._canonical
        if memo is not None and memo[0] == id(self.__dict__):
            return dict(json.loads(json.dumps(memo[1])))  # a copy the caller may change
        return self.model_dump(mode="json", exclude={"strategy"} if self.strategy is None else None)

    def inputs(self) -> dict[str, Any]:
        """SHA-256 of the files the run reads besides the scenario (measure files, registry)."""
        gravity = [tc.from_gravity.run for tc in self.shocks.trade_costs if tc.from_gravity]
        return input_hashes(
            self.base_dir, self.shocks.overrides.measure_files, self.shocks.uses_registry(), gravity
        )

    def digest(self, canonical_json: str | None = None) -> str:
        """SHA-256 of the canonical JSON and of :meth:`inputs`: the scenario's identity.

        Computed by :func:`tradewinds.scenarios.identity.digest_of`, as for a
        :class:`~tradewinds.scenarios.identity.ScenarioFile`. ``canonical_json`` is the
        canonical JSON (:func:`tradewinds.core.canonical.to_json` of :meth:`canonical`) when the
        caller has already written it, as a sweep does for every grid point.
        """
        return digest_of(self.inputs(), self.canonical, canonical_json)


def _check_files(scenario: Scenario, source: str) -> None:
    measure_files = scenario.shocks.overrides.measure_files
    check_files(scenario.base_dir, measure_files, scenario.compare_against, source)


def parse_scenario(
    data: Any, source: str = "scenario", base_dir: str | Path | None = None
) -> Scenario:
    """Validate plain data as a :class:`Scenario`; one clear :class:`ScenarioError` on failure.

    ``base_dir`` is the folder that relative paths in the scenario (measure files,
    ``compare_against``) resolve against; by default the current directory.
    """
    scenario = validate_mapping(Scenario, data, source, "a scenario", "docs/scenarios.md")
    if base_dir is not None:
        scenario._base_dir = Path(base_dir).resolve()
    _check_files(scenario, source)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file.

    Through the user cache, as :func:`~tradewinds.scenarios.identity.read_scenario_file` reads
    it: a file read again builds no validator.
    """
    return read_scenario_file(path).scenario


def parse_file(path: Path, folder: Path) -> tuple[Scenario, dict[str, Any]]:
    """The validated scenario of a file and its canonical form (not its files' existence)."""
    data = read_yaml(path, "scenario file")
    scenario = validate_mapping(Scenario, data, str(path), "a scenario", "docs/scenarios.md")
    scenario._base_dir = folder
    return scenario, scenario.canonical()
