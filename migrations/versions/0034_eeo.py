"""eeo: voluntary equal-opportunity answers kept apart, the compliance role

Revision ID: 0034_eeo
Revises: 0033_data_requests
Create Date: 2026-12-02 08:40:00

`eeo_responses` holds one row per application that answered (or skipped) the
survey: the answers and nothing naming the person. `eeo_question_sets` holds a
company's questions (no row: the defaults). `users.role` may now be
`compliance` (the CHECK is replaced; SQLite copies the table in batch mode).
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_eeo"
down_revision = "0033_data_requests"
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('candidate', 'recruiter', 'hiring_manager', 'admin')"
NEW_ROLES = "role IN ('candidate', 'recruiter', 'hiring_manager', 'admin', 'compliance')"


def _roles(check: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role_known"), check)


def upgrade():
    op.create_table(
        "eeo_question_sets",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_eeo_question_sets_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_eeo_question_sets")),
    )
    op.create_table(
        "eeo_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_eeo_responses_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_eeo_responses_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eeo_responses")),
        sa.UniqueConstraint("application_id", name="uq_eeo_responses_application_id"),
    )
    op.create_index(op.f("ix_eeo_responses_company_id"), "eeo_responses", ["company_id"], unique=False)
    _roles(NEW_ROLES)


def downgrade():
    # A compliance account has no older role that grants as little: refuse rather than widen or delete it.
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'compliance'")).scalar()
    if left:
        raise RuntimeError(f"{left} compliance account(s) remain: change their role before downgrading 0034_eeo.")
    _roles(OLD_ROLES)
    op.drop_index(op.f("ix_eeo_responses_company_id"), table_name="eeo_responses")
    op.drop_table("eeo_responses")
    op.drop_table("eeo_question_sets")
