"""The sector views of a multi-sector run in a real browser (Debian chromium via Playwright).

The run is the issue's example, ``measures-2025-09-01-wiod`` (Mexican petroleum +64.9% under
CP2015's θ = 64.85). The heatmap must keep the other cells readable (colour scale clipped at a
percentile, the clipped cell marked), name sectors in words, leave out sectors with no trade,
and the plausibility table must show the flagged sector with the other elasticity sets'
answers. Screenshots go to ``artifacts/screenshots/sectors-*.png``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_web_browser import LAPTOP, SHOTS, _browser_or_skip
from tests.e2e.web_server import guarded_page, serve, wait_for_charts

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    _browser_or_skip()
    from tradewinds.scenarios import load_scenario
    from tradewinds.scenarios.execute import execute
    from tradewinds.store import ResultsStore

    store_dir = tmp_path_factory.mktemp("sector-store")
    scenario = load_scenario(ROOT / "scenarios" / "measures-2025-09-01-wiod.yaml")
    run = execute(scenario, sink=ResultsStore(store_dir))
    with serve(store_dir) as url:
        yield url, run.run_id


def test_sector_heatmap_and_flags_in_the_browser(served: tuple[str, str]) -> None:
    url, run_id = served
    with guarded_page(LAPTOP) as (page, watch):
        page.goto(f"{url}/runs/{run_id}")
        wait_for_charts(page)
        figure = json.loads(page.inner_text(f"#heat-{run_id}-data"))
        trace = figure["data"][0]
        names = trace["x"]
        assert "petroleum" in names
        assert not any(n.startswith("c") and n[1:].isdigit() for n in names)  # never a code
        assert len(set(names)) == len(names)  # never a duplicated name
        # every sector shown has a value somewhere (sectors with no trade are left out; WIOD
        # 2011 has none: even private households trade $0.5 bn across borders)
        for k in range(len(names)):
            assert any(row[k] is not None for row in trace["z"]), names[k]
        assert trace["zmax"] < 30  # not stretched to the 64.9% outlier
        row = trace["y"].index("MEX")
        assert trace["text"][row][names.index("petroleum")] == "▲"
        # the plotted heatmap draws the mark in the cell
        assert page.locator(f"#heat-{run_id} text", has_text="▲").count() >= 1
        assert "beyond it marked" in page.inner_text(".run-view")
        flags = page.locator("#flags")
        assert flags.count() == 1
        text = flags.inner_text()
        assert "petroleum" in text
        assert "64.85" in text
        assert "bw2006" in text
        assert "hauk2012" in text
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(f"#heat-{run_id}").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "sectors-heatmap.png"), full_page=True)
        assert watch.console_errors == [], watch.console_errors
        assert watch.blocked == [], watch.blocked
