"""The duty calculator: stacked duties for one shipment or a table of shipment lines.

A table of lines is grouped by *regime segment* (the dates between two consecutive start or end
dates of any measure or rule), so the in-force set and the precedence rules are looked up once
per segment, and each segment is evaluated with the vectorised engine of
:mod:`tradewinds.measures.stacking`.

A single shipment on the packaged registry takes the scalar path of
:mod:`tradewinds.measures.single` (the same rules for one line, in plain Python, from a cached
snapshot); inputs its fast check does not accept, and registries with user measure files, go
through the columnar validator and engine as a table of one line. Both paths end in the same
function (:func:`_result`), which builds the layers and the notes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import ScenarioError
from tradewinds.measures import single
from tradewinds.measures.fields import (
    BATCH_COLUMNS,
    DECLARATIONS,
    METALS,
    MFN,
    check_registry_date,
    dotted,
)
from tradewinds.measures.mfn import normalise_unit
from tradewinds.measures.single import HtsRow, Line, LineEvaluation, MeasureRecord

if TYPE_CHECKING:
    import numpy as np

    from tradewinds.measures.lines import PreparedLines
    from tradewinds.measures.registry import Registry
    from tradewinds.measures.schema import Measure
    from tradewinds.measures.stacking import Evaluation, Lines

__all__ = [
    "BATCH_COLUMNS",
    "DECLARATIONS",
    "METALS",
    "DutyResult",
    "Layer",
    "calculate",
    "prepare_lines",
]


@dataclass(frozen=True)
class Layer:
    """One duty layer of a shipment."""

    measure_id: str
    authority: str
    heading: str | None
    rate: float | str
    base_value: float | None
    amount: float | None
    title: str = ""
    legal_basis: str = ""
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields of a layer."""
        return {
            "measure_id": self.measure_id,
            "authority": self.authority,
            "heading": self.heading,
            "rate": self.rate,
            "base_value": self.base_value,
            "amount": self.amount,
        }


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
        """MFN duty (ad valorem and any computed specific part)."""
        return sum(x.amount or 0.0 for x in self.layers if x.authority == "mfn")

    @property
    def additional_duty(self) -> float:
        """All layers but MFN."""
        return sum(x.amount or 0.0 for x in self.layers if x.authority != "mfn")

    @property
    def total_duty(self) -> float:
        """MFN plus additional duty."""
        return self.mfn_duty + self.additional_duty

    def to_dict(self) -> dict[str, Any]:
        """The JSON object the CLI prints with ``--format json``."""
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


def prepare_lines(
    lines: Any, registry: Registry, *, strict: bool = False, where: str = "the input"
) -> PreparedLines:
    """Validate and normalise a table of lines (see :func:`tradewinds.measures.lines.prepare`)."""
    from tradewinds.measures.lines import prepare

    return prepare(lines, registry, strict=strict, where=where)


def _segments(dates: np.ndarray, registry: Registry) -> tuple[np.ndarray, dict[int, dt.date]]:
    import numpy as np

    owner, bounds = _BOUNDS.get(id(registry), (None, np.array([], dtype="datetime64[D]")))
    if owner is not registry:
        bounds = np.array(registry.boundaries(), dtype="datetime64[D]")
        _BOUNDS.clear()
        _BOUNDS[id(registry)] = (registry, bounds)
    seg = np.searchsorted(bounds, dates, side="right")
    reps: dict[int, dt.date] = {}
    for s in dict.fromkeys(seg.tolist()) if len(seg) < 64 else np.unique(seg).tolist():
        reps[int(s)] = dates[int(np.argmax(seg == s))].astype(dt.date)
    return seg, reps


_BOUNDS: dict[int, tuple[Registry, np.ndarray]] = {}


def _lines(cols: Mapping[str, np.ndarray], codes: np.ndarray, part: np.ndarray | None) -> Lines:
    from tradewinds.measures.stacking import Lines

    def take(name: str) -> np.ndarray:
        return cols[name] if part is None else cols[name][part]

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
    )


def _regimes(registry: Registry) -> dict[int, tuple[tuple[Measure, ...], tuple[Any, ...]]]:
    """Measures and rules in force per regime segment of ``registry`` (filled as used)."""
    owner, regimes = _REGIMES.get(id(registry), (None, {}))
    if owner is not registry:
        regimes = {}
        _REGIMES.clear()
        _REGIMES[id(registry)] = (registry, regimes)
    return regimes


_REGIMES: dict[int, tuple[Registry, dict[int, tuple[tuple[Measure, ...], tuple[Any, ...]]]]] = {}


def evaluate_frame(
    prepared: PreparedLines, registry: Registry, chunk: int = 50_000
) -> Iterator[tuple[np.ndarray, Evaluation[Measure]]]:
    """Evaluate prepared lines segment by segment, in chunks of at most ``chunk`` lines.

    Yields (line positions, evaluation) pairs; a chunk's (lines x measures) matrices are freed
    before the next is built, which bounds the memory of a large batch.
    """
    import numpy as np

    from tradewinds.measures.registry import scope_masks
    from tradewinds.measures.stacking import evaluate

    cols, codes = prepared.columns, prepared.codes
    if len(codes) == 0:
        return
    masks = scope_masks(registry)
    seg, reps = _segments(cols["date"], registry)
    regimes = _regimes(registry)

    def targeting(measures: tuple[Measure, ...], origins: np.ndarray) -> tuple[Measure, ...]:
        # measures that target none of the lines' origins apply to none of them: leave them out
        # of the (lines x measures) matrices (a country's own records number in the hundreds)
        present = set(np.unique(origins).tolist())
        return tuple(m for m in measures if "*" in m.targets or present & set(m.targets))

    if len(reps) == 1 and len(codes) <= chunk:
        ((s, date),) = reps.items()
        if s not in regimes:
            regimes[s] = (registry.in_force(date), registry.rules_on(date))
        measures, rules = regimes[s]
        measures = targeting(measures, cols["origin"])
        yield np.arange(len(codes)), evaluate(_lines(cols, codes, None), measures, rules, masks)
        return
    for s, date in reps.items():
        if s not in regimes:
            regimes[s] = (registry.in_force(date), registry.rules_on(date))
        measures, rules = regimes[s]
        rows = np.flatnonzero(seg == s)
        measures = targeting(measures, cols["origin"][rows])
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            yield part, evaluate(_lines(cols, codes, part), measures, rules, masks)


def _layers(ev: LineEvaluation, value: float) -> list[Layer]:
    """Layers of a line: measures that apply to a positive part of its value (MFN always)."""
    ms = ev.measures
    order = sorted(range(len(ms)), key=lambda j: (ms[j].programme != MFN, ms[j].id))
    layers = []
    for j in order:
        m = ms[j]
        if ev.applies[j] and (ev.share[j] > 0 or m.programme == MFN):
            layers.append(_layer(m, ev.rate[j], value * ev.share[j], ev.amount[j]))
    return layers


def _layer(m: MeasureRecord, rate: float, base: float, amount: float) -> Layer:
    return Layer(
        measure_id=m.id,
        authority=m.authority,
        heading=m.heading,
        rate=round(rate, 6),
        base_value=round(base, 2),
        amount=round(amount, 2),
        title=m.title,
        legal_basis=m.legal_basis,
        basis=m.basis,
    )


def _is_default(registry: Registry) -> bool:
    """Whether ``registry`` is the packaged registry (the one the snapshot is built from)."""
    from tradewinds.measures.registry import _default_registry

    return registry is _default_registry()


def calculate(
    hts: str,
    origin: str,
    date: dt.date | str,
    value: float,
    *,
    importer: str = "USA",
    usmca: bool = False,
    us_content: float | None = None,
    metal_content: Mapping[str, float] | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    transshipped: bool = False,
    registry: Registry | None = None,
    civil_aircraft: bool = False,
    named_article: bool = False,
    us_metal: bool = False,
    semiconductor: bool = False,
) -> DutyResult:
    """Stacked duty of one shipment; every layer cites its measure, legal basis and heading.

    On the packaged registry (``registry`` None or :func:`load_registry`'s) a line that the fast
    check of :mod:`tradewinds.measures.single` accepts is computed in plain Python; any other
    goes through the columnar validator and engine, which give the same answer or the error.
    """
    metal_content = dict(metal_content or {})
    _check_options(metal_content, quantity, unit)
    declared = {
        "civil_aircraft": civil_aircraft,
        "named_article": named_article,
        "us_metal": us_metal,
        "semiconductor": semiconductor,
    }
    if registry is None or _is_default(registry):
        snap = single.snapshot()
        line = single.check_line(
            snap,
            hts,
            origin,
            date,
            value,
            importer=importer,
            usmca=usmca,
            us_content=us_content,
            metal_content=dict(metal_content),
            quantity=quantity,
            unit=unit,
            transshipped=transshipped,
            declared=dict(declared),
        )
        if line is not None:
            check_registry_date(line.date, snap.coverage_date, snap.open_questions)
            return _result(
                single.evaluate_line(snap, line),
                line,
                value,
                usmca,
                us_content,
                metal_content,
                lambda m: single.covers(snap, m, line.code),
            )
    return _calculate_columnar(
        hts,
        origin,
        date,
        value,
        importer=importer,
        usmca=usmca,
        us_content=us_content,
        metal_content=metal_content,
        quantity=quantity,
        unit=unit,
        transshipped=transshipped,
        registry=registry,
        declared=declared,
    )


def _check_options(metal_content: Mapping[str, float], quantity: object, unit: str | None) -> None:
    """Checks of :func:`calculate`'s options that come before the line's own validation."""
    for name in metal_content:
        if name not in METALS:
            raise ScenarioError(
                f"Unknown metal {name!r} in --metal-content; use one of {list(METALS)}."
            )
    if quantity is not None and not unit:
        raise ScenarioError("--quantity needs --unit (the unit of the MFN rate, e.g. kg).")
    if unit and normalise_unit(unit) is None:
        raise ScenarioError(f"Unknown unit {unit!r}; use e.g. kg, liter, each, doz., pair, m2.")


def _calculate_columnar(
    hts: str,
    origin: str,
    date: dt.date | str,
    value: float,
    *,
    importer: str,
    usmca: bool,
    us_content: float | None,
    metal_content: dict[str, float],
    quantity: float | None,
    unit: str | None,
    transshipped: bool,
    registry: Registry | None,
    declared: dict[str, bool],
) -> DutyResult:
    """:func:`calculate` through the columnar validator and engine (a table of one line)."""
    from tradewinds.measures.products import hts_universe, scope_mask
    from tradewinds.measures.registry import load_registry, scope_masks

    registry = registry or load_registry()
    prepared = prepare_one(
        hts,
        origin,
        date,
        value,
        importer=importer,
        usmca=usmca,
        us_content=us_content,
        metal_content=metal_content,
        quantity=quantity,
        unit=unit,
        transshipped=transshipped,
        registry=registry,
        declared=declared,
    )
    ((_, ev),) = evaluate_frame(prepared, registry)
    masks = scope_masks(registry)  # filled by the evaluation
    line = line_of(prepared)
    by_id = {m.id: m for m in ev.measures}
    index = int(prepared.codes[0])
    table = hts_universe().columns
    return _result(
        evaluation_of(ev),
        line._replace(
            row=HtsRow(
                0,
                float(table["mfn_ad_valorem"][index]),
                float(table["mfn_specific"][index]),
                str(table["mfn_kind"][index]),
                str(table["mfn_unit"][index]),
                str(table["mfn_text"][index]),
                bool(table["usmca_free"][index]),
            )
        ),
        value,
        usmca,
        us_content,
        metal_content,
        lambda m: bool(
            masks[m.id][index] if m.id in masks else scope_mask(by_id[m.id].scope)[index]
        ),
    )


def prepare_one(
    hts: str,
    origin: str,
    date: dt.date | str,
    value: float,
    *,
    importer: str,
    usmca: bool,
    us_content: float | None,
    metal_content: Mapping[str, float],
    quantity: float | None,
    unit: str | None,
    transshipped: bool,
    registry: Registry,
    declared: Mapping[str, bool],
) -> PreparedLines:
    """One shipment validated strictly by :func:`~tradewinds.measures.lines.prepare`."""
    import numpy as np

    from tradewinds.measures.products import normalise_hts

    code = normalise_hts(hts)
    row = {
        "hts": code,
        "origin": origin,
        "date": str(date),
        "value": value,
        "importer": importer,
        "usmca": usmca,
        "us_content": us_content,
        "quantity": quantity,
        "unit": unit or "",
        "transshipped": transshipped,
        **declared,
        **{m: metal_content.get(m) for m in METALS},
    }
    return prepare_lines(
        {k: np.array([v], dtype=object) for k, v in row.items()},
        registry,
        strict=True,
        where="the shipment",
    )


def evaluation_of(ev: Evaluation[Measure], i: int = 0) -> LineEvaluation:
    """Line ``i`` of a columnar evaluation, in the scalar engine's form."""
    return LineEvaluation(
        tuple(single.measure_record(m, j, {}) for j, m in enumerate(ev.measures)),
        [bool(x) for x in ev.applies[i]],
        [float(x) for x in ev.base_share[i]],
        [float(x) for x in ev.rate[i]],
        [float(x) for x in ev.amount[i]],
        float(ev.mfn_specific[i]),
    )


def line_of(prepared: PreparedLines, i: int = 0) -> Line:
    """Line ``i`` of prepared lines, in the scalar path's form (without HTS row or regime)."""
    cols = prepared.columns
    return Line(
        code=str(cols["hts"][i]),
        row=HtsRow(0, 0.0, 0.0, "", "", "", False),
        origin=str(cols["origin"][i]),
        importer=str(cols["importer"][i]),
        date=cols["date"][i].astype(dt.date),
        value=float(cols["value"][i]),
        usmca=bool(cols["usmca"][i]),
        us_content=float(cols["us_content"][i]),
        steel=float(cols["steel"][i]),
        aluminum=float(cols["aluminum"][i]),
        copper=float(cols["copper"][i]),
        metal_declared=bool(cols["metal_declared"][i]),
        quantity=float(cols["quantity"][i]),
        transshipped=bool(cols["transshipped"][i]),
        declared={k: bool(cols[k][i]) for k in (*DECLARATIONS, "metal_declared")},
        filled=tuple(prepared.notes),
        regime=single.Regime((), (), (), (0, 0, 0)),
    )


def _result(
    ev: LineEvaluation,
    line: Line,
    value: float,
    usmca: bool,
    us_content: float | None,
    metal_content: dict[str, float],
    covers: Callable[[MeasureRecord], bool],
) -> DutyResult:
    """The result of a line: its layers and notes (``value`` .. ``metal_content`` as given)."""
    layers = _layers(ev, line.value)
    applied = {x.measure_id for x in layers}
    notes = [
        f"{metal} content not declared: the Section 232 {metal} duty is assessed on the full "
        f"value (declare it with --metal-content {metal}=SHARE)."
        for metal in line.filled
        if any(m.metal == metal and m.id in applied for m in ev.measures)
    ]
    table = line.row
    # the MFN measure's column
    mfn_col = next((j for j, m in enumerate(ev.measures) if m.programme == MFN), None)
    mfn = None if mfn_col is None else ev.measures[mfn_col]
    mfn_free = line.usmca and table.usmca_free
    mfn_due = mfn_col is not None and ev.applies[mfn_col] and not mfn_free
    if mfn is not None and mfn_due and table.mfn_kind in ("specific", "compound"):
        qty = line.quantity
        amount = None if math.isnan(qty) else round(ev.mfn_specific, 2)
        rate_text = f"{table.mfn_specific:g} US$/{table.mfn_unit}"
        layers.append(
            Layer(
                mfn.id,
                "mfn",
                None,
                rate_text,
                None if amount is None else qty,
                amount,
                mfn.title,
                mfn.legal_basis,
            )
        )
        if amount is None:
            notes.append(
                f"MFN rate {table.mfn_text!r} has a specific part: give --quantity and --unit "
                f"{table.mfn_unit} to compute it; the totals exclude it."
            )
    elif mfn_due and table.mfn_kind == "other":
        notes.append(
            f"MFN rate {table.mfn_text!r} is not computed automatically; totals exclude it."
        )
    content_rule = [m for m in ev.measures if m.usmca == "non_us_content" and m.id in applied]
    if usmca and us_content is None and content_rule:
        notes.append(
            "USMCA claimed without --us-content: the full value is dutiable under content rules."
        )
    if us_content is not None and not usmca:
        notes.append("--us-content only matters with a USMCA claim (--usmca); it was not used.")
    if mfn is not None and table.mfn_kind != "free" and mfn_free:
        notes.append("MFN: free under USMCA (special program S/S+ of this line).")
    regimes = sorted({m.regime for m in ev.measures if m.id in applied and m.regime})
    if regimes:
        notes.append(f"Regime applied: {'; '.join(regimes)}.")
    threshold = [
        m
        for j, m in enumerate(ev.measures)
        if m.metal_threshold is not None and not ev.applies[j] and metal_content
    ]
    share = sum(metal_content.values())
    if (
        threshold
        and share <= (threshold[0].metal_threshold or 0)
        and any(covers(m) for m in threshold)
    ):
        notes.append(
            f"Declared metal content {share:.0%} is at or below "
            f"{threshold[0].metal_threshold:.0%}: the article is outside the 2026 Section 232 "
            "metals regime (U.S. note 16(c) to chapter 99)."
        )
    if any(m.approximate for m in ev.measures if m.id in applied):
        notes.append("Some layers use a product scope flagged approximate in the registry.")
    return DutyResult(
        hts=dotted(line.code),
        origin=line.origin,
        date=line.date,
        customs_value=float(value),
        layers=tuple(layers),
        notes=tuple(notes),
    )
