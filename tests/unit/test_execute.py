"""The recorded runner: provenance, caching by hash, forced reruns and failed runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tradewinds.core.errors import ConvergenceError
from tradewinds.core.solver import SolverReport
from tradewinds.data.identity import baseline_digest
from tradewinds.data.loaders import load_baseline
from tradewinds.reporting.tables import headline_frame
from tradewinds.scenarios import runner
from tradewinds.scenarios.execute import execute
from tradewinds.scenarios.schema import parse_scenario
from tradewinds.store import ResultsStore

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "scenarios" / "announced-2025-02.yaml").read_text()


@pytest.fixture
def scenario() -> Any:
    import yaml

    return parse_scenario(yaml.safe_load(TEXT))


def test_run_is_recorded_with_provenance(scenario: Any, tmp_path: Path) -> None:
    store = ResultsStore(tmp_path)
    result = execute(scenario, text=TEXT, sink=store)
    assert not result.cached
    assert result.report is not None
    assert result.report.converged
    rec = store.get_run(result.run_id)
    assert rec.scenario_yaml == TEXT
    assert rec.scenario_hash == scenario.digest()
    assert rec.baseline == "default"
    assert rec.baseline_hash == baseline_digest(load_baseline("default"))
    assert rec.baseline_attrs["units"] == "millions of current US dollars"
    provenance = json.loads(load_baseline("default").attrs["provenance"])
    assert rec.baseline_attrs["provenance"] == provenance
    assert rec.baseline_attrs["provenance"]["files"]
    assert rec.params["eps"] == 4.0
    assert rec.solver is not None
    assert rec.solver["converged"] is True
    assert set(rec.timings) >= {"baseline", "solve", "records", "total"}
    stored = store.results(result.run_id)
    solved = runner.run_scenario(scenario).to_records()
    assert len(stored) == len(solved)
    np.testing.assert_allclose(stored["value"], solved["value"])


def test_same_scenario_is_served_from_the_store_unless_forced(
    scenario: Any, tmp_path: Path
) -> None:
    store = ResultsStore(tmp_path)
    first = execute(scenario, text=TEXT, sink=store)
    again = execute(scenario, text=TEXT, sink=store)
    assert again.cached
    assert again.run_id == first.run_id
    assert again.equilibrium is None
    np.testing.assert_allclose(again.records["value"], first.records["value"])
    forced = execute(scenario, text=TEXT, sink=store, force=True)
    assert not forced.cached
    assert forced.run_id != first.run_id


def test_a_different_baseline_or_version_is_not_served(
    scenario: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ResultsStore(tmp_path)
    first = execute(scenario, sink=store)
    base = load_baseline("default")
    changed = base.assign(trade=base["trade"] * 1.01)
    assert not execute(scenario, baseline=changed, sink=store).cached
    monkeypatch.setattr("tradewinds.scenarios.recording.__version__", "9.9.9")
    other = execute(scenario, sink=store)
    assert not other.cached
    assert other.run_id != first.run_id


def test_headline_from_records_matches_the_equilibrium(scenario: Any) -> None:
    result = execute(scenario, baseline=load_baseline("default"))  # the labelled runner
    assert result.equilibrium is not None
    direct = result.equilibrium.headline()
    rebuilt = headline_frame(result.records)
    for col in direct.columns:
        np.testing.assert_allclose(rebuilt.loc[direct.index, col], direct[col], rtol=1e-12)


@pytest.mark.parametrize("labelled", [False, True])
def test_non_convergence_is_recorded_as_failed_and_raised(
    scenario: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labelled: bool
) -> None:
    """On the cached arrays (the bundled name) and with the runner (a loaded dataset)."""
    from tradewinds.models import onesector

    report = SolverReport(False, 100, 0.5, 1e-10, 0.01, "newton")

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise ConvergenceError("one-sector equilibrium did not converge", report)

    monkeypatch.setitem(runner.MODELS, "one-sector", failing)
    monkeypatch.setattr(onesector, "solve_arrays", failing)
    store = ResultsStore(tmp_path)
    baseline = load_baseline("default") if labelled else None
    with pytest.raises(ConvergenceError):
        execute(scenario, sink=store, baseline=baseline)
    [row] = store.list_runs().to_dict(orient="records")
    rec = store.get_run(str(row["run_id"]))
    assert rec.status == "failed"
    assert "did not converge" in rec.error
    assert rec.solver is not None
    assert rec.solver["iterations"] == 100
    assert store.find_cached(rec.cache_key) is None
