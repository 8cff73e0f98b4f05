"""The shipment record: one typed description of a duty line, defined once.

Every front end builds a :class:`Shipment`: ``tradewinds duty`` from its options, the API from
the JSON body of ``POST /api/v1/duty`` (unknown keys are refused, naming the key), the
dashboard's duty form from its fields, and Python callers of
:func:`tradewinds.measures.duty.calculate`. The record checks what a line says on its own (types,
ranges, known metals and units, a quantity with its unit, bounded text); what depends on the
registry or on several fields together (the HTS code exists, the importer imposes measures, a
USMCA claim has a USMCA origin, the goods are not the importer's own, metal shares add up) is
checked by the columnar validator :func:`tradewinds.measures.lines.prepare`, which every line
(one or a million) goes through, so a batch line and the same line alone get the same answer or
the same message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from tradewinds.core.errors import ScenarioError
from tradewinds.measures.fields import (
    DECLARATIONS,
    FALSE_SPELLINGS,
    MAX_AMOUNT,
    MAX_FIELD,
    METALS,
    QUANTITY_RULE,
    SHARE_RULE,
    TRUE_SPELLINGS,
    VALUE_RULE,
    Metal,
)
from tradewinds.measures.mfn import normalise_unit

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_REQUIRED = ("hts", "origin", "date", "value", "importer")


class Shipment(BaseModel):
    """One shipment line, with every option of ``tradewinds duty``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hts: str = Field(max_length=MAX_FIELD, description="HTS10 code, e.g. 8703.23.0190.")
    origin: str = Field(max_length=MAX_FIELD, description="Country of origin (ISO3).")
    date: str = Field(max_length=MAX_FIELD, description="Entry date YYYY-MM-DD.")
    value: float = Field(description=f"Customs value in US$: above 0, at most {MAX_AMOUNT:g}.")
    importer: str = Field(
        "USA", max_length=MAX_FIELD, description="Importing country (USA, CAN, MEX)."
    )
    usmca: bool = Field(False, description="USMCA preference claimed (CAN or MEX origin).")
    us_content: float | None = Field(
        None, description="US content share of value (USMCA vehicles), e.g. 0.4."
    )
    metal_content: dict[Metal, float] = Field(
        default_factory=dict, description="Metal shares of value, e.g. {'steel': 0.8}."
    )
    quantity: float | None = Field(None, description="Quantity for specific MFN rates.")
    unit: str | None = Field(None, max_length=MAX_FIELD, description="Unit of quantity, e.g. kg.")
    transshipped: bool = Field(False, description="CBP found the goods transshipped.")
    civil_aircraft: bool = Field(
        False,
        description=(
            "Civil-aircraft article of general note 6 (Section 122 note 2(aa)(iv); Brazil, EU, UK, "
            "Japan, Korea and Swiss aircraft exemptions)."
        ),
    )
    named_article: bool = Field(
        False,
        description=(
            "A particular article a note names within its code (Section 122 note 2(aa)(iii), "
            "Brazil note 2(x)(iii)(b), Section 301 exclusions of note 20(vvv)/(www))."
        ),
    )
    us_metal: bool = Field(
        False, description="Metal melted/smelted in the US (2026 Section 232 metals, 10% tier)."
    )
    semiconductor: bool = Field(
        False, description="A covered semiconductor article of U.S. note 39 (25%)."
    )

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            text = value.strip()
            try:
                if not _DATE.fullmatch(text):
                    raise ValueError("not YYYY-MM-DD")
                dt.date.fromisoformat(text)
            except ValueError as exc:
                raise _error(f"date {value!r} is not a valid date YYYY-MM-DD ({exc})") from None
            return text
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, value: object) -> float:
        return _number("value", value, 0.0, MAX_AMOUNT, VALUE_RULE, low_open=True)

    @field_validator("us_content", "quantity", mode="before")
    @classmethod
    def _optional(cls, value: object, info: ValidationInfo) -> float | None:
        if value is None:
            return None
        name = str(info.field_name)
        if name == "quantity":
            return _number(name, value, 0.0, MAX_AMOUNT, QUANTITY_RULE)
        return _number(name, value, 0.0, 1.0, SHARE_RULE)

    @field_validator("metal_content", mode="before")
    @classmethod
    def _shares(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {
            name: _number(str(name), share, 0.0, 1.0, SHARE_RULE) if name in METALS else share
            for name, share in value.items()
        }

    @field_validator(
        "usmca", "transshipped", "civil_aircraft", "named_article", "us_metal", "semiconductor",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _flag(cls, value: object, info: ValidationInfo) -> bool:
        if isinstance(value, bool):
            return value
        if type(value) is int and value in (0, 1):
            return bool(value)
        text = value.strip().lower() if isinstance(value, str) else None
        if text in TRUE_SPELLINGS:
            return True
        if text in FALSE_SPELLINGS:
            return False
        raise _error(
            f"{info.field_name} {value!r} is not a yes/no value; use one of "
            f"{sorted(TRUE_SPELLINGS)} or {sorted(FALSE_SPELLINGS - {''})}"
        )

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        if value is not None and value.strip() and normalise_unit(value) is None:
            raise _error(f"unit {value!r} is unknown; use e.g. kg, liter, each, doz., pair, m2")
        return value

    @model_validator(mode="after")
    def _quantity_unit(self) -> Shipment:
        if self.quantity is not None and not (self.unit or "").strip():
            raise _error("quantity needs unit (the unit of the MFN rate, e.g. kg)")
        return self

    @classmethod
    def build(cls, **fields: Any) -> Shipment:
        """A shipment from its fields; a bad field raises one :class:`ScenarioError` naming it."""
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            raise ScenarioError(message(exc)) from None

    def columns(self) -> dict[str, object]:
        """The line as the columns of a batch (``BATCH_COLUMNS``).

        Fields left at their default (no claim, nothing declared) are left out, as a batch may
        leave out their columns.
        """
        full: dict[str, object] = {
            "hts": self.hts,
            "origin": self.origin,
            "date": self.date,
            "value": self.value,
            "importer": self.importer,
            "usmca": self.usmca,
            "us_content": self.us_content,
            "quantity": self.quantity,
            "unit": self.unit or "",
            "transshipped": self.transshipped,
            **{name: getattr(self, name) for name in DECLARATIONS},
            **{m: self.metal_content.get(m) for m in METALS},  # type: ignore[call-overload]
        }
        return {k: v for k, v in full.items() if k in _REQUIRED or v not in (None, False, "")}


def _error(text: str) -> PydanticCustomError:
    """A validation error whose message is the whole text (it names the field and value)."""
    return PydanticCustomError("shipment", "{text}", {"text": text})


def _number(
    name: str, value: object, low: float, high: float, rule: str, *, low_open: bool = False
) -> float:
    """``value`` as a float in [low, high] (``(low, high]``), or the validator's message."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _error(f"{name} {str(value)!r} is not a number")
    try:
        x = float(value)
    except (ValueError, OverflowError):
        raise _error(f"{name} {str(value)!r} is not a number") from None
    if not (math.isfinite(x) and x <= high and (x > low if low_open else x >= low)):
        raise _error(f"{name} {str(value)!r} {rule}")
    return x


def message(exc: ValidationError) -> str:
    """One message for a shipment's validation errors: each field and what is wrong with it."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"]) or "shipment"
        if err["type"] == "shipment":
            parts.append(str(err["msg"]))
            continue
        text = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            text = f"unknown field; a shipment takes {', '.join(Shipment.model_fields)}"
        elif err["type"] == "literal_error" and err["loc"][:1] == ("metal_content",):
            text = f"unknown metal; use one of {list(METALS)}"
        value = err.get("input")
        shown = "" if err["type"] == "missing" else f" {_short(value)}"
        parts.append(f"{where}{shown}: {text}")
    return f"{'; '.join(parts)}."


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


__all__ = ["METALS", "Metal", "Shipment", "message"]
