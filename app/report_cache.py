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

from app import kept_answers
from app.extensions import db
from app.kept_answers import KeptAnswers, track_owners
from app.models import Application, ApplicationSummary, Job, StageChange
from app.models.base import utcnow

log = logging.getLogger(__name__)

# What the reports are read from: a change to any of these makes a company's answers old.
REPORT_TABLES = frozenset(
    {Application.__tablename__, StageChange.__tablename__, Job.__tablename__, ApplicationSummary.__tablename__}
)

_PENDING = "report_cache_companies"


def get_cache(app: Flask) -> KeptAnswers | None:
    """The app's report cache, or None when it is off (no Redis, or REPORT_CACHE_SECONDS=0)."""
    config = app.config
    return kept_answers.for_app(
        app,
        "reports",
        int(config.get("REPORT_CACHE_SECONDS") or 0),
        int(config["REPORT_CACHE_MAX_ENTRIES"]),
        int(config["REPORT_CACHE_MAX_BYTES"]),
    )


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


track_owners(_PENDING, REPORT_TABLES, "company_id", get_cache)
