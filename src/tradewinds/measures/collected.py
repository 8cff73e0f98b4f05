"""A collected-rate estimate beside the statutory US-wide rate, tested against Treasury's.

The statutory rate (:func:`tradewinds.measures.etr.point` for ``ALL``) is what the schedule
charges on the 2024 basket. Customs collects less, and later. Four things move the two apart,
and the estimate for month ``m`` models each:

* **USMCA claims by month.** Claim shares rose from their 2024 level (Canada about 38%, Mexico
  about 50%) to the July–December 2025 level (about 89% and 83%) over spring 2025. The month's
  statutory rate blends the duties at the two sets of shares with a documented weight
  ``a(m)`` (:data:`CLAIM_PATH`, from the fact sheet's monthly compliance figures; not fitted).
* **Substitution away from taxed goods.** Imports of a line fall with its tariff: its 2024 value
  is scaled by ``((1 + τ_i(t)) / (1 + τ_i(0)))^(−ε)``, ``τ_i(0)`` its rate on 2025-01-01, so the
  rate is ``S_ε(t) = Σ d_i w_i / Σ m_i w_i``. ``ε`` is the import-demand elasticity of
  Fajgelbaum, Goldberg, Kennedy and Khandelwal (2020), 2.53, estimated on the 2018–2019 US
  tariffs (:data:`ELASTICITY`; not fitted; other values are a sensitivity, ``fit(eps=None)``).
* **The deposit lag.** Duties are paid with the entry summary, ten working days after entry,
  or, for importers on the periodic monthly statement, by the 15th working day of the month
  after release, and Treasury records receipts. ``L`` is the mean lag in months between entry
  and receipt, from 0 to 2: month ``m`` receives ``S(m − ⌊L⌋)`` and ``S(m − ⌊L⌋ − 1)`` in the
  proportions ``1 − (L − ⌊L⌋)`` and ``L − ⌊L⌋``.
* **Compliance.** ``k`` is what the entered and declared basket pays relative to the statutory
  rate on it (exclusions, drawback, undervaluation, the de minimis channel before its end,
  product scope the registry marks approximate).

    C(m) = k · Σ_j w_j(L) · S_ε(m − j)

``S_ε(m)`` is the day-weighted monthly mean. ``k`` and ``L`` are fitted by least squares on
April–September 2025 only; October 2025 to March 2026 is out of sample.

**By partner.** The US-wide rate is a sum of partners' parts: on each day ``S_ε = Σ_p c_p``,
``c_p`` the partner's substituted duties over all substituted imports, and ``ω_p`` its share of
those imports (``Σ_p ω_p = 1``). A partner's estimate applies the US-wide ``k``, ``L`` and ``ε``
to its own lines and claim path: ``C_p(m) = k Σ_j w_j c_p(m − j) / Σ_j w_j ω_p(m − j)``. The
import-weighted mean ``Σ_p W_p C_p`` with ``W_p = Σ_j w_j ω_p(m − j)`` is the US-wide estimate
exactly (:meth:`Backtest.partner`). Only the US-wide estimate is tested against data: Treasury
publishes no duties by partner. Treasury's series
(``customs_duties / imports_value``, monthly) comes from the Budget Lab's calibration file,
reduced to 2024-2026 by ``scripts/build_defaults.py`` with provenance. See
``docs/etr-methods.md`` (section "Statutory against collected").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

#: Months used to fit ``k`` and ``L`` (inclusive), and the out-of-sample months.
FIT = ("2025-04", "2025-09")
TEST = ("2025-10", "2026-03")
#: First and last day of the statutory series; the substitution base is the first day.
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2026, 3, 31)
#: Elasticity grid (import value of a line against one plus its tariff).
EPS_STEP, EPS_MAX = 0.05, 3.0
#: The import-demand elasticity used: Fajgelbaum, Goldberg, Kennedy and Khandelwal (2020, "The
#: Return to Protectionism", QJE 135(1)), elasticity of substitution across imported varieties,
#: 2.53, estimated on the 2018–2019 US tariffs. A lower, short-run value for comparison: Boehm,
#: Levchenko and Pandalai-Nayar (2023, AER 113(4)), about 0.76 within the year.
ELASTICITY = 2.53
SHORT_RUN = 0.76
#: Grid of the mean deposit lag ``L`` (months).
LAG_STEP, LAG_MAX = 0.02, 2.0
#: Weight of the July–December 2025 USMCA claim shares (against the 2024 shares) by month.
#: Before March 2025 nothing rewarded a claim (2024 shares). Fact sheet
#: ``tariff_measures_2025.md`` E1: Canada's compliance 56% in May and 81% in June 2025 (Fitch),
#: from about 38% in 2024 towards about 89% (peak, autumn 2025); (56−38)/(89−38) = 0.35 and
#: (81−38)/(89−38) = 0.84. March and April are interpolated from 0 to May's 0.35 (the April
#: 89% of one source conflicts with Fitch's May figure and is not used). From July: 1.
CLAIM_PATH = {"2025-03": 0.12, "2025-04": 0.24, "2025-05": 0.35, "2025-06": 0.84}


def claim_weight(month: str) -> float:
    """``a(m)``: weight of the July–December 2025 claim shares in ``month`` (``YYYY-MM``)."""
    if month < "2025-03":
        return 0.0
    return CLAIM_PATH.get(month, 1.0)


def eps_grid() -> np.ndarray:
    """The elasticities the fit searches: 0 to :data:`EPS_MAX` and the published values."""
    steps = np.round(np.arange(0.0, EPS_MAX + EPS_STEP / 2, EPS_STEP), 10)
    return np.unique(np.concatenate([steps, [ELASTICITY, SHORT_RUN]]))


@dataclass(frozen=True)
class Backtest:
    """Monthly rates (fractions) and the fitted factors."""

    months: tuple[str, ...]
    statutory: tuple[float, ...]
    estimate: tuple[float, ...]
    treasury: tuple[float, ...]
    k: float
    lag: float
    eps: float
    mae_in: float
    mae_out: float
    parts: Parts | None = None

    def partner(self, country: str) -> PartnerEstimate:
        """The estimate for a partner (ISO3), ``EU`` or ``ALL``, with the same ``k``, ``L``, ``ε``.

        Needs :attr:`parts` (set by :func:`backtest`). A group sums its members' parts.
        """
        from tradewinds.core.errors import DataError
        from tradewinds.measures import etr

        if self.parts is None:
            raise DataError("this backtest carries no partner parts; run collected.backtest()")
        index = {c: i for i, c in enumerate(self.parts.partners)}
        code = etr.check_country(country)
        first = self.parts.weight[self.months[0]][0]
        chosen = [index[c] for c in etr.members(code) if c in index and first[index[c]] > 0]
        if not chosen:
            raise DataError(f"no 2024 imports from {country!r} in the collected-rate parts")
        grid = eps_grid()
        j = int(np.argmin(np.abs(grid - self.eps)))
        months = list(self.months)
        contrib = {m: float(v[j, chosen].sum()) for m, v in self.parts.contrib.items()}
        weight = {m: float(v[j, chosen].sum()) for m, v in self.parts.weight.items()}
        num, den = _blend(contrib, months, self.lag), _blend(weight, months, self.lag)
        statutory = tuple(
            float(self.parts.contrib[m][0, chosen].sum() / self.parts.weight[m][0, chosen].sum())
            for m in months
        )
        return PartnerEstimate(
            country=code,
            months=self.months,
            statutory=statutory,
            estimate=tuple(self.k * a / b for a, b in zip(num, den, strict=True)),
            weight=tuple(den),
        )


@dataclass(frozen=True)
class PartnerEstimate:
    """One partner's monthly statutory rate and collected estimate (fractions).

    ``weight`` is the partner's share of the lagged, substituted US imports in each month: the
    weights of the import-weighted mean of partners' estimates that gives the US-wide one.
    """

    country: str
    months: tuple[str, ...]
    statutory: tuple[float, ...]
    estimate: tuple[float, ...]
    weight: tuple[float, ...]


@dataclass(frozen=True)
class Parts:
    """Each partner's part of the US-wide monthly rate, by elasticity.

    ``contrib[m]`` and ``weight[m]`` are ``(elasticities, partners)`` arrays: the partner's
    substituted duties over all substituted imports, and its share of those imports, averaged
    over the month's days with the month's claim shares. ``contrib[m].sum(axis=1)`` is the
    US-wide rate of :func:`monthly_rates`.
    """

    partners: tuple[str, ...]
    contrib: dict[str, np.ndarray]
    weight: dict[str, np.ndarray]

    def total(self) -> dict[str, np.ndarray]:
        """The US-wide monthly rate by elasticity."""
        return {m: v.sum(axis=1) for m, v in self.contrib.items()}


def treasury() -> dict[str, float]:
    """Treasury's collected rate by month (``YYYY-MM`` -> fraction), 2024 to March 2026."""
    import csv

    path = Path(str(resources.files("tradewinds.measures").joinpath("data/derived/treasury.csv")))
    with path.open(encoding="utf-8") as handle:
        return {
            row["date"][:7]: float(row["customs_duties"]) / float(row["imports_value"])
            for row in csv.DictReader(handle)
        }


#: Sums at each registry change: ``{cut: {shares: (duty, imports)}}`` (``2024``, ``2025h2``), each
#: an ``(elasticities, partners)`` array of substituted duties and substituted imports (US$).
CutSums = dict[dt.date, dict[str, tuple[np.ndarray, np.ndarray]]]


def cut_rates(first: dt.date, last: dt.date) -> tuple[tuple[str, ...], CutSums]:
    """Partners' duties and imports at every registry change in ``[first, last]``.

    Lines of every partner from the 2024 weights, duties from the packaged registry
    (:func:`tradewinds.measures.etr._blended_duty`), per claim shares; each line's value scaled
    by ``((1 + τ_i(t)) / (1 + τ_i(first)))^(−ε)`` for every ``ε`` of :func:`eps_grid`, then
    summed by partner. Row 0 (``ε = 0``) holds the statutory duties on 2024 imports.
    """
    from tradewinds.measures import etr
    from tradewinds.measures.registry import load_registry

    registry = load_registry()
    cuts = sorted({first} | {d for d in registry.boundaries() if first < d <= last})
    grid = eps_grid()
    base: dict[str, np.ndarray] = {}
    out: CutSums = {}
    labels: tuple[str, ...] = ()
    for cut in cuts:
        out[cut] = {}
        for shares in ("2024", "2025h2"):
            rows, duty = etr._blended_duty("ALL", cut, shares, None)
            names, group = np.unique(rows["country"], return_inverse=True)
            labels = tuple(str(c) for c in names)
            imports = rows["imports"].astype(float)
            total = np.sum(list(duty.values()), axis=0) if duty else np.zeros(len(imports))
            keep = imports > 0
            tau = np.where(keep, total / np.where(keep, imports, 1.0), 0.0)
            base.setdefault(shares, tau)
            rel = np.log1p(tau) - np.log1p(base[shares])
            sums_d, sums_m = [], []
            for eps in grid:
                w = np.exp(-eps * rel)
                sums_d.append(np.bincount(group, weights=total * w, minlength=len(names)))
                sums_m.append(np.bincount(group, weights=imports * w, minlength=len(names)))
            out[cut][shares] = (np.array(sums_d), np.array(sums_m))
    return labels, out


def monthly_parts(partners: tuple[str, ...], cuts: CutSums, last: dt.date) -> Parts:
    """Day-weighted monthly partner parts with the month's claim-share weight ``a(m)``.

    On each day ``c_p = (1 − a) D_p / M + a D'_p / M'`` and ``ω_p = (1 − a) M_p / M + a M'_p /
    M'`` (unprimed: 2024 claim shares, primed: July–December 2025; ``M`` all partners' imports),
    so ``Σ_p c_p`` is the US-wide rate of the day and ``Σ_p ω_p = 1``.
    """
    days = sorted(cuts)
    contrib: dict[str, np.ndarray] = {}
    weight: dict[str, np.ndarray] = {}
    count: dict[str, int] = {}
    day, k = days[0], 0
    while day <= last:
        while k + 1 < len(days) and days[k + 1] <= day:
            k += 1
        key = day.isoformat()[:7]
        a = claim_weight(key)
        for shares, share_weight in (("2024", 1.0 - a), ("2025h2", a)):
            duty, imports = cuts[days[k]][shares]
            everyone = imports.sum(axis=1, keepdims=True)
            contrib[key] = contrib.get(key, 0.0) + share_weight * duty / everyone
            weight[key] = weight.get(key, 0.0) + share_weight * imports / everyone
        count[key] = count.get(key, 0) + 1
        day += dt.timedelta(days=1)
    return Parts(
        partners=partners,
        contrib={m: contrib[m] / count[m] for m in contrib},
        weight={m: weight[m] / count[m] for m in weight},
    )


def monthly_rates(partners: tuple[str, ...], cuts: CutSums, last: dt.date) -> dict[str, np.ndarray]:
    """The US-wide monthly rate by elasticity (the sum of :func:`monthly_parts`)."""
    return monthly_parts(partners, cuts, last).total()


def previous(month: str) -> str:
    """The month before ``month`` (``YYYY-MM``)."""
    year, mon = int(month[:4]), int(month[5:])
    return f"{year - (mon == 1)}-{12 if mon == 1 else mon - 1:02d}"


def lag_weights(lag: float) -> dict[int, float]:
    """Weights of months ``m − j`` in the receipts of month ``m`` for a mean lag ``L`` (months)."""
    whole = min(int(lag), int(LAG_MAX) - 1)
    part = lag - whole
    return {whole: 1.0 - part, whole + 1: part}


def _blend(statutory: Mapping[str, float], months: list[str], lag: float) -> list[float]:
    """``Σ_j w_j(L) S(m − j)``; a month before the series takes the series' first value."""
    first = min(statutory)
    out = []
    for m in months:
        total = 0.0
        for back, weight in lag_weights(lag).items():
            month = m
            for _ in range(back):
                month = previous(month)
            total += weight * statutory[max(month, first)]
        out.append(total)
    return out


def fit(
    rates: Mapping[str, np.ndarray],
    observed: Mapping[str, float],
    eps: float | None = ELASTICITY,
) -> tuple[float, float, float]:
    """``(k, L, ε)`` minimising squared errors over the fit months only.

    ``rates`` maps months to rates by elasticity (:func:`eps_grid`); ``L`` is searched on a
    :data:`LAG_STEP` grid from 0 to :data:`LAG_MAX`, ``k`` solved exactly; ``ε`` is the grid
    value nearest ``eps``, or searched on the grid too when ``eps`` is ``None``. Months outside
    :data:`FIT` are not read from ``observed``.
    """
    grid = eps_grid()
    nearest = [] if eps is None else [int(np.argmin(np.abs(grid - eps)))]
    candidates = nearest or list(range(len(grid)))
    months = [m for m in sorted(rates) if FIT[0] <= m <= FIT[1]]
    y = np.array([observed[m] for m in months])
    best: tuple[float, float, float, float] | None = None
    for j in candidates:
        series = {m: float(v[j]) for m, v in rates.items()}
        for step in range(round(LAG_MAX / LAG_STEP) + 1):
            lag = round(step * LAG_STEP, 10)
            x = np.array(_blend(series, months, lag))
            k = float(x @ y / (x @ x))
            err = float(np.sum((k * x - y) ** 2))
            if best is None or err < best[0] - 1e-15:
                best = (err, k, lag, float(grid[j]))
    assert best is not None
    return best[1], best[2], best[3]


def _cache_args() -> tuple[list[Path], list[str], str]:
    """The inputs that key the cached cut rates (the packaged registry and tables; the engine).

    Read without importing the registry (pydantic, PyYAML), so that ``etr --date`` can say
    whether the estimate is cached at no cost.
    """
    from tradewinds.measures.registry_files import ENGINE_MODULES, packaged_sources

    code = [__name__, *ENGINE_MODULES]
    return packaged_sources(), code, f"eps {eps_grid().tolist()}"


CACHE_NAME = "collected-partner-sums"


def _parts_cached() -> Parts:
    """:func:`monthly_parts` for January 2025 – March 2026, kept in the user cache.

    Keyed by the packaged registry, the weights and this module's code (about 36 US-wide points
    at two sets of claim shares, a few seconds each, on the first call; the day-by-day monthly
    sums are kept too, so that a headline's collected line reads them at once).
    """
    from tradewinds.core.cache import cached

    def build() -> Parts:
        return monthly_parts(*cut_rates(FIRST, LAST), LAST)

    files, code, extra = _cache_args()
    return cached(CACHE_NAME, files, build, code=code, extra=extra)


def backtest_if_cached() -> Backtest | None:
    """:func:`backtest` if its statutory rates are already in the user cache, else ``None``.

    For pages that must answer at once (the dashboard overview); ``etr --country ALL
    --collected`` fills the cache.
    """
    from tradewinds.core.cache import cache_dir, content_key

    directory = cache_dir()
    if directory is None:
        return None
    files, code, extra = _cache_args()
    if not (directory / f"{CACHE_NAME}-{content_key(files, code, extra)}.pickle").is_file():
        return None
    return backtest()


def evaluate(
    rates: Mapping[str, np.ndarray],
    observed: Mapping[str, float],
    eps: float | None = ELASTICITY,
) -> Backtest:
    """Fit on :data:`FIT`, then the estimate and its errors for every month with an observation.

    ``statutory`` is the column at ``ε = 0`` (the schedule on 2024 weights), with the month's
    claim shares; ``eps`` as in :func:`fit`.
    """
    k, lag, eps = fit(rates, observed, eps)
    grid = eps_grid()
    j = int(np.argmin(np.abs(grid - eps)))
    s0 = 0
    months = [m for m in sorted(rates) if m in observed]
    series = {m: float(v[j]) for m, v in rates.items()}
    estimate = [k * v for v in _blend(series, months, lag)]

    def mae(lo: str, hi: str) -> float:
        errs = [
            abs(e - observed[m]) for m, e in zip(months, estimate, strict=True) if lo <= m <= hi
        ]
        return sum(errs) / len(errs)

    return Backtest(
        months=tuple(months),
        statutory=tuple(float(rates[m][s0]) for m in months),
        estimate=tuple(estimate),
        treasury=tuple(observed[m] for m in months),
        k=k,
        lag=lag,
        eps=eps,
        mae_in=mae(*FIT),
        mae_out=mae(*TEST),
    )


def backtest(eps: float | None = ELASTICITY) -> Backtest:
    """Fit on April–September 2025, test on October 2025 – March 2026, month by month.

    The answer carries the partners' parts (:meth:`Backtest.partner`).
    """
    parts = _parts_cached()
    return dataclasses.replace(evaluate(parts.total(), treasury(), eps), parts=parts)
