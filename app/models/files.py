"""Uploaded files kept in the database, so every web host can serve them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class StoredFile(db.Model):
    """The bytes of one file of the `database` storage backend (app/core/storage/database.py).

    `data` is deferred: loading a row for its size or type never pulls the bytes.
    """

    __tablename__ = "stored_files"
    __personal_data__ = ("data",)
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<StoredFile {self.key} {self.size} bytes>"
