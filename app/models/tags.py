"""Tags: each company's vocabulary, put on candidates; talent pools: named lists of candidates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

TAG_NAME_MAX = 50


class Tag(db.Model):
    """A word a company puts on candidates. Unique per company whatever the case (`key` is the name lower-cased)."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("company_id", "key", name="uq_tags_company_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(TAG_NAME_MAX))
    key: Mapped[str] = mapped_column(String(TAG_NAME_MAX))
    colour: Mapped[str | None] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateTag(db.Model):
    __tablename__ = "candidate_tags"
    __table_args__ = (Index("ix_candidate_tags_tag_id", "tag_id"),)

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TalentPool(db.Model):
    __tablename__ = "talent_pools"
    __table_args__ = (
        UniqueConstraint("company_id", "key", name="uq_talent_pools_company_key"),
        Index("ix_talent_pools_company_id_id", "company_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PoolMember(db.Model):
    __tablename__ = "pool_members"
    __table_args__ = (
        UniqueConstraint("pool_id", "candidate_id", name="uq_pool_members_pool_candidate"),
        Index("ix_pool_members_pool_id_id", "pool_id", "id"),
        Index("ix_pool_members_candidate_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("talent_pools.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
