"""What a change was made with: history rows and notes written through the API with a key name the key.

The acting member is the row's actor or author as always; the key is read from
the request (set by app/api/key_auth.py), so the services need no new argument.
"""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import event

from app.extensions import db
from app.models import Note, StageChange


def api_key_id() -> int | None:
    """The API key of the request being served, or None (a token, a page, the worker)."""
    if not has_request_context():
        return None
    return g.get("api_key_id")


@event.listens_for(db.session, "before_flush")
def _name_the_key(session, _context, _instances) -> None:
    key_id = api_key_id()
    if key_id is None:
        return
    for obj in session.new:
        if isinstance(obj, StageChange | Note) and obj.api_key_id is None:
            obj.api_key_id = key_id
