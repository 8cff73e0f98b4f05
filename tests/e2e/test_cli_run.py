"""The CLI end to end: run, baseline info, help, and one clear line for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "tradewinds", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_run_prints_headline_with_can_mex_usa_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(SCENARIOS / "announced-2025-02.yaml")]) == 0
    out = capsys.readouterr().out
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│")]
    assert rows[:3] == ["CAN", "MEX", "USA"]
    assert "welfare" in out
    assert "converged" in out


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_run_writes_tidy_records(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"results{suffix}"
    assert main(["run", str(SCENARIOS / "announced-2025-02.yaml"), "--output", str(out)]) == 0
    frame = pd.read_csv(out) if suffix == ".csv" else pd.DataFrame(json.loads(out.read_text()))
    assert {"country", "sector", "metric", "value", "unit"} <= set(frame.columns)
    welfare = frame[(frame["metric"] == "welfare_pct")].set_index("country")["value"]
    assert welfare["CAN"] < 0
    assert welfare["MEX"] < 0


def test_run_on_the_full_194_country_baseline(tmp_path: Path, ld_folder: Path) -> None:
    out = tmp_path / "r.csv"
    code = main(
        [
            "run",
            str(SCENARIOS / "announced-2025-02.yaml"),
            "--baseline",
            str(ld_folder),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    frame = pd.read_csv(out)
    assert frame.loc[frame["metric"] == "welfare_pct", "country"].nunique() == 194


def test_joint_retaliation_hurts_usa_more_than_canada_alone(tmp_path: Path) -> None:
    results = {}
    for name in ("announced-2025-02-canada-retaliates", "announced-2025-02-joint-retaliation"):
        out = tmp_path / f"{name}.csv"
        assert main(["run", str(SCENARIOS / f"{name}.yaml"), "-o", str(out)]) == 0
        frame = pd.read_csv(out)
        results[name] = frame[frame["metric"] == "welfare_pct"].set_index("country")["value"]
    assert (
        results["announced-2025-02-joint-retaliation"]["USA"]
        < results["announced-2025-02-canada-retaliates"]["USA"]
    )


def test_baseline_info(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["baseline", "info"]) == 0
    out = capsys.readouterr().out
    assert "Canada–Mexico two-way trade: US$40.3 bn" in out
    assert "EU27" in out


def _scenario(tmp_path: Path, text: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return str(path)


BAD_CASES = {
    "missing file": (None, "does not exist"),
    "malformed yaml": ("title: x\nshocks: [unclosed\n", "malformed YAML at line"),
    "unknown country": (
        "title: x\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAM, rate: 0.25}\n",
        "Unknown country 'CAM' in shocks.tariffs.0. Did you mean 'CAN'",
    ),
    "negative tariff": (
        "title: x\nshocks:\n  tariffs:\n    - {importer: USA, exporter: CAN, rate: -0.25}\n",
        "negative",
    ),
    "unknown key": ("title: x\nmodle: {name: one-sector}\n", "unknown key 'modle'"),
    "bad closure": (
        "title: x\nmodel: {name: one-sector, closure: open}\n",
        "model.one-sector.closure",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_gives_one_clear_line(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD_CASES[case]
    path = str(tmp_path / "missing.yaml") if text is None else _scenario(tmp_path, text)
    code = main(["run", path])
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err.replace("\n", " ")
    assert "Traceback" not in err


@pytest.mark.slow
def test_subprocess_bad_input_has_no_traceback(tmp_path: Path) -> None:
    path = _scenario(
        tmp_path,
        "title: x\nshocks:\n  tariffs:\n    - {importer: USA, exporter: MEXX, rate: 0.1}\n",
    )
    proc = _cli("run", path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Did you mean 'MEX'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_help_is_fast_and_lists_commands() -> None:
    proc = _cli("--help")
    assert proc.returncode == 0
    assert "run" in proc.stdout
    # Heavy numerical libraries are not imported to print help.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tradewinds.cli.main as m; "
            "print(sorted(k for k in ('numpy','xarray','scipy','pandas') if k in sys.modules))",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    assert probe.stdout.strip() == "[]"
