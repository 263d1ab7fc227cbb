"""Possible duplicates (proposed, never merged automatically) and the merges staff made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

DUPLICATE_STATUSES = ("open", "merged", "dismissed")
REASONS = ("email", "phone", "linkedin", "name_and_resume")


class DuplicateCandidate(db.Model):
    """Two records of one company that may be the same person; `candidate_a_id` < `candidate_b_id`."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (
        CheckConstraint("candidate_a_id < candidate_b_id", name="pair_ordered"),
        CheckConstraint(f"status IN {DUPLICATE_STATUSES}", name="status_known"),
        UniqueConstraint("candidate_a_id", "candidate_b_id", name="uq_duplicate_candidates_pair"),
        # The open proposals of a company, newest first (keyset on id).
        Index("ix_duplicate_candidates_company_status_id", "company_id", "status", "id"),
        Index("ix_duplicate_candidates_candidate_b_id", "candidate_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    candidate_a_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    candidate_b_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CandidateMerge(db.Model):
    """One merge: `other_id` folded into `keep_id`, with exactly what moved (`moved`), so it can be undone."""

    __tablename__ = "candidate_merges"
    __table_args__ = (
        Index("ix_candidate_merges_company_id_id", "company_id", "id"),
        Index("ix_candidate_merges_keep_id", "keep_id"),
        Index("ix_candidate_merges_other_id", "other_id"),
    )
    # Old field values are personal data.
    __personal_data__ = ("moved",)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    keep_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    # {"applications": [ids], "resume_texts": [keys], "tags": [tag ids], "pool_members": [ids],
    #  "fields": {name: {"old": kept record's value, "new": value set}}, "other": {name: tombstone's old value}}
    moved: Mapped[dict] = mapped_column(JSON, default=dict)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
