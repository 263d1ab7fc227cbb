"""How long a reply takes from the end of SMTP DATA to being readable through the service.

    .venv/bin/python bench/inbound_latency.py --replies 50
    .venv/bin/python bench/inbound_latency.py --postgres postgresql://postgres@127.0.0.1:5432/postgres

Builds a scratch database (a SQLite file, or a throwaway PostgreSQL database)
with one company, job and application holding a live reply address, starts the
real receiver as its own process (`python worker.py inbound`, with Redis under
a scratch prefix, so the staff notification is enqueued as in production),
then sends N replies one after another with smtplib. For each one the clock
starts just before the message and its final "." go out (`SMTP.data`) and stops
when `replies.for_activity` (the service the timeline reads) returns it,
polled every 0.5 ms from this process. Also reported: the time until the
receiver's 250 answer, which it gives only once the reply is committed.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402 (after the path is set)

DOMAIN = "replies.bench.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_database(postgres: str | None):
    """A database URL, and a function that removes it."""
    return database.scratch(postgres)


def seed(app) -> tuple[int, int, str]:
    """(company id, application id, reply address) in a freshly migrated database."""
    from flask_migrate import upgrade

    from app.extensions import db
    from app.services import accounts, applications, companies, jobs, replies

    with app.app_context():
        upgrade()
        company, admin = companies.create_company(
            name="Bench Ltd", admin_email="admin@bench.example", admin_password="bench-password-123",
            admin_full_name="Admin",
        )  # fmt: skip
        job = jobs.create_job(admin, status="open", title="Engineer")
        person = accounts.register_candidate(email="ada@bench.example", password="bench-password-123", full_name="Ada")
        application = applications.apply(person, job.id, consent=True)
        db.session.commit()
        token = replies.live_token(db.session.connection(), application.id, company.id)
        db.session.commit()
        return company.id, application.id, replies.reply_address(token, DOMAIN)


def message(to: str, n: int) -> bytes:
    from email import policy

    mail = EmailMessage()
    mail["From"] = "Ada <ada@bench.example>"
    mail["To"] = to
    mail["Subject"] = f"Re: your application #{n}"
    mail["Message-ID"] = make_msgid(domain="bench.example")
    mail.set_content(f"Reply number {n}.\n\nOn Monday, ATS wrote:\n> Hello\n")
    return mail.as_bytes(policy=policy.SMTP)


def wait_listening(port: int, proc: subprocess.Popen, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the receiver exited ({proc.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the receiver did not start")


def run(args) -> dict:
    import smtplib

    from app import create_app
    from app.extensions import db
    from app.services import replies
    from config import DevelopmentConfig

    database_url, drop = scratch_database(args.postgres)
    prefix = f"ats-bench-{uuid.uuid4().hex[:8]}:"
    port = free_port()
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": args.redis,
        "REDIS_KEY_PREFIX": prefix,
        "MAIL_REPLY_DOMAIN": DOMAIN,
    }
    app = create_app(DevelopmentConfig, settings)
    company_id, application_id, address = seed(app)
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "REDIS_KEY_PREFIX": prefix,
        "MAIL_REPLY_DOMAIN": DOMAIN,
        "MAIL_INBOUND_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    receiver = subprocess.Popen(
        [sys.executable, "worker.py", "inbound"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    readable, answered = [], []
    try:
        wait_listening(port, receiver)
        with app.app_context(), smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.ehlo()
            for n in range(args.replies + args.warmup):
                raw = message(address, n)
                assert client.mail("ada@bench.example")[0] == 250
                assert client.rcpt(address)[0] == 250
                subject = f"Re: your application #{n}"
                start = time.perf_counter()
                code, _text = client.data(raw)
                acked = time.perf_counter()
                assert code == 250, (code, _text)
                while True:
                    db.session.rollback()
                    latest = replies.for_activity(company_id, application_id, 1)
                    if latest and latest[0].subject == subject:
                        break
                    time.sleep(0.0005)
                done = time.perf_counter()
                if n >= args.warmup:
                    readable.append((done - start) * 1000)
                    answered.append((acked - start) * 1000)
            db.session.remove()
    finally:
        receiver.terminate()
        try:
            receiver.wait(timeout=30)
        except subprocess.TimeoutExpired:
            receiver.kill()
        with app.app_context():
            db.engine.dispose()
        cleanup_redis(args.redis, prefix)
        drop()

    def summary(values: list[float]) -> dict:
        ordered = sorted(values)
        return {
            "median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2),
            "max_ms": round(ordered[-1], 2),
        }

    return {
        "database": "postgresql" if args.postgres else "sqlite",
        "replies": len(readable),
        "data_end_to_readable": summary(readable),
        "data_end_to_250": summary(answered),
    }


def cleanup_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    stem = prefix.replace(":", "-")
    keys = {k for mark in (prefix, stem) for k in client.scan_iter(match=f"*{mark}*", count=1000)}
    if keys:
        client.delete(*keys)
    for registry in ("rq:queues", "rq:workers"):
        stale = [m for m in client.smembers(registry) if prefix.encode() in m or stem.encode() in m]
        if stale:
            client.srem(registry, *stale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5, help="replies sent first and not counted")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made on it)")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    print(json.dumps(run(parser.parse_args()), indent=2))


if __name__ == "__main__":
    main()
