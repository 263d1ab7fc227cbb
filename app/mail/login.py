"""Flask-Login for the mail page until the web front door sets it up itself.

Only acts when nothing has done it yet: the LoginManager is bound only if the
app has none, and the user loader is set only if none is registered, so the
web side's own setup (which runs later, or replaces this) wins.
"""

from __future__ import annotations

from flask import Flask

from app.extensions import login_manager


def init_login(app: Flask) -> None:
    if not hasattr(app, "login_manager"):
        login_manager.init_app(app)
    if login_manager._user_callback is None:
        login_manager.user_loader(load_user)


def load_user(user_id: str):
    """A session id is "<id>:<auth_version>": a password change or deactivation ends old sessions."""
    from app.extensions import db
    from app.models import User

    raw_id, _, raw_version = (user_id or "").partition(":")
    if not (raw_id.isdigit() and raw_version.isdigit()):
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or user.auth_version != int(raw_version):
        return None
    return user
