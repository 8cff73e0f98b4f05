"""The duty calculator: stacked duties for one shipment or a table of shipment lines.

One code path serves both: a single shipment is a batch of one line. Lines are grouped by
*regime segment* (the dates between two consecutive start or end dates of any measure or rule), so
the in-force set and the precedence rules are looked up once per segment, and each segment is
evaluated with the vectorised engine of :mod:`tradewinds.measures.stacking`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tradewinds.core.errors import ScenarioError
from tradewinds.measures.mfn import normalise_unit
from tradewinds.measures.products import dotted, hts_universe, normalise_hts, scope_mask
from tradewinds.measures.registry import Registry, load_registry
from tradewinds.measures.schema import Measure
from tradewinds.measures.stacking import MFN, Evaluation, Lines, evaluate

METALS = ("steel", "aluminum", "copper")
#: Chapters whose articles are the metal itself: undeclared content defaults to the full value.
PRIMARY_CHAPTERS = {"steel": ("72", "73"), "aluminum": ("76",), "copper": ("74",)}
#: Columns a batch CSV may carry (``hts, origin, date, value`` are required).
BATCH_COLUMNS = (
    "hts",
    "origin",
    "date",
    "value",
    "importer",
    "usmca",
    "us_content",
    "steel",
    "aluminum",
    "copper",
    "quantity",
    "unit",
    "transshipped",
    "civil_aircraft",
    "named_article",
    "us_metal",
    "semiconductor",
)
#: Boolean declarations a line may carry (see ``stacking.Lines.declared``).
DECLARATIONS = ("civil_aircraft", "named_article", "us_metal", "semiconductor")


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


def _as_bool(series: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(series.astype(str), use_na_sentinel=False)
    text = pd.Series(uniques).str.strip().str.lower()
    return np.asarray(text.isin(["1", "true", "yes", "y", "t"]).to_numpy()[codes], dtype=bool)


def _on_uniques(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Factorise: integer codes per row and the distinct values (string work on few values)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return np.asarray(codes), pd.Series(uniques, dtype=object)


def _metal_defaults(
    frame: pd.DataFrame,
    codes: np.ndarray,
    registry: Registry,
    strict: bool,
    window: tuple[dt.date, dt.date] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Fill undeclared metal shares: full value where one metal programme can cover the line.

    CBP assesses the full value when the metal content is not shown. Where several metals could
    apply and none is declared, a single shipment is refused (``strict``) and a batch splits the
    value equally between them.
    """
    notes: list[str] = []
    universe_codes = hts_universe().codes
    covered: dict[str, np.ndarray] = {}
    for metal in METALS:
        mask = np.zeros(len(universe_codes), dtype=bool)
        for m in registry.measures:
            if m.metal == metal and m.status == "in_force" and _overlaps(m, window):
                mask |= scope_mask(m.scope)
        covered[metal] = mask[codes]
    declared = np.column_stack([frame[m].notna().to_numpy() for m in METALS])
    cover = np.column_stack([covered[m] for m in METALS])
    undeclared_all = ~declared.any(axis=1)
    n_cover = cover.sum(axis=1)
    if strict and (undeclared_all & (n_cover > 1)).any():
        raise ScenarioError(
            "This article can fall under several Section 232 metal programmes "
            f"({', '.join(m for m, c in zip(METALS, cover[0], strict=True) if c)}). Declare the "
            "content shares, e.g. --metal-content steel=0.6 --metal-content aluminum=0.2."
        )
    for k, metal in enumerate(METALS):
        fill = undeclared_all & cover[:, k]
        share = np.where(fill, 1.0 / np.maximum(n_cover, 1), 0.0)
        frame[metal] = np.where(declared[:, k], frame[metal].to_numpy(dtype=float), share)
        if strict and fill.any():
            notes.append(metal)
    total = frame[list(METALS)].sum(axis=1).to_numpy()
    if (total > 1 + 1e-9).any():
        i = int(np.flatnonzero(total > 1 + 1e-9)[0])
        raise ScenarioError(
            f"Metal content shares add up to {total[i]:.3f} > 1 (line {i + 1}): steel, aluminum "
            "and copper are shares of the customs value and must sum to at most 1."
        )
    return frame, notes


def _overlaps(m: Measure, window: tuple[dt.date, dt.date] | None) -> bool:
    """Whether ``m``'s window meets the dates ``window`` (first, last), inclusive."""
    if window is None:
        return True
    first, last = window
    return m.effective_from <= last and (m.effective_to is None or m.effective_to > first)


def _quantity_in_rate_unit(frame: pd.DataFrame, codes: np.ndarray, strict: bool) -> np.ndarray:
    table = hts_universe().table
    rate_unit = table["mfn_unit"].to_numpy(dtype=str)[codes]
    qty = pd.to_numeric(frame["quantity"], errors="coerce").to_numpy(dtype=float)
    units = frame["unit"].fillna("").astype(str).to_numpy()
    out = np.full(len(frame), np.nan)
    for unit in np.unique(units[~np.isnan(qty)]):
        canonical = normalise_unit(unit) if unit else None
        sel = (units == unit) & ~np.isnan(qty)
        ok = sel & (rate_unit == canonical)
        bad = sel & (rate_unit != "") & (rate_unit != canonical)
        if strict and bad.any():
            expected = str(rate_unit[int(np.flatnonzero(bad)[0])])
            raise ScenarioError(
                f"Quantity unit {unit or '(none)'!r} does not match the MFN rate's unit "
                f"{expected!r}; give --quantity in {expected} with --unit {expected}."
            )
        out[ok] = qty[ok]
    return out


def prepare_lines(
    frame: pd.DataFrame, registry: Registry, *, strict: bool = False, where: str = "the input"
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Validate and normalise a table of lines; return it, the HTS indices and notes."""
    missing = [c for c in ("hts", "origin", "date", "value") if c not in frame.columns]
    if missing:
        raise ScenarioError(
            f"{where} lacks column(s) {missing}; required: hts, origin, date, value."
        )
    unknown = [c for c in frame.columns if c not in BATCH_COLUMNS]
    if unknown:
        raise ScenarioError(
            f"{where} has unknown column(s) {unknown}; allowed: {list(BATCH_COLUMNS)}."
        )
    frame = frame.copy()
    defaults: list[tuple[str, Any]] = [
        ("importer", "USA"),
        ("usmca", False),
        ("us_content", np.nan),
        ("quantity", np.nan),
        ("unit", ""),
        ("transshipped", False),
        *((name, False) for name in DECLARATIONS),
    ]
    for col, default in defaults:
        if col not in frame.columns:
            frame[col] = default
    for metal in METALS:
        if metal not in frame.columns:
            frame[metal] = np.nan
        frame[metal] = pd.to_numeric(frame[metal], errors="coerce")
    inv, uniq = _on_uniques(frame["hts"])
    hts_u = uniq.astype(str).str.replace(r"[.\s]", "", regex=True)
    bad = ~hts_u.str.fullmatch(r"\d{8}|\d{10}")
    if bad.any():
        normalise_hts(str(uniq[bad].iloc[0]))  # raises with suggestions
    codes = hts_universe().index_of(hts_u.to_numpy(), where=f"the HTS ({where})")[inv]
    frame["hts"] = hts_u.to_numpy()[inv]
    for col in ("origin", "importer"):
        inv, uniq = _on_uniques(frame[col])
        upper = uniq.astype(str).str.upper()
        bad_iso = ~upper.str.fullmatch(r"[A-Z]{3}")
        if bad_iso.any():
            raise ScenarioError(
                f"{col} {uniq[bad_iso].iloc[0]!r} in {where} is not an ISO3 country code "
                "(e.g. CAN, MEX, USA)."
            )
        frame[col] = upper.to_numpy()[inv]
    inv, uniq = _on_uniques(frame["date"])
    dates_u = pd.to_datetime(uniq.astype(str), errors="coerce", format="ISO8601")
    if dates_u.isna().any():
        raise ScenarioError(
            f"Date {uniq[dates_u.isna()].iloc[0]!r} in {where} is not an ISO date (YYYY-MM-DD)."
        )
    frame["date"] = pd.DatetimeIndex(dates_u).normalize()[inv]
    first, last = frame["date"].min().date(), frame["date"].max().date()
    registry.check_date(first)
    if last != first:
        registry.check_date(last)
    value = pd.to_numeric(frame["value"], errors="coerce")
    if value.isna().any() or (value <= 0).any():
        raise ScenarioError(f"Customs values in {where} must be positive numbers.")
    frame["value"] = value.astype(float)
    us = pd.to_numeric(frame["us_content"], errors="coerce")
    frame["us_content"] = us
    shares = frame[["us_content", *METALS]]
    if ((shares < 0) | (shares > 1)).any().any():
        raise ScenarioError(
            f"Content shares in {where} must lie between 0 and 1 (they are fractions of the "
            "customs value, e.g. 0.4 for 40%)."
        )
    frame["usmca"] = _as_bool(frame["usmca"])
    frame["transshipped"] = _as_bool(frame["transshipped"])
    for name in DECLARATIONS:
        frame[name] = _as_bool(frame[name])
    frame["metal_declared"] = frame[list(METALS)].notna().any(axis=1).to_numpy()
    frame, notes = _metal_defaults(frame, codes, registry, strict, (first, last))
    frame["quantity"] = _quantity_in_rate_unit(frame, codes, strict)
    return frame, codes, notes


def _segments(dates: pd.Series, registry: Registry) -> tuple[np.ndarray, list[dt.date]]:
    bounds = np.array(registry.boundaries(), dtype="datetime64[D]")
    seg = np.searchsorted(bounds, dates.to_numpy().astype("datetime64[D]"), side="right")
    reps = [dt.date(2025, 1, 1)] * (len(bounds) + 1)
    for s in np.unique(seg):
        reps[int(s)] = pd.Timestamp(dates[seg == s].iloc[0]).date()
    return seg, reps


def _lines(frame: pd.DataFrame, codes: np.ndarray) -> Lines:
    return Lines(
        code=codes,
        origin=frame["origin"].to_numpy(dtype=str),
        importer=frame["importer"].to_numpy(dtype=str),
        value=frame["value"].to_numpy(dtype=float),
        usmca=frame["usmca"].to_numpy(dtype=bool),
        us_content=frame["us_content"].to_numpy(dtype=float),
        steel=frame["steel"].to_numpy(dtype=float),
        aluminum=frame["aluminum"].to_numpy(dtype=float),
        copper=frame["copper"].to_numpy(dtype=float),
        transshipped=frame["transshipped"].to_numpy(dtype=bool),
        quantity=frame["quantity"].to_numpy(dtype=float),
        declared={
            name: frame[name].to_numpy(dtype=bool) for name in (*DECLARATIONS, "metal_declared")
        },
    )


def evaluate_frame(
    frame: pd.DataFrame, codes: np.ndarray, registry: Registry, chunk: int = 250_000
) -> list[tuple[np.ndarray, Evaluation]]:
    """Evaluate prepared lines segment by segment; returns (row positions, evaluation) pairs."""
    seg, reps = _segments(frame["date"], registry)
    masks: dict[str, np.ndarray] = {}
    out = []
    for s in np.unique(seg):
        date = reps[int(s)]
        measures = registry.in_force(date)
        rules = registry.rules_on(date)
        rows = np.flatnonzero(seg == s)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            sub = frame.iloc[part]
            out.append((part, evaluate(_lines(sub, codes[part]), measures, rules, masks)))
    return out


def _layers(ev: Evaluation, i: int, value: float) -> list[Layer]:
    """Layers of line ``i``: measures that apply to a positive part of its value (MFN always)."""
    order = sorted(
        range(len(ev.measures)), key=lambda j: (ev.measures[j].programme != MFN, ev.measures[j].id)
    )
    layers = []
    for j in order:
        m = ev.measures[j]
        if ev.applies[i, j] and (ev.base_share[i, j] > 0 or m.programme == MFN):
            base = value * float(ev.base_share[i, j])
            layers.append(_layer(m, float(ev.rate[i, j]), base, float(ev.amount[i, j])))
    return layers


def _layer(m: Measure, rate: float, base: float, amount: float) -> Layer:
    return Layer(
        measure_id=m.id,
        authority=m.authority,
        heading=m.heading,
        rate=round(rate, 6),
        base_value=round(base, 2),
        amount=round(amount, 2),
        title=m.title,
        legal_basis=m.legal_basis,
        basis=_basis(m),
    )


def _basis(m: Measure) -> str:
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


def _covers(measures: list[Measure], codes: np.ndarray) -> bool:
    """Whether the scope of any of ``measures`` covers the (first) HTS index of ``codes``."""
    return any(bool(scope_mask(m.scope)[int(codes[0])]) for m in measures)


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
    """Stacked duty of one shipment; every layer cites its measure, legal basis and heading."""
    registry = registry or load_registry()
    metal_content = dict(metal_content or {})
    for name in metal_content:
        if name not in METALS:
            raise ScenarioError(
                f"Unknown metal {name!r} in --metal-content; use one of {list(METALS)}."
            )
    if quantity is not None and not unit:
        raise ScenarioError("--quantity needs --unit (the unit of the MFN rate, e.g. kg).")
    if unit and normalise_unit(unit) is None:
        raise ScenarioError(f"Unknown unit {unit!r}; use e.g. kg, liter, each, doz., pair, m2.")
    code = normalise_hts(hts)
    row = {
        "hts": code,
        "origin": origin,
        "date": str(date),
        "value": value,
        "importer": importer,
        "usmca": usmca,
        "us_content": np.nan if us_content is None else us_content,
        "quantity": np.nan if quantity is None else quantity,
        "unit": unit or "",
        "transshipped": transshipped,
        "civil_aircraft": civil_aircraft,
        "named_article": named_article,
        "us_metal": us_metal,
        "semiconductor": semiconductor,
        **{m: metal_content.get(m, np.nan) for m in METALS},
    }
    frame, codes, notes = prepare_lines(
        pd.DataFrame([row]), registry, strict=True, where="the shipment"
    )
    ((_, ev),) = evaluate_frame(frame, codes, registry)
    layers = _layers(ev, 0, float(frame["value"].iloc[0]))
    applied = {x.measure_id for x in layers}
    notes = [
        f"{metal} content not declared: the Section 232 {metal} duty is assessed on the full "
        f"value (declare it with --metal-content {metal}=SHARE)."
        for metal in notes
        if any(m.metal == metal and m.id in applied for m in ev.measures)
    ]
    table = hts_universe().table.iloc[int(codes[0])]
    mfn = next((m for m in ev.measures if m.programme == MFN), None)
    mfn_free = usmca and bool(table["usmca_free"])
    mfn_due = mfn is not None and bool(ev.applies[0, list(ev.measures).index(mfn)]) and not mfn_free
    if mfn is not None and mfn_due and table["mfn_kind"] in ("specific", "compound"):
        qty = float(frame["quantity"].iloc[0])
        amount = None if math.isnan(qty) else round(float(ev.mfn_specific[0]), 2)
        rate_text = f"{table['mfn_specific']:g} US$/{table['mfn_unit']}"
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
                f"MFN rate {table['mfn_text']!r} has a specific part: give --quantity and --unit "
                f"{table['mfn_unit']} to compute it; the totals exclude it."
            )
    elif mfn_due and table["mfn_kind"] == "other":
        notes.append(
            f"MFN rate {table['mfn_text']!r} is not computed automatically; totals exclude it."
        )
    content_rule = [m for m in ev.measures if m.usmca == "non_us_content" and m.id in applied]
    if usmca and us_content is None and content_rule:
        notes.append(
            "USMCA claimed without --us-content: the full value is dutiable under content rules."
        )
    if us_content is not None and not usmca:
        notes.append("--us-content only matters with a USMCA claim (--usmca); it was not used.")
    if mfn is not None and table["mfn_kind"] != "free" and mfn_free:
        notes.append("MFN: free under USMCA (special program S/S+ of this line).")
    regimes = sorted({m.regime for m in ev.measures if m.id in applied and m.regime})
    if regimes:
        notes.append(f"Regime applied: {'; '.join(regimes)}.")
    threshold = [
        m
        for j, m in enumerate(ev.measures)
        if m.metal_threshold is not None and not ev.applies[0, j] and metal_content
    ]
    share = sum(metal_content.values())
    if threshold and share <= (threshold[0].metal_threshold or 0) and _covers(threshold, codes):
        notes.append(
            f"Declared metal content {share:.0%} is at or below "
            f"{threshold[0].metal_threshold:.0%}: the article is outside the 2026 Section 232 "
            "metals regime (U.S. note 16(c) to chapter 99)."
        )
    if any(m.scope.approximate for m in ev.measures if m.id in applied):
        notes.append("Some layers use a product scope flagged approximate in the registry.")
    return DutyResult(
        hts=dotted(code),
        origin=str(frame["origin"].iloc[0]),
        date=frame["date"].iloc[0].date(),
        customs_value=float(value),
        layers=tuple(layers),
        notes=tuple(notes),
    )
