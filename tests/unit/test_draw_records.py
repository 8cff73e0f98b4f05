"""Draws keep record values, not frames: the batch's records equal each draw's own records.

``solve_batch`` keeps one vector of values per draw (``Equilibrium.record_values``) and builds
the label columns once per layout from ``Equilibrium.to_records``. These tests check that the
records a batch hands back are exactly those of solving each draw on its own, for the three
models, with and without bilateral records, and that model-only settings are validated as a
full scenario would be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tradewinds.core.errors import ScenarioError, TradewindsError
from tradewinds.data.loaders import load_baseline
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.onesector import OneSectorModel
from tradewinds.scenarios import load_scenario
from tradewinds.scenarios.batch import solve_batch
from tradewinds.scenarios.cluster import run_draws
from tradewinds.scenarios.distributions import Draw, ScalarElasticity, sector_prior
from tradewinds.scenarios.grid import _reparsed, apply_settings
from tradewinds.scenarios.runner import build_shocks, run_scenario

ROOT = Path(__file__).resolve().parents[2]
ONE_SECTOR = ROOT / "scenarios" / "announced-2025-02.yaml"
IGNATENKO = ROOT / "scenarios" / "announced-2025-02-ignatenko.yaml"
MULTI_SECTOR = ROOT / "scenarios" / "canada-countermeasures-2025-04-10-wiod.yaml"


@pytest.fixture(scope="module")
def answers() -> dict[str, Equilibrium]:
    return {path.stem: run_scenario(load_scenario(path)) for path in (ONE_SECTOR, IGNATENKO)}


@pytest.fixture(scope="module")
def multi() -> Equilibrium:
    return run_scenario(load_scenario(MULTI_SECTOR))


def _same_values(eq: Equilibrium, bilateral: bool) -> None:
    _, values = eq.record_values(bilateral=bilateral)
    records = eq.to_records(bilateral=bilateral)
    assert values.dtype == np.float64
    # Bitwise: the same arithmetic on the same arrays, in the same order.
    assert np.array_equal(records["value"].to_numpy(dtype=float), values, equal_nan=True)


@pytest.mark.parametrize("bilateral", [False, True])
@pytest.mark.parametrize("name", [ONE_SECTOR.stem, IGNATENKO.stem])
def test_record_values_are_the_records_value_column(
    answers: dict[str, Equilibrium], name: str, bilateral: bool
) -> None:
    _same_values(answers[name], bilateral)


@pytest.mark.parametrize("bilateral", [False, True])
def test_record_values_of_the_multi_sector_model(multi: Equilibrium, bilateral: bool) -> None:
    assert multi.sector is not None
    _same_values(multi, bilateral)


def test_equal_keys_have_equal_labels_and_other_answers_other_keys() -> None:
    scenario = load_scenario(ONE_SECTOR)
    base = load_baseline(scenario.baseline)
    shocks = build_shocks(scenario, base)
    low = OneSectorModel(eps=2.5).solve(base, *shocks)
    high = OneSectorModel(eps=7.0).solve(base, *shocks)
    for bilateral in (False, True):
        k_low, v_low = low.record_values(bilateral=bilateral)
        k_high, v_high = high.record_values(bilateral=bilateral)
        assert k_low == k_high
        assert not np.array_equal(v_low, v_high)
        columns = ["country", "partner", "sector", "metric", "unit"]
        pd.testing.assert_frame_equal(
            low.to_records(bilateral=bilateral)[columns],
            high.to_records(bilateral=bilateral)[columns],
        )
    assert low.record_values(bilateral=False)[0] != low.record_values(bilateral=True)[0]
    # A flow that disappears from the baseline drops its bilateral records: another layout.
    trade = base["trade"].copy()
    trade.loc[{"exporter": "CAN", "importer": "MEX"}] = 0.0
    thinner = OneSectorModel(eps=2.5).solve(base.assign(trade=trade), *shocks)
    assert thinner.record_values(bilateral=True)[0] != k_low


def _expected(scenario: Any, base: xr.Dataset, draw: Draw, bilateral: bool) -> pd.DataFrame:
    spec = apply_settings(scenario, draw.settings, "expected") if draw.settings else scenario
    data = base
    if draw.baseline_vars:
        data = base.assign(
            {k: (base[k].dims, np.asarray(v, dtype=float)) for k, v in draw.baseline_vars.items()}
        )
    return run_scenario(spec, data).to_records(bilateral=bilateral)


@pytest.mark.parametrize("bilateral", [False, True])
def test_batch_records_equal_each_draws_own_records(bilateral: bool) -> None:
    scenario = load_scenario(ONE_SECTOR)
    base = load_baseline(scenario.baseline)
    draws = [
        *ScalarElasticity().draws(3, 11),
        # a shock setting (shocks rebuilt) and a closure: other paths through the batch
        Draw(index=3, settings={"shocks.tariffs.0.rate": 0.1}),
        Draw(index=4, settings={"model.closure": "balanced", "model.eps": 5.0}),
    ]
    batch = run_draws(None, base, scenario, draws, bilateral=bilateral, chunk_size=2)
    assert [d.status for d in batch.draws] == ["ok"] * 5
    assert len(batch.layouts) == 1
    for draw, outcome in zip(draws, batch.draws, strict=True):
        expected = _expected(scenario, base, draw, bilateral)
        pd.testing.assert_frame_equal(batch.records(outcome), expected, check_exact=True)


def test_batch_records_of_per_sector_draws_equal_their_own_records() -> None:
    scenario = load_scenario(MULTI_SECTOR)
    base = load_baseline(scenario.baseline)
    draws = sector_prior(base).draws(2, 5)
    batch = solve_batch(base, scenario.canonical(), draws, False, str(scenario.base_dir))
    assert [d.status for d in batch.draws] == ["ok", "ok"]
    for draw, outcome in zip(draws, batch.draws, strict=True):
        expected = _expected(scenario, base, draw, False)
        pd.testing.assert_frame_equal(batch.records(outcome), expected, check_exact=True)


def test_a_disagreement_between_values_and_records_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = load_scenario(ONE_SECTOR)
    base = load_baseline(scenario.baseline)
    honest = Equilibrium.record_values

    def off_by_one(self: Equilibrium, *, bilateral: bool = True) -> Any:
        key, values = honest(self, bilateral=bilateral)
        return key, values + 1

    monkeypatch.setattr(Equilibrium, "record_values", off_by_one)
    with pytest.raises(RuntimeError, match="record_values disagrees with to_records"):
        solve_batch(base, scenario.canonical(), ScalarElasticity().draws(1, 0), False)


@pytest.mark.parametrize(
    "settings",
    [
        {"model.eps": 3.25},
        {"model.eps": 6, "model.closure": "ratio"},
        {"model.eps": -1.0},
        {"model.eps": float("inf")},
        {"model.eps": True},
        {"model.closure": "floating"},
        {"model.epz": 2.0},
        {"title": "other"},
    ],
)
def test_model_settings_give_the_scenario_and_errors_of_a_full_parse(
    settings: dict[str, Any],
) -> None:
    scenario = load_scenario(ONE_SECTOR)

    def outcome(func: Any) -> Any:
        try:
            made = func(scenario, settings, "draw 7")
        except TradewindsError as exc:
            return type(exc), str(exc)
        return made.canonical(), made.digest(), made.base_dir

    fast, full = outcome(apply_settings), outcome(_reparsed)
    assert fast == full
    if settings.get("model.eps", 1) == -1.0:
        assert fast[0] is ScenarioError
        assert "draw 7: model.one-sector.eps" in fast[1]


def test_point_text_is_the_scenarios_json_and_yaml_and_libyaml_writes_what_pyyaml_did() -> None:
    import yaml

    from tradewinds.core.canonical import to_json
    from tradewinds.scenarios.grid import grid_scenarios
    from tradewinds.scenarios.recording import scenario_yaml
    from tradewinds.scenarios.sweeps import _canonical_sharing, _PointText

    point_text = _PointText()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        # the text the pure-Python emitter wrote before libyaml's took over
        python = yaml.safe_dump(scenario.canonical(), sort_keys=False, allow_unicode=True)
        assert scenario_yaml(scenario) == python
        assert point_text(scenario.canonical()) == (to_json(scenario.canonical()), python)
    scenario = load_scenario(ONE_SECTOR)
    axes = [
        ("model.eps", [2, 3.5, 1e-300, 4.031289369029737, 12345678901]),
        ("title", ["a: b", "ünïcode", "tradewinds-grid-value-0-of-this-point"]),
        ("shocks.tariffs.0.rate", [0.1, 0]),
        ("model.closure", ["fixed", "balanced"]),
    ]
    points = grid_scenarios(scenario, axes)
    assert len(points) == 60
    base_data = scenario.canonical()
    shared_text = _PointText(base_data)
    for point, spec in points:  # settings written in as tokens, as grid points are recorded
        want = (to_json(spec.canonical()), scenario_yaml(spec))
        assert point_text(spec.canonical(), point) == want
        # and as run_sweep does: entries the point shares with the base are not dumped again
        canonical = _canonical_sharing(scenario, base_data, spec)
        assert canonical == spec.canonical()
        assert list(canonical) == list(spec.canonical())
        assert shared_text(canonical, point) == want
    assert scenario.canonical() == base_data  # nothing wrote into the shared entries


def test_bands_are_the_percentiles_of_each_records_draws() -> None:
    from tradewinds.scenarios.montecarlo import percentile_bands

    scenario = load_scenario(ONE_SECTOR)
    base = load_baseline(scenario.baseline)
    batch = run_draws(None, base, scenario, ScalarElasticity().draws(9, 4), bilateral=True)
    bands = percentile_bands(batch)
    # independently: every draw's tidy records stacked, then grouped by record
    long = pd.concat([batch.records(d) for d in batch.draws], ignore_index=True)
    keys = ["country", "partner", "sector", "metric", "unit"]
    grouped = long.groupby(keys, sort=False)["value"]
    expected = pd.DataFrame(
        {
            "p05": grouped.quantile(0.05),
            "p50": grouped.quantile(0.5),
            "p95": grouped.quantile(0.95),
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
            "n": grouped.count(),
        }
    )
    got = bands.set_index(keys)
    assert list(got.index) == list(expected.index)  # the records' order
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
