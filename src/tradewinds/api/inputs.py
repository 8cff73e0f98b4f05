"""Request bodies to validated inputs: scenarios and measure files as content, never paths.

A scenario reaches the API as YAML text or as the same data in JSON. The files it refers to
(``shocks.overrides.measure_files`` and ``compare_against``) are not read from the server: the
request sends them in ``files`` (name -> YAML text), and the scenario names them by plain file
name. At run time they are written to a private temporary folder that the scenario resolves
against, so the scenario runner and recorder work exactly as for ``tradewinds run``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tradewinds.api.security import (
    Limits,
    bundled_baseline,
    check_count,
    plain_name,
    scenario_error,
)
from tradewinds.core.errors import ScenarioError, TradewindsError
from tradewinds.core.inputs import parse_yaml, validation_error

if TYPE_CHECKING:
    from tradewinds.measures.registry import Registry
    from tradewinds.scenarios.schema import Scenario


def refuse_aliases(text: str, source: str) -> None:
    """Refuse YAML anchors and aliases in a request body before anything is built from it.

    A few hundred bytes of nested aliases expand to gigabytes once the document is copied or
    printed; request bodies have no use for them. Only the event stream is read, which stays
    as small as the text.
    """
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ScenarioError(
                    f"{source}: YAML anchors and aliases ('&', '*') are not accepted in API "
                    "requests; write the values out."
                )
    except yaml.YAMLError:
        return  # parse_yaml reports the syntax error with its line and column


def yaml_data(payload: str | dict[str, Any], what: str) -> Any:
    """The data of a request field given as YAML text or as a JSON object."""
    if isinstance(payload, dict):
        return payload
    refuse_aliases(payload, what)
    return parse_yaml(payload, what)


def _field(loc: tuple[int | str, ...], prefix: str) -> str:
    return ".".join([prefix, *(str(p) for p in loc)]) if loc else prefix


@dataclass(frozen=True)
class ScenarioInput:
    """A validated scenario request: data, the text as sent, and the files it refers to."""

    data: dict[str, Any]
    text: str | None
    files: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None

    def entries(self) -> int:
        """Number of shock entries (tariffs, trade costs, retaliation)."""
        shocks = self.data.get("shocks") or {}
        if not isinstance(shocks, dict):
            return 0
        return sum(
            len(shocks.get(k) or []) if isinstance(shocks.get(k), list) else 0
            for k in ("tariffs", "trade_costs", "retaliation")
        )

    @contextmanager
    def materialised(self) -> Iterator[Scenario]:
        """The parsed scenario with its files written to a private folder it resolves against.

        Error messages name the files by the names the request gave, never the folder.
        """
        with tempfile.TemporaryDirectory(prefix="tradewinds-api-") as tmp:
            folder = Path(tmp)
            for name, content in self.files.items():
                (folder / name).write_text(content, encoding="utf-8")
            try:
                yield parse_request_scenario(self.data, base_dir=folder)
            except TradewindsError as exc:
                scrubbed = exc.message.replace(str(folder.resolve()) + "/", "").replace(
                    str(folder.resolve()), "request files"
                )
                if scrubbed != exc.message:
                    exc.message = scrubbed
                    exc.args = (scrubbed,)
                raise


def parse_request_scenario(data: Any, *, base_dir: Path | None = None) -> Scenario:
    """Validate scenario data; the error carries the dotted field path (``scenario.*``)."""
    from tradewinds.scenarios.schema import Scenario, parse_scenario

    if not isinstance(data, dict):
        raise scenario_error(
            f"scenario: a scenario must be a mapping of keys, got {type(data).__name__}.",
            "scenario",
        )
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        error = validation_error(exc, "scenario", "docs/scenarios.md")
        error.field = _field(tuple(first["loc"]), "scenario")  # type: ignore[attr-defined]
        raise error from None
    if base_dir is None:
        # Validation only: file references are checked by name against the request's files.
        return Scenario.model_validate(data)
    return parse_scenario(data, "scenario", base_dir=base_dir)


def field_errors(data: Any) -> list[dict[str, Any]]:
    """Every validation problem of scenario data, one ``{"field", "message", "type"}`` each."""
    from tradewinds.scenarios.schema import Scenario

    if not isinstance(data, dict):
        return [
            {
                "field": "scenario",
                "message": f"a scenario must be a mapping of keys, got {type(data).__name__}",
                "type": "type",
            }
        ]
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        return [
            {
                "field": _field(tuple(e["loc"]), "scenario"),
                "message": str(e["msg"]).removeprefix("Value error, "),
                "type": str(e["type"]),
            }
            for e in exc.errors(include_input=False, include_url=False)
        ]
    return []


def scenario_input(
    payload: str | dict[str, Any],
    *,
    files: Mapping[str, str] | None = None,
    baseline: str | None = None,
    limits: Limits,
) -> ScenarioInput:
    """Check a scenario request: no server paths, files sent as content, bounded size."""
    files = dict(files or {})
    for name in files:
        plain_name(name, f"files.{name}")
    text = payload if isinstance(payload, str) else None
    data = yaml_data(payload, "scenario")
    if isinstance(data, dict):
        check_count(
            ScenarioInput(data, None).entries(),
            limits.max_shock_entries,
            "shock entries",
            "scenario.shocks",
        )
    spec = parse_request_scenario(data)
    bundled_baseline(baseline, "baseline")
    if baseline is None:
        bundled_baseline(spec.baseline, "scenario.baseline")
    else:  # overridden, never read; still no path in any field
        plain_name(spec.baseline, "scenario.baseline")
    for k, rel in enumerate(spec.shocks.overrides.measure_files):
        where = f"scenario.shocks.overrides.measure_files.{k}"
        plain_name(rel, where)
        if rel not in files:
            raise scenario_error(
                f"{where}: measure file {rel!r} is not in the request's 'files'; send its "
                "content there under that name.",
                where,
            )
    if spec.compare_against is not None:
        plain_name(spec.compare_against, "scenario.compare_against")
        if spec.compare_against not in files:
            raise scenario_error(
                f"scenario.compare_against: {spec.compare_against!r} is not in the request's "
                "'files'; send the other scenario's YAML there under that name.",
                "scenario.compare_against",
            )
        other = yaml_data(files[spec.compare_against], f"files.{spec.compare_against}")
        if isinstance(other, dict):
            _no_paths_in(other, "files." + spec.compare_against)
    assert isinstance(data, dict)
    return ScenarioInput(data=data, text=text, files=files, baseline=baseline)


def _no_paths_in(data: dict[str, Any], where: str) -> None:
    """A comparison scenario may name only files of the same request."""
    if "baseline" in data:
        bundled_baseline(str(data["baseline"]), f"{where}.baseline")
    shocks = data.get("shocks")
    overrides = shocks.get("overrides") if isinstance(shocks, dict) else None
    if isinstance(overrides, dict):
        for k, rel in enumerate(overrides.get("measure_files") or []):
            plain_name(str(rel), f"{where}.shocks.overrides.measure_files.{k}")
    if data.get("compare_against") is not None:
        plain_name(str(data["compare_against"]), f"{where}.compare_against")


@contextmanager
def measure_registry(files: Mapping[str, str] | None) -> Iterator[Registry]:
    """The packaged registry plus measure files sent as content (name -> YAML text)."""
    from tradewinds.measures.registry import load_registry

    files = dict(files or {})
    if not files:
        yield load_registry()
        return
    for name, content in files.items():
        plain_name(name, f"measure_files.{name}")
        refuse_aliases(content, f"measure_files.{name}")
    with tempfile.TemporaryDirectory(prefix="tradewinds-api-") as tmp:
        folder = Path(tmp)
        paths = []
        for name, content in files.items():
            path = folder / name
            path.write_text(content, encoding="utf-8")
            paths.append(path)
        try:
            registry = load_registry(paths)
        except TradewindsError as exc:
            scrubbed = exc.message.replace(str(folder) + "/", "")
            exc.message = scrubbed
            exc.args = (scrubbed,)
            raise
        yield registry
