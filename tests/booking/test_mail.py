"""The offer email carries the private link to the candidate; our stored copy does not keep it."""

from __future__ import annotations

from app.extensions import db
from app.mail.compose import LINK_REMOVED
from app.services import booking
from tests.booking.helpers import future, iso, offer_mail
from tests.mail.conftest import work


def test_the_delivered_mail_has_the_link_and_the_kept_copy_does_not(mail_app, factory, smtp_server):
    acme = factory.tenant()
    application = factory.application(factory.candidate("Ada"), acme["job"])
    work(mail_app)
    smtp_server.messages.clear()
    offered = booking.offer(
        acme["recruiter"], application.id, slots=[iso(future(30)), iso(future(31))], timezone="America/New_York",
        interviewer_ids=[acme["hiring_manager"].id], title="Technical",
    )  # fmt: skip
    db.session.commit()
    work(mail_app)
    (message,) = [m for _s, rcpts, m in smtp_server.messages if application.candidate.email in rcpts]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"/book/{offered.token}"
    assert link in text and link in html
    assert "America/New_York" in text and "Technical" in html
    db.session.expire_all()
    row = offer_mail()
    assert row.status == "sent"
    assert offered.token not in row.text_body and offered.token not in (row.html_body or "")
    assert row.context["link"] == LINK_REMOVED
