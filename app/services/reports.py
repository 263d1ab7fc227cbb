"""Read models for the staff dashboard, always scoped to the actor's company.

Each function answers with a fixed number of queries, whatever the number of
jobs or applications: counts come from the per-job stage counts the services
keep, a board's columns from one statement, cards and activity rows load their
candidate, job and actor in the same SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app import workflow
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, Job, JobStatus, StageChange, User
from app.services import questions
from app.services import stage_counts as kept_counts
from app.services.access import require_member, require_user
from app.services.applications import list_applications, newest_by_stage
from app.services.jobs import get_job
from app.services.pagination import Page, inline_limit
from app.services.validation import Checker

BOARD_COLUMN_SIZE = 10  # cards per column on the whole board
STAGE_PAGE_SIZE = 50  # cards when the board is filtered to one stage


def _company_id(actor: User) -> int:
    """The actor's company; only its staff get read models."""
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    return actor.company_id


def company_job(actor: User, job_id: int) -> Job:
    """A job of the actor's own company, any status; another company's: not found."""
    job = get_job(actor, job_id)
    require_member(actor, job.company_id, what="That job")
    return job


def stage_counts(actor: User, job_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{job_id: {stage: count}} for the company's jobs (or just `job_ids`), from the kept counts."""
    _company_id(actor)
    return kept_counts.by_job(actor, job_ids)


def stage_totals(actor: User) -> dict[str, int]:
    """{stage: count} over all of the company's jobs (every stage, zeros included)."""
    _company_id(actor)
    return kept_counts.for_company(actor)


HOME_JOBS = 20  # the dashboard home lists the newest open and draft jobs; the jobs page lists them all


def home_jobs(actor: User, limit: int = HOME_JOBS) -> list[Job]:
    """The company's newest open and draft jobs: a page of them, whatever the company's size."""
    company_id = _company_id(actor)
    stmt = (
        select(Job)
        .where(Job.company_id == company_id, Job.status.in_((JobStatus.OPEN.value, JobStatus.DRAFT.value)))
        .order_by(Job.id.desc())
        .limit(inline_limit(limit))
    )
    return list(db.session.scalars(stmt))


def job_status_counts(actor: User) -> dict[str, int]:
    """{status: number of jobs} for the company."""
    company_id = _company_id(actor)
    rows = db.session.execute(
        select(Job.status, func.count(Job.id)).where(Job.company_id == company_id).group_by(Job.status)
    )
    return {status: count for status, count in rows}


@dataclass(frozen=True)
class Column:
    stage: str
    count: int
    page: Page[Application]


@dataclass(frozen=True)
class Pipeline:
    job: Job
    counts: dict[str, int]
    columns: list[Column]
    stage: str | None  # the stage filter, if any
    flagged: bool = False  # only applications a knockout rule flagged

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def pipeline(
    actor: User, job_id: int, *, stage: str | None = None, cursor: str | None = None, flagged: bool = False
) -> Pipeline:
    """A job's board: a column per stage, newest cards first, each column paged by its own cursor.

    Without `stage` every column shows its first cards; with `stage` only that
    column, a longer page, continued from `cursor`. With `flagged`, only the
    applications a knockout rule flagged, and their counts.
    """
    job = company_job(actor, job_id)
    keys = list(workflow.for_job(job).keys)
    check = Checker()
    if stage:
        check.choice("stage", stage, keys)
    elif cursor:
        check.add("cursor", "A cursor belongs to one stage; pass the stage too.")
    check.raise_if_any()
    counts = questions.flagged_counts(job.id) if flagged else stage_counts(actor, [job.id]).get(job.id, {})
    stages = [stage] if stage else keys
    size = STAGE_PAGE_SIZE if stage else BOARD_COLUMN_SIZE
    if stage:
        pages = {
            stage: list_applications(actor, job_id=job.id, stage=stage, flagged=flagged, limit=size, cursor=cursor)
        }
    else:  # every column's first cards in one statement, skipping the empty ones
        pages = newest_by_stage(actor, job.id, [name for name in stages if counts.get(name)], size, flagged=flagged)
    empty = Page(items=[], next_cursor=None, limit=size)
    columns = [Column(stage=name, count=counts.get(name, 0), page=pages.get(name, empty)) for name in stages]
    return Pipeline(job=job, counts=counts, columns=columns, stage=stage or None, flagged=flagged)


@dataclass(frozen=True)
class Activity:
    id: int
    application_id: int
    candidate_name: str
    job_id: int
    job_title: str
    from_stage: str | None
    to_stage: str
    actor_name: str | None
    created_at: datetime


def recent_activity(actor: User, limit: int = 15) -> list[Activity]:
    """The company's latest stage changes (applications included), newest first."""
    company_id = _company_id(actor)
    if limit < 1 or limit > 100:
        raise ValidationFailed("The limit is out of range.", errors={"limit": ["Must be between 1 and 100."]})
    # Just the columns shown, over five tables: loading the rows as objects joined nine
    # (each object's eager relations) and cost PostgreSQL 6 ms to plan.
    mover = aliased(User)
    stmt = (
        select(
            StageChange.id,
            StageChange.application_id,
            Candidate.full_name,
            Application.job_id,
            Job.title,
            StageChange.from_stage,
            StageChange.to_stage,
            mover.full_name,
            StageChange.created_at,
        )
        .join(Application, Application.id == StageChange.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .outerjoin(mover, mover.id == StageChange.actor_id)
        .where(StageChange.company_id == company_id)
        .order_by(StageChange.id.desc())
        .limit(inline_limit(limit))
    )
    return [Activity(*row) for row in db.session.execute(stmt)]
