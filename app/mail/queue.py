"""The RQ side: the Redis connection, the mail queue and how jobs are enqueued."""

from __future__ import annotations

import logging
import re
import uuid

import redis
from flask import Flask
from rq import Queue, Retry

from app.redis_client import redis_client

log = logging.getLogger(__name__)

JOB = "app.mail.jobs.deliver_job"


def connection(app: Flask) -> redis.Redis:
    """The app's Redis client (the queue is used only when REDIS_URL is set)."""
    client = redis_client(app)
    if client is None:
        raise RuntimeError("The mail queue needs REDIS_URL.")
    return client


def queue_name(app: Flask) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}{app.config['MAIL_QUEUE']}"


def get_queue(app: Flask) -> Queue:
    return Queue(queue_name(app), connection=connection(app))


def key_stem(app: Flask) -> str:
    """The key prefix in the characters RQ allows in job ids (letters, digits, _ and -)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", app.config["REDIS_KEY_PREFIX"])


def retry_policy(app: Flask) -> Retry | None:
    """MAIL_MAX_ATTEMPTS in all: the first try plus RQ retries after MAIL_RETRY_INTERVALS."""
    retries = app.config["MAIL_MAX_ATTEMPTS"] - 1
    if retries < 1:
        return None
    raw = app.config["MAIL_RETRY_INTERVALS"]
    intervals = [int(part) for part in raw.split(",") if part.strip()] if isinstance(raw, str) else list(raw)
    return Retry(max=retries, interval=intervals or 0)


def enqueue(app: Flask, ids: list[int]) -> int:
    """Put one job per message on the queue, all in one Redis round trip; returns how many made it.

    If Redis is unreachable the messages simply stay pending: the sweep
    (`flask mail flush`, or the worker's periodic run) enqueues them later.
    The jobs go in one MULTI/EXEC, so either all of them are queued or none.
    """
    if not ids:
        return 0
    queue = get_queue(app)
    retry = retry_policy(app)
    stem = key_stem(app)
    timeout = max(60, 4 * int(app.config["SMTP_TIMEOUT"]))
    jobs = [
        Queue.prepare_data(
            JOB,
            (message_id,),
            job_id=f"{stem}mail-{message_id}-{uuid.uuid4().hex[:12]}",
            retry=retry,
            timeout=timeout,
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
            description=f"mail message {message_id}",
        )
        for message_id in ids
    ]
    try:
        queue.enqueue_many(jobs)
    except redis.RedisError as error:
        log.warning(
            "mail: the queue is unavailable (%s); %d message(s) stay pending for the sweep",
            type(error).__name__,
            len(ids),
        )
        return 0
    return len(ids)
