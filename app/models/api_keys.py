"""API keys: a company's credentials for scripts, limited to scopes, stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

PREFIX_LENGTH = 12


class ApiKey(db.Model):
    """One key. The secret is shown once; only its SHA-256 is kept (it has 256 random bits: no slow hash needed)."""

    __tablename__ = "api_keys"
    __table_args__ = (
        Index("ix_api_keys_prefix", "prefix", unique=True),
        Index("ix_api_keys_company_id_id", "company_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # The key's public start ("ats_" + 8 characters): found by it, shown in lists to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The admin who made it: requests act as this member unless On-Behalf-Of names another.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} {self.prefix}>"
