"""A measure registry compiled for the duty engine: plain records, regimes and code masks.

The engine (:func:`tradewinds.measures.stacking.evaluate`) reads a handful of plain fields of
each measure, the precedence rules in force and, per measure, which HTS codes its scope covers.
Loading the pydantic registry and building its scope masks costs far more than evaluating a
line, so a registry is *compiled* once into a :class:`Compiled`:

- per measure a :class:`MeasureRecord` (what the engine and the duty table read);
- per regime segment (the dates between two consecutive start or end dates of any measure or
  rule) the measures in force, the precedence rules, whether the rules form a cycle, and the
  measures of each metal (which metal programmes can cover a line on that date);
- one boolean matrix ``bits`` (HTS codes x columns): a column per measure scope, per product
  list of a declared exclusion, and one for chapters 72, 73, 74 and 76.

The packaged registry is compiled once and kept in the user cache (:mod:`tradewinds.core.cache`,
keyed by its files and the code that builds it), so a duty line or ``etr --date`` never loads
pydantic's registry; a registry with user measure files is compiled in the process. Every duty
(one line, a batch, effective rates) goes through this one form and the one engine.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from tradewinds.core.errors import MeasureConflictError
from tradewinds.measures.fields import METALS, MFN, check_registry_date

if TYPE_CHECKING:
    from tradewinds.measures.registry import Registry
    from tradewinds.measures.schema import Measure


class Exclusion(NamedTuple):
    """Codes of product list ``list`` leave the scope when ``declaration`` is made."""

    list: str
    declaration: str


class ScopeView(NamedTuple):
    """The part of a scope the engine reads once the code mask is known."""

    declared_exclusions: tuple[Exclusion, ...]


class MeasureRecord(NamedTuple):
    """A measure as the engine and the duty table read it."""

    id: str
    authority: str
    heading: str | None
    programme: str
    title: str
    legal_basis: str
    #: The part of the value the rate applies to, in words (the layer's ``basis``).
    basis: str
    rate: float
    value_basis: str
    metal: str | None
    usmca: str
    condition: str | None
    floor: bool
    metal_threshold: float | None
    regime: str
    #: The HTS rate column an MFN measure reads (``column_1`` or ``column_2``).
    rate_column: str
    approximate: bool
    imposing: str
    #: ``("*",)`` for every country, as in the registry.
    targets: tuple[str, ...]
    exclude_targets: tuple[str, ...]
    scope: ScopeView
    #: This measure's column in :attr:`Compiled.bits`.
    bit: int


class Rule(NamedTuple):
    """A precedence rule: ``winner`` over ``losers`` at ``level`` (article or content)."""

    id: str
    winner: str
    losers: tuple[str, ...]
    level: str


class Regime(NamedTuple):
    """What is in force on the dates of one regime segment."""

    #: Positions in :attr:`Compiled.measures`, ascending.
    measures: tuple[int, ...]
    rules: tuple[Rule, ...]
    #: The message of the cycle when the rules contradict each other (else ``None``).
    conflict: str | None
    #: Per metal (``METALS`` order), the positions of the in-force measures of that metal.
    metal_measures: tuple[tuple[int, ...], ...]


class Compiled(NamedTuple):
    """A registry compiled for the engine (module docstring)."""

    measures: tuple[MeasureRecord, ...]
    bounds: tuple[dt.date, ...]
    #: ``bounds`` as ``datetime64[D]`` (for :meth:`regime_index`).
    days: np.ndarray
    regimes: tuple[Regime, ...]
    #: (HTS codes x columns) booleans, column-major: the engine reads a column at a time.
    bits: np.ndarray
    #: Column of each declared-exclusion product list.
    lists: dict[str, int]
    #: Column of chapters 72, 73, 74 and 76 (always inside the 2026 metals regime).
    primary_bit: int
    importers: frozenset[str]
    coverage_date: dt.date
    open_questions: tuple[str, ...]

    def regime_index(self, dates: np.ndarray) -> np.ndarray:
        """The regime segment of each date (``datetime64[D]``)."""
        return np.asarray(np.searchsorted(self.days, dates, side="right"), dtype=np.intp)

    def regime_on(self, day: dt.date) -> Regime:
        """The regime segment of ``day``."""
        return self.regimes[bisect.bisect_right(self.bounds, day)]

    def metal_masks(self, segment: int) -> tuple[tuple[int, np.ndarray], ...]:
        """Per metal programme in force in ``segment``: (metal index, the codes it can cover).

        Computed once per segment and registry (a line reads its code's entry).
        """
        key = (id(self), segment)
        hit = _METAL_MASKS.get(key)
        if hit is None or hit[0] is not self:
            masks = tuple(
                (k, np.asarray(self.bits[:, [self.measures[i].bit for i in ids]].any(axis=1)))
                for k, ids in enumerate(self.regimes[segment].metal_measures)
                if ids
            )
            hit = _METAL_MASKS[key] = (self, masks)
        return hit[1]

    def check_date(self, day: dt.date) -> None:
        """Refuse dates before the registry; warn past its coverage date."""
        check_registry_date(day, self.coverage_date, self.open_questions)

    def masks(self) -> dict[str, np.ndarray]:
        """Code masks keyed as :func:`~tradewinds.measures.stacking.evaluate` looks them up."""
        out = {m.id: self.bits[:, m.bit] for m in self.measures}
        out |= {f"list:{name}": self.bits[:, bit] for name, bit in self.lists.items()}
        out["chapters:primary-metals"] = self.bits[:, self.primary_bit]
        return out

    def in_force(
        self, day: dt.date, *, target: str | None = None, imposing: str | None = None
    ) -> tuple[tuple[MeasureRecord, ...], tuple[Rule, ...]]:
        """Measures in force on ``day`` (optionally on ``target``'s goods into ``imposing``)."""
        regime = self.regime_on(day)
        if regime.conflict is not None:
            raise MeasureConflictError(regime.conflict)
        out = []
        for i in regime.measures:
            m = self.measures[i]
            if imposing is not None and m.imposing != imposing:
                continue
            if target is not None and (
                target in m.exclude_targets or ("*" not in m.targets and target not in m.targets)
            ):
                continue
            out.append(m)
        return tuple(out), regime.rules


_METAL_MASKS: dict[tuple[int, int], tuple[Compiled, tuple[tuple[int, np.ndarray], ...]]] = {}


def basis_text(m: Measure) -> str:
    """The part of the value a measure's rate applies to, and its regime, in words."""
    if m.programme == MFN:
        return "full value"
    if m.value_basis == "metal_content":
        text = f"{m.metal} content"
    elif m.value_basis == "non_us_content" or m.usmca == "non_us_content":
        text = "full value (non-US content if declared under USMCA)"
    else:
        text = "full value"
    if m.floor:
        text += f", all-in floor: MFN + duty = {m.rate:.0%}"
    return f"{text}; {m.regime}" if m.regime else text


#: Fields of a :class:`MeasureRecord` that are the measure's own attributes, as they are.
_COPIED = (
    *("id", "authority", "heading", "programme", "title", "legal_basis", "value_basis"),
    *("metal", "usmca", "condition", "floor", "metal_threshold", "regime", "imposing"),
    "rate_column",
)


def _record(m: Measure, bit: int) -> MeasureRecord:
    exclusions = tuple(Exclusion(ex.list, ex.declaration) for ex in m.scope.declared_exclusions)
    return MeasureRecord(
        **{name: getattr(m, name) for name in _COPIED},
        basis=basis_text(m),
        rate=float(m.rate),
        approximate=m.scope.approximate,
        targets=tuple(m.targets),
        exclude_targets=tuple(m.exclude_targets),
        scope=ScopeView(exclusions),
        bit=bit,
    )


def compile_registry(registry: Registry) -> Compiled:
    """Compile ``registry`` (module docstring)."""
    from tradewinds.measures.products import hts_universe, list_prefixes
    from tradewinds.measures.registry import scope_masks
    from tradewinds.measures.stacking import programme_order

    universe = hts_universe()
    masks = scope_masks(registry)
    from tradewinds.measures.products import scope_mask

    ms = registry.measures
    lists = sorted({ex.list for m in ms for ex in m.scope.declared_exclusions})
    n = len(ms)
    columns = [
        masks[m.id] if m.id in masks else scope_mask(m.scope, where=f"measure {m.id!r}") for m in ms
    ]
    columns += [universe.mask(list_prefixes(name)) for name in lists]
    columns.append(universe.mask(["72", "73", "74", "76"]))
    bits = np.asfortranarray(np.column_stack(columns)) if columns else np.zeros((0, 0), bool)
    bounds = tuple(registry.boundaries())
    regimes = []
    for s in range(len(bounds) + 1):
        day = bounds[s - 1] if s else (bounds[0] - dt.timedelta(days=1) if bounds else dt.date.min)
        in_force = tuple(i for i, m in enumerate(ms) if m.in_force(day))
        rules = tuple(
            Rule(r.id, r.winner, tuple(r.losers), r.level) for r in registry.rules_on(day)
        )
        conflict = None
        try:
            programme_order(rules, [ms[i].programme for i in in_force])
        except MeasureConflictError as exc:
            conflict = str(exc)
        metal = tuple(tuple(i for i in in_force if ms[i].metal == x) for x in METALS)
        regimes.append(Regime(in_force, rules, conflict, metal))
    return Compiled(
        measures=tuple(_record(m, i) for i, m in enumerate(ms)),
        bounds=bounds,
        days=np.array(bounds, dtype="datetime64[D]"),
        regimes=tuple(regimes),
        bits=bits,
        lists={name: n + k for k, name in enumerate(lists)},
        primary_bit=n + len(lists),
        importers=frozenset({m.imposing for m in ms} | {"USA"}),
        coverage_date=registry.coverage_date,
        open_questions=tuple(registry.open_questions),
    )


def _sources() -> list[Path]:
    """The packaged files the packaged compiled registry is built from."""
    base = resources.files("tradewinds.measures")
    registry = sorted(
        Path(str(p)) for p in base.joinpath("data/registry").iterdir() if str(p).endswith(".yaml")
    )
    derived = [base.joinpath(f"data/derived/{n}") for n in ("hts.csv.gz", "product_lists.csv")]
    return [*registry, *(Path(str(p)) for p in (base.joinpath("data/precedence.yaml"), *derived))]


class _Packed(NamedTuple):
    """A :class:`Compiled` with its masks packed to bits (what the user cache keeps)."""

    fields: tuple[object, ...]
    packed: np.ndarray
    shape: tuple[int, int]


def _build_packed() -> _Packed:
    from tradewinds.measures.registry import load_registry

    compiled = compile_registry(load_registry())
    packed = np.packbits(compiled.bits, axis=0)
    return _Packed(
        tuple(compiled._replace(bits=np.zeros((0, 0), bool))), packed, compiled.bits.shape
    )


@functools.cache
def packaged() -> Compiled:
    """The packaged registry, compiled (from the user cache; built on first use)."""
    from tradewinds.core.cache import cached

    entry = cached(
        "duty-engine",
        _sources(),
        _build_packed,
        code=[
            __name__,
            "tradewinds.measures.registry",
            "tradewinds.measures.schema",
            "tradewinds.measures.products",
            "tradewinds.measures.stacking",
            "tradewinds.measures.fields",
            "tradewinds.core.inputs",
        ],
        extra=np.__version__,
    )
    bits = np.unpackbits(entry.packed, axis=0, count=entry.shape[0]).astype(bool)
    return Compiled(*entry.fields)._replace(bits=np.asfortranarray(bits))  # type: ignore[arg-type]


def compiled(registry: Registry | None = None) -> Compiled:
    """``registry`` compiled: the packaged one from the cache, another compiled once per process."""
    if registry is None:
        return packaged()
    from tradewinds.measures.registry import _default_registry

    if registry is _default_registry():
        return packaged()
    owner, found = _LAST.get("registry", (None, None))
    if owner is not registry or found is None:
        found = compile_registry(registry)
        _LAST["registry"] = (registry, found)
    return found


_LAST: dict[str, tuple[Registry, Compiled]] = {}
