"""USMCA rules of origin: regional value content, automotive tests and de minimis.

Given a :class:`~tradewinds.measures.origin_schema.BillOfMaterials`, :func:`check_origin` runs
every test that applies to the good and says whether it qualifies, by how much each test passes
or fails, and which material moves the result most. The formulas, with the Agreement's letters:

- Transaction-value method, USMCA Article 4.5.2: ``RVC = (TV - VNM) / TV``.
- Net-cost method, USMCA Article 4.5.3: ``RVC = (NC - VNM) / NC``.

  ``TV`` is the transaction value adjusted to exclude international shipment, ``NC`` the net cost
  and ``VNM`` the value of non-originating materials (including those of undetermined origin).
  Originating materials count in full, so non-originating materials used to make them never
  enter ``VNM`` (Article 4.5.4). RVCs are shares here (0.75); the Agreement writes percent.
- De minimis, Article 4.12: non-originating materials that fail the rule's tariff shift are
  allowed if together they are worth at most 10% of the adjusted TV or of the total cost; they
  still count in ``VNM``.
- Automotive appendix to Annex 4-B (thresholds in :data:`VEHICLE_RVC` and the tables below):
  vehicle RVC (Art. 3.1, 4.1), core-parts RVC (Art. 3.2, 3.8: the core parts taken together as
  one part), the part tables B and C (Art. 3.4, 3.6), labour value content (Art. 7) and steel and
  aluminium purchases (Art. 6).

Product-specific tariff-shift rules are out of scope (:data:`OUT_OF_SCOPE`). This module does
no file IO and no printing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Literal, TypeVar

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.core.records import attributes
from tradewinds.measures.origin_schema import (
    BillOfMaterials,
    Labour,
    Material,
    Method,
    hts_digits,
)

T = TypeVar("T")

OUT_OF_SCOPE = (
    "Product-specific tariff-shift rules (Annex 4-B) are out of scope: tradewinds does not "
    "check whether a material makes the required change in tariff classification. It takes "
    "your finding (materials[].meets_tariff_shift) and applies only the de minimis rule "
    "(Article 4.12) to it."
)

#: USMCA entry into force; earlier claims fall under NAFTA.
ENTRY_INTO_FORCE = dt.date(2020, 7, 1)
#: Average base hourly wage (US$) at or above which a plant is high-wage (Appendix Art. 7).
HIGH_WAGE = 16.0
#: De minimis share of the adjusted TV or the total cost (Article 4.12.1).
DE_MINIMIS = 0.10
#: Share of steel and of aluminium purchases that must be originating (Appendix Art. 6.1).
STEEL_ALUMINIUM = 0.70

#: Relative tolerance for comparisons of money amounts that are equal on paper.
_TOL = 1e-9
#: A content share at its threshold to within this passes (``value >= threshold - _PASS_TOL``);
#: the lever's "would fail if" uses the same margin, so a tie on paper is never named a flip.
_PASS_TOL = 1e-12

_STAGES = (
    dt.date(2020, 7, 1),
    dt.date(2021, 7, 1),
    dt.date(2022, 7, 1),
    dt.date(2023, 7, 1),
)


def _staged(
    values: Sequence[T], starts: Sequence[dt.date] = _STAGES
) -> tuple[tuple[dt.date, T], ...]:
    return tuple(zip(starts, values, strict=True))


#: Net-cost RVC for vehicles by category (Appendix Art. 3.1 passenger vehicles and light trucks;
#: Art. 4.1 heavy trucks, stages of 2020, 2024 and 2027). Vehicles use the net-cost method only.
VEHICLE_RVC: Mapping[str, tuple[tuple[dt.date, float], ...]] = {
    "passenger_vehicle": _staged((0.66, 0.69, 0.72, 0.75)),
    "light_truck": _staged((0.66, 0.69, 0.72, 0.75)),
    "heavy_truck": _staged(
        (0.60, 0.64, 0.70), (dt.date(2020, 7, 1), dt.date(2024, 7, 1), dt.date(2027, 7, 1))
    ),
}

#: Part tables of the appendix: (net cost, transaction value) thresholds by stage. Core parts
#: (Table A.2, Art. 3.2; also the core-parts RVC of a vehicle, Art. 3.8), principal parts
#: (Table B, Art. 3.4) and complementary parts (Table C, Art. 3.6).
PART_RVC: Mapping[str, tuple[tuple[dt.date, tuple[float, float]], ...]] = {
    "core": _staged(((0.66, 0.76), (0.69, 0.79), (0.72, 0.82), (0.75, 0.85))),
    "principal": _staged(((0.625, 0.725), (0.65, 0.75), (0.675, 0.775), (0.70, 0.80))),
    "complementary": _staged(((0.62, 0.72), (0.63, 0.73), (0.64, 0.74), (0.65, 0.75))),
}

#: LVC by category: (total LVC, minimum high-wage material and manufacturing share) by stage
#: (Appendix Art. 7). Technology expenditures count up to 10 points, the assembly credit 5.
#: Only the 2027 stage for heavy trucks is encoded.
LVC: Mapping[str, tuple[tuple[dt.date, tuple[float, float]], ...]] = {
    "passenger_vehicle": _staged(((0.30, 0.15), (0.33, 0.18), (0.36, 0.21), (0.40, 0.25))),
    "light_truck": _staged(((0.45, 0.30),), (dt.date(2020, 7, 1),)),
    "heavy_truck": _staged(((0.45, 0.30),), (dt.date(2027, 7, 1),)),
}
LVC_TECHNOLOGY_CAP = 0.10
LVC_ASSEMBLY_CREDIT = 0.05

#: De minimis exceptions verified in HTSUS General Note 11(e)(ii)(A)-(C), the US text of
#: Article 4.12.2: (material HTS ranges, good HTS ranges) as inclusive digit-prefix ranges.
DE_MINIMIS_EXCEPTIONS: tuple[
    tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...
] = (
    (
        "dairy material in a dairy good, GN 11(e)(ii)(A)",
        (("0401", "0406"), ("190190", "190190"), ("210690", "210690")),
        (("0401", "0406"),),
    ),
    (
        "dairy material in infant/dairy preparations, ice cream, milk drinks or feeds, "
        "GN 11(e)(ii)(B)",
        (("0401", "0406"), ("190190", "190190"), ("210690", "210690")),
        (
            ("190110", "190110"),
            ("190120", "190120"),
            ("190190", "190190"),
            ("210690", "210690"),
            ("2105", "2105"),
            ("220290", "220290"),
            ("230990", "230990"),
        ),
    ),
    (
        "citrus or juice material in a juice, GN 11(e)(ii)(C)",
        (("0805", "0805"), ("200911", "200939")),
        (("200911", "200939"), ("210690", "210690"), ("220290", "220290")),
    ),
)

Outcome = Literal["pass", "fail", "not evaluated", "not applicable"]


@dataclass(frozen=True)
class Check:
    """One test: its value, threshold and margin, and the material that moves it most.

    ``value`` and ``threshold`` are shares. For ``at_least`` tests the margin is
    ``value - threshold``; for ``at_most`` tests (de minimis) it is ``threshold - value``; a
    positive margin passes.
    """

    name: str
    label: str
    article: str
    value: float | None
    threshold: float | None
    at_least: bool = True
    passed: bool | None = None
    lever: str = ""
    note: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    applies: bool = True

    @property
    def margin(self) -> float | None:
        """Distance to the threshold, positive when the test passes."""
        if self.value is None or self.threshold is None:
            return None
        return self.value - self.threshold if self.at_least else self.threshold - self.value

    @property
    def comparison(self) -> Literal[">=", "<="]:
        """How ``value`` is held against ``threshold``: ``>=`` (at least) or ``<=`` (at most)."""
        return ">=" if self.at_least else "<="

    @property
    def outcome(self) -> Outcome:
        """``pass``, ``fail``, ``not evaluated`` (missing data) or ``not applicable``."""
        if not self.applies:
            return "not applicable"
        return "not evaluated" if self.passed is None else ("pass" if self.passed else "fail")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output (shares, not percent)."""
        plain = attributes(self, "name", "label", "article", "value", "threshold", "comparison")
        plain |= attributes(self, "margin", "outcome", "lever", "note")
        return plain | {"details": dict(self.details)}


@dataclass(frozen=True)
class OriginResult:
    """The answer for one BOM: qualifies or not, every test, and why."""

    hts: str
    description: str
    category: str
    claim_date: dt.date
    qualifies: bool
    reason: str
    checks: tuple[Check, ...]
    pivot: str
    notes: tuple[str, ...]
    currency: str = "USD"

    def check(self, name: str) -> Check:
        """The check called ``name``; :class:`KeyError` if it was not run."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"no check {name!r}; ran {[c.name for c in self.checks]}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "hts": self.hts,
            "description": self.description,
            "category": self.category,
            "claim_date": self.claim_date.isoformat(),
            "qualifies": self.qualifies,
            "currency": self.currency,
            "reason": self.reason,
            "pivot": self.pivot,
            "checks": [c.to_dict() for c in self.checks],
            "notes": list(self.notes),
            "units": {"value": "share", "threshold": "share", "margin": "share"},
        }


def stage_value(table: Sequence[tuple[dt.date, T]], date: dt.date) -> T | None:
    """The value of the latest stage that starts on or before ``date`` (None if none has)."""
    current = None
    for start, value in table:
        if start <= date:
            current = value
    return current


def _stage(table: Sequence[tuple[dt.date, T]], date: dt.date) -> T:
    """As :func:`stage_value` for tables that start at entry into force (checked earlier)."""
    value = stage_value(table, date)
    if value is None:
        raise ScenarioError(
            f"claim_date {date.isoformat()} precedes the first stage ({table[0][0].isoformat()})."
        )
    return value


def regional_value_content(base: float, vnm: float) -> float:
    """``(base - VNM) / base``: Article 4.5.2 with ``base = TV``, 4.5.3 with ``base = NC``."""
    if base <= 0:
        raise DataError(f"RVC base {base!r} must be positive.")
    return (base - vnm) / base


#: Currency of the BOM being checked, set by :func:`check_origin` for :func:`_money`.
_CURRENCY: ContextVar[str] = ContextVar("origin_currency", default="USD")


def _money(x: float) -> str:
    """An amount with the BOM's currency, e.g. ``USD 1,950.00``."""
    return f"{_CURRENCY.get()} {x:,.2f}"


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _content_lever(
    parts: Iterable[tuple[str, float, float]], base: float, value: float, threshold: float
) -> tuple[str, dict[str, Any]]:
    """Which material moves a content test ``value = 1 - V / base >= threshold`` most.

    ``parts`` are ``(name, non-originating amount, originating amount)``. Turning a part fully
    originating lowers ``V`` by its non-originating amount; turning it fully non-originating
    raises ``V`` by its originating amount. Returns a sentence and the numbers behind it.
    """
    parts = list(parts)
    gap = (threshold - value) * base  # > 0: V must fall by this much
    info: dict[str, Any] = {"change_needed": -gap if gap > 0 else 0.0, "slack": max(-gap, 0.0)}
    if gap > 0:
        nonorig = sorted((p for p in parts if p[1] > 0), key=lambda p: -p[1])
        if not nonorig:
            return "no non-originating value to remove.", info
        largest = nonorig[0]
        info["largest_non_originating"] = {"name": largest[0], "value": largest[1]}
        flips = [p for p in nonorig if p[1] >= gap - _TOL * base]
        if flips:
            smallest = min(flips, key=lambda p: p[1])
            info["flip"] = {"name": smallest[0], "value": smallest[1], "to": "originating"}
            text = (
                f"short by {_money(gap)} of non-originating value; making {smallest[0]!r} "
                f"({_money(smallest[1])}) originating would pass"
            )
            if smallest[0] != largest[0]:
                text += f"; the largest non-originating value is in {largest[0]!r}"
            text += (
                f" (its non-originating value would need to fall by {_money(gap)},"
                f" to {_money(largest[1] - gap)})"
                if largest[1] >= gap
                else ""
            )
            return text + ".", info
        return (
            f"short by {_money(gap)} of non-originating value; no single material flips it. "
            f"The largest non-originating value, in {largest[0]!r} ({_money(largest[1])}), "
            f"would close {100 * largest[1] / gap:.0f}% of the gap if it became originating."
        ), info
    slack = -gap
    orig = sorted((p for p in parts if p[2] > 0), key=lambda p: -p[2])
    text = f"passes with {_money(slack)} to spare"
    nonorig = sorted((p for p in parts if p[1] > 0), key=lambda p: -p[1])
    if nonorig:
        info["largest_non_originating"] = {"name": nonorig[0][0], "value": nonorig[0][1]}
        text += (
            f"; the largest non-originating value is in {nonorig[0][0]!r} ({_money(nonorig[0][1])})"
        )
    risky = [p for p in orig if p[2] > slack + _PASS_TOL * base]  # fails, as passed= reads
    if risky:
        worst = min(risky, key=lambda p: p[2])
        info["flip"] = {"name": worst[0], "value": worst[2], "to": "non-originating"}
        text += f"; it would fail if {worst[0]!r} ({_money(worst[2])}) were non-originating"
    return text + ".", info


def _rvc_check(
    bom: BillOfMaterials,
    method: Method,
    threshold: float,
    label: str,
    article: str,
) -> Check:
    base = bom.transaction_value if method == "transaction_value" else bom.net_cost
    name = f"rvc_{method}"
    if base is None:
        return Check(
            name,
            label,
            article,
            None,
            threshold,
            note=f"not evaluated: the BOM gives no {method}",
        )
    vnm = sum(m.value for m in bom.materials if not m.originating)
    rvc = regional_value_content(base, vnm)
    parts = [
        (m.name, 0.0 if m.originating else m.value, m.value if m.originating else 0.0)
        for m in bom.materials
    ]
    lever, info = _content_lever(parts, base, rvc, threshold)
    return Check(
        name,
        label,
        article,
        rvc,
        threshold,
        passed=rvc >= threshold - _PASS_TOL,
        lever=lever,
        details={"base": base, "vnm": vnm, **info},
    )


def _core_parts_check(bom: BillOfMaterials) -> Check:
    """Core-parts RVC: the Table A.1 parts taken together as one part (Appendix Art. 3.2, 3.8)."""
    label = "core parts RVC (all core parts as one)"
    article = "App. 4-B Art. 3.2, 3.8"
    nc, tv = _stage(PART_RVC["core"], bom.claim_date)
    method = bom.core_parts_method
    threshold = nc if method == "net_cost" else tv
    core = [m for m in bom.materials if m.role == "core_part"]
    if not core:
        return Check(
            "core_parts_rvc",
            label,
            article,
            None,
            threshold,
            note="not evaluated: no material has role 'core_part'; list the engine, "
            "transmission, body, chassis, axles, suspension, steering and battery",
        )
    base = sum(m.value for m in core)
    vnm = sum(m.vnm_content for m in core)
    value = regional_value_content(base, vnm) if base > 0 else 0.0
    parts = [(m.name, m.vnm_content, m.value - m.vnm_content) for m in core]
    lever, info = _content_lever(parts, base, value, threshold)
    return Check(
        "core_parts_rvc",
        label,
        article,
        value,
        threshold,
        passed=base > 0 and value >= threshold - _PASS_TOL,
        lever=lever,
        note=f"{method.replace('_', '-')} basis (core_parts_method)",
        details={"base": base, "vnm": vnm, "method": method, **info},
    )


def _lvc_check(bom: BillOfMaterials) -> Check:
    """Labour value content (Appendix Art. 7) as a share of the net cost."""
    check = partial(Check, "lvc", "labour value content", "App. 4-B Art. 7")
    stage = stage_value(LVC[bom.good.category], bom.claim_date)
    if stage is None:
        return check(
            None,
            None,
            passed=True,
            applies=False,
            note="not applied: the heavy-truck LVC schedule before 2027-07-01 is not encoded",
        )
    required, minimum = stage
    if bom.labour is None or bom.net_cost is None:
        missing = "labour" if bom.labour is None else "net_cost"
        return check(None, required, note=f"not evaluated: no {missing}")
    nc = bom.net_cost
    mm, tech_raw, source = _high_wage_shares(bom, bom.labour, nc)
    tech = min(tech_raw, LVC_TECHNOLOGY_CAP)
    assembly = LVC_ASSEMBLY_CREDIT if bom.labour.high_wage_assembly_credit else 0.0
    value = mm + tech + assembly
    passed = value >= required - 1e-12 and mm >= minimum - 1e-12
    details: dict[str, Any] = {
        "material_and_manufacturing": mm,
        "minimum_material_and_manufacturing": minimum,
        "technology": tech,
        "technology_uncapped": tech_raw,
        "assembly_credit": assembly,
        "source": source,
    }
    if passed:
        lever = _lvc_spare(bom, min(value - required, mm - minimum) * nc, details)
    else:
        lever = _lvc_short(bom, max(required - value, minimum - mm, 0.0) * nc, nc, details)
    note = (
        f"needs {_pct(required)} in all, of which at least {_pct(minimum)} high-wage material "
        f"and manufacturing; technology counted {_pct(tech)} (cap {_pct(LVC_TECHNOLOGY_CAP)}), "
        f"assembly credit {_pct(assembly)}"
    )
    return check(value, required, passed=passed, lever=lever, note=note, details=details)


def _high_wage_materials(bom: BillOfMaterials) -> list[Material]:
    """Materials bought from plants paying at least the high wage (US$16/h)."""
    return [m for m in bom.materials if m.plant_wage is not None and m.plant_wage >= HIGH_WAGE]


def _high_wage_shares(bom: BillOfMaterials, lab: Labour, nc: float) -> tuple[float, float, str]:
    """High-wage material-and-manufacturing and technology shares of the net cost, and source.

    Stated shares win; otherwise the high-wage materials and labour lines are summed.
    """
    if lab.high_wage_material_and_manufacturing_share is not None or (
        lab.high_wage_technology_share is not None
    ):
        mm = lab.high_wage_material_and_manufacturing_share or 0.0
        return mm, lab.high_wage_technology_share or 0.0, "stated shares"
    mm_money = sum(m.value for m in _high_wage_materials(bom)) + sum(
        ln.amount
        for ln in lab.lines
        if ln.kind == "material_and_manufacturing" and ln.wage >= HIGH_WAGE
    )
    tech_money = sum(
        ln.amount for ln in lab.lines if ln.kind == "technology" and ln.wage >= HIGH_WAGE
    )
    return mm_money / nc, tech_money / nc, "materials with plant_wage >= US$16/h and labour lines"


def _lvc_spare(bom: BillOfMaterials, slack: float, details: dict[str, Any]) -> str:
    """The lever of a passing LVC test: the slack, and the material whose move would fail it."""
    lever = f"passes with {_money(slack)} of high-wage expenditure to spare"
    risky = [m for m in _high_wage_materials(bom) if m.value > slack]
    if risky:
        worst = min(risky, key=lambda m: m.value)
        lever += f"; it would fail if {worst.name!r} came from a plant under US$16/h"
        details["flip"] = {"name": worst.name, "value": worst.value, "to": "low-wage"}
    return lever + "."


def _lvc_short(bom: BillOfMaterials, short: float, nc: float, details: dict[str, Any]) -> str:
    """The lever of a failing LVC test: the shortfall, and the material whose move would pass it."""
    details["change_needed"] = short
    lever = f"short by {_money(short)} of high-wage material and manufacturing expenditure"
    low = [m for m in bom.materials if m.plant_wage is None or m.plant_wage < HIGH_WAGE]
    flips = [m for m in low if m.value >= short - _TOL * nc]
    if flips:
        best = min(flips, key=lambda m: m.value)
        lever += (
            f"; sourcing {best.name!r} ({_money(best.value)}) from a plant paying at least "
            f"US${HIGH_WAGE:.0f}/h would pass"
        )
        details["flip"] = {"name": best.name, "value": best.value, "to": "high-wage"}
    elif low:
        big = max(low, key=lambda m: m.value)
        lever += (
            f"; no single material flips it: the largest from a low-wage or unknown plant "
            f"is {big.name!r} ({_money(big.value)})"
        )
    return lever + "."


def _metal_checks(bom: BillOfMaterials) -> list[Check]:
    """Steel and aluminium purchases, each at least 70% originating (Appendix Art. 6.1)."""
    return [_metal_check(bom, metal) for metal in ("steel", "aluminium")]


def _metal_check(bom: BillOfMaterials, metal: str) -> Check:
    """One metal's purchases, from ``steel_aluminium`` if stated, else the marked materials."""
    check = partial(
        Check,
        f"{metal}_purchases",
        f"{metal} purchases originating",
        "App. 4-B Art. 6.1",
        threshold=STEEL_ALUMINIUM,
    )
    stated = getattr(bom.steel_aluminium, metal) if bom.steel_aluminium is not None else None
    materials = [m for m in bom.materials if m.metal == metal]
    if stated is not None:
        total, orig, source = stated.total, stated.originating, "steel_aluminium"
    elif materials:
        total = sum(m.value for m in materials)
        orig = sum(m.value for m in materials if m.originating)
        source = f"materials with metal: {metal}"
    else:
        return check(
            None,
            note=f"not evaluated: give steel_aluminium.{metal} or mark materials 'metal: {metal}'",
        )
    if total == 0:
        return check(None, passed=True, note=f"no {metal} purchases")
    need = STEEL_ALUMINIUM * total - orig
    details: dict[str, Any] = {"total": total, "originating": orig, "source": source}
    if need > 0:
        details["change_needed"] = need
        lever = f"short by {_money(need)} of North American {metal}"
        flips = [m for m in materials if not m.originating and m.value >= need - _TOL * total]
        if flips:
            best = min(flips, key=lambda m: m.value)
            lever += f"; buying {best.name!r} ({_money(best.value)}) originating would pass"
            details["flip"] = {"name": best.name, "value": best.value, "to": "originating"}
    else:
        lever = f"passes with {_money(-need)} of non-originating {metal} to spare"
    return check(
        orig / total,
        passed=need <= 1e-9 * total,
        lever=lever + ".",
        note=f"from {source}",
        details=details,
    )


def _in_ranges(digits: str, ranges: Iterable[tuple[str, str]]) -> bool:
    return any(lo <= digits[: len(lo)] <= hi for lo, hi in ranges)


def de_minimis_exception(material_hts: str | None, good_hts: str) -> str | None:
    """The Article 4.12.2 exception that bars de minimis for this material, if any."""
    if material_hts is None:
        return None
    m, g = hts_digits(material_hts), hts_digits(good_hts)
    for label, materials, goods in DE_MINIMIS_EXCEPTIONS:
        if _in_ranges(m, materials) and _in_ranges(g, goods):
            return label
    return None


def _shift_checks(bom: BillOfMaterials) -> list[Check]:
    """The tariff-shift component as you state it, and the de minimis rule (Article 4.12)."""
    nonorig = [(i, m) for i, m in enumerate(bom.materials) if not m.originating]
    unknown = [i for i, m in nonorig if m.meets_tariff_shift is None]
    if unknown:
        raise DataError(
            f"materials[{unknown[0]}].meets_tariff_shift is missing: rule.tariff_shift is true, "
            "so state for each non-originating material whether it makes the required tariff "
            "shift (tradewinds does not check tariff-shift rules)."
        )
    failing = [m for _, m in nonorig if m.meets_tariff_shift is False]
    shift = Check(
        "tariff_shift",
        "tariff shift (as stated in the BOM)",
        "Art. 4.2(b), Annex 4-B",
        None,
        None,
        passed=not failing,
        lever=(
            "materials failing the shift: " + ", ".join(repr(m.name) for m in failing) + "."
            if failing
            else ""
        ),
        note="your finding, not checked by tradewinds",
    )
    if not failing:
        return [shift]
    value = sum(m.value for m in failing)
    bases = {k: getattr(bom, k) for k in ("transaction_value", "total_cost")}
    bases = {k: v for k, v in bases.items() if v is not None}
    de_minimis = partial(
        Check,
        "de_minimis",
        "de minimis (non-shifting materials)",
        "Art. 4.12",
        threshold=DE_MINIMIS,
        at_least=False,
    )
    if not bases:
        note = "not evaluated: de minimis needs transaction_value or total_cost"
        return [shift, de_minimis(None, note=note)]
    # The Agreement allows either base; the larger base gives the smaller share.
    basis, base = max(bases.items(), key=lambda kv: kv[1])
    share = value / base
    barred = [(m.name, e) for m in failing if (e := de_minimis_exception(m.hts, bom.good.hts))]
    passed = share <= DE_MINIMIS + 1e-12 and not barred
    room = DE_MINIMIS * base - value
    if barred:
        lever = f"{barred[0][0]!r} cannot use de minimis ({barred[0][1]})."
    elif room >= 0:
        lever = f"within de minimis with {_money(room)} to spare."
    else:
        largest = max(failing, key=lambda m: m.value)
        lever = (
            f"over de minimis by {_money(-room)}; the largest non-shifting material is "
            f"{largest.name!r} ({_money(largest.value)})"
        )
        if largest.value >= -room:
            lever += "; making it originating or shift would pass"
        lever += "."
    note = f"share of {basis}; these materials still count in VNM (Article 4.12)"
    good_chapter = int(hts_digits(bom.good.hts)[:2])
    if good_chapter <= 24 or 50 <= good_chapter <= 63:
        note += (
            "; only the exceptions of GN 11(e)(ii)(A)-(C) are encoded: check the other "
            "agricultural exceptions and, for textiles (ch. 50-63), Chapter 6"
        )
    if passed:
        shift = replace(shift, note=shift.note + "; rescued by de minimis (Article 4.12)")
    details = {"value": value, "base": base, "basis": basis, "barred": barred}
    return [shift, de_minimis(share, passed=passed, lever=lever, note=note, details=details)]


def _rvc_thresholds(bom: BillOfMaterials) -> tuple[float | None, float | None, str]:
    """(TV threshold, NC threshold, source) for the good on its claim date."""
    good, rule, date = bom.good, bom.rule, bom.claim_date
    stated = rule.rvc_transaction_value is not None or rule.rvc_net_cost is not None
    if good.category in VEHICLE_RVC:
        if stated:
            raise ScenarioError(
                f"rule.rvc_*: the RVC of a {good.category} is set by the automotive appendix "
                "to Annex 4-B; remove rule.rvc_transaction_value and rule.rvc_net_cost."
            )
        nc = _stage(VEHICLE_RVC[good.category], date)
        article = "Art. 3.1" if good.category != "heavy_truck" else "Art. 4.1"
        return None, nc, f"App. 4-B {article}"
    if good.category == "auto_part" and good.auto_part_table is not None:
        if stated:
            raise ScenarioError(
                f"rule.rvc_*: the RVC of a Table {good.auto_part_table!r} part is set by the "
                "automotive appendix; remove rule.rvc_transaction_value and rule.rvc_net_cost."
            )
        nc, tv = _stage(PART_RVC[good.auto_part_table], date)
        where = {"core": "Art. 3.2", "principal": "Art. 3.4", "complementary": "Art. 3.6"}
        return (
            tv if rule.transaction_value_method else None,
            nc,
            f"App. 4-B {where[good.auto_part_table]}",
        )
    return rule.rvc_transaction_value, rule.rvc_net_cost, "rule in BOM"


def _pivot(checks: Sequence[Check], qualifies: bool) -> str:
    """The material or number that moves the answer most, as one sentence.

    A failing good: the lever of each failing requirement (for RVC, the method closest to its
    threshold, since either method suffices). A qualifying good: the tightest test.
    """
    missing = [c for c in checks if c.passed is None]
    failing = [c for c in checks if c.passed is False]
    if not qualifies:
        rvc = [c for c in failing if c.name.startswith("rvc_")]
        best_rvc = max(rvc, key=lambda c: c.margin or 0.0) if rvc else None
        chosen = [c for c in failing if not c.name.startswith("rvc_") or c is best_rvc]
        parts = [f"{c.label}: {c.lever or 'fails.'}" for c in chosen]
        parts += [f"{c.label}: {c.note}." for c in missing]
        return " ".join(parts)
    scored = [c for c in checks if c.margin is not None and c.passed]
    if not scored:
        return ""
    c = min(scored, key=lambda c: c.margin or 0.0)
    return f"tightest test is {c.label}: {c.lever}"


def check_origin(bom: BillOfMaterials) -> OriginResult:
    """Run every origin test that applies to the BOM's good on its claim date.

    Amounts in the explanations carry the BOM's currency (``currency``, USD by default).
    """
    token = _CURRENCY.set(bom.currency)
    try:
        return replace(_check_origin(bom), currency=bom.currency)
    finally:
        _CURRENCY.reset(token)


def _check_origin(bom: BillOfMaterials) -> OriginResult:
    date, good, rule = bom.claim_date, bom.good, bom.rule
    if date < ENTRY_INTO_FORCE:
        raise ScenarioError(
            f"claim_date {date.isoformat()} is before the USMCA entered into force "
            f"({ENTRY_INTO_FORCE.isoformat()}); NAFTA rules of origin applied then."
        )
    notes = [OUT_OF_SCOPE]
    rvc_checks = _rvc_checks(bom)
    shift_checks = _shift_checks(bom) if rule.tariff_shift else []
    auto_checks = _auto_checks(bom, notes)
    rvc_ok = any(c.passed for c in rvc_checks) if rvc_checks else None
    shift_ok = any(c.passed for c in shift_checks) if shift_checks else None
    wholly, components, reason = _rule_outcome(bom, rvc_checks, rvc_ok, shift_ok)
    auto_ok = all(c.passed is True for c in auto_checks)
    if auto_checks:
        reason += " and every automotive test"
    checks = tuple(rvc_checks + shift_checks + wholly + auto_checks)
    qualifies = all(components) and auto_ok
    # Tests that do not decide the answer: the other RVC method once one passes, the tariff
    # shift once de minimis rescues it, and either component of an "either" rule that is met.
    decided = {
        "rvc": bool(rvc_ok) or (rule.either and bool(shift_ok)),
        "shift": bool(shift_ok) or (rule.either and bool(rvc_ok)),
    }
    relevant = [
        c
        for c in checks
        if not (c.name.startswith("rvc_") and decided["rvc"])
        and not (c.name in ("tariff_shift", "de_minimis") and decided["shift"])
    ]
    return OriginResult(
        hts=good.hts,
        description=good.description,
        category=good.category,
        claim_date=date,
        qualifies=qualifies,
        reason=reason,
        checks=checks,
        pivot=_pivot(checks if qualifies else relevant, qualifies),
        notes=tuple(notes),
    )


def _rvc_checks(bom: BillOfMaterials) -> list[Check]:
    """The RVC test by each method the rule (or the vehicle schedule) sets a threshold for."""
    tv_req, nc_req, source = _rvc_thresholds(bom)
    methods: tuple[tuple[Method, float | None], ...] = (
        ("transaction_value", tv_req),
        ("net_cost", nc_req),
    )
    return [
        _rvc_check(
            bom,
            method,
            req,
            f"RVC, {method.replace('_', '-')} method",
            f"Art. 4.5.{2 if method == 'transaction_value' else 3}; {source}",
        )
        for method, req in methods
        if req is not None
    ]


def _auto_checks(bom: BillOfMaterials, notes: list[str]) -> list[Check]:
    """The automotive tests of the good's category; what is not modelled is added to ``notes``."""
    category = bom.good.category
    checks: list[Check] = []
    if category in ("passenger_vehicle", "light_truck"):
        checks.append(_core_parts_check(bom))
    if category in VEHICLE_RVC:
        checks.append(_lvc_check(bom))
        checks.extend(_metal_checks(bom))
        notes.append(
            "Not modelled: alternative staging regimes (Appendix Art. 8), averaging periods, "
            "the 2027 melted-and-poured steel condition and individual core-part origin "
            "beyond the aggregate core-parts RVC."
        )
    if category == "heavy_truck":
        notes.append("Heavy-truck core-part thresholds (Appendix Art. 4) are not encoded.")
    return checks


def _rule_outcome(
    bom: BillOfMaterials, rvc_checks: list[Check], rvc_ok: bool | None, shift_ok: bool | None
) -> tuple[list[Check], list[bool], str]:
    """The product-specific rule's verdict: tests it adds, components that must hold, reason.

    With no rule stated, every material must be originating (a test of its own).
    """
    if rvc_ok is None and shift_ok is None:
        nonorig = [m for m in bom.materials if not m.originating]
        wholly = Check(
            "all_originating",
            "all materials originating",
            "Art. 4.2(c)",
            None,
            None,
            passed=not nonorig,
            lever=(
                f"non-originating: {', '.join(repr(m.name) for m in nonorig)}." if nonorig else ""
            ),
            note="the BOM states no product-specific rule (rule.rvc_* or rule.tariff_shift)",
        )
        reason = "no product-specific rule stated: every material must be originating"
        return [wholly], [not nonorig], reason
    if bom.rule.either and rvc_ok is not None and shift_ok is not None:
        return [], [rvc_ok or shift_ok], "rule met by tariff shift (with de minimis) or by RVC"
    rvc_text = (
        "RVC by either method"
        if len(rvc_checks) > 1
        else f"RVC ({rvc_checks[0].label.split(', ')[-1]})"
        if rvc_checks
        else ""
    )
    reason = " and ".join(
        s
        for s, x in ((rvc_text, rvc_ok), ("tariff shift (or de minimis)", shift_ok))
        if x is not None
    )
    return [], [x for x in (rvc_ok, shift_ok) if x is not None], reason


__all__ = [
    "OUT_OF_SCOPE",
    "Check",
    "OriginResult",
    "check_origin",
    "de_minimis_exception",
    "regional_value_content",
    "stage_value",
]
