"""offers: terms, approval, the letter, the candidate's answer; approvers per job; the letter template

Revision ID: 0027_offers
Revises: 0030_integrations
Create Date: 2026-12-02 07:30:00

`offers` holds at most one open offer per application (a partial unique index
on the open statuses); the salary is an integer of the currency's minor units.
`offer_events` is each offer's history, `offer_approvers` the members named to
approve a job's offers, `offer_letter_templates` each company's own letter.
Two company settings: `hire_requires_offer` (on for every existing company as
well) and `offer_self_approval` (off).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_offers"
down_revision = "0030_integrations"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('draft', 'awaiting_approval', 'approved', 'sent')")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hire_requires_offer", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("offer_self_approval", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("salary_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("letter_html", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'awaiting_approval', 'approved', 'sent', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_offers_status_known"),
        ),
        sa.CheckConstraint("salary_minor > 0", name=op.f("ck_offers_salary_positive")),
        _fk("offers", "company_id", "companies", "CASCADE"),
        _fk("offers", "application_id", "applications", "CASCADE"),
        _fk("offers", "job_id", "jobs", "CASCADE"),
        _fk("offers", "created_by_id", "users", "SET NULL"),
        _fk("offers", "approved_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index("ix_offers_application_id_id", "offers", ["application_id", "id"], unique=False)
    op.create_index("ix_offers_company_status_id", "offers", ["company_id", "status", "id"], unique=False)
    op.create_index(op.f("ix_offers_job_id"), "offers", ["job_id"], unique=False)
    op.create_index(
        "uq_offers_open_per_application", "offers", ["application_id"], unique=True,
        postgresql_where=OPEN, sqlite_where=OPEN,
    )  # fmt: skip
    op.create_table(
        "offer_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("offer_events", "offer_id", "offers", "CASCADE"),
        _fk("offer_events", "company_id", "companies", "CASCADE"),
        _fk("offer_events", "application_id", "applications", "CASCADE"),
        _fk("offer_events", "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_events")),
    )
    op.create_index("ix_offer_events_offer_id_id", "offer_events", ["offer_id", "id"], unique=False)
    op.create_index("ix_offer_events_application_id_id", "offer_events", ["application_id", "id"], unique=False)
    op.create_table(
        "offer_approvers",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        _fk("offer_approvers", "job_id", "jobs", "CASCADE"),
        _fk("offer_approvers", "user_id", "users", "CASCADE"),
        _fk("offer_approvers", "company_id", "companies", "CASCADE"),
        sa.PrimaryKeyConstraint("job_id", "user_id", name=op.f("pk_offer_approvers")),
    )
    op.create_index(op.f("ix_offer_approvers_user_id"), "offer_approvers", ["user_id"], unique=False)
    op.create_table(
        "offer_letter_templates",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _fk("offer_letter_templates", "company_id", "companies", "CASCADE"),
        _fk("offer_letter_templates", "updated_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_offer_letter_templates")),
    )


def downgrade():
    op.drop_table("offer_letter_templates")
    op.drop_index(op.f("ix_offer_approvers_user_id"), table_name="offer_approvers")
    op.drop_table("offer_approvers")
    op.drop_index("ix_offer_events_application_id_id", table_name="offer_events")
    op.drop_index("ix_offer_events_offer_id_id", table_name="offer_events")
    op.drop_table("offer_events")
    op.drop_index("uq_offers_open_per_application", table_name="offers")
    op.drop_index(op.f("ix_offers_job_id"), table_name="offers")
    op.drop_index("ix_offers_company_status_id", table_name="offers")
    op.drop_index("ix_offers_application_id_id", table_name="offers")
    op.drop_table("offers")
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("offer_self_approval")
        batch_op.drop_column("hire_requires_offer")
