"""The partnership's questions, on top of ``models``, ``data`` and ``measures``.

Structural gravity, integration targets, corridors and diversification live here.

Modules:

- :mod:`.gravity_data`: the gravity datasets (``yotov2016``, ``wiod0014`` or a CSV) and the
  variables derived from them;
- :mod:`.gravity`: PPML (and OLS) with high-dimensional fixed effects through pyfixest, and the
  record of an estimated run that a scenario can reference;
- :mod:`.yotov2016`: Tables 1-3 of Yotov et al. (2016), Chapter 1;
- :mod:`.potential`: predicted against actual bilateral trade;
- :mod:`.integrate`: the uniform trade-cost cut that reaches a trade or welfare target;
- :mod:`.corridors`: sea and land routes, their cost and time, the US-transit flag and the
  trade-cost equivalent of a change of routing (``docs/corridors.md``);
- :mod:`.diversify`: exposure by product to US duties, alternative markets from the GE model
  and product-level world demand (``docs/diversify.md``).
"""
