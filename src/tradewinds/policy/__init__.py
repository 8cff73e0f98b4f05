"""Strategy on top of the models: optimal tariffs, Nash tariff wars and coalition games.

The layer sees a model only as a function from tariffs to an equilibrium
(:data:`~tradewinds.policy.problem.TariffSolver`), so every registered model plugs in. It does
no file IO and no printing; the scenarios layer builds problems from scenario files and the CLI
presents the answers.
"""
