"""The collected-rate estimate: the fit recovers known factors; Treasury's series is read whole."""

from __future__ import annotations

import pytest

from tradewinds.cli.main import main
from tradewinds.measures import collected


def _months() -> list[str]:
    return [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 4)]


def test_fit_recovers_the_factors_of_a_synthetic_series():
    months = _months()
    statutory = {m: 0.02 + 0.01 * i + (0.05 if m == "2025-05" else 0) for i, m in enumerate(months)}
    observed = dict(
        zip(months, (0.6 * v for v in collected._blend(statutory, months, 0.3)), strict=True)
    )
    k, lag = collected.fit(statutory, observed)
    assert k == pytest.approx(0.6, abs=1e-9)
    assert lag == pytest.approx(0.3)


def test_fit_uses_april_to_september_2025_only():
    months = _months()
    statutory = dict.fromkeys(months, 0.1)
    observed = {m: (0.05 if collected.FIT[0] <= m <= collected.FIT[1] else 0.5) for m in months}
    k, _ = collected.fit(statutory, observed)
    assert k == pytest.approx(0.5)  # the out-of-sample months (0.5 / 0.1 = 5) play no part


def test_treasury_series_covers_the_backtest():
    series = collected.treasury()
    assert {"2025-04", "2025-09", "2025-10", "2026-03"} <= set(series)
    assert series["2025-01"] == pytest.approx(7341 / 317226.6)  # treasury_revenue.csv, 2025-01


@pytest.mark.parametrize(
    "args",
    [
        ["--collected", "--country", "CAN"],
        ["--collected", "--country", "ALL", "--date", "2025-10-15"],
        ["--collected", "--top", "3"],
    ],
)
def test_collected_needs_country_all_alone(args, capsys):
    assert main(["etr", *args]) == 2
    assert "--collected" in capsys.readouterr().err
