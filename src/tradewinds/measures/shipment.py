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
from collections.abc import Callable
from typing import Any, TypeVar

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
    MAX_AMOUNT,
    MAX_FIELD,
    METALS,
    NUMBERS,
    Metal,
    check_quantity_unit,
    check_unit,
    line_columns,
    number_message,
    parse_date,
    parse_flag,
    short,
)

T = TypeVar("T")


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
            _rule(parse_date, value)
            return value.strip()
        return value

    @field_validator("value", "us_content", "quantity", mode="before")
    @classmethod
    def _numbers(cls, value: object, info: ValidationInfo) -> float | None:
        if value is None and info.field_name != "value":
            return None
        return _number(str(info.field_name), value)

    @field_validator("metal_content", mode="before")
    @classmethod
    def _shares(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {
            name: _number(name, share) if name in METALS else share for name, share in value.items()
        }

    @field_validator(
        "usmca", "transshipped", "civil_aircraft", "named_article", "us_metal", "semiconductor",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _flag(cls, value: object, info: ValidationInfo) -> bool:
        return _rule(parse_flag, str(info.field_name), value)

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str | None) -> str | None:
        if value is not None:
            _rule(check_unit, value)
        return value

    @model_validator(mode="after")
    def _quantity_unit(self) -> Shipment:
        _rule(check_quantity_unit, self.quantity, self.unit)
        return self

    @classmethod
    def build(cls, **fields: Any) -> Shipment:
        """A shipment from its fields; a bad field raises one :class:`ScenarioError` naming it."""
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            raise ScenarioError(message(exc)) from None

    def columns(self) -> dict[str, object]:
        """The line as the columns of a batch (:func:`~tradewinds.measures.fields.line_columns`)."""
        return line_columns(self.model_dump())


def _error(text: str) -> PydanticCustomError:
    """A validation error whose message is the whole text (it names the field and value)."""
    return PydanticCustomError("shipment", "{text}", {"text": text})


def _rule(check: Callable[..., T], *args: object) -> T:
    """``check(*args)`` of :mod:`~tradewinds.measures.fields`, its refusal as a field error."""
    try:
        return check(*args)
    except ValueError as exc:
        raise _error(str(exc)) from None


def _number(name: str, value: object) -> float:
    """``value`` as a float in the range of ``NUMBERS[name]``, or the refusal."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _error(number_message(name, str(value), number=False))
    try:
        x = float(value)
    except (ValueError, OverflowError):
        raise _error(number_message(name, str(value), number=False)) from None
    if not (math.isfinite(x) and NUMBERS[name].holds(x)):
        raise _error(number_message(name, str(value)))
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
        shown = "" if err["type"] == "missing" else f" {short(value)}"
        parts.append(f"{where}{shown}: {text}")
    return f"{'; '.join(parts)}."


__all__ = ["METALS", "Metal", "Shipment", "message"]
