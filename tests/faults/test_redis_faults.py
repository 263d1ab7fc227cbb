"""Redis killed (SIGKILL, every key lost) and restarted: the app and the mail worker carry on."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage, WebSession
from tests.factories import PASSWORD, Factory
from tests.faults.traffic import (
    Visitor,
    check_mail_delivered_once,
    check_writes,
    hiring,
    run_rounds,
)
from tests.web.conftest import csrf_from

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROUNDS_PER_PHASE = 5


def _last_outbox_id(app) -> int:
    with app.app_context():
        value = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        db.session.remove()
    return value


def test_redis_killed_and_restarted_during_sign_in_apply_and_move(fault_app, redis_server, smtp, worker, figures):
    world = hiring(fault_app, candidates=3 * ROUNDS_PER_PHASE)
    run_rounds(fault_app, figures, world, ROUNDS_PER_PHASE)

    redis_server.kill()
    before_outage = _last_outbox_id(fault_app)
    run_rounds(fault_app, figures, world, ROUNDS_PER_PHASE, start=ROUNDS_PER_PHASE)
    with fault_app.app_context():
        held = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.id > before_outage)).all()
        db.session.remove()
    assert held and set(held) == {"pending"}  # written, waiting for Redis: nothing sent, nothing lost

    redis_server.start()
    run_rounds(fault_app, figures, world, ROUNDS_PER_PHASE, start=2 * ROUNDS_PER_PHASE)

    # Redis being down costs nothing a visitor can see: not even a 503.
    assert figures.server_errors == 0, figures.errors
    assert world.sign_ins == {}, f"sign-ins refused: {world.sign_ins}"
    assert len(world.applied) == len(world.moved) == 3 * ROUNDS_PER_PHASE
    check_writes(fault_app, figures, world)
    check_mail_delivered_once(fault_app, figures, smtp)
    assert worker.alive(), worker.output()
    assert worker.stop() == 0


def test_redis_killed_while_the_worker_is_in_a_job(fault_app, redis_server, smtp, worker, figures):
    """SIGKILL Redis while the worker is in the middle of a delivery; bring it back a second later, empty."""
    world = hiring(fault_app, candidates=6)
    broken = threading.Event()

    def kill_redis_once() -> None:
        if not broken.is_set():
            broken.set()
            redis_server.kill()
            threading.Timer(1.0, redis_server.start).start()

    smtp.during_data = kill_redis_once
    run_rounds(fault_app, figures, world, 6)
    check_mail_delivered_once(fault_app, figures, smtp)
    assert broken.is_set()
    assert figures.server_errors == 0, figures.errors
    check_writes(fault_app, figures, world)
    assert worker.alive(), worker.output()
    assert "Redis answers again" in worker.output(tail=None)
    assert worker.stop() == 0


def test_a_session_redis_cannot_store_is_kept_in_the_database(fault_app, redis_server, figures):
    """Redis dies between reading the session and storing it: the sign-in still holds, from the table."""
    armed = threading.Event()

    @fault_app.after_request
    def _redis_dies(response):
        if armed.is_set():
            armed.clear()
            redis_server.kill()
        return response

    with fault_app.app_context():
        email = Factory().candidate().email
        db.session.remove()
    browser = Visitor(fault_app, figures)
    form = browser.page("/auth/login")
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_from(form.get_data(as_text=True))}
    armed.set()
    response = figures.see("POST /auth/login", browser.client.post("/auth/login", data=data))
    assert response.status_code == 302
    with fault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebSession)) == 1
        db.session.remove()
    assert browser.page("/me/applications").status_code == 200  # signed in, Redis still down
    assert figures.server_errors == 0, figures.errors
