"""The partnership's questions: gravity, integration targets, corridors and diversification.

Built on top of ``tradewinds.models``, ``tradewinds.data`` and ``tradewinds.measures``; see
``../shared/DESIGN.md`` (layers) and the pages ``docs/corridors.md`` and ``docs/diversify.md``.
"""
