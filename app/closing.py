"""Closing dates: jobs close themselves when their `closes_at` passes.

`close_due_jobs_step` runs on the periodic tick every minute (`jobs.close_due`;
it needs an app context and commits its own transaction); `flask jobs close-due` runs the same
step by hand or from cron. The rule itself is `jobs.close_due_jobs`.
"""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask.cli import with_appcontext

from app.core.periodic import periodic
from app.extensions import db
from app.models.base import utcnow
from app.services.jobs import close_due_jobs

log = logging.getLogger(__name__)


def close_due_jobs_step(now: datetime | None = None) -> list[int]:
    """Close the jobs due by `now` (default: the current time) and commit; the ids closed."""
    try:
        closed = close_due_jobs(now or utcnow())
        if closed:
            db.session.commit()
        else:  # nothing changed: ending it so tells the caches (public, reports) to keep their answers
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    if closed:
        log.info("closed %d job(s) past their closing date: %s", len(closed), closed)
    return closed


@periodic("jobs.close_due", every=60)
def close_due_task(_app) -> int:
    """The clock's minute: open jobs past their closing date close (one conditional UPDATE)."""
    return len(close_due_jobs_step())


@click.command("close-due")
@with_appcontext
def close_due_command() -> None:
    """Close the open jobs whose closing date has passed."""
    closed = close_due_jobs_step()
    click.echo(f"Closed {len(closed)} job(s) past their closing date.")
