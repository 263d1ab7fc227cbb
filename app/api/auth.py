"""JWT for the API: what a token holds and how each request's token is checked.

A token carries the user id (`sub`), the account's `auth_version` (`ver`) and
its token session (`sid`, `sxp`). Everything else (role, company, active) is
read from the database on each request, so a role change, a deactivation or a
password change (which bumps `auth_version`) takes effect at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

import flask_jwt_extended
from flask import Flask, current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token, get_current_user, get_jwt

from app.api import blocklist
from app.api.problems import problem
from app.extensions import jwt
from app.models import User
from app.models.base import utcnow
from app.services import accounts


def _seconds(value) -> int:
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


def issue_tokens(user: User) -> dict:
    """A fresh access and refresh token pair, opening a new token session."""
    refresh_life = _seconds(current_app.config["JWT_REFRESH_TOKEN_EXPIRES"])
    claims = {
        "ver": user.auth_version,
        "sid": uuid.uuid4().hex,
        "sxp": int((utcnow() + timedelta(seconds=refresh_life)).timestamp()),
    }
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "refresh_token": create_refresh_token(identity=str(user.id), additional_claims=claims),
        "token_type": "Bearer",
        "expires_in": _seconds(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]),
    }


def refresh_access(user: User) -> dict:
    """A new access token in the same token session as the refresh token presented."""
    token = get_jwt()
    claims = {"ver": user.auth_version, "sid": token["sid"], "sxp": token["sxp"]}
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "token_type": "Bearer",
        "expires_in": _seconds(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]),
    }


def revoke_current() -> None:
    """End the token session of the token presented: its access and refresh tokens alike."""
    token = get_jwt()
    blocklist.revoke(token["sid"], int(token["sub"]), blocklist.expiry_from_claim(token["sxp"]))


def caller() -> User | None:
    """The authenticated user (the member an API key acts as), or None where a token is optional."""
    actor = g.get("api_actor")
    return actor if actor is not None else get_current_user()


def jwt_required(optional: bool = False, **options) -> Callable:
    """flask-jwt-extended's `jwt_required`, or nothing more when the request was made with an API key.

    A key was checked (and its scope for this operation) in app/api/key_auth.py before the view.
    """
    token_required = flask_jwt_extended.jwt_required(optional=optional, **options)

    def decorate(view: Callable) -> Callable:
        with_token = token_required(view)

        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("api_actor") is not None:
                return view(*args, **kwargs)
            return with_token(*args, **kwargs)

        return wrapper

    return decorate


def init_jwt(app: Flask) -> None:
    app.config.setdefault("JWT_TOKEN_LOCATION", ["headers"])
    app.config.setdefault("JWT_ALGORITHM", "HS256")
    jwt.init_app(app)


@jwt.user_lookup_loader
def _load_user(_header: dict, data: dict) -> User | None:
    try:
        user_id = int(data["sub"])
    except (KeyError, TypeError, ValueError):
        return None
    return accounts.get_active_user(user_id, data.get("ver"))


@jwt.token_in_blocklist_loader
def _revoked(_header: dict, data: dict) -> bool:
    return blocklist.is_revoked(data.get("sid"))


def _unauthorized(detail: str):
    return problem(401, detail)


@jwt.unauthorized_loader
def _missing(_reason: str):
    return _unauthorized("Send a bearer token: Authorization: Bearer <access token>.")


@jwt.invalid_token_loader
def _invalid(_reason: str):
    return _unauthorized("The token is not valid.")


@jwt.expired_token_loader
def _expired(_header: dict, _data: dict):
    return _unauthorized("The token has expired; get a new one.")


@jwt.revoked_token_loader
def _revoked_answer(_header: dict, _data: dict):
    return _unauthorized("The token has been revoked.")


@jwt.user_lookup_error_loader
def _user_gone(_header: dict, _data: dict):
    return _unauthorized("The token is no longer valid: the account changed or was deactivated.")


@jwt.token_verification_failed_loader
def _claims_failed(_header: dict, _data: dict):
    return _unauthorized("The token is not valid.")


@jwt.needs_fresh_token_loader
def _needs_fresh(_header: dict, _data: dict):
    return _unauthorized("A fresh token is required.")
