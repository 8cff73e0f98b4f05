# ruff: noqa: E501  (one case per line keeps the tables readable)
"""Security faults of issue 22: cross-site reads, tokens, the docs page, the pickle cache.

HTTP cases use FastAPI's TestClient; the cross-site and ``/docs`` cases also run in Debian's
headless Chromium (Playwright with ``executable_path``, as ``test_web_browser.py``): a page
served from another origin embeds an ``<img>`` and a ``fetch`` of a loopback download, and the
server must refuse both; ``/docs`` must list the API's operations (a screenshot goes to
``artifacts/screenshots/docs.png``).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import pickle
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tradewinds.api.security import Settings
from tradewinds.server import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
TOKEN = "a-very-secret-token-0123"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(scenario_dir=ROOT / "scenarios")))


# -- cross-site requests --------------------------------------------------------------------

RATES = "/rates.csv?country=CAN&from=2025-03-01&to=2025-03-05"
CROSS = [
    ("img from another site", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image"}),
    ("fetch from another port", {"sec-fetch-site": "same-site", "sec-fetch-mode": "cors", "origin": "http://127.0.0.1:1"}),
    ("old browser, foreign Origin", {"origin": "https://evil.example"}),
    ("iframe from another site", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "headers"), CROSS, ids=[c[0] for c in CROSS])
def test_cross_site_reads_refused(client: TestClient, case: str, headers: dict[str, str]) -> None:
    for path in (RATES, "/api/v1/etr/series?country=CAN", "/api/v1/measures"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, (case, path, response.text)
        body = response.json()
        assert body["error"] == "CrossSiteError"
        assert "another web site" in body["message"]


def test_cross_site_writes_refused(client: TestClient) -> None:
    headers = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "origin": "null"}
    for path in ("/explorer/build", "/api/v1/scenarios/run"):
        response = client.post(path, json={"scenario": "title: x"}, headers=headers)
        assert response.status_code == 403, path


OWN = [
    ("same origin", {"sec-fetch-site": "same-origin", "origin": "http://testserver"}),
    ("typed in the address bar", {"sec-fetch-site": "none", "sec-fetch-mode": "navigate"}),
    ("link followed from elsewhere", {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}),
    ("not a browser", {}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "headers"), OWN, ids=[c[0] for c in OWN])
def test_own_pages_and_clients_still_served(
    client: TestClient, case: str, headers: dict[str, str]
) -> None:
    response = client.get(RATES, headers=headers)
    assert response.status_code == 200, (case, response.text)


def test_cors_origin_let_in() -> None:
    allowed = TestClient(create_app(Settings(cors=("https://partner.example",))))
    headers = {"sec-fetch-site": "cross-site", "origin": "https://partner.example"}
    assert allowed.get("/api/v1/measures", headers=headers).status_code == 200
    headers["origin"] = "https://other.example"
    assert allowed.get("/api/v1/measures", headers=headers).status_code == 403


def test_health_always_answers(client: TestClient) -> None:
    headers = {"sec-fetch-site": "cross-site", "origin": "https://evil.example"}
    assert client.get("/api/v1/health", headers=headers).status_code == 200


# -- token -------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["Bearer é-non-ascii", "Bearer \u2603" * 3, "Bearer "])
def test_non_ascii_bearer_is_401_not_500(given: str) -> None:
    guarded = TestClient(create_app(Settings(token=TOKEN, private=True)))
    response = guarded.get("/api/v1/measures", headers={"Authorization": given.encode()})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "AuthError"


def test_docs_and_schema_need_the_token_when_reads_do() -> None:
    guarded = TestClient(create_app(Settings(token=TOKEN, private=True)))
    for path in ("/docs", "/openapi.json"):
        assert guarded.get(path).status_code == 401, path
        ok = guarded.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200, path
    assert guarded.get("/api/v1/health").status_code == 200


def test_docs_and_schema_open_on_an_open_loopback_server(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    page = client.get("/docs").text
    assert "/docs/assets/swagger-ui-bundle.js" in page
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert "3.1" in bundle.text  # Swagger UI 5 knows OpenAPI 3.1


# -- the united-front view's body --------------------------------------------------------------

BODIES = [
    {"records": [{"country": "CAN"}]},
    {"records": [{"country": "CAN", "partner": "CAN=deal", "metric": "welfare_pct", "value": 1}]},
    {"records": [{"country": "CAN", "partner": "CAN=deal;MEX=deal", "metric": "welfare_pct", "value": "lots"}]},
    {"records": [{"country": 1, "partner": None, "metric": None, "value": None}]},
]  # fmt: skip


@pytest.mark.parametrize("body", BODIES)
def test_united_front_view_malformed_bodies(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/strategy/united-front/view", json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert "records" in response.json()["message"]


# -- the pickle cache ---------------------------------------------------------------------------


class _Planted:
    """Unpickling this object writes a marker file: proof that planted code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (Path(self.marker).write_text, ("ran",))


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRADEWINDS_CACHE", str(folder))
    return folder


def test_planted_pickle_in_a_shared_folder_never_runs(
    cache_folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from tradewinds.core.cache import cached

    calls: list[int] = []
    sources = [tmp_path / "src.txt"]
    sources[0].write_text("x")
    assert cached("probe", sources, lambda: calls.append(1) or 41) == 41  # type: ignore[func-returns-value]
    path = next(cache_folder.glob("probe-*.pickle"))
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps(_Planted(str(marker))))
    cache_folder.chmod(0o777)  # a folder others may write to
    assert cached("probe", sources, lambda: 42) == 42
    assert not marker.exists(), "a pickle in a world-writable cache folder was loaded"
    assert "writable by other users" in caplog.text
    cache_folder.chmod(0o700)
    path.chmod(0o666)  # the folder is ours, the file is writable by anyone
    assert cached("probe", sources, lambda: 43) == 43
    assert not marker.exists()


def test_wrong_type_pickle_is_rebuilt_not_an_error(cache_folder: Path, tmp_path: Path) -> None:
    from tradewinds.core.cache import cached

    sources = [tmp_path / "src.txt"]
    sources[0].write_text("x")
    assert cached("probe", sources, lambda: {"a": 1}) == {"a": 1}
    path = next(cache_folder.glob("probe-*.pickle"))
    path.write_bytes(pickle.dumps(["not", "a", "dict"]))
    assert cached("probe", sources, lambda: {"a": 2}) == {"a": 2}
    assert cached("probe", sources, lambda: {"a": 3}) == {"a": 2}  # the rebuilt record is used


def test_wrong_type_registry_pickle_cli(cache_folder: Path, tmp_path: Path) -> None:
    """The CLI end to end: a string planted as the registry's cache file changes nothing."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from tradewinds.cli.main import main

    def measures() -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = main(["measures", "list", "--as-of", "2025-09-01", "--target", "CAN"])
        return code, out.getvalue()

    code, first = measures()
    assert code == 0
    for path in cache_folder.glob("*.pickle"):
        path.write_bytes(pickle.dumps("a string, not a registry"))
    code, again = measures()
    assert code == 0, again
    assert again == first


# -- in Chromium ---------------------------------------------------------------------------------


def _chromium() -> Any:
    from tests.e2e.web_server import CHROMIUM

    if not CHROMIUM.exists():
        if os.environ.get("TRADEWINDS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"TRADEWINDS_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def _other_site(html: str) -> Iterator[str]:
    """A page served from another origin (``localhost`` on another port)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/page.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _chromium()
    from tests.e2e.web_server import serve

    with serve(tmp_path_factory.mktemp("security-store")) as url:
        yield url


@pytest.fixture(scope="module")
def browser(live: str) -> Iterator[Any]:
    sync_api = _chromium()
    from tests.e2e.web_server import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.slow
def test_chromium_cross_site_img_and_fetch_refused(
    browser: Any, live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's requests reach the server (Chromium sends them) and no series is computed."""
    import tradewinds.measures.etr as etr

    computed: list[str] = []
    original = etr.series

    def counted(*args: Any, **kwargs: Any) -> Any:
        computed.append(str(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(etr, "series", counted)
    target = f"{live}{RATES}"
    html = (
        f'<img id="i" src="{target}&via=img">'
        f"<script>fetch('{target}&via=fetch', {{mode: 'no-cors'}})"
        ".then(() => document.title = 'fetched', () => document.title = 'failed');</script>"
    )
    sent: list[str] = []
    statuses: dict[str, int] = {}

    def via(url: str) -> str | None:
        return url.rsplit("via=", 1)[1] if "via=" in url else None

    page = browser.new_page()
    page.on("request", lambda r: sent.append(via(r.url)) if via(r.url) else None)
    page.on("response", lambda r: statuses.update({via(r.url): r.status}) if via(r.url) else None)
    with _other_site(html) as url:
        page.goto(url)
        page.wait_for_function("() => document.title !== ''", timeout=15_000)
        page.wait_for_function("() => document.getElementById('i').complete", timeout=15_000)
        page.wait_for_timeout(500)
    page.close()
    assert sorted(sent) == ["fetch", "img"], sent
    assert computed == [], "a page of another site made the server compute a series"
    # Chromium reports a status where it exposes the response (it may withhold the image's)
    assert statuses, "no response seen"
    assert all(status == 403 for status in statuses.values()), statuses
    # the dashboard's own requests are same-origin and still served
    own = browser.new_page()
    # The page's first load computes every partner's rates: seconds on a quiet machine, more than
    # Playwright's default 30 s when the other test worker and other jobs share the two cores.
    own.goto(f"{live}/rates", timeout=120_000)
    answer = own.evaluate(f"fetch('{RATES}').then(r => r.status)")
    own.close()
    assert answer == 200
    assert computed, "the dashboard's own download computed nothing"


@pytest.mark.slow
def test_chromium_docs_page_renders_the_operations(browser: Any, live: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    operations = page.locator(".opblock").count()
    text = page.inner_text("body")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docs.png"))
    page.close()
    assert "Unable to render" not in text
    assert operations >= 20, operations
    assert "/api/v1/duty" in text
    assert not errors, errors
