"""The packaged measures in force on a date, for the columnar engine, without the registry.

Effective rates for one date (``tradewinds etr --date``, :func:`tradewinds.measures.etr.point`)
evaluate every 2024 import line of a country with :func:`tradewinds.measures.stacking.evaluate`.
That engine needs the measures in force, the precedence rules and each measure's code mask, and
reads a handful of plain fields of each measure (:class:`~tradewinds.measures.stacking.Stackable`).
Loading the pydantic registry to get them costs more than the evaluation itself (importing
pydantic and the schema, unpickling some seventy validated models: about 0.1 s of a 0.3 s
command), so this module reads them from the duty-line snapshot
(:func:`tradewinds.measures.single.snapshot`), which already holds, per regime segment, the
measures in force and the rules, and per HTS code the bit set of the scopes that cover it.

The answers are those of the registry: ``tests/unit/test_etr_packaged.py`` compares every
effective rate computed this way with the registry's, for both countries, every regime segment,
every USMCA share year and every sector breakdown.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from tradewinds.core.errors import DataError
from tradewinds.measures import single
from tradewinds.measures.products import hts_universe

if TYPE_CHECKING:
    from tradewinds.measures.single import Rule, Snapshot


class Exclusion(NamedTuple):
    """Codes of product list ``list`` leave the scope when ``declaration`` is made."""

    list: str
    declaration: str


class ScopeView(NamedTuple):
    """The part of a scope the engine reads once the code mask is known."""

    declared_exclusions: tuple[Exclusion, ...]


class MeasureView(NamedTuple):
    """A packaged measure as the columnar engine and the effective-rate breakdown read it."""

    id: str
    authority: str
    programme: str
    rate: float
    value_basis: str
    metal: str | None
    usmca: str
    condition: str | None
    floor: bool
    metal_threshold: float | None
    imposing: str
    #: ``("*",)`` for every country, as in the registry.
    targets: tuple[str, ...]
    exclude_targets: tuple[str, ...]
    scope: ScopeView


class InForce(NamedTuple):
    """What :func:`tradewinds.measures.stacking.evaluate` needs for one date."""

    measures: tuple[MeasureView, ...]
    rules: tuple[Rule, ...]
    #: Code masks by measure id, ``list:NAME`` and ``chapters:primary-metals`` (the keys the
    #: engine looks up), each a boolean array over the HTS table.
    masks: dict[str, np.ndarray]


def in_force(day: dt.date, *, target: str, imposing: str = "USA") -> InForce | None:
    """What ``imposing`` has in force on ``target``'s goods on ``day``: measures, rules, masks.

    ``None`` when the day's rules form a cycle: the registry's path raises the error then.
    Dates before the registry's start are for the caller to refuse (``check_registry_date``).
    """
    snap = single.snapshot()
    regime = snap.regimes[bisect.bisect_right(snap.bounds, day)]
    if regime.order is None:
        return None
    table = _bits()
    views = []
    masks: dict[str, np.ndarray] = {}
    for i in regime.measures:
        record = snap.measures[i]
        if record.imposing != imposing or target in record.exclude_targets:
            continue
        if record.targets is not None and target not in record.targets:
            continue
        views.append(_view(snap, record))
        masks[record.id] = table[:, record.bit]
    n = len(snap.measures)
    for k, name in enumerate(snap.lists):
        masks[f"list:{name}"] = table[:, n + k]
    masks["chapters:primary-metals"] = table[:, snap.primary_bit]
    return InForce(tuple(views), regime.rules, masks)


#: Fields a view takes from the snapshot's record as they are (the others are converted).
_SAME = tuple(f for f in MeasureView._fields if f not in ("targets", "exclude_targets", "scope"))


def _view(snap: Snapshot, record: single.MeasureRecord) -> MeasureView:
    n = len(snap.measures)
    return MeasureView(
        **{name: getattr(record, name) for name in _SAME},
        targets=("*",) if record.targets is None else tuple(sorted(record.targets)),
        exclude_targets=tuple(sorted(record.exclude_targets)),
        scope=ScopeView(
            tuple(Exclusion(snap.lists[bit - n], d) for bit, d in record.declared_exclusions)
        ),
    )


@functools.cache
def _bits() -> np.ndarray:
    """Every snapshot bit (columns) of every HTS code (rows, in the HTS table's order)."""
    snap = single.snapshot()
    width = snap.primary_bit + 1
    size = (width + 7) // 8
    raw = b"".join(row.cover.to_bytes(size, "little") for row in snap.rows)
    by_row = np.unpackbits(
        np.frombuffer(raw, dtype=np.uint8).reshape(len(snap.rows), size),
        axis=1,
        count=width,
        bitorder="little",
    ).astype(bool)
    codes = np.frombuffer(snap.code_rows, dtype=np.dtype(snap.code_rows.typecode))
    if len(codes) != len(hts_universe().codes):
        raise DataError(
            f"The duty-line snapshot has {len(codes)} HTS codes and the HTS table "
            f"{len(hts_universe().codes)}: clear the user cache (TRADEWINDS_CACHE) and retry."
        )
    # column-major: the engine reads one measure's mask (a column) at a time
    return np.asfortranarray(by_row[codes])
