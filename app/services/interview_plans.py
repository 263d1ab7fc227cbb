"""A job's interview plan: its ordered steps (interview kinds) and each step's scorecard.

Staff of the job's company read the plan; recruiters and admins replace it as a whole
(the steps in their order: a step with an `id` is that step kept and changed, one
without is new, a step left out is removed; interviews already scheduled keep their
copy of the scorecard).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from app import workflow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import InterviewKind, Job, User
from app.services.access import EDITORS, is_member, require_role, require_user
from app.services.interviews import MAX_INTERVIEWERS
from app.services.validation import Checker

MAX_STEPS = 20
MAX_GROUPS = 10
MAX_ATTRIBUTES = 30
NAME_MAX = 100
ATTRIBUTE_MAX = 120
STEP_FIELDS = frozenset(
    {"id", "name", "stage", "duration_minutes", "location", "video_url", "default_interviewer_ids", "scorecard"}
)


def _job(actor: User, job_id: int) -> Job:
    actor = require_user(actor)
    job = db.session.get(Job, job_id)
    if job is None or not is_member(actor, job.company_id):
        raise NotFound("That job was not found.")
    return job


def plan_of(job_id: int) -> list[InterviewKind]:
    return list(
        db.session.scalars(
            select(InterviewKind)
            .where(InterviewKind.job_id == job_id)
            .order_by(InterviewKind.position, InterviewKind.id)
        )
    )


def get_plan(actor: User, job_id: int) -> tuple[Job, list[InterviewKind]]:
    job = _job(actor, job_id)
    return job, plan_of(job.id)


def check_scorecard(check: Checker, field: str, value) -> list[dict]:
    """Groups `{"name", "attributes": [...]}`: names given and unique, 1..30 short one-line attributes each."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_GROUPS:
        check.add(field, f"Must be a list of at most {MAX_GROUPS} groups.")
        return []
    groups, seen = [], set()
    for index, group in enumerate(value):
        where = f"{field}[{index}]"
        if not isinstance(group, dict) or set(group) - {"name", "attributes"}:
            check.add(where, 'Must be {"name": ..., "attributes": [...]}.')
            continue
        name = check.line(f"{where}.name", group.get("name"), required=True, max_len=NAME_MAX)
        if name and name.lower() in seen:
            check.add(f"{where}.name", "Group names must be unique.")
        seen.add((name or "").lower())
        attributes = group.get("attributes")
        if not isinstance(attributes, list) or not 1 <= len(attributes) <= MAX_ATTRIBUTES:
            check.add(f"{where}.attributes", f"Must list 1 to {MAX_ATTRIBUTES} attributes.")
            continue
        clean: list[str] = []
        for attribute in attributes:
            text = check.line(f"{where}.attributes", attribute, required=True, max_len=ATTRIBUTE_MAX)
            if text and text.lower() in {a.lower() for a in clean}:
                check.add(f"{where}.attributes", f"Listed twice: {text}.")
            elif text:
                clean.append(text)
        groups.append({"name": name or "", "attributes": clean})
    return groups


def _staff(job: Job, steps) -> set[int]:
    """The active staff of the company among every step's default interviewers (one SELECT for all)."""
    ids = {
        i
        for step in steps
        if isinstance(step, dict) and isinstance(step.get("default_interviewer_ids"), list)
        for i in step["default_interviewer_ids"]
        if isinstance(i, int) and not isinstance(i, bool)
    }
    if not ids:
        return set()
    users = db.session.scalars(
        select(User).where(User.id.in_(ids), User.company_id == job.company_id, User.active.is_(True))
    )
    return {u.id for u in users if u.is_staff}


def _people(check: Checker, field: str, value, staff: set[int]) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        check.add(field, "Must be a list of user ids.")
        return []
    ids = list(dict.fromkeys(value))
    unknown = [i for i in ids if i not in staff]
    if unknown:
        check.add(field, f"Not an active member of this company: {', '.join(map(str, unknown))}.")
    if len(ids) > MAX_INTERVIEWERS:
        check.add(field, f"At most {MAX_INTERVIEWERS} interviewers.")
    return ids


def _step(check: Checker, index: int, step, stages: set[str], staff: set[int]) -> dict | None:
    where = f"steps[{index}]"
    if not isinstance(step, dict):
        check.add(where, "Must be an object.")
        return None
    for name in sorted(set(step) - STEP_FIELDS):
        check.add(f"{where}.{name}", "Unknown field.")
    clean = {
        "id": step.get("id"),
        "name": check.line(f"{where}.name", step.get("name"), required=True, max_len=NAME_MAX),
        "location": check.line(f"{where}.location", step.get("location") or "", max_len=300) or "",
        "video_url": check.line(f"{where}.video_url", step.get("video_url") or "", max_len=500) or "",
        "scorecard": check_scorecard(check, f"{where}.scorecard", step.get("scorecard")),
    }
    if clean["video_url"] and not clean["video_url"].lower().startswith(("https://", "http://")):
        check.add(f"{where}.video_url", "Must be a web address starting with https://.")
    stage = step.get("stage")
    if stage is not None and stage not in stages:
        check.add(f"{where}.stage", "Not a stage of this job's pipeline.")
    clean["stage"] = stage
    duration = step.get("duration_minutes", 60)
    if not isinstance(duration, int) or isinstance(duration, bool) or not 5 <= duration <= 720:
        check.add(f"{where}.duration_minutes", "Must be a whole number of minutes from 5 to 720.")
    clean["duration_minutes"] = duration
    clean["default_interviewer_ids"] = _people(
        check, f"{where}.default_interviewer_ids", step.get("default_interviewer_ids"), staff
    )
    return clean


def set_plan(actor: User, job_id: int, steps) -> tuple[Job, list[InterviewKind]]:
    """Replace the job's plan by `steps` (in order); see the module's docstring."""
    job = _job(actor, job_id)
    require_role(actor, *EDITORS, action="edit interview plans")
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise ValidationFailed("The plan could not be saved.", errors={"steps": [f"At most {MAX_STEPS} steps."]})
    existing = {kind.id: kind for kind in plan_of(job.id)}
    stages = set(workflow.for_job(job).active_keys)
    check = Checker()
    staff = _staff(job, steps)
    cleaned = [_step(check, index, step, stages, staff) for index, step in enumerate(steps)]
    names = [c["name"].lower() for c in cleaned if c and c["name"]]
    if len(names) != len(set(names)):
        check.add("steps", "Step names must be unique.")
    for index, clean in enumerate(cleaned):
        if clean and clean["id"] is not None and clean["id"] not in existing:
            check.add(f"steps[{index}].id", "Not a step of this job's plan.")
    check.raise_if_any("The plan could not be saved.")
    kept: list[InterviewKind] = []
    for position, clean in enumerate(cleaned):
        kind = existing.pop(clean["id"], None) if clean["id"] is not None else None
        if kind is None:
            kind = InterviewKind(company_id=job.company_id, job_id=job.id)
            db.session.add(kind)
        kind.position = position
        for field in STEP_FIELDS - {"id"}:
            setattr(kind, field, clean[field])
        kept.append(kind)
    db.session.flush()
    # The steps left out: one DELETE whatever their number (none is still one statement).
    db.session.execute(
        delete(InterviewKind)
        .where(InterviewKind.job_id == job.id, InterviewKind.id.not_in([k.id for k in kept] or [0]))
        .execution_options(synchronize_session=False)
    )
    for gone in existing.values():
        db.session.expunge(gone)
    return job, kept
