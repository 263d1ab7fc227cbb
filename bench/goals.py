"""The peer-style comparison: single-object operations of a typical ATS API against their goals.

Each goal scenario gets its requests/s, its ratio to the bare-Flask ceiling, the app's and
the database's CPU per request, and whether it meets both its CPU and its ratio goal. The app's
CPU is also given as a multiple of the ceiling's CPU per request in the same run ("x ceiling
CPU"): the machine's speed moves both alike, so that figure compares runs of different days. The
bulk move is a timed series of requests one after the other (bench/bulk_move.py): it is
read per item, its items/s against the ceiling's requests/s and its CPU divided by the
items of a request.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    scenario: str
    kind: str  # what it stands for: one object, a page of 20, a write
    app_cpu_ms: float  # at most, per request (per item for a bulk)
    ratio: float  # at least, of the ceiling's requests/s


READ_ONE, READ_PAGE, WRITE = "read one object", "read a page of 20", "write"
GOALS = (
    Goal("application_read", READ_ONE, 3.0, 0.25),
    Goal("job_read_staff", READ_ONE, 3.0, 0.25),
    Goal("pipeline", READ_PAGE, 3.0, 0.4),
    Goal("apply", WRITE, 6.0, 0.2),
    Goal("stage_move", WRITE, 6.0, 0.2),
    Goal("note_add", WRITE, 6.0, 0.2),
    Goal("bulk_move", f"{WRITE}, per item", 6.0, 0.2),
)


def _per_unit(row: dict) -> dict:
    """req/s, CPU and errors per request, or per item for a series of bulk requests."""
    items = (row.get("bulk_size") or 1) if row["kind"] == "series" else 1
    app, db = row.get("app_cpu_ms"), row.get("db_cpu_ms")
    figures = {
        "unit": f"item ({items} a request)" if items > 1 else "request",
        "rps": round(row["rps"] * items, 1),
        "app_cpu_ms": round(app / items, 3) if app is not None else None,
        "db_cpu_ms": round(db / items, 3) if db is not None else None,
        "errors": row.get("status_errors", 0) + row.get("socket_errors", 0),
    }
    if app is None and "seconds_per_bulk" in row:
        figures["seconds_per_item"] = round(row["seconds_per_bulk"] / items, 4)
    return figures


def _verdict(goal: Goal, figures: dict) -> str:
    missed = []
    if figures["app_cpu_ms"] is None:
        missed.append("app CPU not measured")
    elif figures["app_cpu_ms"] > goal.app_cpu_ms:
        missed.append("app CPU")
    if figures["ratio"] < goal.ratio:
        missed.append("x ceiling")
    if figures["errors"]:
        missed.append("errors")
    return "met" if not missed else f"not met ({', '.join(missed)})"


def evaluate(results: dict) -> list[dict]:
    """One row per goal: the measured figures on the large data set, or why there are none."""
    ceiling = results["ceiling"]["rps"]
    ceiling_cpu = results["ceiling"].get("app_cpu_ms")
    rows = {row["name"]: row for row in results["scenarios"] if row["dataset"] == "large"}
    evaluated = []
    for goal in GOALS:
        entry = {"scenario": goal.scenario, "kind": goal.kind,
                 "goal": f"app CPU <= {goal.app_cpu_ms:g} ms, >= {goal.ratio:g}x ceiling"}  # fmt: skip
        row = rows.get(goal.scenario)
        if row is None:
            entry["verdict"] = "not run"
        elif "rps" not in row:
            entry["verdict"] = f"unavailable: {row.get('unavailable')}"
        else:
            figures = _per_unit(row)
            figures["ratio"] = round(figures["rps"] / ceiling, 3) if ceiling else 0.0
            app = figures["app_cpu_ms"]
            figures["cpu_multiple"] = round(app / ceiling_cpu, 1) if app is not None and ceiling_cpu else None
            entry.update(figures, verdict=_verdict(goal, figures))
        evaluated.append(entry)
    return evaluated


def markdown(evaluated: list[dict]) -> list[str]:
    lines = [
        "| goal scenario | kind | per | req/s (bulk: items/s) | x ceiling | app CPU ms | x ceiling CPU | DB CPU ms "
        "| errors | goal | met |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for e in evaluated:
        if "rps" not in e:
            lines.append(
                f"| {e['scenario']} | {e['kind']} | - | - | - | - | - | - | - | {e['goal']} | {e['verdict']} |"
            )
            continue
        app = e["app_cpu_ms"] if e["app_cpu_ms"] is not None else f"- ({e.get('seconds_per_item')} s per item)"
        db = e["db_cpu_ms"] if e["db_cpu_ms"] is not None else "-"
        multiple = e["cpu_multiple"] if e.get("cpu_multiple") is not None else "-"
        verdict = e["verdict"] if e["verdict"] == "met" else f"**{e['verdict']}**"
        lines.append(
            f"| {e['scenario']} | {e['kind']} | {e['unit']} | {e['rps']:.0f} | {e['ratio']:.2f} | {app} | {multiple} | "
            f"{db} | {e['errors']} | {e['goal']} | {verdict} |"
        )
    return lines
