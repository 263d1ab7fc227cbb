"""Delayed sends: a rejection email waits for its time, can be cancelled, sent now or undone, and goes out once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.mail import delivery, service
from app.mail.sweep import sweep
from app.models import OutboxMessage
from app.models.base import utcnow
from app.services import applications, undo
from tests.mail.conftest import work
from tests.web.conftest import csrf, login


@pytest.fixture
def delayed_app(mail_app):
    mail_app.config["MAIL_REJECTION_DELAY"] = 3600
    return mail_app


def _rejection() -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "stage_rejected")).one()


def _delivered(smtp_server, message: OutboxMessage) -> int:
    """How many times the SMTP server received this outbox message."""
    return sum(1 for _sender, _rcpts, sent in smtp_server.messages if message.message_id in sent["Message-ID"])


def _come_due(message: OutboxMessage) -> None:
    """An hour passes for this message: it was written an hour ago and is due since a second."""
    now = utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(due_at=now - timedelta(seconds=1), updated_at=now - timedelta(hours=1))
    )
    db.session.commit()
    db.session.expire_all()


def _reject(tenant, application) -> None:
    applications.move_stage(tenant["recruiter"], application.id, "rejected", reason="Position filled")
    db.session.commit()


def test_a_rejection_waits_for_its_time_then_goes_out_once(delayed_app, factory, smtp_server):
    tenant, candidate = factory.tenant(), factory.candidate()
    application = factory.application(candidate, tenant["job"])
    work(delayed_app)
    _reject(tenant, application)
    message = _rejection()
    assert message.status == "pending" and message.waiting
    assert 3500 < (message.due_at - message.created_at).total_seconds() <= 3600

    work(delayed_app)  # nothing was queued for it
    assert sweep(grace_seconds=0) == 0  # and the sweep leaves it until it is due
    assert delivery.deliver(message.id) == "skipped"  # a job handed on early sends nothing
    assert _delivered(smtp_server, message) == 0

    _come_due(message)
    assert sweep(grace_seconds=3600) == 1  # due since it was last touched: handed on at once, grace or not
    assert sweep(grace_seconds=3600) == 0
    work(delayed_app)
    assert _delivered(smtp_server, message) == 1
    db.session.refresh(message)
    assert message.status == "sent"


def test_undoing_the_rejection_cancels_its_waiting_email(delayed_app, factory, smtp_server):
    tenant, candidate = factory.tenant(), factory.candidate()
    application = factory.application(candidate, tenant["job"])
    applications.move_stage(tenant["recruiter"], application.id, "screening")
    db.session.commit()
    work(delayed_app)  # the screening email goes out at once
    _reject(tenant, application)
    assert undo.undo_move(tenant["recruiter"], application.id).stage == "screening"
    db.session.commit()
    message = _rejection()
    assert message.status == "cancelled"
    _come_due(message)
    sweep(grace_seconds=0)
    work(delayed_app)
    assert _delivered(smtp_server, message) == 0


def test_send_now_and_cancel(delayed_app, factory, smtp_server):
    tenant, candidate = factory.tenant(), factory.candidate()
    first = factory.application(candidate, tenant["job"])
    _reject(tenant, first)
    message = _rejection()
    service.send_now(tenant["recruiter"], message.id)
    db.session.commit()
    work(delayed_app)
    db.session.refresh(message)
    assert message.status == "sent" and message.due_at is None
    with pytest.raises(Conflict):
        service.cancel_message(tenant["recruiter"], message.id)

    second = factory.application(factory.candidate(), tenant["job"])
    _reject(tenant, second)
    waiting = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "stage_rejected", OutboxMessage.status == "pending")
    ).one()
    with pytest.raises(Forbidden):
        service.cancel_message(tenant["hiring_manager"], waiting.id)
    with pytest.raises(NotFound):
        service.cancel_message(factory.tenant()["admin"], waiting.id)
    with pytest.raises(Conflict):
        service.retry_message(tenant["admin"], waiting.id)  # waiting is not stuck
    service.cancel_message(tenant["admin"], waiting.id)
    db.session.commit()
    _come_due(waiting)
    sweep(grace_seconds=0)
    work(delayed_app)
    db.session.refresh(waiting)
    assert waiting.status == "cancelled" and "Cancelled by" in waiting.last_error


def test_the_mail_page_shows_waiting_mail_with_its_buttons(delayed_app, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    _reject(tenant, application)
    message = _rejection()
    client = delayed_app.test_client()
    login(client, tenant["recruiter"])
    page = client.get("/dashboard/mail?status=pending").get_data(as_text=True)
    assert "waiting" in page and f"/dashboard/mail/{message.id}/cancel" in page and "Send now" in page
    # Not rendered yet (the worker renders it when it goes), yet its subject shows: written with it.
    assert message.text_body is None and f"<td>{message.subject}" in page
    token = csrf(client, "/dashboard/mail")
    assert client.post(f"/dashboard/mail/{message.id}/cancel").status_code == 400  # no CSRF token
    response = client.post(f"/dashboard/mail/{message.id}/cancel", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "cancelled"
    again = client.post(f"/dashboard/mail/{message.id}/send-now", data={"csrf_token": token}, follow_redirects=True)
    assert "only a message waiting to go can be changed" in again.get_data(as_text=True)
