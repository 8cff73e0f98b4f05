"""The dashboard: server-rendered pages served by the API process at ``/``.

``mount(app, dependencies)`` adds the page routes and the static assets (the CSS and
the small script written here, plotly.js from the installed ``plotly`` package, and the world
map built by ``scripts/build_map.py``). Nothing is loaded from another host: the pages work on
a machine with no internet. See ``docs/web.md``.

The dashboard does not import the API (nor the API the dashboard): the application factory above
both (:func:`tradewinds.server.create_app`) mounts it and passes the API's read check as the
pages' dependency. The pages call the same library functions as the API routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from fastapi import FastAPI
    from fastapi.params import Depends


def mount(app: FastAPI, dependencies: Sequence[Depends] = ()) -> None:
    """Serve the dashboard pages and their assets on ``app``.

    ``dependencies`` guard every page (the server's read check); the assets are public.
    """
    from tradewinds.web.assets import router as assets_router
    from tradewinds.web.pages import router as pages_router
    from tradewinds.web.runs import router as runs_router
    from tradewinds.web.workbench import router as workbench_router

    guarded = list(dependencies)
    app.include_router(assets_router)
    app.include_router(pages_router, dependencies=guarded)
    app.include_router(runs_router, dependencies=guarded)
    app.include_router(workbench_router, dependencies=guarded)


__all__ = ["mount"]
