"""The cost and time parameters of the corridor model: one YAML file, with sources.

The packaged ``data/params.yaml`` gives each parameter a value, a unit and its source or stated
assumption. A user file overrides values by name (``{name: number}`` or ``{name: {value: ...,
source: ...}}``); unknown names are rejected with the list of valid ones.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tradewinds.core.errors import ScenarioError
from tradewinds.core.inputs import parse_yaml, read_yaml, validation_error


class CorridorParams(BaseModel):
    """Every number of the cost and time model (units and sources in ``data/params.yaml``).

    Each is bounded to a range wide enough for any real corridor (a cost per TEU-km up to
    US$1,000, a ship of 1 to 60 knots, a dwell of up to a year …), so that an override such as
    1e308 cannot make a cost infinite and the route comparison meaningless.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    sea_usd_per_teu_km: float = Field(ge=0, le=1e3)
    sea_speed_knots: float = Field(ge=1, le=60)
    rail_usd_per_teu_km: float = Field(ge=0, le=1e3)
    rail_speed_kmh: float = Field(ge=1, le=500)
    rail_terminal_days: float = Field(ge=0, le=365)
    truck_usd_per_teu_km: float = Field(ge=0, le=1e3)
    truck_km_per_day: float = Field(ge=10, le=5000)
    port_handling_usd_per_teu: float = Field(ge=0, le=1e6)
    port_dwell_days: float = Field(ge=0, le=365)
    transshipment_usd_per_teu: float = Field(ge=0, le=1e6)
    transshipment_dwell_days: float = Field(ge=0, le=365)
    border_crossing_usd_per_teu: float = Field(ge=0, le=1e6)
    border_crossing_hours: float = Field(ge=0, le=8760)
    circuity_rail: float = Field(ge=1, le=10)
    circuity_road: float = Field(ge=1, le=10)
    us_waters_km: float = Field(ge=0, le=1e4)
    time_cost_pct_per_day: float = Field(ge=0, le=100)
    time_cost_pct_per_day_high: float = Field(ge=0, le=100)
    value_usd_per_teu: float = Field(gt=0, le=1e9)

    def override(self, values: dict[str, float]) -> CorridorParams:
        """A copy with ``values`` replaced, validated again."""
        return CorridorParams.model_validate({**self.model_dump(), **values})


@functools.cache
def packaged_table() -> dict[str, dict[str, Any]]:
    """The packaged parameter table: name -> ``{value, unit, source}``."""
    ref = resources.files("tradewinds.integration.corridors") / "data" / "params.yaml"
    data = parse_yaml(ref.read_text(encoding="utf-8"), "corridor params.yaml")
    assert isinstance(data, dict)
    return {str(k): dict(v) for k, v in data.items()}


def default_params() -> CorridorParams:
    """The packaged parameters."""
    return CorridorParams.model_validate({k: v["value"] for k, v in packaged_table().items()})


def _values(data: Any, source: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: corridor parameters must be a mapping of name to number, "
            f"got {type(data).__name__}."
        )
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            extra = set(value) - {"value", "unit", "source"}
            if "value" not in value or extra:
                raise ScenarioError(
                    f"{source}: {key}: give a number or {{value: ..., source: ...}} "
                    f"(got keys {sorted(value)})."
                )
            value = value["value"]
        out[str(key)] = value
    return out


def parse_params(data: Any, source: str = "corridor parameters") -> CorridorParams:
    """Defaults overridden by ``data`` (already parsed YAML); one clear error when invalid."""
    values = _values(data, source)
    unknown = sorted(set(values) - set(CorridorParams.model_fields))
    if unknown:
        known = ", ".join(CorridorParams.model_fields)
        raise ScenarioError(
            f"{source}: unknown parameter {unknown[0]!r}. Known parameters: {known} "
            "(see docs/corridors.md)."
        )
    try:
        return default_params().override(values)
    except ValidationError as exc:
        raise validation_error(exc, source, "docs/corridors.md") from None


def load_params(path: str | Path | None = None) -> CorridorParams:
    """The packaged parameters, overridden by the YAML file at ``path`` if given."""
    if path is None:
        return default_params()
    path = Path(path)
    return parse_params(read_yaml(path, "corridor parameter file"), str(path))
