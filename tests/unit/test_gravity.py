"""Gravity specifications, derived variables and the estimator on data with a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewinds.core.errors import DataError, ScenarioError
from tradewinds.integration.gravity import (
    GravitySpec,
    cost_factor,
    estimate,
    run_id_for,
    spec_from_text,
)
from tradewinds.integration.gravity_data import add_variables, load_gravity_data
from tradewinds.integration.potential import trade_potential


def synthetic(beta: float = 0.4, n: int = 25, years: int = 4, seed: int = 1) -> pd.DataFrame:
    """Poisson flows from a gravity model with exporter-year, importer-year and pair effects."""
    rng = np.random.default_rng(seed)
    codes = [f"C{k:02d}" for k in range(n)]
    pair = rng.normal(0, 1, (n, n))
    pair = (pair + pair.T) / 2
    rows = []
    for t in range(years):
        out_fe, in_fe = rng.normal(3, 0.5, n), rng.normal(3, 0.5, n)
        for i in range(n):
            for j in range(n):
                rta = int(i != j and (i + j) % 3 == 0 and t >= years // 2)
                mu = np.exp(out_fe[i] + in_fe[j] + pair[i, j] + beta * rta + 2.0 * (i == j))
                rows.append((codes[i], codes[j], 2000 + t, rng.poisson(mu), rta))
    return pd.DataFrame(rows, columns=["exporter", "importer", "year", "trade", "rta"])


def test_ppml_recovers_a_known_effect():
    data = synthetic()
    result = estimate(data, GravitySpec(regressors=["rta"]), label="synthetic")
    est = result.coefficient("rta")
    se = float(result.coefficients["std_error"].iloc[0])
    assert abs(est - 0.4) < 4 * se
    assert se < 0.05
    assert result.n_obs == len(data)
    assert result.fitted is not None
    assert result.fitted["predicted"].sum() == pytest.approx(data["trade"].sum(), rel=1e-6)


def test_spec_validation_and_ids():
    spec = spec_from_text("regressors: [rta]\nyears: [2000, 2001]\n")
    assert spec.fixed_effects == ["exporter_year", "importer_year", "pair"]
    assert spec.formula() == "trade ~ rta | exporter_year + importer_year + pair"
    assert run_id_for("a", spec) == run_id_for("a", spec) != run_id_for("b", spec)
    with pytest.raises(ScenarioError, match="unknown key 'regresors'"):
        spec_from_text("regresors: [rta]\n")
    with pytest.raises(ScenarioError, match="unknown fixed effect"):
        spec_from_text("regressors: [rta]\nfixed_effects: [country_pair]\n")
    with pytest.raises(ScenarioError, match="regressors"):
        spec_from_text("outcome: trade\n")


def test_derived_variables():
    frame = pd.DataFrame(
        {
            "exporter": ["A", "A", "B", "B"],
            "importer": ["A", "B", "A", "B"],
            "year": [1990] * 4,
            "trade": [10.0, 2.0, 3.0, 20.0],
            "dist": [10.0, 100.0, 100.0, 20.0],
        }
    )
    names = ["ln_dist_1990", "ln_dist_intra", "intl_border_1990", "smctry", "pair", "ln_y"]
    out = add_variables(frame, names, "trade")
    assert out["ln_dist_1990"].tolist() == pytest.approx([0, np.log(100), np.log(100), 0])
    assert out["ln_dist_intra"].tolist() == pytest.approx([np.log(10), 0, 0, np.log(20)])
    assert out["intl_border_1990"].tolist() == [0, 1, 1, 0]
    assert out["pair"].iloc[1] == out["pair"].iloc[2]
    assert out["ln_y"].iloc[0] == pytest.approx(np.log(12))
    with pytest.raises(DataError, match="Unknown variable 'tarrif'"):
        add_variables(frame, ["tarrif"], "trade")
    with pytest.raises(DataError, match="column 'dist'"):
        add_variables(frame.drop(columns="dist"), ["ln_dist"], "trade")


def test_data_errors(tmp_path):
    with pytest.raises(DataError, match="neither a bundled name"):
        load_gravity_data(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="lacks the columns"):
        load_gravity_data(bad)
    with pytest.raises(DataError, match="outcome column 'flows'"):
        estimate(synthetic(n=4, years=1), GravitySpec(outcome="flows", regressors=["rta"]))
    with pytest.raises(DataError, match="No observations in years"):
        estimate(synthetic(n=4, years=1), GravitySpec(regressors=["rta"], years=[1950]))


def test_cost_factor():
    assert cost_factor(0.0, 4.0) == 1.0
    assert cost_factor(0.557, 4.0) == pytest.approx(np.exp(-0.557 / 4))
    with pytest.raises(ScenarioError):
        cost_factor(0.5, 0.0)


def test_potential_on_wiod_uses_geodist(shared_data):
    records, result = trade_potential("CAN", "MEX", data="wiod0014")
    assert int(records["year"].iloc[0]) == 2014
    assert result.n_obs == 43 * 42  # ROW has no distance in CEPII GeoDist
    asked = records[records["role"] == "asked"]
    assert len(asked) == 2
    assert (records["predicted"] > 0).all()
    assert "FTA" in set(result.coefficients["variable"])


def test_estimate_from_a_csv_path(tmp_path):
    path = tmp_path / "flows.csv"
    synthetic(n=12, years=2).to_csv(path, index=False)
    spec = GravitySpec(regressors=["rta"], fixed_effects=["exporter_year", "importer_year"])
    result = estimate(path, spec)
    assert result.data == str(path)
    assert result.n_obs == 12 * 12 * 2
