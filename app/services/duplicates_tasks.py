"""When duplicates are looked for: after a record is created (a worker job), and the periodic pass.

The request only notes the new record's id on the session (no statement: the
apply budget is unchanged); after the outermost commit one RQ job on the search
queue compares it, enqueued with the search jobs in the same round trip
(app/search/queue.py). Without Redis, or when the job is lost, the periodic
`candidates.find_duplicates` pass (DUPLICATES_INTERVAL, nightly by default)
compares every record changed since it was last compared.
"""

from __future__ import annotations

from flask import Flask, has_app_context
from sqlalchemy import event

from app import signals
from app.core.periodic import periodic
from app.extensions import db
from app.models import Candidate
from app.services.dedupe_keys import keys_for

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
    compare_after_commit([application.candidate_id])


def compare_after_commit(candidate_ids) -> None:
    """Compare these new records once the transaction commits (with the search jobs, one enqueue)."""
    from app.search.queue import schedule

    schedule(compare_ids=candidate_ids)


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
