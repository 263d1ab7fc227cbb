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
from sqlalchemy import String, cast, delete, literal, or_, select, update

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


TOMBSTONE_PREFIX = "Erased candidate #"


def tombstone(candidate_id: int) -> str:
    return f"{TOMBSTONE_PREFIX}{candidate_id}"


def anonymise(candidate: Candidate, *, actor: User | None, trigger: str) -> Erased:
    """Erase one candidate record of one company. Refused under a legal hold; a second time does nothing new."""
    return anonymise_many([candidate], actor=actor, trigger=trigger)


def anonymise_many(candidates: list[Candidate], *, actor: User | None, trigger: str) -> Erased:
    """Erase records of one company together: the same ~25 statements for one record or five hundred.

    Refused, with nothing done, when one of them is under a legal hold. Returns the totals, with the first
    record's id; records merged into them go too (their own holds still apply).
    """
    if not candidates:
        raise ValueError("anonymise_many needs at least one candidate")
    if any(c.legal_hold_at is not None for c in candidates):
        raise Conflict("This candidate is under a legal hold: nothing was erased. An admin can lift the hold.")
    company_id = candidates[0].company_id
    if any(c.company_id != company_id for c in candidates):
        raise ValueError("anonymise_many erases the records of one company at a time")
    cids = [c.id for c in candidates]
    app_ids = select(Application.id).where(Application.candidate_id.in_(cids)).scalar_subquery()
    files: dict[int, list[str]] = {cid: [] for cid in cids}
    for cid, key in db.session.execute(
        select(Application.candidate_id, Application.resume_key).where(
            Application.candidate_id.in_(cids), Application.resume_key.is_not(None)
        )
    ):
        files[cid].append(key)
    for cid, attachments in db.session.execute(
        select(Application.candidate_id, InboundMessage.attachments)
        .join(Application, Application.id == InboundMessage.application_id)
        .where(Application.candidate_id.in_(cids))
    ):
        files[cid].extend(a["key"] for a in attachments or [] if a.get("key"))
    counts = dict(
        db.session.execute(
            select(Application.candidate_id, db.func.count())
            .where(Application.candidate_id.in_(cids))
            .group_by(Application.candidate_id)
        ).all()
    )

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
        .values(
            to_address=ERASED_ADDRESS,
            to_name="",
            subject="",
            text_body=None,
            html_body=None,
            context=None,
            last_error=None,  # a refusal may quote the address ("550 <someone@...>: no such user")
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Event)
        .where(
            Event.company_id == company_id,
            or_(
                (Event.object_type == "application") & Event.object_id.in_(app_ids),
                (Event.object_type == "candidate") & Event.object_id.in_(cids),
            ),
        )
        .values(payload={"erased": True})
        .execution_options(synchronize_session=False)
    )
    db.session.execute(delete(ResumeText).where(ResumeText.candidate_id.in_(cids)))
    db.session.execute(delete(CandidateSearch).where(CandidateSearch.candidate_id.in_(cids)))
    db.session.execute(delete(CandidateTag).where(CandidateTag.candidate_id.in_(cids)))
    db.session.execute(delete(PoolMember).where(PoolMember.candidate_id.in_(cids)))
    db.session.execute(
        delete(DuplicateCandidate).where(
            or_(DuplicateCandidate.candidate_a_id.in_(cids), DuplicateCandidate.candidate_b_id.in_(cids))
        )
    )
    db.session.execute(
        delete(CandidateMerge).where(or_(CandidateMerge.keep_id.in_(cids), CandidateMerge.other_id.in_(cids)))
    )
    now = utcnow()
    db.session.execute(
        update(Application)
        .where(Application.candidate_id.in_(cids))
        .values(
            cover_letter="",
            resume_key=None,
            resume_filename=None,
            resume_content_type=None,
            resume_size=None,
            referrer_name=None,
            consent_ip=None,
            status_token_hash=None,
            status_token_revoked_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    # The version goes up as an edit's would: a details form opened before the erasure is refused (409), so
    # it cannot write the person back over the tombstone.
    db.session.execute(
        update(Candidate)
        .where(Candidate.id.in_(cids))
        .values(
            full_name=literal(TOMBSTONE_PREFIX) + cast(Candidate.id, String),
            email=None,
            phone=None,
            location=None,
            links={},
            email_key=None,
            phone_e164=None,
            linkedin_key=None,
            name_key=None,
            resume_hash=None,
            user_id=None,
            anonymised_at=now,
            version=Candidate.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    for candidate in candidates:
        db.session.expire(candidate)
    _forget_files([key for keys in files.values() for key in keys])
    audit.record_each(
        "candidate.anonymised",
        actor=actor,
        company_id=company_id,
        object_type="candidate",
        objects=[
            (cid, {"trigger": trigger, "applications": counts.get(cid, 0), "files": len(files[cid])}) for cid in cids
        ],
    )
    merged = db.session.scalars(
        select(Candidate).where(Candidate.merged_into_id.in_(cids), Candidate.anonymised_at.is_(None))
    ).all()
    total_apps, total_files = sum(counts.values()), sum(len(keys) for keys in files.values())
    if merged:
        more = anonymise_many(list(merged), actor=actor, trigger=trigger)
        total_apps, total_files = total_apps + more.applications, total_files + more.files
    return Erased(cids[0], total_apps, total_files)


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
