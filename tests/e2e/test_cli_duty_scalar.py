"""``tradewinds duty`` for one line: no heavy imports on a warm cache, the same JSON as before.

A single line is computed from the cached snapshot of :mod:`tradewinds.measures.single`; the
command must not import numpy, pandas, polars, pydantic or YAML once the user cache is warm (the
start-up target of issue 15), and its ``--format json`` output must be byte for byte what the
columnar engine gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tradewinds.measures import duty
from tradewinds.measures.registry import load_registry

pytestmark = pytest.mark.e2e

HEAVY = ("numpy", "pandas", "polars", "pydantic", "yaml", "xarray", "scipy")

CASES = [
    (
        "8703.23.0190",
        "MEX",
        "2025-06-01",
        ["--usmca", "--us-content", "0.4"],
        {"usmca": True, "us_content": 0.4},
    ),
    ("7208.10.1500", "CAN", "2025-07-01", [], {}),
    (
        "7326.90.8688",
        "CHN",
        "2026-04-06",
        ["--metal-content", "steel=0.1"],
        {"metal_content": {"steel": 0.1}},
    ),
    ("8471.30.0100", "CHN", "2026-09-01", [], {}),
]

SCRIPT = """
import sys
from tradewinds.cli.main import main
code = main(sys.argv[1:])
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def _duty(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRADEWINDS_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=HEAVY), "duty", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user cache filled by one first command (which builds the snapshot)."""
    folder = tmp_path_factory.mktemp("cache")
    first = _duty(
        ["--hts", "0101.21.0010", "--origin", "CAN", "--date", "2025-02-01", "--value", "1"],
        folder,
    )
    assert first.returncode == 0, first.stderr
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(("hts", "origin", "date", "flags", "options"), CASES)
def test_one_line_imports_nothing_heavy_and_prints_the_same_json(
    cache: Path, hts: str, origin: str, date: str, flags: list[str], options: dict[str, object]
) -> None:
    args = ["--hts", hts, "--origin", origin, "--date", date, "--value", "12500", *flags]
    args += ["--format", "json"]
    warm = _duty(args, cache)
    assert warm.returncode == 0, warm.stderr
    heavy = warm.stderr.strip().splitlines()[-1]
    assert heavy == "HEAVY=", f"a warm one-line duty imported {heavy.removeprefix('HEAVY=')}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the coverage warning of the last case
        want = duty._calculate_columnar(
            hts,
            origin,
            date,
            12500.0,
            importer="USA",
            usmca=bool(options.get("usmca", False)),
            us_content=options.get("us_content"),  # type: ignore[arg-type]
            metal_content=dict(options.get("metal_content") or {}),  # type: ignore[call-overload]
            quantity=None,
            unit=None,
            transshipped=False,
            registry=load_registry(),
            declared=dict.fromkeys(duty.DECLARATIONS, False),
        )
    assert warm.stdout == json.dumps(want.to_dict(), indent=2) + "\n"
    if date > "2026-08-07":
        assert "past the registry coverage date" in warm.stderr


@pytest.mark.slow
def test_table_output_imports_nothing_heavy(cache: Path) -> None:
    args = ["--hts", "7208.10.1500", "--origin", "CAN", "--date", "2025-07-01", "--value", "900"]
    warm = _duty(args, cache)
    assert warm.returncode == 0, warm.stderr
    assert "total US$ 450.00" in warm.stdout
    assert warm.stderr.strip().splitlines()[-1] == "HEAVY="
