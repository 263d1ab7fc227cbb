"""`python worker.py`: one RQ worker on the mail queue, which also runs the sweep.

Jobs run in the worker process itself (RQ's SimpleWorker): a mail job is a
short SMTP conversation, so forking a child per job would cost more than the
job. Each job runs inside an app context of the worker's app.

The sweep rides on RQ's own maintenance step, which the worker loop runs
between jobs and whenever it wakes from waiting: the maintenance interval and
the wait are set to MAIL_SWEEP_INTERVAL, so an idle worker still sweeps on
time, and no extra thread or process is needed. A Redis lock (SET NX with an
expiry) lets only one of several workers sweep per interval. RQ's scheduler
(`with_scheduler=True`) puts retries whose backoff has elapsed back on the queue.
"""

from __future__ import annotations

import logging
import uuid

import redis
from flask import Flask
from rq import SimpleWorker

from app.mail import queue

log = logging.getLogger(__name__)


class MailWorker(SimpleWorker):
    """An RQ worker that runs every job inside an app context and sweeps every `sweep_interval` seconds."""

    def __init__(self, *args, app: Flask, sweep_interval: int = 0, **kwargs) -> None:
        if sweep_interval > 0:
            kwargs.setdefault("maintenance_interval", sweep_interval)
            kwargs.setdefault("worker_ttl", sweep_interval + 15)  # RQ waits worker_ttl - 15 s for a job
        super().__init__(*args, **kwargs)
        self.app = app
        self.sweep_interval = sweep_interval

    def execute_job(self, job, queue):
        with self.app.app_context():
            return super().execute_job(job, queue)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if self.sweep_interval > 0:
            sweep_once(self.app, self.sweep_interval)


def sweep_once(app: Flask, interval: int) -> int:
    """Sweep unless another worker did in the last `interval` seconds; never raises."""
    from app.mail.sweep import sweep

    lock = f"{app.config['REDIS_KEY_PREFIX']}mail:sweep-lock"
    try:
        if not queue.connection(app).set(lock, "1", nx=True, ex=max(1, int(interval))):
            return 0
        with app.app_context():
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


def make_worker(app: Flask, *, sweep_interval: int = 0, name: str | None = None) -> MailWorker:
    return MailWorker(
        [queue.get_queue(app)],
        connection=queue.connection(app),
        app=app,
        sweep_interval=sweep_interval,
        name=name or f"{queue.key_stem(app)}mail-{uuid.uuid4().hex[:8]}",
    )


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the mail queue until stopped, sweeping as it goes; with `burst`, drain the queue and return."""
    if not app.config.get("REDIS_URL"):
        raise SystemExit("The mail worker needs REDIS_URL. Without it, mail is delivered in-process after each commit.")
    from app.mail.backends import close_kept_connection, keep_connections

    interval = 0 if burst else int(app.config["MAIL_SWEEP_INTERVAL"])
    keep_connections(True)
    try:
        return make_worker(app, sweep_interval=interval).work(burst=burst, with_scheduler=True)
    finally:
        close_kept_connection()
        keep_connections(False)
