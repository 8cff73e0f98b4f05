"""Exposure by product: what Canada and Mexico sell to the US, ranked by the duty it faces.

For each HTS10 line of US imports from the country in 2024 (the packaged Budget Lab weights of
``tradewinds.measures.etr``), the duty on a date is the effective-rate machinery's USMCA-blended
stacked duty (``etr.snapshot``): the value at stake is the 2024 import value, the rate is duty
over value, the authority is the measure programme that collects most of the line's duty, and the
USMCA claim share is the line's share of imports entered under a USMCA claim.

Lines roll up to HS chapters (``hs2``), WIOD sectors (``wiod``) and the trade mission's sectors
(``mission``: agriculture, advanced manufacturing, ICT, clean energy, creative industries, by the
longest matching HS prefix of ``data/mission_sectors.csv``; see ``docs/diversify.md``).
"""

from __future__ import annotations

import datetime as dt
import functools
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from tradewinds.core.errors import ScenarioError
from tradewinds.measures import etr
from tradewinds.measures.registry import Registry, load_registry

By = Literal["hts10", "hs2", "wiod", "mission"]
BY_LEVELS: tuple[str, ...] = ("hts10", "hs2", "wiod", "mission")
SORT_KEYS: tuple[str, ...] = ("duty", "rate", "value")
#: The trade mission's sectors (February 2026), in the order the mission listed them.
MISSION_GROUPS = (
    "agriculture", "advanced_manufacturing", "ict", "clean_energy", "creative_industries",
)  # fmt: skip


def _data(name: str, **kwargs: Any) -> pd.DataFrame:
    ref = resources.files("tradewinds.integration.diversify") / "data" / name
    with resources.as_file(ref) as path:
        return pd.read_csv(path, **kwargs)  # type: ignore[no-any-return]


@functools.cache
def hs_descriptions() -> dict[str, str]:
    """HS chapter and subheading descriptions (codes of the 2024 import weights)."""
    table = _data("hs_descriptions.csv.gz", dtype=str)
    return dict(zip(table["code"], table["description"], strict=True))


@functools.cache
def mission_prefixes() -> dict[str, str]:
    """HS prefix -> mission group (``data/mission_sectors.csv``)."""
    table = _data("mission_sectors.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["prefix"], table["group"], strict=True))


def mission_group(hts: pd.Series) -> pd.Series:
    """The mission group of each HTS code by its longest matching prefix, else ``other``."""
    out = pd.Series("other", index=hts.index, dtype=object)
    for length in sorted({len(p) for p in mission_prefixes()}):
        table = {p: g for p, g in mission_prefixes().items() if len(p) == length}
        hit = hts.str[:length].map(table)
        out = out.where(hit.isna(), hit)
    return out


@functools.cache
def wiod_names() -> dict[str, str]:
    """WIOD sector code -> name, from the bundled WIOD default's sector table."""
    ref = resources.files("tradewinds") / "defaults" / "wiod2011_sectors.csv"
    with resources.as_file(ref) as path:
        table = pd.read_csv(path, dtype=str)
    return dict(zip(table["wiod_code"], table["name"], strict=True))


def exposure(
    country: str,
    date: dt.date,
    *,
    usmca_shares: str = "2025h2",
    registry: Registry | None = None,
) -> pd.DataFrame:
    """One row per HTS10 line: value at stake, duty, rate, authority, USMCA claim share.

    Columns ``country, date, hts10, hs6, hs2, wiod, mission, description, imports_usd,
    duty_usd, rate, authority, usmca_share``; sorted by duty, largest first.
    """
    registry = registry or load_registry()
    registry.check_date(date)
    snap = etr.snapshot(country, date, usmca_shares, registry)
    lines = snap.lines.reset_index(drop=True)
    duty = snap.duty.reset_index(drop=True)
    total = duty.sum(axis=1).to_numpy()
    imports = snap.imports
    top = np.where(total > 0, duty.to_numpy().argmax(axis=1), -1)
    authority = np.where(top >= 0, np.asarray(duty.columns, dtype=object)[top], "none")
    share = (
        np.zeros(len(lines))
        if usmca_shares == "none"
        else lines[f"usmca_{usmca_shares}"].to_numpy(dtype=float)
    )
    hts = lines["hts10"].astype(str)
    names = hs_descriptions()
    frame = pd.DataFrame(
        {
            "country": country.upper(),
            "date": date.isoformat(),
            "hts10": hts,
            "hs6": hts.str[:6],
            "hs2": hts.str[:2],
            "wiod": lines["wiod"].fillna("unmapped").astype(str),
            "mission": mission_group(hts),
            "description": hts.str[:6].map(names).fillna(""),
            "imports_usd": imports,
            "duty_usd": total,
            "rate": np.divide(total, imports, out=np.zeros_like(total), where=imports > 0),
            "authority": authority,
            "usmca_share": share,
        }
    )
    return frame.sort_values(["duty_usd", "imports_usd"], ascending=False, ignore_index=True)


def rollup(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Exposure summed to ``hs2``, ``wiod`` or ``mission``: rate is duty over value.

    The authority is the one collecting the most duty in the group; the USMCA share is
    import-weighted.
    """
    if by not in ("hs2", "wiod", "mission"):
        raise ScenarioError(f"--by {by!r} must be one of {list(BY_LEVELS)}.")
    work = frame.assign(claimed=frame["usmca_share"] * frame["imports_usd"])
    grouped = work.groupby(by, sort=False)
    out = grouped[["imports_usd", "duty_usd", "claimed"]].sum()
    by_auth = work.groupby([by, "authority"])["duty_usd"].sum().reset_index()
    by_auth = by_auth[by_auth["authority"] != "none"].sort_values("duty_usd", ascending=False)
    out["authority"] = by_auth.drop_duplicates(by).set_index(by)["authority"]
    out["authority"] = out["authority"].fillna("none")
    out["rate"] = out["duty_usd"] / out["imports_usd"].where(out["imports_usd"] > 0)
    out["usmca_share"] = out["claimed"] / out["imports_usd"].where(out["imports_usd"] > 0)
    out["lines"] = grouped.size()
    out = out.drop(columns="claimed").reset_index().rename(columns={by: "group"})
    if by == "hs2":
        out["description"] = out["group"].map(hs_descriptions()).fillna("")
    elif by == "wiod":
        out["description"] = out["group"].map(wiod_names()).fillna("")
    else:
        out["description"] = out["group"].str.replace("_", " ")
    out.insert(0, "by", by)
    out.insert(0, "date", frame["date"].iloc[0] if len(frame) else "")
    out.insert(0, "country", frame["country"].iloc[0] if len(frame) else "")
    cols = ["country", "date", "by", "group", "description", "imports_usd", "duty_usd", "rate",
            "authority", "usmca_share", "lines"]  # fmt: skip
    return out[cols].sort_values("duty_usd", ascending=False, ignore_index=True)


def ranked(frame: pd.DataFrame, by: str = "hts10", sort: str = "duty") -> pd.DataFrame:
    """Lines (``by="hts10"``) or a roll-up, sorted by duty, rate or value."""
    if sort not in SORT_KEYS:
        raise ScenarioError(f"--sort {sort!r} must be one of {list(SORT_KEYS)}.")
    table = frame if by == "hts10" else rollup(frame, by)
    if by not in BY_LEVELS:
        raise ScenarioError(f"--by {by!r} must be one of {list(BY_LEVELS)}.")
    key = {"duty": "duty_usd", "rate": "rate", "value": "imports_usd"}[sort]
    return table.sort_values([key, "imports_usd"], ascending=False, ignore_index=True)


def exposure_report(
    country: str,
    date: dt.date,
    *,
    top: int = 30,
    by: str = "hts10",
    sort: str = "duty",
    usmca_shares: str = "2025h2",
    registry: Registry | None = None,
) -> dict[str, Any]:
    """The ``--format json`` object: totals, the top rows and the mission-sector roll-up."""
    if by not in BY_LEVELS:
        raise ScenarioError(f"--by {by!r} must be one of {list(BY_LEVELS)}.")
    frame = exposure(country, date, usmca_shares=usmca_shares, registry=registry)
    rows = ranked(frame, by, sort).head(top)
    imports, duty = float(frame["imports_usd"].sum()), float(frame["duty_usd"].sum())
    return {
        "country": country.upper(),
        "date": date.isoformat(),
        "usmca_shares": usmca_shares,
        "by": by,
        "sort": sort,
        "total": {
            "imports_usd": imports,
            "duty_usd": duty,
            "rate": duty / imports if imports else 0.0,
            "lines": len(frame),
        },
        "rows": rows.to_dict(orient="records"),
        "mission": rollup(frame, "mission").to_dict(orient="records"),
        "units": {"imports_usd": "US$ (2024 US imports)", "duty_usd": "US$", "rate": "fraction"},
    }
