"""Each staff member's private calendar feed: a secret URL their calendar app subscribes to.

The token is shown once, when made; only its SHA-256 is stored, and the feed is found by
that hash (an index lookup on a value the caller cannot choose byte by byte: no timing
to learn the token from), then compared again with `hmac.compare_digest`. A new token
replaces the old one; revoking deletes it, and the old URL is a 404 at once.

The feed is read in one statement whatever its size: the feed row, its user (active
staff only) and their interviews (from FEED_PAST_DAYS ago on, cancelled ones included so
calendars drop them) with the candidate's name and the job's title. It never carries the
interviewers' notes: a subscription URL travels to calendar services.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select

from app.extensions import db
from app.models import Application, CalendarFeed, Candidate, Interview, InterviewInterviewer, Job, User
from app.models.base import utcnow
from app.services import audit
from app.services.access import require_member, require_user

FEED_PAST_DAYS = 30
FEED_MAX = 2000
TOKEN_BYTES = 32


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    sequence: int
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    video_url: str
    updated_at: datetime
    application_id: int
    candidate_name: str
    job_title: str


@dataclass(frozen=True)
class Feed:
    user_id: int
    user_name: str
    events: list[FeedEvent]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _staff(actor: User) -> User:
    actor = require_user(actor)
    require_member(actor, actor.company_id or -1, what="That company")
    return actor


def has_feed(actor: User) -> bool:
    return db.session.get(CalendarFeed, actor.id) is not None


def create(actor: User) -> str:
    """A new secret for the caller's feed (the earlier one stops working); returned this once."""
    actor = _staff(actor)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, actor.id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=actor.id, token_hash=token_hash(token)))
    else:
        feed.token_hash, feed.created_at = token_hash(token), utcnow()
    db.session.flush()
    audit.record("calendar_feed.created", actor=actor, object_type="user", object_id=actor.id)
    return token


def revoke(actor: User) -> bool:
    """Delete the caller's feed; False when there was none."""
    actor = _staff(actor)
    gone = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == actor.id)).rowcount
    if gone:
        audit.record("calendar_feed.revoked", actor=actor, object_type="user", object_id=actor.id)
    return bool(gone)


def read(token: str, *, now: datetime | None = None) -> Feed | None:
    """The feed of this token, or None (unknown, revoked, or its user no longer active staff)."""
    if not token or len(token) > 200:
        return None
    wanted = token_hash(token)
    since = (now or utcnow()) - timedelta(days=FEED_PAST_DAYS)
    mine = (
        select(
            InterviewInterviewer.user_id.label("user_id"),
            Interview.company_id,
            Interview.uid,
            Interview.sequence,
            Interview.title,
            Interview.status,
            Interview.starts_at,
            Interview.ends_at,
            Interview.timezone,
            Interview.location,
            Interview.video_url,
            Interview.updated_at,
            Interview.application_id,
            Candidate.full_name.label("candidate_name"),
            Job.title.label("job_title"),
        )
        .join(Interview, Interview.id == InterviewInterviewer.interview_id)
        .join(Application, Application.id == Interview.application_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .where(Interview.ends_at >= since)
        .subquery()
    )
    rows = db.session.execute(
        select(CalendarFeed.token_hash, User.id, User.full_name, mine)
        .select_from(CalendarFeed)
        .join(User, and_(User.id == CalendarFeed.user_id, User.active.is_(True), User.company_id.is_not(None)))
        .outerjoin(mine, and_(mine.c.user_id == CalendarFeed.user_id, mine.c.company_id == User.company_id))
        .where(CalendarFeed.token_hash == wanted)
        .order_by(mine.c.starts_at, mine.c.uid)
        .limit(FEED_MAX)
    ).all()
    if not rows or not hmac.compare_digest(rows[0][0], wanted):
        return None
    events = [
        FeedEvent(
            uid=r.uid,
            sequence=r.sequence,
            title=r.title,
            status=r.status,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            timezone=r.timezone,
            location=r.location,
            video_url=r.video_url,
            updated_at=r.updated_at,
            application_id=r.application_id,
            candidate_name=r.candidate_name,
            job_title=r.job_title,
        )
        for r in rows
        if r.uid is not None
    ]
    return Feed(user_id=rows[0][1], user_name=rows[0][2], events=events)
