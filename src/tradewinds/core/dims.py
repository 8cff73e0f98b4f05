"""Dimension and variable names shared across the package.

Dimension names are words, never paper letters. ``exporter`` indexes a country as seller and
producer, ``importer`` a country as buyer and spender. Country-level quantities of production
(value added, input-output shares) sit on ``exporter``; those of spending (final-demand shares,
deficits) sit on ``importer``. Both dims carry the same labels.
"""

from typing import Final

EXPORTER: Final = "exporter"
IMPORTER: Final = "importer"
SECTOR: Final = "sector"
INPUT_SECTOR: Final = "input_sector"
COUNTRY: Final = "country"

#: Variables of a :class:`~tradewinds.data.baseline.Baseline` dataset.
TRADE: Final = "trade"
TARIFF: Final = "tariff"
DEFICIT: Final = "deficit"
VALUE_ADDED: Final = "value_added"
IO_SHARE: Final = "io_share"
FINAL_SHARE: Final = "final_share"
TRADE_ELASTICITY: Final = "trade_elasticity"

#: Label of the single sector of an aggregate (one-sector) baseline.
TOTAL_SECTOR: Final = "TOTAL"
