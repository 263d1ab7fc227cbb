"""search rank: a narrow tsvector for ranking, the full one only for matching

Revision ID: 0037_search_rank
Revises: 0035_imports
Create Date: 2026-12-02 11:40:00

PostgreSQL only: `candidate_search.rank_tsv` is a generated, weighted tsvector
of the name and email (A) and the first 1,000 characters of the document (B),
small enough to stay in the row, so ranking a few thousand matches never reads
the full (TOASTed) `tsv`. SQLite's FTS5 needs nothing new.
"""

from alembic import op

revision = "0037_search_rank"
down_revision = "0035_imports"
branch_labels = None
depends_on = None

RANK_TSV = (
    "setweight(to_tsvector('english', coalesce(name_email, '')), 'A') || "
    "setweight(to_tsvector('english', left(coalesce(document, ''), 1000)), 'B')"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE candidate_search ADD COLUMN rank_tsv tsvector GENERATED ALWAYS AS ({RANK_TSV}) STORED")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE candidate_search DROP COLUMN rank_tsv")
