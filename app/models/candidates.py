"""Candidates: people known to one company, separate from any login."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

# Where an application (and the person behind it) came from.
SOURCES = ("careers_page", "job_board", "referral", "sourced", "agency", "event", "api", "import", "other")
# What staff pick when they add someone themselves.
STAFF_SOURCES = ("sourced", "referral", "agency", "event", "other")
LINK_KINDS = ("linkedin", "github", "portfolio")


class Candidate(db.Model):
    """A person known to one company. Applying to two companies makes two records.

    Found by email within the company (one record per address); sourced people
    may have none. `user_id` links the record to a portal account once the
    account holds the address (created it, or proved it with a status link).
    """

    __tablename__ = "candidates"
    __table_args__ = (
        # Stored normalised, like users.email, so the unique index is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint(f"source IN {SOURCES}", name="source_known"),
        # NULLs are distinct on both databases: people without an email never collide.
        UniqueConstraint("company_id", "email", name="uq_candidates_company_email"),
        Index("ix_candidates_company_id_id", "company_id", "id"),
        Index("ix_candidates_user_id", "user_id"),
        Index("ix_candidates_email", "email"),
        # Duplicates are looked up by these keys within a company (app/services/duplicates.py).
        Index("ix_candidates_company_email_key", "company_id", "email_key"),
        Index("ix_candidates_company_phone_e164", "company_id", "phone_e164"),
        Index("ix_candidates_company_linkedin_key", "company_id", "linkedin_key"),
        Index("ix_candidates_company_resume_hash", "company_id", "resume_hash"),
        Index("ix_candidates_merged_into_id", "merged_into_id"),
    )
    # Columns holding personal data: what an export shows and an erasure blanks.
    __personal_data__ = (
        "full_name",
        "email",
        "phone",
        "location",
        "links",
        "email_key",
        "phone_e164",
        "linkedin_key",
        "name_key",
        "resume_hash",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="RESTRICT"))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    location: Mapped[str | None] = mapped_column(String(200))
    links: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(20), default="careers_page")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The language their emails are written in (a tag such as "de"); None: the company's default.
    preferred_language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Duplicate detection keys (app/services/dedupe_keys.py), kept on write and by the duplicates pass.
    email_key: Mapped[str | None] = mapped_column(String(254))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    linkedin_key: Mapped[str | None] = mapped_column(String(300))
    name_key: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the newest readable resume text, set by the duplicates pass.
    resume_hash: Mapped[str | None] = mapped_column(String(64))
    # When the duplicates pass last compared this record (None: never; older than updated_at: changed since).
    duplicates_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A tombstone: merged into that record (hidden from lists and search; a merge can be undone).
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id", ondelete="SET NULL"))
    # Optimistic concurrency for staff edits (PATCH with the version read; 409 when stale).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    # Privacy: erased (identity replaced by a tombstone, free text and files gone); kept from erasure by
    # an admin's legal hold; consent to keep using their data withdrawn (no pools, no further mail).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    legal_hold_reason: Mapped[str | None] = mapped_column(String(500))
    legal_hold_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Candidate {self.id} company={self.company_id}>"
