"""General-equilibrium trade models solved in changes (exact hat algebra).

Pure numerics: no file or network access, no printing. Each model takes a validated baseline and
a shock and returns an :class:`~tradewinds.models.equilibrium.Equilibrium`.
"""

from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.onesector import OneSectorModel, solve_one_sector

__all__ = ["Equilibrium", "OneSectorModel", "solve_one_sector"]
