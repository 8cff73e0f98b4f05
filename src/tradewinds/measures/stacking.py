"""The stacking engine: which measures apply to which part of each line's value, and the duty.

Pure, vectorised functions over arrays of shipment lines that share one date. The precedence
table (``measures/data/precedence.yaml``) decides interactions; nothing here depends on the order
in which measures or rules were loaded:

1. *Candidates.* Measure ``m`` covers line ``i`` if the line's HTS code is in ``m``'s scope, its
   origin is a target, its importer imposes ``m``, its condition holds (e.g. transshipment), and a
   USMCA claim does not exempt it. A metal-content measure needs a positive metal share.
2. *Article precedence.* Programmes are visited in a topological order of the rules (winner before
   loser, ties by name). A rule "W over L (article)" removes every measure of L from the lines on
   which some measure of W finally applies.
3. *Content precedence.* A rule "W over L (content)" removes W's content share (e.g. the steel
   share) from the base of L's full-value measures on the lines where W applies.
4. *Amount.* ``amount = rate · value · base_share``; the MFN programme takes its rate per line from
   the HTS (ad valorem part; the specific part needs a quantity in the rate's unit), from column 1
   or, for a measure with ``rate_column: column_2``, from column 2. A ``floor`` measure's rate is
   ``max(0, rate − MFN rate of the line)``.

Declarations (``Lines.declared``) switch conditional measures on (``condition``), take declared
articles out of a scope (``scope.declared_exclusions``) and, with ``metal_declared``, let a declared
metal content at or below a measure's ``metal_threshold`` take the article out of it.

This is the one duty engine: a single shipment (a table of one line), a batch of a million
lines and the effective rates all come here. Each line's result depends on that line alone
(``tests/properties/test_line_independence.py``); measures that cover none of the lines may be
left out of ``measures`` without changing any amount.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

import numpy as np

from tradewinds.core.errors import MeasureConflictError
from tradewinds.measures.fields import MFN as MFN
from tradewinds.measures.products import hts_universe, list_prefixes, scope_mask

if TYPE_CHECKING:
    from tradewinds.measures.compiled import MeasureRecord
    from tradewinds.measures.schema import Measure


class StackRule(Protocol):
    """A precedence rule as the engine reads it: ``winner`` over ``losers`` at ``level``."""

    @property
    def id(self) -> str:
        """Rule id (named when rules form a cycle)."""

    @property
    def winner(self) -> str:
        """The programme that wins."""

    @property
    def losers(self) -> Sequence[str]:
        """The programmes it wins over."""

    @property
    def level(self) -> str:
        """``article`` or ``content``."""


#: What the engine reads of a measure: the plain record of a compiled registry, which every
#: duty uses, or a registry :class:`~tradewinds.measures.schema.Measure` (whose code mask is
#: computed from its prefixes when ``masks`` lacks it).
M = TypeVar("M", "MeasureRecord", "Measure")


@dataclass(frozen=True)
class Lines:
    """Shipment lines on one date, as aligned arrays (length n).

    ``code`` indexes the HTS universe; ``us_content`` is NaN when not declared; the metal shares
    are fractions of the customs value; ``quantity`` is in the MFN rate's unit (NaN if unknown).
    """

    code: np.ndarray
    origin: np.ndarray
    importer: np.ndarray
    value: np.ndarray
    usmca: np.ndarray
    us_content: np.ndarray
    steel: np.ndarray
    aluminum: np.ndarray
    copper: np.ndarray
    transshipped: np.ndarray
    quantity: np.ndarray
    #: Declarations by name (``civil_aircraft``, ``named_article``, ``us_metal``,
    #: ``semiconductor``, ``metal_declared``: the metal shares were declared by the importer),
    #: boolean arrays of length n; a missing name means no line declares it.
    declared: dict[str, np.ndarray] = field(default_factory=dict)
    #: ``origin`` as :func:`factor` gives it, when the caller has it already.
    origins: tuple[list[str], np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.code)

    def flag(self, name: str) -> np.ndarray:
        """Boolean array of declaration ``name`` (all False when not given)."""
        value = self.declared.get(name)
        if value is None:
            return np.zeros(len(self.code), dtype=bool)
        return np.asarray(value, dtype=bool)

    def metal(self, name: str) -> np.ndarray:
        """Content share of ``name`` (steel, aluminum or copper)."""
        return np.asarray(getattr(self, name), dtype=float)


@dataclass(frozen=True)
class Evaluation(Generic[M]):
    """Per line and measure: whether it applies, its base share of value, rate and amount."""

    measures: tuple[M, ...]
    applies: np.ndarray  # (n, m) bool
    base_share: np.ndarray  # (n, m) float
    rate: np.ndarray  # (n, m) float, ad valorem
    amount: np.ndarray  # (n, m) float, NaN where a specific MFN part lacks a quantity
    mfn_specific: np.ndarray  # (n,) US$ of specific MFN duty (NaN if quantity missing)
    mfn_incomplete: np.ndarray  # (n,) bool: specific or unparsed MFN part not computed


def programme_order(rules: Sequence[StackRule], programmes: Sequence[str]) -> list[str]:
    """Programmes sorted so that every winner comes before its losers (ties by name)."""
    edges = tuple((r.id, r.winner, tuple(r.losers)) for r in rules)
    return list(_programme_order(edges, tuple(sorted(set(programmes)))))


@functools.lru_cache(maxsize=256)
def _programme_order(
    edges: tuple[tuple[str, str, tuple[str, ...]], ...], programmes: tuple[str, ...]
) -> tuple[str, ...]:
    """:func:`programme_order` on the rules' (id, winner, losers), memoised (a few regimes)."""
    rules = [_Edge(i, w, ls) for i, w, ls in edges]
    names = sorted(
        set(programmes) | {r.winner for r in rules} | {x for r in rules for x in r.losers}
    )
    preds: dict[str, set[str]] = {n: set() for n in names}
    for r in rules:
        for loser in r.losers:
            preds[loser].add(r.winner)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = [n for n in names if n not in done and preds[n] <= done]
        if not ready:
            stuck = sorted(n for n in names if n not in done)
            culprits = sorted({r.id for r in rules if r.winner in stuck})
            raise MeasureConflictError(
                f"Precedence rules {', '.join(map(repr, culprits))} contradict each other: they "
                f"form a cycle among programmes {stuck}. Remove or re-date one of them."
            )
        order.append(ready[0])
        done.add(ready[0])
    return tuple(order)


def _plan(
    rules: Sequence[StackRule],
) -> tuple[tuple[str, ...], dict[str, tuple[tuple[str, str], ...]]]:
    """The programmes the rules name in precedence order, and who beats each (memoised)."""
    key = id(rules)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is rules:
        return hit[1], hit[2]
    edges = tuple((r.id, r.winner, tuple(r.losers), r.level) for r in rules)
    order = _programme_order(tuple(e[:3] for e in edges), ())
    beaten = _beaten_by(edges)
    if len(_PLANS) > 256:
        _PLANS.clear()
    _PLANS[key] = (rules, order, beaten)
    return order, beaten


_PLANS: dict[int, tuple[object, tuple[str, ...], dict[str, tuple[tuple[str, str], ...]]]] = {}


@functools.lru_cache(maxsize=256)
def _beaten_by(
    edges: tuple[tuple[str, str, tuple[str, ...], str], ...],
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per losing programme, the (winner, level) of each rule over it, in the rules' order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for _, winner, losers, level in edges:
        for loser in losers:
            out.setdefault(loser, []).append((winner, level))
    return {k: tuple(v) for k, v in out.items()}


class _Edge(NamedTuple):
    id: str
    winner: str
    losers: tuple[str, ...]


def _primary_metal_mask() -> np.ndarray:
    """Codes of chapters 72, 73, 74 and 76 (always inside the 2026 metals regime)."""
    return hts_universe().mask(["72", "73", "74", "76"])


def among(
    values: np.ndarray,
    labels: Sequence[str],
    factored: tuple[list[str], np.ndarray] | None = None,
) -> np.ndarray:
    """``np.isin(values, labels)``, decided once per distinct value.

    ``factored`` is :func:`factor` of ``values`` when the caller already has it (the engine
    tests every measure's targets against the same origins); a short list without it is a few
    comparisons.
    """
    if factored is None and len(labels) <= 4:
        out = values == labels[0]
        for label in labels[1:]:
            out = out | (values == label)
        return np.asarray(out, dtype=bool)
    uniq, inverse = factor(values) if factored is None else factored
    wanted = set(labels)
    return np.asarray(np.array([u in wanted for u in uniq], dtype=bool)[inverse])


def factor(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct values of a column and each row's position among them."""
    if len(values) == 1:
        return [str(values[0])], np.zeros(1, dtype=np.intp)
    uniq, inverse = np.unique(values, return_inverse=True)
    return [str(u) for u in uniq.tolist()], inverse.ravel()


def distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row index per distinct row of a boolean ``matrix`` (n, k), and each row's pattern.

    Exact, and cheap on many rows (``np.unique(..., axis=0)`` sorts whole rows, which cost
    seconds on a batch): the rows are packed to 64-bit words, the words mixed into one key per
    row and the keys factored; the rows are then compared with their pattern's first row, and
    only if two patterns shared a key are the words factored one at a time.
    """
    n = len(matrix)
    packed = np.packbits(np.asarray(matrix, dtype=bool), axis=1)
    width = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((n, max(width, 8)), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    words = padded.view(np.uint64)
    key = words[:, 0].copy()
    with np.errstate(over="ignore"):
        for w in words.T[1:]:
            key = key * np.uint64(0x9E3779B97F4A7C15) + w
    _, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.ravel()
    first = _first(inverse, n)
    if not (words == words[first[inverse]]).all():
        inverse = np.zeros(n, dtype=np.int64)
        for w in words.T:
            labels, code = np.unique(w, return_inverse=True)
            _, inverse = np.unique(inverse * len(labels) + code.ravel(), return_inverse=True)
            inverse = inverse.ravel()
        first = _first(inverse, n)
    return first, inverse


def _first(inverse: np.ndarray, n: int) -> np.ndarray:
    """The first row of each pattern numbered by ``inverse``."""
    first = np.full(int(inverse.max()) + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(n))
    return first


def _candidates(
    m: MeasureRecord | Measure,
    lines: Lines,
    code_mask: np.ndarray,
    masks: dict[str, np.ndarray],
    memo: dict[object, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    # country tests depend on a few distinct target lists: computed once per list (``memo``)
    memo = {} if memo is None else memo

    def country(key: object, test: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in memo:
            memo[key] = test()
        found: np.ndarray = memo[key]
        return found

    def origins() -> tuple[list[str], np.ndarray]:
        if "origins" not in memo:
            memo["origins"] = lines.origins or factor(lines.origin)
        found: tuple[list[str], np.ndarray] = memo["origins"]
        return found

    cover = code_mask[lines.code] & country(
        ("importer", m.imposing), lambda: lines.importer == m.imposing
    )
    if "*" not in m.targets:
        targets = tuple(m.targets)
        cover &= country(("origin", targets), lambda: among(lines.origin, targets, origins()))
    if m.exclude_targets:
        excluded = tuple(m.exclude_targets)
        cover &= ~country(("origin", excluded), lambda: among(lines.origin, excluded, origins()))
    if m.condition == "transshipment":
        cover &= lines.transshipped
    elif m.condition is not None:
        cover &= lines.flag(m.condition)
    for ex in m.scope.declared_exclusions:
        key = f"list:{ex.list}"
        if key not in masks:
            masks[key] = hts_universe().mask(list_prefixes(ex.list, f"measure {m.id!r}"))
        cover &= ~(masks[key][lines.code] & lines.flag(ex.declaration))
    if m.metal_threshold is not None:
        if "chapters:primary-metals" not in masks:
            masks["chapters:primary-metals"] = _primary_metal_mask()
        content = lines.metal("steel") + lines.metal("aluminum") + lines.metal("copper")
        below = lines.flag("metal_declared") & (
            np.where(np.isnan(content), 0.0, content) <= m.metal_threshold
        )
        cover &= ~(below & ~masks["chapters:primary-metals"][lines.code])
    share: np.ndarray | None = None
    if m.usmca == "exempt":
        cover &= ~lines.usmca
    elif m.usmca == "non_us_content":
        declared = lines.usmca & ~np.isnan(lines.us_content)
        share = np.where(declared, 1.0 - lines.us_content, 1.0)
    if m.value_basis == "metal_content" and m.metal is not None:
        share = lines.metal(m.metal)
        cover &= share > 0
    elif m.value_basis == "non_us_content":
        share = np.where(np.isnan(lines.us_content), 1.0, 1.0 - lines.us_content)
    return cover, share


def evaluate(
    lines: Lines,
    measures: Sequence[M],
    rules: Sequence[StackRule],
    masks: dict[str, np.ndarray] | None = None,
) -> Evaluation[M]:
    """Stack ``measures`` (all in force on the lines' date) under ``rules`` (module docstring)."""
    ms = tuple(sorted(measures, key=lambda m: m.id))
    n, k = len(lines), len(ms)
    masks = {} if masks is None else masks
    memo: dict[object, Any] = {}
    # column-major: the engine works measure by measure, i.e. on columns
    applies = np.zeros((n, k), dtype=bool, order="F")
    share = np.ones((n, k), order="F")
    rate = np.empty((n, k), order="F")
    rate[:] = np.array([m.rate for m in ms], dtype=float)
    for j, m in enumerate(ms):
        if m.id not in masks:
            # a Measure may come without its mask (a record always brings it)
            scope: Any = m.scope
            masks[m.id] = scope_mask(scope, where=f"measure {m.id!r}")
        applies[:, j], part = _candidates(m, lines, masks[m.id], masks, memo)
        if part is not None:  # None: the whole value
            share[:, j] = part
    cols: dict[str, list[int]] = {}
    for j, m in enumerate(ms):
        cols.setdefault(m.programme, []).append(j)
    final: dict[str, np.ndarray] = {}
    cut: dict[str, np.ndarray] = {}
    ranked: tuple[str, ...]
    beaten_by: dict[str, tuple[tuple[str, str], ...]]
    ranked, beaten_by = _plan(rules)
    # programmes without a measure here block nothing and cut nothing: they are skipped; those
    # no rule names neither block nor are blocked, so they may come in any order (here last)
    for prog in [*ranked, *sorted(set(cols) - set(ranked))]:
        idx = cols.get(prog)
        if not idx:
            continue
        # only programmes that apply somewhere block or cut (a cut of zero changes no share)
        blocked: np.ndarray | None = None
        removed: np.ndarray | None = None
        for winner, level in beaten_by.get(prog, ()):
            if level == "article" and winner in final:
                blocked = final[winner] if blocked is None else blocked | final[winner]
            elif level != "article" and winner in cut:
                removed = cut[winner] if removed is None else removed + cut[winner]
        if blocked is not None:
            applies[:, idx] &= ~blocked[:, None]
        if removed is not None:
            for j in idx:
                if ms[j].value_basis == "full_value":
                    share[:, j] = np.clip(share[:, j] - removed, 0.0, None)
        final[prog] = (
            applies[:, idx[0]].copy() if len(idx) == 1 else np.logical_or.reduce(applies[:, idx], 1)
        )
        metal = [j for j in idx if ms[j].value_basis == "metal_content"]
        if metal:
            total = np.zeros(n)
            for j in metal:  # summed in measure order, one column at a time
                total = total + share[:, j] * applies[:, j]
            cut[prog] = total
    universe = hts_universe()
    free = universe.columns["usmca_free"][lines.code] & lines.usmca
    mfn_spec = np.zeros(n)
    incomplete = np.zeros(n, dtype=bool)
    # the MFN rate a floor completes: column 1, or column 2 where a column-2 measure applies
    mfn_rate = np.where(free, 0.0, universe.columns["mfn_ad_valorem"][lines.code])
    for j in cols.get(MFN, []):
        column = "col2" if ms[j].rate_column == "column_2" else "mfn"
        adval = universe.columns[f"{column}_ad_valorem"][lines.code]
        specific = universe.columns[f"{column}_specific"][lines.code]
        other = universe.columns[f"{column}_kind"][lines.code] == "other"
        rate[:, j] = np.where(free, 0.0, adval)
        needs = applies[:, j] & ~free & (specific > 0)
        # at most one MFN measure applies to a line: the others add zero
        mfn_spec = mfn_spec + np.where(needs, specific * lines.quantity, 0.0)
        incomplete |= (needs & np.isnan(lines.quantity)) | (applies[:, j] & ~free & other)
        if column == "col2":
            mfn_rate = np.where(applies[:, j], rate[:, j], mfn_rate)
    floors = [j for j, m in enumerate(ms) if m.floor]
    if floors:
        for j in floors:
            rate[:, j] = np.clip(ms[j].rate - mfn_rate, 0.0, None)
    amount = rate * share * applies * lines.value[:, None]
    return Evaluation(ms, applies, share, rate, amount, mfn_spec, incomplete)
