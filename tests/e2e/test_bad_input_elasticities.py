# ruff: noqa: E501  (one case per line keeps the table readable)
"""Bad input around elasticity sets: one clear message, a non-zero exit or a 4xx, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
WIOD = ROOT / "scenarios" / "measures-2025-09-01-wiod.yaml"
ONE = ROOT / "scenarios" / "announced-2025-02.yaml"
BAD_SET = "title: t\nbaseline: wiod2011\nmodel: {name: multi-sector, elasticities: bw2007}\n"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["montecarlo", str(WIOD), "--sets", "cp2015,nope", "-n", "2"], "Unknown elasticity set 'nope'"),
        (["montecarlo", str(WIOD), "--spread", "-0.5", "-n", "2"], "--spread -0.5"),
        (["montecarlo", str(ONE), "--sets", "bw2006", "-n", "2"], "multi-sector"),
        (["montecarlo", str(WIOD), "--sets", "bw2006", "--eps-mean", "3", "-n", "2"], "--eps-* options apply"),
        (["sweep", str(WIOD), "--set", "model.elasticities=bw2006,hauk"], "Bundled sets"),
    ],
    ids=["mc_unknown_set", "mc_negative_spread", "mc_sets_one_sector", "mc_sets_and_eps", "sweep_unknown_set"],
)  # fmt: skip
def test_cli_bad_elasticity_options(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--workers", "0", "--no-store"]) != 0
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_cli_unknown_set_lists_the_sets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_SET)
    assert main(["run", str(bad), "--no-store"]) != 0
    err = capsys.readouterr().err
    for name in ("bw2007", "cp2015", "bw2006", "hauk2012", "uniform"):
        assert name in err
    assert "bad.yaml" in err
    assert "Traceback" not in err


def test_http_unknown_set_is_422() -> None:
    from tradewinds.server import create_app

    client = TestClient(create_app(), raise_server_exceptions=False)
    response = client.post("/api/v1/scenarios/run", json={"scenario": BAD_SET})
    assert response.status_code == 422, response.text
    message = response.json()["message"]
    assert "Unknown elasticity set 'bw2007'" in message
    assert "hauk2012" in message
