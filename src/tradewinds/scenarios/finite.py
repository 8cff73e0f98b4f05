"""The check that a model's answer holds numbers wherever a number is defined.

Shared by the runner (:func:`tradewinds.scenarios.runner.check_finite`, on an
:class:`~tradewinds.models.equilibrium.Equilibrium`) and the array solve of
:func:`tradewinds.scenarios.execute.execute` (on plain arrays). No xarray or pandas.
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
    infinite), so the small country variables are passed after one sum over all of them; only
    when that sum is not finite (an element that is not, or a sum that overflows) is each one
    looked at. Large arrays are checked element by element (as fast as a sum), and the baseline
    level is compared with zero only where a value is not finite.
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
            level = None if base is None or base not in variables else np.asarray(variables[base])
            checked.append((f"{name}.{var}", values, level))
    failed: set[str] = set()
    # small arrays (country variables) are judged together by one sum, looked at one by one
    # only if it is not finite; large ones are checked element-wise, which is as fast
    small = [(label, v) for label, v, level in checked if level is None and v.size <= _SMALL]
    if small:
        with np.errstate(over="ignore", invalid="ignore"):
            total = np.concatenate([v.ravel() for _, v in small]).sum()
        if not np.isfinite(total):
            failed |= {label for label, v in small if not np.isfinite(v).all()}
    for label, values, level in checked:
        if level is None and values.size <= _SMALL:
            continue
        mask = ~np.isfinite(values)
        if level is not None and mask.any():
            mask &= level != 0
        if mask.any():
            failed.add(label)
    bad = [label for label, _, _ in checked if label in failed]
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


#: Arrays up to this size are summed together (one call for the country variables).
_SMALL = 1024

#: Changes that are undefined (0/0), not wrong, where the matching baseline level is zero.
_BASE_OF = {
    "trade_hat": "trade_baseline",
    "gross_output_hat": "gross_output_baseline",
    "value_added_hat": "value_added_baseline",
}
