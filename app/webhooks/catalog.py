"""The event types: what each one means and which object its `data` holds."""

from __future__ import annotations

APPLICATION = "application"
CANDIDATE = "candidate"
JOB = "job"
INTERVIEW = "interview"
OFFER = "offer"

# type -> (object type, description)
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "application.created": (APPLICATION, "Someone applied, or staff added a person to a job."),
    "application.stage_changed": (APPLICATION, "The application moved to another stage (an undo included)."),
    "application.rejected": (APPLICATION, "The application was rejected."),
    "application.withdrawn": (APPLICATION, "The person withdrew the application."),
    "candidate.created": (CANDIDATE, "A person became known to the company: their first application or addition."),
    "candidate.updated": (
        CANDIDATE,
        "Staff edited the person's details (name, email, phone, location, links, source).",
    ),
    "job.created": (JOB, "A job was created."),
    "job.updated": (JOB, "A job's fields changed (its status did not)."),
    "job.opened": (JOB, "A job was opened (published)."),
    "job.closed": (JOB, "A job was closed, by staff or on its closing date."),
    "interview.scheduled": (INTERVIEW, "An interview was scheduled on an application."),
    "interview.rescheduled": (INTERVIEW, "An interview's time, place, title or interviewers changed."),
    "interview.cancelled": (INTERVIEW, "An interview was cancelled."),
    "offer.accepted": (OFFER, "The candidate accepted an offer."),
    "offer.declined": (OFFER, "The candidate declined an offer."),
}
PING = "webhook.ping"  # sent by `POST /api/v1/webhooks/{id}/test`, to that endpoint only

TYPE_MAX = 50


def stage_event_type(to_category: str) -> str:
    """The one event a stage change writes: rejections and withdrawals have types of their own."""
    if to_category == "rejected":
        return "application.rejected"
    if to_category == "withdrawn":
        return "application.withdrawn"
    return "application.stage_changed"


def job_event_type(previous_status: str | None, status: str) -> str:
    if previous_status != status and status == "open":
        return "job.opened"
    if previous_status != status and status == "closed":
        return "job.closed"
    return "job.updated"


def stored(types: list[str]) -> str:
    """The endpoint's column: ",a,b," ("" for every type)."""
    return f",{','.join(sorted(set(types)))}," if types else ""
