"""A message written through the API goes out through the real worker and SMTP, and the reply comes back to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.services import replies
from tests.api.conftest import ApiClient
from tests.mail.conftest import work
from tests.messages.conftest import DOMAIN


def test_the_worker_sends_it_with_the_reply_address_and_the_reply_joins_the_timeline(
    mail_app, factory, token, smtp_server
):
    tenant = factory.tenant()
    application = factory.application(factory.candidate("Ada Lovelace"), tenant["job"])
    title = tenant["job"].title
    work(mail_app)  # the invitations and the confirmation
    smtp_server.messages.clear()
    api = ApiClient(mail_app.test_client())
    recruiter = token(tenant["recruiter"])
    path = f"/applications/{application.id}/messages"
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    typed = {"subject": "Interview for {{ job.title }}", "body": "Dear {{ candidate.first_name }},\nwhen suits you?"}
    written = api.post(path, json=typed, token=recruiter)
    waiting = api.post(path, json={"subject": "Later", "body": "Not yet", "send_at": later}, token=recruiter)
    assert written.status_code == 201 and waiting.get_json()["status"] == "waiting"
    assert smtp_server.messages == []  # the request only queued it

    work(mail_app)
    ((_sender, rcpts, email),) = smtp_server.messages  # the waiting one stays behind
    assert rcpts == [application.candidate.email] and str(email["Subject"]) == f"Interview for {title}"
    reply_to = email["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("reply+") and reply_to.endswith(f"@{DOMAIN}")
    text = email.get_body(("plain",)).get_content().replace("\r\n", "\n")  # as the SMTP server received it
    assert text.startswith("Dear Ada,\nwhen suits you?\n") and "replies reach the hiring team" in text

    listed = {item["id"]: item for item in api.get(path, token=recruiter).get_json()["items"]}
    sent = listed[written.get_json()["id"]]
    assert sent["status"] == "sent" and sent["sent_at"] and sent["text_body"].startswith("Dear Ada,")
    assert listed[waiting.get_json()["id"]]["status"] == "waiting"

    target = replies.resolve(reply_to, DOMAIN)
    reply = replies.Reply(
        from_address=application.candidate.email,
        from_name="Ada",
        subject="Re: Interview",
        text="Tuesday works.",
        message_id="<r1@x.example>",
        in_reply_to=email["Message-ID"],
    )
    (stored,) = replies.store([target], reply)
    db.session.commit()
    items = api.get(f"/applications/{application.id}/activity", token=recruiter).get_json()["items"]
    assert [(item["kind"], item["id"]) for item in items[:3]] == [
        ("reply", stored.id), ("email", waiting.get_json()["id"]), ("email", written.get_json()["id"])
    ]  # fmt: skip
    assert items[0]["text"] == "Tuesday works." and items[1]["status"] == "waiting"
