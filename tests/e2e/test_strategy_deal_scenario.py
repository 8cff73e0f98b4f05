"""The united-front deal price as a field of the scenario file (issue 22).

``strategy: {united_front: {deal_rate: 0.1}}`` in the scenario prices a separate deal; the CLI's
``--deal-rate`` and the API's ``deal_rate`` override it. A scenario without the block keeps its
identity (its digest does not change), and a bad value is refused with the field's path.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tradewinds.cli.main import main
from tradewinds.core.errors import ScenarioError
from tradewinds.policy.options import UnitedFrontOptions
from tradewinds.policy.united_front import united_front
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.scenarios.strategy import tariff_problem, united_front_game
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
THREAT = ROOT / "scenarios" / "threat-escalation.yaml"


def _priced(rate: Any) -> dict[str, Any]:
    data = yaml.safe_load(THREAT.read_text("utf-8"))
    return {**data, "strategy": {"united_front": {"deal_rate": rate}}}


@pytest.fixture
def priced_file(tmp_path: Path) -> Path:
    path = tmp_path / "threat-priced.yaml"
    path.write_text(yaml.safe_dump(_priced(0.1)), "utf-8")
    return path


def test_the_scenario_prices_the_deal_and_options_override_it() -> None:
    spec = parse_scenario(_priced(0.1))
    assert united_front_game(spec, UnitedFrontOptions())["deal_rate"] == 0.1
    assert united_front_game(spec, UnitedFrontOptions(deal_rate=0.2))["deal_rate"] == 0.2
    assert united_front_game(spec, UnitedFrontOptions(deal_rate=0.0))["deal_rate"] == 0.0
    plain = load_scenario(THREAT)
    assert united_front_game(plain, UnitedFrontOptions())["deal_rate"] is None


def test_a_scenario_without_the_block_keeps_its_identity() -> None:
    plain = load_scenario(THREAT)
    assert "strategy" not in plain.canonical()
    priced = parse_scenario(_priced(0.1), base_dir=THREAT.parent)
    assert priced.canonical()["strategy"] == {"united_front": {"deal_rate": 0.1}}
    assert priced.digest() != plain.digest()  # the file says more, so it is another file
    # Re-reading the stored canonical form gives the same scenario back.
    assert parse_scenario(priced.canonical()).digest() == priced.digest()


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ({"united_front": {"deal_rate": -0.1}}, "strategy.united_front.deal_rate"),
        ({"united_front": {"deal_rate": "ten"}}, "strategy.united_front.deal_rate"),
        ({"united_front": {"deal_rate": 11}}, "strategy.united_front.deal_rate"),
        ({"united_front": {"deal": 0.1}}, "strategy.united_front.deal"),
        ({"nash": {"tol": 1}}, "strategy.nash"),
    ],
)
def test_bad_strategy_blocks_are_refused_with_their_path(block: Any, needle: str) -> None:
    data = {**yaml.safe_load(THREAT.read_text("utf-8")), "strategy": block}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "s.yaml")
    assert needle in str(info.value)


def test_the_cli_reads_the_deal_rate_from_the_scenario(
    priced_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["strategy", "united-front", str(priced_file), "--wide"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "costs the partner a USA tariff of 10%" in out
    assert "always wins" not in out
    args = ["strategy", "united-front", str(priced_file), "--wide", "--deal-rate", "0.2"]
    assert main(args) == 0
    assert "costs the partner a USA tariff of 20%" in " ".join(capsys.readouterr().out.split())


def test_the_priced_game_differs_from_the_free_one(priced_file: Path) -> None:
    """The scenario's price reaches the model: a deal now costs Canada something."""
    spec = load_scenario(priced_file)
    problem, threat = tariff_problem(spec, status_quo="baseline")
    priced = united_front(problem, threat, **united_front_game(spec, UnitedFrontOptions()))
    free = united_front(problem, threat)
    assert priced.deal_rate == 0.1
    assert free.payoff(("deal", "deal"), "CAN") == pytest.approx(0.0, abs=1e-9)
    assert priced.payoff(("deal", "deal"), "CAN") < -1e-4


def test_the_api_reads_the_deal_rate_from_the_scenario() -> None:
    client = TestClient(create_app())
    body = {"scenario": yaml.safe_dump(_priced(0.1))}
    job = client.post("/api/v1/strategy/united-front", json=body).json()
    deadline = time.monotonic() + 120
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job['job_id']}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["state"] == "done", state
    records = client.get(f"/api/v1/jobs/{job['job_id']}/result").json()["records"]
    deal = [
        r
        for r in records
        if r.get("partner") == "CAN=deal;MEX=deal"
        and r.get("country") == "CAN"
        and r.get("metric") == "welfare_pct"
    ]
    assert deal, records[:3]
    assert deal[0]["value"] < -1e-2  # percent: the 10% kept costs Canada welfare
