"""Applying: guests and signed-in candidates apply, staff add people themselves.

One path for both doors. A submission is checked whole before anything is
written (field problems come back together), then the person's record is found
or made (one upsert), and the application is one INSERT ... ON CONFLICT DO
NOTHING RETURNING: a second submit for the same person and job is a conflict,
not a duplicate. The answer to a guest does not say whether the address applied
before; the email does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import ClauseElement, bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app import signals, workflow
from app.core import apply_limits
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, Company, Job, JobStatus, Note, Role, StageChange, User
from app.models.base import utcnow
from app.models.candidates import SOURCES, STAFF_SOURCES
from app.services import candidates, privacy, questions, resumes, stage_counts, status_links
from app.services.access import EDITORS, is_member, require_role, require_user
from app.services.applications import HistoryEntry
from app.services.candidates import CandidateDetails
from app.services.validation import Checker

# What a person applying may say they came through; staff pick from STAFF_SOURCES.
APPLICANT_SOURCES = ("careers_page", "job_board", "api")
UTM_MAX = 100
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@dataclass(frozen=True)
class Origin:
    """Where an application came from: its source, the campaign in the arrival URL, the referring site."""

    source: str = "careers_page"
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    referrer_host: str | None = None
    ip: str | None = None


def _tag(value) -> str | None:
    """A campaign tag as it may reach a page: printable, single line, at most UTM_MAX characters."""
    if not isinstance(value, str):
        return None
    value = "".join(ch for ch in value if ch.isprintable()).strip()[:UTM_MAX]
    return value or None


def referrer_host(value, *, own_host: str | None = None) -> str | None:
    """The host of a referring http(s) URL (or a bare host name), lower-cased; our own host and junk give None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if "://" in value:
        parts = urlsplit(value)
        host = (parts.hostname or "") if parts.scheme in ("http", "https") else ""
    else:
        host = value
    host = host.lower()
    if len(host) > 255 or not _HOST.match(host) or host == (own_host or "").split(":")[0].lower():
        return None
    return host


def origin_from(
    *,
    source: str | None = None,
    default: str = "careers_page",
    utm_source=None,
    utm_medium=None,
    utm_campaign=None,
    referrer=None,
    own_host: str | None = None,
    ip: str | None = None,
) -> Origin:
    """An Origin from what a request carried; anything unusable is dropped, never refused.

    A campaign whose medium says job board (or feed) counts as the job board source.
    """
    medium = _tag(utm_medium)
    if source not in APPLICANT_SOURCES:
        source = "job_board" if medium and medium.lower() in ("job_board", "jobboard", "feed") else default
    return Origin(
        source=source,
        utm_source=_tag(utm_source),
        utm_medium=medium,
        utm_campaign=_tag(utm_campaign),
        referrer_host=referrer_host(referrer, own_host=own_host),
        ip=(ip or None) and ip[:45],
    )


@dataclass
class Submission:
    """What became of a submission.

    created: a new application. already_applied: this person had applied to this job;
    a fresh status link went out by email. discarded: the trap field was filled;
    nothing was written. `visible`: the signed-in account can follow it in its portal.
    """

    outcome: Literal["created", "already_applied", "discarded"]
    application: Application | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    visible: bool = False


def job_for_applying(job_id: int, actor: User | None) -> Job:
    """The job with its company, the company's recruiting staff (for the alert mail) and the job's
    questions, in one SELECT; read once per transaction (a page that showed the form and then applies)."""
    known = db.session.identity_map.get(identity_key(Job, job_id))
    if known is not None and "questions" in known.__dict__ and "recruiting_staff" in known.company.__dict__:
        job = known
    else:
        job = _load_job_for_applying(job_id)
    # A closed job was public once: say it is closed. A draft never was: not found.
    if job is None or (job.status == JobStatus.DRAFT and not is_member(actor, job.company_id)):
        raise NotFound("That job was not found.")
    return job


def _load_job_for_applying(job_id: int) -> Job | None:
    return db.session.scalars(_JOB_FOR_APPLYING, {"job_id": job_id}).unique().first()


# Built once, with the id as a parameter: SQLAlchemy keeps one cache key for it.
_JOB_FOR_APPLYING = (
    select(Job)
    .where(Job.id == bindparam("job_id"))
    .options(
        joinedload(Job.company).joinedload(Company.recruiting_staff).lazyload(User.company),
        joinedload(Job.questions),
    )
)


def _check_resume(check: Checker, resume: resumes.ResumeUpload | None, *, required: bool) -> str | None:
    """Adds the resume's problems to `check`; the resume check's own summary, if it failed."""
    if resume is None:
        if required:
            check.add("resume", "Attach your resume as a PDF or DOCX file.")
        return None
    try:
        resumes.validate(resume)
    except ValidationFailed as error:
        for name, messages in (error.errors or {"resume": [error.detail]}).items():
            for message in messages:
                check.add(name, message)
        return error.detail
    return None


def _check_answers(check: Checker, job: Job, answers) -> list[questions.CleanAnswer]:
    """The job's questions answered, cleaned; problems go to `check` as `answers.<question_id>`."""
    try:
        return questions.validate_answers(job, answers, questions=job.questions)
    except ValidationFailed as error:
        check.errors.update(error.errors or {})
        return []


def _raise_if_any(check: Checker, resume_detail: str | None) -> None:
    """All problems together; when only the file is wrong, the summary says what is wrong with it."""
    only_resume = set(check.errors) == {"resume"}
    check.raise_if_any(resume_detail if only_resume and resume_detail else "Some fields are not valid.")


def submit(
    actor: User | None,
    job_id: int,
    *,
    details: CandidateDetails,
    cover_letter: str | None = "",
    resume: resumes.ResumeUpload | None = None,
    answers: dict | None = None,
    consent: bool = False,
    origin: Origin | None = None,
    trap: str | None = None,
    resume_required: bool = False,
) -> Submission:
    """A person applies: a guest (`actor` None) or a signed-in candidate.

    The candidate's own name and address come from the account; a guest gives
    both. Consent to the company's privacy notice is required and recorded on
    the application row (the notice's version, the time, the address). A
    filled `trap` (the hidden honeypot field) is answered as a success and
    writes nothing. `answers` answer the job's questions (question id -> value);
    a knockout rule that matches flags the application and rejects nothing.
    """
    if actor is not None:
        actor = require_user(actor)
        if actor.role != Role.CANDIDATE:
            raise Forbidden("Only candidates can apply to jobs; staff add people from the job's pipeline.")
    origin = origin or Origin()
    job = job_for_applying(job_id, actor)
    if job.status != JobStatus.OPEN:
        raise Conflict("This job is not open for applications.")
    check = Checker()
    if actor is not None:
        # The account's own address; its name unless the form gave another.
        details = candidates.check_details(
            check, replace(details, email=actor.email), email_required=True, name_required=False
        )
        details = replace(details, full_name=details.full_name or actor.full_name)
    else:
        details = candidates.check_details(check, details, email_required=True)
    cover_letter = check.text("cover_letter", cover_letter or "", max_len=10000) or ""
    cleaned_answers = _check_answers(check, job, answers)
    resume_detail = _check_resume(check, resume, required=resume_required)
    if consent is not True:
        check.add("consent", "Tick the box to agree to the privacy notice; we cannot consider you without it.")
    _raise_if_any(check, resume_detail)
    if origin.ip:  # a request through one of the doors (seeding and scripts in-process are not limited)
        apply_limits.check(origin.ip, details.email)
    if trap:
        return Submission("discarded")

    record, new_candidate = candidates.record_for(
        job.company_id, details, source=origin.source, user_id=actor.id if actor is not None else None
    )
    visible = candidates.holds(actor, record)
    # Whoever does not follow it in a portal gets a private link by email.
    token, token_hash = status_links.new_token() if not visible else (None, None)
    stored = resumes.store(resume) if resume is not None else None
    application = _insert_once(
        job,
        record,
        cover_letter=cover_letter,
        stored=stored,
        source=origin.source,
        utm_source=origin.utm_source,
        utm_medium=origin.utm_medium,
        utm_campaign=origin.utm_campaign,
        referrer_host=origin.referrer_host,
        status_token_hash=token_hash,
        **privacy.consent_values(job.company_id, ip=origin.ip),
    )
    if application is None:
        if stored:
            resumes.discard(stored.key)
        if visible:
            raise Conflict("You have already applied to this job.")
        return _already_applied(job, record)
    entry = _start(application, job, record, actor=actor)
    questions.record_answers(application, cleaned_answers)  # knockout rules flag, never reject
    signals.application_submitted.send(application, status_token=token, new_candidate=new_candidate)
    return Submission("created", application, [entry], visible)


def _already_applied(job: Job, record: Candidate) -> Submission:
    """The same answer as a new application; the person gets their link again by email."""
    application = db.session.scalars(
        select(Application).where(Application.job_id == job.id, Application.candidate_id == record.id)
    ).one()
    token = status_links.replace(application)
    db.session.flush()
    signals.application_repeated.send(application, status_token=token)
    return Submission("already_applied", application)


def add_candidate(
    actor: User,
    job_id: int,
    *,
    details: CandidateDetails | None = None,
    source: str | None,
    referrer: str | None = None,
    note: str | None = None,
    cover_letter: str | None = "",
    resume: resumes.ResumeUpload | None = None,
    candidate: Candidate | None = None,
) -> Application:
    """Recruiters and admins add a person to their job themselves (sourced, referred, met at an event).

    The email is optional (a sourced person may have none); with one, the
    company's existing record of that person is used. `candidate`: a record of
    the company's already (a talent pool's member), instead of `details`. No
    mail goes to the person: they did not apply.
    """
    actor = require_user(actor)
    job = job_for_applying(job_id, actor)
    if not is_member(actor, job.company_id):
        raise Forbidden("Only the job's own company can add people to it.")
    require_role(actor, *EDITORS, action="add candidates")
    if job.status == JobStatus.CLOSED:
        raise Conflict("This job is closed; reopen it to add people.")
    if candidate is not None and candidate.company_id != job.company_id:
        raise NotFound("That candidate was not found.")
    check = Checker()
    if candidate is None:
        details = candidates.check_details(check, details or CandidateDetails(), email_required=False)
    source = check.choice("source", source, STAFF_SOURCES, required=True)
    referrer = check.line("referrer", referrer, required=source == "referral", max_len=200) or None
    note = check.text("note", note, max_len=10000) or None
    cover_letter = check.text("cover_letter", cover_letter or "", max_len=10000) or ""
    _raise_if_any(check, _check_resume(check, resume, required=False))

    record, new_candidate = (
        (candidate, False) if candidate is not None else candidates.record_for(job.company_id, details, source=source)
    )
    stored = resumes.store(resume) if resume is not None else None
    application = _insert_once(
        job,
        record,
        cover_letter=cover_letter,
        stored=stored,
        source=source,
        referrer_name=referrer if source == "referral" else None,
        added_by_id=actor.id,
    )
    if application is None:
        if stored:
            resumes.discard(stored.key)
        raise Conflict("This person is already in this job's pipeline.", errors={"email": ["Already in this job."]})
    _start(application, job, record, actor=actor)
    questions.record_answers(application, [])  # staff add people, not their answers
    if note:
        db.session.add(Note(application_id=application.id, author_id=actor.id, body=note))
        db.session.flush()
    signals.application_submitted.send(application, added_by=actor, new_candidate=new_candidate)
    return application


def _insert_once(job: Job, record: Candidate, *, stored: resumes.StoredResume | None, **values) -> Application | None:
    """INSERT ... ON CONFLICT (job_id, candidate_id) DO NOTHING RETURNING: the new application,
    or None when this person already has one for the job (a concurrent double submit included).

    One statement where a look-up, a savepoint, the insert and its release took four.
    """
    now = utcnow()
    assert values.get("source") in SOURCES
    row = {
        "job_id": job.id,
        "company_id": job.company_id,
        "candidate_id": record.id,
        "stage": workflow.for_job(job).first_key,
        "stage_category": "applied",
        "stage_entered_at": now,
        "resume_key": stored.key if stored else None,
        "resume_filename": stored.filename if stored else None,
        "resume_content_type": stored.content_type if stored else None,
        "resume_size": stored.size if stored else None,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **values,
    }
    # Plain values are parameters; SQL ones (the consent columns read the notice in force) are part of
    # the statement, and the same objects each time (app/services/privacy.py builds them once).
    plain = {name: value for name, value in row.items() if not isinstance(value, ClauseElement)}
    in_sql = tuple(sorted(((k, v) for k, v in row.items() if isinstance(v, ClauseElement)), key=lambda kv: kv[0]))
    statement = _insert_statement(db.session.get_bind().dialect.name, tuple(sorted(plain)), in_sql)
    params = {f"v_{name}": value for name, value in plain.items()}
    params[privacy.NOTICE_COMPANY_PARAM] = job.company_id
    return db.session.scalars(statement, params).first()


@lru_cache(maxsize=16)
def _insert_statement(dialect: str, columns: tuple[str, ...], in_sql: tuple[tuple[str, ClauseElement], ...]):
    """_insert_once's statement for these columns, built once (its cache key with it): a parameter each."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = Application.__table__
    values = {name: bindparam(f"v_{name}", type_=table.c[name].type) for name in columns}
    values.update(in_sql)
    stmt = insert(Application).values(values).on_conflict_do_nothing(index_elements=["job_id", "candidate_id"])
    return stmt.returning(Application)


def _start(application: Application, job: Job, record: Candidate, *, actor: User | None) -> HistoryEntry:
    """The first history row and the job's count; the history entry as the answer shows it."""
    set_committed_value(application, "job", job)
    set_committed_value(application, "candidate", record)
    actor_id = actor.id if actor is not None else None
    change = StageChange(
        application_id=application.id,
        company_id=job.company_id,
        from_stage=None,
        to_stage=application.stage,
        to_category="applied",
        actor_id=actor_id,
        created_at=application.created_at,  # the same instant as the application's and its stage's start
    )
    db.session.add(change)
    db.session.flush()
    set_committed_value(change, "actor", actor)
    set_committed_value(application, "stage_changes", [change])  # its whole history, known without a query
    stage_counts.record_apply(application)
    return HistoryEntry(
        id=change.id,
        from_stage=None,
        to_stage=application.stage,
        actor_id=actor_id,
        actor_name=actor.full_name if actor is not None else None,
        note=None,
        reason=None,
        created_at=change.created_at,
    )
