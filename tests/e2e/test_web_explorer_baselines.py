"""The explorer's baseline choice in a real browser (Debian chromium via Playwright).

Both bundled multi-sector tables can be chosen (``wiod2011`` and ``wiod2023``), the switch to
the multi-sector model keeps the one chosen, and a 2023 library scenario opens on its own
baseline even after another one was chosen for the scenario before it. Nothing is run: the
scenario the form builds (its YAML and summary) is what is checked. The screenshot goes to
``artifacts/screenshots/explorer-baseline.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.e2e.test_web_browser import LAPTOP, SHOTS, _browser_or_skip
from tests.e2e.web_server import guarded_page, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _browser_or_skip()
    with serve(tmp_path_factory.mktemp("explorer-baselines")) as url:
        yield url


def _built(page: Any, needle: str) -> dict[str, Any]:
    """The scenario in the YAML box, once the summary mentions ``needle``."""
    page.wait_for_function(
        "needle => document.getElementById('explorer-summary').textContent.includes(needle)",
        arg=needle,
    )
    built = yaml.safe_load(page.inner_text("#scenario-yaml"))
    assert isinstance(built, dict)
    return built


def test_explorer_offers_both_multi_sector_baselines(base_url: str) -> None:
    with guarded_page(LAPTOP) as (page, watch):
        page.goto(base_url + "/explorer")
        options = page.eval_on_selector_all("#baseline option", "els => els.map(e => e.value)")
        assert {"keep", "wiod2011", "wiod2023"} <= set(options)

        # the one-sector library scenario switched to the multi-sector model on wiod2023
        page.select_option("#baseline", "wiod2023")
        page.select_option("#model", "multi-sector")
        built = _built(page, "baseline wiod2023")
        assert built["baseline"] == "wiod2023"
        assert built["model"]["name"] == "multi-sector"
        assert "baseline wiod2023" in built["title"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#explorer-form").screenshot(path=str(SHOTS / "explorer-baseline.png"))

        # wiod2011 is still there to choose
        page.select_option("#baseline", "wiod2011")
        assert _built(page, "baseline wiod2011")["baseline"] == "wiod2011"

        # a 2023 library scenario opens on its own baseline, not the one chosen before
        page.select_option("#library", "measures-2025-09-01-wiod2023.yaml")
        assert page.input_value("#baseline") == "keep"
        built = _built(page, "baseline wiod2023")
        assert built["baseline"] == "wiod2023"
        assert watch.console_errors == [], watch.console_errors
