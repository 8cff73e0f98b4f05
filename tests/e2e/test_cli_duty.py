"""The duty and measures commands end to end."""

from __future__ import annotations

import json

import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


def test_duty_json_fields_exactly(capsys):
    code = main(
        [
            "duty",
            "--hts",
            "8703.23.0190",
            "--origin",
            "MEX",
            "--date",
            "2025-05-01",
            "--value",
            "30000",
            "--usmca",
            "--us-content",
            "0.4",
            "--format",
            "json",
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "hts",
        "origin",
        "date",
        "customs_value",
        "layers",
        "mfn_duty",
        "additional_duty",
        "total_duty",
        "additional_rate",
        "effective_rate",
    ]
    assert set(out["layers"][0]) == {
        "measure_id",
        "authority",
        "heading",
        "rate",
        "base_value",
        "amount",
        "formula",
    }
    assert out["additional_rate"] == pytest.approx(0.15)


def test_duty_table_prints_layers_and_total(capsys):
    assert (
        main(
            [
                "duty",
                "--hts",
                "6109.10.0012",
                "--origin",
                "CAN",
                "--date",
                "2025-08-15",
                "--value",
                "1000",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "ieepa-ca-35" in out
    assert "effective rate 51.50%" in out


def test_duty_unknown_hts_exits_nonzero_with_suggestion(capsys):
    code = main(
        ["duty", "--hts", "8703.23.0199", "--origin", "MEX", "--date", "2025-05-01", "--value", "1"]
    )
    assert code == 2
    assert "Did you mean" in capsys.readouterr().err


def test_duty_past_coverage_prints_warning(capsys):
    assert (
        main(
            [
                "duty",
                "--hts",
                "6109.10.0012",
                "--origin",
                "CAN",
                "--date",
                "2026-09-01",
                "--value",
                "100",
            ]
        )
        == 0
    )
    assert "coverage date" in capsys.readouterr().err


def test_duty_batch(tmp_path, capsys):
    src = tmp_path / "lines.csv"
    src.write_text(
        "hts,origin,date,value,usmca,us_content\n"
        "6109.10.0012,CAN,2025-08-15,1000,0,\n"
        "8703.23.0190,MEX,2025-05-01,30000,1,0.4\n"
    )
    out = tmp_path / "out.csv"
    assert main(["duty", "--batch", str(src), "--output", str(out)]) == 0
    import pandas as pd

    res = pd.read_csv(out)
    assert res["additional_rate"].tolist() == pytest.approx([0.35, 0.15])
    assert res["duty_section_232"].tolist() == pytest.approx([0.0, 4500.0])
    assert res["layers"].tolist() == ["us-mfn-hts2025;ieepa-ca-35", "us-mfn-hts2025;s232-autos-25"]


def test_measures_list_and_show(capsys):
    args = ["measures", "list", "--target", "CAN", "--as-of", "2025-09-01"]
    assert main([*args, "--format", "json"]) == 0
    ids = {m["id"] for m in json.loads(capsys.readouterr().out)}
    assert "ieepa-ca-35" in ids
    assert main(args) == 0
    assert "ieepa" in capsys.readouterr().out  # the table (ids may wrap at the terminal width)
    assert main(["measures", "show", "ieepa-ca-35"]) == 0
    shown = capsys.readouterr().out
    assert "9903.01.10" in shown
    assert "govinfo" in shown
    assert main(["measures", "show", "ieepa-ca-99"]) == 2
