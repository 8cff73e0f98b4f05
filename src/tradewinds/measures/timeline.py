"""Every change of rate or status of the measures on (or by) a country, by date, with sources.

:func:`timeline` returns plain records (dicts) so that the CLI (``tradewinds measures timeline``)
and the web dashboard can show the same list. Each measure contributes a record on its
``effective_from`` (``start`` for a measure in force, or its status: ``announced``, ``paused``,
``investigation``) and one on its ``effective_to`` (``end``); status events without a duty of
their own (the USMCA joint review, court rulings) come from ``data/events.yaml``.
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tradewinds.core.errors import DataError, UnknownLabelError
from tradewinds.core.inputs import parse_yaml
from tradewinds.measures.registry import Registry, load_registry
from tradewinds.measures.schema import Source
from tradewinds.measures.sources import source_url

#: The default lens of the dashboard (the timeline answers for any ISO 3166 alpha-3 code).
TARGETS = ("CAN", "MEX", "USA")


class Event(BaseModel):
    """A status event without a duty of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    date: dt.date
    title: str
    targets: tuple[str, ...]
    imposing: str = "USA"
    sources: tuple[Source, ...] = Field(min_length=1)
    notes: str = ""


class _EventFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    events: tuple[Event, ...]


@functools.cache
def events() -> tuple[Event, ...]:
    """The packaged status events (``measures/data/events.yaml``)."""
    path = resources.files("tradewinds.measures").joinpath("data/events.yaml")
    try:
        return _EventFile.model_validate(
            parse_yaml(path.read_text(encoding="utf-8"), "events.yaml")
        ).events
    except ValidationError as exc:
        raise DataError(f"Packaged events.yaml is invalid: {exc.errors()[0]['msg']}") from exc


def _sources(sources: tuple[Source, ...]) -> list[dict[str, str | None]]:
    return [{"key": s.key, "url": s.url or source_url(s.key), "note": s.note} for s in sources]


def _rate(rate: float, programme: str) -> float | None:
    return None if programme == "mfn" else rate


def timeline(target: str, registry: Registry | None = None) -> list[dict[str, Any]]:
    """Every change affecting goods of ``target`` or imposed by it, sorted by date.

    Records are dicts with ``date, kind, id, title, authority, imposing, targets, rate, status,
    heading, sources, notes``; ``kind`` is ``start``, ``end``, ``event`` or a status.
    """
    from tradewinds.core.countries import ISO3_CODES

    target = target.upper()
    if target not in ISO3_CODES:
        raise UnknownLabelError("country", target, sorted(ISO3_CODES), "the measures timeline")
    registry = registry or load_registry()
    out: list[dict[str, Any]] = []
    for m in registry.measures:
        if not (m.targets_country(target) or m.imposing == target):
            continue
        base = {
            "id": m.id,
            "title": m.title,
            "authority": m.authority,
            "imposing": m.imposing,
            "targets": list(m.targets),
            "rate": _rate(m.rate, m.programme),
            "status": m.status,
            "heading": m.heading,
            "sources": _sources(m.sources),
            "notes": m.notes.strip(),
        }
        kind = "start" if m.status == "in_force" else m.status
        out.append({"date": m.effective_from.isoformat(), "kind": kind, **base})
        if m.effective_to is not None:
            out.append({"date": m.effective_to.isoformat(), "kind": "end", **base})
    for e in events():
        if "*" in e.targets or target in e.targets or e.imposing == target:
            out.append(
                {
                    "date": e.date.isoformat(),
                    "kind": "event",
                    "id": e.id,
                    "title": e.title,
                    "authority": None,
                    "imposing": e.imposing,
                    "targets": list(e.targets),
                    "rate": None,
                    "status": None,
                    "heading": None,
                    "sources": _sources(e.sources),
                    "notes": e.notes.strip(),
                }
            )
    order = {"end": 0, "event": 1, "start": 2}
    return sorted(out, key=lambda r: (r["date"], order.get(r["kind"], 3), r["id"]))
