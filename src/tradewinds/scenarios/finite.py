"""The check that a model's answer holds numbers wherever a number is defined.

Shared by the runner (:func:`tradewinds.scenarios.runner.check_finite`, on an
:class:`~tradewinds.models.equilibrium.Equilibrium`) and the quick ``run`` path
(:mod:`tradewinds.scenarios.quick`, on plain arrays). No xarray or pandas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tradewinds.core.solver import SolverReport


def check_finite_arrays(
    arrays: Mapping[str, Mapping[str, np.ndarray]],
    report: SolverReport,
    params: dict[str, Any] | None = None,
) -> None:
    """:class:`ConvergenceError` if an answer holds NaN or infinity where a number is defined.

    ``arrays`` holds the ``country``, ``sector`` and ``bilateral`` variables of an answer by
    name. Checked: every country variable the tidy records report and every sector and
    bilateral variable; ratios over a zero baseline level (a flow or sector that does not exist)
    are undefined and allowed. See :func:`tradewinds.scenarios.runner.check_finite`.
    """
    from tradewinds.models.equilibrium import LEVEL_METRICS, PCT_METRICS

    bad: list[str] = []
    for name, variables in arrays.items():
        for var, raw in variables.items():
            values = np.asarray(raw)
            reported = (
                var in PCT_METRICS or var in LEVEL_METRICS or var.endswith(("_pct", "_share"))
            )
            if values.dtype.kind not in "fc" or (name == "country" and not reported):
                continue
            mask = ~np.isfinite(values)
            base = _BASE_OF.get(var)
            if base is not None and base in variables:
                mask &= np.asarray(variables[base]) != 0
            if mask.any():
                bad.append(f"{name}.{var}")
    if bad:
        from tradewinds.core.errors import ConvergenceError

        shown = ", ".join(bad[:4]) + (f" and {len(bad) - 4} more" if len(bad) > 4 else "")
        settings = f" with {params}" if params else ""
        raise ConvergenceError(
            f"The model's answer{settings} holds NaN or infinite values ({shown}): the "
            "parameters or shocks are outside the range it can evaluate numerically. Use "
            "elasticities and tariffs of a plausible size",
            report,
        )


#: Changes that are undefined (0/0), not wrong, where the matching baseline level is zero.
_BASE_OF = {
    "trade_hat": "trade_baseline",
    "gross_output_hat": "gross_output_baseline",
    "value_added_hat": "value_added_baseline",
}
