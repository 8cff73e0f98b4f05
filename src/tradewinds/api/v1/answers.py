"""The success answers of ``/api/v1``, as models: what the OpenAPI schema tells a client.

Each route names its model as ``response_model``, so the schema lists the keys and FastAPI checks
every answer against them. Answers the route builds itself are :class:`Exact` (a key added to the
route but not here is a 500 in the tests, not a silent drift); answers that pass on a record made
by the library (a measure, an effective-rate point, a run record) name the keys every client can
rely on and are :class:`Open` to the rest. Rows of tidy tables are plain objects (``Row``): their
columns are documented with the CLI command the route mirrors.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tradewinds.core.solver import SolverReport

#: One row of a tidy table (``country, partner, sector, metric, value, unit`` for results).
Row = dict[str, Any]


class Exact(BaseModel):
    """An answer with exactly these keys."""

    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    """An answer with at least these keys (the record it passes on may carry more)."""

    model_config = ConfigDict(extra="allow")


# -- measures, effective rates, HTS ----------------------------------------------------------


class MeasureList(Exact):
    """``GET /api/v1/measures``: the measures as ``measures list --format json``."""

    count: int
    measures: list[Row]


class Measure(Open):
    """``GET /api/v1/measures/{id}``: one registry record, sources with URLs, its file."""

    id: str
    title: str
    sources: list[Row]
    file: str | None = None


class EtrPoint(Open):
    """``GET /api/v1/etr``: the effective rate on one date by authority (and by sector)."""

    country: str
    date: str
    usmca_shares: str
    effective_rate: float
    by_authority: dict[str, float]
    notes: list[str]
    by: str | None = None
    sectors: list[Row] | None = None


class DutyLayer(Exact):
    """One layer of a duty answer (``Layer.to_dict``)."""

    measure_id: str = Field(description="The registry measure (``GET /api/v1/measures/{id}``).")
    authority: str = Field(description="``mfn``, ``ieepa``, ``section_232``, ``section_301`` ...")
    heading: str | None = Field(description="Chapter 99 heading, if the measure has one.")
    rate: float | str = Field(description="A fraction, or a specific rate in words (0.5 US$/kg).")
    base_value: float | None = Field(
        description="US$ the rate applies to (a specific rate: the quantity)."
    )
    amount: float | None = Field(description="US$ of duty, rounded to cents; null: not computed.")
    formula: str = Field(description="``MFN``, ``additional``, ``all-in floor ...`` and the like.")


class DutyAnswer(Exact):
    """``GET``/``POST /api/v1/duty``: the CLI's ``duty --format json`` object, and the notes."""

    hts: str
    origin: str
    date: str
    customs_value: float
    layers: list[DutyLayer]
    mfn_duty: float
    additional_duty: float
    total_duty: float
    additional_rate: float
    effective_rate: float
    notes: list[str]


class Records(Exact):
    """A tidy table as JSON: its rows, and how many."""

    count: int
    records: list[Row]


class Series(Records):
    """``GET /api/v1/etr/series``: the rows, and the warnings met (e.g. past the coverage date)."""

    notes: list[str]


class HtsSearch(Exact):
    """``GET /api/v1/hts/search``: matching lines (``code``, ``description``, ``mfn``)."""

    query: str
    count: int
    results: list[dict[str, str]]


# -- baselines and scenarios -----------------------------------------------------------------


class Baseline(Exact):
    """A bundled baseline; labels, variables and provenance only when asked for one."""

    name: str
    source: Any
    year: Any
    units: Any
    countries: int
    sectors: int
    country_codes: list[str] | None = None
    sector_labels: list[str] | None = None
    variables: list[str] | None = None
    provenance: dict[str, Any] | None = None


class BaselineList(Exact):
    """``GET /api/v1/baselines``."""

    baselines: list[Baseline]


class ScenarioEntry(Exact):
    """One scenario of the library."""

    name: str
    title: str
    model: str
    baseline: str
    description: str | None = None


class ScenarioList(Exact):
    """``GET /api/v1/scenarios``."""

    scenarios: list[ScenarioEntry]


class ScenarioText(Exact):
    """``GET /api/v1/scenarios/{name}``: the YAML as written, its canonical form, its files."""

    name: str
    title: str
    model: str
    yaml: str
    canonical: dict[str, Any]
    files: dict[str, str]


class Problem(Exact):
    """One reason a scenario is invalid."""

    field: str | None
    message: str
    type: str


class Validation(Exact):
    """``POST /api/v1/scenarios/validate``."""

    valid: bool
    errors: list[Problem]
    scenario_hash: str | None


class OriginCheck(Open):
    """``POST /api/v1/origin/check``: the rules-of-origin verdict (``origin check``)."""

    qualifies: bool


# -- jobs and runs ---------------------------------------------------------------------------


class Progress(Exact):
    """Solves or draws done out of the total (unknown until the job has started)."""

    done: int
    total: int | None
    unit: str


class JobState(Exact):
    """``GET /api/v1/jobs/{id}``: a job's state, progress and (when it failed) its error."""

    job_id: str
    kind: str
    state: str
    progress: Progress
    run_id: str | None
    error: dict[str, Any] | None
    created: str
    started: str | None
    finished: str | None


class JobList(Exact):
    """``GET /api/v1/jobs``."""

    jobs: list[JobState]


class JobResult(Open):
    """``GET /api/v1/jobs/{id}/result``: the answer of a job, as its CLI command's JSON.

    Every kind has ``records``; runs and Monte Carlo jobs add the run id, solver and units,
    Monte Carlo jobs their ``bands``.
    """

    records: list[Row] = Field(default_factory=list)


class RunList(Exact):
    """``GET /api/v1/runs``."""

    runs: list[Row]


class RunShow(Open):
    """``GET /api/v1/runs/{id}``: the stored record (provenance, solver, timings) and links."""

    run_id: str
    kind: str
    title: str
    scenario_hash: str
    baseline_hash: str
    children: int
    links: dict[str, str]


class RunRef(Exact):
    """A run named in a comparison."""

    run_id: str
    title: str


class RunCompare(Exact):
    """``GET /api/v1/runs/compare``: headline differences B minus A."""

    a: RunRef
    b: RunRef
    same_baseline: bool
    records: list[Row]


class RunTable(Exact):
    """``GET /api/v1/runs/{id}/results`` as JSON."""

    run_id: str
    table: str
    records: list[Row]


# -- gravity, integration, corridors, diversification ----------------------------------------


class GravityEstimate(Exact):
    """``POST /api/v1/gravity/estimate``."""

    run_id: str | None
    data: Any
    n_obs: int
    records: list[Row]


class RunRecords(Exact):
    """Records of a computation and the run they were recorded as (if any)."""

    run_id: str | None
    records: list[Row]


class Table(Exact):
    """A table of published figures reproduced (``records``)."""

    records: list[Row]


class Solved(Exact):
    """A solved integration question: its summary, solver report and records."""

    summary: dict[str, Any]
    solver: SolverReport  # as SolverReport.to_dict() writes it
    records: list[Row]


class Routes(Exact):
    """``/api/v1/corridors/compare``: each route's cost, time and legs."""

    routes: list[Row]


class RouteScenario(Exact):
    """``/api/v1/corridors/scenario``: the scenario a route shift implies, as data and YAML."""

    scenario: dict[str, Any]
    yaml: str
    shift: dict[str, Any]


class Exposure(Open):
    """``GET /api/v1/diversify/exposure``: a country's US exposure on a date."""

    country: str
    date: str
    usmca_shares: str
    total: dict[str, Any]


class Markets(Exact):
    """``GET /api/v1/diversify/markets``: exports by destination before and after."""

    title: str
    run_id: str | None
    units: str
    rows: list[Row]


class Products(Exact):
    """``GET /api/v1/diversify/products``: products to redirect, with where to."""

    country: str
    date: str
    baci_configured: bool
    note: str | None
    rows: list[Row]
