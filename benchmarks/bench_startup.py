"""Start-up of everyday commands, as a ratio to ``python -c "import numpy"`` in the same run.

Usage: ``python benchmarks/bench_startup.py [--repeat 7]`` (with the package installed, so that
the ``tradewinds`` entry point is the one users run). Each command is a fresh subprocess; the table
gives the median wall time of ``--repeat`` runs, the ratio to the numpy import and the target of
issue 15. The store rows use a temporary store: the first ``run`` fills it (not timed), the timed
runs are then served from it. The registry and HTS caches (user cache directory) are warmed by one
untimed call first, as a user's second command would find them.

The package's bytecode is compiled first (``compileall``), as ``pip install`` does and as an
editable checkout does on its first import, unless ``PYTHONDONTWRITEBYTECODE`` is set (it is on
the shared development machine): otherwise every timed run would compile each tradewinds module
from source again, which no user's command does, while numpy's bytecode is installed.
``--no-compile`` times the sources as they are.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "announced-2025-02.yaml"
#: The README's first command: the measures in force on a date, from the registry.
README = ROOT / "scenarios" / "measures-2025-09-01.yaml"
QUIET: dict[str, Any] = {"capture_output": True, "check": False}


def _tradewinds() -> list[str]:
    exe = Path(sys.executable).with_name("tradewinds")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("tradewinds")
    return [found] if found else [sys.executable, "-m", "tradewinds"]


def _time(cmd: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float] | None:
    """Median wall and CPU (user + system) seconds of ``cmd``, or None if it fails.

    On a shared machine the wall time includes waiting for a core; the CPU time does not, so
    the table shows both.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            print(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-300:]}")
            return None
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--no-compile", action="store_true", help="Do not compile the package's bytecode first."
    )
    args = parser.parse_args()
    tw = _tradewinds()
    if not args.no_compile:
        _compile_package()
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
            ("README run --no-store (tariffs_as_of)", [*tw, "run", str(README), "--no-store"], 3.0),
        ]
        # fill the store, untimed
        subprocess.run([*tw, *duty], env=env, **QUIET)
        subprocess.run([*tw, "run", str(SCENARIO)], env=env, **QUIET)
        subprocess.run([*tw, "run", str(README)], env=env, **QUIET)
        # warm the user caches (registry, HTS table, baseline) untimed, as a second command would
        subprocess.run([*tw, "etr", "--country", "CAN", "--date", "2025-06-01"], env=env, **QUIET)
        rows: list[tuple[str, tuple[float, float] | None, float | None]] = []
        for label, cmd, target in cases:
            rows.append((label, _time(cmd, args.repeat, env), target))
        served = _time([*tw, "run", str(SCENARIO)], args.repeat, env)
        readme = _time([*tw, "run", str(README)], args.repeat, env)
    rows.append(("tradewinds run (served from store)", served, None))
    rows.append(("README run (served from store)", readme, 2.0))
    numpy_wall, numpy_cpu = rows[0][1] or (float("nan"), float("nan"))
    print(f"python {sys.version.split()[0]}, {args.repeat} runs each, load average {_load()}")
    print(f"{'command':<38} {'wall s':>7} {'x numpy':>8} {'CPU s':>7} {'x numpy':>8} {'target':>8}")
    for label, measured, target in rows:
        goal = f"<= {target:g}x" if target is not None else ""
        if label == "tradewinds run (served from store)":
            goal = "<= solve"
        if measured is None:
            print(f"{label:<38} {'fails':>7}")
            continue
        wall, cpu = measured
        print(
            f"{label:<38} {wall:>7.3f} {wall / numpy_wall:>8.2f} {cpu:>7.3f} "
            f"{cpu / numpy_cpu:>8.2f} {goal:>8}"
        )


def _compile_package() -> None:
    """Compile the bytecode of the ``tradewinds`` package the timed commands import."""
    import compileall

    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, tradewinds; print(os.path.dirname(tradewinds.__file__))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    compileall.compile_dir(where, quiet=1)
    print(f"compiled the bytecode of {where}")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


if __name__ == "__main__":
    main()
