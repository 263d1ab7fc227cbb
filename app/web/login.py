"""Signing in and out with Flask-Login on top of the server-side session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.extensions import login_manager
from app.models import User
from app.services import accounts
from app.web.sessions import clear_session, rotate_session_id


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.unauthorized_handler(_send_to_login)

    @app.before_request
    def _fresh_request_state() -> None:
        # `g` lives on the app context, which a test (or a CLI command) may keep
        # across requests: the user and CSRF token are always this request's own.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        g.pop("unread_notifications", None)


def _send_to_login():
    """Anonymous visitors go to the sign-in page and come back afterwards.

    After a form post (a session that ended while the form was open) they come
    back to the page that showed the form, not to the POST-only address.
    """
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host and referrer.scheme in ("http", "https")
        target = (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else None
    flash("Please sign in to continue.", "info")
    return redirect(url_for("auth.login", next=safe_next(target) or None))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of "id:auth_version", only while that version is current.

    A password change or a deactivation bumps `auth_version`, so every session
    made before it stops loading a user at once.
    """
    raw_id, _, raw_version = (user_id or "").partition(":")
    if not (raw_id.isdigit() and raw_version.isdigit()):
        return None
    user, g.unread_notifications = accounts.get_active_user_and_unread(int(raw_id), int(raw_version))
    return user


def start_session(user: User) -> None:
    """Sign in under a new session id (no fixation)."""
    rotate_session_id()
    login_user(user)


def end_session() -> None:
    """Sign out and drop the stored session, so the old cookie is worth nothing."""
    logout_user()
    clear_session()


def restart_session(user: User) -> None:
    """After a password change: a clean session under a new id, still signed in."""
    clear_session()
    login_user(user)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_for(user: User) -> str:
    if user.is_staff:
        return url_for("dashboard.home")
    if user.is_compliance:
        return url_for("dashboard.eeo_report")  # the only page for them
    return url_for("candidate.applications")


def staff_required(view: Callable) -> Callable:
    """Signed-in company staff only; candidates get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_staff:
            abort(403, description="This page is for company staff.")
        return view(*args, **kwargs)

    return wrapper


def candidate_required(view: Callable) -> Callable:
    """Signed-in candidates only; staff get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_candidate:
            abort(403, description="This page is for candidates.")
        return view(*args, **kwargs)

    return wrapper
