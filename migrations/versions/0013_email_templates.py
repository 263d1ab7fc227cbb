"""email templates: each company's own subject, text and HTML per event and language

Revision ID: 0013_email_templates
Revises: 0011_due_mail
Create Date: 2026-12-01 07:00:00

`email_templates` holds only what a company changed: no row is the built-in
default (app/mail/default_templates.py), and resetting deletes the row. The
unique (company_id, key, language) is also the index of the one SELECT that
finds the template in effect.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_email_templates"
down_revision = "0011_due_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=12), server_default="en", nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_email_templates_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_email_templates_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_templates")),
        sa.UniqueConstraint("company_id", "key", "language", name="uq_email_templates_company_key_language"),
    )


def downgrade():
    op.drop_table("email_templates")
