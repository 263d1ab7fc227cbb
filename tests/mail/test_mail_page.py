"""The staff mail page and the services behind it: scoping, roles, CSRF."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.mail import service
from app.models import OutboxMessage
from tests.mail.conftest import login


def _fail(message: OutboxMessage) -> OutboxMessage:
    message.status, message.last_error, message.attempts = "failed", "SMTPDataError: (451, b'try later')", 5
    db.session.commit()
    return message


@pytest.fixture
def client(app, make_app):
    """A client of a second app on the same database, so each request gets its own app context.

    (Requests through the `app` fixture's client would share that fixture's
    long-lived app context, and with it Flask-Login's cached user in `g`.)
    """
    return make_app().test_client()


@pytest.fixture
def two_companies(factory):
    ours = factory.tenant()
    theirs = factory.tenant()
    candidate = factory.candidate()
    factory.application(candidate, ours["job"])
    factory.application(candidate, theirs["job"])
    rows = list(db.session.scalars(select(OutboxMessage)))
    ours["messages"] = [r for r in rows if r.company_id == ours["company"].id]
    theirs["messages"] = [r for r in rows if r.company_id == theirs["company"].id]
    return ours, theirs


def test_list_is_scoped_to_the_company_and_filters_by_status(two_companies):
    ours, theirs = two_companies
    failed = _fail(ours["messages"][0])
    for role in ("admin", "recruiter"):
        page = service.list_messages(ours[role])
        assert {m.id for m in page.items} == {m.id for m in ours["messages"]}
        assert [m.id for m in service.list_messages(ours[role], status="failed").items] == [failed.id]
    assert {m.id for m in service.list_messages(theirs["admin"]).items} == {m.id for m in theirs["messages"]}
    with pytest.raises(ValidationFailed):
        service.list_messages(ours["admin"], status="bounced")


def test_pages_walk_every_message_once(two_companies):
    ours, _ = two_companies
    seen, cursor = [], None
    while True:
        page = service.list_messages(ours["admin"], limit=2, cursor=cursor)
        seen += [m.id for m in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted((m.id for m in ours["messages"]), reverse=True)


def test_hiring_managers_and_candidates_may_not(two_companies, factory):
    ours, _ = two_companies
    with pytest.raises(Forbidden):
        service.list_messages(ours["hiring_manager"])
    with pytest.raises(Forbidden):
        service.list_messages(factory.candidate())
    with pytest.raises(Forbidden):
        service.retry_message(ours["hiring_manager"], _fail(ours["messages"][0]).id)


def test_retry_is_scoped_and_refuses_sent_messages(app, two_companies):
    ours, theirs = two_companies
    with pytest.raises(NotFound):
        service.retry_message(ours["admin"], _fail(theirs["messages"][0]).id)
    with pytest.raises(NotFound):
        service.retry_message(ours["hiring_manager"], theirs["messages"][0].id)  # not visible beats not allowed
    with pytest.raises(Conflict):
        service.retry_message(ours["admin"], ours["messages"][1].id)  # already sent
    failed = _fail(ours["messages"][0])
    retried = service.retry_message(ours["recruiter"], failed.id)
    assert (retried.status, retried.attempts) == ("pending", 0)
    db.session.commit()  # delivered after the commit (in-process here)
    db.session.refresh(retried)
    assert retried.status == "sent"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_page_lists_own_company_mail_without_bodies(client, two_companies):
    ours, theirs = two_companies
    login(client, ours["recruiter"])
    response = client.get("/dashboard/mail")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for message in ours["messages"]:
        assert message.to_address in html
    their_staff = {m.to_address for m in theirs["messages"]} - {m.to_address for m in ours["messages"]}
    assert their_staff and not any(address in html for address in their_staff)
    assert theirs["company"].name not in html
    assert "set-password" not in html  # bodies carry invitation links: never shown
    assert client.get("/dashboard/mail?status=nope").status_code == 422


def test_the_page_needs_a_signed_in_admin_or_recruiter(client, two_companies):
    ours, _ = two_companies
    _assert_sent_to_login(client.get("/dashboard/mail"))
    login(client, ours["hiring_manager"])
    assert client.get("/dashboard/mail").status_code == 403


def test_a_stale_session_is_signed_out(client, two_companies):
    ours, _ = two_companies
    login(client, ours["admin"])
    ours["admin"].auth_version += 1  # a password change elsewhere
    db.session.commit()
    _assert_sent_to_login(client.get("/dashboard/mail"))


def _assert_sent_to_login(response):
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_retry_from_the_page_needs_the_csrf_token(client, two_companies):
    ours, theirs = two_companies
    failed = _fail(ours["messages"][0])
    login(client, ours["admin"])
    assert client.post(f"/dashboard/mail/{failed.id}/retry").status_code == 400
    db.session.refresh(failed)
    assert failed.status == "failed"

    token = _csrf(client.get("/dashboard/mail?status=failed").get_data(as_text=True))
    other = _fail(theirs["messages"][0])
    assert client.post(f"/dashboard/mail/{other.id}/retry", data={"csrf_token": token}).status_code == 404
    response = client.post(f"/dashboard/mail/{failed.id}/retry?status=failed", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/dashboard/mail?status=failed")
    db.session.refresh(failed)
    assert failed.status == "sent"
    assert f"Message #{failed.id} will be sent again." in client.get(response.location).get_data(as_text=True)
