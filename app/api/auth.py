"""JWT for the API: what a token holds and how each request's token is checked.

A token carries the user id (`sub`), the account's `auth_version` (`ver`) and
its token session (`sid`, `sxp`). Everything else (role, company, active) is
read on each request, from the kept identity (app/identity_cache.py, bumped by
every write to the user) or the database, so a role change, a deactivation or
a password change (which bumps `auth_version`) takes effect at once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

import flask_jwt_extended
import redis
from flask import Flask, current_app, g
from flask_jwt_extended import create_access_token, create_refresh_token, get_current_user, get_jwt

from app import identity_cache
from app.api import blocklist
from app.api.problems import problem
from app.extensions import jwt
from app.models import User
from app.models.base import utcnow
from app.redis_client import redis_client

log = logging.getLogger(__name__)


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


def _user_id(data: dict) -> int | None:
    try:
        return int(data["sub"])
    except (KeyError, TypeError, ValueError):
        return None


@jwt.token_in_blocklist_loader
def _revoked(_header: dict, data: dict) -> bool:
    """The blocklist check, which also reads the caller's kept identity in the same Redis round trip."""
    sid, user_id = data.get("sid"), _user_id(data)
    app = current_app._get_current_object()
    client, cache = redis_client(app), identity_cache.get_cache(app)
    if not sid or client is None or cache is None or user_id is None:
        return blocklist.is_revoked(sid)
    try:
        try:
            values, kept = _read_ahead(client, cache, sid, user_id)
        except redis.exceptions.NoScriptError:  # Redis restarted empty: load the script, once
            cache.load_scripts()
            values, kept = _read_ahead(client, cache, sid, user_id)
    except redis.RedisError as error:
        log.warning("token check: Redis unavailable (%s); asking the database", type(error).__name__)
        return blocklist.is_revoked(sid)
    g.kept_identity = (user_id, tuple(kept))
    return blocklist.is_revoked(sid, values)


def _read_ahead(client: redis.Redis, cache, sid: str, user_id: int) -> list:
    """The blocklist's keys and the caller's kept row, in one round trip."""
    with client.pipeline(transaction=False) as pipe:
        pipe.mget(*blocklist.keys(sid))
        cache.queue_lookup(pipe, user_id, identity_cache.FIELD)
        return pipe.execute()


@jwt.user_lookup_loader
def _load_user(_header: dict, data: dict) -> User | None:
    user_id = _user_id(data)
    if user_id is None:
        return None
    kept_for, kept = g.pop("kept_identity", (None, None))
    return identity_cache.user_for(
        current_app._get_current_object(), user_id, data.get("ver"), kept if kept_for == user_id else None
    )


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
