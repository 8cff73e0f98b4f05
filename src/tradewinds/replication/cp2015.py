"""Caliendo & Parro (2015), NAFTA: the Table 2 counterfactual on the paper's 1993 data.

Tariffs among Canada, Mexico and the US move from their 1993 to their 2005 levels, every other
tariff stays at 1993. Under the paper's headline closure (``balanced``) deficits are zero in both
the baseline and the counterfactual equilibrium; ``fixed`` keeps the observed 1993 deficits in
both; ``ratio`` keeps each country's 1993 ratio of spending to labour income. Results are changes
of the counterfactual relative to the baseline equilibrium (see
:mod:`tradewinds.models.multisector`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tradewinds.core.errors import DataError
from tradewinds.data.multisector_loaders import load_cp2015
from tradewinds.models.equilibrium import Equilibrium
from tradewinds.models.multisector import Closure, MultiSectorModel

NAFTA = ("CAN", "MEX", "USA")

#: Caliendo & Parro (2015), Table 2 (percent), as printed: welfare, its terms-of-trade and
#: volume-of-trade parts, real wages, and the change in imports from NAFTA partners.
PUBLISHED = pd.DataFrame(
    {
        "welfare_pct": [-0.06, 1.31, 0.08],
        "welfare_total_pct": [-0.064, 1.31, 0.085],
        "tot_pct": [-0.108, -0.41, 0.044],
        "vot_pct": [0.044, 1.72, 0.041],
        "real_wage_pct": [0.32, 1.72, 0.11],
        "intra_nafta_trade_pct": [11.0, 118.0, 41.0],
    },
    index=pd.Index(NAFTA, name="country"),
)

#: Where the CP2015 CSVs live inside the shared data folder.
DATA_SUBDIR = Path("data") / "cp2015_nafta" / "csv"


def find_data(folder: Path | None = None) -> Path:
    """The CP2015 CSV folder: ``folder``, ``$TRADEWINDS_SHARED``, or a ``shared`` folder above."""
    if folder is not None:
        folder = Path(folder)
        for candidate in (folder, folder / DATA_SUBDIR, folder / "csv"):
            if (candidate / "trade.csv").exists():
                return candidate
        raise DataError(
            f"No CP2015 trade.csv in {str(folder)!r}; pass the cp2015_nafta/csv folder."
        )
    roots = [Path(os.environ["TRADEWINDS_SHARED"])] if "TRADEWINDS_SHARED" in os.environ else []
    here = Path.cwd().resolve()
    roots += [p / "shared" for p in (here, *here.parents)]
    for root in roots:
        if (root / DATA_SUBDIR / "trade.csv").exists():
            return root / DATA_SUBDIR
    raise DataError(
        "Cannot find the CP2015 data (shared/data/cp2015_nafta/csv) above the current folder; "
        "pass --data PATH or set TRADEWINDS_SHARED to the shared folder."
    )


@dataclass(frozen=True)
class NaftaResult:
    """The solved counterfactual and its Table 2 quantities for CAN, MEX and USA."""

    equilibrium: Equilibrium
    table: pd.DataFrame
    closure: Closure


def intra_nafta_imports(eq: Equilibrium) -> pd.Series:
    """Percent change in each NAFTA member's imports from the other two (all sectors)."""
    out = {}
    for country in NAFTA:
        partners = [c for c in NAFTA if c != country]
        cells = {"exporter": partners, "importer": country}
        before = float(eq.bilateral["trade_baseline"].sel(cells).sum())
        after = float(eq.bilateral["trade"].sel(cells).sum())
        out[country] = 100 * (after / before - 1)
    return pd.Series(out, name="intra_nafta_trade_pct")


def run_nafta(folder: Path | None = None, closure: Closure = "balanced") -> NaftaResult:
    """Solve the NAFTA counterfactual and tabulate CP2015 Table 2 for the three members."""
    baseline, tariff_2005 = load_cp2015(find_data(folder))
    eq = MultiSectorModel(closure=closure).solve(baseline, tariff_2005)
    country = eq.country.sel(country=list(NAFTA))
    table = pd.DataFrame(
        {
            "welfare_pct": 100 * (country["welfare_hat"].values - 1),
            "tot_pct": country["tot_pct"].values,
            "vot_pct": country["vot_pct"].values,
            "real_wage_pct": 100 * (country["real_wage_hat"].values - 1),
            "real_income_pct": 100 * (country["real_income_hat"].values - 1),
        },
        index=pd.Index(NAFTA, name="country"),
    )
    table["intra_nafta_trade_pct"] = intra_nafta_imports(eq)
    return NaftaResult(equilibrium=eq, table=table, closure=closure)
