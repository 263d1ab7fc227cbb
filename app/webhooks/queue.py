"""The RQ side: one job per company on the mail queue (the worker that sends mail sends webhooks too)."""

from __future__ import annotations

import logging
import uuid

import redis
from flask import Flask
from rq import Queue

from app.mail.queue import get_queue, key_stem

log = logging.getLogger(__name__)

JOB = "app.webhooks.jobs.deliver_job"


def enqueue(app: Flask, company_ids: list[int]) -> int:
    """One job per company (it sends each endpoint with a due delivery) in one Redis round trip; how many made it.

    No RQ retries: a failed attempt gets its due time in the database, and the
    due task hands the endpoint on again then. Redis down: the due task does it later.
    """
    if not company_ids:
        return 0
    stem = key_stem(app)
    timeout = max(120, int(60 * float(app.config["WEBHOOK_TIMEOUT"])))
    jobs = [
        Queue.prepare_data(
            JOB,
            (company_id,),
            job_id=f"{stem}webhooks-{company_id}-{uuid.uuid4().hex[:12]}",
            timeout=timeout,
            result_ttl=600,
            failure_ttl=7 * 24 * 3600,
            description=f"webhooks of company {company_id}",
        )
        for company_id in company_ids
    ]
    try:
        get_queue(app).enqueue_many(jobs)
    except redis.RedisError as error:
        log.warning("webhooks: the queue is unavailable (%s); the due task hands them on", type(error).__name__)
        return 0
    return len(company_ids)
