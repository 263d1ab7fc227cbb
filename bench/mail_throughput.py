"""How many messages per second mail workers deliver to a local SMTP server.

    .venv/bin/python bench/mail_throughput.py --messages 1000 --workers 1 2
    .venv/bin/python bench/mail_throughput.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/mail_throughput.py --company-templates --postgres postgresql://...

Seeds N pending outbox messages in a scratch database (a SQLite file, or a
throwaway PostgreSQL database) as requests write them: a template and a
snapshot of its merge fields, rendered by the worker when it sends
(`--prerendered` stores rendered bodies instead, as requests used to;
`--company-templates` writes candidate emails as apply and moves do,
`company:<key>` with a merge-field snapshot in three languages, rendered from
a company's own templates stored in the database, found by one SELECT per
message and compiled once per source), enqueues one job per message on a scratch
Redis prefix, starts a local aiosmtpd server, then runs W worker processes in
burst mode (`run_worker(app, burst=True)`, the code `python worker.py` runs).
The rate is N / (last worker done - first worker started): process start-up
is not counted, everything else (RQ, the row claim, SMTP, the commit) is.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402 (after the path is set)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def overrides(args, database_url: str, prefix: str, smtp_port: int, instance: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": args.redis,
        "REDIS_KEY_PREFIX": prefix,
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "INSTANCE_DIR": instance,
    }


def make_app(config: dict):
    from app import create_app
    from config import DevelopmentConfig

    return create_app(DevelopmentConfig, config)


def work(config_json: str) -> None:
    """Child process: one burst worker; prints when it started and finished."""
    from app.mail.worker import run_worker

    app = make_app(json.loads(config_json))
    start = time.time()
    run_worker(app, burst=True)
    print(json.dumps({"start": start, "end": time.time()}))


# A company's own templates (the overrides rows): screening in English and German, the confirmation in English.
COMPANY_TEMPLATES = (
    ("stage_screening", "en", "{{ candidate.first_name }}, {{ company.name }} is reading your application",
     "Dear {{ candidate.first_name }},\n\n{{ stage.name }} for {{ job.title }} has begun.\n"
     "{% if status_link %}Follow it: {{ status_link }}{% endif %}\n\n{{ sender.name }}\n",
     "<p>Dear {{ candidate.first_name }},</p><p>{{ stage.name }} for <b>{{ job.title }}</b> has begun.</p>"),
    ("stage_screening", "de", "{{ candidate.first_name }}, {{ company.name }} liest Ihre Bewerbung",
     "Hallo {{ candidate.first_name }},\n\n{{ stage.name }} für {{ job.title }} hat begonnen.\n", None),
    ("application_received", "en", "Thanks, {{ candidate.first_name }}",
     "We have your application for {{ job.title }}.\n{% for answer in answers %}- {{ answer.label }}: "
     "{{ answer.value }}\n{% endfor %}", None),
)  # fmt: skip
LANGUAGES = ("en", "de", "fr")  # fr: no template in it, so the company's (en) one


def seed_company(app) -> int:
    """A company with its own templates stored in the database; its id."""
    from app.extensions import db
    from app.models import Company, EmailTemplate

    company = Company(name="Bench Co", slug=f"bench-{uuid.uuid4().hex[:8]}", default_language="en")
    db.session.add(company)
    db.session.flush()
    for key, language, subject, text, html in COMPANY_TEMPLATES:
        db.session.add(EmailTemplate(company_id=company.id, key=key, language=language, subject=subject,
                                     text_body=text, html_body=html))  # fmt: skip
    db.session.flush()
    return company.id


def company_message(i: int) -> dict:
    """A candidate email as apply and moves write it: `company:<key>` and a merge-field snapshot."""
    from app.mail import templating

    key = "application_received" if i % 4 == 0 else "stage_screening"
    context = templating.context(
        candidate_name=f"User {i}", job_title="Backend Engineer", company_name="Bench Co", stage_name="Screening",
        stage_category="screening", status_link=f"https://x.example/me/applications/{i}", sender_name="Sam",
        answers=[{"label": "Start", "value": "May"}] if key == "application_received" else (),
    )  # fmt: skip
    context.update(language=LANGUAGES[i % 3], company_language="en")
    return {"kind": key, "subject": "Your application", "template": f"company:{key}", "context": context}


def seed(app, count: int, prerendered: bool = False, company_templates: bool = False) -> list[int]:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.mail.compose import new_message_id, render
    from app.models import OutboxMessage

    def content(i: int) -> dict:
        context = {"name": f"User {i}", "expires_hours": 2, "link": f"https://x.example/r/t{i}"}
        if not prerendered:
            return {"subject": "Reset your password", "template": "password_reset", "context": context}
        rendered = render("password_reset", "Reset your password", **context)
        return {"subject": rendered.subject, "text_body": rendered.text, "html_body": rendered.html}

    with app.app_context():
        upgrade()
        company_id = seed_company(app) if company_templates else None
        make = company_message if company_templates else content
        rows = [
            OutboxMessage(
                company_id=company_id,
                to_address=f"user{i}@bench.example",
                to_name=f"User {i}",
                message_id=new_message_id(app.config["MAIL_DEFAULT_SENDER"]),
                status="pending",
                attempts=0,
                **{"kind": "bench", **make(i)},
            )
            for i in range(count)
        ]
        db.session.add_all(rows)
        db.session.flush()
        ids = [row.id for row in rows]
        db.session.commit()
        return ids


def run_round(args, database_url: str, workers: int) -> dict:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.rcpt_tos[0])
            return "250 OK"

    smtp_port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    prefix = f"ats-bench-{uuid.uuid4().hex[:8]}:"
    instance = tempfile.mkdtemp(prefix="ats-bench-")
    config = overrides(args, database_url, prefix, smtp_port, instance)
    app = make_app(config)
    try:
        ids = seed(app, args.messages, args.prerendered, args.company_templates)
        from app.mail import queue

        queue.enqueue(app, ids)
        procs = [
            subprocess.Popen(
                [sys.executable, __file__, "--work", json.dumps(config)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the workers log every job at INFO, as in production
                text=True,
            )
            for _ in range(workers)
        ]
        spans = [json.loads(proc.communicate(timeout=3600)[0].strip().splitlines()[-1]) for proc in procs]
        elapsed = max(s["end"] for s in spans) - min(s["start"] for s in spans)
        return {
            "workers": workers,
            "messages": args.messages,
            "delivered": len(received),
            "unique_recipients": len(set(received)),
            "seconds": round(elapsed, 2),
            "msgs_per_s": round(len(received) / elapsed, 1),
            "rendered_by": "request" if args.prerendered else "worker",
            "templates": "company (database)" if args.company_templates else "system files",
        }
    finally:
        controller.stop()
        cleanup_redis(args.redis, prefix)


def cleanup_redis(url: str, prefix: str) -> None:
    import redis

    from app.mail.queue import key_stem

    client = redis.Redis.from_url(url)

    class _App:
        config = {"REDIS_KEY_PREFIX": prefix}

    for mark in {prefix, key_stem(_App)}:
        keys = list(client.scan_iter(match=f"*{mark}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    for registry in ("rq:queues", "rq:workers"):
        stale = [m for m in client.smembers(registry) if prefix.encode() in m or key_stem(_App).encode() in m]
        if stale:
            client.srem(registry, *stale)


def scratch_database(args):
    """A database URL for one round, and a function that removes it."""
    return database.scratch(args.postgres)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL; a scratch database is made on it")
    parser.add_argument(
        "--prerendered", action="store_true", help="store rendered bodies (rendering in the request, as before)"
    )
    parser.add_argument(
        "--company-templates", action="store_true", help="candidate emails from a company's stored templates"
    )
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        work(args.work)
        return
    os.environ.setdefault("APP_ENV", "development")
    for workers in args.workers:
        database_url, drop = scratch_database(args)
        try:
            result = run_round(args, database_url, workers)
        finally:
            drop()
        result["database"] = "postgresql" if args.postgres else "sqlite"
        print(json.dumps(result))


if __name__ == "__main__":
    main()
