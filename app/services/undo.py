"""Undo: the person who moved an application takes the move back, for a short time.

An undo is a correction, not a transition: it puts the application back in the
stage it came from even when the move ended it (a rejection), and writes its own
history row pointing at the move it undoes, so both stay on the record. It is
refused once anything else happened to the application, after the window
(UNDO_WINDOW_SECONDS), and once the candidate's email about the move has gone
out; an email still waiting is withdrawn with the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app import signals, workflow
from app.errors import Conflict, Forbidden, StaleUpdate
from app.extensions import db
from app.models import Application, MessageStatus, OutboxMessage, StageChange, User
from app.models.base import utcnow
from app.services import stage_counts
from app.services.access import EDITORS, is_member


@dataclass(frozen=True)
class UndoOffer:
    change_id: int
    until: datetime


def window() -> timedelta:
    return timedelta(seconds=current_app.config.get("UNDO_WINDOW_SECONDS", 600))


def offer(actor: User | None, application: Application, last: StageChange | None) -> UndoOffer | None:
    """The undo the actor may still ask for, judged from the application's last history row."""
    if last is None or actor is None or not _may_undo(actor, application):
        return None
    if last.from_stage is None or last.undo_of_id is not None or last.actor_id != actor.id:
        return None
    until = last.created_at + window()
    return UndoOffer(change_id=last.id, until=until) if until > utcnow() else None


def _may_undo(actor: User, application: Application) -> bool:
    return is_member(actor, application.company_id) and actor.role in EDITORS


def undo_move(
    actor: User, application_id: int, *, change_id: int | None = None, expected_version: int | None = None
) -> Application:
    """Take back the application's last move (`change_id`, if given, must be that move)."""
    from app.services.applications import get_application

    application = get_application(actor, application_id)
    if not _may_undo(actor, application):
        raise Forbidden("Only the recruiter or admin who made a move can undo it.")
    if expected_version is not None and expected_version != application.version:
        raise StaleUpdate(
            "The application changed meanwhile; reload it and try again.",
            current_stage=application.stage,
            version=application.version,
        )
    # The whole history (a few rows): its last two decide, and the answer shows it all without reading it again.
    rows = list(
        db.session.scalars(
            select(StageChange).where(StageChange.application_id == application.id).order_by(StageChange.id)
        )
    )
    last, before = (rows[-1] if rows else None), (rows[-2] if len(rows) > 1 else None)
    change = revert(actor, application, last, before, change_id=change_id)
    set_committed_value(application, "stage_changes", [*rows, change])
    return application


def check_undoable(actor: User, application: Application, last: StageChange | None, change_id: int | None) -> None:
    """Raise the reason this move cannot be undone now, if there is one."""
    if last is None or last.from_stage is None:
        raise Conflict("There is no move to undo: applying cannot be undone.")
    if change_id is not None and last.id != change_id:
        raise Conflict("Something else happened to this application since that move, so it cannot be undone.")
    if last.undo_of_id is not None:
        raise Conflict("The last change was itself an undo.")
    if last.actor_id != actor.id:
        raise Forbidden("Only the person who made a move can undo it.")
    if last.created_at + window() <= utcnow():
        raise Conflict(f"Moves can be undone for {int(window().total_seconds() // 60)} minutes; that time has passed.")
    if last.to_stage != application.stage:  # pragma: no cover - a move always writes its row
        raise Conflict("The application is not where that move left it.")
    if last.from_stage not in workflow.for_job(application.job).by_key:
        raise Conflict("The stage it came from is no longer in the job's pipeline.")


def revert(
    actor: User,
    application: Application,
    last: StageChange | None,
    before: StageChange | None,
    *,
    change_id: int | None = None,
    batch_id: str | None = None,
) -> StageChange:
    """Check and undo `last` (the application's newest history row; `before` the one under it)."""
    check_undoable(actor, application, last, change_id)
    _withdraw_email(last.id)
    pipeline = workflow.for_job(application.job)
    from_stage = application.stage
    now = utcnow()
    db.session.expire(application, ["stage_changes"])
    application.stage = last.from_stage
    application.stage_category = pipeline.category(last.from_stage)
    application.stage_entered_at = before.created_at if before is not None else application.created_at
    change = StageChange(
        application_id=application.id,
        company_id=application.company_id,
        from_stage=from_stage,
        to_stage=last.from_stage,
        to_category=pipeline.category(last.from_stage),
        actor_id=actor.id,
        undo_of_id=last.id,
        batch_id=batch_id,
        created_at=now,
    )
    db.session.add(change)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("The application changed meanwhile; reload it and try again.") from None
    stage_counts.record_move(application, from_stage)
    set_committed_value(change, "actor", actor)  # for the listeners, without a second flush
    signals.stage_undone.send(application, change=change, undone=last)
    return change


def _withdraw_email(change_id: int) -> None:
    """Cancel the move's candidate email if it still waits; refuse if it has gone out.

    One UPDATE over all of the move's messages: pending ones become cancelled,
    the others keep their status, and the statuses it returns tell whether one
    had gone out (then the caller's transaction rolls back, cancellations
    included). Its row locks wait for a delivery in progress (which holds the row
    while it sends), so a message is either cancelled or seen as sent, never both.
    """
    table = OutboxMessage.__table__
    pending = table.c.status == MessageStatus.PENDING.value
    statuses = set(
        db.session.scalars(
            update(table)
            .where(table.c.stage_change_id == change_id)
            .values(
                status=case((pending, MessageStatus.CANCELLED.value), else_=table.c.status),
                last_error=case((pending, "Cancelled: the move was undone."), else_=table.c.last_error),
                updated_at=utcnow(),
            )
            .returning(table.c.status)
        )
    )
    if statuses - {MessageStatus.CANCELLED.value}:
        raise Conflict("The candidate has already been emailed about this move, so it cannot be undone.")
