"""The dashboard's every-partner content in a real browser (Debian's chromium via Playwright).

The overview's ranked bar chart draws with its legend in words; the rates page draws a third
partner's panel; the explorer fetches and draws the map of every partner's rate. Screenshots go
to ``artifacts/screenshots`` (``overview-ranking.png``, ``rates-partner.png``,
``explorer-map.png``, ``overview-collected.png``, ``rates-collected.png``). Skips without
``/usr/bin/chromium`` unless ``TRADEWINDS_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_web_browser import LAPTOP, SHOTS, _browser_or_skip, _clean
from tests.e2e.web_server import CHROMIUM, CHROMIUM_ARGS, Watch, guard, serve, wait_for_charts

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _browser_or_skip()
    with serve(tmp_path_factory.mktemp("web-partners-store")) as url:
        yield url


@pytest.fixture
def session(base_url: str) -> Iterator[tuple[Any, Watch]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP)
        watch = Watch()
        guard(context, watch)
        page = context.new_page()
        page.set_default_timeout(120_000)
        yield page, watch
        context.close()
        browser.close()


def _texts(locator: Any) -> list[str]:
    """Text of SVG elements (``inner_text`` is for HTML)."""
    texts: list[str] = locator.evaluate_all("els => els.map(e => e.textContent)")
    return texts


def _shot(page: Any, name: str, selector: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.locator(selector).screenshot(path=str(path))
    return path


def test_overview_ranking_draws_with_named_legend(
    session: tuple[Any, Watch], base_url: str
) -> None:
    page, watch = session
    page.goto(base_url + "/")
    wait_for_charts(page, timeout=60_000)
    chart = page.locator("#etr-ranking")
    legend = _texts(chart.locator(".legendtext"))
    assert legend == ["additional duty (excluding MFN)", "total (including MFN)"]
    ticks = _texts(chart.locator(".ytick text"))
    assert "Canada" in ticks
    assert "Mexico" in ticks
    assert "China" in ticks
    assert not any(len(t) == 3 and t.isupper() for t in ticks)  # names, not ISO codes
    assert chart.locator(".bartext").count() == 2 * len(ticks)  # every bar labelled
    _shot(page, "overview-ranking.png", "section[aria-labelledby=h-ranking]")
    _shot(page, "overview-cards.png", "section.cards")
    _clean(watch)


def test_rates_page_draws_a_third_partner(session: tuple[Any, Watch], base_url: str) -> None:
    page, watch = session
    page.goto(base_url + "/rates")
    page.select_option("#partner", "JPN")
    page.click("form.panel button[type=submit]")
    page.wait_for_selector("#h-JPN")
    wait_for_charts(page, timeout=60_000)
    assert page.inner_text("#h-JPN") == "Japan"
    assert page.locator("#series-JPN .main-svg").count() > 0
    page.screenshot(path=str(SHOTS / "rates-partner.png"), full_page=False)
    _clean(watch)


def test_explorer_map_colours_every_partner(session: tuple[Any, Watch], base_url: str) -> None:
    page, watch = session
    page.goto(base_url + "/explorer")
    # the shapes come from the packaged topojson, fetched after the chart is set up
    page.wait_for_function(
        "document.querySelectorAll('#rates-map .choroplethlocation').length > 150"
    )
    assert "2025-09-01" in page.inner_text("#h-rates-map")  # the library scenario's date
    page.fill("#as_of", "2026-03-01")
    page.dispatch_event("#as_of", "change")
    page.wait_for_function(
        "document.getElementById('h-rates-map')?.textContent.includes('2026-03-01')"
    )
    wait_for_charts(page, timeout=60_000)
    title = " ".join(_texts(page.locator("#rates-map .cbtitle text")))
    assert "statutory rate" in title
    _shot(page, "explorer-map.png", "#explorer-map")
    _clean(watch)


def test_overview_cards_show_partner_collected_estimates(
    session: tuple[Any, Watch], base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.e2e.test_collected_headlines import _with_parts
    from tradewinds.measures import collected

    month = max(collected.treasury())
    bt = _with_parts(month)
    monkeypatch.setattr(collected, "backtest_if_cached", lambda: bt)  # the server is in-process
    page, watch = session
    page.goto(base_url + "/")
    for code in ("CAN", "MEX"):
        line = page.locator(f"#etr-{code} p.collected")
        assert line.is_visible()
        text = " ".join(line.inner_text().split())
        assert f"collected estimate {month}: {bt.partner(code).estimate[-1]:.2%}" in text
        assert "not tested by partner" in text
    box = page.locator("#etr-CAN").bounding_box()
    assert box is not None
    assert box["width"] >= 200  # the card keeps its width with the extra line
    _shot(page, "overview-collected.png", "section.cards")
    page.goto(base_url + f"/rates?date={month}-01&partner=CHN")
    for code in ("CAN", "MEX", "CHN"):
        line = page.locator(f".collected-{code}")
        assert line.is_visible()
        assert f"{bt.partner(code).estimate[-1]:.2%}" in line.inner_text()
    _shot(page, "rates-collected.png", "div.columns")
    _clean(watch)
