"""The application page's Replies section: escaped text, the revoke form (CSRF, roles, tenancy)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import replies
from tests.web.conftest import login, post

DOMAIN = "replies.example"


@pytest.fixture
def replied(make_app, factory):
    """An app with replies on, and an application with a live address and a reply full of markup."""
    app = make_app(MAIL_REPLY_DOMAIN=DOMAIN)
    with app.app_context():
        tenant = factory.tenant()
        application = factory.application(factory.candidate("Ada"), tenant["job"])
        token = replies.live_token(db.session.connection(), application.id, application.company_id)
        db.session.commit()
        target = replies.resolve(replies.reply_address(token, DOMAIN), DOMAIN)
        reply = replies.Reply(
            from_address="ada@example.com",
            from_name="<i>Ada</i>",
            subject="Re: <b>hello</b>",
            text="<script>alert(1)</script>\nSecond line",
            message_id="<1@mail.example>",
            in_reply_to=None,
        )
        replies.store([target], reply)
        yield app, tenant, application, replies.reply_address(token, DOMAIN)
        db.session.rollback()
        from tests.conftest import _wipe

        _wipe()


def test_replies_are_shown_escaped(replied):
    app, tenant, application, _address = replied
    client = app.test_client()
    login(client, tenant["hiring_manager"])
    html = client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;i&gt;Ada&lt;/i&gt;" in html and "Re: &lt;b&gt;hello&lt;/b&gt;" in html
    assert "Revoke reply address" not in html  # hiring managers do not manage reply addresses


def test_a_recruiter_revokes_the_reply_address_from_the_page(replied):
    app, tenant, application, address = replied
    client = app.test_client()
    login(client, tenant["recruiter"])
    url = f"/dashboard/applications/{application.id}/reply-address/revoke"
    assert "Revoke reply address" in client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert client.post(url).status_code in (302, 400)  # no CSRF token: nothing happens
    replies.resolve(address, DOMAIN)
    response = post(client, url)
    assert response.status_code == 302 and response.headers["Location"].endswith("#replies")
    db.session.rollback()
    with pytest.raises(replies.Refused):
        replies.resolve(address, DOMAIN)
    page = post(client, url, follow_redirects=True).get_data(as_text=True)
    assert "no working reply address" in page


def test_staff_of_another_company_cannot_revoke(replied, factory):
    app, _tenant, application, address = replied
    other = factory.tenant()
    client = app.test_client()
    login(client, other["admin"])
    assert post(client, f"/dashboard/applications/{application.id}/reply-address/revoke").status_code == 404
    db.session.rollback()
    assert replies.resolve(address, DOMAIN).application_id == application.id


def test_attachments_are_links_that_download_to_the_company_only(replied, factory):
    from tests.api.conftest import pdf_bytes

    app, tenant, application, address = replied
    reply = replies.Reply(
        from_address="ada@example.com",
        from_name="Ada",
        subject="CV",
        text="Attached",
        message_id="<2@mail.example>",
        in_reply_to=None,
        attachments=[replies.Attachment("my cv.pdf", pdf_bytes("ada"))],
    )
    (stored,) = replies.store([replies.resolve(address, DOMAIN)], reply)
    url = f"/dashboard/applications/{application.id}/replies/{stored.id}/attachments/{stored.attachments[0]['key']}"
    client = app.test_client()
    login(client, tenant["hiring_manager"])
    assert f'href="{url}"' in client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200 and response.data == pdf_bytes("ada")
    response.close()
    outsider = app.test_client()
    login(outsider, factory.tenant()["recruiter"])
    assert outsider.get(url).status_code == 404
