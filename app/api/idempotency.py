"""`Idempotency-Key` on API POSTs: a retried request gets the first answer instead of doing the work twice.

A caller sends `Idempotency-Key: <up to 255 printable characters>` with a POST.
The first request with a key claims it (one INSERT on its own connection,
committed at once, so a concurrent retry sees the claim) and runs; its answer
(status, body, Location/Link/Content-Type) is stored when it ends. Later requests
with the same key and the same method, path, query and body get that answer
again, marked `Idempotent-Replayed: true`; with another request, 422; while the
first still runs, 409 with `Retry-After`.

The write and the claim's state agree: the request's own transaction marks the
claim `committed` as it commits (a session `before_commit` hook), so
- a claim still `started` after `IDEMPOTENCY_LOCK_SECONDS` belongs to a request
  that died before committing anything: the next retry runs the request again;
- a claim `committed` without an answer belongs to a request that died between
  its commit and storing the answer: retries get 409 saying the write happened
  (never a second write).
A 5xx answer is not kept (the claim is released: nothing was committed, or the
error came after the commit and the claim says `committed`). Keys are scoped
to the caller (the token's user) and kept `IDEMPOTENCY_TTL_SECONDS` (a day);
a periodic task deletes older ones.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import IntegrityError

from app.api.problems import problem
from app.core.periodic import periodic
from app.extensions import db
from app.models import IdempotencyKey
from app.models.base import utcnow
from app.models.idempotency import KEY_MAX

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX}}}")
_KEPT_HEADERS = ("Content-Type", "Location", "Link")
_CLAIM = "idempotency_claim_id"


def _applies() -> bool:
    return request.method == "POST" and request.path.startswith("/api/v1/") and HEADER in request.headers


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1")):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _scope() -> str | None:
    """The caller the key belongs to; None when the request carries no token (it is answered 401 anyway)."""
    api_key = g.get("api_key")
    if api_key is not None:  # checked by app/api/key_auth.py, which runs first
        return f"key:{api_key.id}"
    verify_jwt_in_request(optional=True)  # an invalid, expired or revoked token is refused here, as by the view
    identity = get_jwt_identity()
    return f"user:{identity}" if identity is not None else None


def _claim(scope: str, key: str, fingerprint: str) -> int | None:
    """Insert the claim on its own connection; its id, or None when the key is already there."""
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            return conn.execute(
                IdempotencyKey.__table__.insert()
                .values(scope=scope, key=key, fingerprint=fingerprint, state="started", created_at=now,
                        updated_at=now)
                .returning(IdempotencyKey.__table__.c.id)
            ).scalar_one()  # fmt: skip
    except IntegrityError:
        return None


def _replay(row) -> Response:
    response = Response(row.response_body or "", status=row.response_status)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response


def before_request() -> Response | None:
    if not _applies():
        return None
    key = request.headers.get(HEADER, "")
    if not _KEY.fullmatch(key):
        return problem(400, f"{HEADER} must be 1 to {KEY_MAX} printable characters without spaces.")
    scope = _scope()
    if scope is None:
        return None
    fingerprint = _fingerprint()
    table = IdempotencyKey.__table__
    for _attempt in range(3):
        claim_id = _claim(scope, key, fingerprint)
        if claim_id is not None:
            g.setdefault(_CLAIM, claim_id)
            return None
        with db.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.scope == scope, table.c.key == key)).one_or_none()
        if row is None:
            continue  # deleted meanwhile (expired): claim again
        now = utcnow()
        ttl = timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
        stale = timedelta(seconds=current_app.config["IDEMPOTENCY_LOCK_SECONDS"])
        abandoned = row.state == "started" and row.updated_at < now - stale
        if row.created_at < now - ttl or abandoned:
            with db.engine.begin() as conn:  # an expired key, or a request that died before writing: start over
                conn.execute(delete(table).where(table.c.id == row.id, table.c.updated_at == row.updated_at))
            continue
        if row.fingerprint != fingerprint:
            return problem(422, f"This {HEADER} was used with another request; use a new key for a new request.")
        if row.state == "done":
            return _replay(row)
        if row.state == "committed":
            return problem(
                409, f"The request with this {HEADER} was carried out, but its answer was lost; read the resource."
            )
        return problem(409, f"A request with this {HEADER} is still running; retry in a moment.",
                       headers={"Retry-After": "1"})  # fmt: skip
    return problem(409, f"This {HEADER} is busy; retry in a moment.")


def after_request(response: Response) -> Response:
    """Store the answer (registered before the request's commit hook, so it runs after the commit)."""
    claim_id = g.pop(_CLAIM, None)
    if claim_id is not None:
        _store(claim_id, response)
    return response


def _store(claim_id: int, response: Response) -> None:
    table = IdempotencyKey.__table__
    with db.engine.begin() as conn:
        if response.status_code >= 500:
            # Keep a committed claim (the write happened); release one whose request wrote nothing.
            conn.execute(delete(table).where(table.c.id == claim_id, table.c.state == "started"))
            return
        headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
        conn.execute(
            update(table)
            .where(table.c.id == claim_id)
            .values(state="done", response_status=response.status_code, response_body=response.get_data(as_text=True),
                    response_headers=headers, updated_at=utcnow())
        )  # fmt: skip


def _mark_committed(session) -> None:
    """The request's own transaction records that its write is being committed (see the module's docstring)."""
    claim_id = g.get(_CLAIM)
    if claim_id is None or g.get("idempotency_committed"):
        return
    g.idempotency_committed = True
    table = IdempotencyKey.__table__
    session.execute(update(table).where(table.c.id == claim_id).values(state="committed", updated_at=utcnow()))


@periodic("api.idempotency_cleanup", every=3600)
def delete_expired(app: Flask) -> int:
    """Forget keys older than their time to live."""
    cutoff = utcnow() - timedelta(seconds=app.config["IDEMPOTENCY_TTL_SECONDS"])
    with db.engine.begin() as conn:
        return conn.execute(delete(IdempotencyKey.__table__).where(IdempotencyKey.created_at < cutoff)).rowcount


PARAMETER = {
    "description": "Makes a retry safe: the same key with the same request gets the first answer again "
    "(marked `Idempotent-Replayed: true`) instead of doing the work twice; with another request, 422; "
    "while the first still runs, 409. Kept for a day, per caller.",
    "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[\\x21-\\x7e]+$"},
    "required": False,
}


def document(spec) -> None:
    """Every POST that takes a bearer token lists the header (called once the paths are registered)."""
    spec.components.parameter(HEADER, "header", PARAMETER)
    for operations in spec._paths.values():  # apispec has no public iterator over registered paths
        post = operations.get("post")
        if post and any("bearerAuth" in entry for entry in post.get("security", [])):
            post.setdefault("parameters", []).append({"$ref": f"#/components/parameters/{HEADER}"})


def init_app(app: Flask) -> None:
    app.config.setdefault("IDEMPOTENCY_TTL_SECONDS", 24 * 3600)
    app.config.setdefault("IDEMPOTENCY_LOCK_SECONDS", 60)
    app.before_request(before_request)
    app.after_request(after_request)


@event.listens_for(db.session, "before_commit")
def _before_commit(session) -> None:
    if has_request_context():
        _mark_committed(session)
