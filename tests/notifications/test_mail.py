"""Mentions and replies, through the real parts: a request commits, RQ on Redis, the mail worker, aiosmtpd."""

from __future__ import annotations

from app.extensions import db
from app.services import replies
from tests.mail.conftest import login, work
from tests.notifications.helpers import mention, notifications_of


def _received(smtp_server) -> dict[str, list]:
    found: dict[str, list] = {}
    for _sender, recipients, message in smtp_server.messages:
        for rcpt in recipients:
            found.setdefault(rcpt, []).append(message)
    return found


def test_a_mention_posted_on_the_application_page_is_delivered_by_the_worker(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada Lovelace"), tenant["job"])
    _other_company, other_admin = factory.company()
    work(mail_app)  # invitations and the application's own mail
    smtp_server.messages.clear()

    client = mail_app.test_client()
    login(client, tenant["hiring_manager"])
    page = client.get(f"/dashboard/applications/{application.id}")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    body = f"{mention(tenant['recruiter'])} and {mention(other_admin)}: <script>alert(1)</script>"
    response = client.post(f"/dashboard/applications/{application.id}/notes", data={"csrf_token": token, "body": body})
    assert response.status_code == 302 and response.headers["Location"].endswith("#notes")
    assert smtp_server.messages == []  # nothing leaves before the worker runs

    assert work(mail_app)
    received = _received(smtp_server)
    assert other_admin.email not in received  # another company's member is plain text, and not told
    (email,) = received[tenant["recruiter"].email]
    assert (
        email["Subject"]
        == f"{tenant['hiring_manager'].full_name} mentioned you: Ada Lovelace for {tenant['job'].title}"
    )
    assert email["Reply-To"] is None  # staff mail carries no reply address
    text = email.get_body(("plain",)).get_content()
    (told,) = notifications_of(tenant["recruiter"])
    assert f"/dashboard/applications/{application.id}#note-{told.note_id}" in text
    assert "<script>" not in text  # the note's text stays in the dashboard

    # The note on the page: escaped, the mention highlighted, the other company's name plain.
    html = client.get(f"/dashboard/applications/{application.id}").get_data(as_text=True)
    assert f'id="note-{told.note_id}"' in html
    assert (
        f'<span class="mention" data-user-id="{tenant["recruiter"].id}">@{tenant["recruiter"].full_name}</span>' in html
    )
    assert f"@{other_admin.full_name}: " in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_reply_tells_the_recruiting_staff_in_the_app(app, factory):
    tenant = factory.tenant()
    application = factory.application(factory.candidate(), tenant["job"])
    token = replies.live_token(db.session.connection(), application.id, tenant["company"].id)
    db.session.commit()
    target = replies.resolve(replies.reply_address(token, "r.example"), "r.example")
    reply = replies.Reply(
        from_address="ada@example.com",
        from_name="Ada",
        subject="Re",
        text="Thanks",
        message_id="<r1@x>",
        in_reply_to=None,
    )
    (stored,) = replies.store([target], reply)

    for member in (tenant["recruiter"], tenant["admin"]):
        (told,) = notifications_of(member)
        assert (told.kind, told.application_id, told.note_id, told.actor_id) == ("reply", application.id, None, None)
    assert notifications_of(tenant["hiring_manager"]) == []
    # An automatic answer is kept, and nobody is told.
    automatic = replies.Reply(
        from_address="ada@example.com", from_name="Ada", subject="Away", text="Out", message_id="<r2@x>",
        in_reply_to=None, automatic=True,
    )  # fmt: skip
    replies.store([target], automatic)
    assert len(notifications_of(tenant["recruiter"])) == 1
    assert stored.id


def test_a_reply_to_a_members_message_tells_that_member_only(app, factory):
    from app.mail.compose import Rendered
    from app.mail.outbox import add_messages

    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    manager = tenant["hiring_manager"]
    (outbox_id,) = add_messages(
        [
            {
                "kind": "staff_message",
                "to_address": candidate.email,
                "to_name": candidate.full_name,
                "company_id": tenant["company"].id,
                "application_id": application.id,
                "sent_by_id": manager.id,
                "rendered": Rendered(subject="A question", text="When could you start?", html=None),
            }
        ]
    )
    token = replies.live_token(db.session.connection(), application.id, tenant["company"].id)
    db.session.commit()
    from app.models import OutboxMessage

    sent_id = db.session.get(OutboxMessage, outbox_id).message_id
    target = replies.resolve(replies.reply_address(token, "r.example"), "r.example")
    replies.store(
        [target],
        replies.Reply(from_address=candidate.email, from_name="C", subject="Re: A question", text="Monday",
                      message_id="<r3@x>", in_reply_to=sent_id),
    )  # fmt: skip
    assert [n.kind for n in notifications_of(manager)] == ["reply"]
    assert notifications_of(tenant["recruiter"]) == [] and notifications_of(tenant["admin"]) == []
