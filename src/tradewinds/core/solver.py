"""The record every solver returns, converged or not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SolverReport:
    """How a solve went.

    Attributes
    ----------
    converged
        Whether ``max_residual`` met ``tolerance``.
    iterations
        Newton or fixed-point iterations taken.
    max_residual
        Largest excess demand relative to the corresponding income, at the returned point.
    tolerance
        Tolerance the residual was held to.
    seconds
        Wall-clock time of the solve.
    method
        Short name of the algorithm.
    """

    converged: bool
    iterations: int
    max_residual: float
    tolerance: float
    seconds: float
    method: str

    def summary(self) -> str:
        """One line for messages and logs."""
        state = "converged" if self.converged else "did NOT converge"
        return (
            f"{self.method} {state} after {self.iterations} iterations, "
            f"max relative residual {self.max_residual:.3g} (tolerance {self.tolerance:.0e}), "
            f"{self.seconds * 1e3:.1f} ms"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for JSON and the results store.

        Written out rather than ``dataclasses.asdict``, whose deep copy of six scalars cost a
        tenth of a small model's solve per Monte Carlo draw.
        """
        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "max_residual": self.max_residual,
            "tolerance": self.tolerance,
            "seconds": self.seconds,
            "method": self.method,
        }
