"""Signed, expiring, single-use links for invitations and password resets.

A token carries the user id and the account's `auth_version`; setting a
password bumps that version, so a token works once and every older one dies.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.errors import ValidationFailed
from app.extensions import db
from app.models import User

INVITE = "invite"
RESET = "reset"
MAX_AGE = {INVITE: 7 * 24 * 3600, RESET: 2 * 3600}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ats-password-{purpose}")


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"uid": user.id, "v": user.auth_version})


def user_for_token(token: str, purpose: str) -> User:
    """The active user this token is for, or a validation error saying why not."""
    try:
        data = _serializer(purpose).loads(token, max_age=MAX_AGE[purpose])
    except SignatureExpired:
        raise ValidationFailed("This link has expired; ask for a new one.", errors={"token": ["Expired."]}) from None
    except BadSignature:
        raise ValidationFailed("This link is not valid.", errors={"token": ["Not valid."]}) from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or not user.active or user.auth_version != data.get("v"):
        raise ValidationFailed("This link has already been used or is no longer valid.", errors={"token": ["Used."]})
    return user
