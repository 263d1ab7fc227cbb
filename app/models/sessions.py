from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class WebSession(db.Model):
    """Server-side web sessions when Redis is not configured (Flask-Session's shape)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Flask-Session writes naive UTC here.
    expiry: Mapped[datetime | None] = mapped_column(DateTime, index=True)
