"""The HTS universe (valid HTS10 codes, MFN rates) and the named product lists.

Both are compact tables derived from the Budget Lab resources by ``scripts/build_defaults.py``
(function ``build_measures``) and shipped in ``measures/data/derived`` with a provenance record.
Scopes are evaluated once per measure over the whole sorted universe: a prefix covers a contiguous
slice of the sorted codes, found with two binary searches.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tradewinds.core.errors import DataError, UnknownLabelError
from tradewinds.measures.fields import dotted as dotted  # re-exported: one HTS formatter

if TYPE_CHECKING:
    import pandas as pd

    from tradewinds.measures.schema import Scope

_DERIVED = "data/derived"


def _path(name: str) -> Path:
    path = Path(str(resources.files("tradewinds.measures").joinpath(f"{_DERIVED}/{name}")))
    if not path.exists():
        raise DataError(
            f"Packaged table {name!r} is missing; rebuild it with "
            "'python scripts/build_defaults.py --only measures'."
        )
    return path


def _open(name: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(_path(name), dtype=str, keep_default_na=False)


@dataclass(frozen=True)
class HtsUniverse:
    """Sorted HTS codes (8 and 10 digits) with rate columns aligned to them.

    ``mfn_*``: column 1 general; ``col2_*``: column 2 (general note 3(b) countries).

    ``columns`` holds the table as numpy arrays (what the duty engine reads, without pandas);
    ``table`` is the same as a pandas DataFrame, built on first use.
    """

    codes: np.ndarray  # sorted array of str
    columns: dict[str, np.ndarray] = field(compare=False, repr=False)

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """One row per code, same order as ``codes``."""
        import pandas as pd

        return pd.DataFrame({"code": self.codes, **self.columns})

    def __len__(self) -> int:
        return len(self.codes)

    def prefix_slice(self, prefix: str) -> slice:
        """The slice of ``codes`` starting with ``prefix``."""
        lo = int(np.searchsorted(self.codes, prefix, side="left"))
        hi = int(np.searchsorted(self.codes, prefix + "\uffff", side="left"))
        return slice(lo, hi)

    def mask(self, prefixes: tuple[str, ...] | list[str]) -> np.ndarray:
        """Boolean mask of codes starting with any of ``prefixes``."""
        if not len(prefixes):
            return np.zeros(len(self.codes), dtype=bool)
        # all slices at once: +1 at each start, -1 at each end, covered where the sum is > 0
        wanted = np.asarray(prefixes, dtype=str)
        lo = np.searchsorted(self.codes, wanted, side="left")
        hi = np.searchsorted(self.codes, np.char.add(wanted, "\uffff"), side="left")
        edges = np.zeros(len(self.codes) + 1, dtype=np.int64)
        np.add.at(edges, lo, 1)
        np.add.at(edges, hi, -1)
        return np.asarray(np.cumsum(edges[:-1]) > 0)

    def index_of(self, codes: pd.Series | np.ndarray, where: str = "") -> np.ndarray:
        """Positions of normalised HTS codes; an unknown one raises :class:`UnknownLabelError`."""
        wanted = np.asarray(codes, dtype=str)
        idx = np.searchsorted(self.codes, wanted)
        idx = np.minimum(idx, len(self.codes) - 1)
        found = self.codes[idx] == wanted
        if not found.all():
            bad = str(wanted[np.flatnonzero(~found)[0]])
            raise UnknownLabelError("HTS code", bad, self.nearest(bad), where)
        return np.asarray(idx, dtype=np.intp)

    def find(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of normalised codes and whether each was found (no error raised)."""
        wanted = np.asarray(codes, dtype=str)
        if len(self.codes) == 0:
            return np.zeros(len(wanted), dtype=np.intp), np.zeros(len(wanted), dtype=bool)
        idx = np.minimum(np.searchsorted(self.codes, wanted), len(self.codes) - 1)
        return np.asarray(idx, dtype=np.intp), self.codes[idx] == wanted

    def nearest(self, code: str, n: int = 5) -> list[str]:
        """Valid codes sharing the longest prefix with ``code``, as dotted HTS numbers."""
        digits = re.sub(r"\D", "", code)
        for length in range(min(len(digits), 10), 1, -1):
            sl = self.prefix_slice(digits[:length])
            hits = [c for c in self.codes[sl] if len(c) == 10]
            if hits:
                return [dotted(c) for c in hits[:n]]
        return []


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


def _build_universe() -> HtsUniverse:
    import pandas as pd

    table = _open("hts.csv.gz").sort_values("code").reset_index(drop=True)
    numbers = ("mfn_ad_valorem", "mfn_specific", "col2_ad_valorem", "col2_specific")
    for col in numbers:
        table[col] = pd.to_numeric(table[col], errors="coerce").fillna(0.0)
    table["usmca_free"] = table["usmca_free"] == "True"
    # short codes as fixed-width strings (fast comparisons); free text as objects (compact)
    dtypes: dict[str, type] = {"usmca_free": bool}
    dtypes |= dict.fromkeys(numbers, float)
    dtypes |= {"mfn_kind": str, "mfn_unit": str, "col2_kind": str, "col2_unit": str}
    columns = {
        str(c): table[c].to_numpy(dtype=dtypes.get(str(c), object))
        for c in table.columns
        if c != "code"
    }
    return HtsUniverse(table["code"].to_numpy(dtype=str), columns)


@functools.cache
def hts_universe() -> HtsUniverse:
    """The packaged HTS table: 2025 basic edition lines plus codes from later 2025 revisions.

    Parsed once and kept in the user cache (:mod:`tradewinds.core.cache`), keyed by the file's
    contents and this module's code.
    """
    from tradewinds.core.cache import cached

    return cached(
        "hts", [_path("hts.csv.gz")], _build_universe, code=[__name__], extra=np.__version__
    )


@functools.cache
def product_lists() -> dict[str, tuple[str, ...]]:
    """Named product lists (HTS prefixes), keyed by list name."""
    import csv

    lists: dict[str, list[str]] = {}
    with _path("product_lists.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lists.setdefault(row["list"], []).append(row["hts_prefix"])
    return {name: tuple(lists[name]) for name in sorted(lists)}


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
