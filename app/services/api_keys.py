"""API keys: made and revoked by a company's admins, checked on every API request that sends one.

A key reads `ats_<8 characters>_<43 characters>`: the first part (the prefix) finds the row,
the whole key is compared by its SHA-256. Keys carry scopes; a request made with a key acts as
the admin who made it, or as the member an `On-Behalf-Of` header names, and can do no more
than both that member's role and the key's scopes allow.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.errors import Forbidden, NotFound, Unauthorized
from app.extensions import db
from app.models import ApiKey, Role, User
from app.models.base import utcnow
from app.services.access import require_member, require_role
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

KEY_START = "ats_"
SCOPES = (
    "jobs:read",
    "jobs:write",
    "applications:read",
    "applications:write",
    "candidates:read",
    "candidates:write",
    "reports:read",
    "webhooks:manage",
)
NAME_MAX = 100
MAX_EXPIRY_DAYS = 3650
# last_used_at is written at most this often per key, so a busy script does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    """A key just made: `secret` is the whole key, shown this once."""

    key: ApiKey
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> tuple[str, str]:
    prefix = KEY_START + secrets.token_hex(4)
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def looks_like_key(value: str) -> bool:
    """A bearer credential that is a key (tokens are JWTs, which never start so)."""
    return value.startswith(KEY_START)


def _admin_company(actor: User) -> int:
    actor = require_member(actor, actor.company_id or -1, what="That company")
    require_role(actor, Role.ADMIN, action="manage API keys")
    return actor.company_id


def create_key(actor: User, *, name, scopes, expires_in_days=None) -> NewKey:
    """A new key of the admin's company (the secret is returned once and never stored)."""
    company_id = _admin_company(actor)
    check = Checker()
    name = check.line("name", name, required=True, max_len=NAME_MAX)
    if not isinstance(scopes, list | tuple) or not scopes:
        check.add("scopes", f"Choose at least one scope of: {', '.join(SCOPES)}.")
    else:
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown:
            check.add("scopes", f"Unknown scope {unknown[0]!r}; known: {', '.join(SCOPES)}.")
    expires_at = None
    if expires_in_days is not None:
        if not isinstance(expires_in_days, int) or isinstance(expires_in_days, bool):
            check.add("expires_in_days", "Must be a whole number of days.")
        elif not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
            check.add("expires_in_days", f"Must be between 1 and {MAX_EXPIRY_DAYS} days.")
        else:
            expires_at = utcnow() + timedelta(days=expires_in_days)
    check.raise_if_any()
    prefix, secret = _new_secret()
    key = ApiKey(
        company_id=company_id,
        name=name,
        prefix=prefix,
        secret_hash=_digest(secret),
        scopes=[s for s in SCOPES if s in scopes],  # in the documented order, each once
        created_by_id=actor.id,
        expires_at=expires_at,
    )
    db.session.add(key)
    db.session.flush()
    return NewKey(key=key, secret=secret)


def list_keys(actor: User, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The company's keys, newest first, revoked ones included (keyset-paged)."""
    company_id = _admin_company(actor)
    stmt = select(ApiKey).where(ApiKey.company_id == company_id)
    return paginate_desc(db.session, stmt, ApiKey.id, limit=limit, cursor=cursor)


def get_key(actor: User, key_id: int) -> ApiKey:
    company_id = _admin_company(actor)
    key = db.session.get(ApiKey, key_id)
    if key is None or key.company_id != company_id:
        raise NotFound("That API key was not found.")
    return key


def revoke_key(actor: User, key_id: int) -> ApiKey:
    """Revoked at once: the next request with it is a 401. Revoking twice keeps the first time."""
    key = get_key(actor, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        db.session.flush()
    return key


def state(key: ApiKey, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


@dataclass(frozen=True)
class Authenticated:
    key: ApiKey
    actor: User


def authenticate(secret: str, on_behalf_of: str | None = None) -> Authenticated:
    """The key a request sends and the member it acts as; Unauthorized or Forbidden with why.

    Two statements: the key by its prefix, then the acting member.
    """
    prefix = secret[: len(KEY_START) + 8]
    key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if "_" in secret[4:] else None
    if key is None or not hmac.compare_digest(key.secret_hash, _digest(secret)):
        raise Unauthorized("The API key is not valid.")
    now = utcnow()
    if state(key, now) == "revoked":
        raise Unauthorized("The API key has been revoked.")
    if state(key, now) == "expired":
        raise Unauthorized("The API key has expired.")
    actor = _acting_member(key, on_behalf_of)
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_RESOLUTION:
        _touch(key.id, now)
    return Authenticated(key=key, actor=actor)


def _acting_member(key: ApiKey, on_behalf_of: str | None) -> User:
    if on_behalf_of:
        value = on_behalf_of.strip()
        condition = User.id == int(value) if value.isdigit() and len(value) < 10 else User.email == value.lower()
        user = db.session.scalar(select(User).where(condition, User.company_id == key.company_id))
        if user is None or not user.active or not user.is_staff:
            raise Forbidden("On-Behalf-Of must name an active member of the key's company (by id or email).")
        return user
    user = db.session.get(User, key.created_by_id) if key.created_by_id is not None else None
    if user is None or not user.active or user.company_id != key.company_id or user.role != Role.ADMIN:
        raise Unauthorized(
            "The admin who made this API key is no longer an active admin: "
            "name an acting member with On-Behalf-Of, or make a new key."
        )
    return user


def _touch(key_id: int, now: datetime) -> None:
    """Record the use on its own connection, so a read-only request stays read-only and a rollback keeps it."""
    with db.engine.begin() as conn:
        conn.execute(update(ApiKey.__table__).where(ApiKey.__table__.c.id == key_id).values(last_used_at=now))
