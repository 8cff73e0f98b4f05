"""Rich tables and a Plotly page for the strategy results (optimal tariffs, Nash, united front)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.table import Table

from tradewinds.policy.nash import NashResult
from tradewinds.policy.optimal import OptimalTariffs
from tradewinds.policy.united_front import STRATEGIES, Cell, UnitedFront
from tradewinds.reporting.sectors import sector_name

#: Countries listed first in welfare tables.
FIRST = ("CAN", "MEX", "USA")


def _pct(x: float) -> str:
    return f"{100 * x:+.3f}"


def _names(labels: Sequence[str]) -> list[str]:
    """``["name"]`` when some sector label has a readable name other than itself, else ``[]``."""
    plain = ("all", "TOTAL")
    return ["name"] if any(sector_name(x) != x for x in labels if x not in plain) else []


def _ordered(countries: Sequence[str], first: Sequence[str]) -> list[str]:
    top = [c for c in first if c in countries]
    return top + [c for c in countries if c not in top]


def optimal_tables(
    result: OptimalTariffs, *, bounds: tuple[float, float], closed_form: float | None = None
) -> list[Table]:
    """Tariff table and welfare table of an optimal-tariff search."""
    tariffs = Table(title="Optimal tariffs", caption=result.method)
    records = result.tariff_records().to_dict("records")
    named = _names([r["sector"] for r in records])
    for col in ("country", "against", "sector", *named, "start %", "optimal %", "note"):
        tariffs.add_column(
            col, justify="right" if "%" in col else "left", no_wrap=col not in ("note", "name")
        )
    for row in records:
        note = ""
        if abs(row["optimal"] - bounds[1]) < 1e-4:
            note = "at upper bound"
        elif abs(row["optimal"] - bounds[0]) < 1e-4:
            note = "at lower bound"
        tariffs.add_row(
            row["country"],
            row["against"] if len(row["against"]) < 40 else "all others",
            row["sector"],
            *(named and [sector_name(row["sector"])]),
            f"{100 * row['start']:.3f}",
            f"{100 * row['optimal']:.3f}",
            note,
        )
    caption = f"{result.evaluations} model solves; weighted gain {_pct(result.gain)} pp"
    if closed_form is not None:
        caption += f"; closed-form uniform tariff at the optimum {100 * closed_form:.3f}%"
    welfare = Table(title="Welfare change, % (scenario tariffs -> optimum)", caption=caption)
    for col in ("country", "scenario", "optimum", "difference (pp)"):
        welfare.add_column(col, justify="left" if col == "country" else "right", no_wrap=True)
    players = {i.country for i in result.instruments}
    partners = {p for i in result.instruments for p in i.against}
    for c in _ordered(list(result.welfare), list(dict.fromkeys([*result.weights, *FIRST]))):
        if c not in players and c not in partners and c not in FIRST:
            continue
        before, after = result.welfare_start[c], result.welfare[c]
        welfare.add_row(c, _pct(before), _pct(after), _pct(after - before))
    return [tariffs, welfare]


def nash_tables(result: NashResult) -> list[Table]:
    """Equilibrium (or last) tariffs with welfare, and the path of best responses."""
    head = "Nash equilibrium" if result.converged else f"NOT an equilibrium ({result.status})"
    table = Table(title=f"Tariff war: {head}", caption=result.message())
    records = result.tariff_records().to_dict("records")
    named = _names([r["sector"] for r in records])
    for col in ("player", "against", "sector", *named, "tariff %", "welfare %"):
        table.add_column(
            col, justify="right" if "%" in col else "left", no_wrap=col not in ("against", "name")
        )
    for row in records:
        table.add_row(
            row["country"],
            row["against"],
            row["sector"],
            *(named and [sector_name(row["sector"])]),
            f"{100 * row['tariff']:.3f}",
            _pct(result.welfare[row["country"]]),
        )
    path = Table(
        title="Path of best responses",
        caption=f"gain pp = welfare a player gains by moving to its best response, in "
        f"percentage points; equilibrium when every gain <= {100 * result.tol:.0e} pp",
    )
    for col in ("round", "player", "sector", "tariff %", "best response %", "welfare %", "gain pp"):
        path.add_column(
            col, justify="left" if col in ("player", "sector") else "right", no_wrap=True
        )
    for row in result.path_records().to_dict("records"):
        path.add_row(
            str(row["round"]),
            row["country"],
            row["sector"],
            f"{100 * row['tariff']:.3f}",
            f"{100 * row['best_response']:.3f}",
            f"{row['welfare_pct']:+.4f}",
            f"{row['gain_pct']:.2e}",
        )
    return [table, path]


def _label(cell: Cell, partners: tuple[str, str]) -> str:
    return f"{partners[0]} {cell[0]} / {partners[1]} {cell[1]}"


def united_front_tables(
    game: UnitedFront, frequencies: Mapping[Cell, float] | None = None, draws: int = 0
) -> list[Table]:
    """Payoff matrix (partners and threatener), summary by partner, and sensitivity shares."""
    a, b = game.partners
    us = game.threatener
    tables = []
    for who in (a, b, us):
        matrix = Table(
            title=f"{who}: welfare change % (* = pure Nash equilibrium)",
            caption=f"rows: {a}; columns: {b}; retaliation alone = {game.retaliation}",
        )
        matrix.add_column(f"{a} \\ {b}", no_wrap=True)
        for s in STRATEGIES:
            matrix.add_column(s, justify="right", no_wrap=True)
        for r in STRATEGIES:
            cells = [
                _pct(game.welfare[(r, c)][who]) + (" *" if (r, c) in game.equilibria else "  ")
                for c in STRATEGIES
            ]
            matrix.add_row(r, *cells)
        tables.append(matrix)
    summary = Table(
        title="By partner: retaliation rates %, welfare change %",
        caption="alone %, joint % = retaliation rate when alone / jointly; (J,J) = welfare "
        "when both retaliate jointly; best unil. = best unilateral alternative (best pure "
        "equilibrium without coordinating); coord. value = (J,J) minus best unil.; disagr. = "
        "disagreement payoff (no deal, no coordination); vs disagr. = (J,J) minus disagr. "
        + game.deal_note(),
    )
    for col in (
        "partner",
        "alone\n%",
        "joint\n%",
        "(J,J)",
        "best\nunil.",
        "coord.\nvalue",
        "disagr.",
        "vs\ndisagr.",
    ):
        summary.add_column(col, justify="left" if col == "partner" else "right", no_wrap=True)
    jj = game.welfare[("joint", "joint")]
    for p in game.partners:
        summary.add_row(
            p,
            f"{100 * game.alone_rate[p]:.2f}",
            f"{100 * game.joint_rate[p]:.2f}",
            _pct(jj[p]),
            _pct(game.unilateral[p]),
            _pct(game.coordination_value[p]),
            _pct(game.disagreement[p]),
            _pct(game.coordination_vs_disagreement[p]),
        )
    tables.append(summary)
    if frequencies is not None:
        sens = Table(title=f"Pure Nash equilibria across {draws} elasticity draws")
        sens.add_column("cell")
        sens.add_column("share of draws", justify="right")
        for cell, share in frequencies.items():
            sens.add_row(_label(cell, game.partners), f"{100 * share:.1f}%")
        if not frequencies:
            sens.add_row("no pure equilibrium in any draw", "")
        tables.append(sens)
    return tables


def united_front_html(
    game: UnitedFront,
    *,
    title: str,
    frequencies: Mapping[Cell, float] | None = None,
) -> str:
    """Self-contained HTML page (Plotly inlined) charting the game."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    a, b = game.partners
    us = game.threatener
    players = (a, b, us)
    rows = 2 if frequencies else 1
    titles = [f"{p}: welfare change %" for p in players]
    if frequencies:
        titles.append("Share of elasticity draws in which a cell is an equilibrium")
    fig = make_subplots(
        rows=rows,
        cols=3,
        subplot_titles=titles,
        specs=[[{}, {}, {}]] + ([[{"colspan": 3}, None, None]] if frequencies else []),
        vertical_spacing=0.18,
    )
    for k, p in enumerate(players, start=1):
        z = [[100 * game.welfare[(r, c)][p] for c in STRATEGIES] for r in STRATEGIES]
        text = [
            [
                f"{v:+.3f}{' *' if (r, c) in game.equilibria else ''}"
                for v, c in zip(zrow, STRATEGIES, strict=True)
            ]
            for zrow, r in zip(z, STRATEGIES, strict=True)
        ]
        fig.add_trace(
            go.Heatmap(
                z=z,
                x=[f"{b}: {s}" for s in STRATEGIES],
                y=[f"{a}: {s}" for s in STRATEGIES],
                text=text,
                texttemplate="%{text}",
                colorscale="RdBu",
                zmid=0,
                showscale=False,
                hovertemplate=f"{p}: %{{z:.3f}}%<extra></extra>",
            ),
            row=1,
            col=k,
        )
        fig.update_yaxes(autorange="reversed", row=1, col=k)
    if frequencies:
        fig.add_trace(
            go.Bar(
                x=[_label(c, game.partners) for c in frequencies],
                y=[100 * v for v in frequencies.values()],
                marker_color="#4c72b0",
                hovertemplate="%{x}: %{y:.1f}% of draws<extra></extra>",
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(title_text="% of draws", row=2, col=1)
    eq = ", ".join(_label(c, game.partners) for c in game.equilibria) or "none"
    fig.update_layout(
        title=f"{title}<br><sub>Pure Nash equilibria (*): {eq}</sub>"
        f"<br><sub>{game.deal_note()}</sub>",
        height=520 * rows,
        showlegend=False,
    )
    html: str = fig.to_html(include_plotlyjs=True, full_html=True)
    return html
