"""Run small dense linear algebra on one BLAS thread.

The one-sector kernels factor and multiply matrices of a few hundred rows. At that size BLAS
threads cost more in hand-offs than they save, and far more on a busy machine: a 194-country
one-sector solve took 7.8 ms single-threaded against 10 ms threaded on an idle 2-core machine
and 25 ms threaded on a busy one. Larger problems (the multi-sector model) keep the default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@functools.cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator: call ``func`` with BLAS limited to one thread (restored afterwards)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _controller().limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper
