"""Hiring reports kept in Redis until the company's hiring data changes.

A report over a large company reads tens of thousands of summary rows; the
same report asked again, by the same manager reloading the page or by a script
polling the API, reads the same answer. Each company has a *generation*
number; a commit that changes its applications, history or jobs bumps it after
the commit (the public cache's mechanism, app/public_cache.py), so an answer
is read only while nothing behind it changed. A change whose company is not
known when it is written (an UPDATE or DELETE statement over many rows) bumps a
generation every company's answers also carry.

What is kept is the service's result (JSON, dates tagged), never a page, so
the user's name, flashed messages and CSRF tokens are never shared. Answers
are keyed by the report, its filters and the day (UTC): velocity's default
period ends today. Days open move on by the hour, so an answer is kept at most
REPORT_CACHE_SECONDS (5 minutes) even when nothing changes. A transaction that
changed report data itself computes its reports fresh and keeps nothing.
Without Redis, with REPORT_CACHE_SECONDS=0, or while Redis fails, reports are
computed every time.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.after_commit import run_after_commit
from app.extensions import db
from app.models import Application, ApplicationSummary, Job, StageChange
from app.models.base import utcnow
from app.public_cache import STORE_SCRIPT
from app.redis_client import redis_client

log = logging.getLogger(__name__)

# What the reports are read from: a change to any of these makes a company's answers old.
REPORT_TABLES = frozenset(
    {Application.__tablename__, StageChange.__tablename__, Job.__tablename__, ApplicationSummary.__tablename__}
)
EVERY_COMPANY = 0  # stands for "a company not known": bumps the generation all answers carry

_PENDING = "report_cache_companies"

_LOOKUP = """
local generation = (redis.call('GET', KEYS[1]) or '0') .. '.' .. (redis.call('GET', KEYS[2]) or '0')
return {generation, redis.call('HGET', ARGV[1] .. generation, ARGV[2])}
"""


class ReportCache:
    def __init__(self, app: Flask, client: redis.Redis) -> None:
        self.prefix = f"{app.config['REDIS_KEY_PREFIX']}reports:"
        self.seconds = int(app.config["REPORT_CACHE_SECONDS"])
        self.max_entries = int(app.config["REPORT_CACHE_MAX_ENTRIES"])
        self.max_bytes = int(app.config["REPORT_CACHE_MAX_BYTES"])
        self.client = client
        self._lookup = client.register_script(_LOOKUP)
        self._store = client.register_script(STORE_SCRIPT)

    def _generation_key(self, company_id: int) -> str:
        return f"{self.prefix}generation:{company_id}"

    def _answers_key(self, company_id: int) -> str:
        return f"{self.prefix}answers:{company_id}:"

    def lookup(self, company_id: int, field: str) -> tuple[bytes, bytes | None]:
        """(the company's generation now, the answer kept for `field` in it or None)."""
        keys = [self._generation_key(company_id), self._generation_key(EVERY_COMPANY)]
        generation, answer = self._lookup(keys=keys, args=[self._answers_key(company_id), field])
        return generation, answer

    def store(self, company_id: int, generation: bytes, field: str, answer: bytes) -> None:
        if len(answer) > self.max_bytes:
            return
        key = self._answers_key(company_id) + generation.decode()
        self._store(keys=[key], args=[field, answer, self.max_entries, self.seconds])

    def bump(self, company_ids: set[int]) -> None:
        """New generations; the old answers are never read again and expire on their own."""
        with self.client.pipeline(transaction=False) as pipe:
            for company_id in sorted(company_ids):
                pipe.incr(self._generation_key(company_id))
            pipe.execute()


def get_cache(app: Flask) -> ReportCache | None:
    """The app's report cache, or None when it is off (no Redis, or REPORT_CACHE_SECONDS=0)."""
    if not app.config.get("REPORT_CACHE_SECONDS"):
        return None
    cache = app.extensions.get("report_cache")
    if cache is None:
        client = redis_client(app)
        if client is None:
            return None
        cache = app.extensions["report_cache"] = ReportCache(app, client)
    return cache


def _encode(value: Any) -> bytes:
    def tag(item: Any) -> dict:
        if isinstance(item, date):
            return {"__date__": item.isoformat()}
        raise TypeError(f"a report holds a {type(item).__name__}")

    return json.dumps(value, default=tag, separators=(",", ":")).encode()


def _decode(answer: bytes) -> Any:
    def untag(item: dict) -> Any:
        return date.fromisoformat(item["__date__"]) if item.keys() == {"__date__"} else item

    return json.loads(answer, object_hook=untag)


def kept(company_id: int, report: str, filters: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """The report `compute()` makes for these filters, read from the cache when nothing changed since."""
    app = current_app._get_current_object()
    cache = get_cache(app)
    session = db.session
    if cache is not None and (session.new or session.dirty or session.deleted):
        session.flush()  # changes not flushed yet must count as this transaction's own
    if cache is None or session.info.get(_PENDING):  # this transaction changed report data: read it fresh
        return compute()
    field = json.dumps([report, sorted((k, str(v)) for k, v in filters.items()), utcnow().date().isoformat()])
    try:
        generation, answer = cache.lookup(company_id, field)
    except redis.RedisError as error:
        log.warning("report cache unavailable: %s", error)
        return compute()
    if answer is not None:
        return _decode(answer)
    value = compute()
    if not session.info.get(_PENDING):
        try:
            cache.store(company_id, generation, field, _encode(value))
        except redis.RedisError as error:
            log.warning("report cache unavailable: %s", error)
    return value


def _remember(session: Session, company_ids: set[int]) -> None:
    if company_ids:
        session.info.setdefault(_PENDING, set()).update(company_ids)


@event.listens_for(db.session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    _remember(
        session,
        {
            getattr(obj, "company_id", None) or EVERY_COMPANY
            for obj in changed
            if getattr(obj, "__tablename__", None) in REPORT_TABLES
        },
    )


def _inserted_company(statement) -> int:
    """The company of an INSERT ... VALUES of one row, else EVERY_COMPANY."""
    for column, value in (getattr(statement, "_values", None) or {}).items():
        if getattr(column, "key", column) == "company_id":
            return getattr(value, "value", value) or EVERY_COMPANY
    return EVERY_COMPANY


@event.listens_for(db.session, "do_orm_execute")
def _bulk_statement(state) -> None:
    """INSERT/UPDATE/DELETE statements run through the session, not as flushed objects."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in REPORT_TABLES:
        _remember(state.session, {_inserted_company(state.statement) if state.is_insert else EVERY_COMPANY})


def _bump_committed(app: Flask, company_ids: set[int]) -> None:
    cache = get_cache(app)
    if cache is None:
        return
    try:
        cache.bump(company_ids)
    except redis.RedisError as error:  # committed; kept answers still expire on their own
        log.warning("report cache: could not bump %s: %s", sorted(company_ids), error)


run_after_commit(_PENDING, _bump_committed)
