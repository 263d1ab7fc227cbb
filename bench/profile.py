"""Where one request's time goes: a scenario's requests in-process, under cProfile.

    python -m bench.profile application_read              # CPU ms per request, then the profile
    python -m bench.profile stage_move --requests 300 --top 40 --sort cumulative
    python -m bench.profile all                           # the CPU table of every scenario, no profile

Production settings on `ats_profile`, a fresh copy of the seeded `ats_bench_seed` (run `make bench`
once first), Redis under a key prefix of its own (deleted after). Requests go through Flask's test
client, so no HTTP parsing or socket is counted; the `bare` row is a bare Flask JSON endpoint through
the same client, the floor of this harness. Each scenario is timed without the profiler (CPU of this
process and of the database backend, per request), then profiled; the profile's self time is summed by
package ("where the time goes") before the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench import cpu, database
from bench.run import server_env, settings

PROFILE_DATABASE = "ats_profile"
NOTE = {"body": "Spoke with the candidate: available from March, keen on the role."}
MOVE = {"to": "screening", "note": "Moved by the profile."}
APPLY = {"cover_letter": "Dear hiring team, I would love to join you.", "consent": True}

# Self time grouped by where the code lives: the first matching fragment of the file's path names it.
PACKAGES = [
    ("/app/", "app (this project)"),
    ("/sqlalchemy/", "sqlalchemy"),
    ("/psycopg", "psycopg (driver, round trips)"),
    ("/redis/", "redis client (round trips)"),
    ("/jwt/", "PyJWT"),
    ("/flask_jwt_extended/", "flask-jwt-extended"),
    ("/marshmallow/", "marshmallow"),
    ("/werkzeug/", "werkzeug"),
    ("/flask/", "flask"),
    ("/flask_sqlalchemy/", "flask-sqlalchemy"),
    ("/flask_login/", "flask-login"),
    ("/flask_limiter/", "flask-limiter"),
    ("/limits/", "flask-limiter"),
    ("/jinja2/", "jinja2"),
    ("/transitions/", "transitions"),
    ("/rq/", "rq"),
    ("/prometheus_client/", "prometheus client"),
    ("/json/", "json"),
    ("/logging/", "logging"),
    ("/cryptography/", "cryptography"),
    ("/hmac.py", "hashlib/hmac"),
    ("/base64.py", "base64"),
]


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    filename = "/" + filename.lstrip("/")  # py-spy names files from the package down
    for fragment, name in PACKAGES:
        if fragment in filename:
            return name
    return "other python"


def _in_turn(values: list, count: int) -> list:
    return [values[n % len(values)] for n in range(count)]


class Harness:
    """The app on the profile database, a recruiter's token and the scenarios' requests."""

    def __init__(self) -> None:
        s = settings()
        self.server = s["database_server"]
        seeded = Path(__file__).resolve().parent.parent / "instance" / "ats_bench_seed.json"
        if not seeded.exists():
            raise SystemExit("No seeded bench database: run `make bench` once first.")
        self.summary = json.loads(seeded.read_text())
        database.clone(self.server, "ats_bench_seed", PROFILE_DATABASE)
        self.db_url = database.database_url(self.server, PROFILE_DATABASE)
        self.prefix = f"ats-profile-{secrets.token_hex(4)}:"
        instance = Path(tempfile.mkdtemp(prefix="ats-profile-"))
        os.environ.update(server_env(s, instance, PROFILE_DATABASE, self.prefix))
        from app import create_app

        self.app = create_app()
        self.client = self.app.test_client()
        self.company = self.summary["big_company"]["id"]
        self.big_job = self.summary["big_job"]["id"]
        self.token = self._token(self.summary["big_company"]["recruiter_email"])
        self.applicants_used = 0

    def _token(self, email: str) -> str:
        from app.api.auth import issue_tokens
        from app.extensions import db
        from app.models import User

        with self.app.app_context():
            user = db.session.scalar(db.select(User).where(User.email == email))
            return issue_tokens(user)["access_token"]

    def _ids(self, sql: str, **params) -> list[int]:
        return [row[0] for row in database.query(self.db_url, sql, **params)]

    def _auth(self, token: str | None = None) -> dict:
        return {"Authorization": f"Bearer {token or self.token}"}

    def requests(self, name: str, count: int) -> list[Callable[[], object]]:
        """`count` requests of the scenario, each a call returning the response (never repeated for writes)."""
        get, post, auth = self.client.get, self.client.post, self._auth()
        if name == "bare":
            return [lambda: get("/__bare")] * count
        if name == "application_read":
            ids = self._ids(
                "SELECT id FROM applications WHERE company_id = :c AND id % 97 = 0 LIMIT 300", c=self.company
            )
            return [lambda i=i: get(f"/api/v1/applications/{i}", headers=auth) for i in _in_turn(ids, count)]
        if name == "job_read_staff":
            ids = self._ids("SELECT id FROM jobs WHERE company_id = :c ORDER BY id", c=self.company)
            return [lambda i=i: get(f"/api/v1/jobs/{i}", headers=auth) for i in _in_turn(ids, count)]
        if name == "pipeline":
            return [lambda: get(f"/api/v1/jobs/{self.big_job}/applications", headers=auth)] * count
        if name == "note_add":
            ids = self._ids(
                "SELECT id FROM applications WHERE company_id = :c AND job_id <> :j ORDER BY id DESC LIMIT :n",
                c=self.company, j=self.big_job, n=count,
            )  # fmt: skip
            return [lambda i=i: post(f"/api/v1/applications/{i}/notes", json=NOTE, headers=auth) for i in ids]
        if name == "stage_move":
            ids = self._ids(
                "SELECT id FROM applications WHERE company_id = :c AND stage = 'applied' ORDER BY id LIMIT :n",
                c=self.company, n=count,
            )  # fmt: skip
            return [lambda i=i: post(f"/api/v1/applications/{i}/transitions", json=MOVE, headers=auth) for i in ids]
        if name == "apply":
            first = self.summary["applicants"]["first_id"] + self.applicants_used  # never the same person twice
            self.applicants_used += count
            jobs = self.summary["open_job_ids"]
            tokens = self._tokens(range(first, first + count))
            return [
                lambda t=t, j=j: post(f"/api/v1/jobs/{j}/applications", json=APPLY, headers=self._auth(t))
                for t, j in zip(tokens, _in_turn(jobs, len(tokens)), strict=True)
            ]
        raise SystemExit(f"unknown scenario {name!r}")

    def _tokens(self, user_ids: range) -> list[str]:
        from app.api.auth import issue_tokens
        from app.extensions import db
        from app.models import User

        with self.app.app_context():
            users = db.session.scalars(db.select(User).where(User.id.in_(list(user_ids)))).all()
            return [issue_tokens(user)["access_token"] for user in users]

    def close(self) -> None:
        from app.redis_client import redis_client

        with self.app.app_context():
            client = redis_client(self.app)
            if client is not None:
                keys = list(client.scan_iter(match=f"{self.prefix}*", count=1000))
                for start in range(0, len(keys), 500):
                    client.delete(*keys[start : start + 500])
        database.drop(self.server, PROFILE_DATABASE)


def _add_bare_route(app) -> None:
    from flask import jsonify

    items = [{"id": n, "title": f"Item {n}"} for n in range(20)]
    app.add_url_rule("/__bare", "bare", lambda: jsonify(items=items))


def _run(calls: list[Callable[[], object]]) -> None:
    for call in calls:
        response = call()
        if response.status_code >= 400:
            raise SystemExit(f"request failed: {response.status_code} {response.get_data(as_text=True)[:300]}")


def measure(harness: Harness, name: str, requests: int, rounds: int = 3) -> dict:
    """CPU ms per request (this process, and the database backends) after a warm-up: the least of
    `rounds` rounds of `requests`, the one other work on the machine disturbed least."""
    calls = harness.requests(name, rounds * requests + 30)
    _run(calls[:30])
    best: tuple[float, float] | None = None
    for n in range(rounds):
        batch = calls[30 + n * requests : 30 + (n + 1) * requests]
        db_before = cpu.pids_seconds(cpu.backend_pids(harness.db_url))
        started = time.process_time()
        _run(batch)
        app_ms = 1000 * (time.process_time() - started) / requests
        db_ms = 1000 * (cpu.pids_seconds(cpu.backend_pids(harness.db_url)) - db_before) / requests
        best = (app_ms, db_ms) if best is None or app_ms < best[0] else best
    return {"name": name, "app_cpu_ms": round(best[0], 2), "db_cpu_ms": round(best[1], 2)}


def profile(harness: Harness, name: str, requests: int, top: int, sort: str, clock: str) -> str:
    calls = harness.requests(name, requests + 30)
    _run(calls[:30])
    profiler = cProfile.Profile(time.process_time) if clock == "cpu" else cProfile.Profile()
    profiler.enable()
    _run(calls[30:])
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_package[_package(filename)] += tottime
        total += tottime
    out = io.StringIO()
    out.write(f"\n{name}: self {clock} time by package, ms per request (the profiler adds its own cost)\n")
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1]):
        out.write(f"  {package:<32} {1000 * seconds / requests:7.3f}  {100 * seconds / total:5.1f}%\n")
    stats.stream = out
    stats.sort_stats(sort).print_stats(top)
    return out.getvalue()


# What a sampled stack was doing: the first marker found in it names the phase of the request; the
# view's own time is split further by the package of the innermost frame.
PHASES = [
    ("_commit_or_rollback", "commit and after-commit work"),
    ("verify_jwt_in_request", "token: decode, blocklist and identity"),
    ("preprocess_request", "before-request hooks"),
    ("process_response", "after-request hooks (headers, metrics, log line)"),
    ("dispatch_request", "view"),
]


def _phase(frames: list[str]) -> str:
    for marker, label in PHASES:
        if any(marker in frame for frame in frames):
            if label == "view":
                leaf = frames[-1]
                return f"view: {_package(leaf[leaf.rfind('(') + 1 :])}"
            return label
    return "werkzeug, flask and the test client around the request"


def _stacks(text: str) -> list[str]:
    """py-spy's raw lines ("frame;frame;... count"); a frame's name may hold a line break, so rejoin them."""
    lines, pending = [], ""
    for line in text.split("\n"):
        pending += line
        if re.search(r" \d+$", pending):
            lines.append(pending)
            pending = ""
    return lines


def sample(harness: Harness, name: str, requests: int, cpu_ms: float, rate: int = 1000) -> str:
    """The requests under py-spy (a sampling profiler: no per-call cost), by phase and by leaf package.

    Shares of the samples, applied to `cpu_ms` (the measured CPU per request): py-spy leaves out time in
    system calls, so its own sample count undercounts."""
    import signal
    import subprocess
    import sys

    calls = harness.requests(name, requests + 30)
    _run(calls[:30])
    output = Path(tempfile.mkdtemp(prefix="ats-pyspy-")) / "stacks.txt"
    spy = Path(sys.executable).parent / "py-spy"
    command = [str(spy), "record", "--pid", str(os.getpid()), "--rate", str(rate), "--format", "raw",
               "--output", str(output), "--nonblocking", "--gil"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.5)  # attach
    _run(calls[30:])
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    if not output.exists():
        return f"py-spy wrote nothing: {process.stderr.read().decode()[-500:]}"
    phases: dict[str, int] = defaultdict(int)
    leaves: dict[str, int] = defaultdict(int)
    total = 0
    for line in _stacks(output.read_text(errors="replace")):
        stack, _, count = line.rpartition(" ")
        if "_run (" not in stack:  # the attach and detach, not a request
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        phases[_phase(frames)] += n
        leaf = frames[-1]
        leaves[_package(leaf[leaf.rfind("(") + 1 :])] += n
    if not total:
        return "py-spy took no samples of the requests"
    ms = cpu_ms / total
    out = io.StringIO()
    out.write(f"\n{name}: {total} samples; share of the {cpu_ms} ms of CPU per request, by phase\n")
    for label, n in sorted(phases.items(), key=lambda item: -item[1]):
        out.write(f"  {label:<72} {n * ms:6.2f}  {100 * n / total:5.1f}%\n")
    out.write("by package of the innermost frame (self time), whole request\n")
    for label, n in sorted(leaves.items(), key=lambda item: -item[1]):
        out.write(f"  {label:<72} {n * ms:6.2f}  {100 * n / total:5.1f}%\n")
    return out.getvalue()


def statements(harness: Harness, name: str) -> str:
    """The SQL of one request of the scenario (after a warm-up one), as sent."""
    from sqlalchemy import event

    from app.extensions import db

    calls = harness.requests(name, 2)
    _run(calls[:1])
    sent: list[str] = []

    def _record(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append(" ".join(statement.split())[:400])

    with harness.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    try:
        _run(calls[1:])
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    return f"\n{name}: {len(sent)} statements\n" + "\n".join(f"  {n + 1}. {sql}" for n, sql in enumerate(sent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", help="bare, application_read, job_read_staff, pipeline, note_add, "
                        "stage_move, apply, or all (the CPU table only)")  # fmt: skip
    parser.add_argument("--requests", type=int, default=500, help="per round (three rounds are timed)")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="tottime", help="pstats order: tottime, cumulative, ...")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu: this process's CPU time (waits on the database and Redis not counted)")  # fmt: skip
    parser.add_argument("--sampled", action="store_true", help="py-spy (sampling) instead of cProfile: by phase")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request too")
    args = parser.parse_args()
    harness = Harness()
    _add_bare_route(harness.app)
    try:
        names = (
            ["bare", "application_read", "job_read_staff", "pipeline", "note_add", "stage_move", "apply"]
            if args.scenario == "all"
            else ["bare", args.scenario]
        )
        measured: dict[str, float] = {}
        print(f"{'scenario':<18} {'app CPU ms':>10} {'db CPU ms':>10}   ({args.requests} requests, in-process)")
        for name in names:
            row = measure(harness, name, args.requests)
            measured[name] = row["app_cpu_ms"]
            print(f"{row['name']:<18} {row['app_cpu_ms']:>10} {row['db_cpu_ms']:>10}", flush=True)
        if args.scenario != "all" and args.sql:
            print(statements(harness, args.scenario))
        if args.scenario != "all" and args.sampled:
            print(sample(harness, args.scenario, args.requests, measured[args.scenario]))
        elif args.scenario != "all":
            print(profile(harness, args.scenario, args.requests, args.top, args.sort, args.clock))
    finally:
        harness.close()


if __name__ == "__main__":
    main()
