"""``/api/v1/duty``: the stacked duty of one shipment (every CLI option) and of a CSV batch.

Answers for the packaged registry are a pure function of the request, so they are kept encoded
and a repeated line is answered from the event loop without a thread or re-serialisation. A new
line for the packaged registry is computed on the event loop too once the registry is warm (the
first one, which loads it, runs in a worker thread under the per-request time limit); a request
with its own measure files always runs in a worker thread.
Measure files sent with a request are written to a private folder for that request only.
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, ValidationError

from tradewinds.api.deps import bounded, require_read, settings, with_notes
from tradewinds.api.inputs import measure_registry
from tradewinds.api.security import check_count, scenario_error
from tradewinds.api.v1 import answers
from tradewinds.measures.fields import METALS
from tradewinds.measures.shipment import Shipment, message

router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_read)])


class DutyRequest(Shipment):
    """One shipment, with every option of ``tradewinds duty`` (unknown keys are refused)."""

    measure_files: dict[str, str] = Field(
        default_factory=dict, description="Extra measure files: name -> YAML text."
    )

    def shipment(self) -> Shipment:
        """The shipment without the request's measure files."""
        return Shipment.model_validate(self.model_dump(exclude={"measure_files"}))


#: Encoded answers for the packaged registry, newest last. The registry does not change while
#: the server runs, so an answer is a pure function of the request; a hit costs no thread and
#: no serialisation.
_DUTY_CACHE: OrderedDict[str, bytes] = OrderedDict()
_DUTY_CACHE_SIZE = 4096
_DUTY_LOCK = threading.Lock()
#: Set once a line has been computed with the packaged registry (loaded, masks built): from
#: then on a line is computed on the event loop instead of in a worker thread.
_WARM = threading.Event()


def _encode(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode(
        "utf-8"
    )


def _duty_bytes(body: DutyRequest, key: str | None) -> bytes:
    data = _encode(_duty_answer(body))
    if key is not None:
        with _DUTY_LOCK:
            _DUTY_CACHE[key] = data
            while len(_DUTY_CACHE) > _DUTY_CACHE_SIZE:
                _DUTY_CACHE.popitem(last=False)
    return data


async def duty_response(request: Request, body: DutyRequest) -> Response:
    """The duty of one shipment as JSON, from the cache when the same line was asked before."""
    key = None if body.measure_files else body.model_dump_json(exclude={"measure_files"})
    if key is not None:
        with _DUTY_LOCK:
            hit = _DUTY_CACHE.get(key)
            if hit is not None:
                _DUTY_CACHE.move_to_end(key)
        if hit is not None:
            return Response(hit, media_type="application/json")
    if key is not None and _WARM.is_set():
        # The compiled registry is loaded: one line is about a millisecond of work, cheaper
        # done here than handed to a worker thread and back.
        data = _duty_bytes(body, key)
    else:
        data = await bounded(request, _duty_bytes, body, key)
        if key is not None:
            _WARM.set()
    return Response(data, media_type="application/json")


def _duty_answer(body: DutyRequest) -> dict[str, Any]:
    """The one call into the duty calculator."""
    from tradewinds.measures.duty import calculate

    with measure_registry(body.measure_files) as registry:
        result, caught = with_notes(calculate, body.shipment(), registry=registry)
    out: dict[str, Any] = result.to_dict()
    out["notes"] = list(result.notes) + caught
    return out


#: How the two duty routes are declared: the answer is :class:`answers.DutyAnswer`. The routes
#: return the encoded bytes themselves (a repeated line is answered from the cache without
#: re-serialising), so FastAPI documents the model without re-checking each answer; the tests
#: check answers against it.
DUTY_ROUTE: dict[str, Any] = {
    "tags": ["duty"],
    "response_model": answers.DutyAnswer,
    "response_class": JSONResponse,
}

#: Query parameters of ``GET /duty``: the shipment's fields, metal shares by name.
_QUERY = (*(f for f in Shipment.model_fields if f != "metal_content"), *METALS)


async def duty_line(request: Request, **fields: Any) -> Response:
    """The duty of one shipment from query parameters.

    Unknown query parameters are refused (422 naming them), as unknown keys of the body are.
    """
    unknown = sorted(set(request.query_params) - set(_QUERY))
    if unknown:
        raise scenario_error(
            f"unknown query parameter(s) {unknown}; a shipment takes {', '.join(_QUERY)}.",
            unknown[0],
        )
    metals = {m: fields.pop(m) for m in METALS if fields.get(m) is not None}
    for m in METALS:
        fields.pop(m, None)
    given = {k: v for k, v in fields.items() if v is not None}
    try:
        body = DutyRequest.model_validate({**given, "metal_content": metals})
    except ValidationError as exc:
        first = exc.errors()[0]["loc"] if exc.errors() else ()
        raise scenario_error(message(exc), ".".join(str(x) for x in first) or None) from None
    return await duty_response(request, body)


@router.get("/duty", **DUTY_ROUTE)
async def duty_get(
    request: Request,
    hts: str,
    origin: str,
    date: str,
    value: float,
    importer: str = "USA",
    usmca: bool = False,
    us_content: float | None = None,
    steel: float | None = None,
    aluminum: float | None = None,
    copper: float | None = None,
    quantity: float | None = None,
    unit: str | None = None,
    transshipped: bool = False,
    civil_aircraft: bool = False,
    named_article: bool = False,
    us_metal: bool = False,
    semiconductor: bool = False,
) -> Response:
    """Stacked duty of one shipment, layer by layer (the CLI's ``--format json`` object)."""
    return await duty_line(
        request,
        hts=hts,
        origin=origin,
        date=date,
        value=value,
        importer=importer,
        usmca=usmca,
        us_content=us_content,
        steel=steel,
        aluminum=aluminum,
        copper=copper,
        quantity=quantity,
        unit=unit,
        transshipped=transshipped,
        civil_aircraft=civil_aircraft,
        named_article=named_article,
        us_metal=us_metal,
        semiconductor=semiconductor,
    )


@router.post("/duty", **DUTY_ROUTE)
async def duty_post(request: Request, body: DutyRequest) -> Response:
    """The same as ``GET /duty``, with extra measure files sent as content."""
    return await duty_response(request, body)


def batch_duties(lines: Any, registry: Any) -> Any:
    """The one call into the batch calculator: a frame with one row per input line.

    Where the calculator reports bad lines row by row (``duty_batch``, a table of good lines
    and a table of field errors), the bad lines come back in the same CSV with an ``error``
    column naming the field and the problem; otherwise the first bad line fails the request.
    """
    from tradewinds.measures import batch

    where = "the uploaded batch"
    if not hasattr(batch, "duty_batch"):
        return batch.calculate_batch(lines, registry=registry, where=where)
    import pandas as pd

    result = batch.duty_batch(lines, registry=registry, where=where)
    table = pd.DataFrame({c: result.table.get_column(c).to_numpy() for c in result.table.columns})
    errors = pd.DataFrame(
        {c: result.errors.get_column(c).to_numpy() for c in result.errors.columns}
    )
    if "date" in table and not pd.api.types.is_string_dtype(table["date"]):
        table["date"] = pd.to_datetime(table["date"]).dt.strftime("%Y-%m-%d")
    table["error"] = ""
    if len(errors):
        text = errors["field"].astype(str) + " " + errors["value"].astype(str).map(repr) + ": "
        text += errors["error"].astype(str)
        bad = text.groupby(errors["row"]).agg("; ".join).rename("error").reset_index()
        table = pd.concat([table, bad], ignore_index=True).sort_values("row", kind="stable")
    return table.reset_index(drop=True)


def _batch(data: bytes, limit: int) -> str:
    import pandas as pd

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise scenario_error("body: the batch must be UTF-8 CSV text.", "body") from None
    if not text.strip():
        raise scenario_error("body: the batch is empty; send a CSV with a header line.", "body")
    check_count(text.count("\n"), limit, "lines", "body")
    try:
        lines = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        raise scenario_error(f"body: cannot read the batch CSV: {exc}", "body") from None
    if lines.empty:
        raise scenario_error("body: the batch has a header but no lines.", "body")
    with measure_registry(None) as registry:
        result = batch_duties(lines, registry)
    out: str = result.to_csv(index=False)
    return out


@router.post(
    "/duty/batch",
    tags=["duty"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def duty_batch(request: Request) -> Response:
    """Duties of a CSV of shipment lines (as ``tradewinds duty --batch``); CSV back.

    Send the CSV as the body (``Content-Type: text/csv``) or as a multipart file upload.
    """
    limit = settings(request).limits.max_batch_lines
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form()
        upload = next((v for v in form.values() if hasattr(v, "read")), None)
        if upload is None:
            raise scenario_error("body: the form has no file field with the batch CSV.", "body")
        data = await upload.read()
    else:
        data = await request.body()
    csv = await bounded(request, _batch, data, limit)
    return Response(
        csv,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="duties.csv"'},
    )
