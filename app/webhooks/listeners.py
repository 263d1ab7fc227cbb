"""Signal receivers: each domain event writes its event row (and deliveries) in the change's transaction.

The payload is the object as the API renders it (app/api/render.py), as it is now.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import signals
from app.extensions import db
from app.models import Application, Candidate, Job, StageChange
from app.webhooks import catalog
from app.webhooks.record import NewEvent, record


def application_event(application: Application, event_type: str) -> NewEvent:
    from app.api.render import application_out

    return NewEvent(
        application.company_id, event_type, catalog.APPLICATION, application.id, application_out(application)
    )


def candidate_event(candidate: Candidate, event_type: str) -> NewEvent:
    from app.api.render import candidate_details_out

    return NewEvent(candidate.company_id, event_type, catalog.CANDIDATE, candidate.id, candidate_details_out(candidate))


def job_event(job: Job, event_type: str) -> NewEvent:
    from app.api.render import job_out

    return NewEvent(job.company_id, event_type, catalog.JOB, job.id, job_out(job))


def stage_event(application: Application, change: StageChange) -> NewEvent:
    return application_event(application, catalog.stage_event_type(change.to_category or application.stage_category))


@signals.application_submitted.connect
def on_application_submitted(application: Application, *, new_candidate: bool = False, **_extra) -> None:
    """A person's first application also makes their record: both events go in the one INSERT."""
    events = [candidate_event(application.candidate, "candidate.created")] if new_candidate else []
    record([*events, application_event(application, "application.created")])


@signals.candidate_changed.connect
def on_candidate_changed(candidate: Candidate, **_extra) -> None:
    record([candidate_event(candidate, "candidate.updated")])


@signals.stage_changed.connect
def on_stage_changed(application: Application, *, change: StageChange, **_extra) -> None:
    record([stage_event(application, change)])


@signals.stage_undone.connect
def on_stage_undone(application: Application, *, change: StageChange, **_extra) -> None:
    record([application_event(application, "application.stage_changed")])


@signals.job_created.connect
def on_job_created(job: Job, **_extra) -> None:
    record([job_event(job, "job.created")])


@signals.job_updated.connect
def on_job_updated(job: Job, *, previous_status: str | None = None, **_extra) -> None:
    record([job_event(job, catalog.job_event_type(previous_status, job.status))])


@signals.jobs_closed.connect
def on_jobs_closed(_sender, *, job_ids: list[int], **_extra) -> None:
    jobs = db.session.scalars(select(Job).where(Job.id.in_(job_ids)).options(selectinload(Job.company)))
    record([job_event(job, "job.closed") for job in jobs])
