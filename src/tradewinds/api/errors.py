"""One JSON shape for every error the API answers.

``{"error": <class>, "message": <one line>, "field": <dotted path or null>, "status": <int>}``
for a :class:`~tradewinds.core.errors.TradewindsError`, for FastAPI's request validation (422),
for unknown routes and methods (404, 405) and for bugs (500, with no detail: the server log has
the traceback). Messages never carry server paths or file contents.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradewinds.core.errors import TradewindsError

log = logging.getLogger(__name__)

#: Absolute paths a message might carry (a temp folder, the server's working directory).
_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.\-]+/)+([\w.\-]+)")


def scrub(message: str) -> str:
    """One line, with any absolute path reduced to its last component."""
    line = message.strip().splitlines()[0] if message.strip() else ""
    return _PATH.sub(lambda m: m.group(1), line)


def body(error: str, message: str, field: str | None, status: int) -> dict[str, Any]:
    """The error shape."""
    return {"error": error, "message": scrub(message), "field": field, "status": status}


def tradewinds_body(exc: TradewindsError) -> dict[str, Any]:
    """The error shape of a user error (status from the class or the instance)."""
    status = int(getattr(exc, "status", exc.http_status))
    return body(type(exc).__name__, exc.message, getattr(exc, "field", None), status)


def _loc(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or None


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(TradewindsError)
    async def _user_error(request: Request, exc: TradewindsError) -> JSONResponse:
        content = tradewinds_body(exc)
        return JSONResponse(status_code=content["status"], content=content)

    @app.exception_handler(RequestValidationError)
    @app.exception_handler(ValidationError)
    async def _invalid(
        request: Request, exc: RequestValidationError | ValidationError
    ) -> JSONResponse:
        errors = list(exc.errors())
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = _loc(tuple(first.get("loc", ())))
        msg = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
        more = f" ({len(errors) - 1} more problems)" if len(errors) > 1 else ""
        message = f"{where or 'request'}: {msg}{more}."
        return JSONResponse(
            status_code=422, content=body("RequestValidationError", message, where, 422)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        from tradewinds.api.security import TOO_LARGE, too_large_body

        if TOO_LARGE in request.scope:
            limit = int(request.scope[TOO_LARGE])
            return JSONResponse(status_code=413, content=too_large_body(limit))
        names = {404: "NotFound", 405: "MethodNotAllowed", 401: "AuthError", 413: "LimitError"}
        message = {
            404: f"No endpoint at {request.url.path[:200]!r}; see /docs for the API.",
            405: f"{request.method} is not allowed on {request.url.path[:200]!r}.",
        }.get(exc.status_code, str(exc.detail))
        return JSONResponse(
            status_code=exc.status_code,
            content=body(names.get(exc.status_code, "HTTPError"), message, None, exc.status_code),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        message = "Internal error; the server log has the details."
        return JSONResponse(status_code=500, content=body("InternalError", message, None, 500))
