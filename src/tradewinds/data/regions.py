"""Which region of the bundled 11-region baseline each country belongs to.

``defaults/regions_ld2023.csv`` (written by ``scripts/build_defaults.py``) maps each of the 194
countries of the Ignatenko et al. (2025) data to its label in the bundled default baseline:
itself for the countries kept (``CAN``, ``BRA`` …), ``EU27`` for the members of the European
Union and ``ROW`` for the rest. Read with the standard library, so that messages and maps can
use it without pandas.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources


@functools.cache
def region_members() -> dict[str, str]:
    """Country (ISO3) to its region label in the bundled default baseline."""
    text = resources.files("tradewinds").joinpath("defaults/regions_ld2023.csv").read_text("utf-8")
    return {row["country"]: row["region"] for row in csv.DictReader(io.StringIO(text))}
