"""The finiteness check of a model's answer: one sum for the usual case, exact when it fails.

``check_finite_arrays`` passes an answer whose values sum to a finite number and looks at each
variable only otherwise. These cases pin that the shortcut changes no verdict: a NaN or an
infinity where a number is defined is refused and named; huge finite values whose sum overflows
are accepted; a change over a zero baseline level is allowed; and the model's parameters are
only asked for when the message needs them.
"""

from __future__ import annotations

import numpy as np
import pytest

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport
from tradewinds.scenarios.finite import check_finite_arrays

REPORT = SolverReport(True, 3, 1e-12, 1e-10, 0.001, "newton")


def _answer(**bilateral: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    country = {"welfare_hat": np.array([1.01, 0.99]), "income": np.array([5.0, 7.0])}
    pairs = {
        "trade_hat": np.array([[1.0, 1.1], [0.9, 1.0]]),
        "trade_baseline": np.array([[3.0, 1.0], [2.0, 4.0]]),
    }
    pairs.update(bilateral)
    return {"country": country, "bilateral": pairs}


def _never() -> dict[str, object]:
    raise AssertionError("parameters asked for although the answer is finite")


def test_a_finite_answer_passes_without_asking_for_parameters() -> None:
    check_finite_arrays(_answer(), REPORT, _never)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_value_is_refused_and_named(bad: float) -> None:
    trade_hat = np.array([[1.0, bad], [0.9, 1.0]])
    with pytest.raises(ConvergenceError, match=r"bilateral\.trade_hat") as caught:
        check_finite_arrays(_answer(trade_hat=trade_hat), REPORT, lambda: {"eps": 4.0})
    assert "with {'eps': 4.0}" in str(caught.value)


def test_huge_finite_values_whose_sum_overflows_pass() -> None:
    huge = np.array([[1e308, 1e308], [1e308, 1e308]])
    check_finite_arrays(_answer(trade=huge), REPORT, _never)


def test_a_change_over_a_zero_flow_is_undefined_not_wrong() -> None:
    trade_hat = np.array([[1.0, np.nan], [0.9, 1.0]])
    base = np.array([[3.0, 0.0], [2.0, 4.0]])
    check_finite_arrays(_answer(trade_hat=trade_hat, trade_baseline=base), REPORT, _never)
    trade_hat[1, 0] = np.nan  # a flow that exists
    with pytest.raises(ConvergenceError, match=r"bilateral\.trade_hat"):
        check_finite_arrays(_answer(trade_hat=trade_hat, trade_baseline=base), REPORT)


def test_country_variables_the_records_do_not_report_are_not_checked() -> None:
    answer = _answer()
    answer["country"]["solver_scratch"] = np.array([np.nan, 1.0])
    check_finite_arrays(answer, REPORT, _never)
    answer["country"]["imports_share"] = np.array([np.nan, 1.0])
    with pytest.raises(ConvergenceError, match=r"country\.imports_share"):
        check_finite_arrays(answer, REPORT)
