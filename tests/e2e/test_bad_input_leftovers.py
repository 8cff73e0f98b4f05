"""Bad input found and left alone last stop: each gives one clear message, said once.

- A scenario field whose own check names the field (``tariffs_only``) is located once
  (``shocks.tariffs_only: ...``), not twice (``shocks.tariffs_only: tariffs_only: ...``).
- A FIFO (or device, socket) in a folder a command reads (``replicate --data``, ``serve
  --scenarios``, ``scenarios list --dir``) is refused by name instead of hanging the read.
- A request whose ``Host`` is not one of the server's names (``evil.example``, a DNS-rebinding
  page) is refused with 400.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tradewinds.cli.main import main

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, capsys: Any, scenario: dict[str, Any]) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    assert main(["run", str(path), "--no-store"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("shocks", "said"),
    [
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": ["USA"]},
            "shocks.tariffs_only: USA imposes the tariffs",
        ),
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": ["CAN", "CAN"]},
            "shocks.tariffs_only lists an exporter twice",
        ),
        (
            {"tariffs_as_of": "2025-09-01", "tariffs_only": []},
            "shocks.tariffs_only (tariffs_as_of.only) is empty",
        ),
        (
            {"trade_costs": [{"between": ["CAN", "MEX"], "change": -1.5}]},
            "would make trade costs non-positive",
        ),
    ],
)
def test_a_scenario_field_is_named_once(
    shocks: dict[str, Any], said: str, tmp_path: Path, capsys: Any
) -> None:
    err = _run(tmp_path, capsys, {"title": "t", "shocks": shocks})
    assert said in err
    for field in ("tariffs_only", "change"):
        # the field's name never stands twice in a row ("x: x ...", "x.x", "x: x:")
        assert not re.search(rf"\b{field}\b[:.]? {field}\b", err), err
    assert err.count("error:") == 1


# -- special files in folders ----------------------------------------------------------------
#
# A FIFO in a folder a command reads would block the read forever; the commands below give one
# error naming it instead. The replicate cases run in a subprocess with a timeout, so that a
# regression fails instead of hanging the suite.


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "tradewinds", *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"tradewinds {' '.join(args)} hung on a FIFO in its folder")


def _folder_with_fifo(root: Path, files: tuple[str, ...], fifo: str) -> Path:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("a,b\n1,2\n", encoding="utf-8")
    (root / fifo).parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / fifo)
    return root


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "files", "fifo"),
    [
        # the FIFO at the top of --data: refused before anything is read
        (
            "ignatenko2025",
            ("country_labels.csv", "trade_cepii.csv", "gdp.csv", "tariffs.csv"),
            "ids.txt",
        ),
        # the FIFO in the csv/ folder that --data leads to: refused by the loader
        ("cp2015-nafta", ("csv/regions.csv",), "csv/trade.csv"),
    ],
)
def test_replicate_refuses_a_fifo_in_its_data_folder(
    command: str, files: tuple[str, ...], fifo: str, tmp_path: Path
) -> None:
    data = _folder_with_fifo(tmp_path / "data", files, fifo)
    done = _cli(["replicate", command, "--data", str(data)], tmp_path)
    assert done.returncode == 2, done.stderr
    err = " ".join(done.stderr.split())
    assert f"{str(data / fifo)!r} is a named pipe (FIFO)" in err
    assert "Traceback" not in err
    assert err.count("error:") == 1


def test_serve_refuses_a_fifo_in_its_scenario_folder(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    folder = _folder_with_fifo(tmp_path / "library", (), "stuck.yaml")
    assert main(["serve", "--scenarios", str(folder), "--no-warm"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "stuck.yaml' is a named pipe (FIFO)" in err
    assert served == []  # refused before the server starts


@pytest.mark.parametrize("kind", ["missing", "file", "fifo"])
def test_serve_refuses_a_scenario_folder_that_is_none(
    kind: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a folder: an error, not the repository's library served in its place."""
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    path = tmp_path / "library"
    if kind == "file":
        path.write_text("title: t\n", encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    assert main(["serve", "--scenarios", str(path), "--no-warm"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert str(path) in err
    assert "does not exist" in err if kind == "missing" else "is not a folder" in err
    assert served == []


def test_scenarios_list_refuses_a_fifo_in_its_folder(tmp_path: Path, capsys: Any) -> None:
    folder = _folder_with_fifo(tmp_path / "library", (), "stuck.yaml")
    assert main(["scenarios", "list", "--dir", str(folder)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "stuck.yaml' is a named pipe (FIFO)" in err


# -- the Host header (DNS rebinding) ---------------------------------------------------------


def _client(**settings: Any) -> Any:
    from fastapi.testclient import TestClient

    from tradewinds.api.security import Settings
    from tradewinds.server import create_app

    return TestClient(create_app(Settings(**settings)))


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/measures", "/"])
def test_a_foreign_host_is_refused(path: str) -> None:
    """A page of evil.example whose name now points at 127.0.0.1 gets nothing."""
    client = _client()
    answer = client.get(path, headers={"Host": "evil.example"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "HostNotAllowedError"
    assert "'evil.example'" in body["message"]
    assert "--allowed-host" in body["message"]
    # the same request for the server's own names passes
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST", "localhost."):
        assert client.get("/api/v1/health", headers={"Host": host}).status_code == 200, host


def test_allowed_hosts_extend_the_list() -> None:
    token = "t" * 20
    client = _client(host="0.0.0.0", token=token, allowed_hosts=("tradewinds.example.org",))
    auth = {"Authorization": f"Bearer {token}"}
    for host, status in (
        ("tradewinds.example.org", 200),
        ("tradewinds.example.org:443", 200),
        ("10.1.2.3:8000", 200),  # a bind to every interface answers for its addresses
        ("evil.example", 400),
    ):
        got = client.get("/api/v1/health", headers={"Host": host, **auth}).status_code
        assert got == status, host
    anyone = _client(allowed_hosts=("*",))
    assert anyone.get("/api/v1/health", headers={"Host": "evil.example"}).status_code == 200
    bound = _client(host="192.168.1.5", token=token)
    assert bound.get("/api/v1/health", headers={"Host": "192.168.1.5:8000"}).status_code == 200
    assert bound.get("/api/v1/health", headers={"Host": "10.1.2.3"}).status_code == 400


def test_serve_takes_allowed_hosts_from_option_and_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    import uvicorn

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    monkeypatch.setenv("TRADEWINDS_ALLOWED_HOSTS", "a.example, b.example")
    assert main(["serve", "--no-warm", "--allowed-host", "c.example"]) == 0
    assert served[0].state.settings.allowed_hosts == ("a.example", "b.example", "c.example")
    served.clear()
    assert main(["serve", "--no-warm", "--allowed-host", "evil.example/../x"]) == 2
    assert "is not a host name" in capsys.readouterr().err
    assert served == []


@pytest.mark.slow
def test_a_foreign_host_is_refused_by_the_running_server(tmp_path: Path) -> None:
    """Over a real socket, as a rebound browser would send it."""
    import http.client
    from urllib.parse import urlsplit

    from tests.e2e.web_server import serve

    with serve(tmp_path) as url:
        parts = urlsplit(url)
        for host, status in (("evil.example", 400), (parts.netloc, 200)):
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
            conn.putrequest("GET", "/api/v1/health", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            assert conn.getresponse().status == status, host
            conn.close()


@pytest.mark.slow
def test_a_fifo_in_the_store_folder_is_refused_or_left_unread(tmp_path: Path) -> None:
    """The store folder (``--store``): a FIFO database is refused; a FIFO index (a cache) is
    left unread and replaced by the next write. Neither hangs."""
    store = _folder_with_fifo(tmp_path / "store", (), "results.duckdb")
    done = _cli(["results", "list", "--store", str(store)], tmp_path)
    assert done.returncode != 0
    err = " ".join(done.stderr.split())
    assert "results.duckdb' is a folder or special file" in err
    assert "Traceback" not in err

    store = _folder_with_fifo(tmp_path / "store2", (), "results.index.json")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        yaml.safe_dump(
            {
                "title": "t",
                "shocks": {"tariffs": [{"importer": "USA", "exporter": "CAN", "rate": 0.1}]},
            }
        ),
        encoding="utf-8",
    )
    done = _cli(["run", str(scenario), "--store", str(store)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (store / "results.index.json").is_file()  # the FIFO gave way to the written index
    done = _cli(["results", "list", "--store", str(store)], tmp_path)
    assert done.returncode == 0, done.stderr
