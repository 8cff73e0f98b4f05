"""Source keys of the registry and their URLs (from the sourced fact sheet)."""

from __future__ import annotations

import functools
from importlib import resources

from tradewinds.core.inputs import parse_yaml


@functools.cache
def source_urls() -> dict[str, str]:
    """Key -> URL for every source key the packaged registry cites."""
    path = resources.files("tradewinds.measures").joinpath("data/sources.yaml")
    data = parse_yaml(path.read_text(encoding="utf-8"), "sources.yaml")
    return {str(k): str(v) for k, v in (data or {}).items()}


def source_url(key: str) -> str | None:
    """URL of a source key, or None (e.g. for files in ../shared/data, named in the note)."""
    return source_urls().get(key)
