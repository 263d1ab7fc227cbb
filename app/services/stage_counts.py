"""Applications per job and stage: kept on every apply and move, read by the dashboard.

Counting a company's applications on each dashboard load costs as much as the
company has applications; these rows cost the same at 2,000 as at 200,000.
They change in the transaction of the apply or move, so they are never ahead
of or behind the applications they count.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import bindparam, case, delete, func, insert, select

from app.extensions import db
from app.models import Application, JobStageCount, User
from app.services.access import require_member
from app.workflow import STAGES


@lru_cache(maxsize=8)
def _bump_statement(dialect: str, rows: int):
    """INSERT ... ON CONFLICT DO UPDATE for `rows` stages of one job, built once per dialect and size.

    A new row starts at max(delta, 0); an existing one adds the delta (0 stands for -1).
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    table = JobStageCount.__table__
    values = [
        {"job_id": bindparam("job_id"), "stage": bindparam(f"stage_{n}"), "company_id": bindparam("company_id"),
         "count": bindparam(f"start_{n}")}
        for n in range(rows)
    ]  # fmt: skip
    stmt = upsert(table).values(values)
    delta = case((stmt.excluded.count == 0, -1), else_=stmt.excluded.count)
    return stmt.on_conflict_do_update(index_elements=["job_id", "stage"], set_={"count": table.c.count + delta})


def _bump(job_id: int, company_id: int, deltas: dict[str, int]) -> None:
    """Add +1 / -1 per stage in one statement; rows are touched in stage order, so
    concurrent moves lock them in the same order and cannot deadlock."""
    params: dict = {"job_id": job_id, "company_id": company_id}
    for n, (stage, delta) in enumerate(sorted(deltas.items(), key=lambda item: STAGES.index(item[0]))):
        params[f"stage_{n}"], params[f"start_{n}"] = stage, max(delta, 0)
    db.session.execute(_bump_statement(db.session.get_bind().dialect.name, len(deltas)), params)


def record_apply(application: Application) -> None:
    _bump(application.job_id, application.company_id, {application.stage: 1})


def record_move(application: Application, from_stage: str) -> None:
    _bump(application.job_id, application.company_id, {from_stage: -1, application.stage: 1})


def by_job(actor: User, job_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """{job_id: {stage: count}} of the actor's company's jobs (or just `job_ids`); empty stages left out."""
    require_member(actor, actor.company_id or -1, what="That company")
    stmt = select(JobStageCount.job_id, JobStageCount.stage, JobStageCount.count).where(
        JobStageCount.company_id == actor.company_id, JobStageCount.count > 0
    )
    if job_ids is not None:
        stmt = stmt.where(JobStageCount.job_id.in_(list(job_ids)))
    counts: dict[int, dict[str, int]] = {}
    for job_id, stage, count in db.session.execute(stmt):
        counts.setdefault(job_id, {})[stage] = count
    return counts


def for_company(actor: User) -> dict[str, int]:
    """{stage: count} over all of the actor's company's jobs."""
    require_member(actor, actor.company_id or -1, what="That company")
    totals = dict.fromkeys(STAGES, 0)
    rows = db.session.execute(
        select(JobStageCount.stage, func.sum(JobStageCount.count))
        .where(JobStageCount.company_id == actor.company_id)
        .group_by(JobStageCount.stage)
    )
    for stage, count in rows:
        totals[stage] = int(count)
    return totals


def rebuild(job_ids: Iterable[int] | None = None) -> None:
    """Recount from the applications (after a bulk load); all jobs unless `job_ids`."""
    ids = list(job_ids) if job_ids is not None else None
    wipe = delete(JobStageCount)
    source = select(Application.job_id, Application.stage, Application.company_id, func.count()).group_by(
        Application.job_id, Application.stage, Application.company_id
    )
    if ids is not None:
        wipe = wipe.where(JobStageCount.job_id.in_(ids))
        source = source.where(Application.job_id.in_(ids))
    db.session.execute(wipe)
    db.session.execute(insert(JobStageCount).from_select(["job_id", "stage", "company_id", "count"], source))
