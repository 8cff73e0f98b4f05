"""The application ``tradewinds serve`` runs: the HTTP API with the dashboard mounted at ``/``.

The API (:mod:`tradewinds.api`) and the dashboard (:mod:`tradewinds.web`) sit side by side and
import nothing from each other; this module, above both, composes them. The dashboard's pages
are guarded by the API's read check (:func:`tradewinds.api.deps.require_read`), so a private
server keeps its pages private too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from tradewinds.api.security import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API, with the dashboard mounted last (so ``/api/v1`` and ``/docs`` win)."""
    from fastapi import Depends

    from tradewinds.api.app import create_api
    from tradewinds.api.deps import require_read
    from tradewinds.web import mount

    app = create_api(settings)
    mount(app, dependencies=[Depends(require_read)])
    return app
