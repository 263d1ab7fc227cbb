"""Webhook signing secrets encrypted at rest; per-application summaries for the reports.

`webhook_endpoints.secret` grows to 500 characters and every stored `whsec_`
secret is sealed with WEBHOOK_SECRET_KEY (Fernet, app/webhooks/sealing.py);
the downgrade opens them again (refusing, with the endpoint named, when no
configured key opens one: a downgrade must not lose secrets).

`application_summaries` holds, per application, what its standing moves add up
to (furthest category, first hire, first staff move); a trigger on
`stage_changes` recomputes the application's row from its history whenever a
move or an undo is inserted (no statement more for the app), and the upgrade
fills it from the history there is.

Revision ID: 0030_integrations
Revises: 0029_booking
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0030_integrations"
down_revision = "0029_booking"
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


# One application's row, recomputed from its standing moves (the reports' `effective_moves`).
_SUMMARY_SELECT = """
SELECT s.application_id, s.company_id,
  max(CASE s.to_category WHEN 'applied' THEN 0 WHEN 'screening' THEN 1 WHEN 'interview' THEN 2
      WHEN 'offer' THEN 3 WHEN 'hired' THEN 4 ELSE -1 END),
  min(CASE WHEN s.to_category = 'hired' THEN s.created_at END),
  min(CASE WHEN s.from_stage IS NOT NULL AND s.to_category <> 'withdrawn' THEN s.created_at END)
FROM stage_changes s
WHERE {where} AND s.undo_of_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM stage_changes u WHERE u.undo_of_id = s.id)
GROUP BY s.application_id, s.company_id
"""
# In the trigger: always one row (NULLs when no move stands), so a row can only be brought up to date.
_SUMMARY_UPSERT = (
    "INSERT INTO application_summaries (application_id, company_id, furthest_rank, hired_at, first_response_at)"
    + _SUMMARY_SELECT.replace("s.application_id, s.company_id,", "NEW.application_id, NEW.company_id,")
    .replace("GROUP BY s.application_id, s.company_id", "")
    .format(where="s.application_id = NEW.application_id")
    + " ON CONFLICT (application_id) DO UPDATE SET furthest_rank = excluded.furthest_rank,"
    " hired_at = excluded.hired_at, first_response_at = excluded.first_response_at;"
)


# A move or an undo is an INSERT; a corrected row (a time, a category) an UPDATE. Deleting history
# happens only with its application, whose summary goes with it (ON DELETE CASCADE).
_WHEN = ("INSERT", "UPDATE")


def _create_summaries() -> None:
    op.create_table(
        "application_summaries",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("furthest_rank", sa.Integer(), nullable=True),
        sa.Column("hired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"],
            name=op.f("fk_application_summaries_application_id_applications"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"],
            name=op.f("fk_application_summaries_company_id_companies"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_application_summaries")),
    )  # fmt: skip
    op.create_index(
        "ix_application_summaries_company_id_application_id", "application_summaries", ["company_id", "application_id"]
    )
    op.execute(
        "INSERT INTO application_summaries (application_id, company_id, furthest_rank, hired_at, first_response_at)"
        + _SUMMARY_SELECT.format(where="1 = 1")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION application_summary_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + _SUMMARY_UPSERT
            + " RETURN NULL; END $$"
        )
        for when in _WHEN:
            op.execute(
                f"CREATE TRIGGER stage_changes_summary_{when.lower()} AFTER {when} ON stage_changes FOR EACH ROW "
                "EXECUTE FUNCTION application_summary_refresh()"
            )
    else:
        for when in _WHEN:
            op.execute(
                f"CREATE TRIGGER stage_changes_summary_{when.lower()} AFTER {when} ON stage_changes BEGIN "
                + _SUMMARY_UPSERT
                + " END"
            )


def _drop_summaries() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for when in _WHEN:
        op.execute(f"DROP TRIGGER IF EXISTS stage_changes_summary_{when.lower()}" + (" ON stage_changes" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS application_summary_refresh()")
    op.drop_index("ix_application_summaries_company_id_application_id", table_name="application_summaries")
    op.drop_table("application_summaries")


def upgrade() -> None:
    from app.webhooks import sealing

    _create_summaries()

    _resize(500)
    app = current_app._get_current_object()
    _rewrite(lambda _id, stored: stored if stored.startswith(sealing.PREFIX) else sealing.seal(stored, app))


def downgrade() -> None:
    from app.webhooks import sealing

    _drop_summaries()

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
