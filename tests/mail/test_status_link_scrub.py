"""A private status link leaves in the email and does not stay in our copy once it is sent."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.mail.compose import LINK_REMOVED, scrubbed_bodies, scrubbed_context
from app.models import OutboxMessage
from app.services import status_links
from tests.guests import apply_as_guest
from tests.mail.conftest import work

GINA = "gina@people.example"


def _rows(to: str, kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == to, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
    )


def _link(context: dict) -> str:
    return context["status_link"] if "status_link" in context else context["link"]


def _delivered(smtp_server, to: str) -> list[tuple[str, str]]:
    """(text, html) of every message the SMTP server accepted for `to`, in order."""
    return [
        (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())
        for _sender, rcpts, message in smtp_server.messages
        if to in rcpts
    ]


def test_sent_rows_keep_no_status_link_while_the_delivered_mail_has_it(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    work(mail_app)  # the staff invitations from building the tenant
    smtp_server.messages.clear()

    submission, first = apply_as_guest(tenant["job"].id, email=GINA)
    db.session.commit()
    (pending,) = _rows(GINA, "application_received")
    # Until it is sent, the row's snapshot holds the link: every attempt renders it. No body yet.
    assert pending.status == "pending" and first in pending.context["status_link"]
    assert pending.context["status_link_private"] is True
    assert pending.template == "company:application_received"
    assert pending.text_body is None and pending.html_body is None

    status_links.reissue(tenant["recruiter"], submission.application.id)
    db.session.commit()
    _again, third = apply_as_guest(tenant["job"].id, email=GINA)  # applying again: a fresh link by email
    db.session.commit()
    assert work(mail_app)

    delivered = _delivered(smtp_server, GINA)
    assert len(delivered) == 3
    sent_rows = [
        *_rows(GINA, "application_received"),
        *_rows(GINA, "status_link"),
        *_rows(GINA, "application_repeated"),
    ]
    tokens = []
    for row, (text, html) in zip(sent_rows, delivered, strict=True):
        token = text.split("/status/")[1].split()[0]
        tokens.append(token)
        assert f"/status/{token}" in html  # the person got the link in both parts
        assert row.status == "sent"
        assert token not in row.text_body and token not in row.html_body, row.kind
        assert "/status/" not in row.text_body and "/status/" not in row.html_body, row.kind
        assert LINK_REMOVED in row.text_body and LINK_REMOVED in row.html_body, row.kind
        assert row.subject and "Hello" in row.text_body  # the rest of the copy is kept
        # Nor does the snapshot it was rendered from: no stored column keeps the token.
        # (the confirmation's merge fields, or a system template's names for the other two kinds)
        assert token not in json.dumps(row.context) and _link(row.context) == LINK_REMOVED, row.kind
        assert tenant["job"].title in json.dumps(row.context)
    assert tokens[0] == first and tokens[2] == third and tokens[1] not in (first, third)

    # Staff alerts carry no private link; they are kept as they were sent.
    alerts = _rows(tenant["recruiter"].email, "new_application")
    assert alerts and all(f"/dashboard/applications/{submission.application.id}" in a.text_body for a in alerts)
    assert all(LINK_REMOVED not in a.text_body for a in alerts)
    assert all(a.context["link"].endswith(f"/dashboard/applications/{submission.application.id}") for a in alerts)


def test_a_signed_in_candidates_confirmation_keeps_its_portal_link(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate("Ada")
    application = factory.application(candidate, tenant["job"])
    assert work(mail_app)
    (row,) = _rows(candidate.email, "application_received")
    assert row.status == "sent" and f"/me/applications/{application.id}" in row.text_body
    assert LINK_REMOVED not in row.text_body


def test_only_status_links_of_the_kinds_that_carry_them_are_removed():
    text = "Follow it at https://ats.example/status/" + "a" * 43 + " and see /status/page."
    html = '<a href="https://ats.example/status/' + "b" * 43 + '">open</a>'
    kept = scrubbed_bodies("status_link", text, html)
    assert kept == {
        "text_body": f"Follow it at {LINK_REMOVED} and see /status/page.",
        "html_body": f'<a href="{LINK_REMOVED}">open</a>',
    }
    assert scrubbed_bodies("stage_update", text, html) == {}  # no private link in other kinds
    assert scrubbed_bodies("status_link", "No link here.", None) == {}  # nothing to change


def test_status_links_in_a_snapshot_are_replaced_wherever_they_sit():
    link = "https://ats.example/status/" + "c" * 43
    context = {"link": link, "private": True, "answers": [{"label": "Site", "value": f"see {link}"}], "n": 3}
    assert scrubbed_context("application_received", context) == {
        "link": LINK_REMOVED,
        "private": True,
        "answers": [{"label": "Site", "value": f"see {LINK_REMOVED}"}],
        "n": 3,
    }
    assert scrubbed_context("stage_screening", context) is context  # other kinds keep their snapshot
    assert scrubbed_context("status_link", None) is None
