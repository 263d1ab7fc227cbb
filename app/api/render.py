"""Plain functions that turn list items and application details into JSON-ready dicts.

The marshmallow schemas stay the contract (the OpenAPI document and the
tests compare the two field by field); on the busiest lists these functions do
the dumping, at about a tenth of the cost of the generic field machinery.
"""

from __future__ import annotations

from datetime import datetime

from app import workflow
from app.models import Application, ApplicationAnswer, Candidate, Company, Job
from app.services.applications import HistoryEntry
from app.services.undo import UndoOffer


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def company_ref(company: Company) -> dict:
    return {"id": company.id, "name": company.name, "slug": company.slug}


def candidate_details_out(candidate: Candidate, *, iso: bool = True) -> dict:
    """CandidateDetailsOut: the person's record (the profile without its tags, pools and applications).

    `iso` false leaves the times as datetimes, for a response the schema dumps.
    """
    stamp = _iso if iso else (lambda value: value)
    return {
        "id": candidate.id,
        "full_name": candidate.full_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "location": candidate.location,
        "links": candidate.links or {},
        "source": candidate.source,
        "version": candidate.version,
        "created_at": stamp(candidate.created_at),
        "updated_at": stamp(candidate.updated_at),
    }


def job_out(job: Job, *, salary: bool = True) -> dict:
    """JobOut; with `salary` false (an unpublished salary, a caller outside the company) the salary is null."""
    return {
        "id": job.id,
        "company": company_ref(job.company),
        "title": job.title,
        "description": job.description,
        "location": job.location,
        "remote": job.remote,
        "employment_type": job.employment_type,
        "salary_min": job.salary_min if salary else None,
        "salary_max": job.salary_max if salary else None,
        "salary_currency": job.salary_currency if salary else None,
        "salary_visible": job.salary_visible,
        "department": job.department,
        "headcount": job.headcount,
        "closes_at": _iso(job.closes_at),
        "status": job.status,
        "created_at": _iso(job.created_at),
        "updated_at": _iso(job.updated_at),
        "opened_at": _iso(job.opened_at),
        "closed_at": _iso(job.closed_at),
    }


def resume_out(application: Application) -> dict | None:
    """ResumeOut, or None without a resume."""
    if not application.resume_key:
        return None
    return {
        "filename": application.resume_filename,
        "content_type": application.resume_content_type,
        "size": application.resume_size,
    }


def actor_ref(entry: HistoryEntry) -> dict | None:
    """Who made a stage change (UserRef), or None when nobody is recorded."""
    return {"id": entry.actor_id, "full_name": entry.actor_name} if entry.actor_id is not None else None


def stage_fields(application: Application, *, public: bool = False) -> dict:
    """The stage's key, name and category; `public`: as the candidate sees them (internal stages by category)."""
    pipeline = workflow.for_job(application.job)
    key = application.stage
    if public:
        return {"stage": pipeline.public_key(key), "stage_name": pipeline.public_label(key),
                "stage_category": pipeline.category(key)}  # fmt: skip
    return {"stage": key, "stage_name": pipeline.label(key), "stage_category": pipeline.category(key)}


def application_out(application: Application, *, public: bool = False) -> dict:
    """ApplicationOut; `public`: as the candidate sees it."""
    job = application.job
    candidate = application.candidate
    return {
        "id": application.id,
        "job": {"id": job.id, "title": job.title, "status": job.status, "company": company_ref(job.company)},
        "candidate": {"id": candidate.id, "full_name": candidate.full_name, "email": candidate.email},
        **stage_fields(application, public=public),
        "source": application.source,
        "version": application.version,
        "resume": resume_out(application),
        "created_at": _iso(application.created_at),
        "updated_at": _iso(application.updated_at),
    }


def origin_out(application: Application) -> dict:
    """OriginOut: the campaign and site the person came through, and who referred them."""
    return {
        "utm_source": application.utm_source,
        "utm_medium": application.utm_medium,
        "utm_campaign": application.utm_campaign,
        "referrer_host": application.referrer_host,
        "referrer_name": application.referrer_name,
    }


def history_out(entry: HistoryEntry) -> dict:
    """HistoryOut."""
    return {
        "id": entry.id,
        "from_stage": entry.from_stage,
        "to_stage": entry.to_stage,
        "actor": actor_ref(entry),
        "note": entry.note,
        "reason": entry.reason,
        "created_at": _iso(entry.created_at),
        "undo_of": entry.undo_of_id,
    }


def answer_out(answer: ApplicationAnswer, *, show_flag: bool) -> dict:
    """AnswerOut: the knockout flag only for the company's staff."""
    return {
        "question_id": answer.question_id,
        "label": answer.label,
        "kind": answer.kind,
        "value": answer.value,
        "flag": answer.flag if show_flag else None,
    }


def application_detail_out(
    application: Application,
    *,
    allowed_transitions: list[str],
    history: list[HistoryEntry],
    answers: list[ApplicationAnswer] = (),
    show_flags: bool = False,
    undo: UndoOffer | None = None,
) -> dict:
    """ApplicationDetailOut: the list item plus the cover letter, the answers, the caller's moves and the history.

    `show_flags` is true for the company's staff: anyone else sees the stage as the candidate does.
    """
    return {
        **application_out(application, public=not show_flags),
        "origin": origin_out(application),
        "cover_letter": application.cover_letter,
        "answers": [answer_out(answer, show_flag=show_flags) for answer in answers],
        "flagged": show_flags and any(answer.flag for answer in answers),
        "allowed_transitions": list(allowed_transitions),
        "history": [history_out(entry) for entry in history],
        "undo": {"change_id": undo.change_id, "until": _iso(undo.until)} if undo is not None else None,
    }
