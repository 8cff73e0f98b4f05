"""The identity of the packaged measure registry: a hash of its files, read without parsing them.

A scenario that reads the registry (``tariffs_as_of``) carries this hash in its identity
(:meth:`tradewinds.scenarios.schema.Scenario.digest`), so that a store hit is looked up without
importing numpy or loading the registry.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from importlib import resources
from pathlib import Path

#: Modules whose source decides a duty or an effective rate computed from the packaged registry
#: (part of the key of every result kept in the user cache).
ENGINE_MODULES = tuple(
    f"tradewinds.measures.{name}"
    for name in (
        "shocks", "etr", "duty", "stacking", "lines", "compiled", "products", "registry",
        "schema", "fields", "shipment",
    )
)  # fmt: skip


def packaged_sources() -> list[Path]:
    """The packaged measure files, precedence table and derived tables (sorted by path)."""
    base = Path(str(resources.files("tradewinds.measures").joinpath("data")))
    files = [*base.joinpath("registry").glob("*.yaml"), *base.joinpath("derived").iterdir()]
    return sorted(p for p in [*files, base / "precedence.yaml"] if p.is_file())


@functools.cache
def packaged_registry_sha256() -> str:
    """SHA-256 over the packaged measure files and precedence table (names and contents)."""
    base = resources.files("tradewinds.measures").joinpath("data")
    digest = hashlib.sha256()
    files = sorted(
        [p for p in base.joinpath("registry").iterdir() if p.name.endswith(".yaml")],
        key=lambda p: p.name,
    )
    for item in [*files, base.joinpath("precedence.yaml")]:
        digest.update(item.name.encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()


def packaged_coverage() -> tuple[dt.date, tuple[str, ...]]:
    """The packaged registry's coverage date and open questions, without loading the registry.

    Read from the precedence table once and kept in the user cache; a run served from the store
    warns with them as a solve does (:func:`~tradewinds.measures.fields.check_registry_date`).
    """
    from tradewinds.core.cache import cached

    path = Path(str(resources.files("tradewinds.measures").joinpath("data", "precedence.yaml")))
    return cached(
        "registry-coverage",
        [path],
        functools.partial(_coverage_of, path),
        code=(__name__, "tradewinds.measures.registry", "tradewinds.measures.schema"),
    )


def _coverage_of(path: Path) -> tuple[dt.date, tuple[str, ...]]:
    from tradewinds.measures.registry import _read_yaml
    from tradewinds.measures.schema import PrecedenceFile

    prec = PrecedenceFile.model_validate(_read_yaml(path))
    return prec.coverage_date, tuple(prec.open_questions)
