"""The reminder before an interview: each interviewer gets an email INTERVIEW_REMINDER_MINUTES before.

The due time is the interview's `reminder_due_at` (set when it is scheduled or moved,
cleared when it is cancelled). The periodic task `interviews.remind` claims the due rows
with one conditional UPDATE that clears it (so a second clock, or a task that overruns,
finds nothing to do) and writes the emails in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.core.periodic import periodic
from app.extensions import db
from app.mail.outbox import add_messages
from app.models import Application, Interview, InterviewStatus, User
from app.models.base import utcnow
from app.services.interview_invites import reminder_message

log = logging.getLogger(__name__)

BATCH = 200


def remind_due(now: datetime | None = None) -> list[int]:
    """Claim the interviews whose reminder is due and queue the emails (flushes; the caller commits)."""
    now = now or utcnow()
    due = (
        select(Interview.id)
        .where(Interview.reminder_due_at <= now, Interview.status == InterviewStatus.SCHEDULED.value)
        .order_by(Interview.reminder_due_at)
        .limit(BATCH)
        .scalar_subquery()
    )
    claimed = list(
        db.session.execute(
            update(Interview)
            .where(Interview.id.in_(due), Interview.reminder_due_at <= now)
            .values(reminder_due_at=None)
            .returning(Interview.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    if not claimed:
        return []
    interviews = list(
        db.session.scalars(
            select(Interview).where(Interview.id.in_(claimed)).options(selectinload(Interview.interviewers))
        )
    )
    applications = {
        a.id: a
        for a in db.session.scalars(
            select(Application).where(Application.id.in_({i.application_id for i in interviews}))
        )
    }
    user_ids = {uid for i in interviews for uid in i.interviewer_ids}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids), User.active.is_(True)))}
    add_messages(
        [
            reminder_message(interview, users[uid], applications[interview.application_id])
            for interview in interviews
            for uid in interview.interviewer_ids
            if uid in users
        ]
    )
    return claimed


@periodic("interviews.remind", every=60)
def remind_task(_app: Flask) -> int:
    """The clock's minute: interviewers hear of their interview INTERVIEW_REMINDER_MINUTES before it."""
    try:
        claimed = remind_due()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if claimed:
        log.info("interview reminders for %d interview(s)", len(claimed))
    return len(claimed)
