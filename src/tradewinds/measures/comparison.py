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


#: The Budget Lab's partner groups (``country_partner_mapping.csv`` of the tracker, in
#: ``budgetlab_yale/tariff_rate_tracker/resources``, by Census code; ISO3 here): ``eu`` is the 27
#: members, ``ftrow`` the other US free-trade partners, ``row`` everyone not listed.
BUDGET_LAB_GROUPS: dict[str, tuple[str, ...]] = {
    "canada": ("CAN",),
    "mexico": ("MEX",),
    "china": ("CHN",),
    "japan": ("JPN",),
    "uk": ("GBR",),
    "eu": etr.EU27,
    "ftrow": (
        "AUS", "BHR", "CHL", "COL", "CRI", "DOM", "SLV", "GTM", "HND", "ISR", "JOR", "KOR",
        "MAR", "NIC", "OMN", "PAN", "PER", "SGP",
    ),
}  # fmt: skip
#: The Budget Lab's rate by partner group (percent, total including MFN) and its 2024 import
#: shares: ``output/etr/etr_by_partner.csv`` of ``Budget-Lab-Yale/tariff-rate-tracker`` at
#: commit 25e3deb54d7820392d7ee5a430770900d8cdffac (read from the public repository; the
#: tracker's outputs are not in ``../shared/data``), rounded to 0.01.
BUDGET_LAB_SHARES = {
    "canada": 0.125638, "china": 0.133808, "eu": 0.180047, "ftrow": 0.092368,
    "japan": 0.046374, "mexico": 0.157379, "row": 0.244436, "uk": 0.019950,
}  # fmt: skip
BUDGET_LAB_BY_GROUP: dict[str, dict[str, float]] = {
    "2025-03-17": {"canada": 11.77, "china": 28.06, "eu": 3.20, "ftrow": 4.25, "japan": 8.18,
                   "mexico": 12.70, "row": 1.21, "uk": 5.15},
    "2025-04-17": {"canada": 11.77, "china": 36.07, "eu": 7.56, "ftrow": 10.70, "japan": 14.49,
                   "mexico": 12.70, "row": 9.29, "uk": 12.65},
    "2025-07-17": {"canada": 15.08, "china": 36.58, "eu": 7.79, "ftrow": 11.08, "japan": 14.93,
                   "mexico": 13.10, "row": 9.47, "uk": 13.06},
    "2025-10-17": {"canada": 15.08, "china": 36.58, "eu": 9.64, "ftrow": 13.23, "japan": 17.82,
                   "mexico": 13.10, "row": 22.38, "uk": 13.06},
    "2025-11-17": {"canada": 15.08, "china": 36.58, "eu": 9.64, "ftrow": 12.57, "japan": 17.82,
                   "mexico": 13.10, "row": 20.85, "uk": 13.06},
    "2026-02-25": {"canada": 3.85, "china": 22.55, "eu": 7.46, "ftrow": 8.50, "japan": 12.57,
                   "mexico": 3.96, "row": 5.62, "uk": 9.08},
}  # fmt: skip


@dataclass(frozen=True)
class GroupRow:
    """Our rate on a Budget Lab partner group beside theirs (percent) and its parts."""

    group: str
    share: float  # our 2024 import share of the group
    ours: float
    budget_lab: float
    by_authority: dict[str, float]

    @property
    def contribution(self) -> float:
        """The group's part of the US-wide gap: import share times the group's gap (points)."""
        return self.share * (self.ours - self.budget_lab)


def budget_lab_groups(
    date: str, usmca_shares: str = "2024", registry: Registry | None = None
) -> list[GroupRow]:
    """Our rate on each Budget Lab partner group on one of its dates, with our parts by authority.

    The group contributions add up to the US-wide gap against the Budget Lab's import-share
    weighted mean (our 2024 shares and theirs agree to 0.0001).
    """
    if date not in BUDGET_LAB_BY_GROUP:
        from tradewinds.core.errors import ScenarioError

        raise ScenarioError(
            f"The Budget Lab's partner file has no date {date!r}: one of "
            f"{sorted(BUDGET_LAB_BY_GROUP)}."
        )
    import numpy as np

    rows, duty = etr._blended_duty("ALL", dt.date.fromisoformat(date), usmca_shares, registry)
    imports = rows["imports"].astype(float)
    listed = {c: g for g, members in BUDGET_LAB_GROUPS.items() for c in members}
    label = np.array([listed.get(str(c), "row") for c in rows["country"]])
    out = []
    for group in BUDGET_LAB_SHARES:
        mask = label == group
        base = float(imports[mask].sum())
        parts = {k: 100 * float(v[mask].sum()) / base for k, v in duty.items()}
        out.append(
            GroupRow(
                group=group,
                share=base / float(imports.sum()),
                ours=sum(parts.values()),
                budget_lab=BUDGET_LAB_BY_GROUP[date][group],
                by_authority={k: v for k, v in parts.items() if abs(v) >= 0.005},
            )
        )
    return out
