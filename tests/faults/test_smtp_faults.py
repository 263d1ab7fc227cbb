"""The SMTP server stopped, then back: requests never wait for it, the worker backs off, nothing is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from tests.faults.servers import wait_until
from tests.faults.traffic import check_mail_delivered_once, check_writes, hiring, run_rounds

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _tried_and_pending(app) -> bool:
    """Every message has been tried at least once (a last_error) and is still pending, none failed."""
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage.status, OutboxMessage.last_error)).all()
        db.session.remove()
    return bool(rows) and all(status == "pending" and error for status, error in rows)


def test_smtp_stopped_then_restarted(fault_app, smtp, worker, figures):
    world = hiring(fault_app, candidates=6)
    smtp.stop()
    run_rounds(fault_app, figures, world, 6)
    assert figures.server_errors == 0 and len(world.applied) == len(world.moved) == 6
    # The worker keeps trying; an unreachable server never uses up a message's attempts.
    wait_until(lambda: _tried_and_pending(fault_app), 30, "the worker to try every message")
    with fault_app.app_context():
        attempts = set(db.session.scalars(select(OutboxMessage.attempts)))
        db.session.remove()
    assert attempts == {0}
    smtp.start()
    check_mail_delivered_once(fault_app, figures, smtp)
    check_writes(fault_app, figures, world)
    assert worker.alive(), worker.output()
