"""How much work one command may ask for: draws, grid points, workers, chunk sizes.

Each limit has a default chosen so that the largest run it allows fits in a few GB and names
the option at fault; a user with a bigger machine raises it through an environment variable
(``TRADEWINDS_MAX_DRAWS`` and so on, documented in ``docs/input-limits.md``). The API has
tighter limits of its own (:class:`tradewinds.api.security.Limits`), checked first.
"""

from __future__ import annotations

import os

from tradewinds.core.errors import ScenarioError

#: Most Monte Carlo or elasticity draws in one run (each draw is a solve and a stored run).
MAX_DRAWS = 100_000
#: Most points of one sweep grid (the product of every ``--set`` axis).
MAX_GRID_POINTS = 10_000
#: Most entries in one bill of materials (the origin check is linear in it).
MAX_BOM_MATERIALS = 20_000


def limit(name: str, default: int) -> int:
    """The limit ``default``, or the positive integer in ``$TRADEWINDS_<NAME>``."""
    env = f"TRADEWINDS_{name}"
    raw = os.environ.get(env)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ScenarioError(
            f"${env} {raw!r} must be a positive whole number (default {default:,})."
        )
    return value


def check_count(value: int, option: str, *, name: str, default: int, what: str) -> None:
    """Refuse ``value`` below 1 or above the limit ``name`` (see :func:`limit`)."""
    if value < 1:
        raise ScenarioError(f"{option} {value}: give at least one {what}.")
    most = limit(name, default)
    if value > most:
        raise ScenarioError(
            f"{option} {value:,}: more {what}s than the limit of {most:,} for one run; split "
            f"the work, or raise the limit with $TRADEWINDS_{name} if this machine has room."
        )


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_workers(workers: int) -> None:
    """Refuse a negative worker count, or more local worker processes than CPUs.

    Each local Dask worker is a process of about 70 MB that imports the numerical stack; more
    than one per CPU only adds memory. ``$TRADEWINDS_MAX_WORKERS`` raises the bound.
    """
    if workers < 0:
        raise ScenarioError(
            f"--workers {workers}: give a positive number of workers (0 = in-process)."
        )
    most = limit("MAX_WORKERS", available_cpus())
    if workers > most:
        raise ScenarioError(
            f"--workers {workers}: this machine lets the process use {available_cpus()} CPU(s), "
            f"so at most {most} local workers are started (more only add memory). Give "
            f"--workers {most} or fewer, a --scheduler for a real cluster, or set "
            "$TRADEWINDS_MAX_WORKERS."
        )
