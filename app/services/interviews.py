"""Interviews on applications: schedule, reschedule, cancel; who may see and change them.

Recruiters and admins schedule; any staff member of the company may be an interviewer (hiring managers
included). Times arrive as ISO 8601 with an offset, or without one and read in the given IANA time zone;
they are stored in UTC. Every change that interviewers and the candidate must learn about raises the
interview's `sequence` and is announced (`interview_invites.announce`) in the same transaction.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import literal, select, tuple_

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Interview, InterviewInterviewer, InterviewKind, InterviewStatus, User
from app.models.base import UTCDateTime, utcnow
from app.services.access import EDITORS, is_member, require_member, require_role, require_user
from app.services.pagination import MAX_ID, Page, clamp_limit
from app.services.validation import Checker
from app.workflow import FINAL_STAGES

MAX_INTERVIEWERS = 20
MAX_LENGTH_HOURS = 12
UNSET = object()


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    timezone: str


def zone(name: str) -> ZoneInfo | None:
    """The IANA zone of that name, None when there is no such zone."""
    if not isinstance(name, str) or not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_time(check: Checker, field: str, value, tz: ZoneInfo | None) -> datetime | None:
    """ISO 8601 text (or a datetime) -> aware UTC; without an offset it is read in `tz`."""
    if value is None or value == "":
        check.add(field, "This field is required.")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            check.add(field, "Must be a date and time like 2027-03-01T14:30 (ISO 8601).")
            return None
    if not isinstance(value, datetime):
        check.add(field, "Must be a date and time like 2027-03-01T14:30 (ISO 8601).")
        return None
    if value.tzinfo is None:
        if tz is None:
            return None  # the time zone's own error says why
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def check_slot(check: Checker, starts_at, ends_at, timezone, *, duration_minutes: int | None = None) -> Slot | None:
    """Start and end (or a duration) in a real time zone; end after start, at most MAX_LENGTH_HOURS long."""
    tz = zone(timezone or "")
    if tz is None:
        check.add("timezone", "Not a time zone we know: use an IANA name such as Europe/Paris or America/New_York.")
    start = parse_time(check, "starts_at", starts_at, tz)
    if ends_at in (None, "") and duration_minutes:
        end = start + timedelta(minutes=duration_minutes) if start else None
    else:
        end = parse_time(check, "ends_at", ends_at, tz)
    if start and end:
        if end <= start:
            check.add("ends_at", "Must be after the start.")
        elif end - start > timedelta(hours=MAX_LENGTH_HOURS):
            check.add("ends_at", f"An interview lasts at most {MAX_LENGTH_HOURS} hours.")
    if tz is None or start is None or end is None:
        return None
    return Slot(start, end, timezone)


def check_interviewers(check: Checker, company_id: int, ids, *, field: str = "interviewer_ids") -> list[User]:
    """Active staff of the company, each once; anyone else is named in the error (not who they are)."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        check.add(field, "Must be a list of user ids.")
        return []
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_INTERVIEWERS:
        check.add(field, f"At most {MAX_INTERVIEWERS} interviewers.")
        return []
    if not ids:
        return []
    users = db.session.scalars(
        select(User).where(User.id.in_(ids), User.company_id == company_id, User.active.is_(True))
    ).all()
    found = {u.id for u in users}
    unknown = [i for i in ids if i not in found]
    if unknown:
        check.add(field, f"Not an active member of this company: {', '.join(map(str, unknown))}.")
    return [u for u in users if u.is_staff]


def get_interview(actor: User, interview_id: int) -> Interview:
    """Staff of the interview's company; anyone else: not found."""
    actor = require_user(actor)
    interview = db.session.get(Interview, interview_id)
    if interview is None or not is_member(actor, interview.company_id):
        raise NotFound("That interview was not found.")
    return interview


def is_interviewer(actor: User, interview: Interview) -> bool:
    return actor.id in interview.interviewer_ids


def list_for_application(actor: User, application: Application) -> list[Interview]:
    """The application's interviews, soonest first (staff of its company)."""
    require_member(actor, application.company_id, what="That application")
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.application_id == application.id)
            .order_by(Interview.starts_at, Interview.id)
        )
    )


def _application_for_scheduling(actor: User, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("That application was not found.")
    require_member(actor, application.company_id, what="That application")
    require_role(actor, *EDITORS, action="schedule interviews")
    if application.stage in FINAL_STAGES or application.stage_category in FINAL_STAGES:
        raise Conflict("This application is closed: interviews can no longer be scheduled.")
    return application


def _kind(check: Checker, application: Application, kind_id) -> InterviewKind | None:
    if kind_id is None:
        return None
    kind = db.session.get(InterviewKind, kind_id) if isinstance(kind_id, int) else None
    if kind is None or kind.job_id != application.job_id:
        check.add("kind_id", "Not a step of this job's interview plan.")
        return None
    return kind


def _reminders(interview: Interview) -> None:
    """Due times of the reminder before and the feedback reminder after (config minutes; 0 turns one off)."""
    before = current_app.config.get("INTERVIEW_REMINDER_MINUTES", 24 * 60)
    after = current_app.config.get("FEEDBACK_REMINDER_MINUTES", 24 * 60)
    remind = interview.starts_at - timedelta(minutes=before)
    interview.reminder_due_at = remind if before and remind > utcnow() else None
    interview.feedback_due_at = interview.ends_at + timedelta(minutes=after) if after else None


def new_uid() -> str:
    host = current_app.config.get("BASE_URL", "http://localhost").split("//", 1)[-1].split("/", 1)[0]
    return f"interview-{uuid.uuid4().hex}@{host.split(':', 1)[0] or 'localhost'}"


def schedule(
    actor: User,
    application_id: int,
    *,
    starts_at,
    timezone,
    ends_at=None,
    title=None,
    kind_id=None,
    interviewer_ids=None,
    location=None,
    video_url=None,
    notes=None,
) -> Interview:
    """A new interview on the application; the kind (a step of the job's plan) fills what is not given."""
    actor = require_user(actor)
    application = _application_for_scheduling(actor, application_id)
    check = Checker()
    kind = _kind(check, application, kind_id)
    slot = check_slot(check, starts_at, ends_at, timezone, duration_minutes=kind.duration_minutes if kind else None)
    title = check.line("title", title if title is not None else (kind.name if kind else None), required=True)
    if interviewer_ids is None and kind is not None:
        interviewer_ids = list(kind.default_interviewer_ids or [])
    interviewers = check_interviewers(check, application.company_id, interviewer_ids)
    if not interviewers and "interviewer_ids" not in check.errors:
        check.add("interviewer_ids", "Name at least one interviewer.")
    location = check.line(
        "location", location if location is not None else (kind.location if kind else ""), max_len=300
    )
    video_url = _video_url(check, video_url if video_url is not None else (kind.video_url if kind else ""))
    notes = check.text("notes", notes if notes is not None else "", max_len=10000)
    check.raise_if_any("The interview could not be scheduled.")
    interview = Interview(
        company_id=application.company_id,
        application_id=application.id,
        kind_id=kind.id if kind else None,
        title=title,
        status=InterviewStatus.SCHEDULED.value,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        timezone=slot.timezone,
        location=location or "",
        video_url=video_url or "",
        notes=notes or "",
        scorecard=list(kind.scorecard or []) if kind else [],
        uid=new_uid(),
        sequence=0,
        organizer_id=actor.id,
        created_by_id=actor.id,
    )
    interview.interviewers = [InterviewInterviewer(user_id=u.id) for u in interviewers]
    _reminders(interview)
    db.session.add(interview)
    db.session.flush()
    _announce(interview, "REQUEST", dropped=[])
    return interview


def _video_url(check: Checker, value) -> str | None:
    value = check.line("video_url", value, max_len=500)
    if value and not value.lower().startswith(("https://", "http://")):
        check.add("video_url", "Must be a web address starting with https://.")
    return value


def reschedule(actor: User, interview_id: int, changes: dict, *, version: int | None = None) -> Interview:
    """Change time, place, interviewers, title or notes; anything an invite shows raises the sequence."""
    actor = require_user(actor)
    interview = get_interview(actor, interview_id)
    require_role(actor, *EDITORS, action="change interviews")
    if interview.status != InterviewStatus.SCHEDULED:
        raise Conflict("This interview was cancelled: schedule a new one.")
    if version is not None and version != interview.version:
        raise Conflict("This interview was changed by someone else: reload it and try again.")
    check = Checker()
    if {"starts_at", "ends_at", "timezone"} & changes.keys():
        # A new start without an end keeps the interview's length.
        keep_length = "starts_at" in changes and "ends_at" not in changes
        length = int((interview.ends_at - interview.starts_at).total_seconds() // 60)
        slot = check_slot(
            check,
            changes.get("starts_at", interview.starts_at),
            None if keep_length else changes.get("ends_at", interview.ends_at),
            changes.get("timezone", interview.timezone),
            duration_minutes=length if keep_length else None,
        )
    else:
        slot = None
    title = check.line("title", changes["title"], required=True) if "title" in changes else interview.title
    before_ids = interview.interviewer_ids
    interviewers = None
    if "interviewer_ids" in changes:
        interviewers = check_interviewers(check, interview.company_id, changes["interviewer_ids"])
        if not interviewers and "interviewer_ids" not in check.errors:
            check.add("interviewer_ids", "Name at least one interviewer.")
    location = check.line("location", changes["location"], max_len=300) if "location" in changes else UNSET
    video_url = _video_url(check, changes["video_url"]) if "video_url" in changes else UNSET
    notes = check.text("notes", changes["notes"], max_len=10000) if "notes" in changes else UNSET
    check.raise_if_any("The interview could not be changed.")

    announced = False
    if slot and (slot.starts_at, slot.ends_at, slot.timezone) != (
        interview.starts_at,
        interview.ends_at,
        interview.timezone,
    ):
        interview.starts_at, interview.ends_at, interview.timezone = slot.starts_at, slot.ends_at, slot.timezone
        _reminders(interview)
        announced = True
    if title != interview.title:
        interview.title, announced = title, True
    if location is not UNSET and (location or "") != interview.location:
        interview.location, announced = location or "", True
    if video_url is not UNSET and (video_url or "") != interview.video_url:
        interview.video_url, announced = video_url or "", True
    if notes is not UNSET:
        interview.notes = notes or ""
    dropped: list[int] = []
    if interviewers is not None and [u.id for u in interviewers] != before_ids:
        keep = {u.id for u in interviewers}
        dropped = [i for i in before_ids if i not in keep]
        interview.interviewers = [InterviewInterviewer(user_id=u.id) for u in interviewers]
        announced = True
    interview.version += 1
    if announced:
        interview.sequence += 1
    db.session.flush()
    if announced:
        _announce(interview, "REQUEST", dropped=dropped)
    return interview


def cancel(actor: User, interview_id: int, *, reason: str | None = None) -> Interview:
    """Cancelled, never deleted: the invite's CANCEL goes to everyone who had it."""
    actor = require_user(actor)
    interview = get_interview(actor, interview_id)
    require_role(actor, *EDITORS, action="cancel interviews")
    if interview.status == InterviewStatus.CANCELLED:
        raise Conflict("This interview is already cancelled.")
    check = Checker()
    reason = check.text("reason", reason, max_len=2000)
    check.raise_if_any("The interview could not be cancelled.")
    interview.status = InterviewStatus.CANCELLED.value
    interview.cancelled_at = utcnow()
    interview.reminder_due_at = None
    interview.feedback_due_at = None
    interview.sequence += 1
    interview.version += 1
    db.session.flush()
    _announce(interview, "CANCEL", dropped=[], reason=reason or "")
    return interview


def _announce(interview: Interview, method: str, *, dropped: list[int], reason: str = "") -> None:
    """Invites (REQUEST) or cancellations (CANCEL) to the candidate and every interviewer, via the outbox;
    interviewers taken off the interview get a CANCEL of their own."""
    from app.services import interview_invites
    from app.webhooks import catalog
    from app.webhooks.record import NewEvent, record

    interview_invites.announce(interview, method, dropped=dropped, reason=reason)
    if method == "CANCEL":
        event_type = "interview.cancelled"
    else:
        event_type = "interview.scheduled" if interview.sequence == 0 else "interview.rescheduled"
    record([NewEvent(interview.company_id, event_type, catalog.INTERVIEW, interview.id, event_payload(interview))])


def event_payload(interview: Interview) -> dict:
    """The interview as webhooks carry it: the API's shape without the interviewers' notes."""
    from app.api.render_interviews import interview_out

    return interview_out(interview, people(interview.interviewer_ids), notes=False)


def people(ids) -> dict[int, User]:
    """Users by id: from the session when already loaded (the change read them), else one SELECT."""
    session = db.session()
    # The session's identity map holds objects weakly: the ones read here are kept for the session's
    # life, so the invites, the event and the response of one change share one SELECT.
    kept: dict[int, User] = session.info.setdefault("interview_people", {})
    ids = {i for i in ids if i}
    found = {}
    for user_id in ids:
        user = kept.get(user_id) or session.identity_map.get(session.identity_key(User, user_id))
        if user is not None and user in session:
            found[user_id] = user
    missing = ids - found.keys()
    if missing:
        found |= {u.id: u for u in session.scalars(select(User).where(User.id.in_(missing)))}
    kept.update(found)
    return found


def sees_notes(actor: User) -> bool:
    """Interviewers' notes are for the company's staff; never for candidates or their views."""
    return actor is not None and actor.is_staff


def upcoming_for(actor: User, *, limit: int | None = None, cursor: str | None = None) -> Page[Interview]:
    """The caller's interviews as interviewer that have not ended yet, soonest first (keyset on start, id)."""
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    limit = clamp_limit(limit)
    after = _decode(cursor)
    stmt = (
        select(Interview)
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .where(
            InterviewInterviewer.user_id == actor.id,
            Interview.company_id == actor.company_id,
            Interview.status == InterviewStatus.SCHEDULED.value,
            Interview.ends_at >= utcnow(),
        )
        .order_by(Interview.starts_at, Interview.id)
        .limit(limit + 1)
    )
    if after is not None:
        stmt = stmt.where(tuple_(Interview.starts_at, Interview.id) > tuple_(literal(after[0], UTCDateTime), after[1]))
    rows = list(db.session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _encode(rows[-1]) if more and rows else None, limit)


def _encode(interview: Interview) -> str:
    raw = f"{interview.starts_at.isoformat()}|{interview.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _, ident = raw.partition("|")
        at = datetime.fromisoformat(when)
        if at.tzinfo is None or not ident.isdigit() or int(ident) > MAX_ID:
            raise ValueError
        return at.astimezone(UTC), int(ident)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationFailed("The cursor is not valid.", errors={"cursor": ["Not a valid cursor."]}) from None


def company_staff(actor: User) -> list[User]:
    """The active staff of the caller's company, by name: who can be an interviewer."""
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    users = db.session.scalars(
        select(User)
        .where(User.company_id == actor.company_id, User.active.is_(True))
        .order_by(User.full_name, User.id)
        .limit(500)
    )
    return [u for u in users if u.is_staff]


@dataclass(frozen=True)
class CandidateInterview:
    """What the candidate sees of an interview: never the notes, nor who interviews."""

    title: str
    date: str
    start: str
    end: str
    zone: str
    location: str
    video_url: str


def upcoming_for_candidate(application: Application) -> list[CandidateInterview]:
    """The application's scheduled interviews that have not ended (one SELECT of the shown columns).

    The caller has already checked that the viewer holds the application (its status link or account).
    """
    rows = db.session.execute(
        select(
            Interview.title,
            Interview.starts_at,
            Interview.ends_at,
            Interview.timezone,
            Interview.location,
            Interview.video_url,
        )
        .where(
            Interview.application_id == application.id,
            Interview.status == InterviewStatus.SCHEDULED.value,
            Interview.ends_at >= utcnow(),
        )
        .order_by(Interview.starts_at, Interview.id)
        .limit(20)
    ).all()
    shown = []
    for row in rows:
        tz = zone(row.timezone) or ZoneInfo("UTC")
        start, end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
        shown.append(
            CandidateInterview(
                title=row.title,
                date=f"{start:%A} {start.day} {start:%B %Y}",
                start=f"{start:%H:%M}",
                end=f"{end:%H:%M}",
                zone=row.timezone,
                location=row.location,
                video_url=row.video_url,
            )
        )
    return shown
