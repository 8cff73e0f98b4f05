"""Trade potential: bilateral trade predicted by a gravity model against trade observed.

The model is PPML on international flows of one year with exporter and importer effects and
the standard gravity covariates (log distance, contiguity, common language, colonial ties and an
agreement dummy: ``rta``, or ``FTA`` in ``wiod0014``), as in Table 3, column PPML, of Yotov et
al. (2016) restricted to one year. Data without distance and the dummies (``wiod0014``) get them
from CEPII GeoDist (:func:`~tradewinds.integration.gravity_data.with_geodist`). Its
prediction for a pair is the trade that pair "should" have given the two economies' sizes, their
multilateral resistance, distance and ties; the gap ``100 (actual / predicted - 1)`` says how far
below (negative) or above (positive) that potential the pair trades.

Canada–Mexico is shown beside comparison pairs (:data:`COMPARISON`): each partner with the
United States (the trade the partnership wants to diversify from), with Japan (a large distant
market, like Canada and Mexico a CPTPP member) and with Chile (an FTA partner of both in the
Americas).
"""

from __future__ import annotations

import pandas as pd

from tradewinds.core.errors import DataError, ScenarioError, UnknownLabelError
from tradewinds.integration.gravity import GravityResult, GravitySpec, estimate
from tradewinds.integration.gravity_data import load_gravity_data, with_geodist

#: Pairs shown beside the one asked about.
COMPARISON = [
    ("CAN", "USA"),
    ("MEX", "USA"),
    ("CAN", "JPN"),
    ("MEX", "JPN"),
    ("CAN", "CHL"),
    ("MEX", "CHL"),
]

REGRESSORS = ["ln_dist", "cntg", "lang", "clny"]

#: The dataset a potential is fitted on by default: the one with the newest year (WIOD, 2014;
#: ``yotov2016`` ends in 2006).
DEFAULT_DATA = "wiod0014"

#: The agreement dummy, by the name each dataset gives it.
AGREEMENT = ("rta", "FTA")


def potential_spec(year: int, agreement: str = "rta") -> GravitySpec:
    """The cross-section PPML specification used for potential trade."""
    return GravitySpec(
        name=f"potential-{year}",
        regressors=[*REGRESSORS, agreement],
        fixed_effects=["exporter", "importer"],
        years=[year],
        cluster="pair",
        international_only=True,
    )


def trade_potential(
    a: str,
    b: str,
    *,
    data: str = DEFAULT_DATA,
    year: int | None = None,
    comparison: list[tuple[str, str]] | None = None,
) -> tuple[pd.DataFrame, GravityResult]:
    """Predicted and actual trade for ``a``-``b`` and the comparison pairs, both directions.

    Returns records ``exporter, importer, year, actual, predicted, gap_pct, role`` and the fit.
    ``a`` and ``b`` must differ, and the data must hold their trade in ``year`` (default: the
    data's latest year).
    """
    if a == b:
        raise ScenarioError(
            f"Trade potential is between two countries; got {a!r} twice. Name a partner, "
            "e.g. CAN MEX."
        )
    frame = with_geodist(load_gravity_data(data))
    frame = frame[frame["dist"].notna()]
    agreement = next((c for c in AGREEMENT if c in frame.columns), None)
    if agreement is None:
        raise DataError(f"Gravity data {data!r} has no agreement dummy (rta or FTA).")
    year = int(year if year is not None else frame["year"].max())
    known = sorted(set(frame["exporter"].astype(str)))
    for c in (a, b):
        if c not in known:
            raise UnknownLabelError("country", c, known, f"gravity data {data!r}")
    result = estimate(frame, potential_spec(year, agreement), label=data)
    fitted = result.fitted
    if fitted is None:  # pragma: no cover - PPML always returns fitted values
        raise DataError("The potential model returned no fitted values.")
    pairs = [(a, b, "asked")] + [
        (x, y, "comparison")
        for x, y in (comparison if comparison is not None else COMPARISON)
        if {x, y} != {a, b} and x in known and y in known
    ]
    rows = []
    outcome = fitted[result.spec.outcome].to_numpy(dtype=float)
    predicted_all = fitted["predicted"].to_numpy(dtype=float)
    lookup = {
        (str(e), str(i)): (float(outcome[k]), float(predicted_all[k]))
        for k, (e, i) in enumerate(zip(fitted["exporter"], fitted["importer"], strict=True))
    }
    if (a, b) not in lookup and (b, a) not in lookup:
        raise DataError(
            f"Gravity data {data!r} has no trade between {a} and {b} in {year} to fit; "
            "give another --year or --data."
        )
    for x, y, role in pairs:
        for e, i in ((x, y), (y, x)):
            if (e, i) not in lookup:
                continue
            actual, predicted = lookup[(e, i)]
            gap = 100 * (actual / predicted - 1) if predicted > 0 else float("nan")
            rows.append((e, i, year, actual, predicted, gap, role))
    records = pd.DataFrame(
        rows, columns=["exporter", "importer", "year", "actual", "predicted", "gap_pct", "role"]
    )
    return records, result
