"""Webhook signing secrets encrypted at rest.

`webhook_endpoints.secret` grows to 500 characters and every stored `whsec_`
secret is sealed with WEBHOOK_SECRET_KEY (Fernet, app/webhooks/sealing.py);
the downgrade opens them again (refusing, with the endpoint named, when no
configured key opens one: a downgrade must not lose secrets).

Revision ID: 0030_integrations
Revises: 0020_tags_pools
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0030_integrations"
down_revision = "0020_tags_pools"
branch_labels = None
depends_on = None

_endpoints = sa.table("webhook_endpoints", sa.column("id", sa.Integer), sa.column("secret", sa.String))


def _rewrite(change) -> None:
    conn = op.get_bind()
    for endpoint_id, stored in conn.execute(sa.select(_endpoints.c.id, _endpoints.c.secret)).all():
        conn.execute(sa.update(_endpoints).where(_endpoints.c.id == endpoint_id).values(secret=change(endpoint_id, stored)))


def _resize(length: int) -> None:
    """SQLite copies the table: the triggers naming it (the events fan-out) are set aside and made again."""
    conn = op.get_bind()
    triggers = []
    if conn.dialect.name == "sqlite":
        triggers = conn.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%webhook_endpoints%'")
        ).all()
        for name, _sql in triggers:
            op.execute(f'DROP TRIGGER "{name}"')
    with op.batch_alter_table("webhook_endpoints") as batch:
        batch.alter_column("secret", type_=sa.String(length=length))
    for _name, sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    from app.webhooks import sealing

    _resize(500)
    app = current_app._get_current_object()
    _rewrite(lambda _id, stored: stored if stored.startswith(sealing.PREFIX) else sealing.seal(stored, app))


def downgrade() -> None:
    from app.webhooks import sealing

    app = current_app._get_current_object()

    def opened(endpoint_id: int, stored: str) -> str:
        if not stored.startswith(sealing.PREFIX):
            return stored
        try:
            return sealing.open_(stored, app)
        except sealing.SecretUnreadable as error:
            raise RuntimeError(f"Webhook endpoint #{endpoint_id}: {error}") from None

    _rewrite(opened)
    _resize(100)
