"""Plot an effective-rate series with policy events annotated (Plotly HTML, PNG)."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from tradewinds.core.errors import DataError, ScenarioError

logger = logging.getLogger(__name__)

#: Events annotated on the plot (date, label), from the measure registry's windows.
EVENTS = (
    ("2025-03-04", "IEEPA CA/MX 25%"),
    ("2025-03-07", "USMCA exemption"),
    ("2025-03-12", "232 metals, no CA/MX exemption"),
    ("2025-04-03", "232 autos"),
    ("2025-05-03", "232 auto parts"),
    ("2025-06-04", "232 metals 50%, content basis"),
    ("2025-08-01", "CA 35%; 232 copper"),
    ("2025-10-14", "232 wood"),
    ("2025-11-01", "232 trucks, buses"),
    ("2026-02-24", "IEEPA ends; Sec. 122 10%"),
    ("2026-07-24", "Sec. 122 expires"),
)


#: Events closer than this many days share one mark and label (their labels printed over each
#: other around March 2025: 4, 7 and 12 March).
EVENT_GAP_DAYS = 14


def event_groups(
    lo: pd.Timestamp | str, hi: pd.Timestamp | str, gap_days: int = EVENT_GAP_DAYS
) -> list[tuple[str, str, str]]:
    """The :data:`EVENTS` between ``lo`` and ``hi`` as ``(date, label, detail)`` marks.

    Events less than ``gap_days`` after the previous one join its mark: the label is the first
    event's with "+N", the detail lists each event with its date (for a hover or a caption).
    """
    start, end = pd.Timestamp(lo), pd.Timestamp(hi)
    groups: list[list[tuple[str, str]]] = []
    for day, label in EVENTS:
        when = pd.Timestamp(day)
        if not start <= when <= end:
            continue
        if groups and (when - pd.Timestamp(groups[-1][0][0])).days < gap_days:
            groups[-1].append((day, label))
        else:
            groups.append([(day, label)])
    out = []
    for group in groups:
        more = f" +{len(group) - 1}" if len(group) > 1 else ""
        detail = "; ".join(f"{day}: {label}" for day, label in group)
        out.append((group[0][0], group[0][1] + more, detail))
    return out


def _overall(frame: pd.DataFrame) -> pd.DataFrame:
    sel = frame[frame["sector"] == "all"] if (frame["sector"] == "all").any() else frame
    wide = sel.pivot_table(index="date", columns="authority", values="rate", aggfunc="mean")
    wide.index = pd.to_datetime(wide.index)
    wide = wide.fillna(0.0)
    keep = [c for c in wide.columns if c == "total" or wide[c].abs().max() > 0]
    return wide[keep] * 100


def plot_series(frame: pd.DataFrame, path: Path, title: str) -> None:
    """Write the overall rate and its authority breakdown to ``path`` (.html or .png)."""
    suffix = path.suffix.lower()
    if suffix not in (".html", ".png"):
        raise ScenarioError(f"--plot {str(path)!r} must end in .html or .png.")
    wide = _overall(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".html":
        _plotly(wide, title).write_html(path, include_plotlyjs=True)
        return
    try:
        _plotly(wide, title).write_image(path, width=1100, height=600)
    except Exception as exc:  # kaleido >= 1 needs a Chrome binary, absent offline
        logger.info("kaleido PNG export failed (%s); falling back to matplotlib", exc)
        _matplotlib(wide, title, path)


def _plotly(wide: pd.DataFrame, title: str):  # type: ignore[no-untyped-def]
    import plotly.graph_objects as go

    fig = go.Figure()
    for col in [c for c in wide.columns if c != "total"]:
        fig.add_trace(go.Scatter(x=wide.index, y=wide[col], name=str(col), stackgroup="a"))
    fig.add_trace(go.Scatter(x=wide.index, y=wide["total"], name="total", line={"color": "black"}))
    for day, label, detail in event_groups(wide.index.min(), wide.index.max()):
        when = pd.Timestamp(day)
        fig.add_vline(x=when, line_dash="dot", line_color="grey")
        fig.add_annotation(
            x=when,
            y=1,
            yref="paper",
            text=label,
            hovertext=detail,
            textangle=-90,
            showarrow=False,
            xanchor="right",
            font={"size": 9},
        )
    fig.update_layout(title=title, yaxis_title="effective tariff rate (%)", hovermode="x unified")
    return fig


def _matplotlib(wide: pd.DataFrame, title: str, path: Path) -> None:
    try:
        import matplotlib as mpl

        mpl.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise DataError(
            "PNG export needs kaleido with a Chrome binary (run 'plotly_get_chrome' online) or "
            "matplotlib; neither is usable here. Write .html instead."
        ) from exc
    fig, ax = plt.subplots(figsize=(11, 6))
    parts = [c for c in wide.columns if c != "total"]
    # tab20 gives every authority its own colour (tab10 repeats after ten, and did).
    colours = [plt.get_cmap("tab20")(k % 20) for k in range(len(parts))]
    ax.stackplot(
        wide.index, *[wide[c].to_numpy() for c in parts], labels=parts, colors=colours, alpha=0.85
    )
    ax.plot(wide.index, wide["total"], color="black", label="total")
    ax.set_ylim(0, float(wide["total"].max()) * 1.45 or 1.0)
    top = ax.get_ylim()[1]
    for day, label, _ in event_groups(wide.index.min(), wide.index.max()):
        when = pd.Timestamp(day)
        ax.axvline(when, color="grey", linestyle=":", linewidth=0.8)  # type: ignore[arg-type]
        ax.text(when, top * 0.99, label, rotation=90, va="top", ha="right", fontsize=7)  # type: ignore[arg-type]
    ax.set_title(title)
    ax.set_ylabel("effective tariff rate (%)")
    ax.legend(loc="upper right", fontsize=7, ncol=3, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
