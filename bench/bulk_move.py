"""The bulk_move scenario: a recruiter moves 500 applications of the big job one stage forward at once.

One request takes about a second, so wrk's many connections looping for a few
seconds do not fit: this is a timed series of requests, one after the other, each
`POST /api/v1/applications/bulk` naming 500 applications not named before. Before
each request (outside the timing) the earliest stage of the job's pipeline that
still holds 500 applications is chosen, and its 500 newest are moved to the next
stage: applied -> screening first (an email each), then screening -> phone_screen
(same category, no email) and so on. The newest, because the stage_move scenario
moves the company's oldest applied applications one by one (and its last requests
may still be running when this starts).

The statements of one more bulk are counted in-process (`python -m bench.bulk_move`,
run with the server's environment on the same database), through the app's own
test client, so the figure is the request's whole count.
"""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import clients, database

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/applications/bulk"


def next_bulk(db_url: str, job_id: int, size: int) -> dict | None:
    """The body of the next bulk: the earliest stage (before hired) still holding `size` applications."""
    ((stages,),) = database.query(db_url, "SELECT pipeline_stages FROM jobs WHERE id = :job", job=job_id)
    stages = json.loads(stages) if isinstance(stages, str) else stages
    for here, there in itertools.pairwise(stages):
        if there["category"] == "hired":
            break
        rows = database.query(
            db_url,
            "SELECT id FROM applications WHERE job_id = :job AND stage = :stage ORDER BY id DESC LIMIT :n",
            job=job_id,
            stage=here["key"],
            n=size,
        )
        if len(rows) == size:
            emails = here["category"] != there["category"]
            return {"action": "move", "ids": [row[0] for row in rows], "to": there["key"], "_from": here["key"],
                    "_emails": emails}  # fmt: skip
    return None


def series(base: str, db_url: str, job_id: int, token: str, *, requests: int, size: int) -> dict:
    """`requests` bulks of `size`, one after the other; the figures as bench/run.py reports them."""
    steps, errors = [], 0
    for _ in range(requests):
        body = next_bulk(db_url, job_id, size)
        if body is None:
            break
        step = {"from": body.pop("_from"), "to": body["to"], "emails": body.pop("_emails")}
        started = time.perf_counter()
        status, answer = clients.request(base, PATH, body=body, token=token)
        step["seconds"] = round(time.perf_counter() - started, 3)
        done = len(answer.get("succeeded", [])) if isinstance(answer, dict) else 0
        if status != 200 or done != size:
            errors += 1
            step["error"] = f"{status}: {done} of {size} moved"
        steps.append(step)
    seconds = [step["seconds"] for step in steps] or [0.0]
    total = sum(seconds)
    return {
        "requests": len(steps),
        "bulk_size": size,
        "rps": round(len(steps) / total, 2) if total else 0.0,
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p99_ms": round(1000 * max(seconds), 1),
        "mean_ms": round(1000 * statistics.fmean(seconds), 1),
        "min_ms": round(1000 * min(seconds), 1),
        "max_ms": round(1000 * max(seconds), 1),
        "seconds_per_bulk": round(statistics.fmean(seconds), 3),
        "seconds_per_bulk_with_emails": _mean([s["seconds"] for s in steps if s["emails"]]),
        "seconds_per_bulk_without_emails": _mean([s["seconds"] for s in steps if not s["emails"]]),
        "steps": steps,
        "status_errors": errors,
        "socket_errors": 0,
        "seconds": round(total, 1),
    }


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def count_statements(env: dict, db_url: str, job_id: int, recruiter_email: str, size: int) -> dict:
    """One more bulk, in-process with the server's settings: its statements and time."""
    body = next_bulk(db_url, job_id, size)
    if body is None:
        return {"error": f"no stage of job {job_id} holds {size} applications any more"}
    payload = json.dumps({"body": body, "email": recruiter_email})
    result = subprocess.run(
        [sys.executable, "-m", "bench.bulk_move"], input=payload, env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        return {"error": result.stderr[-2000:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    from sqlalchemy import event

    from app import create_app
    from app.api.auth import issue_tokens
    from app.extensions import db
    from app.models import User

    request = json.loads(sys.stdin.read())
    body = request["body"]
    step = {"from": body.pop("_from"), "to": body["to"], "emails": body.pop("_emails")}
    app = create_app()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == request["email"]))
        token = issue_tokens(user)["access_token"]
        db.session.commit()
        db.session.remove()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    started = time.perf_counter()
    response = client.post(PATH, json=body, headers={"Authorization": f"Bearer {token}"})
    seconds = time.perf_counter() - started
    answer = response.get_json()
    print(json.dumps({**step, "status": response.status_code, "succeeded": len(answer.get("succeeded", [])),
                      "statements": len(statements), "seconds": round(seconds, 3),
                      "kinds": [" ".join(sql.split()[:3]) for sql in statements]}))  # fmt: skip


if __name__ == "__main__":
    main()
