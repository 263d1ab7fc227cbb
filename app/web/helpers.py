"""Template filters and globals shared by the web pages."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, g
from flask_login import current_user

from app import workflow
from app.models import Job
from app.services import mentions
from app.services.notifications import UNREAD_SHOWN_MAX

EMPLOYMENT_LABELS = {
    "full_time": "Full time",
    "part_time": "Part time",
    "contract": "Contract",
    "internship": "Internship",
    "temporary": "Temporary",
}
ROLE_LABELS = {
    "candidate": "Candidate",
    "recruiter": "Recruiter",
    "hiring_manager": "Hiring manager",
    "admin": "Admin",
    "compliance": "Compliance (equal-opportunity report only)",
}
JOB_STATUS_LABELS = {"draft": "Draft", "open": "Open", "closed": "Closed"}
SOURCE_LABELS = {
    "careers_page": "Careers page",
    "job_board": "Job board",
    "referral": "Referral",
    "sourced": "Sourced",
    "agency": "Agency",
    "event": "Event",
    "api": "API",
    "import": "Import",
    "other": "Other",
}
# Bootstrap colour per stage, used for badges and board column accents.
STAGE_TONES = {
    "applied": "secondary",
    "screening": "info",
    "interview": "primary",
    "offer": "warning",
    "hired": "success",
    "rejected": "danger",
    "withdrawn": "dark",
}
JOB_STATUS_TONES = {"draft": "secondary", "open": "success", "closed": "dark"}


def stage_label(stage: str | None, job: Job | None = None, public: bool = False) -> str:
    """The stage's name in `job`'s pipeline (as the candidate sees it when `public`)."""
    if job is not None:
        pipeline = workflow.for_job(job)
        return pipeline.public_label(stage or "") if public else pipeline.label(stage or "")
    return workflow.CATEGORY_LABELS.get(stage or "", (stage or "").replace("_", " ").capitalize())


def stage_tone(stage: str | None, job: Job | None = None) -> str:
    """The colour of the stage's category."""
    category = workflow.for_job(job).category(stage or "") if job is not None else stage
    return STAGE_TONES.get(category or "", "secondary")


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else ""


def format_date(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def salary_range(job: Job) -> str:
    low, high, currency = job.salary_min, job.salary_max, job.salary_currency or ""
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        text = f"{low:,} to {high:,}" if low != high else f"{low:,}"
    elif low is not None:
        text = f"from {low:,}"
    else:
        text = f"up to {high:,}"
    return f"{currency} {text}".strip()


def web_link(url: str | None) -> str | None:
    """An http(s) URL fit for an href; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def show_mail_link() -> bool:
    """The outbox page exists (the mail package registers it) and the user may use it."""
    from app.mail.service import can_see_mail

    return "mail_admin.outbox" in current_app.view_functions and can_see_mail(current_user)


def unread_notifications() -> str:
    """The signed-in member's unread count for the navigation, read with the user (no query): "" when none."""
    count = g.get("unread_notifications") or 0
    return "" if not count else ("99+" if count > UNREAD_SHOWN_MAX else str(count))


def init_templates(app: Flask) -> None:
    app.jinja_env.filters.update(
        stage_label=stage_label,
        datetime=format_datetime,
        date=format_date,
        salary=salary_range,
        web_link=web_link,
        employment_label=lambda value: EMPLOYMENT_LABELS.get(value, value),
        role_label=lambda value: ROLE_LABELS.get(value, value),
        job_status_label=lambda value: JOB_STATUS_LABELS.get(value, value),
        source_label=lambda value: SOURCE_LABELS.get(value, value),
        stage_tone=stage_tone,
        job_status_tone=lambda value: JOB_STATUS_TONES.get(value, "secondary"),
    )
    app.jinja_env.filters["mentions"] = mentions.render
    app.jinja_env.globals.update(
        show_mail_link=show_mail_link, pipeline_of=workflow.for_job, unread_notifications=unread_notifications
    )
