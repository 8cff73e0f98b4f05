"""A bundled baseline as plain numpy arrays, with its store identity, for a run's array solve.

Loading a baseline as an ``xarray.Dataset`` imports xarray and pandas, which cost several times
an 11-region solve. The arrays the one-sector model reads (trade and tariffs by exporter,
importer and sector), the labels, the ``attrs`` and the baseline's content hash
(:func:`~tradewinds.data.identity.baseline_digest`, its identity in the results store) are
kept in the user cache (:mod:`tradewinds.core.cache`). They are built from
:func:`~tradewinds.data.loaders.load_baseline`, which validates the dataset, and keyed by the
bundled file's contents and the code of the loaders, the validation and the hash, so an edited
file or changed code rebuilds them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import DataError

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

#: Bundled baselines: name -> file in ``tradewinds/defaults`` (read by ``load_baseline``).
BUNDLED = {
    "default": "ld2023_regions.nc",
    "ld2023-regions": "ld2023_regions.nc",
    "wiod2011": "wiod2011.nc",
    "wiod2023": "wiod2023.nc",
}


@dataclass(frozen=True)
class BaselineArrays:
    """One baseline's labels and arrays (exporter, importer, sector), its attrs and hash."""

    countries: tuple[str, ...]  # exporters and importers, in the same order
    sectors: tuple[str, ...]
    trade: np.ndarray
    tariff: np.ndarray
    attrs: dict[str, Any]
    digest: str

    @property
    def units(self) -> str:
        """Money unit of the flows."""
        return str(self.attrs.get("units", ""))


@dataclass(frozen=True)
class BaselineIdentity:
    """A bundled baseline's labels, attrs and content hash, without its arrays.

    What a store hit needs to find its run: read from a cache file of plain Python values, so
    answering from the store imports no numpy.
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    attrs: dict[str, Any]
    digest: str


def bundled_identity(name: str) -> BaselineIdentity | None:
    """The identity of bundled baseline ``name``; None for any other name or a path."""
    file = BUNDLED.get(name)
    return None if file is None else _identity(file)


def _path(file: str) -> Path:
    """A bundled baseline's file in the package (``tradewinds/defaults``)."""
    from pathlib import Path

    return Path(str(resources.files("tradewinds") / "defaults" / file))


@functools.cache
def _identity(file: str) -> BaselineIdentity:
    from tradewinds.core.cache import cached

    path = _path(file)

    def build() -> BaselineIdentity:
        arrays = _cached(file)
        return BaselineIdentity(arrays.countries, arrays.sectors, arrays.attrs, arrays.digest)

    # keyed as the arrays are, but for numpy's version: the identity holds no numpy object
    identity = cached(f"baseline-identity-{path.stem}", [path], build, code=_CODE)
    if not (
        isinstance(identity, BaselineIdentity)
        and all(isinstance(c, str) for c in (*identity.countries, *identity.sectors))
        and isinstance(identity.digest, str)
        and len(identity.digest) == 64
    ):
        raise DataError(
            f"The cached identity of bundled baseline {file!r} is damaged; remove the "
            "tradewinds cache directory (or set TRADEWINDS_CACHE=off) and run again."
        )
    return identity


def bundled_arrays(name: str) -> BaselineArrays | None:
    """The arrays of bundled baseline ``name``; None for any other name or a path."""
    file = BUNDLED.get(name)
    return None if file is None else _cached(file)


@functools.cache
def _cached(file: str) -> BaselineArrays:
    import numpy as np

    from tradewinds.core.cache import cached

    path = _path(file)
    arrays = cached(
        f"baseline-arrays-{path.stem}",
        [path],
        lambda: _build(file),
        code=_CODE,
        extra=np.__version__,
    )
    _check(arrays, file)
    return arrays


#: The modules whose code the cached arrays and identity are built by.
_CODE = (
    __name__,
    "tradewinds.data.loaders",
    "tradewinds.data.baseline",
    "tradewinds.data.identity",
    "tradewinds.core.canonical",
)


def _build(file: str) -> BaselineArrays:
    import numpy as np

    from tradewinds.core import dims
    from tradewinds.data.identity import baseline_attrs, baseline_digest
    from tradewinds.data.loaders import load_baseline

    name = next(k for k, v in BUNDLED.items() if v == file)
    ds = load_baseline(name)  # validated
    order = (dims.EXPORTER, dims.IMPORTER, dims.SECTOR)
    exporters = tuple(str(c) for c in ds[dims.EXPORTER].values)
    importers = tuple(str(c) for c in ds[dims.IMPORTER].values)
    if exporters != importers:  # the array solve reads one label order for both axes
        raise DataError(f"Bundled baseline {file!r} lists exporters and importers differently.")
    return BaselineArrays(
        countries=exporters,
        sectors=tuple(str(s) for s in ds[dims.SECTOR].values),
        trade=np.ascontiguousarray(ds[dims.TRADE].transpose(*order).values, dtype=float),
        tariff=np.ascontiguousarray(ds[dims.TARIFF].transpose(*order).values, dtype=float),
        attrs=baseline_attrs(ds),
        digest=baseline_digest(ds),
    )


def _check(arrays: BaselineArrays, file: str) -> None:
    """Shapes and finiteness of a cached copy (the dataset it came from was validated)."""
    import numpy as np

    n, k = len(arrays.countries), len(arrays.sectors)
    for name, values in (("trade", arrays.trade), ("tariff", arrays.tariff)):
        if values.shape != (n, n, k) or not np.all(np.isfinite(values)):
            raise DataError(
                f"The cached arrays of bundled baseline {file!r} are damaged ({name}); remove "
                "the tradewinds cache directory (or set TRADEWINDS_CACHE=off) and run again."
            )
