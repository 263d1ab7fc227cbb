"""Revoked token sessions: in Redis when REDIS_URL is set, else in the revoked_tokens table.

A sign-in opens a token session (the `sid` claim shared by its access and
refresh tokens). Revoking blocks the whole session until its refresh token
would have expired, after which the entry is useless and goes away: Redis
expires the key, and the table is purged of expired rows on each revocation.
"""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.api.problems import ApiProblem
from app.extensions import db
from app.models import RevokedToken
from app.models.base import utcnow
from app.redis_client import redis_client


def _redis() -> redis.Redis | None:
    return redis_client(current_app)


def _key(sid: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}jwt:revoked:{sid}"


def _unavailable(error: Exception) -> ApiProblem:
    current_app.logger.error("Token blocklist unavailable: %s", error)
    return ApiProblem(503, "The token store is unavailable; try again shortly.")


def revoke(sid: str, user_id: int | None, expires_at: datetime) -> None:
    """Block every token of session `sid` until `expires_at`."""
    now = utcnow()
    ttl = max(1, int((expires_at - now).total_seconds()) + 1)
    client = _redis()
    if client is not None:
        try:
            client.set(_key(sid), str(user_id or ""), ex=ttl)
        except redis.RedisError as error:
            raise _unavailable(error) from None
        return
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    try:
        with db.session.begin_nested():
            db.session.add(RevokedToken(jti=sid, user_id=user_id, expires_at=expires_at))
    except IntegrityError:
        pass  # revoked twice: already blocked


def is_revoked(sid: str | None) -> bool:
    if not sid:
        return True  # every token we issue has one
    client = _redis()
    if client is not None:
        try:
            return bool(client.exists(_key(sid)))
        except redis.RedisError as error:
            raise _unavailable(error) from None
    return db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == sid)) is not None


def expiry_from_claim(value) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)
