"""A candidate's profile for staff: details, applications, history, resumes, tags, pools; editing the details.

Every read is scoped to the caller's company (another company's candidate is
not found); recruiters and admins edit, hiring managers read. Edits carry the
version read (optimistic: a stale one is a 409).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import load_only
from sqlalchemy.orm.exc import StaleDataError

from app import signals
from app.errors import Conflict, NotFound, StaleUpdate
from app.extensions import db
from app.models import Application, Candidate, Job, StageChange, User
from app.models.candidates import STAFF_SOURCES
from app.services import phones
from app.services.access import EDITORS, require_role, require_user
from app.services.candidates import CandidateDetails, check_details
from app.services.validation import Checker

SHOWN_APPLICATIONS = 200
SHOWN_HISTORY = 200
EDITABLE = ("full_name", "email", "phone", "location", "links", "source")


@dataclass(frozen=True)
class ApplicationLine:
    id: int
    job_id: int
    job_title: str
    stage: str
    stage_category: str
    source: str
    applied_at: datetime
    stage_entered_at: datetime
    has_resume: bool
    resume_filename: str | None
    # Set when the application belongs to a record merged into this one (both had applied to the job, so
    # the merge left it on the merged record): the profile still shows it.
    merged_from_id: int | None = None


@dataclass(frozen=True)
class HistoryLine:
    id: int
    application_id: int
    job_title: str
    from_stage: str | None
    to_stage: str
    created_at: datetime


@dataclass
class Profile:
    candidate: Candidate
    applications: list[ApplicationLine] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    tags: list = field(default_factory=list)
    pools: list = field(default_factory=list)


@dataclass
class Edited:
    candidate: Candidate
    warnings: dict[str, list[str]] = field(default_factory=dict)


def get_candidate(actor: User, candidate_id: int) -> Candidate:
    """One of the company's candidates (its staff); anything else is not found."""
    actor = require_user(actor)
    if not actor.is_staff:
        raise NotFound("That candidate was not found.")
    candidate = db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.company_id == actor.company_id)
    )
    if candidate is None:
        raise NotFound("That candidate was not found.")
    return candidate


def _audit_view(actor: User, candidate: Candidate) -> None:
    """A staff member opened the profile: one audit row, written apart (a read commits nothing), when
    AUDIT_PROFILE_VIEWS is on."""
    from flask import current_app

    from app.services import audit

    if current_app.config.get("AUDIT_PROFILE_VIEWS"):
        audit.record(
            "candidate.viewed",
            actor=actor,
            object_type="candidate",
            object_id=candidate.id,
            own_connection=True,
        )


def profile(actor: User, candidate_id: int, *, candidate: Candidate | None = None) -> Profile:
    """Everything the profile page shows, in a fixed number of statements.

    `candidate`: the record as this request already read it (after an edit), so it is not read twice.
    """
    from app.services import pools, tags

    if candidate is None or candidate.id != candidate_id:
        candidate = get_candidate(actor, candidate_id)
        _audit_view(actor, candidate)
    records = select(Candidate.id).where(
        Candidate.company_id == candidate.company_id,
        or_(Candidate.id == candidate.id, Candidate.merged_into_id == candidate.id),
    )
    rows = db.session.execute(
        select(Application, Job.title)
        .join(Job, Job.id == Application.job_id)
        .where(Application.candidate_id.in_(records), Application.company_id == candidate.company_id)
        .options(
            load_only(
                Application.id,
                Application.candidate_id,
                Application.job_id,
                Application.stage,
                Application.stage_category,
                Application.source,
                Application.created_at,
                Application.stage_entered_at,
                Application.resume_key,
                Application.resume_filename,
                raiseload=True,
            )
        )
        .order_by(Application.id.desc())
        .limit(SHOWN_APPLICATIONS)
    ).all()
    lines = [
        ApplicationLine(
            a.id,
            a.job_id,
            title,
            a.stage,
            a.stage_category,
            a.source,
            a.created_at,
            a.stage_entered_at,
            a.resume_key is not None,
            a.resume_filename,
            a.candidate_id if a.candidate_id != candidate.id else None,
        )
        for a, title in rows
    ]
    titles = {line.id: line.job_title for line in lines}
    history = []
    if lines:
        changes = db.session.execute(
            select(
                StageChange.id,
                StageChange.application_id,
                StageChange.from_stage,
                StageChange.to_stage,
                StageChange.created_at,
            )
            .where(StageChange.application_id.in_(list(titles)), StageChange.company_id == candidate.company_id)
            .order_by(StageChange.id.desc())
            .limit(SHOWN_HISTORY)
        ).all()
        history = [HistoryLine(c[0], c[1], titles[c[1]], c[2], c[3], c[4]) for c in changes]
    return Profile(
        candidate=candidate,
        applications=lines,
        history=history,
        tags=tags.for_candidates(candidate.company_id, [candidate.id]).get(candidate.id, []),
        pools=pools.pools_of(candidate),
    )


def update(actor: User, candidate_id: int, *, expected_version: int | None = None, **fields) -> Edited:
    """Change the person's details (recruiters and admins). A phone with a country code is stored as E.164;
    one without is kept as typed, with a warning under `phone`."""
    candidate = get_candidate(actor, candidate_id)
    require_role(actor, *EDITORS, action="edit candidates")
    check = Checker()
    for name in sorted(set(fields) - set(EDITABLE)):
        check.add(name, "Unknown field.")
    if expected_version is not None and expected_version != candidate.version:
        raise StaleUpdate("The candidate changed meanwhile; reload it and try again.", version=candidate.version)
    merged = CandidateDetails(
        full_name=fields.get("full_name", candidate.full_name),
        email=fields.get("email", candidate.email),
        phone=fields.get("phone", candidate.phone),
        location=fields.get("location", candidate.location),
        links=fields["links"] if "links" in fields else dict(candidate.links or {}),
    )
    if "full_name" in fields and not (fields["full_name"] or "").strip():
        check.add("full_name", "This field is required.")
    clean = check_details(check, merged, email_required=False)
    source = candidate.source
    if "source" in fields and fields["source"] != candidate.source:
        source = check.choice("source", fields["source"], STAFF_SOURCES, required=True)
    warnings: dict[str, list[str]] = {}
    phone = clean.phone
    if phone and "phone" in fields and "phone" not in check.errors:
        parsed = phones.normalise(phone)
        if parsed.error:
            check.add("phone", parsed.error)
        elif not parsed.normalised:
            warnings["phone"] = [phones.KEPT_AS_TYPED]
        phone = parsed.value
    check.raise_if_any()
    if clean.email and clean.email != candidate.email:
        taken = db.session.scalar(
            select(Candidate.id).where(
                Candidate.company_id == candidate.company_id,
                Candidate.email == clean.email,
                Candidate.id != candidate.id,
            )
        )
        if taken is not None:
            raise Conflict(
                "Another candidate of your company has this email address.",
                errors={"email": ["Another candidate of your company has this address."]},
            )
    candidate.full_name = clean.full_name or candidate.full_name
    candidate.email = clean.email
    candidate.phone = phone
    candidate.location = clean.location
    candidate.links = clean.links
    candidate.source = source or candidate.source
    if db.session.is_modified(candidate):
        try:
            db.session.flush()  # version_id_col: the UPDATE says WHERE version = <read>, and bumps it
        except StaleDataError:
            raise StaleUpdate("The candidate changed meanwhile; reload it and try again.") from None
        signals.candidate_changed.send(candidate)  # candidate.updated; the search index
    return Edited(candidate, warnings)
