"""503 + Retry-After, never a 500, when a dependency a request needs has failed.

A database connection that dies under a request, a database that refuses new
connections, or a Redis that stops answering where a request cannot do without
it: the client is told to come back shortly, as problem+json on /api and as a
friendly page elsewhere. Nothing half-written is left behind: the server drops
the transaction of a connection that dies, and the request's session is rolled
back here.

Errors raised by a view reach the handlers registered here by class. Errors
raised after the view (the commit in the after-request hook, saving the web
session) go to Flask's `handle_exception`, which turns anything into a 500;
`init_unavailable` wraps it so that these become the same 503.
"""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, render_template, request
from sqlalchemy import exc as sa_exc

from app.api.problems import API_PATH_PREFIX, problem

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
TITLE = "Temporarily unavailable"
DETAIL = "A service this page needs is not answering right now. Nothing was changed; please try again in a moment."
API_DETAIL = "A service this request needs is not answering; nothing was changed. Retry after the Retry-After delay."
PLAIN_PAGE = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Temporarily unavailable</title></head>"
    "<body><h1>Temporarily unavailable</h1><p>Please try again in a moment.</p>"
    "<p><a href='/'>Open jobs</a></p></body></html>"
)

# What a lost dependency raises. A Redis ResponseError or a database IntegrityError is a bug or a
# bad request, not an outage, and keeps its usual answer.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    redis.ConnectionError,  # also BusyLoadingError: a restarted Redis still loading its data
    redis.TimeoutError,
    sa_exc.OperationalError,  # connection refused or terminated, server shutting down, statement cancelled
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,  # no pooled connection free in time
)


class Unavailable(Exception):
    """A store the request cannot do without is down: answer 503 and say when to retry."""

    def __init__(self, what: str, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, Unavailable | redis.ConnectionError | redis.TimeoutError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError)
    return False


def unavailable_response(error: BaseException) -> Response:
    """The 503 for this request's front door; the request's database work is rolled back first."""
    _rollback_quietly()
    retry_after = error.retry_after if isinstance(error, Unavailable) else RETRY_AFTER_SECONDS
    what = error.what if isinstance(error, Unavailable) else _describe(error)
    log.warning("%s %s answered 503: %s unavailable", request.method, request.path, what)
    headers = {"Retry-After": str(retry_after)}
    if request.path.startswith(API_PATH_PREFIX):
        return problem(503, API_DETAIL, headers=headers)
    try:
        body = render_template("error.html", status=503, title=TITLE, detail=DETAIL, errors=None)
    except Exception:  # the page needs the signed-in user, so the database; stay plain
        _rollback_quietly()
        body = PLAIN_PAGE
    return Response(body, status=503, headers=headers, mimetype="text/html")


def _describe(error: BaseException) -> str:
    """The error's class and first line; the driver's message, never the statement or its parameters."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__} ({lines[0][:200] if lines else 'no message'})"


def _rollback_quietly() -> None:
    from app.extensions import db

    try:
        if db.session.registry.has():
            db.session.rollback()
    except Exception:  # the connection is gone already; the pool replaces it
        log.debug("rollback after a lost connection failed", exc_info=True)


def init_unavailable(app: Flask) -> None:
    """Register the 503 answers for errors in views, and for errors after them."""
    for error_class in (Unavailable, *UNAVAILABLE_ERRORS):
        app.register_error_handler(error_class, unavailable_response)

    original = app.handle_exception

    def handle_exception(error: Exception):
        if is_unavailable(error):
            return app.finalize_request(unavailable_response(error), from_error_handler=True)
        return original(error)

    app.handle_exception = handle_exception  # type: ignore[method-assign]
