"""End to end with the real parts: Redis (RQ), the mail worker and an SMTP server."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.mail import queue
from app.mail.jobs import deliver_job
from app.models import OutboxMessage
from tests.mail.conftest import work


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _received(smtp_server) -> dict[str, list]:
    """Messages the SMTP server accepted, by envelope recipient."""
    by_rcpt: dict[str, list] = {}
    for _sender, rcpts, message in smtp_server.messages:
        for rcpt in rcpts:
            by_rcpt.setdefault(rcpt, []).append(message)
    return by_rcpt


def test_apply_sends_confirmation_and_staff_alerts_through_the_worker(mail_app, factory, smtp_server):
    tenant = factory.tenant()
    candidate = factory.candidate("Ada Lovelace")
    job = tenant["job"]
    work(mail_app)  # the staff invitations from building the tenant
    smtp_server.messages.clear()
    response = mail_app.test_client().post(f"/_test/apply/{job.id}/{candidate.id}")
    assert response.status_code == 201

    rows = _rows()
    assert {r.to_address for r in rows if r.kind in ("application_received", "new_application")} == {
        candidate.email,
        tenant["recruiter"].email,
        tenant["admin"].email,
    }
    assert smtp_server.messages == []  # nothing leaves before the worker runs
    assert queue.get_queue(mail_app).count >= 3

    assert work(mail_app)
    received = _received(smtp_server)
    (confirmation,) = received[candidate.email]
    assert confirmation["Subject"] == f"Your application for {job.title} at {tenant['company'].name}"
    assert confirmation["To"].addresses[0].display_name == "Ada Lovelace"
    assert confirmation["From"] == mail_app.config["MAIL_DEFAULT_SENDER"]
    text = confirmation.get_body(("plain",)).get_content()
    html = confirmation.get_body(("html",)).get_content()
    assert "Hello Ada Lovelace" in text and job.title in text
    assert job.title in html
    for staff in (tenant["recruiter"], tenant["admin"]):
        (alert,) = received[staff.email]
        assert alert["Subject"] == f"New application: Ada Lovelace for {job.title}"
        assert "Ada Lovelace has applied" in alert.get_body(("plain",)).get_content()
    assert set(received) == {candidate.email, tenant["recruiter"].email, tenant["admin"].email}  # no hiring manager
    rows = [r for r in _rows() if r.kind in ("application_received", "new_application")]
    assert all(r.status == "sent" and r.sent_at is not None and r.attempts == 1 for r in rows)
    assert {r.message_id for r in rows} == {m["Message-ID"] for msgs in received.values() for m in msgs}


def test_redis_down_request_succeeds_then_sweep_delivers_once(
    make_app, mail_app, factory, smtp_server, closed_port, runner
):
    tenant = factory.tenant()
    candidate = factory.candidate()
    work(mail_app)  # the invitations from building the tenant
    smtp_server.messages.clear()

    down = make_app(
        REDIS_URL=f"redis://127.0.0.1:{closed_port}/0",
        REDIS_KEY_PREFIX=mail_app.config["REDIS_KEY_PREFIX"],
        MAIL_BACKEND="smtp",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
    )
    from tests.mail.conftest import add_test_routes

    add_test_routes(down)
    response = down.test_client().post(f"/_test/apply/{tenant['job'].id}/{candidate.id}")
    assert response.status_code == 201
    pending = [r for r in _rows() if r.status == "pending"]
    assert {r.to_address for r in pending} == {candidate.email, tenant["recruiter"].email, tenant["admin"].email}
    assert queue.get_queue(mail_app).count == 0

    # Redis is back: the sweep enqueues, the worker delivers, a second round changes nothing.
    cli = mail_app.test_cli_runner()
    result = cli.invoke(args=["mail", "flush", "--grace", "0"])
    assert result.exit_code == 0 and "Handed on 3 pending message(s)." in result.output
    work(mail_app)
    assert cli.invoke(args=["mail", "flush", "--grace", "0"]).output.startswith("Handed on 0")
    work(mail_app)
    assert sorted(r for _s, rcpts, _m in smtp_server.messages for r in rcpts) == sorted(
        [candidate.email, tenant["recruiter"].email, tenant["admin"].email]
    )
    assert all(r.status == "sent" for r in _rows())


def test_smtp_refusing_is_retried_then_failed_and_retry_delivers(mail_app, factory, smtp_server):
    company, admin = factory.company()
    work(mail_app)
    smtp_server.messages.clear()
    smtp_server.refuse = True
    member = factory.staff(company, admin, "recruiter")  # an invitation
    work(mail_app)

    (row,) = [r for r in _rows() if r.to_address == member.email]
    assert row.status == "failed" and row.attempts == mail_app.config["MAIL_MAX_ATTEMPTS"]
    assert "451" in row.last_error
    assert smtp_server.messages == []

    cli = mail_app.test_cli_runner()
    status = cli.invoke(args=["mail", "status"])
    assert status.exit_code == 0
    assert "failed: 1" in status.output and f"#{row.id}" in status.output and "451" in status.output
    assert f"queue {queue.queue_name(mail_app)}: 0 waiting, 0 scheduled for a retry" in status.output

    smtp_server.refuse = False
    result = cli.invoke(args=["mail", "retry", str(row.id)])
    assert result.exit_code == 0 and "Retrying 1 message(s)." in result.output
    work(mail_app)
    assert [rcpts for _s, rcpts, _m in smtp_server.messages] == [[member.email]]
    (row,) = [r for r in _rows() if r.to_address == member.email]
    assert row.status == "sent" and row.attempts == 1
    assert "failed: 0" in cli.invoke(args=["mail", "status"]).output
    again = cli.invoke(args=["mail", "retry", str(row.id)])
    assert again.exit_code == 1 and "already sent" in again.output


def _invite(factory):
    """A company, an invited recruiter and that invitation's outbox row."""
    company, admin = factory.company()
    member = factory.staff(company, admin, "recruiter")
    (row,) = [r for r in _rows() if r.to_address == member.email]
    return member, row


def test_the_same_job_twice_delivers_once(mail_app, factory, smtp_server):
    member, row = _invite(factory)
    assert queue.enqueue(mail_app, [row.id, row.id]) == 2  # a duplicate on top of the one after commit
    work(mail_app)
    assert deliver_job(row.id) == "skipped"  # and once more, by hand
    work(mail_app)
    assert [rcpts for _s, rcpts, _m in smtp_server.messages].count([member.email]) == 1
    (row,) = [r for r in _rows() if r.id == row.id]
    assert row.status == "sent" and row.attempts == 1


def test_concurrent_deliveries_of_one_message_send_it_once(mail_app, factory, smtp_server):
    """Two jobs for one message at the same moment: the row lock makes the second one a no-op."""
    import threading

    member, row = _invite(factory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        with mail_app.app_context():
            barrier.wait()
            outcomes.append(deliver_job(row.id))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert [rcpts for _s, rcpts, _m in smtp_server.messages] == [[member.email]]


def test_a_failed_attempt_is_scheduled_with_backoff(make_app, mail_app, factory, smtp_server):
    """With a retry interval the next attempt waits in RQ's scheduled registry, not on the queue."""
    slow = make_app(
        REDIS_URL=mail_app.config["REDIS_URL"],
        REDIS_KEY_PREFIX=mail_app.config["REDIS_KEY_PREFIX"],
        MAIL_BACKEND="smtp",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        MAIL_RETRY_INTERVALS="300,600",
    )
    smtp_server.refuse = True
    with slow.app_context():
        _member, row = _invite(factory)
        work(slow)
        mail_queue = queue.get_queue(slow)
        assert mail_queue.count == 0
        scheduled = mail_queue.scheduled_job_registry.get_job_ids()
    assert len(scheduled) == 1 and scheduled[0].startswith(f"{queue.key_stem(slow)}mail-{row.id}-")
    (row,) = [r for r in _rows() if r.id == row.id]
    assert row.status == "pending" and row.attempts == 1 and "451" in row.last_error


def test_retry_failed_sends_every_failed_message(mail_app, factory, smtp_server):
    smtp_server.refuse = True
    first, _ = _invite(factory)
    second, _ = _invite(factory)
    work(mail_app)
    assert {r.status for r in _rows()} == {"failed"}
    smtp_server.refuse = False
    result = mail_app.test_cli_runner().invoke(args=["mail", "retry", "--failed"])
    assert result.exit_code == 0 and "Retrying 2 message(s)." in result.output
    work(mail_app)
    assert {r.status for r in _rows()} == {"sent"}
    assert sorted(r for _s, rcpts, _m in smtp_server.messages for r in rcpts) == sorted([first.email, second.email])


def test_the_worker_sweeps_once_per_interval_across_workers(mail_app, factory, smtp_server):
    from app.mail.worker import make_worker

    member, _row = _invite(factory)
    queue.get_queue(mail_app).empty()  # as if Redis had lost the job
    first, second = (make_worker(mail_app, sweep_interval=300) for _ in range(2))
    assert (first.maintenance_interval, first.dequeue_timeout) == (300, 300)
    first.run_maintenance_tasks()
    assert queue.get_queue(mail_app).count == 1  # the invitation, pending with nothing queued
    second.run_maintenance_tasks()
    assert queue.get_queue(mail_app).count == 1  # the lock: another worker swept during this interval
    work(mail_app)
    assert [rcpts for _s, rcpts, _m in smtp_server.messages] == [[member.email]]


def test_the_worker_needs_redis(app, make_app):
    import pytest

    from app.mail.worker import run_worker

    with pytest.raises(SystemExit, match="REDIS_URL"):
        run_worker(make_app(REDIS_URL=""), burst=True)


def test_worker_py_delivers_in_its_own_process(mail_app, factory, smtp_server, database_url, tmp_path):
    """`python worker.py --burst`: the real entry point, configured only by the environment."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    member, _row = _invite(factory)
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": mail_app.config["REDIS_URL"],
        "REDIS_KEY_PREFIX": mail_app.config["REDIS_KEY_PREFIX"],
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "INSTANCE_PATH": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "worker.py", "--burst"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert [rcpts for _s, rcpts, _m in smtp_server.messages] == [[member.email]]
    assert _rows()[-1].status == "sent"


def test_an_unusable_address_fails_at_once(mail_app, factory, smtp_server):
    _member, row = _invite(factory)
    queue.get_queue(mail_app).empty()
    db.session.get(OutboxMessage, row.id).to_address = "nobody"
    db.session.commit()
    queue.enqueue(mail_app, [row.id])
    work(mail_app)
    (row,) = [r for r in _rows() if r.id == row.id]
    assert (row.status, row.attempts) == ("failed", 1) and "ValueError" in row.last_error
    assert smtp_server.messages == []


def test_an_unreachable_smtp_server_does_not_use_up_attempts(make_app, mail_app, factory, smtp_server, closed_port):
    """Refused connections say nothing about the message: it stays pending, its attempts untouched."""
    import pytest

    from app.mail.delivery import DeliveryDeferred, deliver

    _member, row = _invite(factory)
    queue.get_queue(mail_app).empty()
    unreachable = make_app(
        REDIS_URL=mail_app.config["REDIS_URL"],
        REDIS_KEY_PREFIX=mail_app.config["REDIS_KEY_PREFIX"],
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=closed_port,
        MAIL_MAX_ATTEMPTS=2,
    )
    with unreachable.app_context():
        for _ in range(3):  # more tries than MAIL_MAX_ATTEMPTS
            with pytest.raises(DeliveryDeferred):
                deliver(row.id)
    (row,) = [r for r in _rows() if r.id == row.id]
    assert (row.status, row.attempts) == ("pending", 0) and "ConnectionRefused" in row.last_error
    assert deliver(row.id) == "sent"  # the server is back (mail_app's SMTP server)
    (row,) = [r for r in _rows() if r.id == row.id]
    assert (row.status, row.attempts) == ("sent", 1)
