"""Reading user files: safe YAML with stated limits, and one-line validation messages.

Scenario files, bills of materials, measure files, specs and API bodies all go through
:func:`read_yaml` and :func:`parse_yaml`, so a user sees the same kind of message whatever they got
wrong: the file, the line and column of a YAML syntax error, or the dotted key of a schema error
with the value given.

The YAML reader is stricter than ``yaml.safe_load`` (see ``docs/input-limits.md``):

* aliases and anchors (``&a`` / ``*a``, and ``<<`` merges that use them) are refused, so a small
  document cannot expand into a huge one (the "billion laughs" alias bomb);
* a key repeated in one mapping is refused, naming the key and both lines (YAML itself would keep
  the last value silently);
* a document is at most :data:`MAX_YAML_BYTES` bytes, :data:`MAX_YAML_DEPTH` levels of nesting
  and :data:`MAX_YAML_NODES` values in all;
* a file must be UTF-8 text without a byte-order mark.

Parsing uses libyaml's C composer where PyYAML was built with it, then checks the node graph
(one pass, no recursion) before constructing Python objects.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, Strict, ValidationError

from tradewinds.core.errors import ScenarioError
from tradewinds.core.files import MAX_YAML_BYTES as MAX_YAML_BYTES
from tradewinds.core.files import check_input_file as check_input_file
from tradewinds.core.files import check_input_folder as check_input_folder
from tradewinds.core.files import read_text_file as read_text_file

if TYPE_CHECKING:
    import yaml

#: Deepest nesting of mappings and sequences accepted.
MAX_YAML_DEPTH = 32
#: Most values (scalars, mappings and sequences, keys included) in one document.
MAX_YAML_NODES = 250_000

#: A number field of a user file: an int or a float, never a bool (``rate: true`` is not 100%)
#: or a string. Models using it also set ``allow_inf_nan=False``, so NaN and infinity are refused
#: with the field's dotted path.
Number = Annotated[float, Strict()]


def read_yaml(path: Path, what: str) -> Any:
    """Parse a YAML file; :class:`ScenarioError` naming the file (and line) when it cannot."""
    path = Path(path)
    text = read_text_file(path, what)
    return parse_yaml(text, str(path))


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _check_nodes(
    root: yaml.Node, source: str, key_of: Callable[[yaml.ScalarNode], Hashable]
) -> None:
    """Refuse aliases, duplicate keys and over-deep or over-large node graphs (no recursion).

    ``key_of`` gives a scalar key's identity as Python will see it, so ``1`` and ``01``, or
    ``yes`` and ``true``, count as the same key (they would collapse into one).
    """
    import yaml

    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise ScenarioError(
                f"{source}: YAML anchors and aliases (&name, *name) are not accepted (the value "
                f"at line {_line(node)} is reused by an alias); write it out in full."
            )
        seen.add(id(node))
        count += 1
        if count > MAX_YAML_NODES:
            raise ScenarioError(
                f"{source}: the document has more than {MAX_YAML_NODES:,} values; that is the "
                "limit (see docs/input-limits.md)."
            )
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth > MAX_YAML_DEPTH:
            raise ScenarioError(
                f"{source}: nesting deeper than {MAX_YAML_DEPTH} levels at line {_line(node)}; "
                "that is the limit (see docs/input-limits.md)."
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
            continue
        keys: dict[Hashable, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.tag == "tag:yaml.org,2002:merge":
                    raise ScenarioError(
                        f"{source}: YAML merge keys ('<<') are not accepted (line {_line(key)}); "
                        "write the keys out in full."
                    )
                ident = key_of(key)
                if ident in keys:
                    raise ScenarioError(
                        f"{source}: key {key.value!r} appears twice in one mapping (lines "
                        f"{keys[ident]} and {_line(key)}); YAML would keep only the last value. "
                        "Remove or merge one of them."
                    )
                keys[ident] = _line(key)
            stack.append((key, depth + 1))
            stack.append((value, depth + 1))


@functools.cache
def _checked_loader() -> type[Any]:
    """The checked loader class, made on first use.

    Importing PyYAML costs about 20 ms, which a command that reads no YAML (a scenario read
    from the user cache) does not pay.
    """
    import yaml

    base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _CheckedLoader(base):  # type: ignore[misc]
        """The safe loader (C where available); its one document is checked before building."""

        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            _check_nodes(node, getattr(self, "_tw_source", "YAML"), self._key_identity)
            return self.construct_document(node)

        def _key_identity(self, node: yaml.ScalarNode) -> Hashable:
            value: Hashable = self.construct_object(node)
            try:
                hash(value)
            except TypeError:
                return (node.tag, node.value)
            return value

        def _timestamp(self, node: yaml.ScalarNode) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                raise ScenarioError(
                    f"{getattr(self, '_tw_source', 'YAML')}: {node.value!r} at line "
                    f"{_line(node)} is not a valid date; give an existing day as YYYY-MM-DD "
                    "(e.g. 2025-03-04)."
                ) from None

    _CheckedLoader.add_constructor("tag:yaml.org,2002:timestamp", _CheckedLoader._timestamp)
    return _CheckedLoader


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text safely; a syntax error or a broken limit is one line naming the place.

    Refuses aliases, duplicate keys, a BOM, and documents over :data:`MAX_YAML_BYTES`,
    :data:`MAX_YAML_DEPTH` or :data:`MAX_YAML_NODES`.
    """
    if not isinstance(text, str):
        raise ScenarioError(f"{source}: expected YAML text, got {type(text).__name__}.")
    if text.startswith("\ufeff"):
        raise ScenarioError(
            f"{source}: the text starts with a byte-order mark (BOM); save it as UTF-8 without "
            "a BOM."
        )
    if len(text) > MAX_YAML_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise ScenarioError(
            f"{source}: the document is larger than {MAX_YAML_BYTES:,} bytes; that is the limit "
            "(see docs/input-limits.md)."
        )
    import yaml

    loader = _checked_loader()(text)
    loader._tw_source = source
    try:
        return loader.get_single_data()
    except ScenarioError:
        raise
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            f"{source}: line {line} holds a character YAML does not allow "
            f"({chr(exc.character) if isinstance(exc.character, int) else exc.character!r}); "
            "remove it or quote it as an escape sequence."
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise ScenarioError(f"{source}: malformed YAML{at}: {problem}.") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # The safe constructor raises these on a few malformed scalars (e.g. a date such as
        # 2025-02-30, or a timestamp out of range).
        raise ScenarioError(
            f"{source}: cannot read a value: {' '.join(str(exc).split())}."
        ) from None
    finally:
        loader.dispose()


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(top level)"


#: Longest rendering of an offending value in a message; longer ones are cut with "...".
MAX_SHOWN_CHARS = 80


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    if isinstance(value, dict | list) and len(value) > 8:
        return f"a {type(value).__name__} of {len(value):,} entries"
    text = repr(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."


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
    if isinstance(err.get("input"), bool) and "number" in msg:
        msg += "; true/false is not a number"
    said = _located(tuple(err["loc"]), msg)
    if err["type"] == "value_error" and isinstance(err.get("input"), dict):
        # A model-level check names its own fields; the whole mapping adds nothing.
        return ScenarioError(f"{source}: {said}{more}.")
    return ScenarioError(f"{source}: {said} (got {_shown(err.get('input'))}){more}.")


def _located(loc: tuple[int | str, ...], msg: str) -> str:
    """``where: msg``, naming the field once when the message already starts with its name.

    A validator's message often begins with the name of its field (``"tariffs_only lists an
    exporter twice"``) or with its whole dotted path; the location then takes the place of that
    name instead of standing before it (``shocks.tariffs_only lists an exporter twice``).
    """
    where = _where(loc)
    names = [where]
    if loc and isinstance(loc[-1], str):
        names.append(str(loc[-1]))
    for name in names:
        rest = msg[len(name) :]
        if msg.startswith(name) and not (rest[:1].isalnum() or rest[:1] in "_."):
            return where + rest
    return f"{where}: {msg}"


_Model = TypeVar("_Model", bound=BaseModel)


def validate_mapping(model: type[_Model], data: Any, source: str, what: str, doc: str) -> _Model:
    """Validate plain data (a parsed YAML or JSON mapping) as ``model``.

    One :class:`ScenarioError` on failure, naming ``source``: ``what`` (for example "a scenario")
    when ``data`` is not a mapping, else the key at fault (see :func:`validation_error`).
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{source}: {what} must be a mapping of keys, got {type(data).__name__}."
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, doc) from None
