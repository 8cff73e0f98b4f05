"""Imported once by the job forkserver: computes what every job process would compute again.

The forkserver imports this module before it forks any worker process, so each starts with
the package's code fingerprint (part of every run's cache key), the packaged measure registry
and its hash in memory and the baseline readers imported instead of spending a second on them.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm() -> None:
    """Fill the per-process caches the runners use."""
    from tradewinds.core.errors import TradewindsError
    from tradewinds.data.loaders import load_baseline
    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.registry_files import packaged_registry_sha256
    from tradewinds.scenarios.recording import code_fingerprint

    code_fingerprint()
    load_baseline("default")  # imports the file backends a baseline read needs
    try:
        load_registry()
        packaged_registry_sha256()
    except TradewindsError:  # pragma: no cover - a broken registry is reported by the job
        log.warning("job forkserver: the measure registry did not load")


warm()
