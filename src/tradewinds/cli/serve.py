"""``tradewinds serve``: the HTTP API (and the dashboard, when installed) on a local port."""

from __future__ import annotations

from pathlib import Path

import typer

from tradewinds.cli._options import Store


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command."""
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    store: Store = None,
    workers: int = typer.Option(1, "--workers", help="Jobs that run at the same time."),
    token_file: Path | None = typer.Option(
        None, "--token-file", help="File with the bearer token for jobs and store writes."
    ),
    private: bool = typer.Option(
        False, "--private", help="Require the token for read-only endpoints too."
    ),
    public_reads: bool = typer.Option(
        False,
        "--public-reads",
        help="On a non-loopback --host, leave read-only endpoints and pages open "
        "(by default everything but /api/v1/health needs the token there).",
    ),
    cors: list[str] = typer.Option(
        [], "--cors", help="Allow cross-origin requests from ORIGIN (repeatable); off by default."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Run jobs' draws and searches on this Dask scheduler."
    ),
    allowed_hosts: list[str] = typer.Option(
        [],
        "--allowed-host",
        help="Also answer requests for this host name (repeatable; '*' for any), e.g. the "
        "name a proxy forwards. Adds to $TRADEWINDS_ALLOWED_HOSTS (comma-separated). "
        "Others are refused with 400 (DNS rebinding).",
    ),
    scenarios: Path | None = typer.Option(
        None, "--scenarios", help="Folder of library scenarios (default: the repository's)."
    ),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in a browser."),
    warm: bool = typer.Option(
        True,
        "--warm/--no-warm",
        help="Compute the collected-rate estimate of the overview in the background at start "
        "(minutes the first time, then read from the cache).",
    ),
) -> None:
    """Serve the HTTP API at /api/v1 (docs at /docs, offline) and the dashboard at /.

    Jobs (scenario runs, Monte Carlo, strategy) run in child processes and are recorded in the
    results store. On a non-loopback --host a --token-file is required, and every endpoint but
    /api/v1/health needs the token unless --public-reads is given.
    """
    import uvicorn

    from tradewinds.api.security import Settings, read_token
    from tradewinds.core.errors import ScenarioError
    from tradewinds.server import create_app

    if scenarios is not None:
        from tradewinds.core.inputs import check_input_folder

        check_input_folder(scenarios, "--scenarios folder", "*.yaml")
    if workers < 1:
        raise ScenarioError(f"--workers {workers}: give at least 1.")
    if private and token_file is None:
        raise ScenarioError("--private needs --token-file (the token readers must send).")
    settings = Settings(
        host=host,
        store=store,
        token=read_token(token_file) if token_file is not None else None,
        private=private,
        public_reads=public_reads,
        cors=tuple(cors),
        scheduler=scheduler,
        workers=workers,
        scenario_dir=scenarios,
        allowed_hosts=_allowed_hosts(allowed_hosts),
    )
    app = create_app(settings)
    if warm:
        from tradewinds.web.queries import fill_collected_cache

        fill_collected_cache()
    if open_browser:
        import importlib.util
        import threading
        import webbrowser

        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        page = "/" if importlib.util.find_spec("tradewinds.web") else "/docs"
        url = f"http://{shown}:{port}{page}"
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="info")


#: Environment variable with more host names the server answers for (comma-separated).
ALLOWED_HOSTS_ENV = "TRADEWINDS_ALLOWED_HOSTS"


def _allowed_hosts(given: list[str]) -> tuple[str, ...]:
    """``--allowed-host`` names and those of ``$TRADEWINDS_ALLOWED_HOSTS``, each checked."""
    import os
    import re

    from tradewinds.core.errors import ScenarioError

    names = [*os.environ.get(ALLOWED_HOSTS_ENV, "").split(","), *given]
    out = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        if name != "*" and not re.fullmatch(r"\[?[A-Za-z0-9_.:\-]{1,253}\]?", name):
            raise ScenarioError(
                f"--allowed-host / ${ALLOWED_HOSTS_ENV}: {name[:80]!r} is not a host name; give "
                "a name such as tradewinds.example.org, an address, or '*'."
            )
        out.append(name)
    return tuple(out)
