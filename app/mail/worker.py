"""`python worker.py`: one RQ worker on the mail queue, plus the periodic sweep.

Jobs run in the worker process itself (RQ's SimpleWorker): a mail job is a
short SMTP conversation, so forking a child per job would cost more than the
job. Each job runs inside an app context of the worker's app.

The sweep runs in a daemon thread every MAIL_SWEEP_INTERVAL seconds. A Redis
lock (SET NX with an expiry) lets only one of several workers sweep per
interval. RQ's scheduler (`with_scheduler=True`) moves retries whose backoff
has elapsed back onto the queue.
"""

from __future__ import annotations

import logging
import threading
import uuid

import redis
from flask import Flask
from rq import SimpleWorker

from app.mail import queue

log = logging.getLogger(__name__)


class MailWorker(SimpleWorker):
    """An RQ worker that runs every job inside an app context of its Flask app."""

    def __init__(self, *args, app: Flask, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.app = app

    def execute_job(self, job, queue):
        with self.app.app_context():
            return super().execute_job(job, queue)


def make_worker(app: Flask, name: str | None = None) -> MailWorker:
    stem = queue.key_stem(app)
    return MailWorker(
        [queue.get_queue(app)],
        connection=queue.connection(app),
        app=app,
        name=name or f"{stem}mail-{uuid.uuid4().hex[:8]}",
    )


class Sweeper(threading.Thread):
    """Runs the sweep every `interval` seconds until stopped; errors are logged, never fatal."""

    def __init__(self, app: Flask, interval: float) -> None:
        super().__init__(name="mail-sweep", daemon=True)
        self.app, self.interval = app, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            self.sweep_once()

    def sweep_once(self) -> int:
        from app.mail.sweep import sweep

        lock = f"{self.app.config['REDIS_KEY_PREFIX']}mail:sweep-lock"
        try:
            if not queue.connection(self.app).set(lock, "1", nx=True, ex=max(1, int(self.interval))):
                return 0  # another worker swept during this interval
            with self.app.app_context():
                count = sweep()
        except redis.RedisError as error:
            log.warning("mail sweep: Redis unavailable (%s); trying again later", type(error).__name__)
            return 0
        except Exception:
            log.exception("mail sweep failed; trying again later")
            return 0
        if count:
            log.info("mail sweep: handed on %d pending message(s)", count)
        return count

    def stop(self) -> None:
        self.stopped.set()


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the mail queue until stopped (or, with `burst`, until it is empty)."""
    if not app.config.get("REDIS_URL"):
        raise SystemExit("The mail worker needs REDIS_URL. Without it, mail is delivered in-process after each commit.")
    sweeper = None
    interval = app.config["MAIL_SWEEP_INTERVAL"]
    if not burst and interval > 0:
        sweeper = Sweeper(app, interval)
        sweeper.start()
    try:
        return make_worker(app).work(burst=burst, with_scheduler=True)
    finally:
        if sweeper is not None:
            sweeper.stop()
