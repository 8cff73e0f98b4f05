"""Import-weighted effective US tariff rates on any partner, a group of partners, or all of them.

For each HTS10 line ``i`` of US imports from the country in 2024 (weight ``m_i``), the duty on a
date is the USMCA-share blend of the stacked duty with and without a USMCA claim (the claim share
is zero for partners other than Canada and Mexico):

    d_i = s_i · duty_i(claim) + (1 − s_i) · duty_i(no claim),     ETR = Σ_i d_i / Σ_i m_i

``s_i`` is the USMCA claim share of the line (2024, 2025 or July–December 2025 average), metal
shares come from the Budget Lab's BEA-based table (chapters 72/73, 76 and 74 count as pure
metal), and claimed vehicles declare 40% US content (Budget Lab ``us_auto_content_share``). The
weights are fixed: the series moves only with policy and the chosen claim shares. A group
(``ALL``: every partner, the US-wide rate; ``EU``: the 27 members) sums duties and imports over
its members. The rate includes MFN; the additional rate is the same less the ``mfn`` part. See
``docs/etr-methods.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Literal

import numpy as np

from tradewinds.core.errors import DataError, ScenarioError, UnknownLabelError
from tradewinds.measures.compiled import compiled
from tradewinds.measures.products import hts_universe
from tradewinds.measures.stacking import Evaluation, Lines, evaluate

if TYPE_CHECKING:
    import pandas as pd

    from tradewinds.measures.compiled import MeasureRecord
    from tradewinds.measures.registry import Registry
    from tradewinds.measures.schema import Measure

UsmcaShares = Literal["2024", "2025", "2025h2", "none"]
#: Claim-share modes; ``none`` treats every line as non-claiming (no USMCA preference at all).
USMCA_MODES: tuple[str, ...] = ("2024", "2025", "2025h2", "none")
#: The Canada-Mexico lens: the partners of the default views and of the model shocks.
COUNTRIES = ("CAN", "MEX")
#: EU member states (ISO3), weighted together as ``--country EU``.
EU27 = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE",
)  # fmt: skip
#: Groups of partners: every partner of the 2024 weights (the US-wide rate), the EU.
GROUPS = ("ALL", "EU")
#: US content assumed for USMCA-claimed vehicles (Budget Lab policy_params auto_rebate).
US_AUTO_CONTENT = 0.40
PRIMARY = {"steel": ("72", "73"), "aluminum": ("76",), "copper": ("74",)}


#: Breakdown labels of IEEPA programmes other than the border (fentanyl) duties, which keep
#: the label ``ieepa``: the reciprocal duties and the country duties on Brazil and India.
IEEPA_LABELS = {
    "ieepa_recip": "ieepa_reciprocal",
    "ieepa_recip_transship": "ieepa_reciprocal",
    "ieepa_br": "ieepa_country",
    "ieepa_in": "ieepa_country",
}


def authority_key(m: Measure | MeasureRecord) -> str:
    """Breakdown label: the programme for Section 232, the IEEPA regime, otherwise the authority.

    IEEPA duties are ``ieepa`` (the border or fentanyl duties on Canada, Mexico and China),
    ``ieepa_reciprocal`` or ``ieepa_country`` (Brazil, India); see :data:`IEEPA_LABELS`.
    """
    if m.authority == "section_232":
        return m.programme
    if m.authority == "ieepa":
        return IEEPA_LABELS.get(m.programme, "ieepa")
    return m.authority


@functools.cache
def weights() -> pd.DataFrame:
    """Packaged 2024 US imports from Canada and Mexico by HTS10 with shares and sectors.

    One row per line, the columns of :func:`weight_columns`, with missing sector codes as NaN.
    The rows of the other partners are left out (the model shocks and the retaliation line shares
    read Canada and Mexico); :func:`partner_columns` gives any partner's.
    """
    import pandas as pd

    columns: dict[str, np.ndarray] = {}
    keep = np.isin(weight_columns()["country"], COUNTRIES)
    for name, values in weight_columns().items():
        values = values[keep]
        if values.dtype.kind == "U":  # "" marks a missing code; pandas keeps it as NaN
            values = values.astype(object)
            values[values == ""] = None
        columns[name] = values
    return pd.DataFrame(columns)


@functools.cache
def weight_columns() -> dict[str, np.ndarray]:
    """The columns of :func:`weights` as numpy arrays; text as fixed-width strings, ``""`` missing.

    Built once and kept in the user cache (:mod:`tradewinds.core.cache`), keyed by the weight,
    sector and HTS files and this module's code. Plain arrays unpickle without pandas, so a
    one-date rate (:func:`point`) never imports it; fixed-width text unpickles as one buffer
    rather than one object per cell.
    """
    from pathlib import Path

    from tradewinds.core.cache import cached
    from tradewinds.measures.products import _path

    base = Path(str(resources.files("tradewinds.measures").joinpath("data/derived")))
    files = [base / "weights_2024.csv.gz", base / "sectors.csv.gz", _path("hts.csv.gz")]

    def build() -> dict[str, np.ndarray]:
        frame = _build_weights(files[0], files[1])
        return {
            str(c): frame[c].fillna("").to_numpy(dtype=str)
            if frame[c].dtype.kind not in "biuf"
            else frame[c].to_numpy()
            for c in frame.columns
        }

    return cached(
        "etr-weight-columns",
        files,
        build,
        code=[__name__, "tradewinds.measures.products"],
        extra=f"numpy {np.__version__}",
    )


def _build_weights(weights_path: object, sectors_path: object) -> pd.DataFrame:
    import pandas as pd

    w = pd.read_csv(weights_path, dtype={"hts10": str})  # type: ignore[call-overload]
    sectors = pd.read_csv(sectors_path, dtype=str)  # type: ignore[call-overload]
    w = w.merge(sectors.drop(columns="hs6"), on="hts10", how="left")
    for metal, chapters in PRIMARY.items():
        w.loc[w["hts10"].str[:2].isin(chapters), metal] = 1.0
    metals = w[list(PRIMARY)].sum(axis=1)
    over = metals > 1
    w.loc[over, list(PRIMARY)] = w.loc[over, list(PRIMARY)].div(metals[over], axis=0)
    universe = hts_universe()
    idx = pd.Index(universe.codes)
    code = idx.get_indexer(w["hts10"])
    fallback = idx.get_indexer(w["hts10"].str[:8])
    w["code"] = np.where(code >= 0, code, fallback)
    w["hs2"] = w["hts10"].str[:2]
    out: pd.DataFrame = w[w["code"] >= 0].reset_index(drop=True)
    return out


@functools.cache
def partners() -> tuple[str, ...]:
    """Every partner (ISO3) of the 2024 weights, sorted."""
    return tuple(str(c) for c in np.unique(weight_columns()["country"]))


def members(country: str) -> tuple[str, ...]:
    """The partners a country or group label stands for (``ALL``, ``EU`` or one ISO3 code)."""
    country = country.upper()
    if country == "ALL":
        return partners()
    if country == "EU":
        return EU27
    return (country,)


def _check(country: str, usmca_shares: str) -> str:
    country = country.upper()
    if country not in GROUPS and country not in partners():
        raise UnknownLabelError(
            "country", country, [*GROUPS, *partners()], "the effective-rate weights (2024 imports)"
        )
    if usmca_shares not in USMCA_MODES:
        raise ScenarioError(f"--usmca-shares {usmca_shares!r} must be one of {list(USMCA_MODES)}.")
    return country


def check_country(country: str) -> str:
    """``country`` upper-cased if it is a partner of the 2024 weights, ``ALL`` or ``EU``."""
    return _check(country, "2025h2")


def import_totals() -> dict[str, float]:
    """2024 US imports by partner (US$), from the packaged weights."""
    columns = weight_columns()
    labels, group = np.unique(columns["country"], return_inverse=True)
    sums = np.bincount(group, weights=columns["imports"].astype(float))
    return {str(c): float(v) for c, v in zip(labels, sums, strict=True)}


@dataclass(frozen=True)
class Snapshot:
    """Duties by line and authority on one date, blended over USMCA claims."""

    date: dt.date
    imports: np.ndarray  # (n,)
    duty: pd.DataFrame  # (n, authorities)
    lines: pd.DataFrame  # the weight rows


def snapshot(
    country: str, date: dt.date, usmca_shares: str = "2025h2", registry: Registry | None = None
) -> Snapshot:
    """Blended duties of every 2024 import line from ``country`` on ``date``."""
    import pandas as pd

    country = _check(country, usmca_shares)
    rows, duty = _blended_duty(country, date, usmca_shares, registry)
    lines = pd.DataFrame(rows)
    for name in lines.columns:  # "" marks a missing code; pandas keeps it as NaN
        if lines[name].dtype.kind in "OU":
            lines[name] = lines[name].replace("", None)
    return Snapshot(date, rows["imports"].astype(float), pd.DataFrame(duty), lines)


@functools.cache
def _bounds() -> dict[str, tuple[int, int]]:
    """Each partner's row range in :func:`weight_columns` (the file is sorted by country)."""
    country = weight_columns()["country"]
    labels, first, counts = np.unique(country, return_index=True, return_counts=True)
    if not (np.diff(first) > 0).all() or (first + counts)[:-1].tolist() != first[1:].tolist():
        raise DataError("weights_2024.csv.gz must be sorted by country (rebuild the defaults)")
    return {str(c): (int(a), int(a + k)) for c, a, k in zip(labels, first, counts, strict=True)}


def partner_columns(country: str) -> dict[str, np.ndarray]:
    """The :func:`weight_columns` rows of one partner (empty arrays if it has none)."""
    lo, hi = _bounds().get(country, (0, 0))
    return {name: values[lo:hi] for name, values in weight_columns().items()}


def _blended_duty(
    country: str, date: dt.date, usmca_shares: str, registry: Registry | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The weight rows of a partner or group and their blended duty by authority.

    A group's rows are its members' in turn, each evaluated with the measures that target it.
    The duties come from the one duty engine on the compiled registry
    (:mod:`tradewinds.measures.compiled`; the packaged one is read from the user cache).
    """
    group = [c for c in members(country) if c in _bounds()]
    if len(group) == 1:
        return _partner_duty(group[0], date, usmca_shares, registry)
    parts = [_partner_duty(c, date, usmca_shares, registry) for c in group]
    keys = list(dict.fromkeys(k for _, duty in parts for k in duty))
    rows = {name: np.concatenate([w[name] for w, _ in parts]) for name in weight_columns()}
    duty = {k: np.concatenate([d.get(k, np.zeros(len(w["code"]))) for w, d in parts]) for k in keys}
    return rows, duty


def _partner_duty(
    country: str, date: dt.date, usmca_shares: str, registry: Registry | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One partner's weight rows and their blended duty by authority (in registry order)."""
    from tradewinds.measures.duty import _masks

    w = partner_columns(country)
    n = len(w["code"])
    share = np.zeros(n) if usmca_shares == "none" else w[f"usmca_{usmca_shares}"].astype(float)
    snap = compiled(registry)
    measures, rules = snap.in_force(date, target=country, imposing="USA")
    masks = _masks(snap)
    out: dict[str, np.ndarray] = {}
    for claim, weight in ((True, share), (False, 1.0 - share)):
        if not np.any(weight):  # no claims (partners other than Canada and Mexico)
            continue
        lines = Lines(
            code=w["code"],
            origin=np.full(n, country),
            importer=np.full(n, "USA"),
            value=w["imports"].astype(float),
            usmca=np.full(n, claim),
            us_content=np.full(n, US_AUTO_CONTENT),
            steel=w["steel"].astype(float),
            aluminum=w["aluminum"].astype(float),
            copper=w["copper"].astype(float),
            transshipped=np.zeros(n, dtype=bool),
            quantity=np.full(n, np.nan),
        )
        ev: Evaluation[MeasureRecord] = evaluate(lines, measures, rules, masks)
        for j, m in enumerate(ev.measures):
            key = authority_key(m)
            out[key] = out.get(key, np.zeros(n)) + weight * ev.amount[:, j]
    return w, out


def rates(snap: Snapshot, by: str | None = None) -> pd.DataFrame:
    """Effective rates: rows ``sector`` ("all" or a code), one column per authority and total."""
    import pandas as pd

    duty = snap.duty.copy()
    duty["total"] = duty.sum(axis=1)
    duty["imports"] = snap.imports
    if by is None:
        groups = pd.Series("all", index=duty.index)
    else:
        if by not in SECTOR_COLUMN:
            raise ScenarioError(f"--by {by!r} must be one of hs2, gtap, sector, wiod, cp2015.")
        groups = snap.lines[SECTOR_COLUMN[by]].fillna("unmapped").astype(str).reset_index(drop=True)
    summed = duty.groupby(groups.to_numpy()).sum()
    out = summed.drop(columns="imports").div(summed["imports"], axis=0)
    out.index.name = "sector"
    return out


def series(
    country: str,
    start: dt.date,
    end: dt.date,
    *,
    usmca_shares: str = "2025h2",
    by: str | None = None,
    freq: str = "daily",
    registry: Registry | None = None,
    names: tuple[str, str] = ("--from", "--to"),
) -> pd.DataFrame:
    """Tidy series ``date, country, sector, authority, rate`` from ``start`` to ``end``.

    ``sector`` is ``all`` for the overall rate; with ``by`` the sector rows follow it. The range
    is bounded by :meth:`Registry.check_range` (``names`` spell its two ends in messages).

    The rate is evaluated once per regime segment (between consecutive start/end dates of any
    measure or rule) and repeated for each day; ``monthly`` averages the days of each month in
    range, an authority counting zero on the days it does not apply.
    """
    import pandas as pd

    from tradewinds.measures.registry import load_registry

    registry = registry or load_registry()
    if freq not in ("daily", "monthly"):
        raise ScenarioError(f"--freq {freq!r} must be daily or monthly.")
    registry.check_range(start, end, names)
    cuts = sorted({start} | {d for d in registry.boundaries() if start < d <= end})
    frames = []
    for k, seg_start in enumerate(cuts):
        seg_end = cuts[k + 1] - dt.timedelta(days=1) if k + 1 < len(cuts) else end
        snap = snapshot(country, seg_start, usmca_shares, registry)
        table = rates(snap) if by is None else pd.concat([rates(snap), rates(snap, by)])
        long = table.reset_index().melt(id_vars="sector", var_name="authority", value_name="rate")
        days = pd.date_range(seg_start, seg_end, freq="D")
        long = long.merge(pd.DataFrame({"date": days}), how="cross")
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    out["country"] = country.upper()
    if freq == "monthly":
        # An authority (or sector) appears only on the days of the segments where it applies:
        # its monthly mean is its sum over the month divided by all the month's days in range
        # (absent days count as zero), so the parts still add up to the total.
        month = out["date"].dt.to_period("M").dt.to_timestamp()
        days_in = out["date"].groupby(month).nunique()
        out["date"] = month
        keys = ["date", "country", "sector", "authority"]
        out = pd.DataFrame(out.groupby(keys, as_index=False)["rate"].sum())
        out["rate"] = out["rate"] / out["date"].map(days_in).to_numpy(dtype=float)
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    return out[["date", "country", "sector", "authority", "rate"]].sort_values(
        ["date", "sector", "authority"], ignore_index=True
    )


def top(
    date: dt.date, n: int, usmca_shares: str = "2025h2", registry: Registry | None = None
) -> list[dict[str, object]]:
    """:func:`point` of the ``n`` largest partners by 2024 imports (the EU counted as one).

    Canada and Mexico are always listed (the default lens), after the ``n`` largest if they are
    not among them.
    """
    if n < 1:
        raise ScenarioError(f"--top {n} must be at least 1.")
    totals = import_totals()
    eu = sum(totals.get(c, 0.0) for c in EU27)
    ranked = sorted(
        [*((c, v) for c, v in totals.items() if c not in EU27), ("EU", eu)], key=lambda kv: -kv[1]
    )
    chosen = [c for c, _ in ranked[:n]]
    chosen += [c for c in COUNTRIES if c not in chosen]
    return [point(c, date, usmca_shares, registry) for c in chosen]


def point(
    country: str,
    date: dt.date,
    usmca_shares: str = "2025h2",
    registry: Registry | None = None,
    by: str | None = None,
) -> dict[str, object]:
    """``{country, date, usmca_shares, effective_rate, by_authority}`` for one date.

    With ``by`` (as in :func:`rates`) the answer adds ``by``, and ``by_sector``: one entry per
    sector with its ``sector``, ``effective_rate``, ``import_share`` (of the country's US
    imports) and ``by_authority``, largest rate first.

    The same sums as :func:`rates`, on numpy columns: one date needs no pandas.
    """
    compiled(registry).check_date(date)  # the packaged registry is not loaded
    if by is not None and by not in SECTOR_COLUMN:
        raise ScenarioError(f"--by {by!r} must be one of hs2, gtap, sector, wiod, cp2015.")
    rows, duty = _blended_duty(_check(country, usmca_shares), date, usmca_shares, registry)
    imports = rows["imports"].astype(float)
    total = _row_total(duty, len(imports))
    values = {k: float(v.sum() / imports.sum()) for k, v in duty.items()}
    rate = float(total.sum() / imports.sum())
    out: dict[str, object] = {
        "country": country.upper(),
        "date": date.isoformat(),
        "usmca_shares": usmca_shares,
        "effective_rate": round(rate, 6),
        "additional_rate": round(rate - values.get("mfn", 0.0), 6),
        "imports_2024": round(float(imports.sum()), 0),
        "by_authority": {k: round(v, 6) for k, v in values.items() if abs(v) > 0},
    }
    if by is not None:
        labels = _sector_labels(rows[SECTOR_COLUMN[by]])
        sectors, group = np.unique(labels, return_inverse=True)
        k = len(sectors)
        sector_imports = np.bincount(group, weights=imports, minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            parts = {
                key: np.bincount(group, weights=v, minlength=k) / sector_imports
                for key, v in duty.items()
            }
            sector_total = np.bincount(group, weights=total, minlength=k) / sector_imports
        share = sector_imports / sector_imports.sum()
        out["by"] = by
        out["by_sector"] = [
            {
                "sector": str(sectors[i]),
                "effective_rate": round(float(sector_total[i]), 6),
                "import_share": round(float(share[i]), 6),
                "by_authority": {
                    key: round(float(v[i]), 6) for key, v in parts.items() if abs(v[i]) > 0
                },
            }
            for i in _descending(sector_total)
        ]
    return out


#: Weight column of each ``by`` breakdown.
SECTOR_COLUMN = {"hs2": "hs2", "gtap": "gtap", "sector": "gtap", "wiod": "wiod", "cp2015": "cp2015"}


def _sector_labels(column: np.ndarray) -> np.ndarray:
    """Sector codes as text, ``unmapped`` where a line has none."""
    return np.where(column == "", "unmapped", column)


def _row_total(duty: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Each line's duty summed over authorities, in their order (as ``DataFrame.sum(axis=1)``)."""
    total = np.zeros(n)
    for values in duty.values():
        total = total + values
    return total


def _descending(values: np.ndarray) -> np.ndarray:
    """Positions from largest to smallest, NaN last.

    Ties come in the order of pandas' descending ``sort_values`` (reversed quicksort of the
    reversed values), so the sector list reads as it did when it was built with pandas.
    """
    idx = np.arange(len(values))
    ok = ~np.isnan(values)
    order = idx[ok][::-1][values[ok][::-1].argsort(kind="quicksort")][::-1]
    return np.concatenate([order, idx[~ok]])


def _import_shares(snap: Snapshot, by: str) -> pd.Series:
    """Each sector's share of the snapshot's imports, with the grouping of :func:`rates`."""
    import pandas as pd

    groups = snap.lines[SECTOR_COLUMN[by]].fillna("unmapped").astype(str).reset_index(drop=True)
    imports = pd.Series(np.asarray(snap.imports, dtype=float)).groupby(groups.to_numpy()).sum()
    return imports / imports.sum()
