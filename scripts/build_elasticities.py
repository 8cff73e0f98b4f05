"""Build the named trade-elasticity sets by WIOD industry into src/tradewinds/defaults/elasticities.

Usage: ``python scripts/build_elasticities.py [--shared PATH]``. Writes one CSV per set
(``cp2015.csv``, ``bw2006.csv``, ``hauk2012.csv``) and ``provenance.json`` (raw-file hashes,
command, date, and for each set its source, mapping and coverage). See ``docs/multisector.md``.

Every set gives the **trade elasticity** θ of the multi-sector model. Caliendo & Parro (2015)
estimate θ directly. Broda & Weinstein (2006) and Hauk (2012) estimate the elasticity of
substitution σ among import varieties; in a CES (Armington or Krugman) demand system the trade
elasticity is θ = σ − 1, which is what the sets store (σ is kept beside it).

Mapping of the σ sets, HS product -> WIOD industry:

- HS 6-digit product codes (HS 2022) are mapped to ISIC Rev.3 (``hs6_isic3.csv``) and ISIC
  Rev.3 to the 35 WIOD-2013 industries (``wiod_2013.csv``), the chain the measure registry's
  WIOD concordance uses.
- Each HS6 code gets its source's σ: Broda–Weinstein's US estimate for the HS 3-digit group the
  code belongs to; Hauk's US estimate for the HS6 code itself (his codes are of the HS 1992/96
  vintage: codes that no longer exist in HS 2022 find no weight, and the coverage is recorded).
  Estimates with σ <= 1 (a non-positive θ, outside the model) are left out and counted.
- Weights are US goods imports of 2024 by HS6 (all partners, Budget Lab's Census extract).
  A WIOD industry's θ is the import-weighted arithmetic mean of θ = σ − 1 over its covered HS6
  codes: the aggregate elasticity of a group of CES goods is the expenditure-share-weighted mean
  of their elasticities to first order (Imbs & Méjean 2015, "Elasticity Optimism", AEJ: Macro
  7(3), eq. 7).
- Industries without traded goods in the concordance (the services c17–c35) take the set's own
  all-goods import-weighted mean θ, so each set is independent of CP2015 throughout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from build_defaults import WIOD_SECTORS, cp2015_thetas  # noqa: E402

from tradewinds.data.loaders import file_sha256  # noqa: E402

OUT = ROOT / "src" / "tradewinds" / "defaults" / "elasticities"

#: Goods industries of the WIOD 2013 release (the ones HS products map to).
GOODS = tuple(code for code, _, cp in WIOD_SECTORS if cp)


def hs6_weights(shared: Path) -> pd.DataFrame:
    """US imports of 2024 by HS6 with the WIOD industry of each code (``hs6, wiod, imports``)."""
    data = shared / "data"
    imports = pd.read_csv(
        data / "budgetlab_yale/tariff_model/us_imports_2024/us_imports_2024_hs10_country.csv.gz",
        dtype={"hs10": str, "cty_code": str},
        usecols=["hs10", "imports"],
    )
    imports["hs6"] = imports["hs10"].str.zfill(10).str[:6]
    by_hs6 = imports.groupby("hs6", as_index=False)["imports"].sum()
    conc = data / "concordances" / "insongkim_concordance"
    isic = pd.read_csv(conc / "hs6_isic3.csv", dtype=str)[["HS6_6d", "ISIC3_4d"]]
    wiod = pd.read_csv(conc / "wiod_2013.csv", dtype=str).dropna(subset=["WIOT2013_n"])
    wiod["wiod"] = "c" + wiod["WIOT2013_n"].astype(float).astype(int).astype(str)
    chain = isic.merge(wiod[["ISIC3_4d", "wiod"]].drop_duplicates("ISIC3_4d"), on="ISIC3_4d")
    chain = chain.drop_duplicates("HS6_6d").rename(columns={"HS6_6d": "hs6"})[["hs6", "wiod"]]
    return by_hs6.merge(chain, on="hs6", how="left")


def aggregate(weights: pd.DataFrame, sigma: pd.Series, source: str) -> tuple[pd.DataFrame, dict]:
    """θ by WIOD industry from σ by HS6 (``sigma`` indexed by hs6), with coverage notes."""
    frame = weights.dropna(subset=["wiod"]).copy()
    frame["sigma"] = frame["hs6"].map(sigma)
    total = frame.groupby("wiod")["imports"].sum()
    has = frame.dropna(subset=["sigma"])
    dropped = has[has["sigma"] <= 1]
    used = has[has["sigma"] > 1].copy()
    used["theta"] = used["sigma"] - 1
    rows = []
    overall = float(np.average(used["theta"], weights=used["imports"]))
    overall_sigma = overall + 1
    for code, name, _ in WIOD_SECTORS:
        part = used[used["wiod"] == code]
        if code in GOODS and part["imports"].sum() > 0:
            theta = float(np.average(part["theta"], weights=part["imports"]))
            share = float(part["imports"].sum() / total.get(code, np.nan))
            note = (
                f"{source}: import-weighted mean over {len(part)} HS6 codes covering "
                f"{share:.1%} of the industry's 2024 US imports"
            )
        else:
            theta, share = overall, float("nan")
            note = f"{source}: no goods of its own; the set's all-goods import-weighted mean"
        rows.append(
            {
                "wiod_code": code,
                "name": name,
                "theta": round(theta, 4),
                "sigma": round(theta + 1, 4),
                "covered_import_share": round(share, 4) if np.isfinite(share) else "",
                "source": note,
            }
        )
    coverage = {
        "hs6_codes_with_estimate": len(has),
        "hs6_codes_dropped_sigma_le_1": len(dropped),
        "goods_imports_covered_share": round(
            float(used["imports"].sum() / frame["imports"].sum()), 4
        ),
        "all_goods_mean_theta": round(overall, 4),
        "all_goods_mean_sigma": round(overall_sigma, 4),
    }
    return pd.DataFrame(rows), coverage


def broda_weinstein(shared: Path, weights: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Broda & Weinstein (2006) US σ by HS 3-digit, applied to every HS6 code of the group."""
    table = pd.read_csv(
        shared / "data/elasticities/broda_weinstein_2006/sigma_hs0.csv", dtype={"HS0_3d": str}
    )
    us = table[table["iso3c"] == "USA"].set_index("HS0_3d")["sigma"]
    sigma = weights["hs6"].str[:3].map(us)
    sigma.index = weights["hs6"]
    return aggregate(weights, sigma[~sigma.index.duplicated()], "Broda & Weinstein (2006)")


def hauk(shared: Path, weights: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Hauk (2012) US σ among import varieties by HS6 (1989–2001, ``impliedsigma``)."""
    table = pd.read_csv(
        shared / "data/elasticities/hauk_us_import_elasticities/import_hs6_substitution2.csv",
        dtype={"hs6": str},
        usecols=["hs6", "impliedsigma"],
    ).dropna()
    sigma = table.drop_duplicates("hs6").set_index("hs6")["impliedsigma"]
    return aggregate(weights, sigma, "Hauk (2012)")


SETS = {
    "cp2015": {
        "title": "Caliendo & Parro (2015)",
        "gives": "trade elasticity theta (estimated directly)",
        "source": "Caliendo, L. & Parro, F. (2015), REStud 82(1), Table 1 (99% sample), as stored "
        "in shared/data/cp2015_nafta/csv/theta.csv",
        "mapping": "CP2015's 20 goods sectors to WIOD industries by ISIC Rev.3; where an industry "
        "joins several CP2015 sectors, their mean weighted by 1993 world trade in the CP2015 "
        "data; services 8.22 (the CP2015 data's value for sectors without an estimate)",
    },
    "bw2006": {
        "title": "Broda & Weinstein (2006)",
        "gives": "elasticity of substitution sigma among import varieties; theta = sigma - 1",
        "source": "Broda, C. & Weinstein, D. (2006), 'Globalization and the Gains from Variety', "
        "QJE 121(2); US estimates by HS 3-digit (1990-2001), "
        "shared/data/elasticities/broda_weinstein_2006/sigma_hs0.csv",
        "mapping": "HS6 (2022) -> ISIC Rev.3 -> WIOD; each HS6 code takes the sigma of its HS "
        "3-digit group; theta = sigma - 1 averaged with 2024 US import weights; services take "
        "the set's all-goods mean",
    },
    "hauk2012": {
        "title": "Hauk (2012)",
        "gives": "elasticity of substitution sigma among import varieties; theta = sigma - 1",
        "source": "Hauk, W. (2012), 'U.S. Import and Export Elasticities: A Panel Data "
        "Approach', Empirical Economics; US imports 1989-2001 by HS6 (impliedsigma), "
        "shared/data/elasticities/hauk_us_import_elasticities/import_hs6_substitution2.csv",
        "mapping": "HS6 (1992/96 codes matched to HS 2022 codes) -> ISIC Rev.3 -> WIOD; "
        "estimates with sigma <= 1 left out; theta = sigma - 1 averaged with 2024 US import "
        "weights; services take the set's all-goods mean",
    },
}


def main() -> None:
    """Build every named set."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    shared = args.shared.resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    weights = hs6_weights(shared)
    cp = cp2015_thetas(shared)
    cp_frame = pd.DataFrame(
        {
            "wiod_code": cp["wiod_code"],
            "name": cp["name"],
            "theta": cp["theta"],
            "sigma": "",
            "covered_import_share": "",
            "source": "Caliendo & Parro (2015): " + cp["cp2015"],
        }
    )
    frames = {"cp2015": (cp_frame, {})}
    frames["bw2006"] = broda_weinstein(shared, weights)
    frames["hauk2012"] = hauk(shared, weights)
    data = shared / "data"
    files = [
        data / "cp2015_nafta/csv/theta.csv",
        data / "cp2015_nafta/csv/trade.csv",
        data / "elasticities/broda_weinstein_2006/sigma_hs0.csv",
        data / "elasticities/hauk_us_import_elasticities/import_hs6_substitution2.csv",
        data / "concordances/insongkim_concordance/hs6_isic3.csv",
        data / "concordances/insongkim_concordance/wiod_2013.csv",
        data / "budgetlab_yale/tariff_model/us_imports_2024/us_imports_2024_hs10_country.csv.gz",
    ]
    record: dict[str, object] = {
        "built_by": "python scripts/build_elasticities.py",
        "built_on": dt.date.today().isoformat(),
        "raw_files": {str(p.relative_to(shared)): file_sha256(p) for p in files},
        "weights": "US goods imports 2024 by HS6, all partners (Budget Lab Census extract)",
        "sets": {},
    }
    for name, (frame, coverage) in frames.items():
        path = OUT / f"{name}.csv"
        frame.to_csv(path, index=False)
        record["sets"][name] = {  # type: ignore[index]
            **SETS[name],
            **coverage,
            "file": path.name,
            "sha256": file_sha256(path),
        }
        print(
            f"wrote {path}: "
            + ", ".join(
                f"{c}={t:g}"
                for c, t in zip(frame["wiod_code"][:16], frame["theta"][:16], strict=True)
            )
        )
    (OUT / "provenance.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
