"""Many rows at once for size-independence tests (query budgets).

The shape is what the services write (a candidate, an application in the job's
company, its history starting at "applied"), inserted in one go so that a test
can compare 1 item with 100 without paying for 100 service calls.
"""

from __future__ import annotations

import itertools

from sqlalchemy import insert

from app import workflow
from app.extensions import db
from app.models import Application, ApplicationAnswer, Candidate, Job, OutboxMessage, StageChange, User
from app.models.base import utcnow
from app.security import hash_password
from app.services import stage_counts

_serial = itertools.count(1)
_hash: dict[str, str] = {}


def candidates(n: int) -> list[int]:
    """`n` new candidate accounts (password "correct horse battery"); their ids."""
    password_hash = _hash.setdefault("h", hash_password("correct horse battery"))
    rows = []
    for _ in range(n):
        k = next(_serial)
        rows.append(
            {"email": f"bulk{k}@example.com", "full_name": f"Bulk Candidate {k}", "role": "candidate",
             "password_hash": password_hash}
        )  # fmt: skip
    db.session.execute(insert(User), rows)
    emails = [row["email"] for row in rows]
    ids = list(db.session.scalars(db.select(User.id).where(User.email.in_(emails)).order_by(User.id)))
    db.session.commit()
    return ids


def records(company_id: int, user_ids: list[int]) -> list[int]:
    """The company's candidate records of these accounts (made now), in the same order."""
    users = {user.id: user for user in db.session.scalars(db.select(User).where(User.id.in_(user_ids)))}
    now = utcnow()
    rows = [
        {"company_id": company_id, "full_name": users[uid].full_name, "email": users[uid].email, "links": {},
         "source": "careers_page", "user_id": uid, "created_at": now, "updated_at": now}
        for uid in user_ids
    ]  # fmt: skip
    db.session.execute(insert(Candidate), rows)
    made = dict(
        db.session.execute(
            db.select(Candidate.user_id, Candidate.id).where(
                Candidate.company_id == company_id, Candidate.user_id.in_(user_ids)
            )
        ).all()
    )
    return [made[uid] for uid in user_ids]


def applications(job_id: int, n: int, *, stage: str = "applied", candidate_ids: list[int] | None = None) -> list[int]:
    """`n` applications to the job (new candidate accounts unless given), each with its history.

    `candidate_ids` are accounts; each gets the job's company's record unless it has one.
    """
    job = db.session.get(Job, job_id)
    company_id = job.company_id
    accounts = candidate_ids or candidates(n)
    known = dict(
        db.session.execute(
            db.select(Candidate.user_id, Candidate.id).where(
                Candidate.company_id == company_id, Candidate.user_id.in_(accounts)
            )
        ).all()
    )
    missing = [uid for uid in accounts if uid not in known]
    if missing:
        known.update(zip(missing, records(company_id, missing), strict=True))
    people = [known[uid] for uid in accounts]
    now = utcnow()
    path = ("applied", "screening", "interview", "offer")
    steps = path[: path.index(stage) + 1] if stage in path else ("applied", stage)
    rows = [
        {"job_id": job_id, "company_id": company_id, "candidate_id": person, "stage": stage,
         "stage_category": workflow.for_job(job).category(stage), "cover_letter": "Hi",
         "version": len(steps), "created_at": now, "updated_at": now}
        for person in people
    ]  # fmt: skip
    db.session.execute(insert(Application), rows)
    ids = list(
        db.session.scalars(
            db.select(Application.id)
            .where(Application.job_id == job_id, Application.candidate_id.in_(people))
            .order_by(Application.id)
        )
    )
    changes = [
        {"application_id": app_id, "company_id": company_id, "from_stage": before, "to_stage": after,
         "to_category": workflow.for_job(job).category(after), "actor_id": None, "created_at": now}
        for app_id in ids
        for before, after in itertools.pairwise((None, *steps))
    ]  # fmt: skip
    db.session.execute(insert(StageChange), changes)
    stage_counts.rebuild([job_id])
    db.session.commit()
    return ids


def flags(application_ids: list[int], label: str = "Do you have a work permit?") -> None:
    """A yes/no answer on each application that its knockout rule flagged."""
    rows = db.session.execute(
        db.select(Application.id, Application.job_id, Application.company_id).where(Application.id.in_(application_ids))
    ).all()
    answers = [
        {"application_id": app_id, "job_id": job_id, "company_id": company_id, "position": 0, "label": label,
         "kind": "yes_no", "value": False, "flag": "Answer is No", "created_at": utcnow()}
        for app_id, job_id, company_id in rows
    ]  # fmt: skip
    db.session.execute(insert(ApplicationAnswer), answers)
    db.session.commit()


def jobs(company_id: int, author_id: int, n: int, *, status: str = "open") -> list[int]:
    """`n` jobs of the company; their ids."""
    now = utcnow()
    rows = [
        {"company_id": company_id, "title": f"Bulk Engineer {next(_serial)}", "description": "Build things.",
         "location": "Berlin", "status": status, "created_by_id": author_id, "created_at": now, "updated_at": now,
         "opened_at": now if status == "open" else None}
        for _ in range(n)
    ]  # fmt: skip
    ids = list(db.session.scalars(insert(Job).returning(Job.id), rows))
    db.session.commit()
    return sorted(ids)


def staff(company_id: int, n: int, *, role: str = "recruiter") -> list[int]:
    """`n` staff members of the company (no password: invited, not yet signed in)."""
    rows = [
        {"email": f"bulkstaff{next(_serial)}@example.com", "full_name": "Bulk Staff", "role": role,
         "company_id": company_id}
        for _ in range(n)
    ]  # fmt: skip
    ids = list(db.session.scalars(insert(User).returning(User.id), rows))
    db.session.commit()
    return sorted(ids)


def messages(company_id: int, n: int, *, status: str = "sent") -> list[int]:
    """`n` outbox messages of the company."""
    rows = [
        {"company_id": company_id, "kind": "bulk", "to_address": "someone@example.com", "subject": "Hello",
         "text_body": "Hello", "message_id": f"<bulk-{next(_serial)}@example.com>", "status": status}
        for _ in range(n)
    ]  # fmt: skip
    ids = list(db.session.scalars(insert(OutboxMessage).returning(OutboxMessage.id), rows))
    db.session.commit()
    return sorted(ids)
