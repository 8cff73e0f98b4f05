"""Bad input to the strategy games (issue 22): refused at validation with one message.

Each case would otherwise be silently wrong or a traceback: ``--tol -1`` reported "no
equilibrium", ``seed: -1`` was accepted and then failed inside the draws, ``--html x.pdf`` wrote
HTML into a file named PDF. The same option records serve the CLI, the API bodies and the
workers, so the API cases check the request models and the worker's parsing directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tradewinds.cli.main import main
from tradewinds.core.errors import ScenarioError
from tradewinds.policy.options import NashOptions, UnitedFrontOptions

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
THREAT = str(ROOT / "scenarios" / "threat-escalation.yaml")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nash", THREAT, "--tol", "-1"], "--tol -1.0: Input should be greater than 0"),
        (["nash", THREAT, "--tol", "0"], "--tol 0.0: Input should be greater than 0"),
        (["nash", THREAT, "--max-rounds", "0"], "--max-rounds 0: Input should be greater"),
        (["nash", THREAT, "--max-rounds", "100000"], "--max-rounds 100000"),
        (["nash", THREAT, "--bounds", "2,1"], "--bounds (2.0, 1.0): the bounds must be"),
        (["optimal", THREAT, "-c", "CAN", "--bounds", "0,50"], "<= 10"),
        (["united-front", THREAT, "--seed", "-1"], "--seed -1: Input should be greater"),
        (["united-front", THREAT, "--draws", "-3"], "--draws -3"),
        (["united-front", THREAT, "--eps-range", "0,8"], "0 < low < high"),
        (["united-front", THREAT, "--deal-rate", "-0.1"], "--deal-rate -0.1"),
        (["united-front", THREAT, "--partners", "CAN,CAN"], "the two partners must differ"),
    ],
)
def test_out_of_range_options_are_refused_with_one_message(args, needle, capsys):
    assert main(["strategy", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert "no equilibrium" not in err


def test_html_chart_refuses_a_pdf_name_before_any_work(tmp_path, capsys):
    target = tmp_path / "x.pdf"
    assert main(["strategy", "united-front", THREAT, "--html", str(target)]) == 2
    assert "must end in .html or .htm" in capsys.readouterr().err
    assert not target.exists()


@pytest.mark.parametrize(
    ("model", "values", "field"),
    [
        ("NashRequest", {"tol": -1}, "tol"),
        ("UnitedFrontRequest", {"seed": -1}, "seed"),
        ("UnitedFrontRequest", {"eps_range": [5, 3]}, "eps_range"),
        ("OptimalRequest", {"country": ["CAN"], "bounds": [0, 20]}, "bounds"),
        ("NashRequest", {"unknown": 1}, "unknown"),
    ],
)
def test_api_bodies_refuse_the_same_values(model, values, field):
    from tradewinds.api.v1 import jobs

    with pytest.raises(ValidationError) as info:
        getattr(jobs, model)(scenario="title: t\n", **values)
    assert field in {str(e["loc"][0]) for e in info.value.errors()}


def test_a_worker_refuses_options_a_request_model_would_refuse():
    """Options reach the worker as a dict (a queued job); it parses them with the same record."""
    from tradewinds.api.worker import _options

    with pytest.raises(ScenarioError, match="seed -1"):
        _options("united-front", {"seed": -1, "draws": 2})
    assert _options("nash", {}).tol == NashOptions().tol


def test_defaults_are_shared():
    from tradewinds.api.v1 import jobs
    from tradewinds.policy import defaults

    assert jobs.NashRequest(scenario="title: t\n").max_rounds == defaults.MAX_ROUNDS
    assert UnitedFrontOptions().seed == defaults.SEED
    assert NashOptions().bounds == defaults.BOUNDS


def test_united_front_says_what_a_deal_costs(tmp_path, capsys):
    """Unpriced, a deal lifts every tariff for free and the output says so; priced, its price."""
    assert main(["strategy", "united-front", THREAT, "--wide"]) == 0
    assert "(deal, deal) always wins" in " ".join(capsys.readouterr().out.split())
    html = tmp_path / "game.html"
    args = ["strategy", "united-front", THREAT, "--deal-rate", "0.1", "--wide", "--html", str(html)]
    assert main(args) == 0
    assert "costs the partner a USA tariff of 10%" in " ".join(capsys.readouterr().out.split())
    assert "costs the partner a USA tariff of 10%" in html.read_text("utf-8")


def test_a_negative_monte_carlo_seed_is_refused(capsys):
    """``seed: -1`` was accepted and then failed inside numpy as an internal error."""
    from tradewinds.api.v1 import jobs

    assert main(["montecarlo", THREAT, "--draws", "2", "--seed", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--seed -1" in err
    assert "Traceback" not in err
    with pytest.raises(ValidationError):
        jobs.RunRequest(scenario="title: t\n", draws=2, seed=-1)


def test_united_front_draws_are_bounded_before_any_solve(capsys):
    """``--draws`` had no limit on the CLI (the API had one); now the shared MAX_DRAWS applies."""
    import time

    start = time.perf_counter()
    assert main(["strategy", "united-front", THREAT, "--draws", "1000000000"]) == 2
    err = capsys.readouterr().err
    assert "--draws 1,000,000,000" in err
    assert "limit of 100,000" in err
    assert "Traceback" not in err
    assert time.perf_counter() - start < 10  # refused before the game is solved


def test_united_front_draws_limit_follows_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("TRADEWINDS_MAX_DRAWS", "3")
    assert main(["strategy", "united-front", THREAT, "--draws", "4"]) == 2
    err = capsys.readouterr().err
    assert "--draws 4" in err
    assert "$TRADEWINDS_MAX_DRAWS" in err
