"""The feedback reminder: once an interview's `feedback_due_at` passes, each of its interviewers who has
not given feedback gets one email.

The periodic task `interviews.feedback_reminders` claims the due interviews with one conditional UPDATE
that clears the due time (so two clocks, or a run that overlaps the next, remind once), reads who still
owes feedback, and queues their emails in the outbox, all in one transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import and_, select, update

from app.core.periodic import periodic
from app.extensions import db
from app.mail.outbox import add_messages
from app.models import (
    Application,
    Candidate,
    Company,
    Interview,
    InterviewFeedback,
    InterviewInterviewer,
    InterviewStatus,
    Job,
    User,
)
from app.models.base import utcnow

log = logging.getLogger(__name__)
KIND = "feedback_reminder"


def claim_due(now: datetime) -> list[int]:
    """The scheduled interviews whose feedback reminder is due, their due time cleared: one UPDATE."""
    result = db.session.execute(
        update(Interview)
        .where(
            Interview.feedback_due_at.is_not(None),
            Interview.feedback_due_at <= now,
            Interview.status == InterviewStatus.SCHEDULED.value,
        )
        .values(feedback_due_at=None)
        .returning(Interview.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(result.scalars())


def remind(now: datetime | None = None) -> int:
    """Queue the due reminders (the caller commits); how many emails."""
    claimed = claim_due(now or utcnow())
    if not claimed:
        return 0
    f = InterviewFeedback
    rows = db.session.execute(
        select(
            Interview.id, Interview.title, Interview.company_id, User.email, User.full_name,
            Candidate.full_name.label("candidate_name"), Job.title.label("job_title"), Company.name.label("company"),
        )
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .join(User, User.id == InterviewInterviewer.user_id)
        .join(Application, Application.id == Interview.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .join(Company, Company.id == Interview.company_id)
        .outerjoin(f, and_(f.interview_id == Interview.id, f.interviewer_id == User.id))
        .where(Interview.id.in_(claimed), f.id.is_(None), User.active.is_(True))
        .order_by(Interview.id, User.id)
    ).all()  # fmt: skip
    base = current_app.config["BASE_URL"].rstrip("/")
    add_messages(
        [
            {
                "kind": KIND,
                "to_address": row.email,
                "to_name": row.full_name,
                "company_id": row.company_id,
                "template": KIND,
                "subject": "Your feedback on {candidate_name} for {job_title}",
                "context": {
                    "staff_name": row.full_name,
                    "candidate_name": row.candidate_name,
                    "job_title": row.job_title,
                    "company_name": row.company,
                    "interview_title": row.title,
                    "link": f"{base}/dashboard/interviews/{row.id}/feedback",
                },
            }
            for row in rows
        ]
    )
    return len(rows)


@periodic("interviews.feedback_reminders", every=60)
def feedback_reminders(_app: Flask) -> int:
    """The clock's minute: remind the interviewers who owe feedback on interviews past their due time."""
    try:
        sent = remind()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if sent:
        log.info("queued %d feedback reminder(s)", sent)
    return sent
