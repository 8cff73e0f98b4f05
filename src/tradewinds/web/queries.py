"""What the dashboard pages show, computed by the functions the CLI calls.

Each function here returns plain data (dicts, lists, frames) for one part of a page: the
effective rates come from :mod:`tradewinds.measures.etr`, duties from
:func:`tradewinds.measures.calculate`, measures and events from the registry, trade from the
bundled baseline. Results that depend only on packaged data are cached per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tradewinds.core.errors import ScenarioError

if TYPE_CHECKING:
    from tradewinds.measures.shipment import Shipment

logger = logging.getLogger(__name__)

#: The two partners every page is about.
PARTNERS = ("CAN", "MEX")
NAMES = {"CAN": "Canada", "MEX": "Mexico", "USA": "United States"}


def today(registry_coverage: dt.date) -> dt.date:
    """The date the dashboard calls "today": the real date, capped at the registry's coverage."""
    return min(dt.date.today(), registry_coverage)


def parse_date(text: str | None, default: dt.date, what: str = "date") -> dt.date:
    """An ISO date from a form field, or ``default`` when the field is empty."""
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"The {what} {text!r} is not a date YYYY-MM-DD.") from None


# -- measures and events ---------------------------------------------------------------------


def measures_in_force(date: dt.date, target: str | None = None) -> list[dict[str, Any]]:
    """US measures on Canadian or Mexican goods in force on ``date``, with source links."""
    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.sources import source_url

    registry = load_registry()
    out = []
    for m in registry.in_force(date, imposing="USA"):
        targets = [c for c in PARTNERS if m.targets_country(c)]
        if not targets or (target is not None and target not in targets):
            continue
        if m.programme == "mfn":
            continue  # MFN is the base layer, not a measure of 2025
        out.append(
            {
                "id": m.id,
                "title": m.title,
                "authority": m.authority,
                "legal_basis": m.legal_basis,
                "heading": m.heading or "",
                "rate": m.rate,
                "value_basis": m.value_basis,
                "usmca": m.usmca,
                "targets": targets,
                "from": m.effective_from.isoformat(),
                "to": m.effective_to.isoformat() if m.effective_to else "",
                "sources": [
                    {"key": s.key, "url": s.url or source_url(s.key) or ""} for s in m.sources
                ],
            }
        )
    return sorted(out, key=lambda r: (r["authority"], r["from"], r["id"]))


def timeline(
    start: dt.date = dt.date(2025, 1, 1), partners: tuple[str, ...] = PARTNERS
) -> list[dict[str, Any]]:
    """Dated changes since ``start`` on or by ``partners`` (Canada and Mexico by default).

    Built on :func:`tradewinds.measures.timeline.timeline` (the ``tradewinds measures timeline``
    command), merged over both partners: measures starting and ending, measures recorded with
    another status (announced, investigation) and status events such as the USMCA joint review.
    One row per date, change and record, ``{date, change, id, title, imposing, targets, rate}``.
    """
    from tradewinds.measures.registry import load_registry
    from tradewinds.measures.timeline import timeline as registry_timeline

    registry = load_registry()
    by_id = {m.id: m for m in registry.measures}
    words = {"start": "starts", "end": "ends", "event": "event"}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    shown = (*partners, "USA")
    for partner in partners:
        for r in registry_timeline(partner, registry):
            if r["date"] < start.isoformat():
                continue
            m = by_id.get(r["id"]) if r["kind"] != "event" else None
            if m is not None and m.programme == "mfn":
                continue
            if m is not None:
                targets = [c for c in shown if m.targets_country(c)]
            else:
                targets = [c for c in shown if c in r["targets"] or "*" in r["targets"]]
            rows[(r["date"], r["kind"], r["id"])] = {
                "date": r["date"],
                "change": words.get(r["kind"], r["kind"]),
                "id": r["id"],
                "title": r["title"],
                "imposing": r["imposing"],
                "targets": [c for c in targets if c != r["imposing"]],
                "rate": r["rate"],
            }
    order = {"ends": 0, "event": 1, "starts": 2}
    return sorted(rows.values(), key=lambda r: (r["date"], order.get(r["change"], 3), r["id"]))


def event_marks(start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """Short event labels for charts (those of ``tradewinds etr --plot``) between two dates.

    Events a few days apart share one mark (``label`` "+N", every event in ``detail``).
    """
    from tradewinds.reporting.etr_plot import event_groups

    return [
        {"date": day, "label": label, "detail": detail}
        for day, label, detail in event_groups(start.isoformat(), end.isoformat())
    ]


# -- effective rates -------------------------------------------------------------------------


@functools.cache
def etr_point(country: str, date: dt.date, usmca_shares: str = "2025h2") -> dict[str, Any]:
    """``tradewinds etr --date`` for one country and date (cached), warnings as ``notes``."""
    import warnings

    from tradewinds.measures.etr import point

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = dict(point(country, date, usmca_shares))
    out["notes"] = sorted({str(w.message) for w in caught})
    return out


@functools.cache
def etr_series(country: str, start: dt.date, end: dt.date, usmca_shares: str) -> pd.DataFrame:
    """``tradewinds etr`` overall series by authority (cached): columns date, authority, rate."""
    from tradewinds.measures.etr import series

    frame = series(country, start, end, usmca_shares=usmca_shares)
    return frame[frame["sector"] == "all"].reset_index(drop=True)


def series_by_change(frame: pd.DataFrame) -> dict[str, Any]:
    """A daily series reduced to the days it changes (and its last day), wide by authority."""
    wide = frame.pivot_table(index="date", columns="authority", values="rate", aggfunc="mean")
    wide = wide.fillna(0.0)
    keep = (wide.diff().abs() > 1e-12).any(axis=1)
    keep.iloc[0] = True
    keep.iloc[-1] = True
    wide = wide[keep]
    parts = [c for c in wide.columns if c != "total" and wide[c].abs().max() > 0]
    return {
        "dates": [str(d) for d in wide.index],
        "total": [round(float(v), 6) for v in wide["total"]],
        "parts": {str(c): [round(float(v), 6) for v in wide[c]] for c in parts},
    }


def sector_rates(
    country: str, date: dt.date, by: str = "gtap", usmca_shares: str = "2025h2"
) -> pd.DataFrame:
    """Effective rates by sector on one date, with each sector's 2024 imports (US$)."""
    from tradewinds.measures.etr import rates, snapshot

    snap = snapshot(country, date, usmca_shares)
    table = rates(snap, by)
    col = {"gtap": "gtap", "hs2": "hs2", "wiod": "wiod", "cp2015": "cp2015"}[by]
    imports = (
        pd.Series(snap.imports, index=snap.lines.index)
        .groupby(snap.lines[col].fillna("unmapped").astype(str))
        .sum()
    )
    table["imports"] = imports.reindex(table.index).fillna(0.0)
    return table


@functools.cache
def sector_labels(by: str) -> dict[str, str]:
    """Readable names of the sector codes of an effective-rate breakdown (upper-case keys)."""
    from importlib import resources

    if by == "gtap":
        ref = resources.files("tradewinds.web").joinpath("data/gtap_sectors.csv")
        with resources.as_file(ref) as path:
            table = pd.read_csv(path, dtype=str)
        return dict(zip(table["code"], table["name"], strict=True))
    if by == "wiod":
        from tradewinds.reporting.sectors import display_names, sector_names

        codes = list(sector_names())
        return {c.upper(): n for c, n in zip(codes, display_names(codes), strict=True)}
    return {}


def sector_label(by: str, code: str) -> str:
    """``code`` with its name (``"I_S"`` -> ``"Ferrous metals"``), or the code if unnamed."""
    if by == "hs2" and code.isdigit():
        return f"HS chapter {code}"
    return sector_labels(by).get(code.upper(), code)


# -- duty calculator -------------------------------------------------------------------------


def duty_strip(shipment: Shipment, *, end: dt.date) -> dict[str, Any]:
    """A shipment's effective duty rate at every regime change from 2025-01-01 to ``end``.

    Dates on which the line cannot be computed (e.g. an article under several metal
    programmes with no declared content) are left out of the strip.
    """
    import warnings

    from tradewinds.measures.batch import duty_batch
    from tradewinds.measures.compiled import compiled
    from tradewinds.measures.fields import START_DATE

    snap = compiled()
    days = sorted({START_DATE, *(d for d in snap.bounds if START_DATE < d <= end)})
    line = shipment.columns()
    lines = {
        name: np.array([d.isoformat() if name == "date" else value for d in days], dtype=object)
        for name, value in line.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = duty_batch(lines, where="the shipment").table
    dates = [d.isoformat() for d in table.get_column("date").to_list()]
    points = list(zip(dates, table.get_column("effective_rate").to_list(), strict=True))
    # Step chart: each rate holds until the next change; close the line at ``end``.
    if points:
        points.append((end.isoformat(), points[-1][1]))
    return {
        "dates": [d for d, _ in points],
        "rate": [round(float(r), 6) for _, r in points],
        "events": event_marks(START_DATE, end),
    }


# -- baselines -------------------------------------------------------------------------------


@functools.cache
def camx_trade(name: str = "default") -> dict[str, Any]:
    """Canada–Mexico trade in a bundled baseline: both directions and the two-way total."""
    from tradewinds.core import dims
    from tradewinds.data import load_baseline

    ds = load_baseline(name)
    trade = ds[dims.TRADE].sum(dims.SECTOR)

    def flow(a: str, b: str) -> float:
        return float(trade.sel({dims.EXPORTER: a, dims.IMPORTER: b}))

    can_mex, mex_can = flow("CAN", "MEX"), flow("MEX", "CAN")
    partners = {p: {"exports": flow(p, "USA"), "imports": flow("USA", p)} for p in ("CAN", "MEX")}
    return {
        "baseline": name,
        "source": str(ds.attrs.get("source", name)),
        "year": str(ds.attrs.get("year", "")),
        "units": str(ds.attrs.get("units", "")),
        "can_to_mex": can_mex,
        "mex_to_can": mex_can,
        "two_way": can_mex + mex_can,
        "with_usa": partners,
    }


# -- every partner on one date ---------------------------------------------------------------

#: Partners the overview's ranking shows besides Canada and Mexico (the largest by 2024 imports).
RANKED = 10


def country_name(code: str) -> str:
    """A partner's name for charts and legends (``"EU"`` -> ``"European Union (27)"``)."""
    from tradewinds.web.runs import map_countries

    if code in NAMES:
        return NAMES[code]
    if code == "EU":
        return "European Union (27)"
    return map_countries().get(code, code)


def partner_ranking(
    date: dt.date, n: int = RANKED, usmca_shares: str = "2025h2"
) -> list[dict[str, Any]]:
    """``tradewinds etr --top n --date`` (:func:`tradewinds.measures.etr.top`), with names.

    Cached for the life of the server (the packaged registry does not change under it): the
    dozen points take a second or two.
    """
    return [dict(r) for r in _ranking(date, n, usmca_shares)]


@functools.cache
def _ranking(date: dt.date, n: int, usmca_shares: str) -> tuple[dict[str, Any], ...]:
    import warnings

    from tradewinds.measures.etr import top

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = top(date, n, usmca_shares)
    return tuple({**r, "name": country_name(str(r["country"]))} for r in rows)


@functools.cache
def every_partner(date: dt.date, usmca_shares: str = "2025h2") -> dict[str, dict[str, Any]]:
    """:func:`tradewinds.measures.etr.point` of every partner of the 2024 weights on ``date``.

    About 230 points (ten seconds or so on a loaded machine), cached for the life of the server;
    the explorer fetches the map that shows them after the page is drawn.
    """
    import warnings

    from tradewinds.measures.etr import partners, point

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {c: dict(point(c, date, usmca_shares)) for c in partners()}


# -- statutory against collected --------------------------------------------------------------

_FILLING: list[threading.Thread] = []


def fill_collected_cache() -> bool:
    """Start :func:`tradewinds.measures.collected.backtest` once, in a background thread.

    The overview shows the collected estimate only when the backtest's statutory rates are in the
    user cache (:func:`~tradewinds.measures.collected.backtest_if_cached`); ``tradewinds serve``
    calls this at start (unless ``--no-warm``) to fill it without making a page wait (minutes the
    first time). A page never starts it: a visit must not cost minutes of a core. True while the
    thread runs.
    """
    if not _FILLING:

        def work() -> None:
            import warnings

            from tradewinds.measures.collected import backtest

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    backtest()
            except Exception:  # the page keeps saying "Treasury only"; never a failed page
                logger.exception("The collected-rate backtest failed in the background.")

        _FILLING.append(threading.Thread(target=work, name="collected-backtest", daemon=True))
        _FILLING[0].start()
    return collected_filling()


def collected_filling() -> bool:
    """Whether :func:`fill_collected_cache` was started in this process and is still running."""
    return bool(_FILLING) and _FILLING[0].is_alive()
