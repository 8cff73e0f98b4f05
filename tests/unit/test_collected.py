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


def _cuts() -> tuple[tuple[str, ...], collected.CutSums]:
    """Two partners, two registry changes in May 2025; duties and imports by elasticity."""
    import datetime as dt

    n = len(collected.eps_grid())
    imports = np.tile([300.0, 700.0], (n, 1))
    shrink = np.linspace(1.0, 0.5, n)[:, None]  # substitution lowers the taxed partner's imports

    def sums(duty_a: float, duty_b: float) -> tuple[np.ndarray, np.ndarray]:
        taxed = imports * np.concatenate([shrink, np.ones((n, 1))], axis=1)
        return np.array([duty_a, duty_b]) * taxed / imports, taxed

    cuts = {
        dt.date(2025, 5, 1): {"2024": sums(30.0, 14.0), "2025h2": sums(15.0, 7.0)},
        dt.date(2025, 5, 11): {"2024": sums(60.0, 28.0), "2025h2": sums(30.0, 14.0)},
    }
    return ("CAN", "MEX"), cuts


def test_monthly_rates_weight_days_and_claim_shares():
    import datetime as dt

    partners, cuts = _cuts()
    out = collected.monthly_rates(partners, cuts, dt.date(2025, 5, 31))
    a = collected.claim_weight("2025-05")
    expected = (10 * ((1 - a) * 0.044 + a * 0.022) + 21 * ((1 - a) * 0.088 + a * 0.044)) / 31
    assert out["2025-05"][0] == pytest.approx(expected)


def test_partner_parts_add_up_to_the_us_wide_rate():
    import datetime as dt

    partners, cuts = _cuts()
    parts = collected.monthly_parts(partners, cuts, dt.date(2025, 5, 31))
    contrib, weight = parts.contrib["2025-05"], parts.weight["2025-05"]
    assert weight.sum(axis=1) == pytest.approx(np.ones(len(collected.eps_grid())))
    assert weight[0] == pytest.approx([0.3, 0.7])  # no substitution: 2024 import shares
    assert weight[-1, 0] < 0.3  # the taxed partner's share falls with the elasticity
    a = collected.claim_weight("2025-05")
    can = (10 * ((1 - a) * 0.10 + a * 0.05) + 21 * ((1 - a) * 0.20 + a * 0.10)) / 31
    assert contrib[0, 0] / weight[0, 0] == pytest.approx(can)  # Canada's own statutory rate
    assert parts.total()["2025-05"] == pytest.approx(contrib.sum(axis=1))


def _parts() -> collected.Parts:
    """Synthetic partner parts whose sum is :func:`_rates`, with shares moving by month."""
    rates = _rates()
    contrib, weight = {}, {}
    for i, (m, r) in enumerate(rates.items()):
        share = 0.2 + 0.02 * i - 0.05 * collected.eps_grid() / collected.EPS_MAX
        part = 0.3 + 0.01 * i
        none = np.zeros_like(r)  # a partner without 2024 imports
        contrib[m] = np.stack([part * r, (1 - part) * r, none], axis=1)
        weight[m] = np.stack([share, 1 - share, none], axis=1)
    return collected.Parts(partners=("CAN", "MEX", "PRK"), contrib=contrib, weight=weight)


def test_partner_estimates_aggregate_to_the_us_wide_one(synthetic):
    bt = collected.backtest()
    estimates = [bt.partner(c) for c in ("CAN", "MEX")]
    weights = np.array([p.weight for p in estimates])
    assert weights.sum(axis=0) == pytest.approx(np.ones(len(bt.months)))
    weighted = (weights * np.array([p.estimate for p in estimates])).sum(axis=0)
    assert weighted == pytest.approx(np.array(bt.estimate), rel=1e-12)
    assert bt.partner("ALL").estimate == pytest.approx(bt.estimate, rel=1e-12)
    can = estimates[0]
    assert can.statutory != pytest.approx(bt.statutory)  # the partner's own rate, not the total
    assert can.estimate != pytest.approx(bt.estimate)


def test_partner_without_imports_is_refused(synthetic):
    from tradewinds.core.errors import DataError

    bt = collected.backtest()
    for code in ("CHN", "PRK"):  # not in the parts; in them with no imports
        with pytest.raises(DataError, match="no 2024 imports"):
            bt.partner(code)


def test_treasury_series_covers_the_backtest():
    series = collected.treasury()
    assert {"2025-04", "2025-09", "2025-10", "2026-03"} <= set(series)
    assert series["2025-01"] == pytest.approx(7341 / 317226.6)  # treasury_revenue.csv, 2025-01


@pytest.fixture
def synthetic(monkeypatch):
    observed = _observed(0.7, 0.4, collected.ELASTICITY)
    observed["2025-11"] += 0.02
    monkeypatch.setattr(collected, "_parts_cached", _parts)
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
        ["--collected", "--country", "ALL", "--date", "2025-10-15"],
        ["--collected", "--top", "3"],
        ["--collected", "--country", "ALL", "--usmca-shares", "2024"],
        ["--collected", "--country", "CAN", "--usmca-shares", "2024"],
        ["--collected", "--country", "CAN", "--by", "hs2"],
        ["--collected"],
    ],
)
def test_collected_needs_one_country_alone(args, capsys):
    assert main(["etr", *args]) == 2
    assert "--collected" in capsys.readouterr().err


def test_cli_prints_a_partner_estimate_beside_its_statutory_rate(synthetic, capsys):
    assert main(["etr", "--country", "CAN", "--collected"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    can = collected.backtest().partner("CAN")
    assert "CAN" in out
    assert f"{100 * can.estimate[-1]:.2f}%" in out
    assert f"{100 * can.statutory[-1]:.2f}%" in out
    assert "not tested against partner data" in out


def test_cli_json_of_a_partner_has_its_months_and_weights(synthetic, capsys):
    assert main(["etr", "--country", "mex", "--collected", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    mex = collected.backtest().partner("MEX")
    assert data["country"] == "MEX"
    assert data["validated"] is False
    assert [row["estimate"] for row in data["months"]] == pytest.approx(list(mex.estimate))
    assert [row["import_weight"] for row in data["months"]] == pytest.approx(list(mex.weight))
    assert data["k"] == pytest.approx(0.7)
