"""The OpenAPI docs page, offline: Swagger UI served from the installed ``swagger-ui-bundle``.

FastAPI's default ``/docs`` loads Swagger UI from a CDN and is blank without internet. Here
the JavaScript and CSS come from the ``swagger_ui_bundle`` package on this machine, served under
``/docs/assets``; the page references no other host.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

ASSET_PREFIX = "/docs/assets"


def assets_dir() -> Path | None:
    """The folder of Swagger UI assets in the installed ``swagger_ui_bundle``, if any."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def install(app: FastAPI) -> None:
    """Serve ``/docs`` (Swagger UI) with local assets; the schema stays at ``/openapi.json``."""
    from fastapi.staticfiles import StaticFiles

    folder = assets_dir()
    if folder is not None:
        app.mount(ASSET_PREFIX, StaticFiles(directory=folder), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        if folder is None:  # pragma: no cover
            return HTMLResponse(
                "<p>Swagger UI assets are not installed (pip install swagger-ui-bundle); the "
                "schema is at <a href='/openapi.json'>/openapi.json</a>.</p>"
            )
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSET_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSET_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{ASSET_PREFIX}/favicon-32x32.png",
        )
