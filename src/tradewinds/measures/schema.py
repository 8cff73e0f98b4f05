"""The ``Measure`` record and the precedence rules, as frozen pydantic models.

A measure is one tariff action stored as data (see ``docs/measures.md``): who imposes it on whom,
on which products, at what rate, on which part of the value, in which half-open window
``[effective_from, effective_to)``, how a USMCA claim changes it, which stacking programme it
belongs to, and the sources it rests on. Unknown keys are rejected so a typo in a YAML file fails
loudly instead of being ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tradewinds.core.inputs import Number
from tradewinds.measures.fields import Metal

#: Authorities used for the breakdown of effective rates. ``not_encoded``: a zero-rate record
#: that names duties the registry does not compute for its targets (shown as a warning layer).
Authority = Literal[
    "mfn",
    "ieepa",
    "section_232",
    "section_122",
    "adcvd",
    "canada_surtax",
    "mexico_tariff",
    "section_301",
    "section_338",
    "not_encoded",
]

#: Which part of the customs value a rate applies to: all of it, the declared share of one metal,
#: or the declared non-US content (``1 - us_content``; the full value when none is declared).
ValueBasis = Literal["full_value", "metal_content", "non_us_content"]

#: How a USMCA (CUSMA, T-MEC) claim changes the measure.
#: ``none``: no effect; ``exempt``: the measure does not apply; ``non_us_content``: the rate
#: applies only to the share of value that is not US content (declared with the shipment).
UsmcaTreatment = Literal["none", "exempt", "non_us_content"]


#: ``investigation``: an inquiry with no tariff (recorded for the timeline, never applies).
Status = Literal["in_force", "announced", "paused", "investigation"]

#: A condition the shipment must meet for the measure to apply (declared with the shipment):
#: ``transshipment`` (CBP found the goods transshipped), ``us_metal`` (the metal was melted or
#: smelted in the US, Section 232 metals 2026), ``semiconductor`` (a covered semiconductor
#: article of U.S. note 39, Proclamation 11002), ``civil_aircraft`` (a civil-aircraft article
#: meeting general note 6, for the partner aircraft exemptions).
Condition = Literal["transshipment", "us_metal", "semiconductor", "civil_aircraft"]

#: The HTS rate column the MFN programme reads per line: ``column_1`` (general) or ``column_2``
#: (the countries of general note 3(b): Cuba, North Korea, Russia, Belarus).
RateColumn = Literal["column_1", "column_2"]

#: Uses a shipment may declare to claim an exemption that depends on the article, not its code:
#: ``civil_aircraft`` (U.S. note 2(aa)(iv), articles meeting general note 6) and
#: ``named_article`` (the particular articles named in U.S. note 2(aa)(iii)).
Declaration = Literal["civil_aircraft", "named_article"]


class _Frozen(BaseModel):
    # defer_build: the validators are built on first validation, not at import, so a command that
    # reads the registry from its cache (unpickling, no validation) does not build them.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)


class Source(_Frozen):
    """A citation: a short key (from the fact sheet) and, where known, the URL or file."""

    key: str
    url: str | None = None
    note: str | None = None


class Choice(_Frozen):
    """Where sources conflict: the value the record uses and the alternative it did not."""

    field: str
    chosen: str
    alternative: str
    reason: str


class DeclaredExclusion(_Frozen):
    """Codes of ``list`` are outside the scope only when the shipment declares ``declaration``."""

    list: str
    declaration: Declaration


class Scope(_Frozen):
    """Products a measure covers.

    A product is covered if its HTS10 code starts with one of ``hts_prefixes`` or with an entry of
    one of the named ``lists`` (shipped in the package), and with none of ``exclude_prefixes`` or
    the entries of ``exclude_lists``. An empty string prefix covers every product.
    """

    hts_prefixes: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    exclude_prefixes: tuple[str, ...] = ()
    exclude_lists: tuple[str, ...] = ()
    declared_exclusions: tuple[DeclaredExclusion, ...] = ()
    description: str = ""
    approximate: bool = False

    @field_validator("hts_prefixes", "exclude_prefixes", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(str(v).replace(".", "").strip() for v in value)
        return value

    @model_validator(mode="after")
    def _nonempty(self) -> Scope:
        if not self.hts_prefixes and not self.lists:
            raise ValueError("scope needs hts_prefixes or lists (use [''] for all products)")
        for prefix in self.hts_prefixes + self.exclude_prefixes:
            if prefix and not prefix.isdigit():
                raise ValueError(f"HTS prefix {prefix!r} must be digits (dots allowed)")
        return self


class Measure(_Frozen):
    """One tariff action: a rate on a product scope between two dates, with its legal basis."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    status: Status = "in_force"
    authority: Authority
    programme: str = Field(pattern=r"^[a-z0-9_]+$")
    legal_basis: str
    heading: str | None = None
    imposing: str = Field(pattern=r"^[A-Z]{3}$")
    targets: tuple[str, ...]
    exclude_targets: tuple[str, ...] = ()
    scope: Scope
    rate: Number = Field(ge=0, le=10)
    value_basis: ValueBasis = "full_value"
    metal: Metal | None = None
    effective_from: dt.date
    effective_to: dt.date | None = None
    usmca: UsmcaTreatment = "none"
    condition: Condition | None = None
    #: The rate is a floor on MFN plus this duty: the additional rate is ``max(0, rate - MFN)``
    #: (e.g. Section 232 metals Annex III, heading 9903.82.10: "will total 15 percent").
    floor: bool = False
    #: Applies only when the declared metal content (steel + aluminium + copper) exceeds this
    #: share; undeclared content counts as above it, and chapters 72, 73, 74 and 76 are always
    #: covered (Section 232 metals 2026, U.S. note 16(c): 15%).
    metal_threshold: float | None = Field(default=None, ge=0, le=1)
    #: Label of the legal regime shown with the duty (e.g. "2026 full value, Annex I-B").
    regime: str = ""
    #: For the MFN programme only: the HTS rate column its per-line rate is read from.
    rate_column: RateColumn = "column_1"
    sources: tuple[Source, ...] = Field(min_length=1)
    choice: tuple[Choice, ...] = ()
    notes: str = ""

    @field_validator("targets", "exclude_targets", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(str(v).upper() for v in value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError(
                f"effective_to {self.effective_to} must be after effective_from "
                f"{self.effective_from} (windows are half-open)"
            )
        if self.rate_column != "column_1" and self.programme != "mfn":
            raise ValueError("rate_column applies to the 'mfn' programme only")
        if (self.value_basis == "metal_content") != (self.metal is not None):
            raise ValueError("value_basis 'metal_content' needs 'metal', and only it does")
        for target in self.targets:
            if target != "*" and not (len(target) == 3 and target.isalpha()):
                raise ValueError(f"target {target!r} must be ISO3 or '*'")
        return self

    def in_force(self, date: dt.date) -> bool:
        """Whether the measure is in force on ``date`` (half-open window, status in force)."""
        if self.status != "in_force":
            return False
        return self.effective_from <= date and (
            self.effective_to is None or date < self.effective_to
        )

    def targets_country(self, country: str) -> bool:
        """Whether goods of ``country`` are targeted."""
        if country in self.exclude_targets:
            return False
        return "*" in self.targets or country in self.targets


class PrecedenceRule(_Frozen):
    """``winner`` over ``losers`` in a window.

    ``level: article``: if a winner measure applies to an article, no loser applies to it.
    ``level: content``: a loser does not apply to the winner's content (its metal), only to the
    rest of the value.
    """

    id: str
    winner: str
    losers: tuple[str, ...] = Field(min_length=1)
    level: Literal["article", "content"]
    effective_from: dt.date
    effective_to: dt.date | None = None
    legal_basis: str
    sources: tuple[Source, ...] = Field(min_length=1)
    choice: tuple[Choice, ...] = ()
    notes: str = ""

    def in_force(self, date: dt.date) -> bool:
        """Whether the rule holds on ``date`` (half-open window)."""
        return self.effective_from <= date and (
            self.effective_to is None or date < self.effective_to
        )


class MeasureFile(_Frozen):
    """One YAML file of the registry: a programme and its measures."""

    programme: str
    description: str = ""
    measures: tuple[Measure, ...] = ()


class PrecedenceFile(_Frozen):
    """The precedence table, the registry's coverage date and the questions open at that date."""

    coverage_date: dt.date
    coverage_note: str = ""
    open_questions: tuple[str, ...] = ()
    rules: tuple[PrecedenceRule, ...]
