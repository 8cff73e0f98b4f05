"""The bill-of-materials (BOM) file for USMCA origin checks (YAML, validated by pydantic).

A BOM describes one good: its classification and category, its values (transaction value, net
cost, total cost), the materials used to make it, and for vehicles the labour and steel/aluminium
purchase data that the automotive appendix asks for. Unknown keys are rejected. Values are money
in one currency (US dollars by default); shares are fractions (0.60 for 60%). Field-by-field
documentation lives in ``docs/origin.md``.

Two kinds of problem are reported differently: a malformed file (wrong type, unknown key, missing
field) is a :class:`~tradewinds.core.errors.ScenarioError`; numbers that are individually fine
but do not add up (materials worth more than the good) are a
:class:`~tradewinds.core.errors.DataError`. Both name the offending field.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tradewinds.core.errors import DataError
from tradewinds.core.inputs import read_yaml, validate_mapping
from tradewinds.core.limits import MAX_BOM_MATERIALS

#: Categories of good with their own treatment in the automotive appendix to Annex 4-B.
Category = Literal["passenger_vehicle", "light_truck", "heavy_truck", "auto_part", "other"]
#: Tables of the automotive appendix that set an auto part's own RVC threshold.
PartTable = Literal["core", "principal", "complementary"]
#: Roles of a material in a vehicle (core parts enter the core-parts RVC, Appendix Art. 3).
Role = Literal["core_part", "principal_part", "complementary_part", "other"]
Method = Literal["transaction_value", "net_cost"]

_HTS = re.compile(r"^\d{4}(\.?\d{2}){0,3}(\.?\d{2})?$")


def hts_digits(code: str) -> str:
    """The digits of an HTS code, dots removed (``"8703.23.01"`` -> ``"87032301"``)."""
    return code.replace(".", "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_hts(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not _HTS.match(value):
        raise ValueError(
            f"HTS code {value!r} is malformed; give 4 to 10 digits, dots optional "
            "(e.g. '8703.23' or '8708.40.11')"
        )
    return value


class Good(_Strict):
    """The good whose origin is claimed."""

    hts: str = Field(description="HTS code of the good, 4 to 10 digits.")
    description: str = ""
    category: Category = "other"
    auto_part_table: PartTable | None = Field(
        default=None,
        description="For auto parts: the appendix table that sets the part's RVC threshold.",
    )

    _hts = field_validator("hts", mode="before")(_check_hts)

    @model_validator(mode="after")
    def _table_only_for_parts(self) -> Good:
        if self.auto_part_table is not None and self.category != "auto_part":
            raise ValueError(
                f"auto_part_table {self.auto_part_table!r} is only used with category "
                f"'auto_part' (category is {self.category!r})"
            )
        return self


class Material(_Strict):
    """One material used in the production of the good, valued as Article 4.6 sets out."""

    name: str
    hts: str | None = None
    value: float = Field(ge=0, description="Value of the material, in the BOM currency.")
    originating: bool = Field(description="Whether the material is originating (Article 4.2).")
    role: Role = "other"
    non_originating_content: float | None = Field(
        default=None,
        ge=0,
        description="Value of non-originating materials inside this part (core parts RVC).",
    )
    metal: Literal["steel", "aluminium"] | None = Field(
        default=None, description="Steel or aluminium purchase, for Appendix Article 6."
    )
    meets_tariff_shift: bool | None = Field(
        default=None,
        description="Your finding that the material makes the rule's tariff shift (unchecked).",
    )
    plant_wage: float | None = Field(
        default=None,
        ge=0,
        description="Average base hourly wage (US$) of the plant that made it, for the LVC.",
    )

    _hts = field_validator("hts", mode="before")(_check_hts)

    @model_validator(mode="after")
    def _content_within_value(self) -> Material:
        if self.non_originating_content is not None and self.non_originating_content > self.value:
            raise ValueError(
                f"non_originating_content {self.non_originating_content!r} exceeds the "
                f"material's value {self.value!r}"
            )
        return self

    @property
    def vnm_content(self) -> float:
        """Non-originating value inside the material (its own VNM, for the core-parts RVC)."""
        if self.non_originating_content is not None:
            return self.non_originating_content
        return 0.0 if self.originating else self.value


class LabourLine(_Strict):
    """An expenditure for the labour value content (Appendix Article 7)."""

    name: str
    kind: Literal["material_and_manufacturing", "technology"] = "material_and_manufacturing"
    value: float | None = Field(default=None, ge=0, description="Expenditure; or hours x wage.")
    hours: float | None = Field(default=None, ge=0)
    wage: float = Field(ge=0, description="Average base hourly wage, US$ per hour.")

    @model_validator(mode="after")
    def _value_or_hours(self) -> LabourLine:
        if (self.value is None) == (self.hours is None):
            raise ValueError("give exactly one of 'value' (expenditure) or 'hours' (x wage)")
        return self

    @property
    def amount(self) -> float:
        """The expenditure: ``value``, or ``hours`` times ``wage``."""
        if self.value is not None:
            return self.value
        return (self.hours or 0.0) * self.wage


class Labour(_Strict):
    """Labour data for the LVC: expenditure lines, or shares already computed."""

    lines: list[LabourLine] = Field(default_factory=list)
    high_wage_material_and_manufacturing_share: float | None = Field(default=None, ge=0, le=1)
    high_wage_technology_share: float | None = Field(default=None, ge=0, le=1)
    high_wage_assembly_credit: bool = Field(
        default=False,
        description="The producer qualifies for the 5-point high-wage assembly credit.",
    )

    @model_validator(mode="after")
    def _lines_or_shares(self) -> Labour:
        shares = (
            self.high_wage_material_and_manufacturing_share is not None
            or self.high_wage_technology_share is not None
        )
        if shares and self.lines:
            raise ValueError("give either 'lines' or the high_wage_*_share fields, not both")
        return self


class Purchases(_Strict):
    """A vehicle producer's purchases of one metal: total and North American (originating)."""

    total: float = Field(ge=0)
    originating: float = Field(ge=0)

    @model_validator(mode="after")
    def _within_total(self) -> Purchases:
        if self.originating > self.total:
            raise ValueError(
                f"originating purchases {self.originating!r} exceed total purchases {self.total!r}"
            )
        return self


class MetalPurchases(_Strict):
    """Steel and aluminium purchases for Appendix Article 6."""

    steel: Purchases | None = None
    aluminium: Purchases | None = None


class Rule(_Strict):
    """The product-specific rule that applies to the good, as data you take from Annex 4-B.

    tradewinds does not hold the Annex 4-B rules: you state the RVC thresholds and whether the
    rule has a tariff-shift component. Whether each material makes the shift is your finding
    (``Material.meets_tariff_shift``); tradewinds only applies de minimis to it.
    """

    rvc_transaction_value: float | None = Field(
        default=None, gt=0, le=1, description="Required RVC under the transaction-value method."
    )
    rvc_net_cost: float | None = Field(
        default=None, gt=0, le=1, description="Required RVC under the net-cost method."
    )
    tariff_shift: bool = Field(default=False, description="The rule has a tariff-shift part.")
    either: bool = Field(
        default=False,
        description="Tariff shift OR RVC suffices (alternative rules); otherwise both apply.",
    )
    transaction_value_method: bool = Field(
        default=True,
        description="For auto parts under the appendix: the rule offers the TV method.",
    )

    @field_validator("rvc_transaction_value", "rvc_net_cost", mode="before")
    @classmethod
    def _share_not_percent(cls, value: Any) -> Any:
        if isinstance(value, int | float) and value > 1:
            raise ValueError(f"{value!r} looks like a percentage; give a share (0.60 for 60%)")
        return value


class BillOfMaterials(_Strict):
    """A bill of materials for one good and one claim date."""

    good: Good
    claim_date: dt.date = Field(description="Date of the claim (entry); sets phase-in thresholds.")
    currency: str = "USD"
    transaction_value: float | None = Field(
        default=None, gt=0, description="TV adjusted to exclude international shipment."
    )
    net_cost: float | None = Field(default=None, gt=0)
    total_cost: float | None = Field(default=None, gt=0)
    materials: list[Material] = Field(min_length=1, max_length=MAX_BOM_MATERIALS)
    labour: Labour | None = None
    steel_aluminium: MetalPurchases | None = None
    core_parts_method: Method = Field(
        default="transaction_value",
        description="Basis of the core parts' values, for the core-parts RVC threshold.",
    )
    rule: Rule = Field(default_factory=Rule)
    note: str = ""

    @model_validator(mode="after")
    def _some_value(self) -> BillOfMaterials:
        if self.transaction_value is None and self.net_cost is None:
            raise ValueError("give 'transaction_value', 'net_cost' or both")
        return self

    def material_total(self) -> float:
        """Sum of all material values."""
        return sum(m.value for m in self.materials)


def check_accounts(bom: BillOfMaterials, source: str = "BOM") -> None:
    """Check that the BOM's numbers add up; raise :class:`DataError` naming the field if not."""
    total = bom.material_total()
    for field in ("transaction_value", "net_cost", "total_cost"):
        base = getattr(bom, field)
        if base is not None and total > base * (1 + 1e-12):
            raise DataError(
                f"{source}: materials sum to {total:,.2f}, more than {field} {base:,.2f}. "
                f"Check the material values or {field}."
            )
    if bom.net_cost is not None and bom.total_cost is not None and bom.net_cost > bom.total_cost:
        raise DataError(
            f"{source}: net_cost {bom.net_cost:,.2f} exceeds total_cost {bom.total_cost:,.2f}; "
            "net cost is total cost less excluded costs, so it cannot be larger."
        )
    counts = collections.Counter(m.name for m in bom.materials)  # linear: BOMs can be long
    duplicates = sorted(n for n, k in counts.items() if k > 1)
    if duplicates:
        raise DataError(
            f"{source}: materials: duplicate name(s) {duplicates!r}; names must differ."
        )
    if bom.labour is not None and bom.net_cost is None and bom.labour.lines:
        raise DataError(
            f"{source}: labour.lines need 'net_cost' (the LVC is a share of the net cost)."
        )


def parse_bom(data: Any, source: str = "BOM") -> BillOfMaterials:
    """Validate plain data as a :class:`BillOfMaterials`; one clear error on failure."""
    bom = validate_mapping(BillOfMaterials, data, source, "a bill of materials", "docs/origin.md")
    check_accounts(bom, source)
    return bom


def load_bom(path: str | Path) -> BillOfMaterials:
    """Read and validate a BOM YAML file."""
    path = Path(path)
    data = read_yaml(path, "bill of materials")
    return parse_bom(data, str(path))
