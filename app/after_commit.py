"""Work held on the request's database session until its outermost transaction commits.

Side effects that must not happen for a change that rolls back (handing mail to
the queue, telling caches the data changed) collect their values on the session
under a key of their own; when the outermost transaction commits, the handler
gets them; when it ends any other way, they are forgotten. Releasing a savepoint
also fires SQLAlchemy's `after_commit`, and is not the real commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db


def run_after_commit(key: str, handler: Callable[[Flask, Any], None]) -> None:
    """Call `handler(app, value)` with `session.info[key]` after each outermost commit that left one."""

    @event.listens_for(db.session, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():  # a savepoint was released; the real commit is still to come
            return
        value = session.info.pop(key, None)
        if value and has_app_context():
            handler(current_app._get_current_object(), value)

    @event.listens_for(db.session, "after_transaction_end")
    def _after_transaction_end(session: Session, transaction) -> None:
        """The outermost transaction is over: after a commit the value is gone already; else forget it."""
        if transaction.parent is None:
            session.info.pop(key, None)
