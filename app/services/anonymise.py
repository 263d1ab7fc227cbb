"""Anonymising a candidate: identity to a tombstone, free text and files gone, what analytics need kept.

One transaction of bulk statements whatever the number of applications (personal_data.ERASURE says what
happens to each table). Files in the database storage go in the transaction; files on disk go once it
commits (a rolled-back erasure keeps them). Stage history, sources, jobs and times stay, so funnels and
counts read the same before and after.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import delete, or_, select, update

from app.after_commit import run_after_commit
from app.core.storage import get_storage
from app.errors import Conflict
from app.extensions import db
from app.models import (
    Application,
    ApplicationAnswer,
    Candidate,
    CandidateMerge,
    CandidateSearch,
    CandidateTag,
    DuplicateCandidate,
    EeoResponse,
    Event,
    InboundMessage,
    Interview,
    InterviewFeedback,
    InterviewFeedbackRevision,
    MessageStatus,
    Note,
    Offer,
    OfferEvent,
    OutboxMessage,
    PoolMember,
    ReplyAddress,
    ResumeText,
    StageChange,
    User,
)
from app.models.base import utcnow
from app.services import audit

log = logging.getLogger(__name__)

_FILES = "anonymise.files"
ERASED_ADDRESS = "erased@invalid"


@dataclass(frozen=True)
class Erased:
    candidate_id: int
    applications: int
    files: int


def tombstone(candidate_id: int) -> str:
    return f"Erased candidate #{candidate_id}"


def anonymise(candidate: Candidate, *, actor: User | None, trigger: str) -> Erased:
    """Erase one candidate record of one company. Refused under a legal hold; a second time does nothing new."""
    if candidate.legal_hold_at is not None:
        raise Conflict("This candidate is under a legal hold: nothing was erased. An admin can lift the hold.")
    cid = candidate.id
    app_ids = select(Application.id).where(Application.candidate_id == cid).scalar_subquery()
    keys = [k for k in db.session.scalars(select(Application.resume_key).where(Application.candidate_id == cid)) if k]
    for attachments in db.session.scalars(
        select(InboundMessage.attachments).where(InboundMessage.application_id.in_(app_ids))
    ):
        keys.extend(a["key"] for a in attachments or [] if a.get("key"))
    count = db.session.scalar(select(db.func.count()).select_from(Application).where(Application.candidate_id == cid))

    db.session.execute(delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(app_ids)))
    db.session.execute(delete(Note).where(Note.application_id.in_(app_ids)))
    db.session.execute(
        update(Offer)
        .where(Offer.application_id.in_(app_ids))
        .values(terms="", letter_html=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OfferEvent)
        .where(OfferEvent.application_id.in_(app_ids))
        .values(note=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(EeoResponse).where(EeoResponse.application_id.in_(app_ids)))
    feedback_ids = select(InterviewFeedback.id).where(InterviewFeedback.application_id.in_(app_ids))
    db.session.execute(
        delete(InterviewFeedbackRevision).where(
            InterviewFeedbackRevision.feedback_id.in_(feedback_ids.scalar_subquery())
        )
    )
    db.session.execute(delete(InterviewFeedback).where(InterviewFeedback.application_id.in_(app_ids)))
    db.session.execute(
        update(Interview)
        .where(Interview.application_id.in_(app_ids))
        .values(notes="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(InboundMessage).where(InboundMessage.application_id.in_(app_ids)))
    db.session.execute(delete(ReplyAddress).where(ReplyAddress.application_id.in_(app_ids)))
    db.session.execute(
        update(StageChange).where(StageChange.application_id.in_(app_ids)).values(note=None, reason=None)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.application_id.in_(app_ids), OutboxMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.CANCELLED.value)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.application_id.in_(app_ids))
        .values(to_address=ERASED_ADDRESS, to_name="", subject="", text_body=None, html_body=None, context=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Event)
        .where(
            Event.company_id == candidate.company_id,
            or_(
                (Event.object_type == "application") & Event.object_id.in_(app_ids),
                (Event.object_type == "candidate") & (Event.object_id == cid),
            ),
        )
        .values(payload={"erased": True})
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ResumeText).where(ResumeText.candidate_id == cid))
    db.session.execute(delete(CandidateSearch).where(CandidateSearch.candidate_id == cid))
    db.session.execute(delete(CandidateTag).where(CandidateTag.candidate_id == cid))
    db.session.execute(delete(PoolMember).where(PoolMember.candidate_id == cid))
    db.session.execute(
        delete(DuplicateCandidate).where(
            or_(DuplicateCandidate.candidate_a_id == cid, DuplicateCandidate.candidate_b_id == cid)
        )
    )
    db.session.execute(delete(CandidateMerge).where(or_(CandidateMerge.keep_id == cid, CandidateMerge.other_id == cid)))
    db.session.execute(
        update(Application)
        .where(Application.candidate_id == cid)
        .values(
            cover_letter="",
            resume_key=None,
            resume_filename=None,
            resume_content_type=None,
            resume_size=None,
            referrer_name=None,
            consent_ip=None,
            status_token_hash=None,
            status_token_revoked_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    candidate.full_name = tombstone(cid)
    candidate.email = None
    candidate.phone = None
    candidate.location = None
    candidate.links = {}
    candidate.email_key = candidate.phone_e164 = candidate.linkedin_key = candidate.name_key = None
    candidate.resume_hash = None
    candidate.user_id = None
    candidate.anonymised_at = utcnow()
    db.session.flush()
    _forget_files(keys)
    audit.record(
        "candidate.anonymised",
        actor=actor,
        company_id=candidate.company_id,
        object_type="candidate",
        object_id=cid,
        details={"trigger": trigger, "applications": count, "files": len(keys)},
    )
    # Records merged into this one are the same person: they go too (their own holds still apply).
    merged = db.session.scalars(
        select(Candidate).where(Candidate.merged_into_id == cid, Candidate.anonymised_at.is_(None))
    ).all()
    files = len(keys)
    for other in merged:
        more = anonymise(other, actor=actor, trigger=trigger)
        count, files = count + more.applications, files + more.files
    return Erased(cid, count, files)


def _forget_files(keys: list[str]) -> None:
    if not keys:
        return
    storage = get_storage()
    if storage.name == "database":
        for key in keys:
            with contextlib.suppress(OSError, ValueError):
                storage.delete(key)
    else:
        db.session.info.setdefault(_FILES, set()).update(keys)


def _delete_files(_app: Flask, keys: set[str]) -> None:
    storage = get_storage()
    for key in keys:
        try:
            storage.delete(key)
        except (OSError, ValueError):
            log.warning("anonymise: could not remove stored file %s", key)


run_after_commit(_FILES, _delete_files)
