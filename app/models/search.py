"""Candidate search: the text of each resume and one search document per candidate.

Both tables are written by the worker only (app/search/), never by a request.
On PostgreSQL `candidate_search` also has a generated `tsv` column (a weighted
tsvector: name and email A, the rest B) with a GIN index, a narrow generated
`rank_tsv` (name and email, the head of the document) that ranking reads, and a
trigram GIN index on `name_email`; on SQLite an FTS5 table `candidate_search_fts` (external
content, kept by triggers) indexes the same two columns. Those objects exist in
the migration only: `include_in_autogenerate` keeps them out of the comparison.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

RESUME_STATUSES = ("ok", "unreadable", "failed")
# Objects of the migration that the models do not describe (dialect-specific search machinery).
MIGRATION_ONLY = {"tsv", "rank_tsv", "ix_candidate_search_tsv", "ix_candidate_search_name_email_trgm"}
FTS_PREFIX = "candidate_search_fts"


class ResumeText(db.Model):
    """The text of one stored resume file (`resume_key`), or why there is none."""

    __tablename__ = "resume_texts"
    __table_args__ = (
        CheckConstraint(f"status IN {RESUME_STATUSES}", name="status_known"),
        Index("ix_resume_texts_candidate_id", "candidate_id"),
        Index("ix_resume_texts_application_id", "application_id"),
    )
    # The resume's text is personal data: exported with the person, erased with them.
    __personal_data__ = ("text",)

    resume_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    # Why there is no text (no text layer, a damaged file), for staff; never the file's content.
    detail: Mapped[str | None] = mapped_column(String(200))
    extracted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateSearch(db.Model):
    """What search finds a candidate by: name, email, phone, answers, notes, resume text."""

    __tablename__ = "candidate_search"
    __table_args__ = (Index("ix_candidate_search_company_id_candidate_id", "company_id", "candidate_id"),)
    __personal_data__ = ("name_email", "document")

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name_email: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[str] = mapped_column(Text, default="")
    # When the worker started building this document: a change stamped later makes it stale.
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: leave out the search objects only the migration knows."""
    return not (name and (name in MIGRATION_ONLY or name.startswith(FTS_PREFIX)))
