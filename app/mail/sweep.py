"""The sweep: messages left pending (Redis was down, a worker died) are sent on again."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import MessageStatus, OutboxMessage
from app.models.base import utcnow

BATCH = 500


def sweep(grace_seconds: int | None = None) -> int:
    """Hand on every message pending and untouched for `grace_seconds`, and every delayed
    message that has come due; returns how many went.

    The grace period leaves fresh messages to their own job and retries to
    RQ's backoff. Picked rows are touched, so the next sweep leaves them alone
    for another grace period; rows being sent right now are locked and skipped.
    """
    from app.mail.outbox import dispatch

    app = current_app._get_current_object()
    grace = app.config["MAIL_SWEEP_GRACE"] if grace_seconds is None else grace_seconds
    now = utcnow()
    cutoff = now - timedelta(seconds=grace)
    total, last_id = 0, 0
    while True:
        with Session(db.engine) as session, session.begin():
            ids = list(
                session.scalars(
                    select(OutboxMessage.id)
                    .where(
                        OutboxMessage.status == MessageStatus.PENDING.value,
                        OutboxMessage.id > last_id,
                        or_(OutboxMessage.due_at.is_(None), OutboxMessage.due_at <= now),
                        # Left alone for the grace period, or due since it was last touched (a delayed send).
                        or_(
                            OutboxMessage.updated_at <= cutoff,
                            and_(OutboxMessage.due_at.is_not(None), OutboxMessage.updated_at < OutboxMessage.due_at),
                        ),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            if ids:
                session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(updated_at=utcnow()))
        if ids:
            total, last_id = total + dispatch(app, ids), ids[-1]
        if len(ids) < BATCH:
            return total
