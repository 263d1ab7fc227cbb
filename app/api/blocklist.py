"""Revoked token sessions: always in the revoked_tokens table, and in Redis in front of it when REDIS_URL is set.

A sign-in opens a token session (the `sid` claim shared by its access and
refresh tokens). Revoking blocks the whole session until its refresh token
would have expired, after which the entry is useless and goes away: Redis
expires the key, and the table is purged of expired rows on each revocation.

The table is the record; Redis answers the check on every authenticated call
without a SQL statement. So that either can answer alone:
- a revocation is written to the table (in the request's transaction) and to
  Redis; if Redis cannot be reached it is refused with 503 and rolled back, so
  Redis never lacks a revocation the table has (the client retries);
- a marker key says Redis holds the complete list. A Redis restarted empty has
  no marker: the next check loads the unexpired rows from the table (one
  SELECT) and sets it. The marker also expires, so Redis is re-read from the
  table at least every MARKER_SECONDS whatever happened to it;
- while Redis is unreachable, checks ask the table (one SELECT per call).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.unavailable import Unavailable
from app.extensions import db
from app.models import RevokedToken
from app.models.base import utcnow
from app.redis_client import redis_client

log = logging.getLogger(__name__)

MARKER_SECONDS = 3600


def _redis() -> redis.Redis | None:
    return redis_client(current_app)


def _key(sid: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}jwt:revoked:{sid}"


def _marker() -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}jwt:revoked-complete"


def _seconds_left(expires_at: datetime, now: datetime) -> int:
    return max(1, int((expires_at - now).total_seconds()) + 1)


def revoke(sid: str, user_id: int | None, expires_at: datetime) -> None:
    """Block every token of session `sid` until `expires_at`; Unavailable (503) if Redis cannot record it."""
    now = utcnow()
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
    try:
        with db.session.begin_nested():
            db.session.add(RevokedToken(jti=sid, user_id=user_id, expires_at=expires_at))
    except IntegrityError:
        pass  # revoked twice: already blocked
    client = _redis()
    if client is None:
        return
    try:
        client.set(_key(sid), str(user_id or ""), ex=_seconds_left(expires_at, now))
    except redis.RedisError as error:
        log.warning("token blocklist: Redis unavailable (%s); revocation refused", type(error).__name__)
        raise Unavailable("the token store (Redis)") from None


def keys(sid: str) -> list[str]:
    """What a check reads from Redis, for callers that read it with other keys in one round trip."""
    return [_key(sid), _marker()]


def is_revoked(sid: str | None, values: list | None = None) -> bool:
    """`values`: keys(sid) already read from Redis by the caller; None: read them here."""
    if not sid:
        return True  # every token we issue has one
    client = _redis()
    if client is None:
        return _in_table(sid)
    try:
        revoked, complete = values if values is not None else client.mget(*keys(sid))
    except redis.RedisError as error:
        log.warning("token blocklist: Redis unavailable (%s); checking the database", type(error).__name__)
        return _in_table(sid)
    if complete is not None:
        return revoked is not None
    return sid in _reload(client)


def _in_table(sid: str) -> bool:
    return db.session.scalar(select(RevokedToken.id).where(RevokedToken.jti == sid)) is not None


def _reload(client: redis.Redis) -> set[str]:
    """Copy the unexpired revocations into Redis and mark it complete; returns their session ids."""
    now = utcnow()
    rows = db.session.execute(
        select(RevokedToken.jti, RevokedToken.expires_at).where(RevokedToken.expires_at > now)
    ).all()
    try:
        with client.pipeline(transaction=False) as pipe:
            for jti, expires_at in rows:
                pipe.set(_key(jti), "", ex=_seconds_left(_aware(expires_at), now))
            pipe.set(_marker(), "1", ex=MARKER_SECONDS)
            pipe.execute()
    except redis.RedisError as error:
        log.warning("token blocklist: could not reload Redis (%s); the table answered", type(error).__name__)
    else:
        log.info("token blocklist: %d revocation(s) loaded into Redis from the database", len(rows))
    return {jti for jti, _ in rows}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def expiry_from_claim(value) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)
