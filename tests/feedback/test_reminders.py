"""The feedback reminder, run by the periodic tick: only the interviewers who owe feedback get one email."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.core import periodic
from app.extensions import db
from app.mail.backends import sent_messages
from app.models import Interview, OutboxMessage
from app.models.base import utcnow
from app.services import feedback, interviews
from tests.feedback.conftest import RATINGS


def _run(app) -> int:
    (task,) = [task for task in periodic.registry if task.name == "interviews.feedback_reminders"]
    return task.func(app)


def test_due_interviews_remind_only_those_who_have_not_given_feedback(app, panel):
    feedback.submit(panel.bob, panel.technical.id, ratings=RATINGS, recommendation="yes")
    panel.technical.feedback_due_at = utcnow() - timedelta(minutes=1)
    panel.culture.feedback_due_at = utcnow() + timedelta(hours=1)  # not yet
    db.session.commit()
    before = len(sent_messages(app))
    assert _run(app) == 2
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "feedback_reminder")).all()
    assert sorted(row.to_address for row in rows) == sorted([panel.alice.email, panel.tenant["recruiter"].email])
    emails = sent_messages(app)[before:]
    assert len(emails) == 2 and panel.bob.email not in {str(email["To"]) for email in emails}
    text = emails[0].get_body(("plain",)).get_content()
    assert "Technical" in text and f"/dashboard/interviews/{panel.technical.id}/feedback" in text
    assert db.session.get(Interview, panel.technical.id).feedback_due_at is None
    assert _run(app) == 0  # claimed once


def test_a_cancelled_interview_reminds_no_one(app, panel):
    interviews.cancel(panel.tenant["recruiter"], panel.culture.id)
    db.session.commit()
    db.session.execute(
        Interview.__table__.update()
        .where(Interview.id == panel.culture.id)
        .values(feedback_due_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()
    assert _run(app) == 0
