"""``tradewinds origin check`` end to end, through ``tradewinds.cli.main.main``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "origin"


def test_table_output_states_scope(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["origin", "check", str(EXAMPLES / "passenger_vehicle.yaml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "QUALIFIES" in out
    assert "core parts RVC" in out
    assert "85.55%" in out
    assert "tariff-shift rules (Annex 4-B) are out of scope" in " ".join(out.split())


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["origin", "check", str(EXAMPLES / "auto_part_gearbox.yaml"), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["qualifies"] is True
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["rvc_transaction_value"]["outcome"] == "fail"
    assert checks["rvc_net_cost"]["value"] == pytest.approx(1_600 / 2_100)
    assert checks["rvc_net_cost"]["threshold"] == pytest.approx(0.75)
    assert any("out of scope" in n for n in data["notes"])


def test_failing_good_exits_one_unless_report_only(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "light_truck_fails.yaml")
    assert main(["origin", "check", path]) == 1
    assert "DOES NOT QUALIFY" in capsys.readouterr().out
    assert main(["origin", "check", path, "--report-only"]) == 0
    assert main(["origin", "check", path, "--strict"]) == 1  # old spelling still accepted
    assert main(["origin", "check", str(EXAMPLES / "water_boiler.yaml")]) == 0


def test_amounts_carry_the_currency(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLES / "light_truck_fails.yaml")
    assert main(["origin", "check", path, "--report-only"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Amounts in USD" in out
    assert "USD 1,950.00 to spare" in out
    assert main(["origin", "check", path, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["currency"] == "USD"
    assert "USD " in data["pivot"]


def test_malformed_bom_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_text(
        "good: {hts: '8479.89'}\nclaim_date: 2025-06-01\ntransaction_value: 100\n"
        "materials:\n  - {name: motor, value: 150, originating: false}\n",
        encoding="utf-8",
    )
    code = main(["origin", "check", str(bom)])
    err = capsys.readouterr().err.strip()
    assert code == 3  # DataError
    assert len(err.splitlines()) == 1
    assert "more than transaction_value" in err
    assert main(["origin", "check", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_bad_format_option(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["origin", "check", str(EXAMPLES / "water_boiler.yaml"), "--format", "xml"])
    assert code == 2
