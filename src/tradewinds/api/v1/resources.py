"""``/api/v1``: measures, effective rates, baselines, scenario library, origin check.

The CLI's answers as JSON, computed by the same functions. Each computation runs in a worker
thread under the per-request time limit.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tradewinds.api.deps import bounded, iso_date, require_read, settings, with_notes
from tradewinds.api.inputs import field_errors, scenario_input, yaml_data
from tradewinds.api.security import plain_name
from tradewinds.api.v1 import answers
from tradewinds.core.errors import TradewindsError, UnknownLabelError

router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_read)])


# -- measures --------------------------------------------------------------------------------


def _measures(
    as_of: str | None, target: str | None, imposing: str | None, authority: str | None
) -> list[dict[str, Any]]:
    from tradewinds.measures.registry import load_registry

    registry = load_registry()
    date = None
    if as_of is not None:
        date = iso_date(as_of, "as_of")
        registry.check_date(date)
    rows = registry.select(date, target=target, imposing=imposing, authority=authority)
    return [m.model_dump(mode="json") for m in rows]


@router.get("/measures", tags=["measures"], response_model=answers.MeasureList)
async def list_measures(
    request: Request,
    as_of: str | None = Query(None, description="Date YYYY-MM-DD (default: every record)."),
    target: str | None = Query(None, description="Targeted country (ISO3)."),
    imposing: str | None = Query(None, description="Imposing country (ISO3)."),
    authority: str | None = Query(None, description="Authority or programme, e.g. ieepa."),
) -> dict[str, Any]:
    """Measures in force on a date (or every record), as ``tradewinds measures list``."""
    rows = await bounded(request, _measures, as_of, target, imposing, authority)
    return {"count": len(rows), "measures": rows}


def _measure(measure_id: str) -> dict[str, Any]:
    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.sources import source_url

    registry = load_registry()
    m = registry.get(measure_id)
    data: dict[str, Any] = m.model_dump(mode="json", exclude_defaults=False)
    for src in data["sources"]:
        src["url"] = src.get("url") or source_url(src["key"])
    data["file"] = registry.origin.get(m.id)
    return data


@router.get("/measures/{measure_id}", tags=["measures"], response_model=answers.Measure)
async def show_measure(request: Request, measure_id: str) -> dict[str, Any]:
    """One measure in full with its sources, as ``tradewinds measures show``."""
    return await bounded(request, _measure, measure_id)


# -- effective rates -------------------------------------------------------------------------

UsmcaMode = Literal["2024", "2025", "2025h2", "none"]
Breakdown = Literal["hs2", "gtap", "sector", "wiod", "cp2015"]


def _point(country: str, date: str, usmca_shares: str, by: str | None) -> dict[str, Any]:
    from tradewinds.measures import etr as etr_mod

    day = iso_date(date, "date")
    out, notes = with_notes(etr_mod.point, country, day, usmca_shares)
    out = dict(out)
    if by is not None:
        frame = etr_mod.series(country, day, day, usmca_shares=usmca_shares, by=by)
        frame = frame[frame["sector"] != "all"]
        out["by"] = by
        out["sectors"] = [
            {
                "sector": str(sector),
                **{str(k): float(v) for k, v in zip(g["authority"], g["rate"], strict=True)},
            }
            for sector, g in frame.groupby("sector")
        ]
    out["notes"] = notes
    return out


async def etr_point(
    request: Request,
    *,
    country: str,
    date: str,
    usmca_shares: str = "2025h2",
    by: str | None = None,
) -> dict[str, Any]:
    """The effective rate on one date."""
    return await bounded(request, _point, country, date, usmca_shares, by)


@router.get("/etr", tags=["effective rates"], response_model=answers.EtrPoint)
async def etr_get(
    request: Request,
    country: str = Query(description="CAN or MEX."),
    date: str = Query(description="Date YYYY-MM-DD."),
    usmca_shares: UsmcaMode = "2025h2",
    by: Breakdown | None = Query(None, description="Sector breakdown on that date."),
) -> dict[str, Any]:
    """Import-weighted effective US tariff rate on one date, by authority (and sector)."""
    return await etr_point(request, country=country, date=date, usmca_shares=usmca_shares, by=by)


def _series(
    country: str, start: str, end: str | None, usmca_shares: str, by: str | None, freq: str
) -> Any:
    from tradewinds.measures import etr as etr_mod
    from tradewinds.measures.registry import load_registry

    registry = load_registry()
    last = iso_date(end, "end") if end else registry.coverage_date
    return etr_mod.series(
        country,
        iso_date(start, "start"),
        last,
        usmca_shares=usmca_shares,
        by=by,
        freq=freq,
        registry=registry,
        names=("start", "end"),
    )


@router.get("/etr/series", tags=["effective rates"], response_model=answers.Series)
async def etr_series(
    request: Request,
    country: str = Query(description="CAN or MEX."),
    start: str = Query("2025-01-01", description="First date."),
    end: str | None = Query(None, description="Last date (default: the coverage date)."),
    usmca_shares: UsmcaMode = "2025h2",
    by: Breakdown | None = None,
    freq: Literal["daily", "monthly"] = "daily",
    format: Literal["json", "csv"] = "json",
) -> Any:
    """The series ``date, country, sector, authority, rate``, as ``tradewinds etr``."""
    frame, notes = await bounded(
        request, with_notes, _series, country, start, end, usmca_shares, by, freq
    )
    if format == "csv":
        return Response(frame.to_csv(index=False), media_type="text/csv")
    return {"count": len(frame), "records": frame.to_dict(orient="records"), "notes": notes}


# -- baselines -------------------------------------------------------------------------------


@router.get("/baselines", tags=["baselines"], response_model=answers.BaselineList)
def list_baselines() -> dict[str, Any]:
    """The bundled baselines, with source, year and size."""
    from tradewinds.data.loaders import bundled_names

    return {"baselines": [_baseline_info(name, full=False) for name in bundled_names()]}


@functools.cache
def _baseline_info(name: str, *, full: bool = True) -> dict[str, Any]:

    from tradewinds.core import dims
    from tradewinds.data import countries, load_baseline

    ds = load_baseline(name)
    out: dict[str, Any] = {
        "name": name,
        "source": ds.attrs.get("source", name),
        "year": ds.attrs.get("year"),
        "units": ds.attrs.get("units"),
        "countries": len(countries(ds)),
        "sectors": int(ds.sizes[dims.SECTOR]),
    }
    if full:
        out["country_codes"] = [str(c) for c in countries(ds)]
        out["sector_labels"] = [str(s) for s in ds[dims.SECTOR].values]
        out["variables"] = sorted(map(str, ds.data_vars))
        out["provenance"] = json.loads(ds.attrs.get("provenance", "{}"))
    from tradewinds.core.canonical import to_json

    return dict(json.loads(to_json(out)))


@router.get("/baselines/{name}", tags=["baselines"], response_model=answers.Baseline)
async def baseline_info(request: Request, name: str) -> dict[str, Any]:
    """One bundled baseline: source, year, units, labels and provenance."""
    from tradewinds.api.security import bundled_baseline

    bundled_baseline(name, "name")
    return await bounded(request, _baseline_info, name)


# -- scenarios: library and validation -------------------------------------------------------


def library_dir(request: Request) -> Path:
    """The folder of library scenarios (``--scenarios``, else the repository's)."""
    chosen = settings(request).scenario_dir
    if chosen is not None:
        return chosen
    here = Path(__file__).resolve().parents[4] / "scenarios"
    return here if here.is_dir() else Path.cwd() / "scenarios"


def _library(folder: Path) -> list[dict[str, Any]]:
    from tradewinds.scenarios import load_scenario

    out = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            spec = load_scenario(path)
        except TradewindsError:
            continue
        out.append(
            {
                "name": path.stem,
                "title": spec.title,
                "model": spec.model.name,
                "baseline": spec.baseline,
                "description": spec.description,
            }
        )
    return out


@router.get("/scenarios", tags=["scenarios"], response_model=answers.ScenarioList)
async def list_scenarios(request: Request) -> dict[str, Any]:
    """The scenario library: name, title, model and baseline of each."""
    return {"scenarios": await bounded(request, _library, library_dir(request))}


@router.get("/scenarios/{name}", tags=["scenarios"], response_model=answers.ScenarioText)
async def show_scenario(request: Request, name: str) -> dict[str, Any]:
    """One library scenario: its YAML as written and its canonical form."""
    from tradewinds.scenarios import load_scenario

    plain_name(name, "name")
    folder = library_dir(request)
    stem = name.removesuffix(".yaml")
    path = folder / f"{stem}.yaml"
    if not path.is_file():
        known = [p.stem for p in folder.glob("*.yaml")] if folder.is_dir() else []
        raise UnknownLabelError("scenario", stem, known, "the scenario library")
    spec = load_scenario(path)
    files = {
        rel: (folder / rel).read_text(encoding="utf-8")
        for rel in spec.shocks.overrides.measure_files
        if "/" not in rel and (folder / rel).is_file()
    }
    return {
        "name": stem,
        "title": spec.title,
        "model": spec.model.name,
        "yaml": path.read_text(encoding="utf-8"),
        "canonical": spec.canonical(),
        "files": files,
    }


class ValidateRequest(BaseModel):
    """A scenario to check without running it."""

    model_config = ConfigDict(extra="forbid")

    scenario: str | dict[str, Any]
    files: dict[str, str] = Field(default_factory=dict)


@router.post("/scenarios/validate", tags=["scenarios"], response_model=answers.Validation)
async def validate_scenario(request: Request, body: ValidateRequest) -> dict[str, Any]:
    """Validate a scenario: ``{"valid", "errors": [{field, message, type}], "scenario_hash"}``."""
    limits = settings(request).limits

    def check() -> dict[str, Any]:
        data = yaml_data(body.scenario, "scenario")
        errors = field_errors(data)
        if errors:
            return {"valid": False, "errors": errors, "scenario_hash": None}
        try:
            given = scenario_input(body.scenario, files=body.files, limits=limits)
            with given.materialised() as spec:
                digest = spec.digest()
        except TradewindsError as exc:
            problem = {
                "field": getattr(exc, "field", None),
                "message": exc.message,
                "type": type(exc).__name__,
            }
            return {"valid": False, "errors": [problem], "scenario_hash": None}
        return {"valid": True, "errors": [], "scenario_hash": digest}

    return await bounded(request, check)


# -- origin ----------------------------------------------------------------------------------


class OriginRequest(BaseModel):
    """A bill of materials, as YAML text or the same data as JSON."""

    model_config = ConfigDict(extra="forbid")

    bom: str | dict[str, Any]


def _origin(bom: str | dict[str, Any], most: int) -> dict[str, Any]:
    from tradewinds.api.security import check_count
    from tradewinds.measures.origin import check_origin
    from tradewinds.measures.origin_schema import parse_bom

    data = yaml_data(bom, "bill of materials")
    materials = data.get("materials") if isinstance(data, dict) else None
    if isinstance(materials, list):
        check_count(len(materials), most, "materials", "bom.materials")
    spec = parse_bom(data, "bill of materials")
    return dict(check_origin(spec).to_dict())


@router.post("/origin/check", tags=["origin"], response_model=answers.OriginCheck)
async def origin_check(request: Request, body: OriginRequest) -> dict[str, Any]:
    """USMCA rules-of-origin checks on a bill of materials, as ``tradewinds origin check``."""
    most = settings(request).limits.max_bom_materials
    return await bounded(request, _origin, body.bom, most)
