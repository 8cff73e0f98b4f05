"""The uniform trade-cost cut with non-US partners that offsets a country's loss from US tariffs.

On top of a tariff scenario (for example the measures of 2025-09-01), the integration solver
(:func:`tradewinds.integration.integrate.solve_cut`) finds the iceberg factor ``d_hat``, the same
on every pair (country, partner) in both directions, at which the country's welfare (or its total
exports) is back at its baseline level. Partners are countries or regions of the baseline; the
group ``CPTPP`` expands to the members the baseline has on their own (on the default baseline:
Japan, Mexico and the United Kingdom).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tradewinds.core import dims
from tradewinds.core.errors import ScenarioError, UnknownLabelError

if TYPE_CHECKING:
    from tradewinds.scenarios.schema import Scenario

#: CPTPP parties (ISO3) as of 2025, the United Kingdom included (in force December 2024).
CPTPP = (
    "AUS", "BRN", "CAN", "CHL", "GBR", "JPN", "MEX", "MYS", "NZL", "PER", "SGP", "VNM",
)  # fmt: skip
#: Partners used when none are named.
DEFAULT_PARTNERS = ("MEX", "EU27", "JPN", "KOR", "CPTPP")

Offset = Literal["welfare", "exports"]


def expand_partners(names: Sequence[str], country: str, known: Sequence[str]) -> list[str]:
    """Partner labels of the baseline: ``CPTPP`` expanded, the country itself and the US left out.

    Naming the US is an error (the point is to offset the US loss elsewhere).
    """
    out: list[str] = []
    for raw in names:
        name = raw.strip().upper()
        if name == "CPTPP":
            out.extend(c for c in CPTPP if c in known)
        elif name == "USA":
            raise ScenarioError("Partners are non-US markets; leave USA out of --partners.")
        elif name not in known:
            raise UnknownLabelError("partner", name, [*known, "CPTPP"], "the baseline")
        else:
            out.append(name)
    partners = [p for p in dict.fromkeys(out) if p not in (country, "USA")]
    if not partners:
        raise ScenarioError(f"No partner of {country} left in {list(names)} on this baseline.")
    return partners


def offset_cut(
    scenario: str | Path | Scenario,
    country: str,
    partners: Sequence[str] = DEFAULT_PARTNERS,
    *,
    baseline: str | None = None,
    offset: Offset = "welfare",
) -> tuple[Any, list[str]]:
    """Solve for the cut; returns the :class:`IntegrationResult` and the partner list used.

    ``scenario`` is a scenario file or an already parsed :class:`Scenario` (as the HTTP API
    passes it, so that a request never names a server path).
    """
    from tradewinds.data.loaders import load_baseline
    from tradewinds.integration.integrate import WelfareOffset
    from tradewinds.scenarios.integration import integrate_on
    from tradewinds.scenarios.schema import Scenario, load_scenario

    if offset not in ("welfare", "exports"):
        raise ScenarioError(f"--offset {offset!r} must be 'welfare' or 'exports'.")
    country = country.upper()
    scen = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    base = load_baseline(baseline or scen.baseline)
    known = [str(c) for c in base[dims.EXPORTER].values]
    if country not in known:
        raise UnknownLabelError("country", country, known, "the baseline")
    chosen = expand_partners(partners, country, known)
    metric = "welfare_hat" if offset == "welfare" else "exports_hat"
    target = WelfareOffset(country, metric, f"{country}'s {offset} back to its baseline level")
    # the scenario's shocks and model settings, as for `tradewinds integrate --scenario`
    result = integrate_on([(country, p) for p in chosen], target, scenario=scen, baseline=base)
    return result, chosen
