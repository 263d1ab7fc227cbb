"""What changed, held on the session and handed to the search queue after the commit.

The listeners below run inside the change's transaction and only note ids on
the session (no statement); the jobs go to Redis once the outermost
transaction commits. Without Redis nothing runs in the request: the periodic
sweep (`search.sweep`) indexes what changed.
"""

from __future__ import annotations

import logging
import uuid

import redis
from flask import Flask
from rq import Queue
from rq.queue import EnqueueData

from app import signals
from app.after_commit import run_after_commit
from app.extensions import db
from app.redis_client import redis_client

log = logging.getLogger(__name__)

_PENDING = "search_pending"
EXTRACT_JOB = "app.search.jobs.extract_job"
INDEX_JOB = "app.search.jobs.index_job"
CHECK_JOB = "app.services.duplicates_tasks.check_job"  # duplicates: compares new records


def queue_name(app: Flask) -> str:
    return f"{app.config['REDIS_KEY_PREFIX']}search"


def schedule(*, candidate_ids=(), resume_keys=(), compare_ids=()) -> None:
    """Once the current transaction commits: index these candidates (extract these resumes first)
    and compare these new records for duplicates (app/services/duplicates_tasks.py).

    Both go to the search queue in one Redis round trip after the commit.
    """
    pending = db.session().info.setdefault(_PENDING, {"candidates": set(), "resumes": set(), "compare": set()})
    pending["candidates"].update(candidate_ids)
    pending["resumes"].update(resume_keys)
    pending["compare"].update(compare_ids)


def enqueue(app: Flask, pending: dict) -> int:
    """One job per resume (it indexes its candidate after), one for the other candidates and one
    comparing the new records for duplicates, in one round trip; never raises."""
    client = redis_client(app)
    if client is None:
        return 0  # the sweep does it
    from app.mail.queue import key_stem

    stem = key_stem(app)
    jobs = [_job(stem, EXTRACT_JOB, key, "search-x", f"resume text {key[:8]}") for key in sorted(pending["resumes"])]
    if pending["candidates"]:
        ids = sorted(pending["candidates"])
        jobs.append(_job(stem, INDEX_JOB, ids, "search-i", f"index {len(ids)} candidate(s)"))
    if pending["compare"]:
        ids = sorted(pending["compare"])
        jobs.append(_job(stem, CHECK_JOB, ids, "dupes", f"compare {len(ids)} new record(s)"))
    if not jobs:
        return 0
    try:
        Queue(queue_name(app), connection=client).enqueue_many(jobs)
    except redis.RedisError as error:
        log.warning(
            "search: the queue is unavailable (%s); the sweep will index and the periodic pass compare",
            type(error).__name__,
        )
        return 0
    return len(jobs)


def _job(stem: str, func: str, argument, kind: str, description: str) -> EnqueueData:
    return Queue.prepare_data(
        func,
        (argument,),
        job_id=f"{stem}{kind}-{uuid.uuid4().hex[:12]}",
        timeout=120,
        result_ttl=600,
        failure_ttl=24 * 3600,
        description=description,
    )


def _after_commit(app: Flask, pending: dict) -> None:
    try:
        enqueue(app, pending)
    except Exception:  # the data is committed; indexing must not fail the request
        log.exception("search: enqueueing failed; the sweep will index and the periodic pass compare")


run_after_commit(_PENDING, _after_commit)


@signals.application_submitted.connect
def _on_submitted(application, **_extra) -> None:
    schedule(
        candidate_ids=[application.candidate_id], resume_keys=[application.resume_key] if application.resume_key else []
    )


@signals.note_added.connect
def _on_note(note, application=None, **_extra) -> None:
    schedule(candidate_ids=[application.candidate_id])


@signals.candidate_changed.connect
def _on_candidate(candidate, **_extra) -> None:
    schedule(candidate_ids=[candidate.id])
