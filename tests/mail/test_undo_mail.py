"""Undoing a move withdraws its candidate email while it waits in the queue, and never after it left."""

import pytest
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.models import OutboxMessage
from app.services import applications, undo
from tests.mail.conftest import work


def _to(smtp_server, address: str) -> list:
    return [message for _sender, rcpts, message in smtp_server.messages if address in rcpts]


def test_undo_cancels_the_waiting_email_and_the_worker_skips_it(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    work(mail_app)
    smtp_server.messages.clear()

    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()  # queued on Redis; no worker has run
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.stage_change_id.is_not(None))).one()
    assert message.status == "pending"

    undo.undo_move(tenant["recruiter"], application.id)
    db.session.commit()
    db.session.refresh(message)
    assert message.status == "cancelled"

    work(mail_app)
    assert _to(smtp_server, candidate.email) == []
    db.session.refresh(message)
    assert message.status == "cancelled"


def test_once_the_worker_sent_it_the_move_stays(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    work(mail_app)
    assert len(_to(smtp_server, candidate.email)) == 2  # the confirmation and the screening news
    with pytest.raises(Conflict):
        undo.undo_move(tenant["recruiter"], application.id)
    db.session.rollback()
    assert db.session.get(type(application), application.id).stage == "screening"
