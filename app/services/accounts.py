"""Accounts: candidate sign-up, sign-in, password changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import Role, User
from app.models.base import utcnow
from app.security import hash_password, needs_rehash, verify_password
from app.services import audit
from app.services.attempts import PASSWORD_CHANGE, SIGN_IN
from app.services.validation import Checker, normalize_email


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def new_user(*, email: str, full_name: str, role: Role, company_id: int | None, password: str | None) -> User:
    """Insert a user whose fields are already validated; the email must be free."""
    if email_taken(email):
        raise Conflict("An account with this email already exists.", errors={"email": ["Already registered."]})
    user = User(
        email=email,
        full_name=full_name,
        role=role.value,
        company_id=company_id,
        password_hash=hash_password(password) if password else None,
        active=True,
    )
    try:
        with db.session.begin_nested():  # a concurrent sign-up loses cleanly
            db.session.add(user)
    except IntegrityError:
        raise Conflict(
            "An account with this email already exists.", errors={"email": ["Already registered."]}
        ) from None
    return user


def register_candidate(*, email, password, full_name) -> User:
    """Public sign-up: always a candidate, never staff."""
    check = Checker()
    email = check.email("email", email)
    full_name = check.line("full_name", full_name, required=True, max_len=200)
    password = check.password("password", password)
    check.raise_if_any()
    return new_user(email=email, full_name=full_name, role=Role.CANDIDATE, company_id=None, password=password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way).

    Raises TooManyAttempts once the account named has had too many failures
    lately (`ACCOUNT_LOGIN_FAILURE_LIMIT`), whatever the password and whether or
    not the account exists, so the answer says nothing about either.
    """
    try:
        normalized = normalize_email(email or "")
    except Exception:
        normalized = None
    account = normalized or (email or "").strip().lower()[:254]
    SIGN_IN.check(account)
    user = db.session.scalar(select(User).where(User.email == normalized)) if normalized else None
    if not verify_password(user.password_hash if user else None, password or "") or not user.active:
        SIGN_IN.failed(account)
        # On its own connection: the request that refuses the sign-in commits nothing.
        audit.record(
            "auth.sign_in_failed",
            actor_label=account,
            company_id=user.company_id if user else None,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            details={"reason": "inactive" if user and user.active is False else "credentials"},
            own_connection=True,
        )
        return None
    SIGN_IN.succeeded(account)
    audit.record("auth.sign_in", actor=user, object_type="user", object_id=user.id)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def user_by_email(email: str) -> User:
    """The account with this address (any role, active or not), or NotFound."""
    try:
        normalized = normalize_email(email or "")
    except Exception:
        normalized = None
    user = db.session.scalar(select(User).where(User.email == normalized)) if normalized else None
    if user is None:
        raise NotFound("No account uses that email.")
    return user


def get_active_user(user_id: int, auth_version: int | None) -> User | None:
    """The user a session or token names, only while active and at that `auth_version`.

    A password change or a deactivation bumps `auth_version`, so every session
    and token made before it stops naming a user at once.
    """
    return _usable(db.session.get(User, user_id), auth_version)


def get_active_user_and_unread(user_id: int, auth_version: int | None) -> tuple[User | None, int]:
    """get_active_user, and how many unread notifications the user has (capped), in the same SELECT.

    The web door's per-request load: the navigation's count costs no statement of its own.
    """
    from app.services.notifications import unread_count_column

    row = db.session.execute(select(User, unread_count_column(User.id)).where(User.id == user_id)).first()
    if row is None:
        return None, 0
    user = _usable(row[0], auth_version)
    return user, (row[1] or 0) if user is not None else 0


def _usable(user: User | None, auth_version: int | None) -> User | None:
    if user is None or not user.active or user.auth_version != auth_version:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Set a new password and end every session and token issued before."""
    check = Checker()
    check.password("password", password)
    check.raise_if_any()
    user.password_hash = hash_password(password)
    user.auth_version += 1
    db.session.flush()
    audit.record("auth.password_changed", actor=user, object_type="user", object_id=user.id)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Wrong current passwords are limited per account (`PASSWORD_CHANGE_FAILURE_LIMIT`)."""
    account = f"user:{user.id}"
    PASSWORD_CHANGE.check(account)
    if not verify_password(user.password_hash, current_password or ""):
        PASSWORD_CHANGE.failed(account)
        raise ValidationFailed("The current password is wrong.", errors={"current_password": ["Wrong password."]})
    set_password(user, new_password)
    PASSWORD_CHANGE.succeeded(account)


def request_password_reset(email: str) -> None:
    """Send a reset link if the address belongs to an active account; say nothing either way."""
    from app import signals

    try:
        normalized = normalize_email(email or "")
    except Exception:
        return
    user = db.session.scalar(select(User).where(User.email == normalized))
    if user is not None and user.active:
        signals.password_reset_requested.send(user)


def set_password_with_token(token: str, purpose: str, password: str) -> User:
    """Accept an invitation or a reset link: set the password; the link is then spent.

    Proving the mailbox also lifts a sign-in lock on the account.
    """
    from app.services.tokens import user_for_token

    user = user_for_token(token, purpose)
    set_password(user, password)
    SIGN_IN.succeeded(user.email)
    return user
