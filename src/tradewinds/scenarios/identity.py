"""A scenario's identity, computed one way whether it was just parsed or read from the cache.

A scenario is identified by the SHA-256 of its canonical JSON and of the files it reads besides
itself (:func:`digest_of`, :func:`input_hashes`). :class:`~tradewinds.scenarios.schema.Scenario`
and :class:`ScenarioFile` both compute it here: the first from its fields, the second from the
canonical form kept in the user cache.

:func:`read_scenario_file` reads a scenario file as a :class:`ScenarioFile`: its canonical form
(title, model, baseline, ``compare_against``: all a run needs to find itself in the store) and
the validated :class:`~tradewinds.scenarios.schema.Scenario`, pickled and unpickled only when
asked for. Both are produced by the one parse of the file
(:func:`tradewinds.scenarios.schema.parse_file`) and kept in the user cache keyed by the file's
contents, so a file read again imports neither YAML nor pydantic until a solve needs the model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from tradewinds.scenarios.schema import Scenario


def resolve_path(base_dir: Path, relative: str) -> Path:
    """A path of a scenario resolved against its folder ``base_dir``."""
    path = Path(relative).expanduser()
    return (path if path.is_absolute() else base_dir / path).resolve()


def reads_registry(tariffs_as_of: object, countermeasures_as_of: Sequence[object]) -> bool:
    """Whether shocks with these dates read the measure registry (any date given)."""
    return tariffs_as_of is not None or any(d is not None for d in countermeasures_as_of)


def input_hashes(
    base_dir: Path, measure_files: Sequence[str], registry: bool, gravity_runs: Sequence[str]
) -> dict[str, Any]:
    """SHA-256 of the files a run reads besides the scenario (measure files, registry, gravity).

    ``measure_files`` are relative to ``base_dir``; ``registry`` says whether the shocks read
    the packaged measure registry; ``gravity_runs`` names the gravity runs they take trade cost
    changes from.
    """
    out: dict[str, Any] = {}
    if measure_files:
        out["measure_files_sha256"] = [_sha256(resolve_path(base_dir, p)) for p in measure_files]
    if registry:
        from tradewinds.measures.registry_files import packaged_registry_sha256

        out["registry_sha256"] = packaged_registry_sha256()
    if gravity_runs:
        from tradewinds.integration.gravity import run_path

        paths = [run_path(run) for run in gravity_runs]
        out["gravity_runs_sha256"] = [_sha256(p) if p.is_file() else None for p in paths]
    return out


def digest_of(
    inputs: dict[str, Any],
    canonical: Callable[[], dict[str, Any]],
    canonical_json: str | None = None,
) -> str:
    """SHA-256 of a scenario's canonical JSON and of its :func:`input_hashes`: its identity.

    A scenario that reads no file besides itself hashes its canonical JSON alone
    (``canonical_json`` when the caller has written it, else ``canonical()`` sorted); one that
    reads files also hashes their contents, so editing a measure file changes the identity.
    """
    if inputs:
        data: dict[str, Any] = {"scenario": canonical(), "inputs": inputs}
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    elif canonical_json is not None:
        text = canonical_json
    else:
        text = json.dumps(canonical(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise ScenarioError(f"Cannot read measure file {str(path)!r}: {exc.strerror}.") from None


def check_files(
    base_dir: Path, measure_files: Sequence[str], compare_against: str | None, source: str
) -> None:
    """:class:`ScenarioError` unless the measure files and ``compare_against`` are files."""
    for k, rel in enumerate(measure_files):
        path = resolve_path(base_dir, rel)
        if path.is_dir():
            raise ScenarioError(
                f"{source}: shocks.overrides.measure_files.{k}: {rel!r} is a directory, not a "
                "measure file."
            )
        if not path.is_file():
            raise ScenarioError(
                f"{source}: shocks.overrides.measure_files.{k}: measure file {rel!r} does not "
                f"exist (looked for {str(path)!r}; paths are relative to the scenario file)."
            )
    if compare_against is None:
        return
    other = resolve_path(base_dir, compare_against)
    if other.is_dir():
        raise ScenarioError(
            f"{source}: compare_against: {compare_against!r} is a directory, not a scenario file."
        )
    if not other.is_file():
        raise ScenarioError(
            f"{source}: compare_against: scenario file {compare_against!r} does not "
            f"exist (looked for {str(other)!r}; paths are relative to the scenario file)."
        )


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file as read: its canonical form, and its validated scenario on demand.

    Attributes
    ----------
    path, folder
        The file and the folder its relative paths resolve against.
    data
        The canonical form (:meth:`Scenario.canonical`); read it through :meth:`canonical`,
        which returns a copy.
    pickled
        The validated :class:`~tradewinds.scenarios.schema.Scenario`, pickled
        (see :attr:`scenario`).
    """

    path: Path
    folder: Path
    data: dict[str, Any] = field(repr=False)
    pickled: bytes = field(repr=False)

    @property
    def title(self) -> str:
        """The scenario's title."""
        return str(self.data["title"])

    @property
    def baseline(self) -> str:
        """The baseline the scenario names."""
        return str(self.data["baseline"])

    @property
    def model_name(self) -> str:
        """The model's registry name (``one-sector``, ``multi-sector``, ...)."""
        return str(self.data["model"]["name"])

    @property
    def compare_against(self) -> str | None:
        """The file this scenario is compared against, as written, or None."""
        other = self.data.get("compare_against")
        return None if other is None else str(other)

    def canonical(self) -> dict[str, Any]:
        """A copy of the canonical form, which the caller may change."""
        copy: dict[str, Any] = json.loads(json.dumps(self.data))
        return copy

    def inputs(self) -> dict[str, Any]:
        """:meth:`Scenario.inputs <tradewinds.scenarios.schema.Scenario.inputs>` of the file."""
        shocks = self.data["shocks"]
        dates = [r.get("countermeasures_as_of") for r in shocks["retaliation"]]
        gravity = [
            tc["from_gravity"]["run"] for tc in shocks["trade_costs"] if tc.get("from_gravity")
        ]
        return input_hashes(
            self.folder,
            shocks["overrides"]["measure_files"],
            reads_registry(shocks["tariffs_as_of"], dates),
            gravity,
        )

    def digest(self) -> str:
        """The scenario's identity, equal to :meth:`Scenario.digest` of :attr:`scenario`."""
        return digest_of(self.inputs(), lambda: self.data)

    def comparison_path(self) -> Path | None:
        """The scenario this one is compared against, resolved, or None."""
        other = self.compare_against
        return None if other is None else resolve_path(self.folder, other)

    def comparison(self) -> ScenarioFile | None:
        """The file of ``compare_against``, read, or None."""
        path = self.comparison_path()
        return None if path is None else read_scenario_file(path)

    @functools.cached_property
    def scenario(self) -> Scenario:
        """The validated scenario (imports pydantic and the schema's classes)."""
        scenario: Scenario = pickle.loads(self.pickled)
        scenario._base_dir = self.folder
        scenario._canonical = (id(scenario.__dict__), self.data)
        return scenario


def read_scenario_file(path: str | Path) -> ScenarioFile:
    """Read a scenario file, from the user cache when its contents were read before.

    The cache (:mod:`tradewinds.core.cache`) is keyed by the file's contents and folder, the
    code of the schema and pydantic's version; the files the scenario names (measure files,
    ``compare_against``) are checked on every read. A file that does not parse raises
    :class:`ScenarioError` and leaves nothing in the cache.
    """
    from tradewinds.core.cache import cached
    from tradewinds.core.files import check_input_file

    path = Path(path)
    check_input_file(path, "scenario file")
    folder = path.resolve().parent
    data, pickled = cached(
        "scenario",
        [path, _pydantic_version_file()],
        lambda: _parse(path, folder),
        code=SCHEMA_CODE,
        extra=str(folder),
    )
    shocks = data["shocks"]
    check_files(
        folder, shocks["overrides"]["measure_files"], data.get("compare_against"), str(path)
    )
    return ScenarioFile(path, folder, data, pickled)


#: The modules whose code decides what a scenario file parses to.
SCHEMA_CODE = (
    "tradewinds.scenarios.schema",
    __name__,
    "tradewinds.core.inputs",
    "tradewinds.core.files",
    "tradewinds.core.countries",
    "tradewinds.data.elasticities",
    "tradewinds.models.closures",
    "tradewinds.models.registry",
)


@functools.cache
def _pydantic_version_file() -> Path:
    """Pydantic's ``version.py`` (part of the cache key), found without importing pydantic."""
    import importlib.util

    spec = importlib.util.find_spec("pydantic")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations))) / "version.py"


def _parse(path: Path, folder: Path) -> tuple[dict[str, Any], bytes]:
    """The canonical form of a file and its validated scenario, pickled."""
    from tradewinds.scenarios.schema import parse_file

    scenario, canonical = parse_file(path, folder)
    return canonical, pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL)
