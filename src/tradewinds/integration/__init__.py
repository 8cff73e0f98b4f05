"""The partnership's questions, on top of ``models``, ``data`` and ``measures``.

Structural gravity and integration targets live here (corridors and diversification join them
from other branches).

Modules:

- :mod:`.gravity_data`: the gravity datasets (``yotov2016``, ``wiod0014`` or a CSV) and the
  variables derived from them;
- :mod:`.gravity`: PPML (and OLS) with high-dimensional fixed effects through pyfixest, and the
  record of an estimated run that a scenario can reference;
- :mod:`.yotov2016`: Tables 1-3 of Yotov et al. (2016), Chapter 1;
- :mod:`.potential`: predicted against actual bilateral trade;
- :mod:`.integrate`: the uniform trade-cost cut that reaches a trade or welfare target.
"""
