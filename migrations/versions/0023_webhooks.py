"""webhooks and the event feed: events, webhook endpoints and their deliveries

Revision ID: 0023_webhooks
Revises: 0025_audit_log
Create Date: 2026-12-02 00:30:00

`events` holds what happened to a company's data (the feed, kept
EVENT_RETENTION_DAYS); `webhook_endpoints` the URLs a company has them sent to;
`webhook_deliveries` one row per (event, endpoint) with its due time, so a
schedule survives the loss of Redis.

A trigger on `events` writes the deliveries (one INSERT ... SELECT over the
company's active endpoints subscribed to the type) in the transaction of the
event: the request sends one statement per event, whatever the endpoints.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_webhooks"
down_revision = "0025_audit_log"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("object_type", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _fk("events", "company_id", "companies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_company_id_id", "events", ["company_id", "id"])
    op.create_index("ix_events_occurred_at", "events", ["occurred_at"])

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("event_types", sa.String(length=1000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("busy_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("webhook_endpoints", "company_id", "companies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_index("ix_webhook_endpoints_company_id_id", "webhook_endpoints", ["company_id", "id"])

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("response_snippet", sa.String(length=1024), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name=op.f("ck_webhook_deliveries_status_known")
        ),
        _fk("webhook_deliveries", "company_id", "companies"),
        _fk("webhook_deliveries", "event_id", "events"),
        _fk("webhook_deliveries", "endpoint_id", "webhook_endpoints"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index("ix_webhook_deliveries_endpoint_id_id", "webhook_deliveries", ["endpoint_id", "id"])
    op.create_index("ix_webhook_deliveries_status_due_at", "webhook_deliveries", ["status", "due_at"])
    op.create_index("ix_webhook_deliveries_event_id", "webhook_deliveries", ["event_id"])
    _create_trigger()


# The columns and rows of the fan-out, in both dialects' words for the new row and for true.
_FAN_OUT = """
INSERT INTO webhook_deliveries (company_id, event_id, endpoint_id, status, attempts, due_at, created_at, updated_at)
SELECT NEW.company_id, NEW.id, w.id, 'pending', 0, NEW.occurred_at, NEW.occurred_at, NEW.occurred_at
FROM webhook_endpoints w
WHERE w.company_id = NEW.company_id AND w.active = {true}
  AND (w.event_types = '' OR w.event_types LIKE '%,' || NEW.type || ',%');
"""
PING = "webhook.ping"  # sent to one endpoint by the app itself, never fanned out


def _create_trigger():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + _FAN_OUT.format(true="true")
            + " RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW "
            f"WHEN (NEW.type <> '{PING}') EXECUTE FUNCTION webhook_fan_out()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW WHEN NEW.type <> '{PING}' BEGIN"
            + _FAN_OUT.format(true="1")
            + " END"
        )


def _drop_trigger():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_fan_out ON events")
        op.execute("DROP FUNCTION IF EXISTS webhook_fan_out()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_fan_out")


def downgrade():
    _drop_trigger()
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.drop_table("events")
