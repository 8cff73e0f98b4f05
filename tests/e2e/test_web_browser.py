"""The dashboard in a real browser: Debian's headless chromium driven by Playwright.

Every page loads with no console error and no request leaving the machine; the duty form's
rendered total equals the API's; a library scenario run as a job from the explorer shows the
welfare the store recorded for CAN, MEX and USA; the world map draws from the packaged
geometry. Screenshots of every page (laptop and phone width) go to ``artifacts/screenshots``.

Without ``/usr/bin/chromium`` the tests skip, unless ``TRADEWINDS_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.web_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGES,
    Watch,
    guard,
    serve,
    wait_for_charts,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _browser_or_skip() -> None:
    required = os.environ.get("TRADEWINDS_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if required:
            pytest.fail(f"TRADEWINDS_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("TRADEWINDS_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _browser_or_skip()
    with serve(tmp_path_factory.mktemp("web-store")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def session(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport=LAPTOP)
    watch = Watch()
    guard(context, watch)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(120_000)  # a first load may compute the page's data
    yield page, watch
    context.close()


def _clean(watch: Watch) -> None:
    assert watch.blocked == [], f"requests left the machine: {watch.blocked}"
    assert watch.console_errors == [], f"console errors: {watch.console_errors}"


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:  # loopback only
        return json.loads(response.read())


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_every_page_loads_offline_without_console_errors(
    browser: Any, base_url: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    watch = Watch()
    guard(context, watch)
    page = context.new_page()
    # A first load of a page may compute its data (every partner's rates): allow for the other
    # test worker and other jobs sharing the cores; what a page shows is checked below.
    page.set_default_navigation_timeout(120_000)
    # A page with an outside link or script would show up in watch.blocked; prove the guard
    # works by asking for one deliberately, then forget it.
    page.goto(base_url + "/")
    page.evaluate("fetch('http://192.0.2.1/probe').catch(() => null)")
    page.wait_for_timeout(200)
    assert any("192.0.2.1" in u for u in watch.blocked)
    watch.blocked.clear()
    watch.console_errors.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    tag = "" if viewport == LAPTOP else "-phone"
    for name, path in PAGES:
        response = page.goto(base_url + path)
        assert response is not None
        assert response.status == 200, path
        wait_for_charts(page)
        assert page.title().endswith("tradewinds")
        assert page.locator("h1").count() == 1
        # every form control has a label
        unlabelled = page.evaluate(
            "() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, "
            "textarea')).filter(el => !(el.labels && el.labels.length) && "
            "!el.getAttribute('aria-label')).map(el => el.id || el.name)"
        )
        assert unlabelled == [], f"{path}: controls without a label {unlabelled}"
        # full pages at laptop width; the first screen at phone width (cheaper, and what a
        # phone shows first)
        page.screenshot(path=str(SHOTS / f"{name}{tag}.png"), full_page=viewport == LAPTOP)
    _clean(watch)
    if viewport == PHONE:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, "the phone layout scrolls sideways"
    context.close()


def test_duty_form_total_equals_the_api(session: tuple[Any, Watch], base_url: str) -> None:
    page, watch = session
    page.goto(base_url + "/calculator")
    page.fill("#hts", "motor cars spark-ignition")
    first = page.locator("#hts-results li button").first
    first.wait_for()
    assert first.locator(".code").inner_text().startswith("8703")
    page.fill("#hts", "8703.23.0190")
    page.select_option("#origin", "MEX")
    page.fill("#date", "2025-05-01")
    page.fill("#value", "30000")
    page.check("#usmca")
    page.fill("#us_content", "0.4")
    page.click("#duty-form button[type=submit]")
    page.wait_for_selector("#total-duty")
    wait_for_charts(page)
    shown = float(page.get_attribute("#total-duty", "data-value") or "nan")
    api = _get_json(
        base_url + "/api/v1/duty?hts=8703.23.0190&origin=MEX&date=2025-05-01&value=30000"
        "&usmca=true&us_content=0.4"
    )
    assert shown == pytest.approx(api["total_duty"], abs=0.005)
    assert api["total_duty"] == pytest.approx(4500.0)  # 25% on the 60% non-US value
    rows = page.locator("#layers tbody tr").count()
    assert rows == len(api["layers"])
    assert "9903.94" in page.inner_text("#layers")  # the Chapter 99 heading of s232 autos
    page.screenshot(path=str(SHOTS / "calculator-result.png"), full_page=True)
    _clean(watch)


def test_explorer_run_shows_the_stored_welfare_and_map(
    session: tuple[Any, Watch], base_url: str
) -> None:
    page, watch = session
    page.goto(base_url + "/explorer")
    page.wait_for_function("document.getElementById('scenario-yaml').textContent.length > 0")
    page.select_option("#library", "announced-2025-02.yaml")
    page.wait_for_function(
        "document.getElementById('scenario-yaml').textContent.includes('February 2025')"
    )
    page.click("#run-button")
    page.wait_for_selector(".run-view", timeout=180_000)
    assert page.inner_text("#explorer-job .status").startswith("done")
    wait_for_charts(page)
    run_id = page.get_attribute(".run-view", "data-run-id")
    stored = _get_json(f"{base_url}/api/v1/runs/{run_id}/results")
    records = stored["records"] if isinstance(stored, dict) else stored
    welfare = {
        r["country"]: r["value"]
        for r in records
        if r["metric"] == "welfare_pct" and not r["partner"] and r["sector"] == "TOTAL"
    }
    for country in ("CAN", "MEX", "USA"):
        cell = page.locator(f'#headline tr[data-country="{country}"] td[data-metric="welfare_pct"]')
        assert float(cell.get_attribute("data-sort") or "nan") == pytest.approx(
            welfare[country], rel=1e-12
        )
        assert cell.inner_text() == f"{welfare[country]:+.3f}"
    # the map drew country shapes from the packaged topojson, fetched from this server
    shapes = page.locator(".run-view .choroplethlocation").count()
    assert shapes > 150
    page.screenshot(path=str(SHOTS / "explorer-result.png"), full_page=True)
    page.goto(f"{base_url}/runs/{run_id}")
    wait_for_charts(page)
    assert page.locator(".choroplethlocation").count() > 150
    page.screenshot(path=str(SHOTS / "run.png"), full_page=True)
    _clean(watch)


def test_strategy_game_and_curve(session: tuple[Any, Watch], base_url: str) -> None:
    page, watch = session
    page.goto(base_url + "/strategy")
    page.click("#uf-form button[type=submit]")
    page.wait_for_selector("#uf-equilibria", timeout=180_000)
    assert page.locator("table.payoff").count() == 3
    assert page.locator("table.payoff td.eq").count() >= 1
    page.select_option("#curve-country", "CAN")
    page.click("#curve-form button[type=submit]")
    page.wait_for_selector("#curve-optimum", timeout=120_000)
    assert page.inner_text("#curve-job .status").startswith("done")
    job_id = page.get_attribute("#curve-job", "data-job-id")
    job = _get_json(f"{base_url}/api/v1/jobs/{job_id}")
    assert job["kind"] == "optimal-curve"
    assert job["state"] == "done"
    result = _get_json(f"{base_url}/api/v1/jobs/{job_id}/result")
    optimum = next(r["value"] for r in result["records"] if r["metric"] == "optimal_tariff")
    assert page.inner_text("#curve-optimum") == f"{100 * optimum:.2f}%"
    wait_for_charts(page)
    page.screenshot(path=str(SHOTS / "strategy-result.png"), full_page=True)
    _clean(watch)


def test_explorer_takes_an_uploaded_scenario(
    session: tuple[Any, Watch], base_url: str, tmp_path: Path
) -> None:
    page, watch = session
    page.goto(base_url + "/explorer")
    page.wait_for_function("document.getElementById('scenario-yaml').textContent.length > 0")
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "title: My uploaded test scenario\nbaseline: default\n"
        "shocks:\n  tariffs:\n    - {importer: USA, exporter: CAN, rate: 0.1}\n",
        encoding="utf-8",
    )
    page.set_input_files("#upload", str(mine))
    page.wait_for_function(
        "document.getElementById('scenario-yaml').textContent.includes('My uploaded test')"
    )
    assert page.input_value("#library") == ""
    page.fill("#camx", "-5")
    page.dispatch_event("#camx", "change")
    page.wait_for_function(
        "document.getElementById('explorer-summary').textContent.includes('-5%')"
    )
    assert "between:" in page.inner_text("#scenario-yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nshocks: {nope: 1}\n", encoding="utf-8")
    page.set_input_files("#upload", str(bad))
    page.wait_for_function("document.getElementById('explorer-error').textContent.length > 0")
    assert "unknown key" in page.inner_text("#explorer-error")
    watch.console_errors = [e for e in watch.console_errors if "422" not in e]
    _clean(watch)


def test_explorer_cancel_ends_the_job(session: tuple[Any, Watch], base_url: str) -> None:
    """A long Monte Carlo started from the explorer is cancelled by its button."""
    page, watch = session
    page.goto(base_url + "/explorer")
    page.wait_for_function("document.getElementById('scenario-yaml').textContent.length > 0")
    page.fill("#draws", "1000")
    page.click("#run-button")
    # running, with some draws done: the cancel button then has a job to stop
    page.wait_for_function(
        "document.querySelector('#explorer-job .status').textContent.startsWith('running')",
        timeout=60_000,
    )
    job_id = page.get_attribute("#explorer-job", "data-job-id")
    assert _get_json(f"{base_url}/api/v1/jobs/{job_id}")["state"] == "running"
    cancel = page.locator("#explorer-job .cancel")
    assert cancel.is_visible()
    cancel.click()
    page.wait_for_function(
        "document.querySelector('#explorer-job .status').textContent.startsWith('cancelled')",
        timeout=30_000,
    )
    job = _get_json(f"{base_url}/api/v1/jobs/{job_id}")
    assert job["state"] == "cancelled"
    assert job["progress"]["done"] < 1000
    assert job["run_id"] is None
    assert "nothing was recorded" in page.inner_text("#explorer-job .status")
    assert not cancel.is_visible()
    assert page.locator(".run-view").count() == 0
    _clean(watch)
