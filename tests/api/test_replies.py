"""GET /applications/{id}/replies and DELETE /applications/{id}/reply-address: tenancy, roles, paging."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services import replies
from tests.api.conftest import assert_problem

DOMAIN = "replies.example"


def _reply(text: str, message_id: str) -> replies.Reply:
    return replies.Reply(
        from_address="ada@example.com",
        from_name="Ada",
        subject="Re: hello",
        text=text,
        message_id=message_id,
        in_reply_to=None,
    )


@pytest.fixture
def replied(world, factory):
    """Ada's application at Acme with a live reply address and three replies (stored as the receiver does)."""
    application = factory.application(world["ada"], world["acme"]["job"])
    token = replies.live_token(db.session.connection(), application.id, application.company_id)
    db.session.commit()
    target = replies.resolve(replies.reply_address(token, DOMAIN), DOMAIN)
    for n in range(3):
        assert len(replies.store([target], _reply(f"<b>Reply {n}</b>", f"<{n}@mail.example>"))) == 1
    return application


def test_staff_of_the_company_read_the_replies_newest_first_in_pages(api, token, world, replied):
    manager = token(world["acme"]["hiring_manager"])
    first = api.get(f"/applications/{replied.id}/replies?limit=2", token=manager)
    assert first.status_code == 200
    body = first.get_json()
    assert [item["text_body"] for item in body["items"]] == ["<b>Reply 2</b>", "<b>Reply 1</b>"]
    assert body["items"][0]["attachments"] == [] and body["items"][0]["from_address"] == "ada@example.com"
    assert 'rel="next"' in first.headers["Link"]
    second = api.get(f"/applications/{replied.id}/replies?limit=2&cursor={body['next_cursor']}", token=manager)
    assert [item["text_body"] for item in second.get_json()["items"]] == ["<b>Reply 0</b>"]
    assert second.get_json()["next_cursor"] is None


def test_other_companies_and_candidates_do_not_see_replies(api, token, world, replied):
    for outsider in (world["globex"]["admin"], world["globex"]["recruiter"], world["ada"], world["bob"]):
        assert_problem(api.get(f"/applications/{replied.id}/replies", token=token(outsider)), 404)
    assert_problem(api.get("/applications/999999/replies", token=token(world["acme"]["admin"])), 404)
    assert api.get(f"/applications/{replied.id}/replies").status_code == 401


def test_bad_page_arguments_are_422(api, token, world, replied):
    admin = token(world["acme"]["admin"])
    assert_problem(api.get(f"/applications/{replied.id}/replies?limit=0", token=admin), 422)
    assert_problem(api.get(f"/applications/{replied.id}/replies?cursor=nonsense", token=admin), 422)
    assert_problem(api.get(f"/applications/{replied.id}/replies?unknown=1", token=admin), 422)


def test_recruiters_revoke_the_reply_address_and_replies_to_it_are_refused(api, token, world, replied):
    address = replies.reply_address(replies.live_token(db.session.connection(), replied.id, replied.company_id), DOMAIN)
    db.session.commit()
    path = f"/applications/{replied.id}/reply-address"
    assert_problem(api.delete(path, token=token(world["acme"]["hiring_manager"])), 403)
    assert_problem(api.delete(path, token=token(world["globex"]["admin"])), 404)
    assert_problem(api.delete(path, token=token(world["ada"])), 404)
    replies.resolve(address, DOMAIN)  # still live

    response = api.delete(path, token=token(world["acme"]["recruiter"]))
    assert response.status_code == 204
    db.session.rollback()
    with pytest.raises(replies.Refused, match="revoked"):
        replies.resolve(address, DOMAIN)
    # Nothing left to revoke until the next email makes a new address.
    assert_problem(api.delete(path, token=token(world["acme"]["recruiter"])), 409)
    fresh = replies.live_token(db.session.connection(), replied.id, replied.company_id)
    db.session.commit()
    assert replies.reply_address(fresh, DOMAIN) != address
    assert replies.resolve(replies.reply_address(fresh, DOMAIN), DOMAIN).application_id == replied.id


def test_kept_attachments_download_to_staff_of_the_company_only(api, token, world, factory):
    from tests.api.conftest import pdf_bytes

    application = factory.application(world["bob"], world["acme"]["job"])
    live = replies.live_token(db.session.connection(), application.id, application.company_id)
    db.session.commit()
    target = replies.resolve(replies.reply_address(live, DOMAIN), DOMAIN)
    reply = _reply("CV attached", "<cv@mail.example>")
    reply.attachments = [replies.Attachment("cv.pdf", pdf_bytes("bob")), replies.Attachment("x.exe", b"MZ\x90")]
    (stored,) = replies.store([target], reply)
    listed = api.get(f"/applications/{application.id}/replies", token=token(world["acme"]["recruiter"])).get_json()
    (file,) = listed["items"][0]["attachments"]
    assert listed["items"][0]["dropped"] == [{"filename": "x.exe", "reason": "not a PDF, DOCX or image file"}]
    path = f"/applications/{application.id}/replies/{stored.id}/attachments/{file['key']}"

    response = api.get(path, token=token(world["acme"]["hiring_manager"]))
    assert response.status_code == 200 and response.data == pdf_bytes("bob")
    assert response.mimetype == "application/pdf" and "attachment" in response.headers["Content-Disposition"]
    response.close()
    for outsider in (world["globex"]["admin"], world["bob"]):
        assert_problem(api.get(path, token=token(outsider)), 404)
    other = f"/applications/{application.id}/replies/{stored.id}/attachments/{'0' * 32}"
    assert_problem(api.get(other, token=token(world["acme"]["admin"])), 404)
