"""Jinja2 templates of the dashboard and the helpers the page routes share."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

import tradewinds

if TYPE_CHECKING:
    import jinja2

    from tradewinds.store import ResultsStore

#: Navigation: (path, label).
NAV = (
    ("/", "Overview"),
    ("/calculator", "Duty calculator"),
    ("/rates", "Effective rates"),
    ("/explorer", "Scenario explorer"),
    ("/strategy", "Strategy"),
    ("/runs", "Runs"),
)


def _pct(value: Any, digits: int = 2) -> str:
    try:
        return f"{100 * float(value):.{digits}f}%"
    except (TypeError, ValueError):
        return str(value)


def _signed(value: Any, digits: int = 3) -> str:
    try:
        return f"{float(value):+.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def _money(value: Any, digits: int = 2) -> str:
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment (autoescaping on, templates from the package)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tradewinds.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    from tradewinds.measures.names import programme_name

    env.filters["pct"] = _pct
    env.filters["programme"] = programme_name
    env.filters["signed"] = _signed
    env.filters["money"] = _money
    env.globals["nav"] = NAV
    env.globals["version"] = tradewinds.__version__
    return env


def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` with ``context``; the current path marks the navigation."""
    html = environment().get_template(template).render(path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)


def fragment(template: str, **context: Any) -> str:
    """Render a template to a string (pieces inserted into a page by its script)."""
    return environment().get_template(template).render(**context)


def store_of(request: Request) -> ResultsStore:
    """The results store the server records jobs to (``tradewinds serve --store``)."""
    from tradewinds.store import ResultsStore

    settings = getattr(request.app.state, "settings", None)
    return ResultsStore(getattr(settings, "store", None))


def scenario_dir_of(request: Request) -> Path | None:
    """The scenario library folder the server was given (``--scenarios``), if any."""
    settings = getattr(request.app.state, "settings", None)
    folder = getattr(settings, "scenario_dir", None)
    return Path(folder) if folder is not None else None
