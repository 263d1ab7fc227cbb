"""consent on the application row: applying writes one statement less

Revision ID: 0009_apply_row
Revises: 0010_pipelines
Create Date: 2026-12-02 09:00:00

The consent a person gives when applying (the privacy notice and its version,
the time, the address) moves from its own `consents` row onto the application
row, so it is written by the application's INSERT. Each consent belonged to
exactly one application (applications are never deleted), so every one is
kept. The downgrade writes the `consents` rows back from the applications.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_apply_row"
down_revision = "0010_pipelines"
branch_labels = None
depends_on = None


def _latest(column: str) -> str:
    """The newest consent's `column` for the application being updated."""
    return (
        f"(SELECT c.{column} FROM consents c WHERE c.application_id = applications.id ORDER BY c.id DESC LIMIT 1)"
    )


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_notice_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_notice_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("consent_ip", sa.String(length=45), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_consent_notice_id_privacy_notices"),
            "privacy_notices",
            ["consent_notice_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    op.execute(
        "UPDATE applications SET "
        f"consent_notice_id = {_latest('privacy_notice_id')}, "
        f"consent_notice_version = {_latest('notice_version')}, "
        f"consented_at = {_latest('accepted_at')}, "
        f"consent_ip = {_latest('ip')} "
        "WHERE EXISTS (SELECT 1 FROM consents c WHERE c.application_id = applications.id)"
    )
    op.drop_table("consents")


def downgrade():
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

    op.execute(
        "INSERT INTO consents "
        "(company_id, candidate_id, application_id, privacy_notice_id, notice_version, accepted_at, ip) "
        "SELECT company_id, candidate_id, id, consent_notice_id, COALESCE(consent_notice_version, 0), "
        "consented_at, consent_ip FROM applications WHERE consented_at IS NOT NULL ORDER BY id"
    )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_applications_consent_notice_id_privacy_notices"), type_="foreignkey")
        batch_op.drop_column("consent_ip")
        batch_op.drop_column("consented_at")
        batch_op.drop_column("consent_notice_version")
        batch_op.drop_column("consent_notice_id")
