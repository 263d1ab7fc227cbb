"""Delayed mail against failures: the schedule lives in the database, so a killed worker and an emptied
Redis lose no due message and send none twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow
from app.services import applications
from tests.factories import Factory
from tests.faults.servers import wait_until
from tests.faults.traffic import check_mail_delivered_once, pending_mail

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REJECTIONS = 6
DELAY_SECONDS = 8


def _reject_with_delay(app) -> list[int]:
    """Applications rejected by their recruiter; each rejection email waits DELAY_SECONDS."""
    app.config["MAIL_REJECTION_DELAY"] = DELAY_SECONDS
    with app.app_context():
        factory = Factory()
        tenant = factory.tenant()
        for _ in range(REJECTIONS):
            application = factory.application(factory.candidate(), tenant["job"])
            applications.move_stage(tenant["recruiter"], application.id, "rejected", reason="Position filled")
            db.session.commit()
        waiting = db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.kind == "stage_rejected", OutboxMessage.status == "pending")
        ).all()
        db.session.remove()
    return list(waiting)


def test_due_mail_survives_a_killed_worker_and_a_restarted_redis(fault_app, redis_server, smtp, worker, figures):
    waiting = _reject_with_delay(fault_app)
    assert len(waiting) == REJECTIONS

    # Everything else goes out while the rejections wait.
    wait_until(lambda: pending_mail(fault_app) == REJECTIONS, 60, "the immediate mail to be sent", interval=0.2)
    sent_before = len(smtp.message_ids)

    worker.kill()  # no warm shutdown
    redis_server.kill()  # every key lost: queued jobs, locks, claims
    assert pending_mail(fault_app) == REJECTIONS  # killed before any was due
    due = utcnow() + timedelta(seconds=DELAY_SECONDS)
    while utcnow() < due + timedelta(seconds=1):
        time.sleep(0.2)
    assert len(smtp.message_ids) == sent_before  # nothing went out while both were down
    redis_server.start()  # empty
    worker.start()

    check_mail_delivered_once(fault_app, figures, smtp)
    with fault_app.app_context():
        statuses = set(db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.id.in_(waiting))))
        db.session.remove()
    assert statuses == {"sent"}
    assert worker.alive(), worker.output()
    assert worker.stop() == 0
