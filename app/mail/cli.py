"""`flask mail status|retry|flush`."""

from __future__ import annotations

import click
import redis
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.models import MessageStatus, OutboxMessage
from app.models.outbox import MESSAGE_STATUSES

mail_cli = AppGroup("mail", help="The email outbox: status, retries, the sweep.")


@mail_cli.command("status")
@click.option("--limit", default=10, show_default=True, help="How many of the latest failures to list.")
def status_command(limit: int) -> None:
    """Counts by status and the latest failures."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
        ).all()
    )
    click.echo("  ".join(f"{status}: {counts.get(status, 0)}" for status in MESSAGE_STATUSES))
    if current_app.config.get("REDIS_URL"):
        click.echo(_queue_line())
    failures = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.FAILED.value)
        .order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    ).all()
    if failures:
        click.echo("Latest failures:")
    for message in failures:
        click.echo(
            f"  #{message.id} {message.updated_at:%Y-%m-%d %H:%M:%S} {message.kind} to {message.to_address}"
            f" after {message.attempts} attempt(s): {message.last_error or '-'}"
        )


def _queue_line() -> str:
    from app.mail.queue import get_queue

    mail_queue = get_queue(current_app)
    try:
        waiting, scheduled = mail_queue.count, mail_queue.scheduled_job_registry.count
    except redis.RedisError as error:
        return f"queue {mail_queue.name}: Redis unavailable ({type(error).__name__})"
    return f"queue {mail_queue.name}: {waiting} waiting, {scheduled} scheduled for a retry"


@mail_cli.command("retry")
@click.argument("message_id", type=int, required=False)
@click.option("--failed", "all_failed", is_flag=True, help="Retry every failed message.")
def retry_command(message_id: int | None, all_failed: bool) -> None:
    """Send a message (ID) or every failed one (--failed) again."""
    from app.mail.service import reset_for_retry

    if (message_id is None) == (not all_failed):
        raise click.UsageError("Give a message ID or --failed (not both).")
    if all_failed:
        stmt = select(OutboxMessage).where(OutboxMessage.status == MessageStatus.FAILED.value)
    else:
        stmt = select(OutboxMessage).where(OutboxMessage.id == message_id)
    messages = db.session.scalars(stmt.order_by(OutboxMessage.id)).all()
    if message_id is not None and not messages:
        raise click.ClickException(f"There is no message #{message_id}.")
    if message_id is not None and messages[0].status == MessageStatus.SENT:
        raise click.ClickException(f"Message #{message_id} was already sent.")
    for message in messages:
        reset_for_retry(message)
    db.session.commit()  # hands them on (queue or in-process delivery) after the commit
    click.echo(f"Retrying {len(messages)} message(s).")


@mail_cli.command("flush")
@click.option("--grace", type=int, default=None, help="Only messages untouched this many seconds (MAIL_SWEEP_GRACE).")
def flush_command(grace: int | None) -> None:
    """Hand on messages left pending (Redis was down, a worker died)."""
    from app.mail.sweep import sweep

    count = sweep(grace)
    click.echo(f"Handed on {count} pending message(s).")
