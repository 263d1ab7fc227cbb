"""Server-side web sessions: Redis when REDIS_URL is set, else the `web_sessions` table.

With Redis, the table stands in while Redis is unreachable (`FallbackSessions`):
a request whose session cannot be read from Redis gets one from the table, and
a session Redis cannot store is stored there, so signing in and every page keep
working through an outage. A session lives in one store only: visitors signed
in before the outage appear signed out until Redis returns (their session is
still in Redis), and those who signed in during it find themselves signed out
once it is back (theirs is in the table, which expires it like any other).

Flask-Session's own SQLAlchemy backend defines a second model on our metadata
and creates its table at start-up; the schema belongs to the migrations, so the
database backend here is a small interface over the existing `WebSession`
model. Its writes share the request's database session: the one commit per
request covers a session id rotated at login, and the session itself is saved
(and committed) after that commit, when Flask writes the cookie.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import redis
from flask import Flask, current_app, g, request, session
from flask.sessions import SessionInterface
from flask_session.base import ServerSideSession, ServerSideSessionInterface
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.api.problems import API_PATH_PREFIX
from app.core.cookies import SchemeAwareSecureCookie
from app.extensions import db
from app.models import WebSession

log = logging.getLogger(__name__)

SID_BYTES = 32
# A session read back within this long of its last write is not written again
# just to slide its expiry: one write a minute per active session at most.
REFRESH_EVERY = timedelta(minutes=1)
_EXPIRY_KEY = "__stored_expiry__"


def _naive_utcnow() -> datetime:
    """`web_sessions.expiry` is a naive UTC column (Flask-Session's shape)."""
    return datetime.now(UTC).replace(tzinfo=None)


class NoSessionForApi:
    """API requests authenticate by bearer token: they neither read nor write a server session.

    Without this every API call would load (and a browser's cookie would refresh)
    a stored session nobody there uses.
    """

    def open_session(self, app: Flask, request):
        if request.path.startswith(API_PATH_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)


class DatabaseSessionInterface(SchemeAwareSecureCookie, NoSessionForApi, ServerSideSessionInterface):
    """Sessions stored in `web_sessions` through the app's SQLAlchemy session."""

    session_class = ServerSideSession
    ttl = False  # expired rows are skipped on read and removed by `flask session_cleanup`

    def _retrieve_session_data(self, store_id: str) -> dict | None:
        row = db.session.execute(
            select(WebSession.data, WebSession.expiry).where(WebSession.session_id == store_id)
        ).first()
        if row is None:
            return None
        if row.expiry is None or row.expiry <= _naive_utcnow() or row.data is None:
            self._delete_session(store_id)
            return None
        data = self.serializer.decode(bytes(row.data))
        data[_EXPIRY_KEY] = row.expiry  # taken off again in open_session
        return data

    def open_session(self, app: Flask, request):
        session = super().open_session(app, request)
        if self.is_null_session(session):
            return session
        session.stored_expiry = session.pop(_EXPIRY_KEY, None)
        session.modified = session.accessed = False
        return session

    def _delete_session(self, store_id: str) -> None:
        db.session.execute(delete(WebSession).where(WebSession.session_id == store_id))

    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession, store_id: str) -> None:
        data = self.serializer.encode(session)
        expiry = _naive_utcnow() + session_lifetime
        changed = db.session.execute(
            update(WebSession).where(WebSession.session_id == store_id).values(data=data, expiry=expiry)
        ).rowcount
        if changed:
            return
        try:
            with db.session.begin_nested():  # two first requests of one new session race cleanly
                db.session.add(WebSession(session_id=store_id, data=data, expiry=expiry))
        except IntegrityError:
            db.session.execute(
                update(WebSession).where(WebSession.session_id == store_id).values(data=data, expiry=expiry)
            )

    def _delete_expired_sessions(self) -> None:
        db.session.execute(delete(WebSession).where(WebSession.expiry <= _naive_utcnow()))
        db.session.commit()

    def should_set_storage(self, app: Flask, session: ServerSideSession) -> bool:
        """Write when the data changed; otherwise slide the expiry at most once a minute, never for assets."""
        if session.modified:
            return True
        if not app.config["SESSION_REFRESH_EACH_REQUEST"] or (request.endpoint or "").endswith("static"):
            return False
        stored_expiry = getattr(session, "stored_expiry", None)
        if stored_expiry is None:
            return True
        last_write = stored_expiry - app.permanent_session_lifetime
        return _naive_utcnow() - last_write >= REFRESH_EVERY

    def save_session(self, app: Flask, session: ServerSideSession, response) -> None:
        """Runs after the request's own commit or rollback; commits the session row alone."""
        try:
            super().save_session(app, session, response)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise


class FallbackSessions(SessionInterface):
    """Redis sessions, with the `web_sessions` table standing in for Redis while it is unreachable."""

    def __init__(self, primary: ServerSideSessionInterface, fallback: DatabaseSessionInterface) -> None:
        self.primary = primary
        self.fallback = fallback

    def open_session(self, app: Flask, request):
        try:
            return self.primary.open_session(app, request)
        except redis.RedisError as error:
            log.warning("web sessions: Redis unavailable (%s); using the database", type(error).__name__)
        session = self.fallback.open_session(app, request)
        session.in_fallback = True
        return session

    def is_null_session(self, obj) -> bool:
        return self.primary.is_null_session(obj)

    def save_session(self, app: Flask, session, response) -> None:
        if getattr(session, "in_fallback", False):
            self.fallback.save_session(app, session, response)
            return
        try:
            self.primary.save_session(app, session, response)
        except redis.RedisError as error:
            log.warning("web sessions: Redis unavailable (%s); session saved in the database", type(error).__name__)
            session.in_fallback = True
            self.fallback.save_session(app, session, response)

    def store_for(self, session) -> ServerSideSessionInterface:
        return self.fallback if getattr(session, "in_fallback", False) else self.primary


def init_sessions(app: Flask) -> None:
    """Install the server-side session interface the config asks for."""
    common = {
        "permanent": True,
        "sid_length": SID_BYTES,
        "serialization_format": "msgpack",
    }
    database = DatabaseSessionInterface(app, key_prefix="session:", **common)
    if not app.config.get("REDIS_URL"):
        app.session_interface = database
        return
    from flask_session.redis import RedisSessionInterface

    from app.redis_client import redis_client

    class RedisSessions(SchemeAwareSecureCookie, NoSessionForApi, RedisSessionInterface):
        pass

    client = redis_client(app)
    primary = RedisSessions(app, client=client, key_prefix=app.config["REDIS_KEY_PREFIX"] + "session:", **common)
    app.session_interface = FallbackSessions(primary, database)


def _store_for(session) -> ServerSideSessionInterface | None:
    interface = current_app.session_interface
    if isinstance(interface, FallbackSessions):
        return interface.store_for(session)
    return interface if isinstance(interface, ServerSideSessionInterface) else None


def rotate_session_id() -> None:
    """Delete the stored session and carry its data over under a fresh id.

    Called at sign-in (so a session id planted before cannot be ridden) and at
    sign-out and password change (so the old cookie, replayed, finds nothing).
    """
    interface = _store_for(session)
    if interface is None:  # pragma: no cover - always server-side here
        return
    try:
        interface._delete_session(interface._get_store_id(session.sid))
    except redis.RedisError as error:
        # The old id stays in Redis until it expires; this visitor's browser gets the new one.
        log.warning("web sessions: could not delete a rotated session (%s)", type(error).__name__)
    session.sid = interface._generate_sid(interface.sid_length)
    session.modified = True


def clear_session() -> None:
    """Empty the session and rotate its id; the CSRF token cached for this request goes too."""
    session.clear()
    rotate_session_id()
    g.pop("csrf_token", None)
