"""A sent offer's email goes through the outbox and the real worker to SMTP, rendered there."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.api.conftest import ApiClient
from tests.mail.conftest import work
from tests.offers.conftest import make_offer


def test_the_worker_sends_the_offer_email_with_the_link_to_answer(mail_app, hiring, token, smtp_server):
    work(mail_app)  # the invitations, the confirmation and the stage emails
    smtp_server.messages.clear()
    offer = make_offer(hiring, status="approved")
    api = ApiClient(mail_app.test_client())
    assert api.post(f"/offers/{offer.id}/send", json={}, token=token(hiring["recruiter"])).status_code == 200
    assert smtp_server.messages == []  # the request only queued it

    work(mail_app)
    ((_sender, rcpts, email),) = smtp_server.messages
    assert rcpts == [hiring["candidate"].email]
    assert str(email["Subject"]) == f"Your offer from {hiring['company'].name}: {hiring['job'].title}"
    text = email.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Hello Ada Lovelace,") and f"/me/applications/{hiring['application'].id}" in text
    html = email.get_body(("html",)).get_content()
    assert "Read your offer" in html
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "offer_sent")).one()
    assert row.status == "sent" and row.sent_by_id == hiring["recruiter"].id
