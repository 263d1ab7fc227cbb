"""Run wrk with a scenario's requests and read its summary line."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
WRK = os.environ.get("WRK", "/usr/bin/wrk")


def run_wrk(
    base: str,
    lines: list[str],
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    header: str = "",
    timeout: int = 10,
) -> dict:
    """`lines` are "path<TAB>body<TAB>authorization"; returns rps and latencies in ms."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as data:
        data.write("\n".join(lines) + "\n")
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(SCENARIOS),
        "BENCH_DATA": data.name,
        "BENCH_THREADS": str(threads),
        "BENCH_HEADER": header,
    }
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "--latency"]
    command += ["-s", str(SCENARIOS / "rotate.lua"), base]
    try:
        output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(data.name)
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCH_JSON "))
    raw = json.loads(line[len("BENCH_JSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "mean_ms": round(raw["mean_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "status_errors": raw["status_errors"],
        "socket_errors": raw["socket_errors"],
        "seconds": round(seconds_run, 1),
    }
