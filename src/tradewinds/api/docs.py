"""The OpenAPI docs page and schema, offline and behind the read token.

FastAPI's default ``/docs`` loads Swagger UI from a CDN and is blank without internet. Here the
JavaScript and CSS come from the installed ``fastapi-offline`` package (Swagger UI 5, which
renders the OpenAPI 3.1 schema FastAPI writes; the Swagger UI 4 of ``swagger-ui-bundle`` read
3.0 only and showed "Unable to render this definition"), served under ``/docs/assets``; the page
references no other host. ``/docs`` and ``/openapi.json`` need the token whenever read-only
endpoints do (``--private``, or a non-loopback host without ``--public-reads``); the assets are
the package's public files and stay open.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from tradewinds.api.deps import require_read

ASSET_PREFIX = "/docs/assets"
SCHEMA_URL = "/openapi.json"


def assets_dir() -> Path | None:
    """The folder of Swagger UI assets in the installed ``fastapi_offline``, if any.

    Found without importing the package (its ``__init__`` builds an app class we do not use).
    """
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "static"
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def install(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) with local assets and ``/openapi.json``, both token-guarded."""
    from fastapi.staticfiles import StaticFiles

    folder = assets_dir()
    if folder is not None:
        app.mount(ASSET_PREFIX, StaticFiles(directory=folder), name="docs-assets")

    @app.get(SCHEMA_URL, include_in_schema=False, dependencies=[Depends(require_read)])
    def schema() -> dict[str, Any]:
        return app.openapi()

    @app.get("/docs", include_in_schema=False, dependencies=[Depends(require_read)])
    def swagger() -> HTMLResponse:
        if folder is None:  # pragma: no cover
            return HTMLResponse(
                "<p>Swagger UI assets are not installed (pip install fastapi-offline); the "
                f"schema is at <a href='{SCHEMA_URL}'>{SCHEMA_URL}</a>.</p>"
            )
        return get_swagger_ui_html(
            openapi_url=SCHEMA_URL,
            title=f"{app.title} API",
            swagger_js_url=f"{ASSET_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSET_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{ASSET_PREFIX}/favicon.png",
        )
