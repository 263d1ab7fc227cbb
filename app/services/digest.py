"""The daily digest: each staff member's morning email of what waits for them.

`run(now)` is the periodic task `mail.digest` (app/mail/tasks.py), run hourly.
A member is due once their morning has come (`DIGEST_HOUR`, in UTC: companies
have no time zone of their own yet) and their last digest is more than 20 hours
old. Members are claimed in batches by one conditional UPDATE of
`users.digest_sent_at` (`... WHERE digest_sent_at IS NULL OR digest_sent_at <
now - 20 h RETURNING ...`): of two runners at the same moment, the second finds
nobody left, so no one gets two. The batch's content is two set-based SELECTs
(waiting applications in the jobs they created, unread mentions), and all its
emails one INSERT into the outbox, committed with the claim. Nothing to say:
no email (the claim still counts as today's digest).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased

from app import workflow
from app.extensions import db
from app.mail.compose import one_line
from app.mail.outbox import add_messages
from app.models import REVIEWER_ROLES, Application, Candidate, Job, Notification, NotificationKind, User
from app.models.base import utcnow
from app.services.notifications import with_context

BATCH = 200  # members claimed per transaction
SHOWN = 10  # items of each list written into one email (the totals say how many more)
AGAIN_AFTER = timedelta(hours=20)
FINAL = ("hired", "rejected", "withdrawn")


def run(now: datetime | None = None) -> int:
    """Queue the digests that are due; how many emails were queued."""
    now = now or utcnow()
    if now.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0  # nobody's morning yet
    queued = 0
    while True:
        members = _claim(now)
        if not members:
            break
        messages = _messages(members, now)
        add_messages(messages)
        db.session.commit()
        queued += len(messages)
        if len(members) < BATCH:
            break
    return queued


def _due():
    return (
        User.role.in_([role.value for role in REVIEWER_ROLES]),
        User.active.is_(True),
        User.digest_opt_out.is_(False),
    )


def _claim(now: datetime) -> list:
    """Up to BATCH due members, marked as having had today's digest: (id, email, full_name, company_id) rows."""
    not_lately = or_(User.digest_sent_at.is_(None), User.digest_sent_at < now - AGAIN_AFTER)
    batch = select(User.id).where(*_due(), not_lately).order_by(User.id).limit(BATCH)
    stmt = (
        update(User)
        # The conditions again outside the subquery: a concurrent runner re-checks them on the locked row.
        .where(User.id.in_(batch.scalar_subquery()), *_due(), not_lately)
        .values(digest_sent_at=now)
        .returning(User.id, User.email, User.full_name, User.company_id)
        .execution_options(synchronize_session=False)
    )
    return list(db.session.execute(stmt).all())


def _waiting(user_ids: list[int], now: datetime) -> dict[int, tuple[int, list]]:
    """{member: (total, the SHOWN longest-waiting)}: applications in a non-final stage for DIGEST_WAITING_DAYS
    or more, in the jobs the member created (one SELECT for the whole batch)."""
    since = now - timedelta(days=int(current_app.config["DIGEST_WAITING_DAYS"]))
    owner = aliased(User)
    ranked = (
        select(
            Job.created_by_id.label("user_id"),
            Application.id.label("application_id"),
            Candidate.full_name.label("candidate_name"),
            Job.title.label("job_title"),
            Application.stage_category.label("category"),
            Application.stage_entered_at.label("entered_at"),
            func.row_number()
            .over(partition_by=Job.created_by_id, order_by=(Application.stage_entered_at, Application.id))
            .label("n"),
            func.count().over(partition_by=Job.created_by_id).label("total"),
        )
        .join(Job, Job.id == Application.job_id)
        .join(owner, owner.id == Job.created_by_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .where(
            Job.created_by_id.in_(user_ids),
            owner.company_id == Application.company_id,
            Application.stage_category.not_in(FINAL),
            Application.stage_entered_at <= since,
        )
        .subquery()
    )
    return _per_member(ranked)


def _mentions(user_ids: list[int]) -> dict[int, tuple[int, list]]:
    """{member: (total, the SHOWN newest)} unread mentions (one SELECT for the whole batch)."""
    ranked = (
        with_context(
            Notification.user_id,
            Notification.application_id,
            Notification.note_id,
            func.row_number().over(partition_by=Notification.user_id, order_by=Notification.id.desc()).label("n"),
            func.count().over(partition_by=Notification.user_id).label("total"),
        )
        .where(
            Notification.user_id.in_(user_ids),
            Notification.kind == NotificationKind.MENTION,
            Notification.read_at.is_(None),
        )
        .subquery()
    )
    return _per_member(ranked)


def _per_member(ranked) -> dict[int, tuple[int, list]]:
    """{member: (total, their first SHOWN rows)} from a subquery ranked per member (`n`, `total`)."""
    found: dict[int, tuple[int, list]] = {}
    for row in db.session.execute(select(ranked).where(ranked.c.n <= SHOWN).order_by(ranked.c.user_id, ranked.c.n)):
        found.setdefault(row.user_id, (row.total, []))[1].append(row)
    return found


def _messages(members: list, now: datetime) -> list[dict]:
    """One outbox message per member with something to say (add_messages' dicts)."""
    ids = [member.id for member in members]
    waiting, mentions = _waiting(ids, now), _mentions(ids)
    base = current_app.config["BASE_URL"].rstrip("/")
    messages = []
    for member in members:
        waiting_total, waiting_rows = waiting.get(member.id, (0, []))
        mention_total, mention_rows = mentions.get(member.id, (0, []))
        if not waiting_total and not mention_total:
            continue
        context = {
            "staff_name": member.full_name,
            "waiting_total": waiting_total,
            "waiting": [
                {
                    "candidate_name": one_line(row.candidate_name, 200),
                    "job_title": one_line(row.job_title, 200),
                    "stage": workflow.CATEGORY_LABELS.get(row.category, row.category),
                    "days": max(0, (now - row.entered_at).days),
                    "link": f"{base}/dashboard/applications/{row.application_id}",
                }
                for row in waiting_rows
            ],
            "mention_total": mention_total,
            "mentions": [
                {
                    "actor_name": one_line(row.actor_name or "A former member", 200),
                    "candidate_name": one_line(row.candidate_name, 200),
                    "job_title": one_line(row.job_title, 200),
                    "link": f"{base}/dashboard/applications/{row.application_id}#note-{row.note_id}",
                }
                for row in mention_rows
            ],
            "link": f"{base}/dashboard/notifications",
            "settings_link": f"{base}/dashboard/settings",
        }
        messages.append(
            {
                "kind": "digest",
                "to_address": member.email,
                "to_name": member.full_name,
                "company_id": member.company_id,
                "template": "digest",
                "subject": "Your daily digest: {waiting_total} waiting, {mention_total} unread mention(s)",
                "context": context,
            }
        )
    return messages
