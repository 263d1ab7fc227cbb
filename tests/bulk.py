"""Many rows at once for size-independence tests (query budgets).

The shape is what the services write (a candidate, an application in the job's
company, its history starting at "applied"), inserted in one go so that a test
can compare 1 item with 100 without paying for 100 service calls.
"""

from __future__ import annotations

import itertools

from sqlalchemy import insert

from app.extensions import db
from app.models import Application, Job, StageChange, User
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


def applications(job_id: int, n: int, *, stage: str = "applied", candidate_ids: list[int] | None = None) -> list[int]:
    """`n` applications to the job (new candidates unless given), each with its history."""
    job = db.session.get(Job, job_id)
    company_id = job.company_id
    people = candidate_ids or candidates(n)
    now = utcnow()
    path = ("applied", "screening", "interview", "offer")
    steps = path[: path.index(stage) + 1] if stage in path else ("applied", stage)
    rows = [
        {"job_id": job_id, "company_id": company_id, "candidate_id": person, "stage": stage, "cover_letter": "Hi",
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
         "actor_id": None, "created_at": now}
        for app_id in ids
        for before, after in itertools.pairwise((None, *steps))
    ]  # fmt: skip
    db.session.execute(insert(StageChange), changes)
    stage_counts.rebuild([job_id])
    db.session.commit()
    return ids
