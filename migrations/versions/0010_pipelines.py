"""pipelines each company shapes: stage templates, a pipeline per job, rejection reasons, undo

Revision ID: 0010_pipelines
Revises: 0006_candidates
Create Date: 2026-12-01 05:10:00

Stages stop being a fixed list checked by the database: each job carries its
own pipeline (copied from a company's stage template), and the application's
stage is a key of it. Every company gets a "Standard" template, exactly the
former machine, and every job that pipeline, so every stage key stays what it
was. History rows and kept counts gain the stage's category; applications gain
the time they entered their stage (from their history); stage changes gain a
rejection reason, the move they undo and a bulk batch id.

The downgrade puts every application, history row and count back on the
category of its stage (the former stage names), so custom stages fold into
the five standard ones and the former CHECK constraints hold again.
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_pipelines"
down_revision = "0006_candidates"
branch_labels = None
depends_on = None

CATEGORIES = "('applied', 'screening', 'interview', 'offer', 'hired', 'rejected', 'withdrawn')"
STANDARD = [
    {"key": key, "name": key.capitalize(), "category": key, "internal": False}
    for key in ("applied", "screening", "interview", "offer", "hired")
]
REASONS = ("Not enough experience", "Skills do not match the role", "Position filled", "Candidate withdrew interest")


def _now():
    return sa.text("CURRENT_TIMESTAMP")


def upgrade():
    op.create_table(
        "stage_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("stages", sa.JSON(), nullable=False),
        sa.Column("allow_skip", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_stage_templates_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_templates")),
        sa.UniqueConstraint("company_id", "name", name="uq_stage_templates_company_name"),
    )
    op.create_table(
        "rejection_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("email_template", sa.String(length=100), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_rejection_reasons_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejection_reasons")),
    )
    with op.batch_alter_table("rejection_reasons", schema=None) as batch_op:
        batch_op.create_index("ix_rejection_reasons_company_id_position", ["company_id", "position"], unique=False)

    standard = sa.bindparam("stages", STANDARD, type_=sa.JSON())
    op.get_bind().execute(
        sa.text(
            "INSERT INTO stage_templates "
            "(company_id, name, stages, allow_skip, is_default, version, created_at, updated_at) "
            "SELECT id, 'Standard', :stages, false, true, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM companies"
        ).bindparams(standard)
    )
    for position, label in enumerate(REASONS):
        op.get_bind().execute(
            sa.text(
                "INSERT INTO rejection_reasons (company_id, label, position, created_at) "
                "SELECT id, :label, :position, CURRENT_TIMESTAMP FROM companies"
            ),
            {"label": label, "position": position},
        )

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pipeline_stages", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pipeline_allow_skip", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("pipeline_template_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pipeline_version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            op.f("fk_jobs_pipeline_template_id_stage_templates"),
            "stage_templates",
            ["pipeline_template_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.get_bind().execute(
        sa.text(
            "UPDATE jobs SET pipeline_stages = :stages, pipeline_template_id = "
            "(SELECT t.id FROM stage_templates t WHERE t.company_id = jobs.company_id)"
        ).bindparams(standard)
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.alter_column(
            "pipeline_stages", existing_type=sa.JSON(), nullable=False, server_default=json.dumps(STANDARD)
        )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_applications_stage_known"), type_="check")
        batch_op.alter_column("stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch_op.add_column(sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stage_category", sa.String(length=20), nullable=True))
        batch_op.drop_index("ix_applications_company_stage_id")
    op.execute("UPDATE applications SET stage_category = stage")
    op.execute(
        "UPDATE applications SET stage_entered_at = COALESCE("
        "(SELECT max(c.created_at) FROM stage_changes c WHERE c.application_id = applications.id), created_at)"
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("stage_entered_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column("stage_category", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint("stage_category_known", f"stage_category IN {CATEGORIES}")
        batch_op.create_index("ix_applications_company_category_id", ["company_id", "stage_category", "id"], unique=False)

    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_stage_changes_to_stage_known"), type_="check")
        batch_op.alter_column("from_stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch_op.alter_column("to_stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch_op.add_column(sa.Column("to_category", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reason_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("undo_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.String(length=32), nullable=True))
    op.execute("UPDATE stage_changes SET to_category = to_stage")
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.alter_column("to_category", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint("to_category_known", f"to_category IN {CATEGORIES}")
        batch_op.create_foreign_key(
            op.f("fk_stage_changes_reason_id_rejection_reasons"),
            "rejection_reasons",
            ["reason_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            op.f("fk_stage_changes_undo_of_id_stage_changes"),
            "stage_changes",
            ["undo_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_stage_changes_batch_id", ["batch_id"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_change_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_messages_stage_change_id", ["stage_change_id"], unique=False)
        batch_op.drop_constraint(op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", "status IN ('pending', 'sent', 'failed', 'cancelled')")

    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_job_stage_counts_company_id_stage")
        batch_op.drop_constraint(op.f("ck_job_stage_counts_stage_known"), type_="check")
        batch_op.alter_column("stage", existing_type=sa.String(length=20), type_=sa.String(length=40))
        batch_op.add_column(sa.Column("category", sa.String(length=20), nullable=True))
    op.execute("UPDATE job_stage_counts SET category = stage")
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.alter_column("category", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint("category_known", f"category IN {CATEGORIES}")
        batch_op.create_index(
            "ix_job_stage_counts_company_id_category",
            ["company_id", "category"],
            unique=False,
            postgresql_include=["count"],
        )


def _fold_into_categories() -> None:
    """Every stage key becomes its category (the former stage names), job by job."""
    bind = op.get_bind()
    jobs = bind.execute(sa.text("SELECT id, pipeline_stages FROM jobs")).all()
    for job_id, stages in jobs:
        if isinstance(stages, str):
            stages = json.loads(stages)
        renames = {s["key"]: s["category"] for s in stages or [] if s["key"] != s["category"]}
        for key, category in renames.items():
            params = {"job": job_id, "key": key, "category": category}
            bind.execute(
                sa.text("UPDATE applications SET stage = :category WHERE job_id = :job AND stage = :key"), params
            )
            bind.execute(
                sa.text(
                    "UPDATE stage_changes SET to_stage = :category WHERE to_stage = :key AND application_id IN "
                    "(SELECT id FROM applications WHERE job_id = :job)"
                ),
                params,
            )
            bind.execute(
                sa.text(
                    "UPDATE stage_changes SET from_stage = :category WHERE from_stage = :key AND application_id IN "
                    "(SELECT id FROM applications WHERE job_id = :job)"
                ),
                params,
            )
    # Kept counts are recounted from the applications, now on the five standard stages.
    op.execute("DELETE FROM job_stage_counts")
    op.execute(
        "INSERT INTO job_stage_counts (job_id, stage, category, company_id, count) "
        "SELECT job_id, stage, stage, company_id, count(*) FROM applications GROUP BY job_id, stage, company_id"
    )


def downgrade():
    _fold_into_categories()
    op.execute("UPDATE outbox_messages SET status = 'failed', last_error = 'cancelled' WHERE status = 'cancelled'")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_messages_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", "status IN ('pending', 'sent', 'failed')")
        batch_op.drop_index("ix_outbox_messages_stage_change_id")
        batch_op.drop_column("stage_change_id")
    with op.batch_alter_table("job_stage_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_job_stage_counts_company_id_category")
        batch_op.drop_constraint(op.f("ck_job_stage_counts_category_known"), type_="check")
        batch_op.drop_column("category")
        batch_op.alter_column("stage", existing_type=sa.String(length=40), type_=sa.String(length=20))
        batch_op.create_check_constraint("stage_known", f"stage IN {CATEGORIES}")
        batch_op.create_index(
            "ix_job_stage_counts_company_id_stage", ["company_id", "stage"], unique=False, postgresql_include=["count"]
        )

    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_changes_batch_id")
        batch_op.drop_constraint(op.f("fk_stage_changes_undo_of_id_stage_changes"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_stage_changes_reason_id_rejection_reasons"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_stage_changes_to_category_known"), type_="check")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("undo_of_id")
        batch_op.drop_column("reason_id")
        batch_op.drop_column("to_category")
        batch_op.alter_column("to_stage", existing_type=sa.String(length=40), type_=sa.String(length=20))
        batch_op.alter_column("from_stage", existing_type=sa.String(length=40), type_=sa.String(length=20))
        batch_op.create_check_constraint("to_stage_known", f"to_stage IN {CATEGORIES}")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_company_category_id")
        batch_op.drop_constraint(op.f("ck_applications_stage_category_known"), type_="check")
        batch_op.drop_column("stage_category")
        batch_op.create_index("ix_applications_company_stage_id", ["company_id", "stage", "id"], unique=False)
        batch_op.drop_column("stage_entered_at")
        batch_op.alter_column("stage", existing_type=sa.String(length=40), type_=sa.String(length=20))
        batch_op.create_check_constraint("stage_known", f"stage IN {CATEGORIES}")

    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_jobs_pipeline_template_id_stage_templates"), type_="foreignkey")
        batch_op.drop_column("pipeline_version")
        batch_op.drop_column("pipeline_template_id")
        batch_op.drop_column("pipeline_allow_skip")
        batch_op.drop_column("pipeline_stages")

    with op.batch_alter_table("rejection_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_rejection_reasons_company_id_position")
    op.drop_table("rejection_reasons")
    op.drop_table("stage_templates")
