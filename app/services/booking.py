"""Self-booking: recruiters offer interview times, the candidate picks one through a private link.

The link's token goes out once, by email; only its sha256 is kept (as for status
links), and the stored copy of the email loses the link once sent. A pick claims
the request with one conditional UPDATE (open -> booked), so among any number of
simultaneous picks exactly one wins; the winner's transaction then schedules the
interview through `interviews.schedule`, which sends the invites. Interviewers'
rows are locked while their calendars are checked, so two bookings cannot give
one interviewer two interviews at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from flask import current_app
from sqlalchemy import case, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.core.periodic import periodic
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.mail.outbox import add_messages
from app.models import (
    Application,
    BookingRequest,
    BookingSlot,
    BookingStatus,
    Interview,
    InterviewInterviewer,
    InterviewKind,
    InterviewStatus,
    Role,
    SlotStatus,
    User,
)
from app.models.base import utcnow
from app.services import interviews, status_links
from app.services.access import EDITORS, require_member, require_role, require_user
from app.services.pagination import Page, paginate_desc
from app.services.validation import Checker
from app.workflow import FINAL_STAGES

MAX_SLOTS = 20
MIN_MINUTES, MAX_MINUTES = 5, interviews.MAX_LENGTH_HOURS * 60
DEFAULT_MINUTES = 60
TAKEN = "This slot was just taken."
MAIL_KIND = "booking_offer"


@dataclass(frozen=True)
class Offered:
    """A new request; `token` is for the email only (never shown to staff nor returned by the API)."""

    request: BookingRequest
    token: str


def link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/book/{token}"


def local(moment: datetime, timezone: str) -> datetime:
    """A UTC time in the IANA zone (UTC when the zone is unknown)."""
    tz = interviews.zone(timezone) or interviews.zone("UTC")
    return moment.astimezone(tz)


# --- staff ---------------------------------------------------------------------------------------------


def _application(actor: User, application_id: int) -> Application:
    actor = require_user(actor)
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("That application was not found.")
    require_member(actor, application.company_id, what="That application")
    require_role(actor, *EDITORS, action="offer interview slots")
    if application.stage in FINAL_STAGES or application.stage_category in FINAL_STAGES:
        raise Conflict("This application is closed: interviews can no longer be booked.")
    return application


def _duration(check: Checker, value, kind: InterviewKind | None) -> int:
    if value is None:
        return kind.duration_minutes if kind else DEFAULT_MINUTES
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_MINUTES <= value <= MAX_MINUTES:
        check.add("duration_minutes", f"Must be a number of minutes from {MIN_MINUTES} to {MAX_MINUTES}.")
        return DEFAULT_MINUTES
    return value


def _slots(check: Checker, items, timezone: str, minutes: int) -> list[interviews.Slot]:
    """Each offered time checked like an interview's; in the future; none overlapping another."""
    if not isinstance(items, list) or not items:
        check.add("slots", "Offer at least one time.")
        return []
    if len(items) > MAX_SLOTS:
        check.add("slots", f"Offer at most {MAX_SLOTS} times.")
        return []
    found: list[interviews.Slot] = []
    now = utcnow()
    for n, item in enumerate(items, 1):
        starts_at, ends_at = (item.get("starts_at"), item.get("ends_at")) if isinstance(item, dict) else (item, None)
        one = Checker()
        slot = interviews.check_slot(one, starts_at, ends_at, timezone, duration_minutes=minutes)
        for field, messages in one.errors.items():
            if field != "timezone":  # said once, on the request's own field
                for message in messages:
                    check.add("slots", f"Time {n}: {message}")
        if slot is None:
            continue
        if slot.starts_at <= now:
            check.add("slots", f"Time {n}: must be in the future.")
            continue
        found.append(slot)
    found.sort(key=lambda s: s.starts_at)
    for before, after in pairwise(found):
        if after.starts_at < before.ends_at:
            check.add("slots", f"Two times overlap: {_label(before.starts_at, timezone)} and "
                      f"{_label(after.starts_at, timezone)}.")  # fmt: skip
    return found


def _label(moment: datetime, timezone: str) -> str:
    return local(moment, timezone).strftime("%a %d %b %Y %H:%M")


def _expiry(check: Checker, value, timezone: str, slots: list[interviews.Slot]) -> datetime | None:
    """Default: the start of the last time offered; never later than that, never in the past."""
    last = slots[-1].starts_at if slots else None
    if value in (None, ""):
        return last
    moment = interviews.parse_time(check, "expires_at", value, interviews.zone(timezone or ""))
    if moment is None:
        return None
    if moment <= utcnow():
        check.add("expires_at", "Must be in the future.")
    elif last is not None and moment > last:
        check.add("expires_at", "Must be no later than the start of the last time offered.")
    return moment


def busy(interviewer_ids: list[int], slots: list[tuple[datetime, datetime]]) -> list[tuple[int, int]]:
    """(index of the slot, interview id) for each scheduled interview of these people overlapping a slot."""
    if not interviewer_ids or not slots:
        return []
    first, last = min(s for s, _ in slots), max(e for _, e in slots)
    found = db.session.execute(
        select(Interview.id, Interview.starts_at, Interview.ends_at)
        .join(InterviewInterviewer, InterviewInterviewer.interview_id == Interview.id)
        .where(
            InterviewInterviewer.user_id.in_(interviewer_ids),
            Interview.status == InterviewStatus.SCHEDULED.value,
            Interview.starts_at < last,
            Interview.ends_at > first,
        )
    ).all()
    return [(n, i.id) for n, (s, e) in enumerate(slots) for i in found if i.starts_at < e and i.ends_at > s]


def offer(
    actor: User,
    application_id: int,
    *,
    slots,
    timezone,
    title=None,
    kind_id=None,
    interviewer_ids=None,
    location=None,
    video_url=None,
    duration_minutes=None,
    expires_at=None,
) -> Offered:
    """Offer 1..MAX_SLOTS times for one interview; the candidate gets a private link to pick one."""
    actor = require_user(actor)
    application = _application(actor, application_id)
    if not application.candidate.email:
        raise Conflict("This person has no email address to send the times to.")
    check = Checker()
    kind = _kind(check, application, kind_id)
    if interviews.zone(timezone or "") is None:
        check.add("timezone", "Not a time zone we know: use an IANA name such as Europe/Paris or America/New_York.")
    minutes = _duration(check, duration_minutes, kind)
    offered = _slots(check, slots, timezone, minutes) if "timezone" not in check.errors else []
    title = check.line("title", title if title is not None else (kind.name if kind else "Interview"), required=True)
    if interviewer_ids is None and kind is not None:
        interviewer_ids = list(kind.default_interviewer_ids or [])
    people = interviews.check_interviewers(check, application.company_id, interviewer_ids)
    if not people and "interviewer_ids" not in check.errors:
        check.add("interviewer_ids", "Name at least one interviewer.")
    location = check.line(
        "location", location if location is not None else (kind.location if kind else ""), max_len=300
    )
    video_url = _video_url(check, video_url if video_url is not None else (kind.video_url if kind else ""))
    expiry = _expiry(check, expires_at, timezone, offered)
    check.raise_if_any("The times could not be offered.")
    clashes = busy([u.id for u in people], [(s.starts_at, s.ends_at) for s in offered])
    if clashes:
        n, _interview = clashes[0]
        raise Conflict(
            f"An interviewer already has an interview at {_label(offered[n].starts_at, timezone)}: "
            "offer other times or other interviewers.",
            errors={"slots": [f"{_label(offered[n].starts_at, timezone)} is already taken." for n, _ in clashes]},
        )
    token, token_hash = status_links.new_token()
    request = BookingRequest(
        company_id=application.company_id,
        application_id=application.id,
        kind_id=kind.id if kind else None,
        title=title,
        interviewer_ids=[u.id for u in people],
        timezone=timezone,
        location=location or "",
        video_url=video_url or "",
        duration_minutes=minutes,
        token_hash=token_hash,
        status=BookingStatus.OPEN.value,
        expires_at=expiry,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(request)
    db.session.flush()
    # One INSERT for every time offered (the ORM writes them one by one where RETURNING is per row).
    table = BookingSlot.__table__
    rows = [
        {"request_id": request.id, "starts_at": s.starts_at, "ends_at": s.ends_at, "status": SlotStatus.OPEN.value}
        for s in offered
    ]
    db.session.execute(insert(table), rows)
    _mail_offer(application, request, token, offered)
    return Offered(request, token)


def _kind(check: Checker, application: Application, kind_id) -> InterviewKind | None:
    if kind_id is None:
        return None
    kind = (
        db.session.get(InterviewKind, kind_id) if isinstance(kind_id, int) and not isinstance(kind_id, bool) else None
    )
    if kind is None or kind.job_id != application.job_id:
        check.add("kind_id", "Not a step of this job's interview plan.")
        return None
    return kind


def _video_url(check: Checker, value) -> str | None:
    value = check.line("video_url", value, max_len=500)
    if value and not value.lower().startswith(("https://", "http://")):
        check.add("video_url", "Must be a web address starting with https://.")
    return value


def _mail_offer(application: Application, request: BookingRequest, token: str, offered: list) -> None:
    """The candidate's email with the private link; the stored copy loses the link once sent."""
    candidate, job = application.candidate, application.job
    context = {
        "candidate_name": candidate.full_name,
        "company_name": job.company.name,
        "job_title": job.title,
        "title": request.title,
        "link": link(token),
        "timezone": request.timezone,
        "times": [_label(s.starts_at, request.timezone) for s in offered],
        "expires": _label(request.expires_at, request.timezone),
    }
    add_messages(
        [
            {
                "kind": MAIL_KIND,
                "to_address": candidate.email,
                "to_name": candidate.full_name,
                "company_id": application.company_id,
                "application_id": application.id,
                "template": MAIL_KIND,
                "context": context,
                "subject": "Pick a time for your interview with {company_name}",
            }
        ]
    )


def get_request(actor: User, request_id: int) -> BookingRequest:
    """Staff of the request's company; anyone else: not found."""
    actor = require_user(actor)
    request = db.session.get(BookingRequest, request_id)
    if request is None:
        raise NotFound("That booking request was not found.")
    require_member(actor, request.company_id, what="That booking request")
    return request


def list_for_application(actor: User, application_id: int, *, limit=None, cursor=None) -> Page:
    """The application's booking requests, newest first (staff of its company)."""
    actor = require_user(actor)
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("That application was not found.")
    require_member(actor, application.company_id, what="That application")
    stmt = select(BookingRequest).where(BookingRequest.application_id == application.id)
    return paginate_desc(db.session, stmt, BookingRequest.id, limit=limit, cursor=cursor)


def recent(application: Application, n: int = 5) -> list[BookingRequest]:
    """The application's latest requests, for its page (the caller has already checked access)."""
    return list(
        db.session.scalars(
            select(BookingRequest)
            .where(BookingRequest.application_id == application.id)
            .order_by(BookingRequest.id.desc())
            .limit(n)
        )
    )


def cancel(actor: User, request_id: int) -> BookingRequest:
    """Withdraw the link: it stops working at once; a time already booked stays booked (cancel the interview)."""
    request = get_request(actor, request_id)
    require_role(actor, *EDITORS, action="withdraw booking links")
    if request.effective_status != BookingStatus.OPEN:
        raise Conflict(f"This booking request is {request.effective_status}: there is nothing to withdraw.")
    now = utcnow()
    table = BookingRequest.__table__
    done = db.session.execute(
        update(table)
        .where(table.c.id == request.id, table.c.status == BookingStatus.OPEN.value)
        .values(status=BookingStatus.CANCELLED.value, cancelled_at=now)
    )
    if done.rowcount != 1:
        raise Conflict("This booking request was booked or withdrawn a moment ago.")
    set_committed_value(request, "status", BookingStatus.CANCELLED.value)
    set_committed_value(request, "cancelled_at", now)
    _release(request, keep=None)
    return request


def _release(request: BookingRequest, *, keep: int | None) -> None:
    """Every slot but `keep` released (one UPDATE); `keep` booked."""
    table = BookingSlot.__table__
    booked, released = SlotStatus.BOOKED.value, SlotStatus.RELEASED.value
    db.session.execute(
        update(table)
        .where(table.c.request_id == request.id)
        .values(status=case((table.c.id == keep, booked), else_=released) if keep else released)
    )
    for slot in request.slots:
        set_committed_value(slot, "status", booked if slot.id == keep else released)


# --- the candidate -------------------------------------------------------------------------------------


def open_link(token: str) -> BookingRequest:
    """The request this link is for, whatever its status; unknown links are not found.

    Looked up by the token's hash: the database never sees the token, and timing tells nothing about it.
    """
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("This link is not valid.")
    request = db.session.scalars(
        select(BookingRequest).where(BookingRequest.token_hash == status_links.digest(token))
    ).first()
    if request is None:
        raise NotFound("This link is not valid.")
    return request


def closed_reason(request: BookingRequest) -> str | None:
    """Why the link no longer offers times, in the candidate's words; None while it does."""
    status = request.effective_status
    if status == BookingStatus.BOOKED:
        return "Your interview is booked."
    if status == BookingStatus.CANCELLED:
        return "The team withdrew these times. They will be in touch."
    if status == BookingStatus.EXPIRED:
        return "These times are no longer on offer. Contact the team for new ones."
    return None


def open_slots(request: BookingRequest) -> list[BookingSlot]:
    """The times the candidate may still pick: open, and not started."""
    if request.effective_status != BookingStatus.OPEN:
        return []
    now = utcnow()
    return [s for s in request.slots if s.status == SlotStatus.OPEN and s.starts_at > now]


def pick(token: str, slot_id: int, candidate_timezone: str | None = None) -> BookingRequest:
    """The candidate books one of the times: exactly one pick of a request ever wins.

    The claim is one conditional UPDATE (open -> booked); a pick that finds the
    request no longer open gets a 409. The winner schedules the interview in the
    same transaction, as the recruiter who offered the times (or, if they have
    left, an active admin of the company), so the invites go out as usual.
    """
    request = open_link(token)
    reason = closed_reason(request)
    if reason is not None:
        raise Conflict(f"{TAKEN} {reason}" if request.status == BookingStatus.BOOKED else reason)
    slot = next((s for s in request.slots if s.id == slot_id), None)
    if slot is None:
        raise NotFound("That time is not one of this link's.")
    now = utcnow()
    if slot.starts_at <= now:
        raise Conflict("That time has passed: pick another.")
    table = BookingRequest.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == request.id, table.c.status == BookingStatus.OPEN.value, table.c.expires_at > now)
        .values(status=BookingStatus.BOOKED.value, booked_slot_id=slot.id, booked_at=now)
    )
    if claimed.rowcount != 1:
        raise Conflict(f"{TAKEN} Another time was booked through this link a moment ago.")
    set_committed_value(request, "status", BookingStatus.BOOKED.value)
    set_committed_value(request, "booked_slot_id", slot.id)
    set_committed_value(request, "booked_at", now)
    _lock_interviewers(request.interviewer_ids)
    if busy(request.interviewer_ids, [(slot.starts_at, slot.ends_at)]):
        raise Conflict(f"{TAKEN} The interviewer's calendar filled up: pick another time.")
    organizer = _organizer(request)
    zone_note = candidate_timezone if interviews.zone(candidate_timezone or "") else None
    try:
        interview = interviews.schedule(
            organizer,
            request.application_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            timezone=request.timezone,
            title=request.title,
            kind_id=request.kind_id,
            interviewer_ids=list(request.interviewer_ids),
            location=request.location,
            video_url=request.video_url,
            notes="Booked by the candidate through a booking link"
            + (f" (their time zone: {zone_note})." if zone_note else "."),
        )
    except ValidationFailed:
        raise Conflict(
            "This interview can no longer be booked through this link: its details changed. "
            "Contact the team for new times."
        ) from None
    request.interview_id = interview.id
    _release(request, keep=slot.id)
    db.session.flush()
    return request


def _lock_interviewers(ids: list[int]) -> None:
    """Hold the interviewers' rows until commit (PostgreSQL): bookings sharing one run one after another."""
    if ids:
        db.session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update())


def _organizer(request: BookingRequest) -> User:
    """Who the interview is scheduled as: the recruiter who offered the times, else an active admin."""
    creator = db.session.get(User, request.created_by_id) if request.created_by_id else None
    if creator is not None and creator.active and creator.company_id == request.company_id and creator.role in EDITORS:
        return creator
    admin = db.session.scalars(
        select(User)
        .where(User.company_id == request.company_id, User.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    ).first()
    if admin is None:
        raise Conflict("This interview cannot be booked right now. Contact the team.")
    return admin


def expire_due() -> int:
    """Mark open requests past their time as expired (a conditional UPDATE); how many."""
    table = BookingRequest.__table__
    done = db.session.execute(
        update(table)
        .where(table.c.status == BookingStatus.OPEN.value, table.c.expires_at <= utcnow())
        .values(status=BookingStatus.EXPIRED.value)
    )
    return done.rowcount or 0


@periodic("booking.expire", every=300)
def expire_task(_app) -> int:
    """Every five minutes: open requests past their time become expired (their pages say so already)."""
    try:
        count = expire_due()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return count
