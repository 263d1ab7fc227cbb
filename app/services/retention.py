"""Retention: each company's policy, who it makes due, the runs that anonymise them.

A candidate is due when none of their applications is still going (every one is hired, rejected or
withdrawn, or its job is closed) and the last one ended longer ago than the policy says: `retention_days`
for everyone, `retention_hired_days` for candidates who were hired. Kept: candidates under a legal hold,
and candidates in a talent pool who have not withdrawn their consent. The preview (`dry_run`) and the run
read the same query, so the preview lists exactly who the run then anonymises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import and_, case, exists, func, literal, or_, select

from app.core.periodic import periodic
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Application, Candidate, Company, Job, PoolMember, RetentionRun, Role, User
from app.models.base import utcnow
from app.services import anonymise, audit
from app.services.access import require_member, require_role

MAX_DAYS = 36500
ENDED = ("hired", "rejected", "withdrawn")


@dataclass(frozen=True)
class Policy:
    retention_days: int | None
    retention_hired_days: int | None

    @property
    def active(self) -> bool:
        return self.retention_days is not None or self.retention_hired_days is not None

    def as_dict(self) -> dict:
        return {"retention_days": self.retention_days, "retention_hired_days": self.retention_hired_days}


@dataclass(frozen=True)
class Due:
    candidate_id: int
    full_name: str
    rule: str  # "ended" | "hired"
    ended_at: datetime
    days: int

    @property
    def why(self) -> str:
        what = "was hired" if self.rule == "hired" else "last application ended"
        return f"{what} {self.ended_at:%Y-%m-%d}, more than {self.days} days ago"


def policy_of(company: Company) -> Policy:
    return Policy(company.retention_days, company.retention_hired_days)


def _company_admin(actor: User, company_id: int) -> Company:
    require_member(actor, company_id, what="That company")
    require_role(actor, Role.ADMIN, action="manage data retention")
    company = db.session.get(Company, company_id)
    if company is None:
        raise NotFound("That company was not found.")
    return company


def get_policy(actor: User) -> Policy:
    return policy_of(_company_admin(actor, actor.company_id))


def set_policy(actor: User, *, retention_days=None, retention_hired_days=None) -> Policy:
    """Days, or None to turn a rule off; 0 is refused (it would erase people the moment they are decided)."""
    company = _company_admin(actor, actor.company_id)
    errors: dict[str, list[str]] = {}
    for field, value in (("retention_days", retention_days), ("retention_hired_days", retention_hired_days)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[field] = ["Must be a whole number of days, or empty to turn it off."]
        elif value < 1:
            errors[field] = [
                "At least 1 day: 0 would erase people the moment their application ends. Leave it empty to turn "
                "this rule off."
            ]
        elif value > MAX_DAYS:
            errors[field] = [f"At most {MAX_DAYS} days."]
    if errors:
        raise ValidationFailed("The retention policy was not saved.", errors=errors)
    before = policy_of(company)
    company.retention_days = retention_days
    company.retention_hired_days = retention_hired_days
    db.session.flush()
    audit.record(
        "retention.policy_changed",
        actor=actor,
        object_type="company",
        object_id=company.id,
        details={"before": before.as_dict(), "after": policy_of(company).as_dict()},
    )
    return policy_of(company)


def due(company: Company, *, now: datetime | None = None, limit: int | None = None) -> list[Due]:
    """Who the policy makes due now, oldest ending first (one query)."""
    policy = policy_of(company)
    if not policy.active:
        return []
    now = now or utcnow()
    ended_at = func.max(
        case((Application.stage_category.in_(ENDED), Application.stage_entered_at), else_=Job.closed_at)
    )
    going = func.max(case((and_(Application.stage_category.not_in(ENDED), Job.status != "closed"), 1), else_=0))
    hired = func.max(case((Application.stage_category == "hired", 1), else_=0))
    rules = []
    if policy.retention_hired_days is not None:
        rules.append(and_(hired == 1, ended_at <= now - timedelta(days=policy.retention_hired_days)))
    if policy.retention_days is not None:
        rules.append(and_(hired == 0, ended_at <= now - timedelta(days=policy.retention_days)))
    kept_in_pool = exists().where(PoolMember.candidate_id == Candidate.id)
    query = (
        select(Candidate.id, Candidate.full_name, ended_at.label("ended_at"), hired.label("hired"))
        .join(Application, Application.candidate_id == Candidate.id)
        .join(Job, Job.id == Application.job_id)
        .where(
            Candidate.company_id == company.id,
            Candidate.anonymised_at.is_(None),
            Candidate.legal_hold_at.is_(None),
            or_(Candidate.consent_withdrawn_at.is_not(None), ~kept_in_pool),
        )
        .group_by(Candidate.id, Candidate.full_name)
        .having(going == 0, or_(*rules) if rules else literal(False))
        .order_by(ended_at, Candidate.id)
    )
    if limit:
        query = query.limit(limit)
    found = []
    for cid, name, ended, was_hired in db.session.execute(query):
        rule = "hired" if was_hired else "ended"
        days = policy.retention_hired_days if was_hired else policy.retention_days
        found.append(Due(cid, name, rule, _aware(ended), days))
    return found


def _aware(value) -> datetime:
    """max() over a UTC column comes back naive on SQLite (text) and aware on PostgreSQL."""
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run(company: Company, *, actor: User | None, trigger: str, limit: int | None = None) -> RetentionRun:
    """Anonymise everyone due now and record the run (ids and rules, never names)."""
    started = utcnow()
    found = due(company, now=started, limit=limit)
    if found:
        batch = db.session.scalars(select(Candidate).where(Candidate.id.in_([i.candidate_id for i in found]))).all()
        anonymise.anonymise_many(list(batch), actor=actor, trigger=f"retention:{trigger}")
    record = RetentionRun(
        company_id=company.id,
        actor_id=actor.id if actor else None,
        trigger=trigger,
        policy=policy_of(company).as_dict(),
        anonymised=[
            {"candidate_id": i.candidate_id, "rule": i.rule, "ended_at": i.ended_at.isoformat()} for i in found
        ],
        count=len(found),
        started_at=started,
        finished_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    audit.record(
        "retention.run",
        actor=actor,
        company_id=company.id,
        object_type="retention_run",
        object_id=record.id,
        details={"trigger": trigger, "count": len(found)},
    )
    return record


def preview_for(actor: User) -> list[Due]:
    return due(_company_admin(actor, actor.company_id), limit=current_app.config.get("RETENTION_PREVIEW_LIMIT", 500))


def run_for(actor: User) -> RetentionRun:
    return run(_company_admin(actor, actor.company_id), actor=actor, trigger="admin")


def list_runs(actor: User, *, limit: int = 50) -> list[RetentionRun]:
    company = _company_admin(actor, actor.company_id)
    return list(
        db.session.scalars(
            select(RetentionRun)
            .where(RetentionRun.company_id == company.id)
            .order_by(RetentionRun.id.desc())
            .limit(limit)
        )
    )


def companies_with_policy() -> list[Company]:
    return list(
        db.session.scalars(
            select(Company)
            .where(or_(Company.retention_days.is_not(None), Company.retention_hired_days.is_not(None)))
            .order_by(Company.id)
        )
    )


def run_in_batches(company: Company, *, trigger: str, batch: int) -> int:
    """Everyone due in `company`, `batch` candidates per transaction, each batch recorded as a run.

    Row locks are held for one batch only and a failure keeps the batches before it; the company is done
    when a batch comes back short. Returns how many were anonymised.
    """
    total = 0
    while True:
        try:
            done = run(company, actor=None, trigger=trigger, limit=batch).count
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        total += done
        if done < batch:
            return total


@periodic("privacy.retention", every="RETENTION_INTERVAL")
def run_policies(app: Flask) -> int:
    """The daily run: every company with a policy, in batches of RETENTION_BATCH candidates."""
    batch = app.config.get("RETENTION_BATCH", 500)
    return sum(run_in_batches(company, trigger="schedule", batch=batch) for company in companies_with_policy())
