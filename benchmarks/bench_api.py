"""HTTP API on loopback: duty throughput and latency, alone and beside a Monte Carlo job.

Usage: ``python benchmarks/bench_api.py [--requests 2000] [--clients 8] [--draws 1000]``.

Starts ``tradewinds serve`` in a subprocess on a free loopback port with a temporary store and
drives it with ``--clients`` concurrent asyncio clients (bounded: ``--requests`` per phase).
Phases:

1. duty, *repeated lines*: ``POST /api/v1/duty`` bodies drawn from 64 shipment lines, so
   after the first pass the server answers from its cache of duty answers (the common case of
   a calculator page);
2. duty, *distinct lines*: every request a new line (HTS code imported from Canada or Mexico in
   2024, origin, date across the regime changes, value, claim, steel share), so every one is
   computed, as ``docs/api.md`` describes;
3. both again while a ``--draws`` Monte Carlo job of the default baseline runs;
4. ``/api/v1/health`` latency during the Monte Carlo;
5. a default-baseline scenario submitted and finished (median of 5, each a new scenario so the
   store cannot serve it).

Targets (issue 11): >= 300 req/s and p99 <= 50 ms on 2 cores; p99 <= 100 ms beside the
Monte Carlo; a default-baseline scenario in <= 1 s. The load average is printed with the
figures: this machine's 2 cores are shared. The duty phases alone also print the server
process's CPU time per request (from ``/proc``), which other work on the machine moves much
less than the wall-clock figures (the clients themselves run on the same cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
#: Origins and dates the distinct lines are drawn from (dates across the regime changes).
ORIGINS = ("CAN", "MEX", "CHN", "JPN", "DEU", "KOR", "VNM", "BRA", "IND", "GBR")
DATES = (*(f"2025-{m:02d}-15" for m in range(1, 13)), "2026-01-15", "2026-03-01")


def _codes() -> list[str]:
    """HTS10 codes actually imported from Canada and Mexico in 2024 (the packaged weights)."""
    from tradewinds.measures.etr import weight_columns
    from tradewinds.measures.products import hts_universe

    codes = sorted(set(weight_columns()["hts10"].tolist()))
    known = set(hts_universe().codes.tolist())
    return [c for c in codes if c in known]


CODES: list[str] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body(k: int, distinct: bool) -> dict[str, Any]:
    """The JSON shipment of request ``k``: ``distinct`` draws a new line for every request
    (code, origin, date, value, USMCA claim, declared steel share), otherwise one of 64 lines.

    Every line declares a steel share, so no article is refused for lacking its metal content;
    a claim is only made for a USMCA origin.
    """
    import random

    rng = random.Random(k if distinct else k % 64)
    origin = rng.choice(ORIGINS)
    return {
        "hts": rng.choice(CODES),
        "origin": origin,
        "date": rng.choice(DATES),
        "value": round(rng.uniform(100, 100_000), 2),
        "usmca": origin in ("CAN", "MEX") and rng.random() < 0.5,
        "metal_content": {"steel": rng.choice([0.0, 0.2, 0.6])},
    }


async def load(url: str, n: int, clients: int, distinct: bool, offset: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(n))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for k in counter:
            start = time.perf_counter()
            response = await client.post(f"{url}/api/v1/duty", json=body(offset + k, distinct))
            latencies.append(time.perf_counter() - start)
            errors += response.status_code != 200

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "req/s": n / wall,
        "p50 ms": 1000 * latencies[len(latencies) // 2],
        "p99 ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "errors": errors,
    }


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pid: int, n: int, run: Any) -> dict[str, float]:
    """Run one phase and add the server's CPU per request (robust to other load on the host)."""
    before = cpu_seconds(pid)
    row: dict[str, float] = asyncio.run(run)
    after = cpu_seconds(pid)
    if before is not None and after is not None:
        row["cpu ms"] = 1000 * (after - before) / n
    return row


def show(label: str, row: dict[str, float]) -> None:
    cpu = f"   server CPU {row['cpu ms']:5.2f} ms/req" if "cpu ms" in row else ""
    print(
        f"{label:<44} {row['req/s']:8.1f} req/s   p50 {row['p50 ms']:7.1f} ms   "
        f"p99 {row['p99 ms']:7.1f} ms   errors {int(row['errors'])}{cpu}"
    )


def wait_job(url: str, job_id: str, limit: float = 3600) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        state = httpx.get(f"{url}/api/v1/jobs/{job_id}", timeout=30).json()
        if state["state"] in {"done", "failed", "cancelled"}:
            return dict(state)
        time.sleep(0.02)
    raise SystemExit(f"job {job_id} did not finish in {limit} s")


def health_during(url: str, job_id: str, limit: int = 400) -> list[float]:
    out = []
    with httpx.Client(timeout=30) as client:
        for _ in range(limit):
            if client.get(f"{url}/api/v1/jobs/{job_id}").json()["state"] != "running":
                break
            start = time.perf_counter()
            client.get(f"{url}/api/v1/health")
            out.append(time.perf_counter() - start)
            time.sleep(0.05)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument(
        "--duty-only", action="store_true", help="Time the two duty phases only (no Monte Carlo)."
    )
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="Source folder the server runs (before/after).",
    )
    args = parser.parse_args()
    CODES.extend(_codes())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    scenario = (ROOT / "scenarios" / "announced-2025-02.yaml").read_text()
    with tempfile.TemporaryDirectory() as store:
        server = subprocess.Popen(
            [sys.executable, "-m", "tradewinds", "serve", "--port", str(port), "--store", store],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(args.src)},
        )
        try:
            for _ in range(300):
                try:
                    httpx.get(f"{url}/api/v1/health", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            print(f"load average before: {os.getloadavg()}")
            asyncio.run(load(url, 64, args.clients, False, 0))  # warm-up (fills the cache)
            n, c = args.requests, args.clients
            pid = server.pid
            show("duty, repeated lines", measured(pid, n, load(url, n, c, False, 0)))
            show("duty, distinct lines", measured(pid, n // 4, load(url, n // 4, c, True, 10**6)))
            if args.duty_only:
                return

            job = httpx.post(
                f"{url}/api/v1/scenarios/run",
                json={"scenario": scenario, "draws": args.draws},
                timeout=30,
            ).json()["job_id"]
            time.sleep(1.0)  # let the job start
            show(
                f"duty, repeated, beside {args.draws}-draw MC",
                asyncio.run(load(url, n, c, False, 0)),
            )
            show(
                f"duty, distinct, beside {args.draws}-draw MC",
                asyncio.run(load(url, n // 4, c, True, 2 * 10**6)),
            )
            health = sorted(health_during(url, job))
            if health:
                print(
                    f"/api/v1/health during the MC: median "
                    f"{1000 * statistics.median(health):.1f} ms, "
                    f"max {1000 * health[-1]:.1f} ms ({len(health)} probes)"
                )
            start = time.perf_counter()
            state = wait_job(url, job)
            print(f"MC job {state['state']} ({time.perf_counter() - start:.1f} s after the probes)")

            times = []
            for k in range(5):
                data = {**yaml.safe_load(scenario), "title": f"bench {k} {time.time()}"}
                start = time.perf_counter()
                response = httpx.post(
                    f"{url}/api/v1/scenarios/run", json={"scenario": data}, timeout=30
                )
                state = wait_job(url, response.json()["job_id"])
                times.append(time.perf_counter() - start)
                assert state["state"] == "done", state
            print(
                f"default-baseline scenario submitted -> done: median "
                f"{statistics.median(times):.3f} s (runs: {', '.join(f'{t:.3f}' for t in times)})"
            )
            print(f"load average after: {os.getloadavg()}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
