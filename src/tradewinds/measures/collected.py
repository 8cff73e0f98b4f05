"""A collected-rate estimate beside the statutory US-wide rate, tested against Treasury's.

The statutory rate (:func:`tradewinds.measures.etr.point` for ``ALL``) is what the schedule
charges on the 2024 basket. Customs collects less, and later. The estimate for month ``m`` is

    C(m) = k · [(1 − λ) · S(m) + λ · S(m − 1)]

where ``S`` is the day-weighted monthly mean of the statutory rate (MFN included, July–December
2025 USMCA claim shares), ``λ`` the share of a month's deposits that pay for entries of the month
before (entry summaries and deposits follow entry by up to ten working days, and the Treasury
series records receipts) and ``k`` a compliance and composition factor: what the basket actually
entered and declared pays relative to the 2024 basket (substitution away from taxed goods,
claims, exclusions and drawback the registry does not see). Both are fitted by least squares on
April–September 2025 only; October 2025 to March 2026 is out of sample.

Treasury's series (``customs_duties / imports_value``, monthly) comes from the Budget Lab's
calibration file, reduced to 2024-2026 by ``scripts/build_defaults.py`` with provenance. See
``docs/etr-methods.md`` for the backtest and what the two factors leave out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: Months used to fit ``k`` and ``λ`` (inclusive), and the out-of-sample months.
FIT = ("2025-04", "2025-09")
TEST = ("2025-10", "2026-03")


@dataclass(frozen=True)
class Backtest:
    """Monthly rates (fractions) and the fitted factors."""

    months: tuple[str, ...]
    statutory: tuple[float, ...]
    estimate: tuple[float, ...]
    treasury: tuple[float, ...]
    k: float
    lag_share: float
    mae_in: float
    mae_out: float


def treasury() -> dict[str, float]:
    """Treasury's collected rate by month (``YYYY-MM`` -> fraction), 2024 to March 2026."""
    import csv

    path = Path(str(resources.files("tradewinds.measures").joinpath("data/derived/treasury.csv")))
    with path.open(encoding="utf-8") as handle:
        return {
            row["date"][:7]: float(row["customs_duties"]) / float(row["imports_value"])
            for row in csv.DictReader(handle)
        }


def monthly_statutory(
    first: dt.date, last: dt.date, usmca_shares: str = "2025h2"
) -> dict[str, float]:
    """Day-weighted monthly means of the US-wide statutory rate from ``first`` to ``last``."""
    from tradewinds.measures import etr
    from tradewinds.measures.registry import load_registry

    registry = load_registry()
    cuts = sorted({first} | {d for d in registry.boundaries() if first < d <= last})
    rates = {c: float(str(etr.point("ALL", c, usmca_shares)["effective_rate"])) for c in cuts}
    sums: dict[str, float] = {}
    days: dict[str, int] = {}
    day, k = first, 0
    while day <= last:
        while k + 1 < len(cuts) and cuts[k + 1] <= day:
            k += 1
        key = day.isoformat()[:7]
        sums[key] = sums.get(key, 0.0) + rates[cuts[k]]
        days[key] = days.get(key, 0) + 1
        day += dt.timedelta(days=1)
    return {m: sums[m] / days[m] for m in sums}


def _blend(statutory: dict[str, float], months: list[str], lag: float) -> list[float]:
    out = []
    for m in months:
        year, month = int(m[:4]), int(m[5:])
        prev = f"{year - (month == 1)}-{12 if month == 1 else month - 1:02d}"
        out.append((1 - lag) * statutory[m] + lag * statutory.get(prev, statutory[m]))
    return out


def fit(statutory: dict[str, float], observed: dict[str, float]) -> tuple[float, float]:
    """``(k, λ)`` minimising squared errors over the fit months (λ on a 0.01 grid, k exact)."""
    months = [m for m in sorted(statutory) if FIT[0] <= m <= FIT[1]]
    best: tuple[float, float, float] | None = None
    for step in range(101):
        lag = step / 100
        x = _blend(statutory, months, lag)
        y = [observed[m] for m in months]
        k = sum(a * b for a, b in zip(x, y, strict=True)) / sum(a * a for a in x)
        err = sum((k * a - b) ** 2 for a, b in zip(x, y, strict=True))
        if best is None or err < best[0]:
            best = (err, k, lag)
    assert best is not None
    return best[1], best[2]


def _statutory_cached(usmca_shares: str) -> dict[str, float]:
    """:func:`monthly_statutory` for January 2025 – March 2026, kept in the user cache.

    Keyed by the packaged registry, the weights and this module's code (about 36 US-wide points,
    a few seconds each, on the first call).
    """
    from tradewinds.core.cache import cached
    from tradewinds.measures.registry import _packaged_files, _precedence_path

    base = Path(str(resources.files("tradewinds.measures").joinpath("data/derived")))
    files = [*_packaged_files(), _precedence_path(), base / "weights_2024.csv.gz"]
    return cached(
        f"collected-statutory-{usmca_shares}",
        files,
        lambda: monthly_statutory(dt.date(2025, 1, 1), dt.date(2026, 3, 31), usmca_shares),
        code=[__name__, "tradewinds.measures.etr", "tradewinds.measures.stacking"],
    )


def backtest(usmca_shares: str = "2025h2") -> Backtest:
    """Fit on April–September 2025, test on October 2025 – March 2026, month by month."""
    observed = treasury()
    statutory = _statutory_cached(usmca_shares)
    k, lag = fit(statutory, observed)
    months = [m for m in sorted(statutory) if m in observed]
    estimate = [k * v for v in _blend(statutory, months, lag)]

    def mae(lo: str, hi: str) -> float:
        errs = [
            abs(e - observed[m]) for m, e in zip(months, estimate, strict=True) if lo <= m <= hi
        ]
        return sum(errs) / len(errs)

    return Backtest(
        months=tuple(months),
        statutory=tuple(statutory[m] for m in months),
        estimate=tuple(estimate),
        treasury=tuple(observed[m] for m in months),
        k=k,
        lag_share=lag,
        mae_in=mae(*FIT),
        mae_out=mae(*TEST),
    )
