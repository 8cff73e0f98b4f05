"""Duty-free de minimis (19 USC 1321) and its suspension, by origin and date.

A shipment valued at or below US$800 could enter free of duty under a section 321 entry until
the suspension reached its origin (China and Hong Kong from 2025-05-02, every country from
2025-08-29; ``data/de_minimis.yaml``, with citations). The duty calculator computes a formal or
informal entry either way; for a shipment under the threshold it says which case applies, so
that a low-value duty never reads as owed when the shipment could have entered free, nor as
avoidable when it could not.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from pathlib import Path
from typing import NamedTuple


class Suspension(NamedTuple):
    """From ``start``, duty-free de minimis is suspended for goods of ``targets`` (``*``: all)."""

    targets: tuple[str, ...]
    start: dt.date
    legal_basis: str


class Rule(NamedTuple):
    """The de minimis threshold (US$) and its suspensions."""

    threshold: float
    suspensions: tuple[Suspension, ...]


@functools.cache
def rule() -> Rule:
    """The packaged rule (``data/de_minimis.yaml``), kept in the user cache once read.

    Every one-line duty reads it: the cache spares the command YAML and the input schema.
    """
    from tradewinds.core.cache import cached

    path = Path(str(resources.files("tradewinds.measures").joinpath("data/de_minimis.yaml")))
    return cached("de-minimis", [path], functools.partial(_read, path), code=(__name__,))


def _read(path: Path) -> Rule:
    from tradewinds.core.inputs import parse_yaml

    data = parse_yaml(path.read_text(encoding="utf-8"), "de_minimis.yaml")
    suspensions = tuple(
        Suspension(
            tuple(str(t) for t in row["targets"]),
            dt.date.fromisoformat(str(row["from"])),
            str(row["legal_basis"]),
        )
        for row in data["suspensions"]
    )
    return Rule(float(data["threshold_usd"]), suspensions)


def suspended_from(origin: str) -> Suspension:
    """The earliest suspension that reaches goods of ``origin``."""
    hits = [s for s in rule().suspensions if origin in s.targets or "*" in s.targets]
    return min(hits, key=lambda s: s.start)


def note(origin: str, importer: str, date: dt.date, value: float) -> str | None:
    """What de minimis means for this shipment, or None (above the threshold, or not the US)."""
    if importer != "USA" or value > rule().threshold:
        return None
    stop = suspended_from(origin)
    limit = f"US${rule().threshold:,.0f}"
    if date < stop.start:
        return (
            f"De minimis: at or below {limit}, this shipment could enter free of duty under 19 USC "
            f"1321 (a section 321 entry) until {stop.start.isoformat()}; the duty shown is that "
            "of a formal or informal entry."
        )
    return (
        f"De minimis: duty-free treatment at or below {limit} is suspended for goods of {origin} "
        f"from {stop.start.isoformat()} ({stop.legal_basis}); all duties apply. Postal items "
        "follow their own rates (docs/duty.md)."
    )
