"""Start-up of everyday commands, as a ratio to ``python -c "import numpy"`` in the same run.

Usage: ``python benchmarks/bench_startup.py [--repeat 7]`` (with the package installed, so that
the ``tradewinds`` entry point is the one users run). Each command is a fresh subprocess; the table
gives the median wall time of ``--repeat`` runs, the ratio to the numpy import and the target of
issue 15. The store rows use a temporary store: the first ``run`` fills it (not timed), the timed
runs are then served from it. The registry and HTS caches (user cache directory) are warmed by one
untimed call first, as a user's second command would find them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"


def _tradewinds() -> list[str]:
    exe = Path(sys.executable).with_name("tradewinds")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("tradewinds")
    return [found] if found else [sys.executable, "-m", "tradewinds"]


def _time(cmd: list[str], repeat: int, env: dict[str, str]) -> float | None:
    """Median wall time of ``cmd``, or None if it fails (reported as such in the table)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            print(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-300:]}")
            return None
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tw = _tradewinds()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        env = {**os.environ, "TRADEWINDS_STORE": str(store)}
        duty = [
            *("duty", "--hts", "8703.23.0190", "--origin", "MEX", "--date", "2025-06-01"),
            *("--value", "30000", "--usmca", "--us-content", "0.4"),
        ]
        cases: list[tuple[str, list[str], float | None]] = [
            ('python -c "import numpy"', [sys.executable, "-c", "import numpy"], None),
            ("tradewinds --help", [*tw, "--help"], 1.5),
            ("tradewinds --version", [*tw, "--version"], 1.5),
            ("tradewinds duty (one line)", [*tw, *duty], 2.0),
            (
                "tradewinds etr --date D",
                [*tw, "etr", "--country", "CAN", "--date", "2025-06-01"],
                2.5,
            ),
            ("tradewinds run --no-store (default)", [*tw, "run", str(SCENARIO), "--no-store"], 5.0),
        ]
        # warm the user caches (registry, HTS table) and fill the store, untimed
        subprocess.run([*tw, *duty], capture_output=True, env=env, check=False)
        subprocess.run([*tw, "run", str(SCENARIO)], capture_output=True, env=env, check=False)
        rows: list[tuple[str, float | None, float | None]] = []
        for label, cmd, target in cases:
            rows.append((label, _time(cmd, args.repeat, env), target))
        served = _time([*tw, "run", str(SCENARIO)], args.repeat, env)
    numpy_s = rows[0][1] or float("nan")
    solve_s = rows[-1][1] or float("nan")
    rows.append(("tradewinds run (served from store)", served, None))
    print(f"python {sys.version.split()[0]}, {args.repeat} runs each, load average {_load()}")
    print(f"{'command':<40} {'median s':>9} {'x numpy':>8} {'target':>8}")
    for label, seconds, target in rows:
        goal = f"<= {target:g}x" if target is not None else ""
        if label.startswith("tradewinds run (served"):
            goal = f"<= {solve_s:.2f}s"
        if seconds is None:
            print(f"{label:<40} {'fails':>9} {'':>8} {goal:>8}")
        else:
            print(f"{label:<40} {seconds:>9.3f} {seconds / numpy_s:>8.2f} {goal:>8}")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


if __name__ == "__main__":
    main()
