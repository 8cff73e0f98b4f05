"""The check that a model's answer holds numbers wherever a number is defined.

Shared by the runner (:func:`tradewinds.scenarios.runner.check_finite`, on an
:class:`~tradewinds.models.equilibrium.Equilibrium`) and the quick ``run`` path
(:mod:`tradewinds.scenarios.quick`, on plain arrays). No xarray or pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from tradewinds.core.solver import SolverReport


def check_finite_arrays(
    arrays: Mapping[str, Mapping[str, np.ndarray]],
    report: SolverReport,
    params: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
) -> None:
    """:class:`ConvergenceError` if an answer holds NaN or infinity where a number is defined.

    ``arrays`` holds the ``country``, ``sector`` and ``bilateral`` variables of an answer by
    name. Checked: every country variable the tidy records report and every sector and
    bilateral variable; ratios over a zero baseline level (a flow or sector that does not exist)
    are undefined and allowed. See :func:`tradewinds.scenarios.runner.check_finite`.
    ``params`` (the model's parameters, for the message) may be a function, called only if
    the check fails.

    Values whose sum is finite hold no NaN or infinity (either would make the sum NaN or
    infinite), so the usual answer is passed after one sum over all of them; only when that sum
    is not finite (an element that is not, or a sum that overflows) is each variable looked at.
    """
    from tradewinds.models.equilibrium import LEVEL_METRICS, PCT_METRICS

    checked: list[tuple[str, np.ndarray, np.ndarray | None]] = []
    for name, variables in arrays.items():
        for var, raw in variables.items():
            values = np.asarray(raw)
            reported = (
                var in PCT_METRICS or var in LEVEL_METRICS or var.endswith(("_pct", "_share"))
            )
            if values.dtype.kind not in "fc" or (name == "country" and not reported):
                continue
            base = _BASE_OF.get(var)
            defined = None if base is None or base not in variables else variables[base] != 0
            checked.append((f"{name}.{var}", values, defined))
    # one sum over every value that must be a number
    flat = [v.ravel() if defined is None else v[defined] for _, v, defined in checked]
    with np.errstate(over="ignore", invalid="ignore"):
        if not flat or np.isfinite(np.concatenate(flat).sum()):
            return
    bad: list[str] = []
    for label, values, defined in checked:
        mask = ~np.isfinite(values)
        if defined is not None:
            mask &= defined
        if mask.any():
            bad.append(label)
    if bad:
        from tradewinds.core.errors import ConvergenceError

        shown = ", ".join(bad[:4]) + (f" and {len(bad) - 4} more" if len(bad) > 4 else "")
        given = params() if callable(params) else params
        settings = f" with {given}" if given else ""
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
