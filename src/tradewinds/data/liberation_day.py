"""The raw arrays of the Ignatenko et al. (2025) replication data, as the paper uses them.

:func:`tradewinds.data.loaders.load_liberation_day` turns the same folder into a validated
:class:`Baseline` (domestic absorption = GDP - exports). The paper instead builds its baseline
from international flows, GDP and calibrated importer shares
(:func:`tradewinds.models.ignatenko.build_baseline`), and its scenarios use the April 2025 USTR
rates; :func:`read_liberation_day` returns those inputs untouched but for the unit.

Files (see ``shared/data/SOURCES.md``): ``trade_cepii.csv`` (exporter rows, importer columns,
thousands of USD, empty diagonal), ``gdp.csv`` (current USD), ``tariffs.csv`` (April 2025 rate
applied by the US to each country), ``country_labels.csv`` and ``ids.txt`` (1-based ids of the
US, Canada, Mexico and the EU members).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewinds.core.errors import DataError
from tradewinds.data.loaders import UNITS, file_sha256

Array = np.ndarray[Any, np.dtype[np.float64]]

#: Files read, in the order they are hashed for provenance.
FILES = ("trade_cepii.csv", "gdp.csv", "tariffs.csv", "country_labels.csv")


@dataclass(frozen=True)
class LiberationDayData:
    """Inputs of the paper's one-sector model.

    Attributes
    ----------
    labels
        ISO3 codes, in file order.
    trade
        International flows, exporter rows and importer columns, zero diagonal, in ``units``.
    gdp
        GDP per country in ``units``.
    ustr_tariff
        April 2025 "Liberation Day" rate the US announced for each country (a fraction).
    eu
        ISO3 codes of the 27 EU members, from ``ids.txt`` (empty if the file is absent).
    units
        Money unit of ``trade`` and ``gdp``.
    files
        SHA-256 of each file read.
    """

    labels: list[str]
    trade: Array
    gdp: Array
    ustr_tariff: Array
    eu: list[str]
    units: str
    files: dict[str, str]

    def index(self, country: str) -> int:
        """Position of a country code."""
        return self.labels.index(country)


def read_liberation_day(folder: Path) -> LiberationDayData:
    """Read the replication folder; values converted to US$ millions (the package unit)."""
    folder = Path(folder)
    paths = {name: folder / name for name in FILES}
    from tradewinds.core.inputs import check_input_file

    for name, path in paths.items():
        if not path.exists():
            raise DataError(
                f"Missing {name} in {str(folder)!r}; the replication data need all of "
                f"{list(FILES)} (shared/data/liberation_day_ignatenko2025)."
            )
        check_input_file(path, "baseline data file")
    try:
        labels = pd.read_csv(paths["country_labels.csv"], dtype={"iso3": str})["iso3"]
        trade = pd.read_csv(paths["trade_cepii.csv"]).fillna(0.0).to_numpy(dtype=float)
        gdp = pd.read_csv(paths["gdp.csv"])["gdp"].to_numpy(dtype=float)
        tariff = pd.read_csv(paths["tariffs.csv"])["applied_tariff"].to_numpy(dtype=float)
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        raise DataError(f"Cannot read the replication data in {str(folder)!r}: {exc}") from exc
    iso = labels.str.upper().tolist()
    n = len(iso)
    if trade.shape != (n, n) or gdp.shape != (n,) or tariff.shape != (n,):
        raise DataError(
            f"Shapes disagree in {str(folder)!r}: trade {trade.shape}, gdp {gdp.shape}, "
            f"tariffs {tariff.shape}, {n} labels; all must list the same countries in order."
        )
    if np.isnan(tariff).any():
        raise DataError(f"tariffs.csv in {str(folder)!r} has empty rates.")
    np.fill_diagonal(trade, 0.0)
    eu = _eu_members(folder / "ids.txt", iso)
    files = {name: file_sha256(path) for name, path in paths.items()}
    return LiberationDayData(
        labels=iso,
        trade=trade / 1e3,  # thousands of USD -> millions
        gdp=gdp / 1e6,  # USD -> millions
        ustr_tariff=tariff,
        eu=eu,
        units=UNITS,
        files=files,
    )


def _eu_members(path: Path, labels: list[str]) -> list[str]:
    if not path.exists():
        return []
    from tradewinds.core.inputs import check_input_file

    check_input_file(path, "baseline data file")
    match = re.search(r"id_EU\s*=\s*\[([^\]]*)\]", path.read_text())
    if match is None:
        raise DataError(f"No id_EU list in {str(path)!r}.")
    ids = [int(x) for x in match.group(1).split()]
    if not all(1 <= k <= len(labels) for k in ids):
        raise DataError(f"id_EU in {str(path)!r} has ids outside 1..{len(labels)}.")
    return [labels[k - 1] for k in ids]
