"""MFN (column 1 general) rates of the HTS: parse the rate text, compute the duty.

HTS rates come in three forms: ad valorem (``"2.5%"``), specific (``"3.9¢/kg"``, ``"$1.05/doz."``)
and compound (``"14¢ each + 3%"``). An ad valorem rate needs only the customs value; a specific
part needs a quantity in the rate's unit. Without one the specific part is reported, not guessed.
Texts this parser does not understand (``"93¢ each + 4.8% on the case + …"``) are kept as
``other`` and reported verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RateKind = Literal["free", "ad_valorem", "specific", "compound", "other"]

_PCT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_CENTS = re.compile(r"^(\d+(?:\.\d+)?)¢\s*(?:/\s*(.+)|\s+(each))$")
_DOLLARS = re.compile(r"^\$(\d+(?:\.\d+)?)\s*(?:/\s*(.+)|\s+(each))$")

#: Aliases users may type for a rate's unit; keys are normalised unit names.
UNIT_ALIASES: dict[str, frozenset[str]] = {
    "kg": frozenset({"kg", "kgs", "kilogram", "kilograms"}),
    "liter": frozenset({"liter", "liters", "litre", "litres", "l"}),
    "pf.liter": frozenset({"pf.liter", "pf. liter", "proof liter", "proof liters", "pfl"}),
    "each": frozenset({"each", "no.", "no", "number", "pcs", "piece", "pieces", "unit", "units"}),
    "doz.": frozenset({"doz.", "doz", "dozen"}),
    "m2": frozenset({"m2", "m²"}),
    "t": frozenset({"t", "tonne", "tonnes", "metric ton"}),
    "gross": frozenset({"gross"}),
    "pair": frozenset({"pair", "pairs", "prs.", "prs", "pr.", "pr"}),
    "bbl": frozenset({"bbl", "barrel", "barrels"}),
    "m3": frozenset({"m3", "m³", "cubic meter", "cubic meters"}),
}


def normalise_unit(unit: str) -> str | None:
    """The canonical unit name for ``unit`` (``"Kg"`` -> ``"kg"``), or None if unknown."""
    text = unit.strip().lower()
    for name, aliases in UNIT_ALIASES.items():
        if text in aliases:
            return name
    return None


@dataclass(frozen=True)
class MfnRate:
    """One parsed MFN rate: an ad valorem part and at most one specific part."""

    kind: RateKind
    text: str
    ad_valorem: float = 0.0
    specific: float = 0.0  # US dollars per ``unit``
    unit: str | None = None

    @property
    def needs_quantity(self) -> bool:
        """Whether the duty has a specific part that needs a quantity."""
        return self.kind in ("specific", "compound")


def parse_rate(text: str | None) -> MfnRate:
    """Parse an HTS general-rate text into an :class:`MfnRate`.

    Examples
    --------
    >>> parse_rate("14¢ each + 3%")
    MfnRate(kind='compound', text='14¢ each + 3%', ad_valorem=0.03, specific=0.14, unit='each')
    """
    raw = (text or "").strip()
    if raw == "" or raw.lower().startswith("free"):
        return MfnRate("free", raw or "Free")
    ad_valorem = 0.0
    specific = 0.0
    unit: str | None = None
    n_specific = 0
    n_pct = 0
    for term in (t.strip() for t in raw.split("+")):
        if (m := _PCT.match(term)) is not None:
            ad_valorem += float(m.group(1)) / 100
            n_pct += 1
            continue
        m = _CENTS.match(term) or _DOLLARS.match(term)
        if m is None:
            return MfnRate("other", raw)
        amount = float(m.group(1)) / (100 if term[0].isdigit() else 1)
        unit_text = m.group(2) or m.group(3) or ""
        canonical = normalise_unit(unit_text)
        if canonical is None or n_specific:
            return MfnRate("other", raw)
        specific, unit, n_specific = amount, canonical, 1
    if n_pct > 1:
        return MfnRate("other", raw)
    if n_specific and n_pct:
        return MfnRate("compound", raw, ad_valorem, specific, unit)
    if n_specific:
        return MfnRate("specific", raw, 0.0, specific, unit)
    return MfnRate("ad_valorem", raw, ad_valorem)
