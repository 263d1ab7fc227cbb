"""Replies by email, end to end with the real parts.

The outgoing path is the real one (the request commits, RQ on Redis, the mail
worker, an aiosmtpd server that keeps what it receives); the Reply-To address is
read from the message that server got. The reply goes back with smtplib to the
real receiver (app/mail/inbound.py, an aiosmtpd Controller on a free loopback
port) that stores it in the test database.
"""

from __future__ import annotations

import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.inbound import make_controller
from app.models import Application, InboundMessage, OutboxMessage, ReplyAddress, StoredFile
from app.services import replies
from tests.api.conftest import pdf_bytes
from tests.mail.conftest import add_test_routes, login, mail_settings, work
from tests.plugins.services import _closed_port

DOMAIN = "replies.ats.example"


@pytest.fixture
def reply_app(app, make_app, redis_url, redis_prefix, smtp_server):
    """The mail app of tests/mail (Redis, the worker, SMTP to aiosmtpd) with replies on."""
    made = make_app(
        **mail_settings(redis_url, redis_prefix, smtp_server),
        MAIL_REPLY_DOMAIN=DOMAIN,
        MAIL_INBOUND_MAX_BYTES=1024 * 1024,
        STORAGE_BACKEND="database",
    )
    add_test_routes(made)
    with made.app_context():
        yield made
        db.session.rollback()


@pytest.fixture
def receiver(reply_app):
    """The real reply receiver on a free loopback port."""
    controller = make_controller(reply_app, host="127.0.0.1", port=_closed_port())
    controller.start()
    yield controller
    controller.stop()


def _apply(reply_app, factory, smtp_server):
    """A candidate applies through a request; the worker sends; the confirmation as the SMTP server got it."""
    tenant = factory.tenant()
    candidate = factory.candidate("Ada Lovelace")
    work(reply_app)  # the staff invitations
    smtp_server.messages.clear()
    response = reply_app.test_client().post(f"/_test/apply/{tenant['job'].id}/{candidate.id}")
    assert response.status_code == 201
    assert work(reply_app)
    (confirmation,) = [m for _s, rcpts, m in smtp_server.messages if candidate.email in rcpts]
    return tenant, candidate, response.get_json()["id"], confirmation


def _reply(
    to: str,
    *,
    sender: str = "cand@example.com",
    text: str | None = "Thank you! I can start in March.",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
    extra: dict | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Ada Lovelace <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: Your application"
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for key, value in (extra or {}).items():
        message[key] = value
    if text is not None:
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html or "<p>Only HTML</p>", subtype="html")
    for filename, data, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _send(receiver, message: EmailMessage) -> None:
    db.session.rollback()  # the test's own read transaction must not hold SQLite's lock
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client:
        client.send_message(message)


def _stored() -> list[InboundMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_a_reply_to_a_real_outgoing_message_appears_on_the_application(reply_app, receiver, factory, smtp_server):
    tenant, candidate, application_id, confirmation = _apply(reply_app, factory, smtp_server)
    reply_to = confirmation["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("reply+") and reply_to.endswith(f"@{DOMAIN}")
    token = replies.token_of(reply_to, DOMAIN)
    assert token is not None and len(token) == 32  # 160 bits
    assert "replies reach the hiring team" in confirmation.get_body(("plain",)).get_content()
    # Staff alerts about the same application carry no reply address.
    alerts = [m for _s, rcpts, m in smtp_server.messages if tenant["recruiter"].email in rcpts]
    assert alerts and all(m["Reply-To"] is None for m in alerts)
    smtp_server.messages.clear()

    quoted = "Thank you! I can start in March.\n\nOn Tue, 1 Dec 2026, ATS wrote:\n> Hello Ada Lovelace,\n> Thanks\n"
    _send(receiver, _reply(reply_to, sender=candidate.email, text=quoted, in_reply_to=confirmation["Message-ID"]))

    (stored,) = _stored()
    assert stored.application_id == application_id and stored.company_id == tenant["company"].id
    assert stored.text_body == "Thank you! I can start in March."  # the quoted history is trimmed
    assert stored.from_address == candidate.email and stored.from_name == "Ada Lovelace"
    assert stored.in_reply_to == confirmation["Message-ID"]
    answered = db.session.get(OutboxMessage, stored.outbox_message_id)
    assert answered.message_id == confirmation["Message-ID"]

    # Readable through the service, both doors.
    page = replies.page_for_application(tenant["hiring_manager"], application_id)
    assert [r.id for r in page.items] == [stored.id]
    activity = replies.for_activity(tenant["company"].id, application_id, 10)
    assert activity[0].kind == "reply" and activity[0].text == stored.text_body
    client = reply_app.test_client()
    login(client, tenant["recruiter"])
    page_html = client.get(f"/dashboard/applications/{application_id}").get_data(as_text=True)
    assert "I can start in March." in page_html and 'id="replies"' in page_html

    # The staff are told by email (the confirmation had no writer: the recruiters and admins).
    assert work(reply_app)
    told = {rcpt for _s, rcpts, m in smtp_server.messages for rcpt in rcpts if "Reply from" in m["Subject"]}
    assert told == {tenant["recruiter"].email, tenant["admin"].email}
    assert all(m["Reply-To"] is None for _s, _r, m in smtp_server.messages)


def test_a_reply_to_a_message_a_staff_member_wrote_tells_that_member(reply_app, receiver, factory, smtp_server):
    from app.mail.compose import Rendered
    from app.mail.outbox import add_messages

    tenant, candidate, application_id, _confirmation = _apply(reply_app, factory, smtp_server)
    manager = tenant["hiring_manager"]
    (outbox_id,) = add_messages(
        [
            {
                "kind": "staff_message",
                "to_address": candidate.email,
                "to_name": candidate.full_name,
                "company_id": tenant["company"].id,
                "application_id": application_id,
                "sent_by_id": manager.id,
                "rendered": Rendered(subject="A question", text="When could you start?", html=None),
            }
        ]
    )
    db.session.commit()
    smtp_server.messages.clear()
    assert work(reply_app)
    (question,) = [m for _s, rcpts, m in smtp_server.messages if candidate.email in rcpts]
    smtp_server.messages.clear()

    reply_to = question["Reply-To"].addresses[0].addr_spec
    _send(receiver, _reply(reply_to, sender=candidate.email, in_reply_to=question["Message-ID"]))
    (stored,) = _stored()
    assert stored.outbox_message_id == outbox_id
    assert work(reply_app)
    told = [rcpts for _s, rcpts, m in smtp_server.messages if "Reply from" in m["Subject"]]
    assert told == [[manager.email]]


def _refused_at_rcpt(receiver, to: str) -> tuple[int, bytes]:
    db.session.rollback()
    with (
        smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused) as refused,
    ):
        client.send_message(_reply(to))
    return refused.value.recipients[to]


def test_forged_tokens_and_other_domains_are_refused_at_rcpt(reply_app, receiver, factory, smtp_server):
    _tenant, _candidate, _application_id, confirmation = _apply(reply_app, factory, smtp_server)
    real = confirmation["Reply-To"].addresses[0].addr_spec
    forged = f"reply+{replies.new_token()}@{DOMAIN}"
    code, text = _refused_at_rcpt(receiver, forged)
    assert code == 550 and b"no such reply address" in text
    code, _text = _refused_at_rcpt(receiver, real.replace(DOMAIN, "other.example"))
    assert code == 550
    code, _text = _refused_at_rcpt(receiver, f"someone@{DOMAIN}")
    assert code == 550
    assert _stored() == []


def test_a_revoked_reply_address_is_refused_and_the_next_message_gets_a_new_one(
    reply_app, receiver, factory, smtp_server
):
    tenant, candidate, application_id, confirmation = _apply(reply_app, factory, smtp_server)
    old = confirmation["Reply-To"].addresses[0].addr_spec
    replies.revoke(tenant["recruiter"], application_id)
    db.session.commit()

    code, text = _refused_at_rcpt(receiver, old)
    assert code == 550 and b"revoked" in text
    assert _stored() == []

    # The next email about the application carries a new, working address.
    from app.services import status_links

    smtp_server.messages.clear()
    status_links.reissue(tenant["recruiter"], application_id)
    db.session.commit()
    assert work(reply_app)
    (link_mail,) = [m for _s, rcpts, m in smtp_server.messages if candidate.email in rcpts]
    new = link_mail["Reply-To"].addresses[0].addr_spec
    assert new != old
    _send(receiver, _reply(new, sender=candidate.email))
    assert len(_stored()) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReplyAddress)) == 2


def test_oversized_mail_is_refused_with_552_and_nothing_is_stored(reply_app, make_app, factory, smtp_server):
    big_app = make_app(**{**reply_app.config, "MAIL_INBOUND_MAX_BYTES": 10 * 1024 * 1024})
    controller = make_controller(big_app, host="127.0.0.1", port=_closed_port())
    controller.start()
    try:
        _tenant, candidate, _application_id, confirmation = _apply(reply_app, factory, smtp_server)
        reply_to = confirmation["Reply-To"].addresses[0].addr_spec
        thirty_mb = pdf_bytes() + b"0" * (30 * 1024 * 1024)
        message = _reply(reply_to, sender=candidate.email, attachments=[("cv.pdf", thirty_mb, "application/pdf")])
        raw = message.as_bytes(policy=policy.SMTP)  # CRLF line ends, as a mail server sends them
        db.session.rollback()
        # A client that declares the size (SIZE, which the receiver advertises) is refused at MAIL FROM...
        with smtplib.SMTP(controller.hostname, controller.port, timeout=60) as client:
            with pytest.raises(smtplib.SMTPSenderRefused) as refused:
                client.sendmail(candidate.email, [reply_to], raw)
            assert refused.value.smtp_code == 552
        # ...and one that does not is refused after DATA.
        with smtplib.SMTP(controller.hostname, controller.port, timeout=60) as client:
            client.ehlo()
            assert client.mail(candidate.email)[0] == 250
            assert client.rcpt(reply_to)[0] == 250
            code, _text = client.data(raw)
            assert code == 552
    finally:
        controller.stop()
    assert _stored() == []


def test_a_mail_without_a_text_part_is_refused(reply_app, receiver, factory, smtp_server):
    _tenant, candidate, _application_id, confirmation = _apply(reply_app, factory, smtp_server)
    reply_to = confirmation["Reply-To"].addresses[0].addr_spec
    db.session.rollback()
    with (
        smtplib.SMTP(receiver.hostname, receiver.port, timeout=30) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.send_message(_reply(reply_to, sender=candidate.email, text=None, html="<p>Hi</p>"))
    assert refused.value.smtp_code == 550 and b"text part" in refused.value.smtp_error
    assert _stored() == []


def test_a_duplicate_message_id_is_stored_once(reply_app, receiver, factory, smtp_server):
    _tenant, candidate, _application_id, confirmation = _apply(reply_app, factory, smtp_server)
    reply_to = confirmation["Reply-To"].addresses[0].addr_spec
    message_id = make_msgid(domain="mail.example.com")
    for _ in range(3):
        _send(receiver, _reply(reply_to, sender=candidate.email, message_id=message_id))
    assert len(_stored()) == 1
    assert work(reply_app)
    told = [m for _s, _r, m in smtp_server.messages if "Reply from" in m["Subject"]]
    assert len(told) == 2  # the recruiter and the admin, once


def test_attachments_are_checked_by_their_bytes(reply_app, receiver, factory, smtp_server):
    _tenant, candidate, application_id, confirmation = _apply(reply_app, factory, smtp_server)
    reply_to = confirmation["Reply-To"].addresses[0].addr_spec
    files = [
        ("cv.pdf", pdf_bytes(), "application/pdf"),
        ("fake.pdf", b"MZ\x90\x00 this is a Windows program", "application/pdf"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
    ]
    _send(receiver, _reply(reply_to, sender=candidate.email, attachments=files))
    (stored,) = _stored()
    assert [(a["filename"], a["content_type"]) for a in stored.attachments] == [
        ("cv.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    assert stored.dropped == [{"filename": "fake.pdf", "reason": "not a PDF, DOCX or image file"}]
    # Kept through the storage backend (the database here), in the reply's transaction.
    keys = {a["key"] for a in stored.attachments}
    assert set(db.session.scalars(select(StoredFile.key).where(StoredFile.key.in_(keys)))) == keys
    assert db.session.get(Application, application_id) is not None


def test_without_a_reply_domain_no_message_carries_a_reply_address(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate()
    response = mail_app.test_client().post(f"/_test/apply/{tenant['job'].id}/{candidate.id}")
    assert response.status_code == 201
    assert work(mail_app)
    sent = [m for _s, _r, m in smtp_server.messages]
    assert sent and all(m["Reply-To"] is None for m in sent)
    assert any("replies are not read" in m.get_body(("plain",)).get_content() for m in sent)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReplyAddress)) == 0


def test_a_reply_address_that_went_out_is_kept_when_sent_is_recorded_on_a_fresh_connection(reply_app, factory):
    """The database dropped the claim's transaction after the server took the message: the token is made again."""
    from types import SimpleNamespace

    from app.mail import delivery

    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    (row,) = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.application_id == application.id, OutboxMessage.kind == "application_received"
        )
    )
    token = replies.new_token()
    claimed = SimpleNamespace(application_id=application.id, company_id=application.company_id)
    db.session.commit()
    delivery._record_sent(row.id, {}, claimed, replies.reply_address(token, DOMAIN))
    db.session.rollback()
    assert db.session.get(OutboxMessage, row.id).status == "sent"
    assert replies.resolve(replies.reply_address(token, DOMAIN), DOMAIN).application_id == application.id
