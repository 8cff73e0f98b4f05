"""The store-backed commands driven through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tradewinds.cli.main import main
from tradewinds.store import ResultsStore

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "scenarios" / "announced-2025-02.yaml")


def _run_id(text: str) -> str:
    line = next(ln for ln in text.splitlines() if ln.startswith("run id:"))
    return line.split()[2]


def test_run_records_then_serves_from_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["run", SCENARIO, "--store", store]) == 0
    first = capsys.readouterr().out
    assert "CAN" in first
    assert "recorded" in first
    assert main(["run", SCENARIO, "--store", store]) == 0
    second = capsys.readouterr().out
    assert "served from the store" in second
    assert _run_id(first) == _run_id(second)
    assert main(["run", SCENARIO, "--store", store, "--force"]) == 0
    assert _run_id(capsys.readouterr().out) != _run_id(first)


def test_no_store_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.csv"
    assert (
        main(["run", SCENARIO, "--store", str(tmp_path / "s"), "--no-store", "-o", str(out)]) == 0
    )
    assert "run id" not in capsys.readouterr().out
    assert not (tmp_path / "s").exists()
    assert len(pd.read_csv(out)) > 100


def test_results_list_show_export_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["run", SCENARIO, "--store", store]) == 0
    run_id = _run_id(capsys.readouterr().out)
    assert main(["results", "list", "--store", store]) == 0
    assert "one-sect" in capsys.readouterr().out
    assert main(["results", "show", run_id[:22], "--store", store]) == 0
    shown = capsys.readouterr().out
    assert "scenario hash" in shown
    assert "IEEPA" in shown
    out = tmp_path / "export.json"
    assert main(["results", "export", run_id, "--store", store, "-o", str(out)]) == 0
    rows = json.loads(out.read_text())
    assert {"country", "partner", "sector", "metric", "value", "unit"} <= set(rows[0])
    html = tmp_path / "report.html"
    assert main(["report", run_id, "--store", store, "-o", str(html)]) == 0
    assert "Welfare by country" in html.read_text()
    assert main(["results", "show", "nonexistent", "--store", store]) == 2
    assert "Unknown run id" in capsys.readouterr().err


def test_compare_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "b.yaml"
    other.write_text(
        "title: 35% on Canada\n"
        "shocks:\n  tariffs:\n    - {importer: USA, exporter: CAN, rate: 0.35}\n"
    )
    out = tmp_path / "cmp.csv"
    code = main(["compare", SCENARIO, str(other), "--store", str(tmp_path / "s"), "-o", str(out)])
    assert code == 0
    assert "B minus A" in capsys.readouterr().out
    diff = pd.read_csv(out, keep_default_na=False)
    mex = diff[(diff["country"] == "MEX") & (diff["metric"] == "welfare_pct")].iloc[0]
    assert mex["difference"] > 1  # B has no tariff on Mexico: Mexico is far better off
    assert main(["compare", SCENARIO, "missing.yaml", "--no-store"]) == 2


def test_sweep_and_montecarlo_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    out = tmp_path / "sweep.csv"
    args = ["sweep", SCENARIO, "--set", "model.eps=3,6", "--workers", "0", "--store", store]
    assert main([*args, "-o", str(out)]) == 0
    assert "model.eps" in capsys.readouterr().out
    assert set(pd.read_csv(out)["model.eps"]) == {3, 6}
    bands = tmp_path / "bands.csv"
    mc = ["montecarlo", SCENARIO, "--draws", "10", "--seed", "2", "--workers", "0"]
    assert main([*mc, "--store", store, "-o", str(bands)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "10 of 10 draws converged" in printed
    frame = pd.read_csv(bands)
    assert {"p05", "p50", "p95"} <= set(frame.columns)
    assert len(ResultsStore(store).list_runs()) == 2


def test_unknown_set_path_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", SCENARIO, "--set", "model.epz=2,4", "--workers", "0", "--no-store"])
    assert code == 2
    err = capsys.readouterr().err
    assert "model.epz" in err
    assert "model.eps" in err


def test_eps_options_set_the_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["montecarlo", SCENARIO, "--draws", "5", "--workers", "0", "--no-store"]
    assert main([*args, "--eps-mean", "6", "--eps-sd", "0.5"]) == 0
    assert "mean=6.0" in capsys.readouterr().out


def test_compare_stored_runs_and_export_sweeps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "s")
    assert main(["run", SCENARIO, "--store", store]) == 0
    a = _run_id(capsys.readouterr().out)
    sweep = ["sweep", SCENARIO, "--set", "model.eps=3,5", "--workers", "0", "--store", store]
    assert main(sweep) == 0
    s = _run_id(capsys.readouterr().out)
    assert main(["compare", a, f"{s}.p0001", "--store", store]) == 0
    assert "B minus A" in capsys.readouterr().out
    out = tmp_path / "points.csv"
    assert main(["results", "export", s, "--store", store, "-o", str(out)]) == 0
    frame = pd.read_csv(out, keep_default_na=False)
    assert set(frame["run_id"]) == {f"{s}.p0000", f"{s}.p0001"}
    kids = tmp_path / "children.json"
    assert main(["results", "export", s, "-t", "children", "--store", store, "-o", str(kids)]) == 0
    assert [json.loads(k["settings"]) for k in json.loads(kids.read_text())] == [
        {"model.eps": 3},
        {"model.eps": 5},
    ]
    assert main(["results", "export", s, "-t", "nope", "--store", store, "-o", str(out)]) == 2


def test_missing_set_or_output_are_clear_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", SCENARIO, "--no-store"]) == 2
    assert "--set" in capsys.readouterr().err
    assert main(["results", "export", "x"]) == 2
    assert "--output" in capsys.readouterr().err


def test_montecarlo_where_every_draw_fails_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewinds.core.errors import ConvergenceError
    from tradewinds.core.solver import SolverReport
    from tradewinds.scenarios import runner

    solve = runner.MODELS["one-sector"]
    calls = {"n": 0}

    def fails_after_central(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:  # the central run solves; every draw fails
            return solve(*args)  # type: ignore[arg-type]
        raise ConvergenceError("stuck", SolverReport(False, 9, 1.0, 1e-10, 0.0, "newton"))

    monkeypatch.setitem(runner.MODELS, "one-sector", fails_after_central)
    store = str(tmp_path / "s")
    args = ["montecarlo", SCENARIO, "--draws", "3", "--workers", "0", "--store", store]
    assert main(args) == 4
    captured = capsys.readouterr()
    assert "None of the 3 draws converged" in captured.err
    assert "draws that did not solve" in captured.out
    [row] = ResultsStore(store).list_runs().to_dict(orient="records")
    assert row["status"] == "failed"
    assert row["failed_children"] == 3
