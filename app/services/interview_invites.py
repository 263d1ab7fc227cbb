"""Interview invites: iCalendar REQUEST / CANCEL messages to the candidate and each interviewer.

The request writes one outbox row per person with a snapshot: the merge fields of the
email and, under `calendar`, the event (UID, SEQUENCE, times, attendees). The worker
renders the email and the .ics from it (app/mail/compose.py, app/mail/calendar.py).
The candidate's snapshot never holds the interviewers' notes; each interviewer's does.
Interviewers taken off an interview get a CANCEL of the same UID, naming only them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from app.extensions import db
from app.mail.calendar import CANCEL, REQUEST
from app.mail.outbox import add_messages
from app.models import Application, Interview, User
from app.models.base import utcnow

CANDIDATE_KIND = "interview_invite"
STAFF_KIND = "interview_invite_staff"
REMINDER_KIND = "interview_reminder"


def local_time(interview: Interview) -> dict[str, str]:
    """The interview's times as people read them, in its own zone: date, start, end, zone."""
    tz = ZoneInfo(interview.timezone)
    start, end = interview.starts_at.astimezone(tz), interview.ends_at.astimezone(tz)
    return {
        "date": f"{start:%A} {start.day} {start:%B %Y}",
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "zone": interview.timezone,
        "when": f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}-{end:%H:%M} ({interview.timezone})",
    }


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def event_snapshot(
    interview: Interview,
    method: str,
    *,
    summary: str,
    description: str,
    organizer_name: str,
    attendees: list[dict[str, str]],
    stamp: datetime,
) -> dict[str, Any]:
    """The event as JSON: what app/mail/calendar.py needs to write the VEVENT."""
    return {
        "method": method,
        "uid": interview.uid,
        "sequence": interview.sequence,
        "stamp": stamp.isoformat(),
        "starts_at": interview.starts_at.isoformat(),
        "ends_at": interview.ends_at.isoformat(),
        "timezone": interview.timezone,
        "summary": summary,
        "location": interview.location,
        "video_url": interview.video_url,
        "description": description,
        "organizer_name": organizer_name,
        "attendees": attendees,
        "cancelled": method == CANCEL,
    }


def _description(interview: Interview, lines: list[str]) -> str:
    parts = [line for line in lines if line]
    if interview.video_url:
        parts.append(f"Video call: {interview.video_url}")
    if interview.location:
        parts.append(f"Place: {interview.location}")
    return "\n".join(parts)


def announce(interview: Interview, method: str, *, dropped: list[int], reason: str = "") -> None:
    """Queue the invites of this change in the outbox (written in the caller's transaction).

    One INSERT for every message. The application (with its candidate, job and company:
    joined loads) and the interviewers were read by the change; only people dropped from
    the interview may cost a SELECT.
    """
    application = db.session.get(Application, interview.application_id)
    candidate, job = application.candidate, application.job
    company_name = job.company.name
    from app.services.interviews import people

    # Everyone this change names, in one SELECT at most (the change has usually read them already).
    users = people([*interview.interviewer_ids, interview.organizer_id, *dropped])
    interviewers = [users[i] for i in interview.interviewer_ids if i in users]
    organizer = users.get(interview.organizer_id)
    organizer_name = organizer.full_name if organizer else company_name
    stamp = utcnow()
    times = local_time(interview)
    attendees = [{"email": u.email, "name": u.full_name, "role": "REQ-PARTICIPANT"} for u in interviewers]
    if candidate.email:
        attendees.insert(0, {"email": candidate.email, "name": candidate.full_name, "role": "REQ-PARTICIPANT"})
    common = {
        "method": method,
        "title": interview.title,
        "candidate_name": candidate.full_name,
        "job_title": job.title,
        "company_name": company_name,
        "organizer_name": organizer_name,
        "location": interview.location,
        "video_url": interview.video_url,
        "reason": reason,
        "interviewer_names": [u.full_name for u in interviewers],
        "updated": interview.sequence > 0 and method == REQUEST,
        **times,
    }
    summary_candidate = f"{interview.title} - {company_name}"
    summary_staff = f"{interview.title}: {candidate.full_name} ({job.title})"
    verb = "Cancelled" if method == CANCEL else ("Updated" if common["updated"] else "Invitation")
    messages: list[dict] = []
    if candidate.email:
        messages.append(
            {
                "kind": CANDIDATE_KIND,
                "to_address": candidate.email,
                "to_name": candidate.full_name,
                "company_id": interview.company_id,
                "application_id": application.id,
                "template": CANDIDATE_KIND,
                "subject": f"{verb}: {{title}} with {{company_name}}, {{date}} {{start}}",
                "context": common
                | {
                    "calendar": event_snapshot(
                        interview,
                        method,
                        summary=summary_candidate,
                        description=_description(interview, [f"{interview.title} for {job.title} at {company_name}"]),
                        organizer_name=organizer_name,
                        attendees=attendees,
                        stamp=stamp,
                    )
                },
            }
        )
    link = f"{_base_url()}/dashboard/applications/{application.id}"
    staff_description = _description(
        interview, [f"{interview.title} with {candidate.full_name} for {job.title}", link, interview.notes]
    )
    for user in interviewers:
        messages.append(_staff_message(interview, user, method, common, link, summary_staff, verb, stamp, attendees))
        messages[-1]["context"]["calendar"]["description"] = staff_description
    if dropped:
        removed = [users[i] for i in dropped if i in users]
        for user in removed:
            mine = [{"email": user.email, "name": user.full_name, "role": "REQ-PARTICIPANT"}]
            off = common | {"reason": "You are no longer an interviewer on this interview.", "updated": False}
            messages.append(_staff_message(interview, user, CANCEL, off, link, summary_staff, "Cancelled", stamp, mine))
    add_messages(messages)


def _staff_message(
    interview: Interview,
    user: User,
    method: str,
    common: dict,
    link: str,
    summary: str,
    verb: str,
    stamp: datetime,
    attendees: list[dict],
) -> dict:
    return {
        "kind": STAFF_KIND,
        "to_address": user.email,
        "to_name": user.full_name,
        "company_id": interview.company_id,
        "application_id": interview.application_id,
        "template": STAFF_KIND,
        "subject": f"{verb}: {{title}} with {{candidate_name}}, {{date}} {{start}}",
        "context": common
        | {
            "method": method,
            "staff_name": user.full_name,
            "link": link,
            "notes_lines": interview.notes.splitlines() if method == REQUEST else [],
            "calendar": event_snapshot(
                interview,
                method,
                summary=summary,
                description="",
                organizer_name=common["organizer_name"],
                attendees=attendees,
                stamp=stamp,
            ),
        },
    }


def reminder_message(interview: Interview, user: User, application: Application) -> dict:
    """The reminder before an interview, to one interviewer (no calendar part: the invite has it)."""
    link = f"{_base_url()}/dashboard/applications/{application.id}"
    return {
        "kind": REMINDER_KIND,
        "to_address": user.email,
        "to_name": user.full_name,
        "company_id": interview.company_id,
        "application_id": application.id,
        "template": REMINDER_KIND,
        "subject": "Reminder: {title} with {candidate_name}, {date} {start}",
        "context": {
            "title": interview.title,
            "staff_name": user.full_name,
            "candidate_name": application.candidate.full_name,
            "job_title": application.job.title,
            "location": interview.location,
            "video_url": interview.video_url,
            "link": link,
            "notes_lines": interview.notes.splitlines(),
            **local_time(interview),
        },
    }
