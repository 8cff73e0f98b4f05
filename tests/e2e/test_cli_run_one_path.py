"""``tradewinds run`` prints the same whether it solved on arrays, the runner, or the store.

:func:`tradewinds.scenarios.execute.execute` solves a one-sector scenario on a bundled baseline
on its cached arrays, without xarray and pandas, and serves a store hit from the store's index.
Each case runs the command twice in process, once as it is and once with the array solve and
the index switched off, and compares the output (only the solver's elapsed milliseconds may
differ).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tradewinds.cli.main import main
from tradewinds.scenarios import execute as run_path
from tradewinds.store import index as store_index

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def _output(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; the solver's milliseconds differ between runs, and stderr
    is compared unwrapped (its line breaks move with the length of that number)."""
    code = main(args)
    out, err = capsys.readouterr()
    return (
        code,
        re.sub(r"[0-9.]+ ms\b", "X ms", out),
        re.sub(r"[0-9.]+ ms\b", "X ms", " ".join(err.split())),
    )


def _both(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    fast = _output(capsys, args)
    with monkeypatch.context() as m:
        m.setattr(run_path, "_on_arrays", lambda *a, **k: False)
        m.setattr(run_path, "bundled_identity", lambda *a, **k: None)
        m.setattr(store_index, "current_runs", lambda *a, **k: None)
        full = _output(capsys, args)
    return fast, full


@pytest.mark.parametrize(
    ("name", "options", "columns"),
    [
        ("announced-2025-02", [], "80"),
        ("announced-2025-02", ["--sort", "country", "--all"], "200"),
        ("camx-trade-costs-minus-10", ["--sort", "welfare_pct", "--wide"], "80"),
        ("threat-separate-deal-mexico", ["--baseline", "ld2023-regions"], "100"),
        ("measures-2025-09-01", [], "100"),
    ],
)
def test_array_solve_prints_what_the_runner_prints(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    options: list[str],
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    args = ["run", str(SCENARIOS / f"{name}.yaml"), "--no-store", *options]
    fast, full = _both(capsys, monkeypatch, args)
    assert fast == full
    assert fast[0] == 0
    assert "CAN" in fast[1]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "model: {name: one-sector}\nshocks:\n  tariffs:\n"
            "    - {importer: USA, exporter: MEXX, rate: 0.25}\n",
            2,
            "Did you mean 'MEX'",
        ),
        ("model: {name: one-sector, eps: 1.0e-300}\n", 4, "holds NaN or infinite values"),
        (
            "model: {name: one-sector}\nshocks:\n  tariffs:\n"
            "    - {importer: USA, exporter: CAN, add: -5}\n",
            2,
            "shocks.tariffs.0: the change makes a tariff negative",
        ),
    ],
)
def test_array_solve_errors_as_the_runner_does(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    code: int,
    message: str,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: t\nbaseline: default\n" + text)
    fast, full = _both(capsys, monkeypatch, ["run", str(bad), "--no-store"])
    assert fast == full
    assert fast[0] == code
    assert message in " ".join(fast[2].split())


@pytest.mark.parametrize("name", ["announced-2025-02", "measures-2025-09-01"])
def test_a_store_hit_from_the_index_prints_what_the_duckdb_hit_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Explicit shocks and shocks from the measure registry (the README's first command)."""
    monkeypatch.setenv("COLUMNS", "120")
    args = ["run", str(SCENARIOS / f"{name}.yaml"), "--store", str(tmp_path)]
    first = _output(capsys, args)
    assert "(recorded;" in first[1]
    fast, full = _both(capsys, monkeypatch, args)
    assert fast == full
    assert "(served from the store;" in fast[1]


def _runs(args: list[str], heavy: tuple[str, ...], env: dict[str, str], times: int) -> list[str]:
    """Output of ``times`` runs of the CLI in fresh processes, each ending with a line that
    lists the ``heavy`` modules it imported."""
    code = (
        "import sys\nfrom tradewinds.cli.main import main\n"
        f"main({args!r})\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    return [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(times)
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["announced-2025-02", "measures-2025-09-01"])
def test_run_without_store_imports_neither_xarray_nor_pandas(tmp_path: Path, name: str) -> None:
    """Explicit shocks and the registry's (whose rates per region the user cache keeps)."""
    env = {**os.environ, "TRADEWINDS_CACHE": str(tmp_path / "cache")}
    args = ["run", str(SCENARIOS / f"{name}.yaml"), "--no-store"]
    # the first run fills the caches of the baseline's arrays and rates
    out = _runs(args, ("xarray", "pandas", "duckdb"), env, 2)[-1]
    assert "welfare" in out
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["announced-2025-02", "measures-2025-09-01"])
def test_a_store_hit_imports_no_numpy(tmp_path: Path, name: str) -> None:
    """A hit reads the baseline's identity and the store's index: no numpy, pandas or DuckDB.

    Nor pydantic, YAML or the package metadata: the scenario's identity comes from the user
    cache as plain data, the version from a constant.
    """
    env = {
        **os.environ,
        "TRADEWINDS_CACHE": str(tmp_path / "cache"),
        "TRADEWINDS_STORE": str(tmp_path / "store"),
    }
    # the first solves and records; the second is served and caches the baseline's identity
    # (built once from the baseline's arrays); the third is served from that cache
    heavy = ("numpy", "xarray", "pandas", "duckdb", "pydantic", "yaml", "importlib.metadata")
    runs = _runs(["run", str(SCENARIOS / f"{name}.yaml")], heavy, env, 3)
    assert "(recorded;" in runs[0]
    assert "(served from the store;" in runs[1]
    assert runs[2].splitlines()[:-1] == runs[1].splitlines()[:-1]  # the same table
    assert runs[2].strip().splitlines()[-1] == "[]"
