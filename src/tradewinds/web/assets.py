"""Static assets: the dashboard's CSS and script, plotly.js and the world map, all local."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from tradewinds.core.errors import UnknownLabelError

router = APIRouter(include_in_schema=False)

#: Served files: URL name -> (package, path inside it, media type).
FILES = {
    "app.css": ("tradewinds.web", "static/app.css", "text/css"),
    "app.js": ("tradewinds.web", "static/app.js", "text/javascript"),
    "map/world_110m.json": ("tradewinds.web", "static/map/world_110m.json", "application/json"),
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js", "text/javascript"),
}

#: Browsers may keep assets for a day; they change only with the installed packages.
CACHE = {"Cache-Control": "public, max-age=86400"}


@functools.cache
def asset_path(name: str) -> Path:
    """The file behind a static URL name (plotly.js comes from the installed plotly package)."""
    if name not in FILES:
        raise UnknownLabelError("static file", name, sorted(FILES), "the dashboard assets")
    package, inner, _ = FILES[name]
    return Path(str(resources.files(package).joinpath(inner)))


@router.get("/static/{name:path}")
def static(name: str) -> FileResponse:
    """One of the dashboard's files (a fixed list: no path from the request reaches the disk)."""
    path = asset_path(name)
    return FileResponse(path, media_type=FILES[name][2], headers=CACHE)
