"""The dashboard: server-rendered pages served by the API process at ``/``.

``mount(app)`` adds the page routes, the HTS search endpoint and the static assets (the CSS and
the small script written here, plotly.js from the installed ``plotly`` package, and the world
map built by ``scripts/build_map.py``). Nothing is loaded from another host: the pages work on
a machine with no internet. See ``docs/web.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    """Serve the dashboard pages, their assets and the HTS search on ``app``."""
    from tradewinds.web.assets import router as assets_router
    from tradewinds.web.hts import router as hts_router
    from tradewinds.web.pages import router as pages_router
    from tradewinds.web.runs import router as runs_router
    from tradewinds.web.workbench import router as workbench_router

    app.include_router(hts_router)
    app.include_router(assets_router)
    app.include_router(pages_router)
    app.include_router(runs_router)
    app.include_router(workbench_router)


__all__ = ["mount"]
