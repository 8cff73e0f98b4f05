"""The duty of one shipment line in plain Python: a compact snapshot and a scalar engine.

A single line (``tradewinds duty``, ``POST /duty``, :func:`tradewinds.measures.calculate`) is a
few dozen comparisons; numpy on arrays of length one, pydantic models and the YAML registry cost
far more than that. This module keeps, for the packaged registry, a *snapshot* of what one line
needs, built from the registry, the HTS table and the scope masks and kept in the user cache
(:mod:`tradewinds.core.cache`, keyed by their sources and the code that builds it):

- per measure a :class:`MeasureRecord` (the fields the stacking reads, as plain values);
- per regime segment (the dates between two consecutive start or end dates of any measure or
  rule) the measures in force, the precedence rules and the programme order;
- per HTS code its MFN fields and a bit set of the measures whose scope covers it.

:func:`check_line` is a fast check of the inputs that is *at least as strict* as the columnar
validator :func:`tradewinds.measures.lines.prepare`: when it accepts, ``prepare`` accepts and
gives the same normalised values; when anything is unusual it returns ``None`` and the caller
runs ``prepare``, which raises the one canonical error. :func:`evaluate_line` applies exactly the
stacking rules of :func:`tradewinds.measures.stacking.evaluate` (see its module docstring) to the
line. Nothing here imports numpy, pydantic or YAML on a warm call.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import functools
import math
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from tradewinds.core.countries import ISO3_CODES
from tradewinds.measures.fields import DECLARATIONS, METALS, MFN, START_DATE
from tradewinds.measures.mfn import normalise_unit

if TYPE_CHECKING:
    from tradewinds.measures.registry import Registry
    from tradewinds.measures.schema import Measure


class MeasureRecord(NamedTuple):
    """The fields of a :class:`~tradewinds.measures.schema.Measure` the duty of a line reads."""

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
    approximate: bool
    imposing: str
    #: Target countries; ``None`` for every country (``*``).
    targets: frozenset[str] | None
    exclude_targets: frozenset[str]
    #: (bit of the product list, declaration) per declared exclusion of the scope.
    declared_exclusions: tuple[tuple[int, str], ...]
    #: This measure's bit in :attr:`HtsRow.cover`.
    bit: int


class Rule(NamedTuple):
    """A precedence rule: ``winner`` over ``losers`` at ``level`` (article or content)."""

    winner: str
    losers: tuple[str, ...]
    level: str
    id: str


class Regime(NamedTuple):
    """What is in force on the dates of one regime segment."""

    #: Positions in :attr:`Snapshot.measures`, ascending (so sorted by id).
    measures: tuple[int, ...]
    rules: tuple[Rule, ...]
    #: Programmes in precedence order; ``None`` if the rules form a cycle (the columnar path
    #: then raises :class:`~tradewinds.core.errors.MeasureConflictError`).
    order: tuple[str, ...] | None
    #: Per metal, the bits of the in-force measures of that metal (``lines._coverage``).
    metal_bits: tuple[int, int, int]


class HtsRow(NamedTuple):
    """One HTS code: the measures whose scope covers it (bit set) and its MFN rate fields."""

    cover: int
    mfn_ad_valorem: float
    mfn_specific: float
    mfn_kind: str
    mfn_unit: str
    mfn_text: str
    usmca_free: bool


class Snapshot(NamedTuple):
    """What a single line needs of the packaged registry and HTS table (module docstring)."""

    measures: tuple[MeasureRecord, ...]
    bounds: tuple[dt.date, ...]
    regimes: tuple[Regime, ...]
    rows: tuple[HtsRow, ...]
    #: The sorted HTS codes (8 or 10 digits), each padded with blanks to 10 characters and
    #: concatenated: one string loads far faster than a dict of 23,000 codes.
    codes: str
    #: Per code (same order), its position in ``rows`` (identical rows are shared).
    code_rows: array.array[int]
    importers: frozenset[str]
    coverage_date: dt.date
    open_questions: tuple[str, ...]
    #: Bit of chapters 72, 73, 74 and 76 (always inside the 2026 metals regime).
    primary_bit: int
    #: The product lists of declared exclusions; list ``k`` has bit ``len(measures) + k``.
    lists: tuple[str, ...]


class Line(NamedTuple):
    """One checked line, normalised as :func:`~tradewinds.measures.lines.prepare` would."""

    code: str
    row: HtsRow
    origin: str
    importer: str
    date: dt.date
    value: float
    usmca: bool
    us_content: float  # NaN when not declared
    steel: float
    aluminum: float
    copper: float
    metal_declared: bool
    quantity: float  # in the MFN rate's unit, NaN when unknown
    transshipped: bool
    #: The declarations (``DECLARATIONS``) and ``metal_declared``.
    declared: dict[str, bool]
    #: Metals whose undeclared share defaulted to the full value.
    filled: tuple[str, ...]
    regime: Regime


class LineEvaluation(NamedTuple):
    """Per measure in force: whether it applies, base share of value, rate and amount."""

    measures: tuple[MeasureRecord, ...]
    applies: list[bool]
    share: list[float]
    rate: list[float]
    amount: list[float]
    mfn_specific: float


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
        text += f", floor: MFN + duty = {m.rate:.0%}"
    return f"{text}; {m.regime}" if m.regime else text


def measure_record(m: Measure, bit: int, list_bits: dict[str, int]) -> MeasureRecord:
    """The plain record of measure ``m`` (``list_bits``: bit of each declared-exclusion list)."""
    return MeasureRecord(
        id=m.id,
        authority=m.authority,
        heading=m.heading,
        programme=m.programme,
        title=m.title,
        legal_basis=m.legal_basis,
        basis=basis_text(m),
        rate=float(m.rate),
        value_basis=m.value_basis,
        metal=m.metal,
        usmca=m.usmca,
        condition=m.condition,
        floor=m.floor,
        metal_threshold=m.metal_threshold,
        regime=m.regime,
        approximate=m.scope.approximate,
        imposing=m.imposing,
        targets=None if "*" in m.targets else frozenset(m.targets),
        exclude_targets=frozenset(m.exclude_targets),
        declared_exclusions=tuple(
            (list_bits.get(ex.list, -1), ex.declaration) for ex in m.scope.declared_exclusions
        ),
        bit=bit,
    )


# --- the snapshot ------------------------------------------------------------------------------


def _sources() -> list[Path]:
    """The packaged files the snapshot is built from (registry, precedence, HTS, lists)."""
    base = resources.files("tradewinds.measures")
    registry = sorted(
        Path(str(p)) for p in base.joinpath("data/registry").iterdir() if str(p).endswith(".yaml")
    )
    data = [base.joinpath(f"data/{name}") for name in ("precedence.yaml",)]
    derived = [base.joinpath(f"data/derived/{n}") for n in ("hts.csv.gz", "product_lists.csv")]
    return [*registry, *(Path(str(p)) for p in (*data, *derived))]


@functools.cache
def snapshot() -> Snapshot:
    """The snapshot of the packaged registry, from the user cache (built on first use)."""
    from tradewinds.core.cache import cached

    return cached(
        "duty-line",
        _sources(),
        build_snapshot,
        code=[
            __name__,
            "tradewinds.measures.registry",
            "tradewinds.measures.schema",
            "tradewinds.measures.products",
            "tradewinds.measures.stacking",
            "tradewinds.measures.lines",
            "tradewinds.measures.fields",
            "tradewinds.core.inputs",
        ],
    )


def build_snapshot(registry: Registry | None = None) -> Snapshot:
    """Build the snapshot of ``registry`` (the packaged one by default) from its scope masks."""
    import numpy as np

    from tradewinds.core.errors import MeasureConflictError
    from tradewinds.measures.products import hts_universe, list_prefixes
    from tradewinds.measures.registry import load_registry, scope_masks
    from tradewinds.measures.stacking import _primary_metal_mask, programme_order

    registry = registry or load_registry()
    universe = hts_universe()
    masks = scope_masks(registry)
    lists = sorted({ex.list for m in registry.measures for ex in m.scope.declared_exclusions})
    n = len(registry.measures)
    list_bits = {name: n + k for k, name in enumerate(lists)}
    primary_bit = n + len(lists)
    records = tuple(measure_record(m, i, list_bits) for i, m in enumerate(registry.measures))
    bit_masks = [masks[m.id] for m in registry.measures]
    bit_masks += [universe.mask(list_prefixes(name)) for name in lists]
    bit_masks.append(_primary_metal_mask())
    cover = [0] * len(universe.codes)
    for bit, mask in enumerate(bit_masks):
        for i in np.flatnonzero(mask).tolist():
            cover[i] |= 1 << bit
    cols = universe.columns
    rows: dict[HtsRow, int] = {}
    code_rows = array.array("H")
    codes = universe.codes.tolist()
    if any(len(c) > _WIDTH or not c.isdigit() for c in codes) or codes != sorted(codes):
        raise ValueError("HTS codes must be sorted strings of at most 10 digits")
    for i in range(len(codes)):
        row = HtsRow(
            cover[i],
            float(cols["mfn_ad_valorem"][i]),
            float(cols["mfn_specific"][i]),
            str(cols["mfn_kind"][i]),
            str(cols["mfn_unit"][i]),
            str(cols["mfn_text"][i]),
            bool(cols["usmca_free"][i]),
        )
        code_rows.append(rows.setdefault(row, len(rows)))
    bounds = tuple(registry.boundaries())
    regimes = []
    for s in range(len(bounds) + 1):
        day = bounds[s - 1] if s else (bounds[0] - dt.timedelta(days=1) if bounds else START_DATE)
        in_force = [i for i, m in enumerate(registry.measures) if m.in_force(day)]
        rules = registry.rules_on(day)
        order: tuple[str, ...] | None
        try:
            progs = [registry.measures[i].programme for i in in_force]
            order = tuple(programme_order(rules, progs))
        except MeasureConflictError:
            order = None
        metal_bits = tuple(
            sum(1 << i for i in in_force if registry.measures[i].metal == metal) for metal in METALS
        )
        regimes.append(
            Regime(
                tuple(in_force),
                tuple(Rule(r.winner, tuple(r.losers), r.level, r.id) for r in rules),
                order,
                (metal_bits[0], metal_bits[1], metal_bits[2]),
            )
        )
    return Snapshot(
        measures=records,
        bounds=bounds,
        regimes=tuple(regimes),
        rows=tuple(rows),
        codes="".join(c.ljust(_WIDTH) for c in codes),
        code_rows=code_rows,
        importers=frozenset({m.imposing for m in registry.measures} | {"USA"}),
        coverage_date=registry.coverage_date,
        open_questions=tuple(registry.open_questions),
        primary_bit=primary_bit,
        lists=tuple(lists),
    )


_WIDTH = 10


class _Codes:
    """The codes of a snapshot as a sequence (for :func:`bisect.bisect_left`)."""

    def __init__(self, blob: str) -> None:
        self.blob = blob

    def __len__(self) -> int:
        return len(self.blob) // _WIDTH

    def __getitem__(self, i: int) -> str:
        return self.blob[i * _WIDTH : (i + 1) * _WIDTH]


def find_row(snap: Snapshot, code: str) -> HtsRow | None:
    """The row of HTS ``code`` (8 or 10 digits), or None if the HTS has no such code."""
    key = code.ljust(_WIDTH)
    seq = _Codes(snap.codes)
    i = bisect.bisect_left(seq, key)
    if i == len(seq) or seq[i] != key:
        return None
    return snap.rows[snap.code_rows[i]]


# --- the fast check ----------------------------------------------------------------------------

_HTS_SEPARATORS = re.compile(r"[.\s]")
_ASCII_HTS = re.compile(r"[0-9]{8}|[0-9]{10}")
_ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _number(value: object, low: float, high: float, low_open: bool) -> float | None:
    """``value`` as a float if it is a plain finite number in range, else None."""
    if type(value) is not float and type(value) is not int:
        return None
    try:
        x = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    if not math.isfinite(x) or x > high or (x <= low if low_open else x < low):
        return None
    return x


def _share(value: object) -> float | None:
    """A declared share: NaN when absent, the share when a plain number in [0, 1], else None."""
    if value is None:
        return math.nan
    return _number(value, 0.0, 1.0, False)


def check_line(
    snap: Snapshot,
    hts: object,
    origin: object,
    date: object,
    value: object,
    *,
    importer: object = "USA",
    usmca: object = False,
    us_content: object = None,
    metal_content: dict[str, object] | None = None,
    quantity: object = None,
    unit: object = None,
    transshipped: object = False,
    declared: dict[str, object] | None = None,
) -> Line | None:
    """The normalised line, or None when anything is unusual (then ``prepare`` decides).

    Accepts only plain values (``str``, ``bool``, ``int``/``float``) that ``prepare`` accepts
    in strict mode, and normalises them the same way (module docstring). Issues no warning:
    the caller checks the coverage date once the line is accepted.
    """
    if not (isinstance(hts, str) and isinstance(origin, str) and isinstance(importer, str)):
        return None
    code = _HTS_SEPARATORS.sub("", hts)
    if not _ASCII_HTS.fullmatch(code):
        return None
    row = find_row(snap, code)
    if row is None:
        return None
    origin_code = origin.strip().upper()
    importer_code = importer.strip().upper()
    if origin_code not in ISO3_CODES or importer_code not in snap.importers:
        return None
    text = str(date).strip()
    if not _ASCII_DATE.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    if day < START_DATE:
        return None
    regime = snap.regimes[bisect.bisect_right(snap.bounds, day)]
    if regime.order is None:
        return None
    amount = _number(value, 0.0, math.inf, True)
    us = _share(us_content)
    given = metal_content or {}
    if amount is None or us is None or any(k not in METALS for k in given):
        return None
    shares: list[float] = []
    for metal in METALS:
        x = _share(given.get(metal))
        if x is None:
            return None
        shares.append(x)
    flags = {"usmca": usmca, "transshipped": transshipped, **(declared or {})}
    if any(type(v) is not bool for v in flags.values()) or set(flags) - {
        "usmca",
        "transshipped",
        *DECLARATIONS,
    }:
        return None
    if unit is not None and not isinstance(unit, str):
        return None
    canonical = normalise_unit(unit) if unit else None
    if unit and canonical is None:
        return None
    qty = math.nan
    if quantity is not None:
        q = _number(quantity, 0.0, math.inf, False)
        if q is None or canonical is None:
            return None
        if row.mfn_unit == canonical:
            qty = q
        elif row.mfn_unit != "":
            return None  # a unit that does not match the rate's: prepare explains it
    # undeclared metal shares default to the full value where one metal programme covers the
    # article (lines._metal_defaults, strict: several programmes and nothing declared is refused)
    declared_metal = [not math.isnan(x) for x in shares]
    metal_declared = any(declared_metal)
    covered = [row.cover & bits != 0 for bits in regime.metal_bits]
    n_cover = sum(covered)
    if not metal_declared and n_cover > 1:
        return None
    values: list[float] = []
    filled: list[str] = []
    for k, metal in enumerate(METALS):
        fill = not metal_declared and covered[k]
        if declared_metal[k]:
            values.append(shares[k])
        else:
            values.append(1.0 / max(n_cover, 1) if fill else 0.0)
        if fill:
            filled.append(metal)
    if values[0] + values[1] + values[2] > 1 + 1e-9:
        return None
    marks = {name: bool(flags.get(name, False)) for name in DECLARATIONS}
    marks["metal_declared"] = metal_declared
    return Line(
        code=code,
        row=row,
        origin=origin_code,
        importer=importer_code,
        date=day,
        value=amount,
        usmca=bool(usmca),
        us_content=us,
        steel=values[0],
        aluminum=values[1],
        copper=values[2],
        metal_declared=metal_declared,
        quantity=qty,
        transshipped=bool(transshipped),
        declared=marks,
        filled=tuple(filled),
        regime=regime,
    )


# --- the scalar engine -------------------------------------------------------------------------


def _candidate(m: MeasureRecord, line: Line, cover: int, primary: bool) -> tuple[bool, float]:
    """Whether ``m`` covers ``line`` before precedence, and the share of value it is due on."""
    ok = bool(cover >> m.bit & 1) and line.importer == m.imposing
    if ok and m.targets is not None:
        ok = line.origin in m.targets
    if ok and m.exclude_targets:
        ok = line.origin not in m.exclude_targets
    if m.condition == "transshipment":
        ok = ok and line.transshipped
    elif m.condition is not None:
        ok = ok and line.declared.get(m.condition, False)
    for bit, declaration in m.declared_exclusions:
        if cover >> bit & 1 and line.declared.get(declaration, False):
            ok = False
    if m.metal_threshold is not None:
        content = line.steel + line.aluminum + line.copper
        if line.metal_declared and content <= m.metal_threshold and not primary:
            ok = False
    share = 1.0
    us = line.us_content
    if m.usmca == "exempt":
        ok = ok and not line.usmca
    elif m.usmca == "non_us_content":
        share = 1.0 - us if line.usmca and not math.isnan(us) else 1.0
    if m.value_basis == "metal_content" and m.metal is not None:
        share = float(getattr(line, m.metal))
        ok = ok and share > 0
    elif m.value_basis == "non_us_content":
        share = 1.0 if math.isnan(us) else 1.0 - us
    return ok, share


def evaluate_line(snap: Snapshot, line: Line) -> LineEvaluation:
    """Stack the measures in force on the line's date (``stacking.evaluate`` for one line)."""
    regime = line.regime
    ms = tuple(snap.measures[i] for i in regime.measures)
    cover = line.row.cover
    primary = bool(cover >> snap.primary_bit & 1)
    applies: list[bool] = []
    share: list[float] = []
    rate: list[float] = []
    cols: dict[str, list[int]] = {}
    for j, m in enumerate(ms):
        ok, part = _candidate(m, line, cover, primary)
        applies.append(ok)
        share.append(part)
        rate.append(m.rate)
        cols.setdefault(m.programme, []).append(j)
    final: dict[str, bool] = {}
    cut: dict[str, float] = {}
    for prog in regime.order or ():
        idx = cols.get(prog, [])
        blocked = False
        removed = 0.0
        for r in regime.rules:
            if prog not in r.losers or r.winner not in final:
                continue
            if r.level == "article":
                blocked = blocked or final[r.winner]
            else:
                removed += cut[r.winner]
        for j in idx:
            applies[j] = applies[j] and not blocked
            if ms[j].value_basis == "full_value":
                rest = share[j] - removed
                share[j] = rest if rest > 0.0 else 0.0
        final[prog] = any(applies[j] for j in idx)
        cut[prog] = sum(
            (share[j] * applies[j] for j in idx if ms[j].value_basis == "metal_content"), 0.0
        )
    row = line.row
    free = row.usmca_free and line.usmca
    mfn_rate = 0.0 if free else row.mfn_ad_valorem
    mfn_specific = 0.0
    for j in cols.get(MFN, []):
        rate[j] = mfn_rate
        needs = applies[j] and not free and row.mfn_specific > 0
        mfn_specific = row.mfn_specific * line.quantity if needs else 0.0
    for j, m in enumerate(ms):
        if m.floor:
            rest = m.rate - mfn_rate
            rate[j] = rest if rest > 0.0 else 0.0
    amount = [rate[j] * share[j] * applies[j] * line.value for j in range(len(ms))]
    return LineEvaluation(ms, applies, share, rate, amount, mfn_specific)


def covers(snap: Snapshot, m: MeasureRecord, code: str) -> bool:
    """Whether the scope of ``m`` covers HTS ``code`` (a code of the snapshot)."""
    row = find_row(snap, code)
    return row is not None and bool(row.cover >> m.bit & 1)
