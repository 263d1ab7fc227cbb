"""PostgreSQL connections terminated and the server restarted under traffic: 503s at most, nothing half-written."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Application, OutboxMessage
from tests.factories import PASSWORD
from tests.faults.conftest import DATABASE
from tests.faults.servers import wait_until
from tests.faults.traffic import Traffic, Visitor, check_mail_delivered_once, check_writes, hiring, run_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_backends_terminated_during_traffic(fault_app, pg_server, smtp, worker, figures):
    world = hiring(fault_app, candidates=40)
    terminated = 0
    with Traffic(fault_app, figures, world, max_rounds=30):
        for _ in range(6):
            time.sleep(0.4)
            terminated += pg_server.terminate_backends(DATABASE)
    assert terminated > 0
    # Whatever a request was doing when its connection died, the next one on a fresh connection succeeds.
    probe = Visitor(fault_app, figures)
    for _ in range(3):
        assert probe.api("GET", "/jobs").status_code == 200
        pg_server.terminate_backends(DATABASE)
        assert probe.api("GET", "/jobs").status_code == 200  # not even a 503
    run_rounds(fault_app, figures, world, 2)  # the rest of the candidates
    figures.assert_no_5xx_but_documented_503s()
    assert world.applied and world.moved
    check_writes(fault_app, figures, world)
    check_mail_delivered_once(fault_app, figures, smtp)
    assert worker.alive(), worker.output()


def test_server_restarted_during_traffic(fault_app, pg_server, smtp, worker, figures):
    world = hiring(fault_app, candidates=40)
    with Traffic(fault_app, figures, world, max_rounds=40, threads=2, pace=0.1):
        wait_until(lambda: figures.requests >= 18, 30, "traffic to flow")
        before = figures.requests
        pg_server.restart()
        during = figures.requests - before
        time.sleep(0.3)
    assert during > 0, "no request met the restart"
    figures.assert_no_5xx_but_documented_503s()
    # With the server back, every answer is a success again.
    unavailable, applied = figures.unavailable, len(world.applied)
    run_rounds(fault_app, figures, world, 2)
    assert figures.unavailable == unavailable and len(world.applied) == applied + 2
    check_writes(fault_app, figures, world)
    check_mail_delivered_once(fault_app, figures, smtp)
    assert worker.alive(), worker.output()


def _kill_own_connection_at(app, pg_server, statement_start: str, armed: threading.Event) -> None:
    """Terminate the request's own backend just before it runs a statement beginning with `statement_start`."""
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, *_args) -> None:
        if armed.is_set() and statement.lstrip().upper().startswith(statement_start):
            armed.clear()
            pg_server.terminate(conn.connection.dbapi_connection.info.backend_pid)


def _count(app, model) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return count


def test_a_request_whose_connection_dies_answers_503_and_writes_nothing(fault_app, pg_server, figures):
    world = hiring(fault_app, candidates=2)
    armed = threading.Event()
    # Apply writes the application, its stage counts, its history and its mail in one transaction:
    # kill the connection at the history row, after the application row is written.
    _kill_own_connection_at(fault_app, pg_server, "INSERT INTO STAGE_CHANGES", armed)
    script = Visitor(fault_app, figures)
    email = world.next_candidate()
    token = script.token(email, PASSWORD)
    mails_before = _count(fault_app, OutboxMessage)
    armed.set()
    response = script.api(
        "POST", f"/jobs/{world.jobs[0]}/applications", token=token, json={"cover_letter": "Hi", "consent": True}
    )
    assert not armed.is_set(), "the fault was never injected"
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["type"] == "/problems/unavailable"
    assert _count(fault_app, Application) == 0  # nothing half-written
    assert _count(fault_app, OutboxMessage) == mails_before
    # Trying again works, on a fresh connection.
    again = script.api(
        "POST", f"/jobs/{world.jobs[0]}/applications", token=token, json={"cover_letter": "Hi", "consent": True}
    )
    assert again.status_code == 201

    # On the web: a friendly page, not a traceback.
    browser = Visitor(fault_app, figures)
    assert browser.web_login(email, PASSWORD) == 302
    _kill_own_connection_at(fault_app, pg_server, "SELECT", armed)
    armed.set()
    page = browser.page("/me/applications")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert int(page.headers["Retry-After"]) > 0
    assert "Temporarily unavailable" in page.get_data(as_text=True)
    assert browser.page("/me/applications").status_code == 200

    # At the commit, after the view has answered: still a 503, and the move is not half-made.
    application_id = again.get_json()["id"]
    staff = script.token(world.recruiter, PASSWORD)

    at_commit = threading.Event()

    @event.listens_for(db.session, "before_commit")
    def _at_commit(session) -> None:
        if at_commit.is_set() and not session.in_nested_transaction():  # the request's own commit
            at_commit.clear()
            pg_server.terminate(session.connection().connection.dbapi_connection.info.backend_pid)

    at_commit.set()
    moved = script.api("POST", f"/applications/{application_id}/transitions", token=staff, json={"to": "screening"})
    event.remove(db.session, "before_commit", _at_commit)
    assert not at_commit.is_set(), "the fault was never injected"
    assert moved.status_code == 503 and moved.mimetype == "application/problem+json"
    assert int(moved.headers["Retry-After"]) > 0
    with fault_app.app_context():
        assert db.session.get(Application, application_id).stage == "applied"
        db.session.remove()
    retried = script.api("POST", f"/applications/{application_id}/transitions", token=staff, json={"to": "screening"})
    assert retried.status_code == 200
    assert figures.unavailable == 3 and figures.errors == []


def test_postgres_blips_during_a_worker_job(fault_app, pg_server, smtp, worker, figures):
    """The database drops the worker's connection while the SMTP server is taking a message."""
    world = hiring(fault_app, candidates=6)
    blips = []

    def drop_connections() -> None:
        if len(blips) < 3:
            blips.append(pg_server.terminate_backends(DATABASE))

    smtp.during_data = drop_connections
    run_rounds(fault_app, figures, world, 6)
    check_mail_delivered_once(fault_app, figures, smtp)
    assert len(blips) == 3 and all(blips)
    assert "recorded on try" in worker.output(tail=None)  # the send outlived the connection, and was kept
    figures.assert_no_5xx_but_documented_503s()
    check_writes(fault_app, figures, world)
    assert worker.alive(), worker.output()
