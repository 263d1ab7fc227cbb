"""Candidates read the emails sent to them on their pages: never notes, staff mail, waiting or cancelled ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.services import applications, messages, status_links
from tests.guests import guest_link
from tests.web.conftest import login


def _write(staff, application_id: int, subject: str, **extra):
    view = messages.send(staff, application_id, subject=subject, body="Hi {{ candidate.first_name }} <b>!</b>", **extra)
    db.session.commit()
    return view


def test_the_account_page_shows_sent_messages_and_nothing_staff_only(app, client, factory):
    tenant = factory.tenant()
    ada = factory.candidate("Ada")
    application = factory.application(ada, tenant["job"])
    recruiter = tenant["recruiter"]
    _write(recruiter, application.id, "Sent <now>")
    later = datetime.now(UTC) + timedelta(hours=2)
    _write(recruiter, application.id, "Waiting one", send_at=later)
    cancelled = _write(recruiter, application.id, "Cancelled one", send_at=later)
    messages.cancel(recruiter, application.id, cancelled.id)
    applications.add_note(recruiter, application.id, "Secret staff note")
    db.session.commit()

    login(client, ada)
    html = client.get(f"/me/applications/{application.id}").get_data(as_text=True)
    assert "Sent &lt;now&gt;" in html and "Hi Ada &lt;b&gt;!&lt;/b&gt;" in html
    assert "replies are not read" not in html and "--" not in html.split('id="messages"')[1].split("</section>")[0]
    for hidden in ("Waiting one", "Cancelled one", "Secret staff note", "New application:"):
        assert hidden not in html
    assert "Your application for" in html  # the confirmation they were sent is listed too

    other = factory.candidate("Bob")
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    login(client, other)
    assert client.get(f"/me/applications/{application.id}").status_code == 404


def _token(client) -> str:
    from tests.web.conftest import csrf

    return csrf(client)


def test_the_private_link_page_shows_sent_messages(app, client, factory):
    tenant = factory.tenant()
    token = guest_link(tenant["job"].id, name="Gus Guest")
    db.session.commit()
    application = status_links.open_link(token)
    _write(tenant["hiring_manager"], application.id, "For {{ candidate.first_name }}")
    applications.add_note(tenant["recruiter"], application.id, "Private note")
    db.session.commit()
    html = client.get(f"/status/{token}").get_data(as_text=True)
    assert "For Gus" in html and "Hi Gus" in html and "Private note" not in html
