"""Refusing request parts no page can use, before any view or query sees them.

PostgreSQL refuses a NUL character in text ("A string literal cannot contain
NUL"), so a NUL in a search box, a slug or a cursor would fail in the database
as a 500. The web pages answer such a request with one plain 400 page instead,
whatever the route. The JSON API is left to its schemas, which already refuse
a NUL field by field (422, with the field named).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest

API_PATH_PREFIX = "/api/"
NUL = "\x00"
NUL_DETAIL = "The address contains a character that is not allowed (a NUL byte). Check the link and try again."


def has_nul() -> bool:
    """True when the path or any query-string name or value holds a NUL."""
    if NUL in request.path:
        return True
    return any(NUL in key or NUL in value for key, value in request.args.items(multi=True))


def _refuse_nul() -> None:
    if request.path.startswith(API_PATH_PREFIX):
        return
    if has_nul():
        raise BadRequest(NUL_DETAIL)


def install_request_guards(app: Flask) -> None:
    # First in line, so no other hook (rate limits, sessions, caches) works with the bad value.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_nul)
