"""``GET /api/v1/health``: liveness and version, open without a token even on a private server."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(prefix="/api/v1", tags=["meta"])


class Health(BaseModel):
    """The server is up, and which tradewinds it runs."""

    status: str
    version: str


@router.get("/health", response_model=Health)
def health() -> Health:
    """Liveness and version (no token needed: load balancers and the CLI poll it)."""
    import tradewinds

    return Health(status="ok", version=tradewinds.__version__)
