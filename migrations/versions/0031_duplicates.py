"""duplicate candidates: detection keys on candidates, proposals, merges

Revision ID: 0031_duplicates
Revises: 0020_tags_pools
Create Date: 2026-12-02 07:30:00

`candidates` gains the keys duplicates are found by (`email_key`, `phone_e164`,
`linkedin_key`, `name_key`, `resume_hash`), each indexed with `company_id`,
`duplicates_checked_at` (when the duplicates pass last compared the record) and
`merged_into_id` (a merged record's tombstone). The keys of existing records
are backfilled here, in batches; the resume hash is left to the pass (it reads
the resume texts). `duplicate_candidates` holds proposals (one row per ordered
pair), `candidate_merges` what each merge moved, so it can be undone.
Going back drops the tables and columns; merged records become ordinary
records again (their applications stay where the merge put them).
"""

import json
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0031_duplicates"
down_revision = "0020_tags_pools"
branch_labels = None
depends_on = None

BATCH = 500
KEY_INDEXES = {
    "ix_candidates_company_email_key": "email_key",
    "ix_candidates_company_phone_e164": "phone_e164",
    "ix_candidates_company_linkedin_key": "linkedin_key",
    "ix_candidates_company_resume_hash": "resume_hash",
}


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _keys_for(full_name, email, phone, links) -> dict:
    # The app's own functions, so the backfill and the pass agree on every key.
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from app.services.dedupe_keys import keys_for

    if isinstance(links, str):
        try:
            links = json.loads(links)
        except ValueError:
            links = {}
    return keys_for(full_name=full_name, email=email, phone=phone, links=links)


def _backfill() -> None:
    bind = op.get_bind()
    candidates = sa.table(
        "candidates",
        sa.column("id", sa.Integer),
        sa.column("full_name", sa.String),
        sa.column("email", sa.String),
        sa.column("phone", sa.String),
        sa.column("links", sa.JSON),
        sa.column("email_key", sa.String),
        sa.column("phone_e164", sa.String),
        sa.column("linkedin_key", sa.String),
        sa.column("name_key", sa.String),
    )
    after = 0
    while True:
        rows = bind.execute(
            sa.select(candidates.c.id, candidates.c.full_name, candidates.c.email, candidates.c.phone, candidates.c.links)
            .where(candidates.c.id > after)
            .order_by(candidates.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            keys = _keys_for(row.full_name, row.email, row.phone, row.links)
            bind.execute(sa.update(candidates).where(candidates.c.id == row.id).values(**keys))
        after = rows[-1].id


def upgrade():
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("phone_e164", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("linkedin_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("resume_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("duplicates_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_candidates_merged_into_id_candidates"), "candidates", ["merged_into_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        for name, column in KEY_INDEXES.items():
            batch_op.create_index(name, ["company_id", column], unique=False)
        batch_op.create_index("ix_candidates_merged_into_id", ["merged_into_id"], unique=False)
    _backfill()

    op.create_table(
        "duplicate_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("candidate_a_id", sa.Integer(), nullable=False),
        sa.Column("candidate_b_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("candidate_a_id < candidate_b_id", name=op.f("ck_duplicate_candidates_pair_ordered")),
        sa.CheckConstraint(
            "status IN ('open', 'merged', 'dismissed')", name=op.f("ck_duplicate_candidates_status_known")
        ),
        _fk("duplicate_candidates", "company_id", "companies", "CASCADE"),
        _fk("duplicate_candidates", "candidate_a_id", "candidates", "CASCADE"),
        _fk("duplicate_candidates", "candidate_b_id", "candidates", "CASCADE"),
        _fk("duplicate_candidates", "decided_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_candidates")),
        sa.UniqueConstraint("candidate_a_id", "candidate_b_id", name="uq_duplicate_candidates_pair"),
    )
    op.create_index(
        "ix_duplicate_candidates_company_status_id", "duplicate_candidates", ["company_id", "status", "id"]
    )
    op.create_index("ix_duplicate_candidates_candidate_b_id", "duplicate_candidates", ["candidate_b_id"])

    op.create_table(
        "candidate_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("keep_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        _fk("candidate_merges", "company_id", "companies", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["keep_id"], ["candidates.id"], name=op.f("fk_candidate_merges_keep_id_candidates"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["candidates.id"], name=op.f("fk_candidate_merges_other_id_candidates"), ondelete="CASCADE"
        ),
        _fk("candidate_merges", "merged_by_id", "users", "SET NULL"),
        _fk("candidate_merges", "undone_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_merges")),
    )
    op.create_index("ix_candidate_merges_company_id_id", "candidate_merges", ["company_id", "id"])
    op.create_index("ix_candidate_merges_keep_id", "candidate_merges", ["keep_id"])
    op.create_index("ix_candidate_merges_other_id", "candidate_merges", ["other_id"])


def downgrade():
    op.drop_index("ix_candidate_merges_other_id", table_name="candidate_merges")
    op.drop_index("ix_candidate_merges_keep_id", table_name="candidate_merges")
    op.drop_index("ix_candidate_merges_company_id_id", table_name="candidate_merges")
    op.drop_table("candidate_merges")
    op.drop_index("ix_duplicate_candidates_candidate_b_id", table_name="duplicate_candidates")
    op.drop_index("ix_duplicate_candidates_company_status_id", table_name="duplicate_candidates")
    op.drop_table("duplicate_candidates")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_candidates_merged_into_id")
        for name in KEY_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_constraint(op.f("fk_candidates_merged_into_id_candidates"), type_="foreignkey")
        for column in (
            "merged_into_id", "duplicates_checked_at", "resume_hash", "name_key", "linkedin_key", "phone_e164",
            "email_key",
        ):  # fmt: skip
            batch_op.drop_column(column)
