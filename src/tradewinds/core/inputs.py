"""Reading user files: YAML with located syntax errors, and one-line validation messages.

Scenario files, bills of materials, measure files and API bodies all go through these two
functions, so a user sees the same kind of message whatever they got wrong: the file, the line
and column of a YAML syntax error, or the dotted key of a schema error with the value given.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tradewinds.core.errors import ScenarioError


def read_yaml(path: Path, what: str) -> Any:
    """Parse a YAML file; :class:`ScenarioError` naming the file (and line) when it cannot."""
    if not path.is_file():
        raise ScenarioError(f"{what.capitalize()} {str(path)!r} does not exist.")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"Cannot read {what} {str(path)!r}: {exc.strerror}.") from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes one line with its line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{source}: malformed YAML{at}: {problem}.") from None


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    return repr(value)


def validation_error(exc: ValidationError, source: str, doc: str) -> ScenarioError:
    """One-line :class:`ScenarioError` for a pydantic error, pointing at the field at fault.

    An unknown key is reported first (it is usually a misspelt one, and the key it stands for
    then shows up as missing); ``doc`` is the documentation page listing the valid keys.
    """
    errors = exc.errors()
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    where = _where(tuple(err["loc"]))
    if err["type"] == "extra_forbidden":
        missing = [_where(tuple(e["loc"])) for e in errors if e["type"] == "missing"]
        also = f" (required key {missing[0]!r} is missing)" if missing else ""
        return ScenarioError(
            f"{source}: unknown key {where!r}{also}. Check the spelling against {doc}."
        )
    if err["type"] == "missing":
        return ScenarioError(f"{source}: required key {where!r} is missing.")
    more = f" ({len(errors) - 1} more problems)" if len(errors) > 1 else ""
    msg = str(err["msg"]).removeprefix("Value error, ")
    return ScenarioError(f"{source}: {where}: {msg} (got {_shown(err.get('input'))}){more}.")
