"""candidate search: resume texts and one search document per candidate

Revision ID: 0019_candidate_search
Revises: 0015_candidate_language
Create Date: 2026-12-02 00:50:00

PostgreSQL: `candidate_search.tsv` is a generated, weighted tsvector (name and
email A, the rest B) with a GIN index, and `name_email` has a trigram GIN index
(pg_trgm) for names typed with a typo. SQLite: an FTS5 table over the same two
columns, external content kept in step by triggers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_candidate_search"
down_revision = "0015_candidate_language"
branch_labels = None
depends_on = None

TSV = (
    "setweight(to_tsvector('english', coalesce(name_email, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(document, '')), 'B')"
)
FTS_TRIGGERS = {
    "candidate_search_ai": "AFTER INSERT ON candidate_search BEGIN "
    "INSERT INTO candidate_search_fts(rowid, name_email, document) "
    "VALUES (new.candidate_id, new.name_email, new.document); END",
    "candidate_search_ad": "AFTER DELETE ON candidate_search BEGIN "
    "INSERT INTO candidate_search_fts(candidate_search_fts, rowid, name_email, document) "
    "VALUES ('delete', old.candidate_id, old.name_email, old.document); END",
    "candidate_search_au": "AFTER UPDATE ON candidate_search BEGIN "
    "INSERT INTO candidate_search_fts(candidate_search_fts, rowid, name_email, document) "
    "VALUES ('delete', old.candidate_id, old.name_email, old.document); "
    "INSERT INTO candidate_search_fts(rowid, name_email, document) "
    "VALUES (new.candidate_id, new.name_email, new.document); END",
}


def upgrade():
    op.create_table(
        "resume_texts",
        sa.Column("resume_key", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('ok', 'unreadable', 'failed')", name=op.f("ck_resume_texts_status_known")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_resume_texts_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_resume_texts_candidate_id_candidates"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_resume_texts_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resume_key", name=op.f("pk_resume_texts")),
    )
    with op.batch_alter_table("resume_texts", schema=None) as batch_op:
        batch_op.create_index("ix_resume_texts_application_id", ["application_id"], unique=False)
        batch_op.create_index("ix_resume_texts_candidate_id", ["candidate_id"], unique=False)

    op.create_table(
        "candidate_search",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name_email", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_search_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_candidate_search_company_id_companies"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("candidate_id", name=op.f("pk_candidate_search")),
    )
    with op.batch_alter_table("candidate_search", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidate_search_company_id_candidate_id", ["company_id", "candidate_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"ALTER TABLE candidate_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({TSV}) STORED")
        op.execute("CREATE INDEX ix_candidate_search_tsv ON candidate_search USING gin (tsv)")
        op.execute(
            "CREATE INDEX ix_candidate_search_name_email_trgm ON candidate_search USING gin (name_email gin_trgm_ops)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE candidate_search_fts USING fts5(name_email, document, "
            "content='candidate_search', content_rowid='candidate_id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for name, body in FTS_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS candidate_search_fts")
    # pg_trgm stays: other objects may use it, and creating it needs rights a downgrade may lack.
    with op.batch_alter_table("candidate_search", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_search_company_id_candidate_id")
    op.drop_table("candidate_search")
    with op.batch_alter_table("resume_texts", schema=None) as batch_op:
        batch_op.drop_index("ix_resume_texts_candidate_id")
        batch_op.drop_index("ix_resume_texts_application_id")
    op.drop_table("resume_texts")
