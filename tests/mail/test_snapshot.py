"""Messages are rendered by the worker, at send time, from the snapshot written with them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail import delivery, queue
from app.mail.compose import render
from app.mail.outbox import add_messages
from app.models import OutboxMessage
from app.services import applications, jobs
from tests.mail.conftest import work


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _rows(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def _lf(text: str) -> str:
    """A body as SMTP carried it (CRLF) with the line ends the row keeps."""
    return text.replace("\r\n", "\n")


def _received(smtp_server, to: str) -> list:
    return [message for _sender, rcpts, message in smtp_server.messages if to in rcpts]


def test_the_request_writes_a_snapshot_and_no_body(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate("Ada Lovelace")
    application = factory.application(candidate, tenant["job"])
    applications.move_stage(tenant["recruiter"], application.id, "screening", note="INTERNAL-NOTE")
    db.session.commit()

    (move,) = _rows("stage_screening")
    assert (move.status, move.template, move.text_body, move.html_body) == (
        "pending", "company:stage_screening", None, None,
    )  # fmt: skip
    assert move.subject == f"Your application for {tenant['job'].title} is being reviewed"  # for the mail page
    # The documented merge fields (email_templates.merge_fields) and the languages to pick the template in.
    assert move.context == {
        "candidate": {"first_name": "Ada", "full_name": "Ada Lovelace"},
        "job": {"title": tenant["job"].title, "location": tenant["job"].location or ""},
        "company": {"name": tenant["company"].name},
        "stage": {"name": "Screening", "category": "screening"},
        "status_link": f"{mail_app.config['BASE_URL'].rstrip('/')}/me/applications/{application.id}",
        "status_link_private": False,
        "application_link": f"{mail_app.config['BASE_URL'].rstrip('/')}/dashboard/applications/{application.id}",
        "sender": {"name": tenant["recruiter"].full_name},
        "answers": [],
        "language": "en",
        "company_language": "en",
    }
    alerts = _rows("new_application")
    assert {a.context["staff_name"] for a in alerts} == {tenant["recruiter"].full_name, tenant["admin"].full_name}
    assert "INTERNAL-NOTE" not in json.dumps([r.context for r in _rows("stage_screening") + alerts])

    assert work(mail_app)
    move = _row(move.id)
    (email,) = _received(smtp_server, candidate.email)[-1:]
    # The row keeps what went out: the subject and both bodies, rendered by the worker.
    assert move.status == "sent" and email["Subject"] == move.subject
    assert _lf(email.get_body(("plain",)).get_content()) == move.text_body
    assert _lf(email.get_body(("html",)).get_content()) == move.html_body
    assert "Hello Ada Lovelace" in move.text_body and tenant["job"].title in move.html_body


def test_a_job_edited_after_queueing_does_not_change_the_queued_email(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate("Grace Hopper")
    old_title = tenant["job"].title
    work(mail_app)  # the invitations from building the tenant
    factory.application(candidate, tenant["job"])  # queued; the worker has not run yet
    jobs.update_job(tenant["admin"], tenant["job"].id, title="Renamed Role")
    db.session.commit()

    assert work(mail_app)
    (email,) = _received(smtp_server, candidate.email)
    assert email["Subject"] == f"Your application for {old_title} at {tenant['company'].name}"
    text = email.get_body(("plain",)).get_content()
    assert old_title in text and "Renamed Role" not in text
    assert "Renamed Role" not in email.get_body(("html",)).get_content()
    for alert in _rows("new_application"):
        assert alert.status == "sent" and old_title in alert.subject and "Renamed Role" not in alert.text_body


def test_retries_render_the_same_snapshot(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    work(mail_app)
    queue.get_queue(mail_app).empty()
    candidate = factory.candidate("Alan Turing")
    old_title = tenant["job"].title
    application = factory.application(candidate, tenant["job"])
    (row,) = _rows("application_received")
    queue.get_queue(mail_app).empty()  # this test runs the attempts itself

    smtp_server.refuse = True
    with pytest.raises(delivery.DeliveryDeferred):
        delivery.deliver(row.id)
    first = _row(row.id)
    assert (first.status, first.attempts, first.text_body) == ("pending", 1, None)  # nothing rendered is kept

    jobs.update_job(tenant["admin"], tenant["job"].id, title="Another Title")
    db.session.commit()
    smtp_server.refuse = False
    assert delivery.deliver(row.id) == "sent"
    (email,) = _received(smtp_server, candidate.email)
    assert old_title in email["Subject"] and old_title in email.get_body(("plain",)).get_content()
    sent = _row(row.id)
    assert sent.attempts == 2 and "Another Title" not in sent.text_body
    assert f"/me/applications/{application.id}" in sent.text_body


def _queue_broken(mail_app, template: str, context: dict) -> int:
    (message_id,) = add_messages(
        [
            {
                "kind": "test",
                "to_address": "someone@example.com",
                "to_name": "Someone",
                "company_id": None,
                "template": template,
                "subject": "Broken",
                "context": context,
            }
        ]
    )
    db.session.commit()
    return message_id


@pytest.mark.parametrize(
    ("template", "context", "error"),
    [
        ("no_such_template", {}, "TemplateNotFound"),
        ("password_reset", {"expires_hours": 2, "link": "https://x.example/r"}, "UndefinedError"),  # no `name`
    ],
)
def test_a_message_that_cannot_be_rendered_fails_once_and_for_good(
    mail_app, factory, smtp_server, template, context, error
):
    message_id = _queue_broken(mail_app, template, context)
    assert work(mail_app)
    row = _row(message_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("Rendering failed: ") and error in row.last_error
    assert smtp_server.messages == []
    mail_queue = queue.get_queue(mail_app)
    assert mail_queue.count == 0 and mail_queue.scheduled_job_registry.count == 0  # no retry scheduled

    # A retry from the mail page or the CLI renders the same snapshot again, and fails the same way.
    result = mail_app.test_cli_runner().invoke(args=["mail", "retry", str(message_id)])
    assert result.exit_code == 0
    assert work(mail_app)
    row = _row(message_id)
    assert (row.status, row.attempts) == ("failed", 1) and error in row.last_error


def test_a_message_written_rendered_is_sent_as_it_was(mail_app, smtp_server):
    rendered = render("password_reset", "Rendered first", name="Pat", expires_hours=2, link="https://x.example/r")
    snapshot = {"name": "Sam", "expires_hours": 2, "link": "https://x.example/s"}
    ids = add_messages(
        [
            {"kind": "a", "to_address": "pat@example.com", "to_name": "Pat", "company_id": None, "rendered": rendered},
            {
                "kind": "b",
                "to_address": "sam@example.com",
                "to_name": "Sam",
                "company_id": None,
                "template": "password_reset",
                "subject": "For {name}",
                "context": snapshot,
            },
        ]
    )  # both forms in one INSERT
    db.session.commit()
    assert work(mail_app)
    pat, sam = (_row(i) for i in ids)
    assert (pat.status, pat.subject, pat.text_body, pat.template, pat.context) == (
        "sent",
        "Rendered first",
        rendered.text,
        None,
        None,
    )
    (to_pat,) = _received(smtp_server, "pat@example.com")
    assert _lf(to_pat.get_body(("plain",)).get_content()) == rendered.text
    (to_sam,) = _received(smtp_server, "sam@example.com")
    assert to_sam["Subject"] == "For Sam" == sam.subject and "Hello Sam" in sam.text_body
    assert sam.context == snapshot  # a kind without status links keeps its snapshot as it was
