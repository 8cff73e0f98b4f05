"""Time to first render of each dashboard page in headless Chromium (target: at most 1 s).

Serves the app with uvicorn on a loopback port (an empty temporary store), loads each page
once to warm the server's caches, then loads it ``--repeat`` times and prints the median of
first-contentful-paint and of DOMContentLoaded (from the Navigation Timing entry) and the time
until every chart is drawn, each with a cold browser cache (a new context per load) and with a
warm one. Prints the load average next to the figures: the machine is shared.

    .venv/bin/python benchmarks/bench_web.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.web_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    Watch,
    guard,
    serve,
    wait_for_charts,
)

TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp: fcp ? fcp.startTime : null, dcl: nav.domContentLoadedEventEnd};
}"""


def _load(page, url: str) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    page.goto(url)
    wait_for_charts(page)
    charts = 1000 * (time.perf_counter() - t0)
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
    timing = page.evaluate(TIMING)
    return float(timing["fcp"]), float(timing["dcl"]), charts


def main() -> None:
    """Run the benchmark and print a table of medians (milliseconds)."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="Loads per page and cache state.")
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, 50))
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        warm_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        watch = Watch()
        guard(warm_ctx, watch)
        warm_page = warm_ctx.new_page()
        for _, path in PAGES:  # warm the server's caches and the browser cache
            _load(warm_page, base + path)
        print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
        print(
            f"{'page':<12} {'FCP cold':>9} {'FCP warm':>9} {'DCL warm':>9} {'charts warm':>12}"
            f"   (median ms of {repeat})"
        )
        worst = 0.0
        for name, path in PAGES:
            cold, warm, dcl, charts = [], [], [], []
            for _ in range(repeat):
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})
                guard(ctx, watch)
                cold.append(_load(ctx.new_page(), base + path)[0])
                ctx.close()
                fcp, d, c = _load(warm_page, base + path)
                warm.append(fcp)
                dcl.append(d)
                charts.append(c)
            row = [statistics.median(x) for x in (cold, warm, dcl, charts)]
            worst = max(worst, row[0], row[1])
            print(f"{name:<12} {row[0]:>9.0f} {row[1]:>9.0f} {row[2]:>9.0f} {row[3]:>12.0f}")
        la = os.getloadavg()
        print(f"load average after: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")
        print(f"slowest median first render: {worst:.0f} ms (target <= 1000 ms)")
        if watch.blocked or watch.console_errors:
            print(f"warning: blocked {watch.blocked}, console errors {watch.console_errors}")
        browser.close()


if __name__ == "__main__":
    main()
