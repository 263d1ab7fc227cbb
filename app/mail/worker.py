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

The worker outlives its dependencies. RQ waits out a Redis outage while idle,
but gives up (its work loop ends) when Redis fails around a job. `run_worker`
then waits for Redis with a growing pause (RECONNECT_FIRST to RECONNECT_MAX
seconds), starts a fresh RQ worker and sweeps, which hands on every message
whose job Redis lost. Nothing is sent twice: a job is only an id, and delivery
claims the outbox row in the database, so a job run again finds it sent. A
database failure in a job is the job's failure: RQ retries it, the sweep
catches what retries miss.
"""

from __future__ import annotations

import logging
import signal
import time
import uuid

import redis
from flask import Flask
from rq import Queue, SimpleWorker

from app.mail import queue
from app.redis_client import new_client

log = logging.getLogger(__name__)

RECONNECT_FIRST = 0.5
RECONNECT_MAX = 30.0


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
    """A worker on its own Redis connection: RQ raises its read timeout above the wait for a job."""
    from app.search.queue import queue_name as search_queue

    connection = new_client(app.config["REDIS_URL"])
    # Mail first: RQ takes from the first queue that has a job, so resume extraction never holds up an email.
    return MailWorker(
        [Queue(queue.queue_name(app), connection=connection), Queue(search_queue(app), connection=connection)],
        connection=connection,
        app=app,
        sweep_interval=sweep_interval,
        name=name or f"{queue.key_stem(app)}mail-{uuid.uuid4().hex[:8]}",
    )


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the mail queue until stopped, sweeping as it goes; with `burst`, drain the queue and return.

    A Redis failure does not end it: it waits for Redis, then carries on with a new RQ worker.
    """
    if not app.config.get("REDIS_URL"):
        raise SystemExit("The mail worker needs REDIS_URL. Without it, mail is delivered in-process after each commit.")
    from app.mail.backends import close_kept_connection, keep_connections

    interval = 0 if burst else int(app.config["MAIL_SWEEP_INTERVAL"])
    keep_connections(True)
    worked = False
    pause = RECONNECT_FIRST
    try:
        while True:
            worker, started = None, time.monotonic()
            try:
                worker = make_worker(app, sweep_interval=interval)  # registers with Redis: may fail too
                worked = worker.work(burst=burst, with_scheduler=True) or worked
            except redis.RedisError as error:  # at start, or while RQ tidied up after losing Redis
                log.warning("mail worker: Redis failed (%s)", type(error).__name__)
            if worker is not None and worker._shutdown_requested_date is not None:  # SIGTERM or SIGINT
                return worked
            if burst and _drained(app):
                return worked
            log.warning("mail worker: the work loop ended without a stop request; resuming once Redis answers")
            if time.monotonic() - started > RECONNECT_MAX:
                pause = RECONNECT_FIRST  # it had been running fine: start the pauses afresh
            if not wait_for_redis(app, first_pause=pause):
                return worked
            pause = min(pause * 2, RECONNECT_MAX)  # a loop that keeps ending right away restarts ever slower
            sweep_once(app, max(interval, 1))  # hand on the messages whose jobs Redis lost
    finally:
        close_kept_connection()
        keep_connections(False)


def _drained(app: Flask) -> bool:
    try:
        return queue.get_queue(app).count == 0
    except redis.RedisError:
        return False


def wait_for_redis(app: Flask, *, first_pause: float = RECONNECT_FIRST) -> bool:
    """Pause, then ping Redis with growing pauses until it answers (True) or a stop signal arrives (False)."""
    stop: list[int] = []
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in saved:
        signal.signal(sig, lambda signum, _frame: stop.append(signum))
    pause = first_pause
    try:
        while True:
            deadline = time.monotonic() + pause
            while not stop and time.monotonic() < deadline:
                time.sleep(0.1)
            if stop:
                log.info("mail worker: stop requested while waiting for Redis")
                return False
            pause = min(pause * 2, RECONNECT_MAX)
            try:
                queue.connection(app).ping()
            except redis.RedisError as error:
                log.warning("mail worker: Redis unavailable (%s); next try in %.1f s", type(error).__name__, pause)
            else:
                log.info("mail worker: Redis answers again")
                return True
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
