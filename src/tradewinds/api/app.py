"""The FastAPI application.

Endpoints return the same numbers as the CLI because they call the same functions: the
scenario runner and recorder, the duty calculator, the effective-rate series and the origin
check. Every route lives under ``/api/v1``, one router module per resource group in
:mod:`tradewinds.api.v1`. Errors share one JSON shape (:mod:`tradewinds.api.errors`); limits,
paths and the bearer token are in :mod:`tradewinds.api.security`; long work runs as jobs
(:mod:`tradewinds.api.jobs`).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

import tradewinds
from tradewinds.api.security import Settings


def create_api(settings: Settings | None = None) -> FastAPI:
    """Build the HTTP API (one per process; the registry and baselines load lazily).

    The dashboard is not mounted here: :func:`tradewinds.server.create_app` composes both.
    """
    from tradewinds.api import docs, errors, limits
    from tradewinds.api.jobs import JobManager
    from tradewinds.api.security import BodyLimit
    from tradewinds.api.v1 import corridors, duty, gravity, health, hts, jobs, resources, runs

    settings = settings or Settings()
    settings.check()
    job_manager = JobManager(
        workers=settings.workers,
        max_queue=settings.limits.max_queue,
        job_seconds=settings.limits.job_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        job_manager.shutdown()

    app = FastAPI(
        title="tradewinds",
        version=tradewinds.__version__,
        description="North American trade policy in numbers: duties, effective rates, GE models.",
        docs_url=None,  # served offline by tradewinds.api.docs
        redoc_url=None,
        openapi_url=None,  # served by tradewinds.api.docs, behind the read token
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.jobs = job_manager
    errors.install(app)
    app.add_middleware(BodyLimit, max_body=settings.limits.max_body)
    if settings.cors:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )

    # Routers: other helpers add ONE include_router line each below.
    app.include_router(health.router)
    app.include_router(resources.router)
    app.include_router(duty.router)
    app.include_router(jobs.router)
    app.include_router(runs.router)
    app.include_router(gravity.router)
    app.include_router(corridors.router)
    app.include_router(hts.router)
    docs.install(app)
    # The deadline and the cross-site guard wrap every route, the dashboard's mounted later too.
    limits.install(app, settings)
    return app
