"""``GET /api/v1/hts/search``: HTS lines by code prefix or words of the description."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from tradewinds.api.deps import require_read
from tradewinds.api.v1 import answers

router = APIRouter(prefix="/api/v1", tags=["hts"], dependencies=[Depends(require_read)])


@router.get("/hts/search", response_model=answers.HtsSearch)
def hts_search(
    q: str = Query(min_length=1, max_length=200, description="Code digits or description words."),
    limit: int = Query(default=20, ge=1, le=100),
) -> dict[str, Any]:
    """HTS lines the duty calculator knows, matching a code prefix or every word given."""
    from tradewinds.measures.hts_search import hts_search as search

    hits = search(q, limit)
    return {"query": q, "count": len(hits), "results": hits}
