"""Which event writes which email, and what it says (delivered in-process, no Redis)."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mail.backends import sent_messages
from app.models import OutboxMessage
from app.services import accounts, applications, companies, tokens


def _outbox(kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def _delivered(app, to: str) -> list:
    return [m for m in sent_messages(app) if m["To"].addresses[0].addr_spec == to]


def test_apply_writes_a_confirmation_and_alerts_active_recruiters_and_admins(app, factory):
    tenant = factory.tenant()
    departed = factory.staff(tenant["company"], tenant["admin"], "recruiter")
    companies.update_member(tenant["admin"], tenant["company"].id, departed.id, active=False)
    db.session.commit()
    candidate = factory.candidate("Grace Hopper")
    application = factory.application(candidate, tenant["job"])

    (confirmation,) = _outbox("application_received")
    assert f"/me/applications/{application.id}" in confirmation.text_body
    assert confirmation.to_address == candidate.email and confirmation.to_name == "Grace Hopper"
    assert confirmation.company_id == tenant["company"].id
    assert confirmation.status == "sent" and confirmation.sent_at is not None
    alerts = _outbox("new_application")
    assert sorted(a.to_address for a in alerts) == sorted([tenant["recruiter"].email, tenant["admin"].email])
    assert all(a.subject == f"New application: Grace Hopper for {tenant['job'].title}" for a in alerts)
    assert all(f"/dashboard/applications/{application.id}" in a.text_body for a in alerts)
    (email,) = _delivered(app, candidate.email)
    assert email["Subject"] == confirmation.subject and email["Message-ID"] == confirmation.message_id
    assert tenant["job"].title in email.get_body(("plain",)).get_content()


STAGE_PATHS = {
    "screening": ["screening"],
    "interview": ["screening", "interview"],
    "offer": ["screening", "interview", "offer"],
    "hired": ["screening", "interview", "offer", "hired"],
    "rejected": ["screening", "rejected"],
}


@pytest.mark.parametrize("stage", sorted(STAGE_PATHS))
def test_each_stage_change_tells_the_candidate_without_notes_or_reasons(app, factory, stage):
    tenant = factory.tenant()
    candidate = factory.candidate()
    application = factory.application(candidate, tenant["job"])
    for step in STAGE_PATHS[stage]:
        applications.move_stage(
            tenant["recruiter"],
            application.id,
            step,
            note=f"INTERNAL-NOTE-{step}",
            reason="INTERNAL-REASON-weak-answers" if step == "rejected" else None,
        )
        db.session.commit()

    (message,) = _outbox(f"stage_{stage}")
    assert message.to_address == candidate.email
    assert tenant["job"].title in message.subject and tenant["job"].title in message.text_body
    everything = " ".join(f"{m.subject} {m.text_body} {m.html_body}" for m in _outbox())
    assert "INTERNAL-NOTE" not in everything and "INTERNAL-REASON" not in everything
    (email,) = [m for m in _delivered(app, candidate.email) if m["Message-ID"] == message.message_id]
    assert "INTERNAL" not in email.as_string()


def test_withdrawal_tells_recruiters_and_admins_not_the_candidate(app, factory):
    tenant = factory.tenant()
    candidate = factory.candidate("Alan Turing")
    application = factory.application(candidate, tenant["job"])
    applications.move_stage(candidate, application.id, "withdrawn", note="Found another role")
    db.session.commit()
    withdrawn = _outbox("application_withdrawn")
    assert sorted(m.to_address for m in withdrawn) == sorted([tenant["recruiter"].email, tenant["admin"].email])
    assert all("Alan Turing" in m.subject and "withdrawn" in m.text_body for m in withdrawn)
    assert not [m for m in _outbox() if m.to_address == candidate.email and m.kind.startswith("stage_")]


def test_a_rolled_back_transaction_leaves_no_mail(app, factory):
    tenant = factory.tenant()
    candidate = factory.candidate()
    before = len(sent_messages(app))
    applications.apply(candidate, tenant["job"].id, consent=True)  # releases a savepoint on the way: not a commit
    assert len(_outbox("application_received")) == 1  # written, in the open transaction
    assert len(sent_messages(app)) == before  # and nothing handed on before the commit
    db.session.rollback()
    assert _outbox("application_received") == []
    db.session.commit()  # a later commit of the same session hands on nothing stale
    assert len(sent_messages(app)) == before


def test_a_savepoint_after_the_event_does_not_hand_mail_on_early(app, factory):
    company, admin = factory.company()
    before = len(sent_messages(app))
    companies.add_staff(admin, company.id, email="new@staff.example", full_name="New Member", role="recruiter")
    accounts.register_candidate(email="late@example.com", password="long enough pw", full_name="Late")  # a savepoint
    assert len(sent_messages(app)) == before
    db.session.commit()
    assert [m["To"].addresses[0].addr_spec for m in sent_messages(app)[before:]] == ["new@staff.example"]


def _link(text: str, path: str) -> tuple[str, str]:
    match = re.search(rf"(https?://[^\s\"<]+{path}/)([A-Za-z0-9_.\-]+)", text)
    assert match, text
    return match.group(1), match.group(2)


def test_invitation_and_reset_links_work_and_tokens_stay_out_of_logs(make_app, factory, caplog, tmp_path):
    file_app = make_app(MAIL_BACKEND="file", BASE_URL="https://ats.example")
    file_app.instance_path = str(tmp_path)
    caplog.set_level(logging.DEBUG)
    with file_app.app_context():
        company, admin = factory.company()
        member = factory.staff(company, admin, "hiring_manager")
        (invitation,) = _outbox("staff_invitation")
        base, invite_token = _link(invitation.text_body, "/auth/set-password")
        assert base == "https://ats.example/auth/set-password/"
        assert f"{base}{invite_token}" in invitation.html_body
        assert tokens.user_for_token(invite_token, tokens.INVITE).id == member.id

        accounts.request_password_reset(member.email)
        db.session.commit()
        (reset,) = _outbox("password_reset")
        assert reset.company_id is None and reset.status == "sent"
        base, reset_token = _link(reset.text_body, "/auth/reset-password")
        assert base == "https://ats.example/auth/reset-password/"
        assert tokens.user_for_token(reset_token, tokens.RESET).id == member.id
        eml = (tmp_path / "mail" / f"{reset.id}.eml").read_text()
        assert "auth/reset-password/" in eml

        accounts.set_password_with_token(reset_token, tokens.RESET, "a brand new password")
        db.session.commit()
    assert any("written to" in r.getMessage() for r in caplog.records)  # the file backend did log
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert invite_token not in logged and reset_token not in logged


def test_header_injection_through_names_and_titles_adds_no_header(make_app, factory, smtp_server):
    smtp_app = make_app(MAIL_BACKEND="smtp", SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    with smtp_app.app_context():
        tenant = factory.tenant()
        candidate = factory.candidate()
        # The services refuse CR/LF in names and titles; write them past the services on purpose.
        candidate.full_name = "Eve\r\nBcc: victim@evil.example"
        tenant["job"].title = "Engineer\r\nX-Injected: yes\r\n\r\nFake body"
        db.session.commit()
        smtp_server.messages.clear()
        factory.application(candidate, tenant["job"])
        candidate_email = candidate.email
    assert len(smtp_server.messages) == 3
    for _sender, rcpts, message in smtp_server.messages:
        assert rcpts != ["victim@evil.example"] and "victim@evil.example" not in rcpts
        assert "Bcc" not in message and "X-Injected" not in message
        headers, _, body = message.as_string().partition("\n\n")
        assert not re.search(r"^(Bcc|X-Injected):", headers, re.MULTILINE)
        assert not re.search(r"^(Bcc|X-Injected):", body, re.MULTILINE)  # names are one line in bodies too
    (_, rcpts, confirmation) = next(m for m in smtp_server.messages if m[1] == [candidate_email])
    assert "\n" not in confirmation["Subject"] and "X-Injected: yes" in confirmation["Subject"]
    assert confirmation["To"].addresses[0].addr_spec == candidate_email


def test_names_are_escaped_in_the_html_part(app, factory):
    tenant = factory.tenant()
    candidate = factory.candidate("<script>alert(1)</script>")
    factory.application(candidate, tenant["job"])
    (alert, *_) = _outbox("new_application")
    assert "<script>" not in alert.html_body and "&lt;script&gt;" in alert.html_body
    assert "<script>alert(1)</script> has applied" in alert.text_body


def test_demo_seeding_with_redis_down_leaves_mail_pending(app, make_app, closed_port):
    down = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0")
    with down.app_context():
        result = down.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        counts = dict(
            db.session.execute(
                select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
            ).all()
        )
    assert set(counts) == {"pending"} and counts["pending"] > 20


def test_flush_without_redis_delivers_in_process(app, factory, runner):
    company, admin = factory.company()
    factory.staff(company, admin, "recruiter")
    (row,) = _outbox("staff_invitation")
    row.status, row.sent_at = "pending", None  # as if the delivery after the commit had been lost
    db.session.commit()
    before = len(sent_messages(app))
    result = runner.invoke(args=["mail", "flush", "--grace", "0"])
    assert result.exit_code == 0 and "Handed on 1 pending message(s)." in result.output
    assert len(sent_messages(app)) == before + 1
    assert _outbox("staff_invitation")[0].status == "sent"


def test_status_says_when_redis_is_down(make_app, closed_port):
    down = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0")
    with down.app_context():
        result = down.test_cli_runner().invoke(args=["mail", "status"])
    assert result.exit_code == 0
    assert "pending: 0  sent: 0  failed: 0" in result.output and "Redis unavailable (ConnectionError)" in result.output


def test_retry_needs_one_id_or_failed(runner):
    assert runner.invoke(args=["mail", "retry"]).exit_code == 2
    assert runner.invoke(args=["mail", "retry", "7", "--failed"]).exit_code == 2
    missing = runner.invoke(args=["mail", "retry", "999999"])
    assert missing.exit_code == 1 and "no message #999999" in missing.output
