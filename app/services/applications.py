"""Applications: applying, viewing, moving through the stages, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import Select, bindparam, inspect, select, union_all
from sqlalchemy.orm import contains_eager, defer, joinedload, lazyload, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from app import signals, workflow
from app.errors import Forbidden, NotFound, StaleUpdate
from app.extensions import db
from app.models import (
    Application,
    ApplicationAnswer,
    Candidate,
    Company,
    Job,
    Note,
    RejectionReason,
    Role,
    StageChange,
    User,
)
from app.models.base import utcnow
from app.services import audit, mentions, questions, resumes, stage_counts
from app.services.access import is_member, require_user
from app.services.jobs import get_job
from app.services.pagination import Page, clamp_limit, decode_cursor, encode_cursor, page_of, paginate_desc
from app.services.validation import Checker


def apply(
    actor: User,
    job_id: int,
    *,
    cover_letter: str | None = "",
    resume: resumes.ResumeUpload | None = None,
    answers: dict | None = None,
    consent: bool = False,
    origin=None,
) -> Application:
    """A signed-in candidate applies to an open job, once, answering its questions (see `applying.submit`)."""
    from app.services import applying
    from app.services.candidates import CandidateDetails

    submission = applying.submit(
        actor,
        job_id,
        details=CandidateDetails(),
        cover_letter=cover_letter,
        resume=resume,
        answers=answers,
        consent=consent,
        origin=origin,
    )
    return submission.application


def get_application(
    actor: User, application_id: int, *, for_move: bool = False, shown_only: bool = False
) -> Application:
    """The candidate who applied, or staff of the job's company; anyone else: not found.

    `for_move`: whether it has an accepted offer comes in the same statement (a hire may need one).
    `shown_only`: the columns the API's application detail shows (and the access checks read);
    any other column loads when first touched.
    """
    actor = require_user(actor)
    application = _load_one(application_id, for_move=for_move, shown_only=shown_only)
    if application is None or not can_view(actor, application):
        raise NotFound("That application was not found.")
    return application


def _load_one(application_id: int, *, for_move: bool, shown_only: bool) -> Application | None:
    """`Session.get` with the options below, by a statement built once per variant.

    Building the statement and its cache key (every option walked) cost as much as running it;
    one built once keeps its key. One already in the session is answered as `Session.get` does.
    """
    if identity_key(Application, application_id) in db.session.identity_map:
        return db.session.get(Application, application_id, options=_options(for_move=for_move, shown_only=shown_only))
    statement = _by_id(for_move=for_move, shown_only=shown_only)
    return db.session.execute(statement, {"application_id": application_id}).unique().scalar_one_or_none()


def _options(*, for_move: bool, shown_only: bool) -> list:
    # The answers come in the same statement: every page and answer that shows an application shows them.
    options = list(_SHOWN_ONLY) if shown_only else [joinedload(Application.answers)]
    if for_move:
        options.append(undefer(Application.has_accepted_offer))
    return options


@cache
def _by_id(*, for_move: bool, shown_only: bool) -> Select:
    options = _options(for_move=for_move, shown_only=shown_only)
    return select(Application).options(*options).where(Application.id == bindparam("application_id"))


def can_view(actor: User, application: Application) -> bool:
    return is_applicant(actor, application) or is_member(actor, application.company_id)


def is_applicant(actor: User | None, application: Application) -> bool:
    """The signed-in account holds the person's record (linked through candidates.user_id)."""
    return bool(actor is not None and application.candidate.user_id == actor.id)


def list_applications(
    actor: User,
    *,
    job_id: int | None = None,
    stage: str | None = None,
    flagged: bool = False,
    updated_after: datetime | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Page[Application]:
    """A candidate's own applications, or the actor's company's; newest first.

    `stage`: for one job of the staff's company, a stage key of its pipeline;
    otherwise a category (applied, screening, ... withdrawn).
    `flagged`: staff only, the applications a knockout rule flagged.
    `updated_after`: only those changed since (a script catching up without reading everything).
    """
    actor = require_user(actor)
    if actor.is_compliance:
        raise Forbidden("Compliance staff see the equal-opportunity report only, never applications.")
    if flagged and not actor.is_staff:
        raise Forbidden("Only company staff can filter by knockout flags.")
    own_job = None
    if actor.is_staff and job_id is not None and not flagged and updated_after is None:
        job = get_job(actor, job_id)
        if job.company_id == actor.company_id:  # the pipeline's list: a statement built once
            return _own_job_page(job, stage, limit, cursor)
    stmt = select(Application)
    if actor.is_staff:
        # Another company's draft is not found; another company's open job lists nothing.
        # For the staff's own job the job filter alone is the same set, and it lets the
        # plan PostgreSQL keeps for this prepared statement use (job_id, id) whatever the job:
        # with company_id too, the generic plan intersects both indexes and sorts.
        if job_id is not None:
            job = get_job(actor, job_id)
            own_job = job if job.company_id == actor.company_id else None
        if own_job is None:
            stmt = stmt.where(Application.company_id == actor.company_id)
        # Rows join only what differs between them: the job (when not the one loaded above,
        # which the identity map already holds) and the candidate; the job's company is the
        # actor's own and a candidate has none, so neither needs a join.
        job_load = lazyload(Application.job) if job_id is not None else joinedload(Application.job)
        stmt = stmt.options(job_load.lazyload(Job.company), _candidate_card())
    else:
        # Every company's record of this person that the account holds.
        stmt = stmt.join(Candidate, Candidate.id == Application.candidate_id).where(Candidate.user_id == actor.id)
        stmt = stmt.options(contains_eager(Application.candidate))
    stmt = stmt.options(*_NOT_IN_LISTS)
    if job_id is not None:
        stmt = stmt.where(Application.job_id == job_id)
    if stage is not None:
        stmt = stmt.where(_stage_filter(stage, own_job))
    if updated_after is not None:
        stmt = stmt.where(Application.updated_at > updated_after)
    if flagged:
        scope = {"job_id": job_id} if job_id is not None else {"company_id": actor.company_id}
        stmt = stmt.where(Application.id.in_(questions.flagged_ids(**scope)))
    page = paginate_desc(db.session, stmt, Application.id, limit=limit, cursor=cursor)
    if own_job is not None:
        for application in page.items:  # every row's job is this one: no lazy load per row
            set_committed_value(application, "job", own_job)
    return page


def _own_job_page(job: Job, stage: str | None, limit: int | None, cursor: str | None) -> Page[Application]:
    """A page of one of the staff's own jobs, as list_applications' general statement would read it."""
    if stage is not None:
        _stage_filter(stage, job)  # a stage key of its pipeline, else a 400
    size = clamp_limit(limit)
    after = decode_cursor(cursor)
    params = {"job_id": job.id, "size": size + 1}
    if stage is not None:
        params["stage"] = stage
    if after is not None:
        params["after"] = after
    stmt = _own_job_page_statement(stage is not None, after is not None)
    page = page_of(list(db.session.scalars(stmt, params).unique()), size)
    for application in page.items:  # every row's job is this one: no lazy load per row
        set_committed_value(application, "job", job)
    return page


@lru_cache(maxsize=4)
def _own_job_page_statement(by_stage: bool, after: bool) -> Select:
    """One job's applications newest first, built once per shape (its cache key with it).

    The job filter alone, no company: the staff's own job is the same set, and PostgreSQL's
    generic plan for the prepared statement then walks (job_id, id) or (job_id, stage, id).
    """
    stmt = select(Application).where(Application.job_id == bindparam("job_id"))
    if by_stage:
        stmt = stmt.where(Application.stage == bindparam("stage"))
    if after:
        stmt = stmt.where(Application.id < bindparam("after"))
    stmt = stmt.options(lazyload(Application.job).lazyload(Job.company), _CANDIDATE_CARD, *_NOT_IN_LISTS)
    return stmt.order_by(Application.id.desc()).limit(bindparam("size"))


def _stage_filter(stage: str, job: Job | None):
    """A job's list filters on a stage key of its pipeline; any other list on a category."""
    check = Checker()
    if job is not None:
        pipeline = workflow.for_job(job)
        if stage not in pipeline.by_key:
            check.add("stage", f"Not a stage of this job's pipeline: {', '.join(pipeline.keys)}.")
        check.raise_if_any()
        return Application.stage == stage
    if stage not in workflow.ALL_CATEGORIES:
        check.add("stage", f"Across jobs, a category: {', '.join(workflow.ALL_CATEGORIES)}.")
    check.raise_if_any()
    return Application.stage_category == stage


# What no list shows (every row would carry and load them): the cover letter (up to 10,000
# characters), where the person came from, who added them, the status link and the consent record.
_NOT_IN_LISTS = tuple(
    defer(column)
    for column in (
        Application.cover_letter,
        Application.utm_source,
        Application.utm_medium,
        Application.utm_campaign,
        Application.referrer_host,
        Application.referrer_name,
        Application.added_by_id,
        Application.status_token_hash,
        Application.status_token_revoked_at,
        Application.consent_notice_id,
        Application.consent_notice_version,
        Application.consented_at,
        Application.consent_ip,
    )
)


# The candidate as a list shows them: name and email, not the whole account.
_CANDIDATE_CARD = joinedload(Application.candidate).load_only(
    Candidate.id, Candidate.full_name, Candidate.email, Candidate.user_id
)


def _candidate_card():
    return _CANDIDATE_CARD


# The application detail: the job's title, status and pipeline, its company's name and slug, the
# candidate's card, the answers as shown; the status link and consent columns stay in the database.
_SHOWN_ONLY = (
    defer(Application.added_by_id),
    defer(Application.status_token_hash),
    defer(Application.status_token_revoked_at),
    defer(Application.consent_notice_id),
    defer(Application.consent_notice_version),
    defer(Application.consented_at),
    defer(Application.consent_ip),
    joinedload(Application.job).load_only(
        Job.id, Job.company_id, Job.title, Job.status, Job.pipeline_stages, Job.pipeline_allow_skip
    ),
    joinedload(Application.job).joinedload(Job.company).load_only(Company.id, Company.name, Company.slug),
    _candidate_card(),
    joinedload(Application.answers).load_only(
        ApplicationAnswer.question_id,
        ApplicationAnswer.position,
        ApplicationAnswer.label,
        ApplicationAnswer.kind,
        ApplicationAnswer.value,
        ApplicationAnswer.flag,
    ),
)


def newest_by_stage(
    actor: User, job_id: int, stages: list[str], size: int, *, flagged: bool = False
) -> dict[str, Page[Application]]:
    """The newest `size` applications of each stage of a job, in one statement.

    One LIMITed branch per stage under UNION ALL: each walks (job_id, stage, id)
    backwards, so a board of 5,000 applications reads what one of 50 reads.
    """
    actor = require_user(actor)
    job = get_job(actor, job_id)
    if not is_member(actor, job.company_id):
        raise Forbidden("Only the company's staff can see a job's applications.")
    size = clamp_limit(size)
    pages: dict[str, Page[Application]] = {stage: Page(items=[], next_cursor=None, limit=size) for stage in stages}
    if not stages:
        return pages
    only = [Application.id.in_(questions.flagged_ids(job_id=job.id))] if flagged else []
    branches = [
        select(Application.id)
        .where(Application.job_id == job.id, Application.stage == stage, *only)
        .order_by(Application.id.desc())
        .limit(size + 1)
        .subquery()
        .select()
        for stage in stages
    ]
    stmt = (
        select(Application)
        .where(Application.id.in_(union_all(*branches)))
        .options(lazyload(Application.job), _candidate_card(), defer(Application.cover_letter))
        .order_by(Application.id.desc())
    )
    rows: dict[str, list[Application]] = {stage: [] for stage in stages}
    for application in db.session.scalars(stmt):
        set_committed_value(application, "job", job)
        rows[application.stage].append(application)
    for stage, items in rows.items():
        next_cursor = encode_cursor(items[size - 1].id) if len(items) > size else None
        pages[stage] = Page(items=items[:size], next_cursor=next_cursor, limit=size)
    return pages


def list_job_applications(actor: User, job_id: int, **kwargs) -> Page[Application]:
    """A job's applications, for its company's staff only."""
    actor = require_user(actor)
    job = get_job(actor, job_id)
    if not is_member(actor, job.company_id):
        raise Forbidden("Only the company's staff can see a job's applications.")
    return list_applications(actor, job_id=job_id, **kwargs)


def allowed_moves(actor: User, application: Application) -> list[str]:
    if not can_view(actor, application):
        return []
    pipeline = workflow.for_job(application.job)
    return pipeline.allowed_moves(application.stage, actor.role, is_applicant(actor, application))


def move_stage(
    actor: User,
    application_id: int,
    to: str,
    *,
    note: str | None = None,
    reason: str | None = None,
    reason_id: int | None = None,
    expected_version: int | None = None,
) -> Application:
    """Move an application to another stage and record who, when and why.

    A rejection names a reason: one of the company's (`reason_id`), free text, or both.
    The UPDATE is guarded by the version read here, so of two concurrent moves
    from the same stage exactly one commits; the other gets StaleUpdate.
    """
    if to == "rejected" and isinstance(reason_id, int) and not isinstance(reason_id, bool):
        # The chosen reason comes with the application in one statement; both are then read from the session
        # (kept referenced here: the session's identity map holds objects only while someone does).
        _kept = (
            db.session.execute(
                select(Application, RejectionReason)
                .outerjoin(RejectionReason, RejectionReason.id == reason_id)
                .where(Application.id == application_id)
                .options(joinedload(Application.answers))
            )
            .unique()
            .first()
        )
    application = get_application(actor, application_id, for_move=True)
    check = Checker()
    note = check.text("note", note, max_len=5000) or None
    reason = check.text("reason", reason, max_len=2000) or None
    check.raise_if_any()
    if to == "rejected" and reason_id is not None:
        from app.services import rejection_reasons

        chosen = rejection_reasons.get_reason(actor, reason_id)
        reason = reason or chosen.label
    elif reason_id is not None:
        reason_id = None  # only a rejection has a reason
    if expected_version is not None and expected_version != application.version:
        raise StaleUpdate(
            "The application changed meanwhile; reload it and try again.",
            current_stage=application.stage,
            version=application.version,
        )
    return _move(application, to, actor=actor, role=actor.role, note=note, reason=reason, reason_id=reason_id)


def withdraw_by_link(token: str) -> Application:
    """The person withdraws through their private status link (no account needed)."""
    from app.services import status_links

    application = status_links.open_link(token)
    return _move(application, "withdrawn", actor=None, role=Role.CANDIDATE.value, note=None, reason=None)


def _move(
    application: Application,
    to: str,
    *,
    actor: User | None,
    role: str,
    note: str | None,
    reason: str | None,
    reason_id: int | None = None,
) -> Application:
    """The move itself, its history row and counts; `actor` None: the person, through their link."""
    from_stage = application.stage
    db.session.expire(application, ["stage_changes"])  # the one row apply() kept is not the whole history now
    applicant = actor is None or is_applicant(actor, application)
    pipeline = workflow.for_job(application.job)
    dest = pipeline.move(from_stage, to, role=role, is_applicant=applicant, reason=reason)
    if pipeline.category(dest) == "hired":
        from app.services.offers import require_accepted

        require_accepted(application)  # the company's rule: hired needs an accepted offer
    application.stage = dest
    application.stage_category = pipeline.category(application.stage)
    application.stage_entered_at = utcnow()
    change = StageChange(
        application_id=application.id,
        company_id=application.company_id,
        from_stage=from_stage,
        to_stage=application.stage,
        to_category=application.stage_category,
        actor_id=actor.id if actor is not None else None,
        note=note,
        reason=reason if to == "rejected" else None,
        reason_id=reason_id if to == "rejected" else None,
        created_at=application.stage_entered_at,
    )
    db.session.add(change)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleUpdate("The application changed meanwhile; reload it and try again.") from None
    stage_counts.record_move(application, from_stage)
    set_committed_value(change, "actor", actor)  # for the listeners, without making the row dirty again
    signals.stage_changed.send(application, change=change)
    return application


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    from_stage: str | None
    to_stage: str
    actor_id: int | None
    actor_name: str | None
    note: str | None
    reason: str | None
    created_at: datetime
    undo_of_id: int | None = None  # set on the row that undid that move


def history(actor: User, application_id: int) -> list[HistoryEntry]:
    """Oldest first. Candidates never see staff notes or internal rejection reasons."""
    application = get_application(actor, application_id, shown_only=True)
    return history_of(actor, application)


_HISTORY_COLUMNS = (
    StageChange.id,
    StageChange.from_stage,
    StageChange.to_stage,
    StageChange.actor_id,
    StageChange.note,
    StageChange.reason,
    StageChange.created_at,
    StageChange.undo_of_id,
)


# The columns shown and the actor's name only: not the whole user, nor the user's company. Built once.
_HISTORY = (
    select(*_HISTORY_COLUMNS, User.full_name)
    .outerjoin(User, User.id == StageChange.actor_id)
    .where(StageChange.application_id == bindparam("application_id"))
    .order_by(StageChange.id)
)


def history_of(actor: User | None, application: Application) -> list[HistoryEntry]:
    """As `actor` may see it; None: as the person sees it through a status link."""
    staff_view = is_member(actor, application.company_id)
    shown = (lambda key: key) if staff_view else workflow.for_job(application.job).public_key
    changes = inspect(application).dict.get("stage_changes")  # known when apply() or an undo just wrote them
    if changes is not None:
        rows = [
            (*(getattr(change, column.key) for column in _HISTORY_COLUMNS), change.actor and change.actor.full_name)
            for change in changes
        ]
    else:
        rows = db.session.execute(_HISTORY, {"application_id": application.id})
    entries = []
    for change_id, from_stage, to_stage, actor_id, note, reason, created_at, undo_of_id, actor_name in rows:
        own = actor is not None and actor_id == actor.id
        entries.append(
            HistoryEntry(
                id=change_id,
                from_stage=shown(from_stage) if from_stage is not None else None,
                to_stage=shown(to_stage),
                actor_id=actor_id,
                actor_name=actor_name,
                note=note if staff_view or own else None,
                reason=reason if staff_view else None,
                created_at=created_at,
                undo_of_id=undo_of_id,
            )
        )
    return entries


def _require_staff_view(actor: User, application_id: int) -> Application:
    application = get_application(actor, application_id, shown_only=True)
    if not is_member(actor, application.company_id):
        raise NotFound("That application was not found.")  # notes do not exist for candidates
    return application


def add_note(actor: User, application_id: int, body) -> Note:
    """Staff of the company, hiring managers included.

    `@[Name](user:12)` mentions an active member of the company: they get a notification and an email.
    """
    application = _require_staff_view(actor, application_id)
    check = Checker()
    body = check.text("body", body, required=True, max_len=10000)
    check.raise_if_any()
    # Mentions of the company's active staff stay (and are told, in this transaction); others become plain text.
    resolved = mentions.resolve(application.company_id, body)
    note = Note(application_id=application.id, author_id=actor.id, body=resolved.body)
    db.session.add(note)
    db.session.flush()
    set_committed_value(note, "author", actor)  # for the listeners and the answer, without a second flush
    told = [member for member in resolved.mentioned if member.id != actor.id]
    signals.note_added.send(note, application=application, mentioned=told)
    return note


def list_notes(actor: User, application_id: int) -> list[Note]:
    application = _require_staff_view(actor, application_id)
    return list(db.session.scalars(select(Note).where(Note.application_id == application.id).order_by(Note.id)))


def resume_file(actor: User, application_id: int) -> resumes.ResumeFile:
    """(file, download name, content type, size) for the candidate who applied and the company's staff."""
    application = get_application(actor, application_id)
    if not application.resume_key:
        raise NotFound("This application has no resume.")
    audit.record(
        "resume.downloaded", actor=actor, company_id=application.company_id, object_type="application",
        object_id=application.id,
    )  # fmt: skip
    return resumes.open_file(application.resume_key, application.resume_filename, application.resume_content_type)
