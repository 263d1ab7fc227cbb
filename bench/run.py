"""`make bench`: the app under gunicorn on PostgreSQL and Redis, loaded by wrk.

    python -m bench.run            # everything (seeds the first time)
    BENCH_SECONDS=5 python -m bench.run --only search,pipeline

See bench/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import cpu, database, report, scenarios
from bench.load import run_wrk
from bench.server import Server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def settings() -> dict:
    cores = os.cpu_count() or 1
    return {
        "cores": cores,
        "workers": int(_env("BENCH_WORKERS", str(cores))),  # one sync worker per core; see bench/README.md
        "worker_class": _env("BENCH_WORKER_CLASS", "sync"),
        "threads": int(_env("BENCH_THREADS", "1")),
        "connections": int(_env("BENCH_CONNECTIONS", "16")),
        "wrk_threads": int(_env("BENCH_WRK_THREADS", "2")),
        "seconds": int(_env("BENCH_SECONDS", "12")),
        "warmup_seconds": int(_env("BENCH_WARMUP_SECONDS", "2")),
        "applications": int(_env("BENCH_APPLICATIONS", "200000")),
        "small_applications": int(_env("BENCH_SMALL_APPLICATIONS", "2000")),
        "database_server": _env("BENCH_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"),
        "database": _env("BENCH_DATABASE", "ats_bench"),
        "redis_url": _env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "port": int(_env("BENCH_PORT", "8800")),
        "mail_messages": int(_env("BENCH_MAIL_MESSAGES", "1000")),
    }


def server_env(s: dict, instance: Path, database_name: str, prefix: str) -> dict:
    """Production settings with throw-away strong secrets; rate limits off for the load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_", "REDIS_", "SECRET_"))}
    env.update(
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
        WEBHOOK_SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database.database_url(s["database_server"], database_name),
        REDIS_URL=s["redis_url"],
        REDIS_KEY_PREFIX=prefix,
        RATELIMIT_ENABLED="false",
        INSTANCE_PATH=str(instance),
        UPLOAD_DIR=str(instance / "uploads"),
        BENCH_WORKERS=str(s["workers"]),
        BENCH_WORKER_CLASS=s["worker_class"],
        BENCH_THREADS=str(s["threads"]),
    )
    return env


def measure(
    base: str, scenario: scenarios.Scenario, s: dict, dataset: str, server: Server, db_url: str | None = None
) -> dict:
    row = {"name": scenario.name, "title": scenario.title, "kind": scenario.kind, "dataset": dataset}
    if scenario.unavailable:
        row["unavailable"] = scenario.unavailable
        print(f"  {scenario.name:<16} unavailable: {scenario.unavailable}", flush=True)
        return row
    if scenario.kind == "read" and s["warmup_seconds"]:
        run_wrk(base, scenario.lines, seconds=s["warmup_seconds"], connections=s["connections"],
                threads=s["wrk_threads"], header=scenario.header)  # fmt: skip
    load_before = os.getloadavg()[0]
    app_before = cpu.tree_seconds(server.process.pid)
    db_before = {pid: cpu.pids_seconds([pid]) for pid in cpu.backend_pids(db_url)} if db_url else {}
    if scenario.run is not None:
        row.update(scenario.run())
    else:
        row.update(run_wrk(base, scenario.lines, seconds=s["seconds"], connections=s["connections"],
                           threads=s["wrk_threads"], header=scenario.header))  # fmt: skip
    requests = max(row["requests"], 1)
    row["app_cpu_ms"] = round(1000 * (cpu.tree_seconds(server.process.pid) - app_before) / requests, 2)
    if db_url:
        after = {pid: cpu.pids_seconds([pid]) for pid in cpu.backend_pids(db_url)}
        row["db_cpu_ms"] = round(1000 * sum(v - db_before.get(pid, 0.0) for pid, v in after.items()) / requests, 2)
    row["load_before"] = round(load_before, 2)
    if scenario.kind == "series":
        extra = row.get("in_process") or {}
        print(
            f"  {scenario.name:<16} {row['requests']} x {row.get('bulk_size')}: {row['seconds_per_bulk']} s per bulk"
            f" (min {row['min_ms']} ms, max {row['max_ms']} ms)  cpu/bulk app {row['app_cpu_ms']} ms"
            f" db {row.get('db_cpu_ms', '-')} ms  statements {extra.get('statements', extra.get('error'))}"
            f"  errors {row['status_errors']}",
            flush=True,
        )
        return row
    print(
        f"  {scenario.name:<16} {row['rps']:8.1f} req/s  p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms"
        f"  cpu/req app {row['app_cpu_ms']} ms db {row.get('db_cpu_ms', '-')} ms"
        f"  errors {row['status_errors'] + row['socket_errors']}",
        flush=True,
    )
    return row


def ceiling(s: dict) -> dict:
    """The bare-Flask page under the same gunicorn settings."""
    env = {**os.environ, "BENCH_WORKERS": str(s["workers"]), "BENCH_WORKER_CLASS": s["worker_class"],
           "BENCH_THREADS": str(s["threads"])}  # fmt: skip
    with Server("ceiling_app:app", env, s["port"] + 1, chdir=ROOT / "bench") as server:
        page = scenarios.Scenario("ceiling", "Bare Flask, 20-item JSON page", "read", ["/\t\t"])
        return measure(server.base, page, s, "none", server)


def _mean_ceiling(before: dict, after: dict) -> dict:
    """Measured before and after the scenarios; their mean is the yardstick, their spread the noise."""
    mean = {k: round((before[k] + after[k]) / 2, 2) for k in ("rps", "p50_ms", "p99_ms", "app_cpu_ms")}
    mean.update(status_errors=before["status_errors"] + after["status_errors"],
                socket_errors=before["socket_errors"] + after["socket_errors"],
                spread=round(abs(before["rps"] - after["rps"]) / max(mean["rps"], 1), 3))  # fmt: skip
    return mean


def mail_throughput(s: dict) -> dict:
    """One worker, then two, on a scratch PostgreSQL database: bench/mail_throughput.py does the work."""
    import json
    import subprocess
    import sys

    command = [sys.executable, str(ROOT / "bench" / "mail_throughput.py"), "--postgres", s["database_server"],
               "--redis", s["redis_url"], "--messages", str(s["mail_messages"]), "--workers", "1", "2"]  # fmt: skip
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    results = {}
    for line in output.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            results[str(row["workers"])] = row
            print(f"  mail x{row['workers']}          {row['msgs_per_s']:8.1f} messages/s", flush=True)
    return results


def _script_rows(s: dict, script: str, *args: str) -> list[dict]:
    """Run bench/<script> against the bench's PostgreSQL server; the JSON lines it prints."""
    import json
    import subprocess
    import sys

    command = [sys.executable, str(ROOT / "bench" / script), "--postgres", s["database_server"], *args]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def candidate_search(s: dict) -> list:
    """p50/p99 of 1- and 3-word searches over 200,000 candidates: bench/candidate_search.py does the work."""
    rows = _script_rows(s, "candidate_search.py", "--candidates", str(s["applications"]))
    for row in rows:
        print(f"  candidate search {row['query']}  p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms", flush=True)
    return rows


def candidate_import(s: dict) -> list:
    """Seconds and rows/s to import a 10,000-row CSV in the worker: bench/candidate_import.py does the work."""
    rows = _script_rows(s, "candidate_import.py", "--rows", "10000")
    for row in rows:
        print(f"  candidate import {row['rows']} rows  {row['seconds']} s  {row['rows_per_s']} rows/s", flush=True)
    return rows


def retention_run(s: dict) -> list:
    """The daily retention run over the large data set, ~20,000 candidates due: bench/retention_run.py."""
    rows = _script_rows(s, "retention_run.py", "--applications", str(s["applications"]))
    for row in rows:
        print(f"  retention run {row['anonymised']} candidates  {row['seconds']} s  "
              f"batch p99 {row['batch'].get('p99_ms')} ms  site read p99 {row['site_read'].get('p99_ms')} ms",
              flush=True)  # fmt: skip
    return rows


def _cleanup_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    stem = prefix.replace(":", "-")  # how the mail queue names its RQ jobs
    patterns = (f"{prefix}*", f"rq:*{prefix}*", f"rq:*{stem}*")
    keys = [k for pattern in patterns for k in client.scan_iter(match=pattern, count=1000)]
    if keys:
        client.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--skip-small", action="store_true", help="skip the 2k comparison data set")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    s = settings()
    if not shutil.which(os.environ.get("WRK", "/usr/bin/wrk")):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    prefix = f"ats-bench-{secrets.token_hex(4)}:"
    workdir = Path(tempfile.mkdtemp(prefix="ats-bench-"))
    seed_env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "DATABASE_", "REDIS_"))}
    seed_env.update(APP_ENV="development", INSTANCE_PATH=str(workdir), REDIS_URL="", MAIL_BACKEND="file")
    summary_dir = ROOT / "instance"
    summary_dir.mkdir(exist_ok=True)
    results = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": s,
        "machine": {"load_before": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()},
        "datasets": {"large": f"{s['applications'] // 1000}k", "small": f"{s['small_applications'] // 1000}k"},
        "scenarios": [],
    }
    try:
        results["ceiling_before"] = ceiling(s)
        datasets = [("large", s["database"], s["applications"], scenarios.for_large)]
        if not args.skip_small:
            datasets.append(("small", f"{s['database']}_small", s["small_applications"], scenarios.for_small))
        for dataset, name, size, build in datasets:
            started = time.monotonic()
            summary = database.prepare(s["database_server"], name, size, seed_env, summary_dir)
            if dataset == "large":
                results["seed"] = {
                    "applications": summary["applications"],
                    "stage_changes": summary["stage_changes"],
                    "seed_seconds": summary["seconds"],
                    "seed_wall_seconds": summary.get("seed_wall_seconds"),
                }
            print(f"{dataset}: {name} ready in {time.monotonic() - started:.1f} s", flush=True)
            env = server_env(s, workdir, name, prefix)
            with Server("run:app", env, s["port"], probe="/healthz") as server:
                ctx = scenarios.Context(server.base, summary, database.database_url(s["database_server"], name), env)
                for scenario in build(ctx):
                    if only and scenario.name not in only:
                        continue
                    results["scenarios"].append(measure(server.base, scenario, s, dataset, server, ctx.db_url))
        if not only or "mail" in only:
            results["mail"] = mail_throughput(s)
        if not only or "candidate_search" in only:
            results["candidate_search"] = candidate_search(s)
        if not only or "candidate_import" in only:
            results["candidate_import"] = candidate_import(s)
        if not only or "retention_run" in only:
            results["retention_run"] = retention_run(s)
        results["ceiling_after"] = ceiling(s)
    finally:
        _cleanup_redis(s["redis_url"], prefix)
        shutil.rmtree(workdir, ignore_errors=True)
    results["ceiling"] = _mean_ceiling(results["ceiling_before"], results["ceiling_after"])
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    json_path, md_path = report.write(results, RESULTS)
    print(md_path.read_text())
    print(f"Results: {json_path} and {md_path}")


if __name__ == "__main__":
    main()
