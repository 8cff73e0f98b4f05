"""Pages on measures and duties: overview, duty calculator, effective rates (with CSV)."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from tradewinds.core.errors import ScenarioError, TradewindsError
from tradewinds.measures.fields import METALS
from tradewinds.measures.hts_search import hts_search
from tradewinds.web import charts
from tradewinds.web import queries as q
from tradewinds.web.render import page

if TYPE_CHECKING:
    from tradewinds.measures.collected import Backtest
    from tradewinds.measures.shipment import Shipment

router = APIRouter(include_in_schema=False)

#: Sector breakdowns offered on the effective-rate page: key -> label.
BREAKDOWNS = {"gtap": "GTAP sector", "hs2": "HS chapter", "wiod": "WIOD industry"}
USMCA_LABELS = {
    "2025h2": "July–December 2025 claim shares",
    "2025": "2025 claim shares",
    "2024": "2024 claim shares",
    "none": "no USMCA claims",
}


def _coverage() -> dt.date:
    from tradewinds.measures.registry import load_registry

    return load_registry().coverage_date


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, partner: str = "") -> HTMLResponse:
    """Today's effective rates, the timeline of events, Canada–Mexico trade, measures in force.

    ``?partner=CHN`` (any ISO3) adds that partner's measures to the timeline of events.
    """
    from tradewinds.core.countries import ISO3_CODES

    extra = partner.strip().upper()
    if extra and extra not in ISO3_CODES:
        from tradewinds.core.errors import UnknownLabelError

        raise UnknownLabelError("country", extra, sorted(ISO3_CODES), "the timeline")
    shown = q.PARTNERS if not extra or extra in q.PARTNERS else (*q.PARTNERS, extra)
    coverage = _coverage()
    day = q.today(coverage)
    start = dt.date(2025, 1, 1)
    points = {c: q.etr_point(c, day) for c in q.PARTNERS}
    lines = {}
    for c in q.PARTNERS:
        wide = q.series_by_change(q.etr_series(c, start, coverage, "2025h2"))
        lines[q.NAMES[c]] = {"dates": wide["dates"], "values": wide["total"]}
    figure = charts.step_lines(
        lines, q.event_marks(start, coverage), ytitle="effective US tariff rate"
    )
    ranking = q.partner_ranking(day)
    us_wide = q.etr_point("ALL", day)
    bt = _backtest()
    return page(
        request,
        "overview.html",
        collected=_collected_note(bt),
        partner_collected={c: _partner_collected(bt, c, day) for c in q.PARTNERS},
        title="Overview",
        day=day.isoformat(),
        coverage=coverage.isoformat(),
        points=points,
        names=q.NAMES,
        figure=figure,
        ranking=ranking,
        ranking_figure=charts.ranked_rates(ranking, q.PARTNERS),
        us_wide=us_wide,
        partner=extra,
        partner_options=partner_options(),
        events=q.timeline(start, shown),
        trade=q.camx_trade("default"),
        measures=q.measures_in_force(day),
    )


def partner_options() -> list[tuple[str, str]]:
    """``(ISO3, name)`` of every partner of the 2024 weights, by name (the partner selectors)."""
    from tradewinds.measures.etr import partners

    return sorted(((c, q.country_name(c)) for c in partners()), key=lambda cn: cn[1])


def _backtest() -> Backtest | None:
    """The collected-rate backtest if its rates are cached (a page never starts it)."""
    from tradewinds.measures import collected

    return collected.backtest_if_cached()


def _collected_note(bt: Backtest | None) -> dict[str, Any]:
    """Treasury's latest collected rate and, if already computed, the estimate beside it."""
    from tradewinds.measures import collected

    observed = collected.treasury()
    month = max(observed)
    out: dict[str, Any] = {"month": month, "treasury": observed[month], "estimate": None}
    if bt is None:
        out["computing"] = q.collected_filling()
    if bt is not None and month in bt.months:
        k = bt.months.index(month)
        out.update(estimate=bt.estimate[k], statutory=bt.statutory[k], mae=bt.mae_out)
    return out


def _partner_collected(bt: Backtest | None, country: str, day: dt.date) -> dict[str, Any] | None:
    """A partner's collected estimate for the month of ``day`` (or the last estimated month).

    ``None`` when the backtest is not cached or ``day`` is before the estimate starts.
    """
    if bt is None or bt.parts is None:
        return None
    month = day.isoformat()[:7]
    if month not in bt.months:
        if month < bt.months[0]:
            return None
        month = bt.months[-1]
    est = bt.partner(country)
    k = est.months.index(month)
    return {"month": month, "estimate": est.estimate[k], "statutory": est.statutory[k]}


#: Yes/no options of the duty form (every flag of ``tradewinds duty``): name -> label.
DUTY_FLAGS = {
    "usmca": "USMCA preference claimed",
    "transshipped": "CBP found the goods transshipped",
    "civil_aircraft": "Civil-aircraft article (general note 6)",
    "named_article": "Article named in Section 122 note 2(aa)(iii)",
    "us_metal": "Metal melted/smelted in the US (2026 metals, 10% tier)",
    "semiconductor": "Covered semiconductor article (U.S. note 39)",
}
#: Text and number fields of the duty form besides the required ones.
DUTY_FIELDS = ("importer", "us_content", *METALS, "quantity", "unit")


@router.get("/calculator", response_class=HTMLResponse)
def duty(request: Request, hts: str = "", origin: str = "MEX", date: str = "") -> HTMLResponse:
    """The duty calculator: form, layer table and the line's rate over time.

    The form carries every option of ``tradewinds duty``; its fields build the one
    :class:`~tradewinds.measures.shipment.Shipment`, which checks them.
    """
    coverage = _coverage()
    params = request.query_params
    form: dict[str, Any] = {
        "hts": hts,
        "origin": origin.upper(),
        "date": date or q.today(coverage).isoformat(),
        "value": params.get("value", ""),
        "importer": params.get("importer", "") or "USA",
        **{name: params.get(name, "") for name in DUTY_FIELDS if name != "importer"},
        **{name: params.get(name, "").lower() in ("true", "on", "1", "yes") for name in DUTY_FLAGS},
    }
    result: dict[str, Any] | None = None
    layers: list[dict[str, Any]] = []
    figure: dict[str, Any] | None = None
    error = ""
    status = 200
    if hts:
        try:
            result, layers, figure = _compute_duty(form, coverage)
        except TradewindsError as exc:
            error, status = str(exc), exc.http_status
    return page(
        request,
        "duty.html",
        status_code=status,
        title="Duty calculator",
        form=form,
        flags=DUTY_FLAGS,
        metals=METALS,
        result=result,
        layers=layers,
        figure=figure,
        error=error,
        origins=("CAN", "MEX", "CHN", "DEU", "JPN", "KOR", "GBR", "BRA", "IND"),
    )


def shipment_of(form: dict[str, Any]) -> Shipment:
    """The shipment a duty form describes (empty fields left out; the record checks the rest)."""
    from tradewinds.measures.shipment import Shipment

    def given(name: str) -> str | None:
        text = str(form.get(name, "")).strip()
        return text or None

    fields: dict[str, Any] = {
        name: given(name) for name in ("hts", "origin", "date", "value", "importer", "quantity")
    }
    fields["us_content"] = given("us_content")
    fields["unit"] = given("unit")
    fields["metal_content"] = {m: v for m in METALS if (v := given(m)) is not None}
    fields |= {name: bool(form.get(name)) for name in DUTY_FLAGS}
    return Shipment.build(**{k: v for k, v in fields.items() if v is not None})


def _compute_duty(
    form: dict[str, Any], coverage: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    from tradewinds.measures import calculate

    shipment = shipment_of(form)
    date = q.parse_date(shipment.date, coverage, "entry date")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = calculate(shipment)
    out = res.to_dict()
    out["notes"] = list(res.notes) + [str(w.message) for w in caught]
    out["description"] = next(
        (h["description"] for h in hts_search(res.hts, 1) if h["code"] == res.hts), ""
    )
    layers = [{**x.to_dict(), "title": x.title, "legal_basis": x.legal_basis} for x in res.layers]
    strip = q.duty_strip(shipment, end=max(coverage, date))
    figure = charts.step_lines(
        {f"{res.hts} from {res.origin}": {"dates": strip["dates"], "values": strip["rate"]}},
        strip["events"],
        ytitle="duty as % of value",
    )
    figure["data"].append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [res.date.isoformat()],
            "y": [100 * res.total_duty / res.customs_value],
            "marker": {"size": 11, "color": "#000", "symbol": "diamond"},
            "name": "this entry",
            "hovertemplate": "entry %{x}: %{y:.2f}%<extra></extra>",
        }
    )
    return out, layers, figure


@router.get("/rates", response_class=HTMLResponse)
def rates(
    request: Request,
    date: str = "",
    by: str = "gtap",
    usmca_shares: str = Query(default="2025h2", alias="usmca"),
    partner: str = "",
) -> HTMLResponse:
    """Canada and Mexico side by side over time, and a sector breakdown on one date.

    ``?partner=CHN`` (any partner of the 2024 weights, or ``EU``) adds a third panel.
    """
    coverage = _coverage()
    error = ""
    status = 200
    start = dt.date(2025, 1, 1)
    extra = partner.strip().upper()
    try:
        extra = _partner(extra)
        day = q.parse_date(date, q.today(coverage), "date")
        if day < start:
            raise ScenarioError(
                f"The date {day.isoformat()} is before 2025-01-01, where the registry starts."
            )
        if by not in BREAKDOWNS:
            raise ScenarioError(f"Breakdown {by!r} must be one of {sorted(BREAKDOWNS)}.")
        if usmca_shares not in USMCA_LABELS:
            raise ScenarioError(
                f"USMCA shares {usmca_shares!r} must be one of {list(USMCA_LABELS)}."
            )
    except TradewindsError as exc:
        error, status = str(exc), exc.http_status
        day, by, usmca_shares, extra = q.today(coverage), "gtap", "2025h2", ""
    panels = []
    bt = _backtest()
    for c in (*q.PARTNERS, *([extra] if extra and extra not in q.PARTNERS else [])):
        wide = q.series_by_change(q.etr_series(c, start, coverage, usmca_shares))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = q.sector_rates(c, day, by, usmca_shares)
        table = table[table["imports"] > 0].sort_values("total", ascending=False)
        authorities = [a for a in table.columns if a not in ("total", "imports")]
        authorities = [a for a in authorities if table[a].abs().max() > 0]
        # The chart shows the highest rates among sectors with at least 0.1% of the imports.
        top = table[table["imports"] >= 1e-3 * table["imports"].sum()].head(20)
        panels.append(
            {
                "country": c,
                "name": q.country_name(c),
                "figure": charts.stacked_rates(wide, q.event_marks(start, coverage)),
                "sectors": charts.vbars(
                    [_short(q.sector_label(by, str(s))) for s in top.index],
                    [100 * float(v) for v in top["total"]],
                    ytitle="effective rate",
                ),
                "authorities": authorities,
                "rows": [
                    {
                        "sector": str(s),
                        "name": q.sector_label(by, str(s)),
                        "imports": float(row["imports"]) / 1e6,
                        "total": float(row["total"]),
                        **{a: float(row[a]) for a in authorities},
                    }
                    for s, row in table.iterrows()
                ],
                "point": q.etr_point(c, day, usmca_shares),
                "collected": _partner_collected(bt, c, day),
            }
        )
    return page(
        request,
        "rates.html",
        status_code=status,
        title="Effective rates",
        panels=panels,
        day=day.isoformat(),
        by=by,
        breakdowns=BREAKDOWNS,
        usmca=usmca_shares,
        usmca_labels=USMCA_LABELS,
        coverage=coverage.isoformat(),
        error=error,
        partner=extra,
        partner_options=[("EU", q.country_name("EU")), *partner_options()],
    )


def _partner(code: str) -> str:
    """A partner code of the rates page: empty, ``EU`` or a partner of the 2024 weights.

    ``ALL`` is left to ``tradewinds etr`` (its daily series by sector takes minutes here).
    """
    from tradewinds.core.errors import UnknownLabelError
    from tradewinds.measures.etr import partners

    known = {"EU", *partners()}
    if code and code not in known:
        raise UnknownLabelError("partner", code, sorted(known), "the effective rates")
    return code


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@router.get("/rates.csv")
def rates_csv(
    country: str = "CAN",
    start: str = Query(default="2025-01-01", alias="from"),
    end: str = Query(default="", alias="to"),
    by: str | None = None,
    usmca_shares: str = Query(default="2025h2", alias="usmca"),
) -> Response:
    """The ``tradewinds etr --output`` series as CSV (daily, by authority, optional sectors)."""
    from tradewinds.measures.etr import series

    coverage = _coverage()
    first = q.parse_date(start, dt.date(2025, 1, 1), "from date")
    last = q.parse_date(end, coverage, "to date")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = series(
            country, first, last, usmca_shares=usmca_shares, by=by or None, names=("from", "to")
        )
    name = f"etr-{country.upper()}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
