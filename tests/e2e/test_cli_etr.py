"""``tradewinds etr`` end to end."""

from __future__ import annotations

import json

import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e


def test_etr_point_json_fields(capsys):
    assert main(["etr", "--country", "CAN", "--date", "2025-09-01", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == [
        "country",
        "date",
        "usmca_shares",
        "effective_rate",
        "additional_rate",
        "imports_2024",
        "by_authority",
    ]
    assert out["by_authority"]["ieepa"] > 0
    extra = out["effective_rate"] - out["by_authority"]["mfn"]
    assert out["additional_rate"] == pytest.approx(extra, abs=2e-6)


def test_etr_series_output_and_html_plot(tmp_path, capsys):
    csv, html = tmp_path / "s.csv", tmp_path / "s.html"
    code = main(
        [
            "etr",
            "--country",
            "MEX",
            "--from",
            "2025-02-01",
            "--to",
            "2025-04-30",
            "--usmca-shares",
            "2024",
            "--output",
            str(csv),
            "--plot",
            str(html),
        ]
    )
    assert code == 0
    assert csv.stat().st_size > 0
    assert "plotly" in html.read_text()[:5000].lower()


def test_etr_unknown_country(capsys):
    assert main(["etr", "--country", "XYZ", "--date", "2025-09-01"]) == 2


def test_etr_png_plot(tmp_path):
    """PNG through kaleido, or matplotlib when kaleido has no Chrome (offline machines)."""
    png = tmp_path / "s.png"
    assert (
        main(
            [
                "etr",
                "--country",
                "MEX",
                "--from",
                "2025-02-01",
                "--to",
                "2025-04-30",
                "--plot",
                str(png),
            ]
        )
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_measures_list_json(capsys):
    assert main(["measures", "list", "--imposing", "MEX", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in records} == {"mx-nonfta-cars-50", "mx-nonfta-other-35"}
    assert all(r["scope"]["approximate"] for r in records)
