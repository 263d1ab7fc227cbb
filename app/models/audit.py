"""The audit log: security-relevant actions, append-only, chained by HMAC per company."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow

HASH_LENGTH = 64


class AuditEvent(db.Model):
    """One action. Written with one INSERT in the transaction of the action (or on its own
    connection for refusals, which roll back); sealed into its company's chain soon after."""

    __tablename__ = "audit_events"
    __personal_data__ = ("actor_label", "ip", "user_agent", "details")
    __table_args__ = (
        # The chain: one position per row of each company (0: actions outside any company).
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
        Index("ix_audit_events_company_id_id", "company_id", "id"),
        Index("ix_audit_events_unsealed", "seq", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    chain: Mapped[int] = mapped_column(default=0)  # company_id, or 0
    # No foreign keys to people or keys: the log outlives them and must not change when they go.
    actor_id: Mapped[int | None] = mapped_column()
    actor_label: Mapped[str] = mapped_column(String(254), default="")  # an email, as it was
    api_key_id: Mapped[int | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when sealed: the position in the chain, the previous row's hash and this row's.
    seq: Mapped[int | None] = mapped_column()
    prev_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))
