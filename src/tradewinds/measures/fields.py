"""Names and rules of a shipment line shared by the columnar validator and the scalar path.

Plain Python (no numpy, pydantic or YAML), so that the one-line duty path can use them without
importing the batch machinery: the columns a line may carry, the yes/no spellings, the registry's
first date and its date check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Literal, NamedTuple, get_args

from tradewinds.core.errors import ScenarioError

#: Earliest date the registry answers for.
START_DATE = dt.date(2025, 1, 1)
#: Days a date range may run past the registry's coverage date (rates held at that date's).
#: The one bound on every range (``etr --from/--to``, ``/api/v1/etr/series``, ``/rates.csv``):
#: a range costs work per day, and past the coverage date it only repeats the last rates.
MAX_DAYS_PAST_COVERAGE = 366
#: The stacking programme of the MFN (column 1 general) measure.
MFN = "mfn"
#: The metals of the Section 232 metal programmes (the one list: the registry schema, the
#: shipment record, the validator and the front ends all read it).
Metal = Literal["steel", "aluminum", "copper"]
METALS: tuple[str, ...] = get_args(Metal)
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
#: Boolean declarations a line may carry (see ``stacking.Lines.declared``): the use or origin of
#: an article that an exemption or a narrow measure depends on.
DECLARATIONS = ("civil_aircraft", "named_article", "us_metal", "semiconductor")
REQUIRED = ("hts", "origin", "date", "value")
#: Longest text a field of a line may hold (an HTS code, a country, a date, a unit): longer text
#: is refused before it is parsed, so that no field can make the parser allocate without bound.
MAX_FIELD = 64
#: Largest customs value and quantity accepted: every duty of a line stays a finite number.
MAX_AMOUNT = 1e15
#: Why a number is refused, by kind (the shipment record and the columnar validator both say so).
VALUE_RULE = f"must be a finite amount of US dollars above 0 and at most {MAX_AMOUNT:g}"
SHARE_RULE = "must be a share of the customs value between 0 and 1 (e.g. 0.4 for 40%)"
QUANTITY_RULE = f"must be a finite quantity, 0 or more and at most {MAX_AMOUNT:g}"


class NumberRule(NamedTuple):
    """The range of a number a line may carry: ``[low, high]``, or ``(low, high]``."""

    low: float
    high: float
    low_open: bool
    #: Why a number outside the range is refused.
    rule: str

    def holds(self, x: float) -> bool:
        """Whether ``x`` is finite and in range (NaN is not)."""
        return x <= self.high and (x > self.low if self.low_open else x >= self.low)


#: The one table of number rules: the shipment record and the columnar validator both read it.
NUMBERS: dict[str, NumberRule] = {
    "value": NumberRule(0.0, MAX_AMOUNT, True, VALUE_RULE),
    "us_content": NumberRule(0.0, 1.0, False, SHARE_RULE),
    **{metal: NumberRule(0.0, 1.0, False, SHARE_RULE) for metal in METALS},
    "quantity": NumberRule(0.0, MAX_AMOUNT, False, QUANTITY_RULE),
}


def number_message(name: str, text: str, number: bool = True) -> str:
    """Why field ``name`` written ``text`` is refused: not a number, or out of its range."""
    return f"{name} {text!r} {NUMBERS[name].rule if number else 'is not a number'}"


def parse_flag(name: str, value: object) -> bool:
    """A yes/no field as a bool; a ``ValueError`` with the message if it is neither."""
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in TRUE_SPELLINGS:
        return True
    if text in FALSE_SPELLINGS:
        return False
    raise ValueError(
        f"{name} {value!r} is not a yes/no value; use one of "
        f"{sorted(TRUE_SPELLINGS)} or {sorted(FALSE_SPELLINGS - {''})}"
    )


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object) -> dt.date:
    """An entry date written ``YYYY-MM-DD``; a ``ValueError`` with the message otherwise."""
    text = str(value).strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError("not YYYY-MM-DD")
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"date {value!r} is not a valid date YYYY-MM-DD ({exc})") from None


def check_unit(value: str) -> None:
    """Refuse a quantity unit that no MFN rate uses (``ValueError`` with the message)."""
    from tradewinds.measures.mfn import normalise_unit

    if value.strip() and normalise_unit(value) is None:
        raise ValueError(f"unit {value!r} is unknown; use e.g. kg, liter, each, doz., pair, m2")


#: The fields of one shipment (the record's and ``calculate``'s keywords), as the CLI names them.
SHIPMENT_FIELDS = (
    *("hts", "origin", "date", "value", "importer", "usmca", "us_content", "metal_content"),
    *("quantity", "unit", "transshipped", *DECLARATIONS),
)
#: Columns a one-line table always carries (the others are left out at their default).
_ALWAYS = ("hts", "origin", "date", "value", "importer")


def check_quantity_unit(quantity: object, unit: object) -> None:
    """A quantity needs its unit (``ValueError`` with the message)."""
    if quantity is not None and not str(unit or "").strip():
        raise ValueError("quantity needs unit (the unit of the MFN rate, e.g. kg)")


def line_columns(fields: dict[str, object]) -> dict[str, object]:
    """One shipment's fields as the columns of a one-line batch (``BATCH_COLUMNS``).

    What the shape of a shipment decides is refused here, with the record's messages: an
    unknown field, an unknown metal, a quantity without its unit. Every value is checked by the
    columnar validator the line then goes through. Fields at their default (no claim, nothing
    declared) are left out, as a batch may leave out their columns.
    """
    unknown = [k for k in fields if k not in SHIPMENT_FIELDS]
    if unknown:
        raise ScenarioError(
            f"{unknown[0]} {short(fields[unknown[0]])}: unknown field; a shipment takes "
            f"{', '.join(SHIPMENT_FIELDS)}."
        )
    metals = fields.get("metal_content") or {}
    if not isinstance(metals, dict):
        raise ScenarioError(f"metal_content {metals!r}: give a mapping of metal to share.")
    for name in metals:
        if name not in METALS:
            raise ScenarioError(
                f"metal_content.{name} {short(metals[name])}: unknown metal; use one of "
                f"{list(METALS)}."
            )
    try:
        check_quantity_unit(fields.get("quantity"), fields.get("unit"))
    except ValueError as exc:
        raise ScenarioError(f"{exc}.") from None
    full = {"importer": "USA", **fields, **metals}
    full.pop("metal_content", None)
    return {k: v for k, v in full.items() if k in _ALWAYS or v not in (None, False, "")}


def short(value: object) -> str:
    """``repr(value)``, cut to 60 characters (a refused value as messages show it)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


#: Parties to USMCA: a claim needs an origin and an importer among them.
USMCA_PARTIES = ("CAN", "MEX", "USA")
#: Spellings of yes and no accepted for a flag (``usmca``, ``transshipped``), case-insensitive,
#: blanks around them ignored; an empty field means no. Anything else is refused.
TRUE_SPELLINGS = frozenset({"1", "true", "yes", "y", "t"})
FALSE_SPELLINGS = frozenset({"0", "false", "no", "n", "f", ""})


def check_registry_date(
    date: dt.date, coverage_date: dt.date, open_questions: Sequence[str] = ()
) -> None:
    """Refuse dates before 2025; warn past the registry's coverage date."""
    if date < START_DATE:
        raise ScenarioError(
            f"Date {date.isoformat()!r} is before {START_DATE.isoformat()}: the registry "
            "starts on 2025-01-01. Use a date in 2025 or later."
        )
    if date > coverage_date:
        from tradewinds.measures.warnings import CoverageWarning, warn

        still_open = f" Open at that date: {'; '.join(open_questions)}." if open_questions else ""
        warn(
            f"Date {date.isoformat()} is past the registry coverage date "
            f"{coverage_date.isoformat()}: the result assumes no measure changed "
            f"after it.{still_open}",
            CoverageWarning,
        )


def check_registry_range(
    start: dt.date,
    end: dt.date,
    coverage_date: dt.date,
    open_questions: Sequence[str] = (),
    *,
    names: tuple[str, str] = ("--from", "--to"),
) -> None:
    """Refuse a date range that is reversed, starts before 2025 or ends too far past coverage.

    A range may end at most :data:`MAX_DAYS_PAST_COVERAGE` days after the registry's coverage
    date (with the coverage warning); ``names`` are the start and end fields as the user spelt
    them, for the message.
    """
    first, last = names
    if end < start:
        raise ScenarioError(f"{last} {end.isoformat()} is before {first} {start.isoformat()}.")
    check_registry_date(start, coverage_date, open_questions)
    latest = coverage_date + dt.timedelta(days=MAX_DAYS_PAST_COVERAGE)
    if end > latest:
        raise ScenarioError(
            f"{last} {end.isoformat()} is more than {MAX_DAYS_PAST_COVERAGE} days past the "
            f"registry coverage date {coverage_date.isoformat()}: nothing is known after it, "
            f"and a longer range only repeats its last rates. End the range on or before "
            f"{latest.isoformat()} (or leave {last} out for the coverage date)."
        )
    check_registry_date(end, coverage_date, open_questions)


def dotted(code: str) -> str:
    """``"8703230190"`` -> ``"8703.23.0190"`` (numpy-free; ``products`` re-exports it)."""
    if len(code) <= 4:
        return code
    if len(code) <= 6:
        return f"{code[:4]}.{code[4:]}"
    return f"{code[:4]}.{code[4:6]}.{code[6:]}"
