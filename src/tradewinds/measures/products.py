"""The HTS universe (valid HTS10 codes, MFN rates) and the named product lists.

Both are compact tables derived from the Budget Lab resources by ``scripts/build_defaults.py``
(function ``build_measures``) and shipped in ``measures/data/derived`` with a provenance record.
Scopes are evaluated once per measure over the whole sorted universe: a prefix covers a contiguous
slice of the sorted codes, found with two binary searches.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tradewinds.core.errors import DataError, UnknownLabelError

if TYPE_CHECKING:
    from tradewinds.measures.schema import Scope

_DERIVED = "data/derived"


def _open(name: str) -> pd.DataFrame:
    path = resources.files("tradewinds.measures").joinpath(f"{_DERIVED}/{name}")
    with resources.as_file(path) as real:
        if not real.exists():
            raise DataError(
                f"Packaged table {name!r} is missing; rebuild it with "
                "'python scripts/build_defaults.py --only measures'."
            )
        return pd.read_csv(real, dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class HtsUniverse:
    """Sorted HTS codes (8 and 10 digits) with MFN rate columns aligned to them."""

    codes: np.ndarray  # sorted array of str
    table: pd.DataFrame  # one row per code, same order

    def __len__(self) -> int:
        return len(self.codes)

    def prefix_slice(self, prefix: str) -> slice:
        """The slice of ``codes`` starting with ``prefix``."""
        lo = int(np.searchsorted(self.codes, prefix, side="left"))
        hi = int(np.searchsorted(self.codes, prefix + "\uffff", side="left"))
        return slice(lo, hi)

    def mask(self, prefixes: tuple[str, ...] | list[str]) -> np.ndarray:
        """Boolean mask of codes starting with any of ``prefixes``."""
        out = np.zeros(len(self.codes), dtype=bool)
        for prefix in prefixes:
            out[self.prefix_slice(prefix)] = True
        return out

    def index_of(self, codes: pd.Series | np.ndarray, where: str = "") -> np.ndarray:
        """Positions of normalised HTS codes; an unknown one raises :class:`UnknownLabelError`."""
        idx = pd.Index(self.codes).get_indexer(pd.Index(codes))
        if (idx < 0).any():
            bad = str(np.asarray(codes)[np.flatnonzero(idx < 0)[0]])
            raise UnknownLabelError("HTS code", bad, self.nearest(bad), where)
        return np.asarray(idx)

    def nearest(self, code: str, n: int = 5) -> list[str]:
        """Valid codes sharing the longest prefix with ``code``, as dotted HTS numbers."""
        digits = re.sub(r"\D", "", code)
        for length in range(min(len(digits), 10), 1, -1):
            sl = self.prefix_slice(digits[:length])
            hits = [c for c in self.codes[sl] if len(c) == 10]
            if hits:
                return [dotted(c) for c in hits[:n]]
        return []


def dotted(code: str) -> str:
    """``"8703230190"`` -> ``"8703.23.0190"``."""
    if len(code) <= 4:
        return code
    if len(code) <= 6:
        return f"{code[:4]}.{code[4:]}"
    return f"{code[:4]}.{code[4:6]}.{code[6:]}"


def normalise_hts(code: str) -> str:
    """Strip dots and spaces; raise if what is left is not 8 or 10 digits."""
    digits = re.sub(r"[.\s]", "", str(code))
    if not digits.isdigit() or len(digits) not in (8, 10):
        universe = hts_universe()
        raise UnknownLabelError(
            "HTS code",
            str(code),
            universe.nearest(re.sub(r"\D", "", digits)),
            "the HTS (expected 10 digits, e.g. 8703.23.0190)",
        )
    return digits


@functools.cache
def hts_universe() -> HtsUniverse:
    """The packaged HTS table: 2025 basic edition lines plus codes from later 2025 revisions."""
    table = _open("hts.csv.gz").sort_values("code").reset_index(drop=True)
    for col in ("mfn_ad_valorem", "mfn_specific"):
        table[col] = pd.to_numeric(table[col], errors="coerce").fillna(0.0)
    table["usmca_free"] = table["usmca_free"] == "True"
    return HtsUniverse(table["code"].to_numpy(dtype=str), table)


@functools.cache
def product_lists() -> dict[str, tuple[str, ...]]:
    """Named product lists (HTS prefixes), keyed by list name."""
    frame = _open("product_lists.csv")
    return {str(name): tuple(g["hts_prefix"]) for name, g in frame.groupby("list", sort=True)}


def list_prefixes(name: str, where: str = "") -> tuple[str, ...]:
    """The prefixes of the named list; raises with suggestions if the name is unknown."""
    lists = product_lists()
    if name not in lists:
        raise UnknownLabelError("product list", name, sorted(lists), where)
    return lists[name]


def scope_mask(scope: Scope, where: str = "") -> np.ndarray:
    """Which codes of the universe ``scope`` covers."""
    universe = hts_universe()
    prefixes = list(scope.hts_prefixes)
    for name in scope.lists:
        prefixes += list_prefixes(name, where)
    excluded = list(scope.exclude_prefixes)
    for name in scope.exclude_lists:
        excluded += list_prefixes(name, where)
    for ex in scope.declared_exclusions:
        list_prefixes(ex.list, where)  # checked here; applied per line by the stacking engine
    mask = universe.mask(prefixes)
    if excluded:
        mask &= ~universe.mask(excluded)
    return mask
