"""The duty calculator: stacked duties for one shipment or a table of shipment lines.

One path serves one line and a million: the lines are validated as columns
(:func:`tradewinds.measures.lines.prepare`), grouped by *regime segment* (the dates between two
consecutive start or end dates of any measure or rule) and evaluated by the one vectorised
engine, :func:`tradewinds.measures.stacking.evaluate`, on the registry compiled for it
(:mod:`tradewinds.measures.compiled`). A single shipment is a table of one line. Each chunk is
evaluated only on the measures whose scope covers one of its lines (a measure that covers no
line changes no amount), which keeps one line cheap without a second engine.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewinds.measures.fields import (
    BATCH_COLUMNS,
    DECLARATIONS,
    METALS,
    MFN,
    dotted,
    line_columns,
)

if TYPE_CHECKING:
    from tradewinds.measures.compiled import Compiled, MeasureRecord
    from tradewinds.measures.lines import PreparedLines
    from tradewinds.measures.registry import Registry
    from tradewinds.measures.shipment import Shipment
    from tradewinds.measures.stacking import Evaluation, Lines

__all__ = [
    "BATCH_COLUMNS",
    "DECLARATIONS",
    "METALS",
    "DutyResult",
    "Layer",
    "calculate",
    "evaluate_frame",
    "formula",
    "prepare_lines",
]


@dataclass(frozen=True)
class Layer:
    """One duty layer of a shipment.

    ``amount`` and ``base_value`` are rounded to cents for display; ``exact`` is the unrounded
    amount the totals and rates are computed from. ``formula`` says how the rate was set:
    ``additional`` (the measure's rate on its base), ``MFN`` or, for an all-in floor,
    ``all-in floor 15% incl. MFN 2.5%`` (the additional rate is the floor less the MFN rate).
    """

    measure_id: str
    authority: str
    heading: str | None
    rate: float | str
    base_value: float | None
    amount: float | None
    title: str = ""
    legal_basis: str = ""
    basis: str = ""
    formula: str = "additional"
    exact: float = field(default=0.0, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields of a layer (:data:`LAYER_KEYS`)."""
        return {name: getattr(self, name) for name in LAYER_KEYS}


#: The fields of a :class:`Layer` in its JSON object (the rest are for the table and totals).
LAYER_KEYS = ("measure_id", "authority", "heading", "rate", "base_value", "amount", "formula")


@dataclass(frozen=True)
class DutyResult:
    """Stacked duty of one shipment, layer by layer."""

    hts: str
    origin: str
    date: dt.date
    customs_value: float
    layers: tuple[Layer, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def mfn_duty(self) -> float:
        """MFN duty (ad valorem and any computed specific part), unrounded."""
        return _sum(x.exact for x in self.layers if x.authority == "mfn")

    @property
    def additional_duty(self) -> float:
        """All layers but MFN, unrounded."""
        return _sum(x.exact for x in self.layers if x.authority != "mfn")

    @property
    def total_duty(self) -> float:
        """MFN plus additional duty, unrounded."""
        return self.mfn_duty + self.additional_duty

    def to_dict(self) -> dict[str, Any]:
        """The JSON object the CLI prints with ``--format json`` (rates from unrounded sums)."""
        value = self.customs_value
        return {
            "hts": self.hts,
            "origin": self.origin,
            "date": self.date.isoformat(),
            "customs_value": value,
            "layers": [x.to_dict() for x in self.layers],
            "mfn_duty": round(self.mfn_duty, 2),
            "additional_duty": round(self.additional_duty, 2),
            "total_duty": round(self.total_duty, 2),
            "additional_rate": round(self.additional_duty / value, 6),
            "effective_rate": round(self.total_duty / value, 6),
        }


def _sum(values: Any) -> float:
    total = 0.0
    for v in values:
        total += v
    return total


def formula(m: MeasureRecord, mfn_rate: float | None = None) -> str:
    """How a layer's rate was set: ``MFN``, ``column 2``, ``additional`` or an all-in floor.

    ``mfn_rate`` (the line's ad valorem MFN rate) is named in a floor's formula when given.
    """
    if m.programme == MFN:
        return "column 2" if m.rate_column == "column_2" else "MFN"
    if m.floor:
        mfn = "MFN" if mfn_rate is None else f"MFN {100 * mfn_rate:.4g}%"
        return f"all-in floor {100 * m.rate:.4g}% incl. {mfn}"
    return "additional"


def prepare_lines(
    lines: Any, registry: Compiled, *, strict: bool = False, where: str = "the input"
) -> PreparedLines:
    """Validate and normalise a table of lines (see :func:`tradewinds.measures.lines.prepare`)."""
    from tradewinds.measures.lines import prepare

    return prepare(lines, registry, strict=strict, where=where)


def _lines(prepared: PreparedLines, part: np.ndarray | None) -> Lines:
    """The engine's view of the lines at positions ``part`` (``None``: all of them, uncopied)."""
    from tradewinds.measures.stacking import Lines

    cols, codes = prepared.columns, prepared.codes
    origins = prepared.factors.get("origin")
    if origins is not None and part is not None:
        origins = (origins[0], origins[1][part])

    def take(name: str) -> np.ndarray:
        return cols[name] if part is None else np.asarray(cols[name][part])

    return Lines(
        code=codes if part is None else codes[part],
        origin=take("origin"),
        importer=take("importer"),
        value=take("value"),
        usmca=take("usmca"),
        us_content=take("us_content"),
        steel=take("steel"),
        aluminum=take("aluminum"),
        copper=take("copper"),
        transshipped=take("transshipped"),
        quantity=take("quantity"),
        declared={name: take(name) for name in (*DECLARATIONS, "metal_declared")},
        origins=origins,
    )


def evaluate_frame(
    prepared: PreparedLines, registry: Compiled, chunk: int = 50_000
) -> Iterator[tuple[np.ndarray, Evaluation[MeasureRecord]]]:
    """Evaluate prepared lines segment by segment, in chunks of at most ``chunk`` lines.

    Yields (line positions, evaluation) pairs; a chunk's (lines x measures) matrices are freed
    before the next is built, which bounds the memory of a large batch. A chunk is evaluated on
    the in-force measures whose scope covers one of its codes and whose importer is one of its
    importers: the others apply to none of its lines and change no amount.
    """
    from tradewinds.core.errors import MeasureConflictError
    from tradewinds.measures.stacking import evaluate

    cols, codes = prepared.columns, prepared.codes
    if len(codes) == 0:
        return
    masks = _masks(registry)
    seg = registry.regime_index(cols["date"])
    one = len(codes) == 1
    for s in [int(seg[0])] if one else np.unique(seg).tolist():
        regime = registry.regimes[s]
        if regime.conflict is not None:
            raise MeasureConflictError(regime.conflict)
        rows = np.arange(1) if one else np.flatnonzero(seg == s)
        for part in _chunks(prepared, rows, chunk):
            importers: tuple[str, ...]
            origins: tuple[str, ...]
            if one:
                importers, origins = (str(cols["importer"][0]),), (str(cols["origin"][0]),)
            else:
                importers, origins = (_present(prepared, name, part) for name in _COUNTRIES)
            candidates, bits = _candidates(registry, s, importers, origins)
            here = codes[part] if one else np.unique(codes[part])
            covered = registry.bits[here[:, None], bits].any(axis=0).tolist()
            measures = [m for m, c in zip(candidates, covered, strict=True) if c]
            # every line, in order: no copies
            whole = len(part) == len(codes) and bool((np.diff(part) > 0).all())
            lines = _lines(prepared, None if whole else part)
            yield part, evaluate(lines, measures, regime.rules, masks)


_COUNTRIES = ("importer", "origin")
#: Origins evaluated together. Each origin brings its own country measures (a reciprocal rate,
#: a framework floor) into the (lines x measures) matrices of its chunk: a chunk of every
#: partner would carry hundreds of measure columns that apply to few of its lines.
ORIGINS_PER_CHUNK = 32


def _chunks(prepared: PreparedLines, rows: np.ndarray, chunk: int) -> Iterator[np.ndarray]:
    """``rows`` in parts of at most ``chunk`` lines and :data:`ORIGINS_PER_CHUNK` origins.

    Rows from more origins than that are grouped by origin first (a line's answer does not
    depend on the lines beside it, so the order of evaluation changes nothing).
    """
    found = prepared.factors.get("origin")
    if found is not None:
        inverse = found[1][rows]
    else:
        inverse = np.unique(prepared.columns["origin"][rows], return_inverse=True)[1]
    if len(np.unique(inverse)) > ORIGINS_PER_CHUNK:
        order = np.argsort(inverse, kind="stable")
        rows, inverse = rows[order], inverse[order]
        firsts = np.flatnonzero(np.r_[True, inverse[1:] != inverse[:-1]])
        bounds = [*firsts[::ORIGINS_PER_CHUNK].tolist(), len(rows)]
    else:
        bounds = [0, len(rows)]
    for a, b in itertools.pairwise(bounds):
        for start in range(a, b, chunk):
            yield rows[start : min(start + chunk, b)]


def _present(prepared: PreparedLines, name: str, part: np.ndarray) -> tuple[str, ...]:
    """The distinct values of country column ``name`` on lines ``part``, sorted."""
    found = prepared.factors.get(name)
    if found is None:
        return tuple(np.unique(prepared.columns[name][part]).tolist())
    labels, inverse = found
    return tuple(sorted({labels[k] for k in np.unique(inverse[part]).tolist()}))


def _candidates(
    registry: Compiled, segment: int, importers: tuple[str, ...], origins: tuple[str, ...]
) -> tuple[tuple[MeasureRecord, ...], np.ndarray]:
    """The measures in force in ``segment`` that ``importers`` impose on one of ``origins``.

    With their mask columns; memoised, since one line asks for the same few (segment,
    importer, origin) again and again. Measures that target none of the lines' origins apply
    to none of them (a country's own records number in the hundreds).
    """
    key = (id(registry), segment, importers, origins)
    hit = _CANDIDATES.get(key)
    if hit is not None and hit[0] is registry:
        return hit[1], hit[2]
    aimed = set(origins)
    ms = tuple(
        m
        for m in (registry.measures[i] for i in registry.regimes[segment].measures)
        if m.imposing in importers and ("*" in m.targets or not aimed.isdisjoint(m.targets))
    )
    bits = np.array([m.bit for m in ms], dtype=np.intp)
    if len(_CANDIDATES) > 4096:
        _CANDIDATES.clear()
    _CANDIDATES[key] = (registry, ms, bits)
    return ms, bits


_CANDIDATES: dict[
    tuple[int, int, tuple[str, ...], tuple[str, ...]],
    tuple[Compiled, tuple[MeasureRecord, ...], np.ndarray],
] = {}


def _masks(registry: Compiled) -> dict[str, np.ndarray]:
    owner, masks = _MASKS.get(0, (None, {}))
    if owner is not registry:
        masks = registry.masks()
        _MASKS[0] = (registry, masks)
    return masks


_MASKS: dict[int, tuple[Compiled, dict[str, np.ndarray]]] = {}


def calculate(
    hts: str | Shipment,
    origin: str | None = None,
    date: dt.date | str | None = None,
    value: float | None = None,
    *,
    registry: Registry | None = None,
    **options: Any,
) -> DutyResult:
    """Stacked duty of one shipment; every layer cites its measure, legal basis and heading.

    Give a :class:`~tradewinds.measures.shipment.Shipment`, or its fields (``hts``, ``origin``,
    ``date``, ``value`` and any option of ``tradewinds duty`` as keywords). The line goes
    through the same validator and engine as a batch (a table of one line): the values are
    checked there, by the rules the record reads too (:mod:`tradewinds.measures.fields`), so
    fields need no record first, and one line imports no pydantic.
    """
    from tradewinds.measures.compiled import compiled

    if isinstance(hts, str) or not hasattr(hts, "columns"):
        fields = {"hts": hts, "origin": origin, "date": date, "value": value, **options}
        if isinstance(date, dt.date):
            fields["date"] = date.isoformat()
        row = line_columns(fields)
    else:  # a Shipment (validated when it was built)
        if origin is not None or date is not None or value is not None or options:
            raise TypeError("give a Shipment alone, or its fields")
        row = hts.columns()
    snap = compiled(registry)
    prepared = prepare_lines(
        {k: np.array([v], dtype=object) for k, v in row.items()},
        snap,
        strict=True,
        where="the shipment",
    )
    ((_, ev),) = evaluate_frame(prepared, snap)
    return _result(ev, prepared)


def _result(ev: Evaluation[MeasureRecord], prepared: PreparedLines) -> DutyResult:
    """The result of line 0: its layers and notes."""
    from tradewinds.measures.products import hts_universe

    cols = prepared.columns
    index = int(prepared.codes[0])
    table = hts_universe().columns
    value = float(cols["value"][0])
    claim = bool(cols["usmca"][0])
    mfn_free = claim and bool(table["usmca_free"][index])
    ms = ev.measures
    # the MFN measure that applies (column 1, or column 2 for general note 3(b) countries)
    mfn_cols = [j for j, m in enumerate(ms) if m.programme == MFN]
    mfn_col = next((j for j in mfn_cols if ev.applies[0, j]), mfn_cols[0] if mfn_cols else None)
    column = "mfn"
    if mfn_col is not None and ms[mfn_col].rate_column == "column_2":
        column = "col2"
    mfn_rate = 0.0 if mfn_free else float(table[f"{column}_ad_valorem"][index])
    order = sorted(range(len(ms)), key=lambda j: (ms[j].programme != MFN, ms[j].id))
    layers: list[Layer] = []
    for j in order:
        m = ms[j]
        share = float(ev.base_share[0, j])
        if ev.applies[0, j] and (share > 0 or m.programme == MFN):
            amount = float(ev.amount[0, j])
            layers.append(
                Layer(
                    m.id,
                    m.authority,
                    m.heading,
                    round(float(ev.rate[0, j]), 6),
                    round(value * share, 2),
                    round(amount, 2),
                    m.title,
                    m.legal_basis,
                    m.basis,
                    formula(m, mfn_rate),
                    amount,
                )
            )
    applied = {x.measure_id for x in layers}
    notes = [
        f"{metal} content not declared: the Section 232 {metal} duty is assessed on the full "
        f"value (declare it with --metal-content {metal}=SHARE)."
        for metal in prepared.notes
        if any(m.metal == metal and m.id in applied for m in ms)
    ]
    mfn = None if mfn_col is None else ms[mfn_col]
    mfn_due = mfn_col is not None and bool(ev.applies[0, mfn_col]) and not mfn_free
    kind, text, unit = (str(table[f"{column}_{c}"][index]) for c in ("kind", "text", "unit"))
    if mfn is not None and mfn_due and kind in ("specific", "compound"):
        qty = float(cols["quantity"][0])
        spec = float(ev.mfn_specific[0])
        shown = None if math.isnan(qty) else round(spec, 2)
        layers.append(
            Layer(
                mfn.id,
                "mfn",
                None,
                f"{float(table[f'{column}_specific'][index]):g} US$/{unit}",
                None if shown is None else qty,
                shown,
                mfn.title,
                mfn.legal_basis,
                formula=f"MFN specific {text}",
                exact=0.0 if shown is None else spec,
            )
        )
        if shown is None:
            notes.append(
                f"MFN rate {text!r} has a specific part: give --quantity and --unit "
                f"{unit} to compute it; the totals exclude it."
            )
    elif mfn_due and kind == "other":
        notes.append(f"MFN rate {text!r} is not computed automatically; totals exclude it.")
    notes += _line_notes(
        ev, prepared, layers, applied, mfn is not None and kind != "free" and mfn_free
    )
    return DutyResult(
        hts=dotted(str(cols["hts"][0])),
        origin=str(cols["origin"][0]),
        date=cols["date"][0].astype(dt.date),
        customs_value=value,
        layers=tuple(layers),
        notes=tuple(notes),
    )


def _line_notes(
    ev: Evaluation[MeasureRecord],
    prepared: PreparedLines,
    layers: list[Layer],
    applied: set[str],
    usmca_free: bool,
) -> list[str]:
    """Notes on the line's declarations, free MFN, regimes, thresholds, scopes and floors."""
    ms = ev.measures
    cols = prepared.columns
    claim, no_content = bool(cols["usmca"][0]), bool(np.isnan(cols["us_content"][0]))
    notes = []
    content_rule = [m for m in ms if m.usmca == "non_us_content" and m.id in applied]
    if claim and no_content and content_rule:
        notes.append(
            "USMCA claimed without --us-content: the full value is dutiable under content rules."
        )
    if not no_content and not claim:
        notes.append("--us-content only matters with a USMCA claim (--usmca); it was not used.")
    if usmca_free:
        notes.append("MFN: free under USMCA (special program S/S+ of this line).")
    regimes = sorted({m.regime for m in ms if m.id in applied and m.regime})
    if regimes:
        notes.append(f"Regime applied: {'; '.join(regimes)}.")
    # declared shares (the undeclared ones of a line that declares some are 0)
    declared = bool(cols["metal_declared"][0])
    threshold = [
        m
        for j, m in enumerate(ms)
        if m.metal_threshold is not None and not ev.applies[0, j] and declared
    ]
    share_sum = float(cols["steel"][0] + cols["aluminum"][0] + cols["copper"][0])
    if threshold and share_sum <= (threshold[0].metal_threshold or 0):
        notes.append(
            f"Declared metal content {share_sum:.0%} is at or below "
            f"{threshold[0].metal_threshold:.0%}: the article is outside the 2026 Section 232 "
            "metals regime (U.S. note 16(c) to chapter 99)."
        )
    if any(m.approximate for m in ms if m.id in applied):
        notes.append("Some layers use a product scope flagged approximate in the registry.")
    from tradewinds.measures.de_minimis import note as de_minimis_note

    day, value = cols["date"][0].astype(dt.date), float(cols["value"][0])
    low_value = de_minimis_note(str(cols["origin"][0]), str(cols["importer"][0]), day, value)
    if low_value is not None:
        notes.append(low_value)
    floors = [x.formula for x in layers if x.formula.startswith("all-in floor")]
    if floors:
        notes.append(
            f"{'; '.join(floors)}: the additional rate is the floor less the MFN rate "
            "(never below zero)."
        )
    return notes
