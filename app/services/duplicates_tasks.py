"""When duplicates are looked for: after a record is created (a worker job), and the periodic pass.

The request only notes the new record's id on the session (no statement: the
apply budget is unchanged); after the outermost commit one RQ job on the search
queue compares it. Without Redis, or when the job is lost, the periodic
`candidates.find_duplicates` pass (DUPLICATES_INTERVAL, nightly by default)
compares every record changed since it was last compared.
"""

from __future__ import annotations

import logging
import uuid

import redis
from flask import Flask, has_app_context
from rq import Queue
from sqlalchemy import event

from app import signals
from app.after_commit import run_after_commit
from app.core.periodic import periodic
from app.extensions import db
from app.models import Candidate
from app.redis_client import redis_client
from app.services.dedupe_keys import keys_for

log = logging.getLogger(__name__)

_PENDING = "duplicates_pending"
CHECK_JOB = "app.services.duplicates_tasks.check_job"
KEYED = ("full_name", "email", "phone", "links")


@event.listens_for(Candidate, "before_update")
def _keep_keys(mapper, connection, target: Candidate) -> None:
    """Staff edits through the ORM keep the keys current in the same UPDATE."""
    state = db.inspect(target)
    if any(state.attrs[name].history.has_changes() for name in KEYED):
        values = keys_for(full_name=target.full_name, email=target.email, phone=target.phone, links=target.links)
        for name, value in values.items():
            setattr(target, name, value)


@signals.application_submitted.connect
def _on_submitted(application, **_extra) -> None:
    db.session().info.setdefault(_PENDING, set()).add(application.candidate_id)


def _after_commit(app: Flask, pending: set) -> None:
    client = redis_client(app)
    if client is None or not pending:
        return  # the periodic pass compares them
    from app.mail.queue import key_stem
    from app.search.queue import queue_name

    try:
        Queue(queue_name(app), connection=client).enqueue(
            CHECK_JOB,
            sorted(pending),
            job_id=f"{key_stem(app)}dupes-{uuid.uuid4().hex[:12]}",
            job_timeout=120,
            result_ttl=600,
            failure_ttl=24 * 3600,
        )
    except redis.RedisError as error:
        log.warning("duplicates: the queue is unavailable (%s); the periodic pass will compare", type(error).__name__)
    except Exception:  # the data is committed; looking for duplicates must not fail the request
        log.exception("duplicates: enqueueing failed; the periodic pass will compare")


run_after_commit(_PENDING, _after_commit)


def _check(ids: list[int]) -> int:
    from app.services import duplicates

    found = duplicates.check(ids)
    db.session.commit()
    return found


def check_job(ids: list[int]) -> int:
    """Compare these new records with their companies' others (the worker)."""
    if has_app_context():
        return _check(ids)
    from app import create_app

    with create_app().app_context():
        return _check(ids)


@periodic("candidates.find_duplicates", every="DUPLICATES_INTERVAL")
def find_duplicates_task(app: Flask) -> int:
    from app.services import duplicates

    return duplicates.find_all()["pairs"]
