"""The calling user's row kept in Redis, so an API call learns who calls without a SQL statement.

Every API call with a token needs its user: role, company, active and
`auth_version`, which the token's `ver` claim must equal. Reading that row was
a statement of its own on every call. It is kept here instead, per user, under
the user's generation (app/kept_answers.py): any write to the user's row bumps
it as soon as it is flushed and again after the commit, so a deactivation, a
role change or a password change is seen by the next call. A write to many
users at once (an UPDATE statement) bumps a generation every entry carries.

Only an entry whose `auth_version` equals the token's and whose account is
active is trusted; anything else asks the database, which has the last word
(a new token after a password change is never refused because of an old
entry). Without Redis, with IDENTITY_CACHE_SECONDS=0, or while Redis fails,
the database answers every call. The password hash is never kept; it is
loaded from the database the moment a caller reads it, as is the company.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import redis
from flask import Flask
from sqlalchemy.orm import make_transient_to_detached

from app import kept_answers
from app.extensions import db
from app.kept_answers import KeptAnswers, track_owners
from app.models import User
from app.models.base import UTCDateTime
from app.services import accounts

log = logging.getLogger(__name__)

_PENDING = "identity_cache_users"
FIELD = "user"
# Every column but the password hash; the datetimes travel as ISO text.
KEPT_COLUMNS = tuple(column for column in User.__table__.columns if column.key != "password_hash")
_DATETIMES = frozenset(column.key for column in KEPT_COLUMNS if isinstance(column.type, UTCDateTime))


def get_cache(app: Flask) -> KeptAnswers | None:
    """The app's identity cache, or None when it is off (no Redis, or IDENTITY_CACHE_SECONDS=0)."""
    return kept_answers.for_app(app, "identity", int(app.config.get("IDENTITY_CACHE_SECONDS") or 0), 1, 4096)


def encode(user: User) -> bytes:
    row = {}
    for column in KEPT_COLUMNS:
        value = getattr(user, column.key)
        row[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return json.dumps(row, separators=(",", ":")).encode()


def decode(answer: bytes) -> dict[str, Any]:
    row = json.loads(answer)
    for key in _DATETIMES:
        if row.get(key) is not None:
            row[key] = datetime.fromisoformat(row[key])
    return row


_new_user = User.__mapper__.class_manager.new_instance


def attach(row: dict[str, Any]) -> User:
    """The user as a persistent object of this session built from the kept row, without a statement.

    Columns not kept (the password hash) and the company load from the database when first read.
    """
    existing = db.session.identity_map.get((User, (row["id"],), None))
    if existing is not None:
        return existing
    user = _new_user()  # no constructor: the values are the database's, set as they were loaded
    user.__dict__.update(row)
    make_transient_to_detached(user)
    db.session.add(user)
    return user


def trusted(row: dict[str, Any] | None, auth_version: int | None) -> bool:
    """Whether a kept row may answer for a token of `auth_version`; else the database decides."""
    return row is not None and row.get("active") is True and row.get("auth_version") == auth_version


def store(app: Flask, generation: bytes, user: User) -> None:
    cache = get_cache(app)
    if cache is None or db.session.info.get(_PENDING):  # this transaction changed users: keep nothing
        return
    try:
        cache.store(user.id, generation, FIELD, encode(user))
    except redis.RedisError as error:
        log.warning("identity cache unavailable: %s", error)


track_owners(_PENDING, frozenset({User.__tablename__}), "id", get_cache, bump_on_flush=True)


def user_for(
    app: Flask, user_id: int, auth_version: int | None, kept: tuple[bytes, bytes | None] | None
) -> User | None:
    """The active user a token names at `auth_version`: from the kept row when it may answer, else the database.

    `kept`: (generation, row) as read from the cache for this user, or None when the cache was not read.
    """
    if kept is None:
        return accounts.get_active_user(user_id, auth_version)
    generation, answer = kept
    row = decode(answer) if answer is not None else None
    if trusted(row, auth_version):
        return attach(row)
    user = accounts.get_active_user(user_id, auth_version)
    if user is not None:
        store(app, generation, user)
    return user
