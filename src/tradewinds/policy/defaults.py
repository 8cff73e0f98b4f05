"""Defaults of the strategy games, as plain constants (importing them loads nothing else).

:mod:`.options` validates the games' options around these; the command line shows them in its
help without loading pydantic or numpy.
"""

from __future__ import annotations

from typing import Literal

#: How a partner retaliating alone in the united-front game sets its rate.
Retaliation = Literal["mirror", "optimal"]

#: Search box of every rate: free trade to 200%. Explicit so no search wanders into prohibitive
#: rates where the fixed-deficit closure has no solution.
BOUNDS = (0.0, 2.0)
#: Largest welfare gain (0.01 = 1%) a player may still have at a Nash equilibrium.
NASH_TOL = 1e-7
#: Rounds of best responses before a tariff war is declared unsettled.
MAX_ROUNDS = 30
#: Most rounds a request may ask for.
MAX_ROUNDS_LIMIT = 200
#: Elasticity range of the united-front sensitivity draws, and their seed.
EPS_RANGE = (3.0, 8.0)
SEED = 7
#: The players of a tariff war and of the united-front game.
PLAYERS = ("USA", "CAN", "MEX")
THREATENER = "USA"
PARTNERS = ("CAN", "MEX")
