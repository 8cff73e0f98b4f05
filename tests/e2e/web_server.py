"""A live dashboard for browser tests and benchmarks: uvicorn in a thread, Chromium options.

Used by ``tests/e2e/test_web_browser.py`` and ``benchmarks/bench_web.py``. The browser is
Debian's ``chromium`` driven by Playwright through ``executable_path`` (never a downloaded
browser build); every request to a host other than the loopback is aborted and recorded.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

#: Dashboard pages: (name, path).
PAGES = (
    ("overview", "/"),
    ("calculator", "/calculator"),
    ("rates", "/rates"),
    ("explorer", "/explorer"),
    ("strategy", "/strategy"),
    ("runs", "/runs"),
)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(store_dir: Path) -> Iterator[str]:
    """Run the app with uvicorn on a free loopback port; yields the base URL."""
    import uvicorn

    from tradewinds.api.security import Settings
    from tradewinds.server import create_app

    old = os.environ.get("TRADEWINDS_STORE")
    os.environ["TRADEWINDS_STORE"] = str(store_dir)
    app = create_app(Settings(store=store_dir))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        if old is None:
            os.environ.pop("TRADEWINDS_STORE", None)
        else:
            os.environ["TRADEWINDS_STORE"] = old


@dataclass
class Watch:
    """What a page did that a test must see: console errors and requests that left the host."""

    console_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (or is a data/blob URL)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOOPBACK


def guard(context: Any, watch: Watch) -> None:
    """Abort every request to another host (recording it) and collect console errors."""

    def route(r: Any) -> None:
        if is_loopback(r.request.url):
            r.continue_()
        else:
            watch.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)

    def on_page(page: Any) -> None:
        page.on(
            "console",
            lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))

    context.on("page", on_page)


def wait_for_charts(page: Any, timeout: float = 15_000) -> None:
    """Wait until every chart container on the page has been drawn by plotly.js."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.plot[data-figure]'))"
        ".every(el => el.querySelector('.main-svg'))",
        timeout=timeout,
    )


@contextlib.contextmanager
def guarded_page(
    viewport: dict[str, int], timeout_ms: float = 60_000
) -> Iterator[tuple[Any, Watch]]:
    """A page of Debian's Chromium whose off-loopback requests and console errors are watched."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport)
            watch = Watch()
            guard(context, watch)
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            yield page, watch
            context.close()
        finally:
            browser.close()
