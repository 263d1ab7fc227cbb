"""Public answers kept in Redis until the data behind them changes.

The public job search and job pages are the busiest requests of a job board
and read the same for every anonymous visitor, so their answers are kept. Each kept answer belongs
to a *generation* of its scope ("jobs"); a commit that changes a job or a
company bumps the generation after the commit, and every older answer is
never read again. Bumping after the commit (never before) means a reader that
sees the new generation also sees the committed data; a reader that started
earlier can only store its answer under the old generation, which nobody reads.

A reader fetches the generation and the answer in one round trip (a Lua
script). Each generation is one Redis hash, capped at PUBLIC_CACHE_MAX_ENTRIES
answers of at most PUBLIC_CACHE_MAX_BYTES each and expiring
PUBLIC_CACHE_SECONDS after its first answer, so neither memory nor staleness
(should a bump be lost while Redis is down) can grow. Without Redis, with
PUBLIC_CACHE_SECONDS=0, or while Redis fails, answers are computed every time.
Only anonymous GETs are served from here: a caller with a token or a session
cookie always gets a fresh answer. Kept answers hold no absolute URL built from
the request (feeds and search-engine data take theirs from BASE_URL), so a
forged Host header cannot poison them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import redis
from flask import Flask, Response, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.after_commit import run_after_commit
from app.extensions import db
from app.models import Company, Job, JobQuestion
from app.redis_client import redis_client

log = logging.getLogger(__name__)

# What each scope's answers are made of: a change to any of these tables bumps it.
SCOPE_TABLES = {"jobs": frozenset({Job.__tablename__, Company.__tablename__, JobQuestion.__tablename__})}

_PENDING = "public_cache_scopes"

_LOOKUP = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('HGET', ARGV[1] .. generation, ARGV[2])}
"""
STORE_SCRIPT = """
local size = redis.call('HLEN', KEYS[1])
if size >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if size == 0 then redis.call('EXPIRE', KEYS[1], ARGV[4]) end
return 1
"""
_BUMP = """
local generation = redis.call('INCR', KEYS[1])
redis.call('DEL', ARGV[1] .. (generation - 1))
return generation
"""


class PublicCache:
    def __init__(self, app: Flask, client: redis.Redis) -> None:
        self.prefix = f"{app.config['REDIS_KEY_PREFIX']}public:"
        self.seconds = int(app.config["PUBLIC_CACHE_SECONDS"])
        self.max_entries = int(app.config["PUBLIC_CACHE_MAX_ENTRIES"])
        self.max_bytes = int(app.config["PUBLIC_CACHE_MAX_BYTES"])
        self._lookup = client.register_script(_LOOKUP)
        self._store = client.register_script(STORE_SCRIPT)
        self._bump = client.register_script(_BUMP)

    def _generation_key(self, scope: str) -> str:
        return f"{self.prefix}{scope}:generation"

    def _answers_key(self, scope: str) -> str:
        return f"{self.prefix}{scope}:answers:"

    def lookup(self, scope: str, field: str) -> tuple[bytes, bytes | None]:
        """(the scope's generation now, the answer kept for `field` in it or None)."""
        generation, answer = self._lookup(keys=[self._generation_key(scope)], args=[self._answers_key(scope), field])
        return generation, answer

    def store(self, scope: str, generation: bytes, field: str, answer: bytes, max_bytes: int | None = None) -> None:
        if len(answer) > (self.max_bytes if max_bytes is None else max_bytes):
            return
        key = self._answers_key(scope) + generation.decode()
        self._store(keys=[key], args=[field, answer, self.max_entries, self.seconds])

    def bump(self, scopes: set[str]) -> None:
        for scope in sorted(scopes):
            self._bump(keys=[self._generation_key(scope)], args=[self._answers_key(scope)])


def get_cache(app: Flask) -> PublicCache | None:
    """The app's cache, or None when it is off (no Redis, or PUBLIC_CACHE_SECONDS=0)."""
    if not app.config.get("PUBLIC_CACHE_SECONDS"):
        return None
    cache = app.extensions.get("public_cache")
    if cache is None:
        client = redis_client(app)
        if client is None:
            return None
        cache = app.extensions["public_cache"] = PublicCache(app, client)
    return cache


def _is_anonymous() -> bool:
    return "Authorization" not in request.headers and not request.cookies


def _field(by_query: bool = True) -> str:
    """The request as the answer's name: endpoint, view arguments and the query in a fixed order."""
    view_args = sorted((request.view_args or {}).items())
    query = sorted(request.args.items(multi=True)) if by_query else []
    return f"{request.endpoint}|{urlencode(view_args)}|{urlencode(query)}"


# What may be kept: a public page, a JSON answer or a feed, never anything else a view returns.
CACHEABLE_TYPES = frozenset({"application/json", "text/html", "application/xml", "application/rss+xml"})
FEED_MAX_BYTES = 8 * 1024 * 1024  # the default of PUBLIC_CACHE_MAX_FEED_BYTES


def _pack(response: Response) -> bytes:
    """The media type, the Link header (the only other header these answers carry), then the body."""
    head = f"{response.mimetype}\n{response.headers.get('Link', '')}\n"
    return head.encode() + response.get_data()


def _unpack(answer: bytes) -> Response:
    mimetype, _, rest = answer.partition(b"\n")
    link, _, body = rest.partition(b"\n")
    response = Response(body, status=200, mimetype=mimetype.decode())
    if link:
        response.headers["Link"] = link.decode()
    return response


def cached_for_anonymous(scope: str, *, max_bytes_setting: str | None = None, by_query: bool = True) -> Callable:
    """Serve a view's 200 answers (JSON, a page or a feed) to anonymous GETs from the cache of `scope`.

    Only for views whose answer depends on nothing but the URL for a visitor
    without a token or a cookie: no CSRF token, no flashed message, no user.
    `max_bytes_setting` names a larger size limit for big answers (the feeds);
    `by_query=False` keys answers by path alone, for views that read no query
    string, so made-up query strings cannot fill the cache with copies.
    """
    if scope not in SCOPE_TABLES:
        raise ValueError(f"unknown public cache scope {scope!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            app = current_app._get_current_object()
            cache = get_cache(app)
            if cache is None or request.method != "GET" or not _is_anonymous():
                return view(*args, **kwargs)
            field = _field(by_query)
            try:
                generation, answer = cache.lookup(scope, field)
            except redis.RedisError as error:
                log.warning("public cache unavailable: %s", error)
                return view(*args, **kwargs)
            if answer is not None:
                return _unpack(answer)
            response = app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and response.mimetype in CACHEABLE_TYPES:
                try:
                    limit = int(app.config.get(max_bytes_setting, FEED_MAX_BYTES)) if max_bytes_setting else None
                    cache.store(scope, generation, field, _pack(response), limit)
                except redis.RedisError as error:
                    log.warning("public cache unavailable: %s", error)
            return response

        return wrapper

    return decorate


def _scopes_of(table_names: set[str | None]) -> set[str]:
    return {scope for scope, owned in SCOPE_TABLES.items() if owned & table_names}


def _remember(session: Session, scopes: set[str]) -> None:
    if scopes:
        session.info.setdefault(_PENDING, set()).update(scopes)


@event.listens_for(db.session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    _remember(session, _scopes_of({getattr(obj, "__tablename__", None) for obj in changed}))


@event.listens_for(db.session, "do_orm_execute")
def _bulk_statement(state) -> None:
    """INSERT/UPDATE/DELETE statements run through the session, not as flushed objects."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _remember(state.session, _scopes_of({getattr(table, "name", None)}))


def _bump_committed(app: Flask, scopes: set[str]) -> None:
    cache = get_cache(app)
    if cache is None:
        return
    try:
        cache.bump(scopes)
    except redis.RedisError as error:  # committed; kept answers still expire on their own
        log.warning("public cache: could not bump %s: %s", sorted(scopes), error)


run_after_commit(_PENDING, _bump_committed)
