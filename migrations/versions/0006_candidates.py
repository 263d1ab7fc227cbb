"""candidates: people known to a company, separate from logins

Revision ID: 0006_candidates
Revises: 0003_company_stage_totals
Create Date: 2026-12-01 01:00:00

Applications pointed at the applicant's user account. They now point at a
candidate record of the job's company: one record per (company, applicant),
named and addressed as the account was, linked to it by user_id. Also: the
source and campaign of every application, a private status link per application, versioned
privacy notices and the consents given against them.

The downgrade points applications back at accounts. Records made after the
upgrade that no account holds (guests, people added by staff) get a candidate
account without a password: by their email when an account has it, else a new
one (a placeholder address when the record has none), so no application is lost.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_candidates"
down_revision = "0008_questions"
branch_labels = None
depends_on = None

SOURCES = "('careers_page', 'job_board', 'referral', 'sourced', 'agency', 'event', 'api', 'import', 'other')"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_candidates_email_lowercase")),
        sa.CheckConstraint(f"source IN {SOURCES}", name=op.f("ck_candidates_source_known")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_candidates_company_id_companies"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_candidates_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("company_id", "email", name="uq_candidates_company_email"),
    )
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index("ix_candidates_company_id_id", ["company_id", "id"], unique=False)
        batch_op.create_index("ix_candidates_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_candidates_email", ["email"], unique=False)

    # One record per (company, applicant account), named and addressed as the account.
    empty_links = "CAST('{}' AS JSON)" if op.get_bind().dialect.name == "postgresql" else "'{}'"
    op.execute(
        f"""
        INSERT INTO candidates (company_id, full_name, email, links, source, user_id, created_at, updated_at)
        SELECT a.company_id, u.full_name, u.email, {empty_links}, 'careers_page', u.id,
               MIN(a.created_at), MIN(a.created_at)
        FROM applications a JOIN users u ON u.id = a.candidate_id
        GROUP BY a.company_id, u.id, u.full_name, u.email
        """
    )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_applications_candidate_id_users", type_="foreignkey")
        batch_op.add_column(
            sa.Column("source", sa.String(length=20), nullable=False, server_default="careers_page")
        )
        batch_op.add_column(sa.Column("utm_source", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("utm_medium", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("utm_campaign", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("referrer_host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("referrer_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("status_token_revoked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_applications_status_token_hash"), ["status_token_hash"])
        batch_op.create_check_constraint("source_known", f"source IN {SOURCES}")
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_added_by_id_users"), "users", ["added_by_id"], ["id"], ondelete="SET NULL"
        )

    # Through negative ids first: PostgreSQL checks (job_id, candidate_id) row by row,
    # and a new id may still be some other row's old one.
    op.execute("UPDATE applications SET candidate_id = -candidate_id")
    op.execute(
        """
        UPDATE applications SET candidate_id = (
            SELECT c.id FROM candidates c
            WHERE c.company_id = applications.company_id AND c.user_id = -applications.candidate_id
        )
        """
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_candidate_id_candidates"),
            "candidates",
            ["candidate_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_privacy_notices_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_privacy_notices_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("company_id", "version", name="uq_privacy_notices_company_version"),
    )

    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("privacy_notice_id", sa.Integer(), nullable=True),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_consents_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_consents_candidate_id_candidates"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_consents_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["privacy_notice_id"],
            ["privacy_notices.id"],
            name=op.f("fk_consents_privacy_notice_id_privacy_notices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index("ix_consents_application_id", ["application_id"], unique=False)
        batch_op.create_index("ix_consents_candidate_id_id", ["candidate_id", "id"], unique=False)


def downgrade():
    op.drop_table("consents")
    op.drop_table("privacy_notices")

    # Records no account holds get one: the account with their email, else a new passwordless one.
    op.execute(
        """
        UPDATE candidates SET user_id = (SELECT u.id FROM users u WHERE u.email = candidates.email)
        WHERE user_id IS NULL AND email IS NOT NULL
        """
    )
    op.execute(
        """
        INSERT INTO users (email, full_name, password_hash, role, company_id, active, auth_version, created_at)
        SELECT email, MIN(full_name), NULL, 'candidate', NULL, true, 1, MIN(created_at)
        FROM candidates WHERE user_id IS NULL AND email IS NOT NULL GROUP BY email
        """
    )
    op.execute(
        """
        INSERT INTO users (email, full_name, password_hash, role, company_id, active, auth_version, created_at)
        SELECT 'candidate-' || id || '@invalid.example', full_name, NULL, 'candidate', NULL, true, 1, created_at
        FROM candidates WHERE user_id IS NULL AND email IS NULL
        """
    )
    op.execute(
        """
        UPDATE candidates SET user_id = (
            SELECT u.id FROM users u
            WHERE u.email = COALESCE(candidates.email, 'candidate-' || candidates.id || '@invalid.example')
        )
        WHERE user_id IS NULL
        """
    )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_applications_candidate_id_candidates", type_="foreignkey")
    op.execute("UPDATE applications SET candidate_id = -candidate_id")
    op.execute(
        "UPDATE applications SET candidate_id = (SELECT c.user_id FROM candidates c WHERE c.id = -applications.candidate_id)"
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_applications_added_by_id_users", type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_applications_source_known"), type_="check")
        batch_op.drop_constraint(op.f("uq_applications_status_token_hash"), type_="unique")
        batch_op.drop_column("status_token_revoked_at")
        batch_op.drop_column("status_token_hash")
        batch_op.drop_column("added_by_id")
        batch_op.drop_column("referrer_name")
        batch_op.drop_column("referrer_host")
        batch_op.drop_column("utm_campaign")
        batch_op.drop_column("utm_medium")
        batch_op.drop_column("utm_source")
        batch_op.drop_column("source")
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_candidate_id_users"), "users", ["candidate_id"], ["id"], ondelete="RESTRICT"
        )

    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_candidates_email")
        batch_op.drop_index("ix_candidates_user_id")
        batch_op.drop_index("ix_candidates_company_id_id")
    op.drop_table("candidates")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
