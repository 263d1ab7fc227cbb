"""Interview invites: iCalendar REQUEST / CANCEL messages to the candidate and each interviewer."""

from __future__ import annotations

from app.models import Interview


def announce(interview: Interview, method: str, *, dropped: list[int], reason: str = "") -> None:
    """Queue the invites of this change in the outbox (written in the caller's transaction)."""
