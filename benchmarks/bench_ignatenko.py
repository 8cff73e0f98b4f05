"""Median time of one case-1 equilibrium of Ignatenko et al. (2025) on the 194 countries.

Usage: ``PYTHONPATH=src python benchmarks/bench_ignatenko.py [--repeat 30] [--data PATH]``.

Times the solve (Newton on 388 unknowns plus the outputs and the ``Equilibrium``) on an already
calibrated baseline, which is what a sweep or a best-response search repeats; the one-off
reading and calibration is timed separately. BLAS runs on one thread unless
``OPENBLAS_NUM_THREADS`` is set: on a shared two-core machine a second BLAS thread mostly waits
for the other core, and the 388 x 388 factorisation is too small to gain from it.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import resource
import statistics
import time
from pathlib import Path

from tradewinds.data.liberation_day import read_liberation_day
from tradewinds.replication.ignatenko2025 import default_data_folder, setup_case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data = read_liberation_day(args.data or default_data_folder())
    t1 = time.perf_counter()
    setup = setup_case("1", data)
    t2 = time.perf_counter()
    model, base, tariff, labels = setup.model, setup.base, setup.tariff, setup.labels
    eq = model.solve_arrays(base, tariff, labels)  # warm-up
    wall, cpu = [], []
    for _ in range(args.repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        eq = model.solve_arrays(base, tariff, labels)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    load = os.getloadavg()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"countries: {base.size}, unknowns: {2 * base.size}")
    print(f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}, load average: {load:.2f}")
    print(
        f"read data: {1e3 * (t1 - t0):.1f} ms, calibrate nu and build baseline: "
        f"{1e3 * (t2 - t1):.1f} ms"
    )
    print(f"solver: {eq.report.summary()}")
    print(
        f"case-1 equilibrium, median of {args.repeat}: {1e3 * statistics.median(wall):.2f} ms "
        f"wall (min {1e3 * min(wall):.2f}), {1e3 * statistics.median(cpu):.2f} ms CPU"
    )
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
