"""The collected-rate estimate: the fit reads April–September 2025 only, the errors are honest."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tradewinds.cli.main import main
from tradewinds.measures import collected


def _months() -> list[str]:
    return [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]


def _rates() -> dict[str, np.ndarray]:
    """Synthetic monthly rates by elasticity: higher elasticities lower the rate more."""
    grid = collected.eps_grid()
    out = {}
    for i, m in enumerate(_months()):
        level = 0.02 + 0.01 * i + (0.06 if m == "2025-05" else 0.0)
        out[m] = level * np.exp(-grid * (0.05 + 0.3 * level))
    return out


def _observed(k: float, lag: float, eps: float) -> dict[str, float]:
    j = int(np.argmin(np.abs(collected.eps_grid() - eps)))
    series = {m: float(v[j]) for m, v in _rates().items()}
    months = _months()
    return dict(zip(months, (k * v for v in collected._blend(series, months, lag)), strict=True))


def test_fit_recovers_the_factors_of_a_synthetic_series():
    k, lag, eps = collected.fit(_rates(), _observed(0.6, 1.3, 1.2), eps=None)
    assert (k, lag, eps) == pytest.approx((0.6, 1.3, 1.2), abs=1e-9)
    k, lag, eps = collected.fit(_rates(), _observed(0.6, 0.3, 2.5))
    assert eps == collected.ELASTICITY  # fixed at the published value unless eps=None


def test_out_of_sample_treasury_values_do_not_move_the_fit():
    observed = _observed(0.7, 0.4, 0.5)
    before = collected.fit(_rates(), observed, eps=None)
    changed = dict(observed)
    for m in _months():
        if collected.TEST[0] <= m <= collected.TEST[1]:
            changed[m] = observed[m] * 3 + 0.05
    changed["2025-01"] = 0.5  # before the fit window too
    assert collected.fit(_rates(), changed, eps=None) == before
    changed["2025-06"] += 0.01  # an in-sample month does move it
    assert collected.fit(_rates(), changed, eps=None) != before


def test_out_of_sample_months_are_not_read_by_the_fit():
    observed = {m: v for m, v in _observed(0.7, 0.4, 0.5).items() if m <= collected.FIT[1]}
    fitted = collected.fit(_rates(), observed, eps=None)
    assert fitted == pytest.approx((0.7, 0.4, 0.5), abs=1e-9)


def test_mean_absolute_errors_are_over_the_right_months():
    observed = _observed(0.7, 0.4, 0.5)
    observed["2025-11"] += 0.02  # a miss of 2 points in one of six test months
    observed["2026-02"] -= 0.01
    bt = collected.evaluate(_rates(), observed, eps=None)
    assert (bt.k, bt.lag, bt.eps) == pytest.approx((0.7, 0.4, 0.5), abs=1e-9)
    assert bt.mae_in == pytest.approx(0.0, abs=1e-12)
    assert bt.mae_out == pytest.approx(0.03 / 6)
    by_month = dict(zip(bt.months, zip(bt.estimate, bt.treasury, strict=True), strict=True))
    test = [m for m in bt.months if collected.TEST[0] <= m <= collected.TEST[1]]
    assert len(test) == 6
    assert bt.mae_out == pytest.approx(sum(abs(e - t) for e, t in map(by_month.get, test)) / 6)
    assert bt.statutory == tuple(float(v[0]) for v in _rates().values())


def test_lag_weights_spread_a_mean_lag_over_two_months():
    assert collected.lag_weights(0.0) == {0: 1.0, 1: 0.0}
    assert collected.lag_weights(1.5) == pytest.approx({1: 0.5, 2: 0.5})
    assert collected.lag_weights(2.0) == pytest.approx({1: 0.0, 2: 1.0})
    months = _months()
    series = {m: float(i) for i, m in enumerate(months)}
    # mean lag L: month i receives i - L (away from the series' start)
    assert collected._blend(series, months, 1.25)[5] == pytest.approx(5 - 1.25)


def test_claim_weights_rise_from_the_2024_to_the_2025h2_shares():
    weights = [collected.claim_weight(m) for m in _months()]
    assert weights[0] == weights[1] == 0.0
    assert weights == sorted(weights)
    assert weights[-1] == 1.0
    assert collected.claim_weight("2025-05") == pytest.approx((56 - 38) / (89 - 38), abs=0.01)


def test_monthly_rates_weight_days_and_claim_shares():
    import datetime as dt

    two = np.array([0.1, 0.05])
    cuts = {
        dt.date(2025, 5, 1): {"2024": two, "2025h2": two / 2},
        dt.date(2025, 5, 11): {"2024": 2 * two, "2025h2": two},
    }
    out = collected.monthly_rates(cuts, dt.date(2025, 5, 31))
    a = collected.claim_weight("2025-05")
    expected = (10 * ((1 - a) * 0.1 + a * 0.05) + 21 * ((1 - a) * 0.2 + a * 0.1)) / 31
    assert out["2025-05"][0] == pytest.approx(expected)


def test_treasury_series_covers_the_backtest():
    series = collected.treasury()
    assert {"2025-04", "2025-09", "2025-10", "2026-03"} <= set(series)
    assert series["2025-01"] == pytest.approx(7341 / 317226.6)  # treasury_revenue.csv, 2025-01


@pytest.fixture
def synthetic(monkeypatch):
    observed = _observed(0.7, 0.4, collected.ELASTICITY)
    observed["2025-11"] += 0.02
    monkeypatch.setattr(collected, "_rates_cached", _rates)
    monkeypatch.setattr(collected, "treasury", lambda: observed)
    return observed


def test_cli_prints_the_three_series_and_the_errors(synthetic, capsys):
    assert main(["etr", "--country", "ALL", "--collected"]) == 0
    out = capsys.readouterr().out
    assert "statutory (2024 import weights)" in " ".join(out.split())
    assert "2025-11" in out
    assert "test" in out
    assert "fit" in out
    assert f"{100 * 0.02 / 6:.2f} out of sample" in out
    assert "0.00 points in sample" in out


def test_cli_json_has_the_months_and_the_factors(synthetic, capsys):
    assert main(["etr", "--country", "ALL", "--collected", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["k"] == pytest.approx(0.7)
    assert data["elasticity"] == pytest.approx(collected.ELASTICITY)
    assert data["lag_months"] == pytest.approx(0.4)
    assert data["mae_out_of_sample"] == pytest.approx(0.02 / 6)
    assert [row["month"] for row in data["months"]] == _months()


@pytest.mark.parametrize(
    "args",
    [
        ["--collected", "--country", "CAN"],
        ["--collected", "--country", "ALL", "--date", "2025-10-15"],
        ["--collected", "--top", "3"],
        ["--collected", "--country", "ALL", "--usmca-shares", "2024"],
    ],
)
def test_collected_needs_country_all_alone(args, capsys):
    assert main(["etr", *args]) == 2
    assert "--collected" in capsys.readouterr().err
