"""Targets and the results files (JSON and a Markdown table)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import goals

# (scenario, measure, goal) - see bench/README.md.
RATIO_TARGETS = {"search": 0.5, "pipeline": 0.4, "pipeline_deep": 0.4, "stage_move": 0.2}
P99_READ_MS = 50.0
SCALE_FACTOR = 1.5
SCALE_SCENARIOS = ("pipeline", "pipeline_board", "dashboard")


def evaluate(results: dict) -> list[dict]:
    """Each target with its measured value and whether it is met."""
    ceiling = results["ceiling"]["rps"]
    large = {s["name"]: s for s in results["scenarios"] if s["dataset"] == "large" and "rps" in s}
    small = {s["name"]: s for s in results["scenarios"] if s["dataset"] == "small" and "rps" in s}
    targets = []
    for name, goal in RATIO_TARGETS.items():
        if name in large:
            ratio = large[name]["rps"] / ceiling
            targets.append(_target(f"{name}: req/s vs ceiling", f">= {goal}x", f"{ratio:.2f}x", ratio >= goal))
    for name, row in large.items():
        if row["kind"] == "read":
            targets.append(
                _target(f"{name}: p99", f"<= {P99_READ_MS:.0f} ms", f"{row['p99_ms']} ms", row["p99_ms"] <= P99_READ_MS)
            )
    for name in SCALE_SCENARIOS:
        if name in large and name in small:
            factor = large[name]["p50_ms"] / small[name]["p50_ms"]
            targets.append(
                _target(f"{name}: p50 at 200k / at 2k", f"<= {SCALE_FACTOR}x", f"{factor:.2f}x", factor <= SCALE_FACTOR)
            )
    mail = results.get("mail") or {}
    if "1" in mail:
        one = mail["1"]["msgs_per_s"]
        targets.append(_target("mail: 1 worker", ">= 100 messages/s", f"{one} /s", one >= 100))
    if "1" in mail and "2" in mail and mail["1"]["msgs_per_s"]:
        factor = mail["2"]["msgs_per_s"] / mail["1"]["msgs_per_s"]
        targets.append(_target("mail: 2 workers / 1 worker", ">= 1.7x", f"{factor:.2f}x", factor >= 1.7))
    return targets


def _target(what: str, goal: str, value: str, met: bool) -> dict:
    return {"target": what, "goal": goal, "value": value, "met": met}


def markdown(results: dict) -> str:
    s = results["settings"]
    lines = [
        f"# Benchmark results ({results['finished_at']})",
        "",
        f"{s['cores']} cores, gunicorn {s['workers']} x {s['worker_class']}"
        + (f" ({s['threads']} threads)" if s["threads"] > 1 else "")
        + f", wrk {s['connections']} connections / {s['wrk_threads']} threads, {s['seconds']} s per scenario. "
        f"Load average before: {results['machine']['load_before']}, after: {results['machine']['load_after']}.",
        "",
        "| scenario | data | req/s | p50 ms | p99 ms | x ceiling | CPU ms/req app + db | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    c = results["ceiling"]
    errors = c["status_errors"] + c["socket_errors"]
    lines.append(
        f"| ceiling: bare Flask, 20-item JSON (mean of before/after, spread {c['spread']:.0%}) | - | "
        f"{c['rps']:.0f} | {c['p50_ms']} | {c['p99_ms']} | 1.00 | {c['app_cpu_ms']} | {errors} |"
    )
    series = [row for row in results["scenarios"] if row["kind"] == "series" and "rps" in row]
    for row in results["scenarios"]:
        data = results["datasets"][row["dataset"]]
        if row in series:
            continue
        if "rps" not in row:
            lines.append(f"| {row['title']} | {data} | - | - | - | - | - | unavailable: {row['unavailable']} |")
            continue
        lines.append(
            f"| {row['title']} | {data} | {row['rps']:.0f} | {row['p50_ms']} | {row['p99_ms']} | "
            f"{row['rps'] / c['rps']:.2f} | {row['app_cpu_ms']} + {row.get('db_cpu_ms', '-')} | "
            f"{row['status_errors'] + row['socket_errors']} |"
        )
    if series:
        lines += [
            "",
            "| timed series (one request after the other) | data | requests | s per request: mean (min / max) "
            "| with emails / without | CPU ms/request app + db | statements | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in series:
            extra = row.get("in_process") or {}
            lines.append(
                f"| {row['title']} | {results['datasets'][row['dataset']]} | {row['requests']} | "
                f"{row['seconds_per_bulk']} ({row['min_ms'] / 1000:.3f} / {row['max_ms'] / 1000:.3f}) | "
                f"{row.get('seconds_per_bulk_with_emails')} / {row.get('seconds_per_bulk_without_emails')} | "
                f"{row['app_cpu_ms']} + {row.get('db_cpu_ms', '-')} | {extra.get('statements', '-')} | "
                f"{row['status_errors']} |"
            )
    mail = results.get("mail") or {}
    if mail:
        lines += [
            "",
            "| mail delivery to a local SMTP server (bench/mail_throughput.py) | messages | seconds | messages/s |",
            "|---|---:|---:|---:|",
        ]
        for workers, row in sorted(mail.items()):
            lines.append(f"| {workers} worker(s) | {row['delivered']} | {row['seconds']} | {row['msgs_per_s']} |")
    lines += ["", "Goals (peer-style comparison, see bench/README.md):", "", *goals.markdown(results["goals"])]
    lines += ["", "| target | goal | measured | met |", "|---|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['goal']} | {t['value']} | {'yes' if t['met'] else '**no**'} |")
    seed = results.get("seed") or {}
    if seed:
        lines += ["", f"Seed: {seed}"]
    return "\n".join(lines) + "\n"


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    results["targets"] = evaluate(results)
    results["goals"] = goals.evaluate(results)
    json_path, md_path = directory / "latest.json", directory / "latest.md"
    json_path.write_text(json.dumps(results, indent=2))
    md_path.write_text(markdown(results))
    return json_path, md_path
