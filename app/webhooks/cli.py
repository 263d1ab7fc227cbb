"""`flask webhooks reencrypt`: seal every endpoint's signing secret with the current WEBHOOK_SECRET_KEY."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, update

from app.extensions import db
from app.models import WebhookEndpoint
from app.webhooks import sealing

webhooks_cli = AppGroup("webhooks", help="Webhook endpoints: their signing secrets at rest.")


def reencrypt_all(app) -> tuple[int, list[int]]:
    """Reseal each secret with the current key; (how many, the ids no configured key opens).

    One transaction: either every readable secret moves to the new key or none does.
    """
    table = WebhookEndpoint.__table__
    done, unreadable = 0, []
    for endpoint_id, stored in db.session.execute(select(table.c.id, table.c.secret).order_by(table.c.id)).all():
        try:
            resealed = sealing.reseal(stored, app)
        except sealing.SecretUnreadable:
            unreadable.append(endpoint_id)
            continue
        db.session.execute(update(table).where(table.c.id == endpoint_id).values(secret=resealed))
        done += 1
    db.session.commit()
    return done, unreadable


@webhooks_cli.command("reencrypt")
def reencrypt_command() -> None:
    """Re-encrypt every endpoint's secret with WEBHOOK_SECRET_KEY (after rotating it; the old key listed in
    WEBHOOK_SECRET_OLD_KEYS). Exits 1 when some secret no configured key opens."""
    done, unreadable = reencrypt_all(current_app._get_current_object())
    click.echo(f"Re-encrypted {done} webhook secret(s) with the current key.")
    if unreadable:
        ids = ", ".join(f"#{i}" for i in unreadable)
        click.echo(f"No configured key opens the secret of endpoint(s) {ids}: list the old key, or rotate them.")
        raise SystemExit(1)
