"""Our effective rates against the Yale Budget Lab's published figures, traced by authority.

The Budget Lab's *State of U.S. Tariffs: May 12, 2025* (Table 2) gives the change in the average
effective US tariff rate from 2025 policy, pre-substitution, with pre-tariff (2024) USMCA
utilisation: Canada 17.2 points, Mexico 14.7. Our legal reading of the same policy gives less
for Canada. The gap is traced to three modelling choices and one input (``docs/etr-methods.md``):

- **claimed parts on the 40% content basis**: the Budget Lab scales the USMCA exemption of
  Section 232 auto parts by the US content share of vehicles (``us_auto_content_share`` 0.40,
  ``policy_params.yaml``), so claimed parts pay 25% on 60% of their value; U.S. note 33(h)
  exempts USMCA-qualifying parts outright (heading 9903.94.06);
- **the assembly rebate**: the Budget Lab lowers auto-parts duties by the offset of
  Proclamation 10925 (``rebate_rate`` 3.75% × ``us_assembly_share`` 0.33); the offset is a
  rebate to US assemblers, not a reduction at entry, so the registry does not apply it;
- **AD/CVD included**: we count antidumping and countervailing deposits; the Budget Lab does
  not (no AD/CVD rate changed between January and May 2025, so it moves nothing here);
- **Canadian energy at 25%**: EO 14231 taxes Canadian energy and potash at 10%; most of what
  remains of the published 17.2 is consistent with energy at the general 25%.

:func:`budget_lab_registry` builds the registry with any of these choices, so each step of the
trace is computed, not asserted; :func:`budget_lab_table` lists our figures beside every
Budget Lab figure we can compare.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from tradewinds.measures import etr
from tradewinds.measures.registry import Registry, load_registry

#: Budget Lab ``policy_params.yaml`` ``auto_rebate``: rebate rate and US assembly share.
REBATE_RATE = 0.0375
US_ASSEMBLY_SHARE = 0.33
#: Table 2 of the May 12, 2025 report: change in points, pre-substitution.
MAY_2025 = {"CAN": 17.2, "MEX": 14.7}
#: Tariff-Model baseline file ``tariff_model/resources/baselines/gtap.csv`` (partner levels, %).
GTAP_BASELINE = {"CAN": 8.12, "MEX": 12.78}
BEFORE = dt.date(2025, 1, 15)
MAY_12 = dt.date(2025, 5, 12)


def budget_lab_registry(
    *,
    claimed_parts_on_content: bool = False,
    assembly_rebate: bool = False,
    energy_rate: float | None = None,
    registry: Registry | None = None,
) -> Registry:
    """The registry with the Budget Lab's modelling choices switched on (copies of records)."""
    registry = registry or load_registry()
    measures = []
    for m in registry.measures:
        if m.programme == "s232_auto_parts":
            update: dict[str, object] = {}
            if claimed_parts_on_content:
                update["usmca"] = "non_us_content"
            if assembly_rebate:
                update["rate"] = m.rate - REBATE_RATE * US_ASSEMBLY_SHARE
            m = m.model_copy(update=update)
        if energy_rate is not None and m.scope.lists == ("ieepa_energy_ca",):
            m = m.model_copy(update={"rate": energy_rate})
        measures.append(m)
    return dataclasses.replace(registry, measures=tuple(measures))


def change_by_authority(
    country: str,
    registry: Registry | None = None,
    *,
    exclude: tuple[str, ...] = (),
    start: dt.date = BEFORE,
    end: dt.date = MAY_12,
) -> dict[str, float]:
    """Change in points of the 2024-share effective rate by authority, and ``total``."""
    after = etr.point(country, end, "2024", registry)["by_authority"]
    before = etr.point(country, start, "2024", registry)["by_authority"]
    assert isinstance(after, dict)
    assert isinstance(before, dict)
    out = {
        k: 100 * (float(after.get(k, 0.0)) - float(before.get(k, 0.0)))
        for k in sorted(set(after) | set(before))
        if k not in exclude
    }
    out["total"] = sum(out.values())
    return out


@dataclass(frozen=True)
class Row:
    """One comparable figure: the Budget Lab's, ours, and what explains the difference."""

    figure: str
    country: str
    budget_lab: float
    ours: float
    method: str

    @property
    def difference(self) -> float:
        """Ours minus the Budget Lab's, in points."""
        return self.ours - self.budget_lab


def budget_lab_table(registry: Registry | None = None) -> list[Row]:
    """Our figures beside every Budget Lab figure we can compare (points or percent)."""
    registry = registry or load_registry()
    choices = budget_lab_registry(
        claimed_parts_on_content=True, assembly_rebate=True, registry=registry
    )
    energy = budget_lab_registry(
        claimed_parts_on_content=True, assembly_rebate=True, energy_rate=0.25, registry=registry
    )
    rows = []
    for c in ("CAN", "MEX"):
        rows += [
            Row(
                "May 12 2025, change (Table 2)",
                c,
                MAY_2025[c],
                change_by_authority(c, registry, exclude=("adcvd",))["total"],
                "legal reading",
            ),
            Row(
                "May 12 2025, change (Table 2)",
                c,
                MAY_2025[c],
                change_by_authority(c, choices, exclude=("adcvd",))["total"],
                "Budget Lab choices: claimed parts on 40% content, assembly rebate, no AD/CVD",
            ),
            Row(
                "May 12 2025, change (Table 2)",
                c,
                MAY_2025[c],
                change_by_authority(c, energy, exclude=("adcvd",))["total"],
                "Budget Lab choices and Canadian energy at 25%",
            ),
        ]
        for mode in ("2025h2", "2025"):
            level = etr.point(c, dt.date(2025, 11, 15), mode, registry)["effective_rate"]
            assert isinstance(level, float)
            rows.append(
                Row(
                    "Tariff-Model GTAP baseline level (date not stated)",
                    c,
                    GTAP_BASELINE[c],
                    100 * level,
                    f"level on 2025-11-15, {mode} claim shares",
                )
            )
    return rows
