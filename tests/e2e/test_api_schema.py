"""Schemathesis against the OpenAPI schema: no input the schema allows gives a 500.

Requests are generated from the schema of every read-only and synchronous endpoint (a bounded
number per operation, so the module runs in well under a minute). Job-launching endpoints are
left out: each job forks a process, and their validation is covered by the job tests. So are
the estimation endpoints (gravity estimate and potential, the Yotov replication, integrate):
one valid request solves a PPML or a root search for seconds, so eight examples each would
cost minutes and hit the client's 10 s timeout on a busy machine; their inputs and refusals
are tested in `test_gravity_cli_api.py`. Every error answer must have the one error shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tradewinds.api.security import Limits, Settings
from tradewinds.server import create_app

pytestmark = [pytest.mark.e2e, pytest.mark.property]

ROOT = Path(__file__).resolve().parents[2]
# The schema is loaded at import, before the session fixture that lets every server answer for
# ``testserver`` (the Host Schemathesis' ASGI client sends), so this app names it itself.
APP = create_app(
    Settings(
        scenario_dir=ROOT / "scenarios",
        limits=Limits(request_seconds=10, max_queue=1),
        allowed_hosts=("testserver",),
    )
)
JOBS = r"^/(run|api/v1/scenarios/run|api/v1/strategy/.*)$"
ESTIMATION = r"^/api/v1/(gravity/.*|replicate/.*|integrate)$"
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    .exclude(path_regex=JOBS)
    .exclude(path_regex=ESTIMATION)
)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message", "field", "status"}, body
        assert body["status"] == response.status_code
