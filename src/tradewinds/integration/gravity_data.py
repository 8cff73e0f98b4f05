"""Gravity datasets and the variables a specification may name.

Two bundled names resolve to files in the read-only ``shared/data`` folder beside the checkout
(``$TRADEWINDS_SHARED`` overrides where that is; the files are never copied into the package):

- ``yotov2016``: Yotov, Piermartini, Monteiro & Larch (2016), *An Advanced Guide to Trade Policy
  Analysis*, the Chapter 1 application data (69 countries, 1986-2006, manufacturing flows
  including intra-national trade, US$ millions; ``shared/data/SOURCES.md`` section 9);
- ``wiod0014``: WIOD 2016 release aggregate flows, 44 economies, 2000/2005/2010/2014, with the
  ``FTA``, ``eu_enlargement`` and ``other_fta`` dummies (section 4).

Any other value is a CSV path with at least ``exporter, importer, year`` and the outcome column.

Derived variables, made on demand when a specification names them:

``ln_dist``
    log of ``dist``.
``ln_dist_YYYY``
    ``ln_dist`` in year YYYY for international pairs, else 0 (the distance puzzle).
``ln_dist_intra``
    ``ln_dist`` on intra-national flows, else 0.
``smctry``
    1 on intra-national flows (exporter = importer).
``intl``
    1 on international flows.
``intl_border_YYYY``
    1 on international flows in year YYYY (globalisation dummies).
``ln_trade``
    log of the outcome (OLS only; zero flows drop out).
``ln_y``, ``ln_e``
    log of the exporter's total shipments and the importer's total spending in the year (all
    flows, domestic included), as in the book's Table 1.
``ln_rem_exp``, ``ln_rem_imp``
    log remoteness: ``sum_j dist_ij / (E_j / E)`` and ``sum_i dist_ij / (Y_i / Y)``.

Fixed-effect names: ``exporter_year``, ``importer_year``, ``pair`` (one per unordered country
pair; each intra-national flow has its own), ``intra`` (one per country's intra-national flow,
one for all international flows), ``pair_directed`` (one per ordered pair, as Stata's
``exp#imp``), ``exporter``, ``importer``, ``year``. ``pair`` is also the default cluster.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from tradewinds.core.errors import DataError

#: Bundled dataset name -> path inside ``shared/data``.
BUNDLED: dict[str, Path] = {
    "yotov2016": Path("yotov2016_agtpa") / "agtpa_applications.csv.gz",
    "wiod0014": Path("gegravity_zylkin_wiod0014") / "TradeData0014.csv",
}

#: CEPII GeoDist (``shared/data/cepii_geodist``, SOURCES.md section 12) columns used when the
#: gravity data lacks them: population-weighted distance and the usual dummies.
GEODIST = Path("cepii_geodist") / "dist_cepii.csv"
GEODIST_COLUMNS = {"distw": "dist", "contig": "cntg", "comlang_off": "lang", "colony": "clny"}

#: Fixed-effect names a specification may use.
FIXED_EFFECTS = (
    "exporter_year",
    "importer_year",
    "pair",
    "pair_directed",
    "intra",
    "exporter",
    "importer",
    "year",
)

_YEARLY = re.compile(r"^(ln_dist|intl_border)_(\d{4})$")


def shared_data_dir() -> Path:
    """``$TRADEWINDS_SHARED/data`` or the first ``shared/data`` above the working directory."""
    roots = [Path(os.environ["TRADEWINDS_SHARED"])] if "TRADEWINDS_SHARED" in os.environ else []
    here = Path.cwd().resolve()
    roots += [p / "shared" for p in (here, *here.parents)]
    roots.append(Path(__file__).resolve().parents[4] / "shared")
    for root in roots:
        if (root / "data").is_dir():
            return root / "data"
    raise DataError(
        "The shared data folder was not found (looked for shared/data above the working "
        "directory). Set TRADEWINDS_SHARED to the folder that holds data/, or pass a CSV path."
    )


def dataset_path(name: str) -> Path:
    """The file behind a bundled dataset name."""
    return shared_data_dir() / BUNDLED[name]


def load_gravity_data(name_or_path: str | Path) -> pd.DataFrame:
    """Load ``yotov2016``, ``wiod0014`` or a CSV of bilateral flows (see the module docstring)."""
    key = str(name_or_path)
    if key in BUNDLED:
        path = dataset_path(key)
        if not path.exists():
            raise DataError(f"Dataset {key!r} is not at {str(path)!r}.")
    else:
        path = Path(key).expanduser()
        if path.exists():
            from tradewinds.core.inputs import check_input_file

            check_input_file(path, "gravity data")
        if not path.is_file():
            raise DataError(
                f"Gravity data {key!r} is neither a bundled name ({', '.join(BUNDLED)}) nor an "
                "existing CSV file."
            )
    try:
        frame = pd.read_csv(path, dtype={"exporter": str, "importer": str})
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read gravity data {key!r}: {exc}") from None
    missing = {"exporter", "importer", "year"} - set(frame.columns)
    if missing:
        raise DataError(
            f"Gravity data {key!r} lacks the columns {sorted(missing)}; it needs exporter, "
            "importer, year and the outcome."
        )
    return frame


def with_geodist(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``dist, cntg, lang, clny`` from CEPII GeoDist where the data lacks them.

    Distance is CEPII's population-weighted ``distw`` (km; intra-national flows get the
    country's internal distance), the dummies are ``contig``, ``comlang_off`` and ``colony``.
    Pairs CEPII does not know (such as WIOD's ``ROW``) get missing values and drop out of any
    regression that uses them.
    """
    missing = [new for new in GEODIST_COLUMNS.values() if new not in frame.columns]
    if not missing:
        return frame
    path = shared_data_dir() / GEODIST
    try:
        geo = pd.read_csv(path, sep=";", usecols=["iso_o", "iso_d", *GEODIST_COLUMNS])
    except (OSError, ValueError) as exc:
        raise DataError(f"Cannot read CEPII GeoDist at {str(path)!r}: {exc}") from None
    geo = geo.rename(columns={"iso_o": "exporter", "iso_d": "importer", **GEODIST_COLUMNS})
    for col in GEODIST_COLUMNS.values():
        geo[col] = pd.to_numeric(geo[col], errors="coerce")  # CEPII marks gaps with "."
    if "ROU" in set(frame["exporter"]):  # CEPII keeps Romania's old code
        geo[["exporter", "importer"]] = geo[["exporter", "importer"]].replace("ROM", "ROU")
    keep = ["exporter", "importer", *missing]
    return frame.merge(geo[keep], on=["exporter", "importer"], how="left")


def _pair_key(frame: pd.DataFrame) -> pd.Series:
    a = frame["exporter"].astype(str)
    b = frame["importer"].astype(str)
    lo = a.where(a <= b, b)
    hi = b.where(a <= b, a)
    return lo + "-" + hi


def add_variables(frame: pd.DataFrame, names: list[str], outcome: str) -> pd.DataFrame:
    """A copy of ``frame`` with the derived variables and fixed-effect columns in ``names``."""
    out = frame.copy()
    intra = out["exporter"] == out["importer"]
    year = out["year"].astype(int)

    def need(col: str) -> pd.Series:
        if col not in out.columns:
            raise DataError(f"Variable {col!r} needs column {col!r}, which the data lacks.")
        values = pd.to_numeric(out[col], errors="coerce")
        if values.notna().sum() < out[col].notna().sum():
            raise DataError(f"Column {col!r} of the gravity data holds non-numbers.")
        return values

    for name in dict.fromkeys(names):
        if name in out.columns and name not in FIXED_EFFECTS:
            continue
        match = _YEARLY.match(name)
        if name == "ln_dist":
            out[name] = np.log(need("dist"))
        elif match and match.group(1) == "ln_dist":
            out[name] = np.where(~intra & (year == int(match.group(2))), np.log(need("dist")), 0.0)
        elif match:
            out[name] = (~intra & (year == int(match.group(2)))).astype(float)
        elif name == "ln_dist_intra":
            out[name] = np.where(intra, np.log(need("dist")), 0.0)
        elif name == "smctry":
            out[name] = intra.astype(float)
        elif name == "intl":
            out[name] = (~intra).astype(float)
        elif name == "ln_trade":
            y = need(outcome).astype(float)
            out[name] = np.log(y.where(y > 0))
        elif name in {"ln_y", "ln_e", "ln_rem_exp", "ln_rem_imp"}:
            out = _sizes_and_remoteness(out, outcome)
        elif name == "exporter_year":
            out[name] = out["exporter"].astype(str) + "_" + year.astype(str)
        elif name == "importer_year":
            out[name] = out["importer"].astype(str) + "_" + year.astype(str)
        elif name == "pair":
            out[name] = _pair_key(out)
        elif name == "pair_directed":
            out[name] = out["exporter"].astype(str) + ">" + out["importer"].astype(str)
        elif name == "intra":
            out[name] = np.where(intra, out["exporter"].astype(str), "international")
        elif name in {"exporter", "importer", "year"}:
            continue
        else:
            raise DataError(
                f"Unknown variable {name!r}: it is neither a column of the data nor a derived "
                "variable (see docs/gravity.md for the list)."
            )
    return out


def _sizes_and_remoteness(frame: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Y, E and the remoteness indexes of the book's Table 1 (Application 1, eq. 1-24)."""
    out = frame.copy()
    y = out.groupby(["exporter", "year"])[outcome].transform("sum")
    e = out.groupby(["importer", "year"])[outcome].transform("sum")
    world = out.groupby("year")[outcome].transform("sum")
    out["ln_y"] = np.log(y)
    out["ln_e"] = np.log(e)
    dist = out["dist"] if "dist" in out.columns else None
    if dist is not None:
        out["ln_rem_exp"] = np.log(
            (dist / (e / world)).groupby([out["exporter"], out["year"]]).transform("sum")
        )
        out["ln_rem_imp"] = np.log(
            (dist / (y / world)).groupby([out["importer"], out["year"]]).transform("sum")
        )
    return out
