"""Scenario field paths and grids: ``--set model.eps=2,4,6,8`` and friends.

A path is the dotted location of a field in the scenario's canonical form (defaults filled in),
with integers indexing lists: ``model.eps``, ``model.closure``, ``shocks.tariffs.0.rate``. Values
are parsed as a YAML flow sequence, so ``2,4,6`` gives numbers, ``fixed,balanced`` strings and
``[CAN,MEX],USA`` a list and a string. Several ``--set`` options give the full grid product.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from tradewinds.core.errors import ScenarioError, UnknownLabelError
from tradewinds.core.inputs import parse_yaml
from tradewinds.scenarios.schema import ModelSpec, Scenario, parse_scenario

#: One grid axis: a field path and the values it takes.
Axis = tuple[str, list[Any]]


def parse_set_option(option: str) -> Axis:
    """``PATH=V1,V2,...`` -> ``(PATH, [V1, V2, ...])`` with values parsed as YAML."""
    path, sep, raw = option.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError(
            f"--set {option!r}: expected PATH=VALUES, for example --set model.eps=2,4,6,8."
        )
    values = parse_yaml(f"[{raw}]", f"--set {option!r}")
    if not isinstance(values, list) or not values:
        raise ScenarioError(f"--set {option!r}: give at least one value after '='.")
    return path, values


def leaf_paths(data: Any, prefix: str = "") -> list[str]:
    """Every dotted path of a nested mapping/list (for "did you mean" suggestions)."""
    out: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.append(path)
            out.extend(leaf_paths(value, path))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            path = f"{prefix}.{k}"
            out.append(path)
            out.extend(leaf_paths(value, path))
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in canonical scenario data in place; unknown paths raise with suggestions."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        here = ".".join(parts[: depth + 1])
        if isinstance(node, dict):
            if part not in node:
                raise UnknownLabelError("scenario field", path, leaf_paths(data), "--set")
            if last:
                node[part] = value
            else:
                node = node[part]
        elif isinstance(node, list):
            if not part.lstrip("-").isdigit() or not -len(node) <= int(part) < len(node):
                raise ScenarioError(
                    f"--set {path}: {here!r} indexes a list of {len(node)} entries; "
                    f"use an index from 0 to {len(node) - 1}."
                )
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        else:
            raise ScenarioError(
                f"--set {path}: {'.'.join(parts[:depth])!r} is a value "
                f"({node!r}), not a group of fields."
            )


def apply_settings(scenario: Scenario, settings: Mapping[str, Any], source: str) -> Scenario:
    """A new, validated scenario with the fields in ``settings`` (path -> value) replaced.

    Relative paths in the scenario (measure files, ``compare_against``) keep resolving against
    the original file's folder. Settings that change only fields of the model (every Monte
    Carlo draw, most sweeps) are validated on the model block alone, by the same schema, and
    the rest of ``scenario`` (validated when it was parsed) is kept as it is: re-validating
    the whole scenario cost a fifth of a small model's solve. Invalid values take the full
    path, so their errors read the same.
    """
    changed = _model_only(scenario, settings)
    return changed if changed is not None else _reparsed(scenario, settings, source)


def _model_only(scenario: Scenario, settings: Mapping[str, Any]) -> Scenario | None:
    """``scenario`` with new model fields, or None if ``settings`` touch more or are invalid."""
    if not settings:
        return None
    model = scenario.model.model_dump(mode="json")
    fields = type(scenario.model).model_fields
    names = []
    for path in settings:
        head, _, name = path.partition(".")
        # a field left out of the canonical form at its default (``elasticities``) is settable
        if head != "model" or name not in fields:
            return None
        names.append(name)
    for name, value in zip(names, settings.values(), strict=True):
        model[name] = value
    try:
        spec = _model_schema().validate_python(model)
    except ValidationError:
        return None
    return scenario.model_copy(update={"model": spec})


@functools.cache
def _model_schema() -> TypeAdapter[Any]:
    return TypeAdapter(ModelSpec)


def _reparsed(scenario: Scenario, settings: Mapping[str, Any], source: str) -> Scenario:
    """:func:`apply_settings` by editing the canonical data and parsing it whole."""
    data = scenario.canonical()  # a fresh dict on every call: safe to modify
    model = data.get("model")
    for path in settings:
        # fields the canonical form leaves out at their default can still be set
        head, _, name = path.partition(".")
        if head == "model" and isinstance(model, dict) and name not in model:
            field = type(scenario.model).model_fields.get(name)
            if field is not None:
                model[name] = field.get_default()
    for path, value in settings.items():
        set_path(data, path, value)
    return parse_scenario(data, source, base_dir=scenario.base_dir)


def check_grid(axes: Sequence[Axis]) -> int:
    """The number of grid points; refused above the grid limit (``$TRADEWINDS_MAX_GRID_POINTS``)."""
    from tradewinds.core.limits import MAX_GRID_POINTS, check_count

    sizes = [len(v) for _, v in axes]
    points = math.prod(sizes)
    check_count(
        points,
        f"the --set grid of {' x '.join(map(str, sizes))} =",
        name="MAX_GRID_POINTS",
        default=MAX_GRID_POINTS,
        what="grid point",
    )
    return points


def expand_grid(axes: Sequence[Axis]) -> list[dict[str, Any]]:
    """The full product of the axes, as one ``{path: value}`` mapping per grid point."""
    paths = [p for p, _ in axes]
    dupes = {p for p in paths if paths.count(p) > 1}
    if dupes:
        raise ScenarioError(f"--set gives {sorted(dupes)} more than once; give each path once.")
    check_grid(axes)
    return [
        dict(zip(paths, combo, strict=True)) for combo in itertools.product(*(v for _, v in axes))
    ]


def grid_scenarios(
    scenario: Scenario, axes: Iterable[Axis]
) -> list[tuple[dict[str, Any], Scenario]]:
    """Every grid point with its validated scenario; the first invalid point raises."""
    out = []
    for point in expand_grid(list(axes)):
        label = ", ".join(f"{k}={v!r}" for k, v in point.items())
        out.append((point, apply_settings(scenario, point, f"grid point {label}")))
    return out
