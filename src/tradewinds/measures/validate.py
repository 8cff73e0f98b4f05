"""``tradewinds measures validate FILE.yaml``: check a user's measure file, every problem at once.

The file is read with :func:`tradewinds.core.inputs.parse_yaml` (the entry point for every user
YAML). Each record is then checked on its own, so one bad record does not hide the others:

1. the schema (``Measure``: keys, types, windows, value bases), with the line of the record;
2. its product scope (HTS prefixes and named lists that exist);
3. the precedence rules: a record in a programme that the rules name gets a note saying which
   rules will order it (a new programme simply stacks), and a record whose programme the rules
   place as a winner over a content-level loser must be a metal-content measure;
4. the existing records: duplicate ids and overlaps with the packaged registry (same programme,
   imposing country, target, window, condition and metal, and a shared HTS code).

Each problem is one :class:`Problem` with the line (1-based) of the record or key it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tradewinds.core.errors import TradewindsError
from tradewinds.core.inputs import parse_yaml
from tradewinds.measures.products import scope_mask
from tradewinds.measures.registry import find_conflicts, load_registry
from tradewinds.measures.schema import Measure


@dataclass(frozen=True)
class Problem:
    """One problem of a measure file: where (line, record id or index) and what."""

    line: int | None
    where: str
    message: str
    level: str = "error"  # or "note"

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        return f"{at}{self.where}: {self.message}"


def _lines(text: str) -> tuple[int | None, list[dict[str, int]]]:
    """Line of the ``measures`` key and, per record, the line of each key (1-based)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return None, []
    if not isinstance(root, yaml.MappingNode):
        return None, []
    for key, value in root.value:
        if key.value == "measures" and isinstance(value, yaml.SequenceNode):
            records = []
            for item in value.value:
                keys = {"": item.start_mark.line + 1}
                if isinstance(item, yaml.MappingNode):
                    keys |= {k.value: k.start_mark.line + 1 for k, _ in item.value}
                records.append(keys)
            return key.start_mark.line + 1, records
    return None, []


def _schema_message(exc: ValidationError) -> tuple[str, str]:
    err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
    loc = ".".join(str(p) for p in err["loc"]) or "(record)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key (see docs/measures.md for the record format)"
    return str(err["loc"][0]) if err["loc"] else "", f"{loc}: {msg}"


def validate_text(text: str, source: str) -> list[Problem]:
    """Every problem of a measure file's text (an empty list when it is valid)."""
    data: Any = parse_yaml(text, source)
    measures_line, record_lines = _lines(text)
    if not isinstance(data, dict):
        return [Problem(1, source, "a measure file is a mapping with 'programme' and 'measures'.")]
    problems: list[Problem] = []
    for key in data:
        if key not in ("programme", "description", "measures"):
            problems.append(
                Problem(
                    None,
                    source,
                    f"unknown top-level key {key!r} (programme, description, measures)",
                )
            )
    if "programme" not in data:
        problems.append(Problem(1, source, "required key 'programme' is missing."))
    raw = data.get("measures")
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(measures_line, source, "'measures' must be a non-empty list."))
        return problems
    registry = load_registry()
    parsed: list[tuple[int, Measure]] = []
    for i, item in enumerate(raw):
        lines = record_lines[i] if i < len(record_lines) else {}
        name = f"measures[{i}]" + (f" ({item.get('id')})" if isinstance(item, dict) else "")
        try:
            m = Measure.model_validate(item)
        except ValidationError as exc:
            key, msg = _schema_message(exc)
            problems.append(Problem(lines.get(key, lines.get("")), name, msg))
            continue
        try:
            scope_mask(m.scope, where=f"measure {m.id!r}")
        except TradewindsError as exc:
            problems.append(Problem(lines.get("scope", lines.get("")), name, str(exc)))
            continue
        parsed.append((i, m))
    rules = registry.rules
    for i, m in parsed:
        lines = record_lines[i] if i < len(record_lines) else {}
        named = sorted(r.id for r in rules if m.programme in (r.winner, *r.losers))
        content = [r.id for r in rules if r.winner == m.programme and r.level == "content"]
        if content and m.value_basis != "metal_content":
            problems.append(
                Problem(
                    lines.get("value_basis", lines.get("")),
                    f"measures[{i}] ({m.id})",
                    f"programme {m.programme!r} wins content-level rules {content}, which need "
                    "value_basis 'metal_content' with a metal; use another programme.",
                )
            )
        elif named:
            problems.append(
                Problem(
                    lines.get("programme", lines.get("")),
                    f"measures[{i}] ({m.id})",
                    f"programme {m.programme!r} is ordered by the precedence rules "
                    f"{', '.join(named)}; a new programme name would stack instead.",
                    level="note",
                )
            )
    ids = {m.id for _, m in parsed}
    origin = {m.id: source for _, m in parsed} | dict(registry.origin)
    everything = [*registry.measures, *(m for _, m in parsed)]
    for message in find_conflicts(everything, origin, only=ids):
        hit = next((i for i, m in parsed if repr(m.id) in message), None)
        lines = record_lines[hit] if hit is not None and hit < len(record_lines) else {}
        problems.append(Problem(lines.get("id", lines.get("")), source, message))
    return problems


def validate_file(path: Path) -> list[Problem]:
    """Every problem of the measure file at ``path``."""
    from tradewinds.core.inputs import read_text_file

    # the shared reader: folders, size, BOMs and non-UTF-8 bytes get one line naming the file
    return validate_text(read_text_file(path, "measure file"), str(path))
