"""Named sets of trade elasticities θ by WIOD industry, bundled with the package.

Each set is a CSV file in ``tradewinds/defaults/elasticities`` (columns ``wiod_code, name,
theta, sigma, covered_import_share, source``) built by ``scripts/build_elasticities.py``, whose
``provenance.json`` records the raw files, their hashes, the source and the mapping of each set.
``docs/multisector.md`` lists them. The multi-sector model reads θ, the trade elasticity; where a
source estimates the elasticity of substitution σ instead, the set stores θ = σ − 1.

Reading a set uses the standard library only, so the scenario schema can name the sets without
importing numpy or pandas.
"""

from __future__ import annotations

import csv
import functools
import json
from importlib import resources
from typing import Any

from tradewinds.core.errors import ScenarioError

#: The named sets, in the order they are listed: name -> one-line description.
ELASTICITY_SETS: dict[str, str] = {
    "cp2015": "Caliendo & Parro (2015) trade elasticities theta (the default)",
    "bw2006": "Broda & Weinstein (2006) US elasticities of substitution, theta = sigma - 1",
    "hauk2012": "Hauk (2012) US elasticities of substitution, theta = sigma - 1",
}

#: The set the multi-sector model uses unless a scenario names another.
DEFAULT_SET = "cp2015"


def check_set_name(name: str) -> str:
    """``name`` if it is a bundled set; otherwise a :class:`ScenarioError` listing the sets."""
    if name not in ELASTICITY_SETS:
        listed = "; ".join(f"{k} ({v})" for k, v in ELASTICITY_SETS.items())
        raise ScenarioError(
            f"Unknown elasticity set {name!r}. Bundled sets: {listed}. Or give "
            "'elasticities: {uniform: 5}' for one theta in every sector (docs/multisector.md)."
        )
    return name


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    base = resources.files("tradewinds.defaults").joinpath("elasticities")
    with base.joinpath(f"{check_set_name(name)}.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def elasticity_set(name: str) -> dict[str, float]:
    """θ by WIOD industry code (``c1`` … ``c35``) of the named set."""
    return {row["wiod_code"]: float(row["theta"]) for row in _rows(name)}


def elasticity_table(name: str) -> list[dict[str, str]]:
    """The rows of a set's file (code, name, θ, σ, covered import share, source), copied."""
    return [dict(row) for row in _rows(name)]


@functools.cache
def provenance() -> dict[str, Any]:
    """The build record of the sets (raw files, hashes, command, source and mapping of each)."""
    base = resources.files("tradewinds.defaults").joinpath("elasticities")
    data: dict[str, Any] = json.loads(base.joinpath("provenance.json").read_text("utf-8"))
    return data


def set_thetas(name: str, sectors: list[str]) -> dict[str, float]:
    """θ of the named set for a baseline's ``sectors``; a clear error if it does not cover them.

    The sets are by WIOD-2013 industry, so they apply to baselines labelled ``c1`` … ``c35``
    (the bundled WIOD defaults); the error says which labels are missing.
    """
    values = elasticity_set(name)
    missing = [s for s in sectors if s not in values]
    if missing:
        shown = ", ".join(repr(s) for s in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ScenarioError(
            f"Elasticity set {name!r} is by WIOD industry (c1 ... c35) and has no value for the "
            f"baseline's sectors {shown}. Use a WIOD baseline (wiod2011), or give 'theta' (one "
            "number or sector -> value) or 'elasticities: {uniform: N}'."
        )
    return {s: values[s] for s in sectors}
