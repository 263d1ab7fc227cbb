"""The audit log: who did what, when, from where, on which object; tamper-evident.

Recording costs one INSERT in the transaction of the action (so a rolled-back
action leaves no row), or on its own connection for refusals such as a failed
sign-in, whose request writes nothing else. Rows are then **sealed** in order
into their company's chain (`seal`, run by the periodic task `audit.seal` and
`flask audit seal`): each gets the next position, the previous row's hash and
its own, an HMAC-SHA256 over its fields under a key the database does not hold
(`AUDIT_HMAC_KEY`, by default derived from `SECRET_KEY`). `verify` walks each
chain and reports the first row whose hash, link or position is wrong: an
edited, deleted or inserted row breaks the chain at that place, and someone
with only the database cannot forge a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.exc import OperationalError

from app.core.periodic import periodic
from app.extensions import db
from app.models import AuditEvent, Role, User
from app.models.base import utcnow
from app.services import provenance
from app.services.access import require_member, require_role
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker

GLOBAL_CHAIN = 0
SEAL_BATCH = 2000
# Every action recorded, for filters and documentation.
ACTIONS = (
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.password_changed",
    "member.invited",
    "member.role_changed",
    "member.deactivated",
    "member.reactivated",
    "api_key.created",
    "api_key.revoked",
    "webhook.created",
    "webhook.updated",
    "webhook.deleted",
    "webhook.secret_rotated",
    "resume.downloaded",
    "email_template.saved",
    "email_template.reset",
    "audit.exported",
    "candidate.merged",
    "candidate.merge_undone",
    "candidate.viewed",
    "candidate.anonymised",
    "candidate.legal_hold",
    "candidate.legal_hold_lifted",
    "candidate.consent_withdrawn",
    "candidate_import.started",
    "candidate_import.finished",
    "retention.policy_changed",
    "retention.run",
    "data_request.export_built",
    "data_request.export_downloaded",
    "data_request.erased",
)
_TABLE = AuditEvent.__table__


def _context() -> dict[str, Any]:
    if not has_request_context():
        return {"ip": None, "user_agent": None, "api_key_id": None}
    agent = (request.user_agent.string or "")[:200] or None
    return {"ip": (request.remote_addr or "")[:45] or None, "user_agent": agent, "api_key_id": provenance.api_key_id()}


def record(
    action: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    company_id: int | None = None,
    object_type: str | None = None,
    object_id: int | str | None = None,
    details: dict[str, Any] | None = None,
    own_connection: bool = False,
) -> None:
    """Append one row. `own_connection`: written and committed now, whatever the request does next."""
    if company_id is None and actor is not None:
        company_id = actor.company_id
    values = {
        "company_id": company_id,
        "chain": company_id or GLOBAL_CHAIN,
        "actor_id": actor.id if actor is not None else None,
        "actor_label": (actor_label if actor_label is not None else (actor.email if actor is not None else ""))[:254],
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id) if object_id is not None else None,
        "details": details or {},
        "created_at": utcnow(),
        **_context(),
    }
    if own_connection:
        try:
            with db.engine.begin() as conn:
                conn.execute(insert(_TABLE).values(**values))
            return
        except OperationalError:
            # SQLite (development) while this session holds the write lock: it cannot be
            # written apart, so it goes with the session's transaction instead.
            if db.engine.dialect.name != "sqlite":
                raise
    db.session.execute(insert(_TABLE).values(**values))


def record_each(
    action: str,
    *,
    actor: User | None,
    company_id: int,
    object_type: str,
    objects: list[tuple[int | str, dict[str, Any]]],
) -> None:
    """One row per (object id, details), all in one INSERT: a bulk action audited object by object."""
    if not objects:
        return
    context = _context()
    created_at = utcnow()
    rows = [
        {
            "company_id": company_id,
            "chain": company_id,
            "actor_id": actor.id if actor is not None else None,
            "actor_label": (actor.email if actor is not None else "")[:254],
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "details": details,
            "created_at": created_at,
            **context,
        }
        for object_id, details in objects
    ]
    db.session.execute(insert(_TABLE), rows)


# Sealing and verifying


def _key() -> bytes:
    configured = current_app.config.get("AUDIT_HMAC_KEY")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"audit-log:" + str(current_app.config["SECRET_KEY"]).encode()).digest()


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(key: bytes, row: Any, seq: int, prev_hash: str) -> str:
    """The HMAC of a row's fields, its position and the previous hash (a canonical JSON text)."""
    document = {
        "id": row.id,
        "company_id": row.company_id,
        "chain": row.chain,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "api_key_id": row.api_key_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "details": row.details,
        "created_at": _moment(row.created_at),
        "seq": seq,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


GENESIS = "0" * 64


def _lock_chain(chain: int) -> None:
    """One sealer per chain at a time (PostgreSQL); SQLite has one writer anyway. The unique (chain, seq)
    index would refuse a second sealer's rows in any case."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7261, :chain)"), {"chain": chain})


def seal(batch: int = SEAL_BATCH) -> int:
    """Seal the rows not sealed yet, oldest first, up to `batch`; how many were sealed (committed)."""
    key = _key()
    pending = db.session.execute(select(_TABLE).where(_TABLE.c.seq.is_(None)).order_by(_TABLE.c.id).limit(batch)).all()
    chains: dict[int, list] = {}
    for row in pending:
        chains.setdefault(row.chain, []).append(row)
    sealed = 0
    for chain, rows in sorted(chains.items()):
        _lock_chain(chain)
        head = db.session.execute(
            select(_TABLE.c.seq, _TABLE.c.hash)
            .where(_TABLE.c.chain == chain, _TABLE.c.seq.is_not(None))
            .order_by(_TABLE.c.seq.desc())
            .limit(1)
        ).first()
        seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        params = []
        for row in rows:
            seq += 1
            digest = row_hash(key, row, seq, prev)
            params.append({"row_id": row.id, "new_seq": seq, "new_prev": prev, "new_hash": digest})
            prev = digest
        db.session.execute(
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.seq.is_(None))
            .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")),
            params,
        )
        sealed += len(params)
    db.session.commit()
    return sealed


def seal_all() -> int:
    total = 0
    while (done := seal()) > 0:
        total += done
    return total


@dataclass(frozen=True)
class Broken:
    chain: int
    seq: int
    row_id: int | None
    reason: str


@dataclass(frozen=True)
class Verification:
    rows: int
    unsealed: int
    broken: Broken | None


def _sealed_rows(chain: int) -> Iterator[Any]:
    last = 0
    while True:
        rows = db.session.execute(
            select(_TABLE).where(_TABLE.c.chain == chain, _TABLE.c.seq > last).order_by(_TABLE.c.seq).limit(SEAL_BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(company_id: int | None = None) -> Verification:
    """Walk every chain (or one company's) and stop at the first broken link."""
    key = _key()
    if company_id is not None:
        chains = [company_id]
    else:
        chains = list(db.session.scalars(select(_TABLE.c.chain).where(_TABLE.c.seq.is_not(None)).distinct()))
    checked = 0
    for chain in sorted(chains):
        expected, prev = 1, GENESIS
        for row in _sealed_rows(chain):
            if row.seq != expected:
                return _result(checked, Broken(chain, expected, None, f"position {expected} is missing (deleted?)"))
            if row.prev_hash != prev:
                return _result(checked, Broken(chain, row.seq, row.id, "its link to the previous row does not match"))
            if not hmac.compare_digest(row.hash or "", row_hash(key, row, row.seq, prev)):
                return _result(checked, Broken(chain, row.seq, row.id, "its contents do not match its hash (edited?)"))
            prev, expected, checked = row.hash, expected + 1, checked + 1
    return _result(checked, None)


def _result(checked: int, broken: Broken | None) -> Verification:
    unsealed = db.session.scalar(select(func.count()).select_from(_TABLE).where(_TABLE.c.seq.is_(None)))
    return Verification(rows=checked, unsealed=unsealed or 0, broken=broken)


# Reading (admins)


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    actor_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _admin_company(actor: User) -> int:
    actor = require_member(actor, actor.company_id or -1, what="That company")
    require_role(actor, Role.ADMIN, action="read the audit log")
    return actor.company_id


def check_filters(filters: Filters) -> Filters:
    check = Checker()
    if filters.action is not None and filters.action not in ACTIONS:
        check.add("action", f"Not an action of the log: {', '.join(ACTIONS)}.")
    if filters.since and filters.until and filters.since > filters.until:
        check.add("from", "Must be before `to`.")
    check.raise_if_any()
    return filters


def _query(company_id: int, filters: Filters):
    stmt = select(AuditEvent).where(AuditEvent.company_id == company_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        stmt = stmt.where(AuditEvent.created_at >= filters.since)
    if filters.until:
        stmt = stmt.where(AuditEvent.created_at < filters.until)
    return stmt


def page_events(
    actor: User, filters: Filters = Filters(), *, limit: int | None = None, cursor: str | None = None
) -> Page[AuditEvent]:
    """The company's log, newest first (admins)."""
    company_id = _admin_company(actor)
    return paginate_desc(
        db.session, _query(company_id, check_filters(filters)), AuditEvent.id, limit=limit, cursor=cursor
    )


def export_events(actor: User, filters: Filters = Filters(), *, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every matching row, newest first, read in keyset batches (for a CSV download); the export is logged.

    The checks run and the export is recorded at once; the rows are read as the answer is sent.
    """
    company_id = _admin_company(actor)
    check_filters(filters)
    record("audit.exported", actor=actor, details={k: str(v) for k, v in vars(filters).items() if v is not None})
    db.session.commit()
    return _batches(_query(company_id, filters).order_by(AuditEvent.id.desc()), batch)


def _batches(stmt, batch: int) -> Iterator[AuditEvent]:
    last = None
    while True:
        page = stmt if last is None else stmt.where(AuditEvent.id < last)
        rows = list(db.session.scalars(page.limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.session.expunge_all()


@periodic("audit.seal", every="AUDIT_SEAL_INTERVAL")
def _seal_periodically(app) -> int:
    return seal_all()
