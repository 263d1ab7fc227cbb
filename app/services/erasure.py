"""Staff acting on a person's request: erase their record, hold it for legal reasons, record withdrawn consent."""

from __future__ import annotations

from sqlalchemy import delete, update

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Application, Candidate, MessageStatus, OutboxMessage, PoolMember, Role, User
from app.models.base import utcnow
from app.services import anonymise, audit
from app.services.access import EDITORS, require_member, require_role, require_user
from app.services.validation import Checker


def _candidate(actor: User, candidate_id: int) -> Candidate:
    actor = require_user(actor)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("That candidate was not found.")
    require_member(actor, candidate.company_id, what="That candidate")
    return candidate


def erase(actor: User, candidate_id: int) -> anonymise.Erased:
    """Anonymise now (admins): a person's request by email. Under a legal hold: refused, nothing done."""
    candidate = _candidate(actor, candidate_id)
    require_role(actor, Role.ADMIN, action="erase candidates")
    if candidate.anonymised_at is not None:
        raise Conflict("This candidate was erased already.")
    return anonymise.anonymise(candidate, actor=actor, trigger="request")


def set_legal_hold(actor: User, candidate_id: int, reason) -> Candidate:
    """Keep the record from erasure (retention and requests) until the hold is lifted (admins)."""
    candidate = _candidate(actor, candidate_id)
    require_role(actor, Role.ADMIN, action="place legal holds")
    check = Checker()
    reason = check.line("reason", reason, required=True, max_len=500)
    check.raise_if_any("The legal hold was not placed.")
    if candidate.anonymised_at is not None:
        raise Conflict("This candidate was erased already: there is nothing left to hold.")
    candidate.legal_hold_at = utcnow()
    candidate.legal_hold_reason = reason
    candidate.legal_hold_by_id = actor.id
    db.session.flush()
    audit.record("candidate.legal_hold", actor=actor, object_type="candidate", object_id=candidate.id)
    return candidate


def lift_legal_hold(actor: User, candidate_id: int) -> Candidate:
    candidate = _candidate(actor, candidate_id)
    require_role(actor, Role.ADMIN, action="lift legal holds")
    if candidate.legal_hold_at is None:
        raise Conflict("This candidate is not under a legal hold.")
    candidate.legal_hold_at = None
    candidate.legal_hold_reason = None
    candidate.legal_hold_by_id = None
    db.session.flush()
    audit.record("candidate.legal_hold_lifted", actor=actor, object_type="candidate", object_id=candidate.id)
    return candidate


def withdraw_consent(actor: User, candidate_id: int) -> Candidate:
    """The person withdrew consent (recruiters, admins): out of every pool, waiting emails cancelled, recorded.

    Their applications stay for the company to decide; the retention policy then treats them like anyone not
    in a pool.
    """
    candidate = _candidate(actor, candidate_id)
    require_role(actor, *EDITORS, action="record withdrawn consent")
    if candidate.consent_withdrawn_at is not None:
        raise Conflict("Consent was withdrawn already.")
    candidate.consent_withdrawn_at = utcnow()
    db.session.execute(delete(PoolMember).where(PoolMember.candidate_id == candidate.id))
    app_ids = db.select(Application.id).where(Application.candidate_id == candidate.id).scalar_subquery()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.application_id.in_(app_ids), OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    audit.record("candidate.consent_withdrawn", actor=actor, object_type="candidate", object_id=candidate.id)
    return candidate
